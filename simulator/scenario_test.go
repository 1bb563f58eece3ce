package simulator_test

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/yardtwin/yardtwin/scenarios"
	"github.com/yardtwin/yardtwin/simulator"
)

func TestLoadTheDemoScenario(t *testing.T) {
	sc, err := simulator.LoadScenario(scenarios.FS, "tangermed/demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if sc.Name != "tangermed-demo" || sc.LayoutPath != "tangermed/layout.geojson" || sc.Seed == 0 {
		t.Errorf("name %q layout %q seed %d", sc.Name, sc.LayoutPath, sc.Seed)
	}
	if sc.Speed != 60 || sc.Horizon != 168*time.Hour || sc.Vessels.Interarrival.Kind != simulator.Exponential || sc.Vessels.Interarrival.MeanValue() <= 0 || sc.Gate.TrucksPerHour <= 0 {
		t.Errorf("speed %g horizon %v interarrival %v trucks %g", sc.Speed, sc.Horizon, sc.Vessels.Interarrival, sc.Gate.TrucksPerHour)
	}
	if sc.MisreportRate <= 0 || sc.MisreportRate > 0.01 {
		t.Errorf("misreport rate %g: want small but not zero in the demo", sc.MisreportRate)
	}
	l, err := sc.ReadLayout(scenarios.FS)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Blocks()) == 0 {
		t.Fatal("layout without blocks")
	}
}

const goodScenario = `name: t
layout: layout.geojson
seed: 1
horizon: 24h
vessels:
  interarrival: 6h
  discharge: {min: 10, max: 20}
  load: {min: 10, max: 20}
`

func TestScenarioDefaults(t *testing.T) {
	sc, err := simulator.ParseScenario("s.yaml", []byte(goodScenario))
	if err != nil {
		t.Fatal(err)
	}
	if sc.Speed != 60 || sc.Start.IsZero() || sc.Vessels.QuayCranes.Min < 1 || sc.Vessels.TrucksPerCrane < 1 || sc.MisreportRate != 0 {
		t.Errorf("defaults: %+v", sc)
	}
}

func TestScenarioErrorsSayWhere(t *testing.T) {
	tests := []struct {
		name string
		give string // replaces the line of goodScenario starting with the same key, or is appended
		want string
	}{
		{"unknown field", "colour: red", `s.yaml:9:1: colour: unknown field "colour"`},
		{"unknown nested field", "vessels:\n  interarrival: 6h\n  discharge: {min: 10, max: 20}\n  load: {min: 10, max: 20}\n  tugs: 2", `s.yaml:9:3: vessels.tugs: unknown field "tugs"`},
		{"seed not a number", "seed: many", "s.yaml:3:7: seed: many, want a whole number, 0 or more"},
		{"negative seed", "seed: -1", "s.yaml:3:7: seed: -1 is out of range"},
		{"bad horizon", "horizon: a week", `s.yaml:4:10: horizon: "a week" is not a duration`},
		{"bad name", "name: Tanger Med", `s.yaml:1:7: name: "Tanger Med": use 1 to 64 lower-case letters`},
		{"missing layout", "layout: ''", "s.yaml:2:9: layout: is required"},
		{"escaping layout", "layout: ../x.geojson", "s.yaml:2:9: layout: \"../x.geojson\": give a relative path"},
		{"fill too high", "initial_fill: 0.95", "s.yaml:9:15: initial_fill: 0.95: want a share of the yard from 0 to 0.8"},
		{"range upside down", "vessels:\n  interarrival: 6h\n  discharge: {min: 30, max: 20}\n  load: {min: 10, max: 20}", "s.yaml:7:29: vessels.discharge.max: 20: want 30 (min) to 20000"},
		{"range half given", "vessels:\n  interarrival: 6h\n  discharge: {min: 30}\n  load: {min: 10, max: 20}", "s.yaml:7:3: vessels.discharge: needs both min and max"},
		{"missing interarrival", "vessels:\n  discharge: {min: 10, max: 20}\n  load: {min: 10, max: 20}", "s.yaml:5:1: vessels.interarrival: is required"},
		{"missing seed", "seed: ~", "s.yaml:3:7: seed: is required"},
		{"bad start", "start: tomorrow", `s.yaml:9:8: start: "tomorrow" is not an RFC 3339 time`},
		{"syntax", "vessels: [", "s.yaml:5:10: sequence end token"},
		{"negative share", "gate:\n  trucks_per_hour: 10\n  import_share: -0.5", "s.yaml:11:17: gate.import_share: -0.5: want a share from 0 to 1"},
		{"unknown distribution", "vessels:\n  interarrival: {dist: poisson, mean: 6h}\n  discharge: {min: 10, max: 20}\n  load: {min: 10, max: 20}", `s.yaml:6:24: vessels.interarrival.dist: "poisson": want one of fixed, exponential, uniform, triangular, lognormal, empirical`},
		{"triangular upside down", "equipment:\n  quay_crane:\n    cycle: {dist: triangular, min: 60s, mode: 200s, max: 150s}", "s.yaml:11:58: equipment.quay_crane.cycle.max: 2m30s: want at least mode (3m20s)"},
		{"parameter of another family", "equipment:\n  quay_crane:\n    cycle: {dist: uniform, min: 60s, mode: 90s, max: 150s}", "s.yaml:11:44: equipment.quay_crane.cycle.mode: is not a parameter of uniform (it takes min, max)"},
		{"duration without unit", "dwell:\n  import: {dist: lognormal, mean: 5, sd: 2d}", "s.yaml:10:35: dwell.import.mean: 5 is not a duration: write a unit"},
		{"bare bad duration", "gate:\n  service: soon", `s.yaml:10:12: gate.service: "soon" is not a duration`},
		{"speed as text", "equipment:\n  truck_speed: fast", "s.yaml:10:16: equipment.truck_speed: fast is not a speed"},
		{"empirical weights", "gate:\n  service: {dist: empirical, values: [60s, 90s], weights: [1]}", "s.yaml:10:50: gate.service.weights: 1 weights for 2 values"},
		{"empirical bad value", "gate:\n  service: {dist: empirical, values: [60s, later]}", "gate.service.values[1]: \"later\" is not a duration"},
		{"profile of 23 hours", "gate:\n  hourly_profile: [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]", "s.yaml:10:3: gate.hourly_profile: 23 weights: want 24"},
		{"45-ft boxes", "boxes:\n  forty_five: 0.05", "s.yaml:10:15: boxes.forty_five: 0.05: want 0: the layouts have no 45-ft bays"},
		{"schedule without at", "vessels:\n  schedule:\n    - {discharge: 100, load: 100}", "vessels.schedule[0].at: is required"},
		{"pilotage upside down", "vessels:\n  interarrival: 6h\n  discharge: {min: 10, max: 20}\n  load: {min: 10, max: 20}\n  pilotage: {dist: uniform, min: 2h, max: 1h}", "s.yaml:9:43: vessels.pilotage.max: 1h0m0s: want at least min (2h0m0s)"},
		{"schedule past the period", "vessels:\n  repeat: 24h\n  schedule:\n    - {at: 30h}", "s.yaml:8:12: vessels.schedule[0].at: 30h0m0s: want from 0 to the repeat period (24h0m0s)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := withLine(goodScenario, tt.give)
			_, err := simulator.ParseScenario("s.yaml", []byte(src))
			if err == nil {
				t.Fatalf("no error for\n%s", src)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got  %v\nwant %s\nin\n%s", err, tt.want, src)
			}
			var se *simulator.ScenarioError
			if !errors.As(err, &se) || se.File != "s.yaml" || se.Line == 0 {
				t.Errorf("not a *ScenarioError with a place: %#v", err)
			}
		})
	}
}

// withLine replaces the top-level section of src that give starts with, or appends give.
func withLine(src, give string) string {
	key, _, _ := strings.Cut(give, ":")
	lines := strings.Split(strings.TrimSuffix(src, "\n"), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, key+":") {
			end := i + 1
			for end < len(lines) && strings.HasPrefix(lines[end], "  ") {
				end++
			}
			out := append(append(append([]string{}, lines[:i]...), strings.Split(give, "\n")...), lines[end:]...)
			return strings.Join(out, "\n") + "\n"
		}
	}
	return src + give + "\n"
}

func TestLoadScenarioNeedsTheLayoutFile(t *testing.T) {
	fsys := fstest.MapFS{"demo/s.yaml": {Data: []byte(goodScenario)}}
	_, err := simulator.LoadScenario(fsys, "demo/s.yaml")
	if err == nil || !strings.Contains(err.Error(), "demo/s.yaml:2:9: layout: layout file demo/layout.geojson") {
		t.Fatalf("got %v", err)
	}
	fsys["demo/layout.geojson"] = &fstest.MapFile{Data: []byte("{}")}
	sc, err := simulator.LoadScenario(fsys, "demo/s.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sc.ReadLayout(fsys); err == nil {
		t.Error("an empty layout read without error")
	}
	if _, err := simulator.LoadScenario(fsys, "demo/missing.yaml"); err == nil {
		t.Error("a missing scenario file loaded")
	}
}

func TestValidateNamesTheField(t *testing.T) {
	sc := testScenario()
	sc.Vessels.TrucksPerCrane = 0
	sc.Holds.Duration = simulator.UniformDist(3600, 60)
	err := sc.Validate()
	if err == nil || !strings.Contains(err.Error(), "vessels.trucks_per_crane: 0") || !strings.Contains(err.Error(), "holds.duration.max: 1m0s: want at least min (1h0m0s)") {
		t.Fatalf("got %v", err)
	}
}

func TestFleetAndLanesWithinTheLayout(t *testing.T) {
	l := testLayout(t)
	tests := []struct {
		name string
		give func(*simulator.Scenario)
		want string
	}{
		{"quay cranes", func(sc *simulator.Scenario) { sc.Fleet.QuayCranes = 9 }, `fleet.quay_cranes: 9: layout "test terminal" has 4`},
		{"in-lanes", func(sc *simulator.Scenario) { sc.Gate.LanesIn = 3 }, `gate.lanes_in: 3: layout "test terminal" has 1`},
		{"lane service of no lane", func(sc *simulator.Scenario) {
			sc.Gate.LaneService = map[string]simulator.Dist{"IN9": simulator.FixedDist(60)}
		}, "gate.lane_service.IN9: layout \"test terminal\" has no gate lane IN9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := testScenario()
			tt.give(sc)
			_, err := simulator.NewFeed(sc, l, simulator.Options{})
			var se *simulator.ScenarioError
			if err == nil || !errors.As(err, &se) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want a ScenarioError saying %q", err, tt.want)
			}
		})
	}
}

// TestFirstDemoFormsStillRead reads the first demo's holds (min and max) as a uniform distribution,
// and a bare duration as a fixed one.
func TestFirstDemoFormsStillRead(t *testing.T) {
	src := goodScenario + "holds:\n  rate: 0.05\n  min: 2h\n  max: 36h\n"
	sc, err := simulator.ParseScenario("s.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if want := simulator.UniformDist(7200, 36*3600); sc.Holds.Duration.Kind != want.Kind || sc.Holds.Duration.Min != want.Min || sc.Holds.Duration.Max != want.Max {
		t.Errorf("holds %v, want %v", sc.Holds.Duration, want)
	}
	if d := sc.Vessels.Interarrival; d.Kind != simulator.Fixed || d.Value != 6*3600 {
		t.Errorf("interarrival: 6h read as %v, want fixed 21600 s", d)
	}
	if sc.Dwell.Import.Kind != simulator.Lognormal || sc.Equipment.QuayCycle.Kind != simulator.Uniform {
		t.Errorf("defaults not filled: dwell %v, quay cycle %v", sc.Dwell.Import, sc.Equipment.QuayCycle)
	}
}
