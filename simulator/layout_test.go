package simulator_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/yardtwin/yardtwin/domain/yard"
	"github.com/yardtwin/yardtwin/simulator"
)

// testLayout builds a small terminal: a 600 m quay with two berths and four quay cranes, six blocks
// (two transhipment, import, export, reefer, empty; the export block has no crane of its own) and a
// gate with one lane each way.
func testLayout(tb testing.TB) *yard.Layout {
	tb.Helper()
	frame, err := yard.NewFrame(orb.Point{-5.5, 35.89})
	if err != nil {
		tb.Fatal(err)
	}
	pos := func(x, y float64) []float64 {
		p := frame.ToWGS84(orb.Point{x, y})
		return []float64{p[0], p[1]}
	}
	var features []map[string]any
	add := func(geomType string, coords any, props map[string]any) {
		features = append(features, map[string]any{
			"type":       "Feature",
			"geometry":   map[string]any{"type": geomType, "coordinates": coords},
			"properties": props,
		})
	}
	rect := func(x0, y0, l, w float64) [][][]float64 {
		return [][][]float64{{pos(x0, y0), pos(x0+l, y0), pos(x0+l, y0+w), pos(x0, y0+w), pos(x0, y0)}}
	}
	add("Point", pos(0, 0), map[string]any{"kind": "terminal", "name": "test terminal", "locode": "MAPTM"})
	add("LineString", [][]float64{pos(-300, 0), pos(300, 0)}, map[string]any{"kind": "quay", "id": "Q1", "apron_m": 50, "land_side": "left"})
	add("LineString", [][]float64{pos(-290, 0), pos(-10, 0)}, map[string]any{"kind": "berth", "id": "B1", "length_m": 280})
	add("LineString", [][]float64{pos(10, 0), pos(290, 0)}, map[string]any{"kind": "berth", "id": "B2", "length_m": 280})
	for i, x := range []float64{-200, -100, 100, 200} {
		add("Point", pos(x, 15), map[string]any{"kind": "quay_crane", "id": []string{"QC1", "QC2", "QC3", "QC4"}[i]})
	}
	blocks := []struct {
		id, purpose, equipment string
		x, y                   float64
		tiers, plugs           int
		crane                  string
	}{
		{"T1", "transhipment", "RTG", -150, 80, 5, 0, "RTG1"},
		{"T2", "transhipment", "RTG", 20, 80, 5, 0, "RTG2"},
		{"I1", "import", "RTG", -150, 120, 5, 0, "RTG3"},
		{"X1", "export", "RTG", 20, 120, 5, 0, ""},
		{"R1", "reefer", "RTG", -150, 160, 4, 200, "RTG4"},
		{"E1", "empty", "RS", 20, 160, 6, 0, "RS1"},
	}
	for _, b := range blocks {
		add("Polygon", rect(b.x, b.y, 20*6.5, 5*2.9), map[string]any{"kind": "block", "id": b.id, "equipment": b.equipment,
			"purpose": b.purpose, "bays": 20, "rows": 5, "max_tiers": b.tiers, "reefer_plugs": b.plugs})
		if b.crane != "" {
			add("Point", pos(b.x+10, b.y+7), map[string]any{"kind": "yard_crane", "id": b.crane, "block": b.id})
		}
	}
	add("Polygon", rect(-30, 220, 60, 40), map[string]any{"kind": "gate", "id": "G1"})
	add("Point", pos(-20, 240), map[string]any{"kind": "gate_lane", "id": "IN1", "gate": "G1", "direction": "in"})
	add("Point", pos(20, 240), map[string]any{"kind": "gate_lane", "id": "OUT1", "gate": "G1", "direction": "out"})
	data, err := json.Marshal(map[string]any{"type": "FeatureCollection", "features": features})
	if err != nil {
		tb.Fatal(err)
	}
	l, err := yard.ParseLayout(data)
	if err != nil {
		tb.Fatal(err)
	}
	return l
}

// testScenario is a busy small scenario for testLayout.
func testScenario() *simulator.Scenario {
	return &simulator.Scenario{
		Name:          "test",
		Layout:        "layout.geojson",
		Seed:          7,
		Start:         time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC),
		Speed:         60,
		Horizon:       48 * time.Hour,
		InitialFill:   0.5,
		MisreportRate: 0.01,
		Vessels: simulator.VesselDemand{
			Interarrival:   simulator.ExpDist(simulator.Secs(4 * time.Hour)),
			Discharge:      simulator.IntRange{Min: 60, Max: 140},
			Load:           simulator.IntRange{Min: 60, Max: 140},
			QuayCranes:     simulator.IntRange{Min: 1, Max: 2},
			TrucksPerCrane: 3,
		},
		Gate:  simulator.GateDemand{TrucksPerHour: 12, ImportShare: 0.5},
		Holds: simulator.HoldDemand{Rate: 0.2, Duration: simulator.UniformDist(simulator.Secs(time.Hour), simulator.Secs(6*time.Hour))},
	}
}
