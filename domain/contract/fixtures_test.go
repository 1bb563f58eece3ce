package contract_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/yardtwin/yardtwin/domain/contract"
	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/iso6346"
)

// fixtureGlob finds the frozen fixtures of every context: domain/<context>/testdata/events/<type>.v<N>.json.
const fixtureGlob = "../*/testdata/events/*.json"

// fixture is one frozen event file.
type fixture struct {
	path    string
	context string // the directory under domain/ it sits in
	typ     string // from the file name
	version int    // from the file name
	raw     []byte
}

// loadFixtures reads every fixture and fails on a file name that is not "<type>.v<N>.json".
func loadFixtures(t *testing.T) []fixture {
	t.Helper()
	paths, err := filepath.Glob(fixtureGlob)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatalf("no fixtures match %s", fixtureGlob)
	}
	var out []fixture
	for _, p := range paths {
		typ, version, ok := parseFixtureName(filepath.Base(p))
		if !ok {
			t.Fatalf("%s: fixture names are <type>.v<N>.json, e.g. yard.ContainerStacked.v1.json", p)
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		ctx := filepath.Base(filepath.Dir(filepath.Dir(filepath.Dir(p))))
		out = append(out, fixture{path: p, context: ctx, typ: typ, version: version, raw: raw})
	}
	return out
}

// parseFixtureName splits "yard.ContainerStacked.v1.json" into its type and version.
func parseFixtureName(name string) (typ string, version int, ok bool) {
	base, ok := strings.CutSuffix(name, ".json")
	if !ok {
		return "", 0, false
	}
	i := strings.LastIndex(base, ".v")
	if i <= 0 {
		return "", 0, false
	}
	v, err := strconv.Atoi(base[i+2:])
	if err != nil || v < 1 || strconv.Itoa(v) != base[i+2:] {
		return "", 0, false
	}
	return base[:i], v, true
}

// TestFixtures decodes every frozen fixture through the integrator path (Parse, then Check) and
// requires that each registered type has one. For the newest version of a type, the decoded Go
// value must encode back to the fixture's data: a Go rename or a changed tag would break that.
func TestFixtures(t *testing.T) {
	reg := contract.NewRegistry()
	checker := contract.NewChecker(reg, nil)
	seen := map[string]bool{}
	for _, fx := range loadFixtures(t) {
		seen[fx.typ] = true
		t.Run(fx.typ+".v"+strconv.Itoa(fx.version), func(t *testing.T) {
			if ctx, _, _ := strings.Cut(fx.typ, "."); ctx != fx.context {
				t.Errorf("%s: a %s event belongs in domain/%s/testdata/events", fx.path, fx.typ, ctx)
			}
			env, err := contract.Parse(fx.raw)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if env.Type != fx.typ {
				t.Fatalf("type is %q, the file name says %q", env.Type, fx.typ)
			}
			// Without schemaversion a fixture would be read as the newest version, and silently
			// change meaning the day a v2 is registered.
			if env.SchemaVersion != fx.version {
				t.Fatalf("schemaversion is %d, the file name says %d", env.SchemaVersion, fx.version)
			}
			ev, err := checker.Check(&env)
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			if ev.EventType() != fx.typ {
				t.Fatalf("decoded %T says its type is %q, want %q", ev, ev.EventType(), fx.typ)
			}
			if env.Subject != ev.Stream() {
				t.Fatalf("subject %q, stream %q", env.Subject, ev.Stream())
			}
			if newest, _ := reg.Newest(fx.typ); fx.version != newest {
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
	for _, fx := range loadFixtures(t) {
		var env struct {
			Time string `json:"time"`
			Data struct {
				Container iso6346.ContainerID `json:"container"`
			} `json:"data"`
		}
		if err := json.Unmarshal(fx.raw, &env); err != nil {
			t.Fatalf("%s: %v", fx.path, err)
		}
		if c := env.Data.Container; c != "" && !c.CheckDigitOK() {
			d, _ := iso6346.CheckDigit(string(c[:10]))
			t.Errorf("%s: container %s has a wrong check digit, want %d", fx.path, c, d)
		}
		if !strings.HasSuffix(env.Time, "Z") {
			t.Errorf("%s: time %q is not written in UTC", fx.path, env.Time)
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

// fieldNames returns the fields an error names, or fails when err is not an *es.FieldErrors.
func fieldNames(t *testing.T, err error) []string {
	t.Helper()
	var fe *es.FieldErrors
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T) is not an *es.FieldErrors", err, err)
	}
	names := make([]string, len(fe.Fields))
	for i, f := range fe.Fields {
		names[i] = f.Field
	}
	return names
}
