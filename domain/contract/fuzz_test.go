package contract_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/yardtwin/yardtwin/domain/contract"
	"github.com/yardtwin/yardtwin/domain/contract/contracttest"
	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/yard"
)

// FuzzSplitBatch: any body is split or refused with an error, never a panic; every element split
// off is one JSON value, and a batch never holds more than MaxBatch events. Seeds: the fixtures
// alone, as arrays and as NDJSON, and the committed corpus in testdata/fuzz/FuzzSplitBatch.
func FuzzSplitBatch(f *testing.F) {
	for _, fx := range contracttest.Fixtures(f, "..") {
		f.Add(fx.Raw)
		f.Add(contract.JoinBatch([]json.RawMessage{fx.Raw, fx.Raw}))
		f.Add(append(append(compact(f, fx.Raw), '\n'), compact(f, fx.Raw)...))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		events, err := contract.SplitBatch(body)
		if err != nil {
			return
		}
		if len(events) == 0 || len(events) > contract.MaxBatch {
			t.Fatalf("%d events split off without an error", len(events))
		}
		for i, e := range events {
			if !json.Valid(e) {
				t.Fatalf("event %d is not one JSON value: %q", i, e)
			}
		}
		// The events are the values encoding/json reads from the body (trimmed as SplitBatch trims
		// it), one by one, or the elements of the array it is.
		trimmed := bytes.TrimSpace(body)
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		var want []json.RawMessage
		for {
			var v json.RawMessage
			if err := dec.Decode(&v); err != nil {
				break
			}
			want = append(want, v)
		}
		if len(want) == 1 && trimmed[0] == '[' {
			want = nil
			if err := json.Unmarshal(trimmed, &want); err != nil {
				t.Fatalf("split an array encoding/json refuses: %v", err)
			}
		}
		if len(want) != len(events) {
			t.Fatalf("split into %d events, encoding/json reads %d", len(events), len(want))
		}
		for i := range want {
			if !bytes.Equal(compactOrSelf(want[i]), compactOrSelf(events[i])) {
				t.Fatalf("event %d is %q, encoding/json reads %q", i, events[i], want[i])
			}
		}
	})
}

// compactOrSelf is v without insignificant white space (encoding/json keeps a value as sent).
func compactOrSelf(v []byte) []byte {
	var b bytes.Buffer
	if json.Compact(&b, v) != nil {
		return v
	}
	return b.Bytes()
}

// FuzzParseCheck: any event is accepted or refused with an *es.FieldErrors naming each field once
// with a reason, never a panic. What is accepted is text (UTF-8, no lone surrogate), dated between
// Earliest and Latest and within the window, and encodes (as the store keeps it) to JSON that parses
// back to the same event. Seeds: the fixtures and the committed corpus in
// testdata/fuzz/FuzzParseCheck (the bad inputs of issue 13).
func FuzzParseCheck(f *testing.F) {
	for _, fx := range contracttest.Fixtures(f, "..") {
		f.Add(fx.Raw)
	}
	layout := fuzzLayout(f)
	now := time.Date(2026, 3, 14, 8, 0, 0, 0, time.UTC)
	checker := contract.NewChecker(contract.NewRegistry(), layout).Own().
		WithTimeWindow(func() time.Time { return now }, 24*time.Hour)
	f.Fuzz(func(t *testing.T, raw []byte) {
		env, err := contract.Parse(raw)
		if err == nil {
			_, err = checker.Check(&env)
		}
		if err != nil {
			requireFieldErrors(t, err)
			return
		}
		for name, v := range map[string]string{"id": env.ID, "source": env.Source, "type": env.Type, "subject": env.Subject} {
			if !utf8.ValidString(v) {
				t.Fatalf("accepted %s %q is not UTF-8", name, v)
			}
		}
		if env.Time.Before(contract.Earliest) || env.Time.After(now.Add(24*time.Hour)) {
			t.Fatalf("accepted time %v", env.Time)
		}
		stored, err := json.Marshal(env)
		if err != nil {
			t.Fatalf("accepted event does not encode: %v", err)
		}
		if !utf8.Valid(stored) || !json.Valid(stored) {
			t.Fatalf("accepted event encodes to bad JSON: %q", stored)
		}
		if !utf8.Valid(env.Data) || !json.Valid(env.Data) || lossy(env.Data) {
			t.Fatalf("accepted data is not text: %q", env.Data)
		}
		again, err := contract.Parse(stored)
		if err != nil {
			t.Fatalf("the stored form of an accepted event does not parse: %v\n%s", err, stored)
		}
		if _, err := checker.Check(&again); err != nil {
			t.Fatalf("the stored form of an accepted event is refused: %v\n%s", err, stored)
		}
		if again.ID != env.ID || again.Type != env.Type || !again.Time.Equal(env.Time) || again.Subject != env.Subject {
			t.Fatalf("the stored form reads back otherwise:\n got %+v\nwant %+v", again, env)
		}
	})
}

// requireFieldErrors fails unless err is an *es.FieldErrors with a reason for each field, each field
// named once.
func requireFieldErrors(t *testing.T, err error) {
	t.Helper()
	var fe *es.FieldErrors
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T) is not an *es.FieldErrors", err, err)
	}
	if len(fe.Fields) == 0 {
		t.Fatal("an *es.FieldErrors without fields")
	}
	seen := map[string]bool{}
	for _, f := range fe.Fields {
		if f.Reason == "" {
			t.Fatalf("%s named without a reason", f.Field)
		}
		if f.Field == "" && len(fe.Fields) > 1 {
			t.Fatalf("an unnamed field among others: %v", err)
		}
		if seen[f.Field] {
			t.Fatalf("%s named twice: %v", f.Field, err)
		}
		seen[f.Field] = true
		if !utf8.ValidString(f.Field) || !utf8.ValidString(f.Reason) {
			t.Fatalf("the answer is not text: %q", err.Error())
		}
	}
}

// lossy reports whether encoding/json reads a string of data into one with U+FFFD that data does not
// spell: it replaced bytes that are not text.
func lossy(data []byte) bool {
	if bytes.Contains(data, []byte("\uFFFD")) || bytes.Contains(bytes.ToLower(data), []byte(`\ufffd`)) {
		return false
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return true
	}
	var walk func(any) bool
	walk = func(v any) bool {
		switch v := v.(type) {
		case string:
			return strings.ContainsRune(v, utf8.RuneError)
		case []any:
			for _, e := range v {
				if walk(e) {
					return true
				}
			}
		case map[string]any:
			for k, e := range v {
				if strings.ContainsRune(k, utf8.RuneError) || walk(e) {
					return true
				}
			}
		}
		return false
	}
	return walk(v)
}

func fuzzLayout(f *testing.F) *yard.Layout {
	data, err := os.ReadFile("../../scenarios/tangermed/layout.geojson")
	if err != nil {
		f.Fatal(err)
	}
	l, err := yard.ParseLayout(data)
	if err != nil {
		f.Fatal(err)
	}
	return l
}

func compact(f *testing.F, raw []byte) []byte {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		f.Fatal(err)
	}
	return b.Bytes()
}
