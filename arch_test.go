package yardtwin_test

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/yardtwin/yardtwin"

// TestImportsPointInward checks the layering with go list -deps: domain imports only the standard
// library and orb; projections never import adapters or cmd; adapters never import cmd. Run it with
// -count=1 (make test does): go test caches the result and would miss new imports.
func TestImportsPointInward(t *testing.T) {
	tests := []struct {
		give       string // packages whose dependencies are checked
		wantDenied []string
		wantOnly   func(dep string, standard bool) bool // nil: anything not denied
	}{
		{
			give: "./domain/...",
			wantOnly: func(dep string, standard bool) bool {
				return standard || strings.HasPrefix(dep, module+"/domain/") || strings.HasPrefix(dep, "github.com/paulmach/orb")
			},
		},
		{give: "./projections/...", wantDenied: []string{module + "/adapters/", module + "/cmd/", module + "/simulator"}},
		{give: "./simulator/...", wantDenied: []string{module + "/adapters/", module + "/cmd/", module + "/projections"}},
		{give: "./adapters/...", wantDenied: []string{module + "/cmd/"}},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}} {{.Standard}}", tt.give).CombinedOutput()
			if err != nil {
				if strings.Contains(string(out), "matched no packages") {
					t.Skipf("%s has no packages yet", tt.give)
				}
				t.Fatalf("go list: %v\n%s", err, out)
			}
			std := map[string]bool{}
			for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
				path, isStandard, _ := strings.Cut(line, " ")
				std[path] = isStandard == "true"
			}
			for dep, standard := range std {
				for _, denied := range tt.wantDenied {
					if strings.HasPrefix(dep, denied) {
						t.Errorf("%s depends on %s", tt.give, dep)
					}
				}
				if tt.wantOnly != nil && !tt.wantOnly(dep, standard) {
					t.Errorf("%s depends on %s: the domain imports only the standard library and orb", tt.give, dep)
				}
			}
		})
	}
}
