package simulator_test

import (
	"encoding/json"
	"io/fs"
	"slices"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/domain/contract"
	"github.com/yardtwin/yardtwin/scenarios"
	"github.com/yardtwin/yardtwin/simulator"
)

// TestShippedScenariosRun loads every scenario that ships and runs it through the twin's contract
// checker and its own projection: the teaching one for its whole horizon, the others for their first 12 hours. Each
// keeps the yard physical, conserves boxes, shows the twin no anomaly but the misreports, and gets
// work done at the quay and the gate.
func TestShippedScenariosRun(t *testing.T) {
	t.Parallel()
	files, err := fs.Glob(scenarios.FS, "*/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"tangermed/demo.yaml", "tangermed/transhipment-week.yaml", "tangermed/gate-rush.yaml", "teaching/teaching.yaml"} {
		if !slices.Contains(files, want) {
			t.Errorf("%s does not ship (found %v)", want, files)
		}
	}
	for _, file := range files {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			sc, l := shipped(t, file)
			d := min(sc.Horizon, 12*time.Hour)
			if file == "teaching/teaching.yaml" {
				d = sc.Horizon
			}
			envs, f := run(t, sc, l, simulator.Options{}, d)
			checker := contract.NewChecker(contract.NewRegistry(), l)
			for i, env := range envs {
				raw, err := json.Marshal(env)
				if err != nil {
					t.Fatal(err)
				}
				parsed, err := contract.Parse(raw)
				if err == nil {
					_, err = checker.Check(&parsed)
				}
				if err != nil {
					t.Fatalf("envelope %d refused by the contract: %v\n%s", i, err, raw)
				}
			}
			checkSound(t, l, envs, f)
			st := f.Stats()
			if st.Discharged == 0 || (sc.Gate.TrucksPerHour > 0 && st.GatedOut == 0) || (file == "teaching/teaching.yaml" && st.Loaded == 0) {
				t.Errorf("little happened in %v: %+v", d, st)
			}
			t.Logf("%v: %d events, %+v", d, len(envs), st)
		})
	}
}
