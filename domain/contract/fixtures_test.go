package contract_test

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/yardtwin/yardtwin/domain/contract"
	"github.com/yardtwin/yardtwin/domain/contract/contracttest"
	"github.com/yardtwin/yardtwin/domain/iso6346"
)

// TestFixtures decodes every frozen fixture through the integrator path (Parse, then Check) and
// requires that each registered type has one. For the newest version of a type, the decoded Go
// value must encode back to the fixture's data: a Go rename or a changed tag would break that.
func TestFixtures(t *testing.T) {
	reg := contract.NewRegistry()
	checker := contract.NewChecker(reg, nil)
	seen := map[string]bool{}
	for _, fx := range contracttest.Fixtures(t, "..") {
		seen[fx.Type] = true
		t.Run(fx.Type+".v"+strconv.Itoa(fx.Version), func(t *testing.T) {
			if ctx, _, _ := strings.Cut(fx.Type, "."); ctx != fx.Context {
				t.Errorf("%s: a %s event belongs in domain/%s/testdata/events", fx.Path, fx.Type, ctx)
			}
			env, err := contract.Parse(fx.Raw)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if env.Type != fx.Type {
				t.Fatalf("type is %q, the file name says %q", env.Type, fx.Type)
			}
			// Without schemaversion a fixture would be read as the newest version, and silently
			// change meaning the day a v2 is registered.
			if env.SchemaVersion != fx.Version {
				t.Fatalf("schemaversion is %d, the file name says %d", env.SchemaVersion, fx.Version)
			}
			ev, err := checker.Own().Check(&env)
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			if ev.EventType() != fx.Type {
				t.Fatalf("decoded %T says its type is %q, want %q", ev, ev.EventType(), fx.Type)
			}
			if env.Subject != ev.Stream() {
				t.Fatalf("subject %q, stream %q", env.Subject, ev.Stream())
			}
			if newest, _ := reg.Newest(fx.Type); fx.Version != newest {
				return // an older version was upcast: its data is not the newest type's encoding
			}
			got, err := json.Marshal(ev)
			if err != nil {
				t.Fatal(err)
			}
			if !sameJSON(t, got, env.Data) {
				t.Fatalf("decoded and re-encoded data differs from the fixture:\n got %s\nwant %s", got, compactJSON(t, env.Data))
			}
		})
	}
	for _, typ := range reg.Types() {
		if !seen[typ] {
			t.Errorf("registered type %s has no fixture in domain/<context>/testdata/events/", typ)
		}
	}
}

// TestFixturesAreRealistic holds the fixtures to what a terminal would really send: container numbers
// with the right ISO 6346 check digit (the contract accepts a wrong one, the fixtures should not
// need to), times in UTC.
func TestFixturesAreRealistic(t *testing.T) {
	for _, fx := range contracttest.Fixtures(t, "..") {
		var env struct {
			Time string `json:"time"`
			Data struct {
				Container iso6346.ContainerID `json:"container"`
			} `json:"data"`
		}
		if err := json.Unmarshal(fx.Raw, &env); err != nil {
			t.Fatalf("%s: %v", fx.Path, err)
		}
		if c := env.Data.Container; c != "" && !c.CheckDigitOK() {
			d, _ := iso6346.CheckDigit(string(c[:10]))
			t.Errorf("%s: container %s has a wrong check digit, want %d", fx.Path, c, d)
		}
		if !strings.HasSuffix(env.Time, "Z") {
			t.Errorf("%s: time %q is not written in UTC", fx.Path, env.Time)
		}
	}
}

// sameJSON reports whether two JSON texts hold the same value (key order and spacing aside).
func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(va, vb)
}

func compactJSON(t *testing.T, b []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(v)
	return string(out)
}
