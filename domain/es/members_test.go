package es_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/yardtwin/yardtwin/domain/es"
)

// TestMembers reads objects as written, names unescaped and values as sent.
func TestMembers(t *testing.T) {
	tests := []struct {
		name   string
		give   string
		want   []string // name=value
		wantOK bool
	}{
		{name: "empty", give: ` {} `, wantOK: true},
		{name: "flat", give: `{"a":1, "b" : "x,}" ,"c":null}`, want: []string{`a=1`, `b="x,}"`, `c=null`}, wantOK: true},
		{name: "nested", give: `{"a":{"b":[1,{"c":"]"}]},"d":[]}`, want: []string{`a={"b":[1,{"c":"]"}]}`, `d=[]`}, wantOK: true},
		{name: "escaped name", give: `{"w\u0065ight_kg":3,"q\"":4}`, want: []string{`weight_kg=3`, `q"=4`}, wantOK: true},
		{name: "duplicates", give: `{"a":1,"a":2}`, want: []string{`a=1`, `a=2`}, wantOK: true},
		{name: "array", give: `[1]`},
		{name: "unterminated", give: `{"a":1`},
		{name: "trailing", give: `{"a":1} x`},
		{name: "no colon", give: `{"a" 1}`},
		{name: "trailing comma", give: `{"a":1,}`},
		{name: "backslash at the end", give: `{"a\`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := es.Members([]byte(tt.give))
			if ok != tt.wantOK {
				t.Fatalf("ok %v, want %v", ok, tt.wantOK)
			}
			var pairs []string
			for _, m := range got {
				pairs = append(pairs, m.Name+"="+string(m.Value))
			}
			if len(pairs) != len(tt.want) {
				t.Fatalf("got %q, want %q", pairs, tt.want)
			}
			for i := range pairs {
				if pairs[i] != tt.want[i] {
					t.Fatalf("got %q, want %q", pairs, tt.want)
				}
			}
		})
	}
}

// FuzzMembers: on every JSON object Members agrees with encoding/json (the last of duplicate names
// wins there), and on anything else it never panics.
func FuzzMembers(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1,"b":[true,{"c":"d"}],"e":"\"}"}`, `{"a\u00e9":null}`, `[]`, `{"a":1,"a":2}`, `{"x":"\ud800"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		members, ok := es.Members(raw)
		var want map[string]json.RawMessage
		if err := json.Unmarshal(raw, &want); err != nil || want == nil {
			return // not an object: Members may answer anything but must not panic
		}
		if !ok {
			t.Fatalf("Members refused an object encoding/json reads: %q", raw)
		}
		last := map[string]json.RawMessage{}
		for _, m := range members {
			last[m.Name] = m.Value
		}
		if len(last) != len(want) {
			t.Fatalf("%d names, encoding/json reads %d: %q", len(last), len(want), raw)
		}
		for name, v := range want {
			got, ok := last[name]
			if !ok {
				t.Fatalf("name %q missing from %q", name, raw)
			}
			if !bytes.Equal(bytes.TrimSpace(got), bytes.TrimSpace(v)) {
				t.Fatalf("%s: %q, encoding/json reads %q", name, got, v)
			}
		}
	})
}
