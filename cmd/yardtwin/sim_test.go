package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yardtwin/yardtwin/simulator/relocation"
)

// TestSimRelocation runs each policy on class 3-3 of the shared benchmark with --json: every line
// parses, and no heuristic beats the exact optimum.
func TestSimRelocation(t *testing.T) {
	dir := "../../../shared/data/brp/instances/3-3"
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("benchmark class 3-3 not available at %s: %v", dir, err)
	}
	run := func(policy string) map[string]relocationResult {
		var out, errs bytes.Buffer
		f := relocationFlags{Instances: dir, Policy: policy, Restricted: true, JSON: true, Nodes: relocation.DefaultNodes}
		if err := simRelocation(f, &out, &errs); err != nil {
			t.Fatalf("%s: %v\n%s", policy, err, errs.String())
		}
		if !strings.Contains(errs.String(), "mean relocations") {
			t.Fatalf("%s: no class summary on stderr:\n%s", policy, errs.String())
		}
		got := map[string]relocationResult{}
		sc := bufio.NewScanner(&out)
		for sc.Scan() {
			var r relocationResult
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				t.Fatalf("%s: line %q: %v", policy, sc.Text(), err)
			}
			if r.Class != "3-3" || r.MaxHeight != 5 || !r.Restricted || r.Policy != policy || r.Relocations == nil {
				t.Fatalf("%s: unexpected line %q", policy, sc.Text())
			}
			got[r.Instance] = r
		}
		if len(got) != 40 {
			t.Fatalf("%s: %d instances, want 40", policy, len(got))
		}
		return got
	}
	exact := run("exact")
	for _, p := range []string{"lowest", "minmax"} {
		for name, r := range run(p) {
			if *r.Relocations < *exact[name].Relocations {
				t.Errorf("%s %s: %d relocations, below the optimum %d", p, name, *r.Relocations, *exact[name].Relocations)
			}
		}
	}
}

func TestSimRelocationFlagErrors(t *testing.T) {
	var out bytes.Buffer
	for _, tc := range []struct {
		f    relocationFlags
		want string
	}{
		{relocationFlags{Instances: t.TempDir(), Policy: "best", Nodes: 1}, "--policy"},
		{relocationFlags{Policy: "minmax", Nodes: 1}, "--instances"},
		{relocationFlags{Instances: t.TempDir(), Policy: "minmax", Nodes: 1}, "--instances: no .dat files"},
		{relocationFlags{Instances: filepath.Join(t.TempDir(), "none"), Policy: "minmax", Nodes: 1}, "--instances"},
		{relocationFlags{Instances: t.TempDir(), Policy: "minmax", MaxHeight: -1, Nodes: 1}, "--max-height"},
	} {
		if err := simRelocation(tc.f, &out, &out); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want an error naming %s", tc.f, err, tc.want)
		}
	}
}
