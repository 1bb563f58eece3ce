package policy_test

import (
	"strings"
	"testing"

	"github.com/yardtwin/yardtwin/simulator/policy"
)

func TestZeroSetIsTheBaselines(t *testing.T) {
	var s policy.Set
	got := s.Names()
	want := map[string]string{"stacking": "lowest", "relocation": "lowest", "quay-sequence": "fifo", "yard-sequence": "fifo", "dispatch": "fifo"}
	if len(got) != len(want) {
		t.Fatalf("names %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
	if len(policy.Kinds()) != 5 {
		t.Errorf("kinds %v", policy.Kinds())
	}
}

func TestUseNamesWhatIsWrong(t *testing.T) {
	tests := []struct {
		give     string
		wantErr  []string // all in the message; nil: accepted
		wantName string
	}{
		{give: "stacking=nearest", wantName: "nearest"},
		{give: "relocation=minmax", wantName: "minmax"},
		{give: "stacking=http://127.0.0.1:8000/decide", wantName: "http://127.0.0.1:8000/decide"},
		{give: "stacking", wantErr: []string{"KIND=NAME"}},
		{give: "stowage=nearest", wantErr: []string{`unknown kind "stowage"`, "stacking, relocation, quay-sequence, yard-sequence, dispatch"}},
		{give: "stacking=closest", wantErr: []string{`no policy "closest"`, "category-dwell, lowest, nearest, random"}},
		{give: "dispatch=ftp://x/y", wantErr: []string{"http:// or https://"}},
		{give: "dispatch=http:///decide", wantErr: []string{"a host"}},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			var s policy.Set
			err := s.Use(tt.give)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatal(err)
				}
				kind, _, _ := strings.Cut(tt.give, "=")
				if s.Names()[kind] != tt.wantName {
					t.Fatalf("%s in force, want %s", s.Names()[kind], tt.wantName)
				}
				return
			}
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%v\nwant it to say %q", err, w)
				}
			}
		})
	}
}

func TestSetIsAValue(t *testing.T) {
	var a policy.Set
	if err := a.Use("stacking=random"); err != nil {
		t.Fatal(err)
	}
	b := a
	if err := b.Use("stacking=nearest"); err != nil {
		t.Fatal(err)
	}
	if a.Names()["stacking"] != "random" || b.Names()["stacking"] != "nearest" {
		t.Fatalf("a %v b %v", a.Names(), b.Names())
	}
}

func TestEveryKindHasABaselineOrTwo(t *testing.T) {
	for _, k := range policy.Kinds() {
		if len(policy.Available(k)) < 2 {
			t.Errorf("%s: only %v", k, policy.Available(k))
		}
	}
	if policy.Available("stowage") != nil {
		t.Error("an unknown kind has policies")
	}
}
