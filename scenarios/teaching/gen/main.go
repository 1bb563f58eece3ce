// Command gen writes layout.geojson, the small terminal of the teaching scenario: one 300 m quay
// with one berth and two quay cranes, four RTG blocks of 20 bays × 6 rows (1,920 TEU in all) and a
// gate with two lanes in and one out. Run it from this directory: go run ./gen > layout.geojson
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/paulmach/orb"

	"github.com/yardtwin/yardtwin/domain/yard"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run() error {
	data, err := generate()
	if err != nil {
		return err
	}
	_, err = os.Stdout.Write(data)
	return err
}

// generate returns the layout file's bytes.
func generate() ([]byte, error) {
	frame, err := yard.NewFrame(orb.Point{-5.49, 35.87}) // an empty stretch of coast near Tanger Med
	if err != nil {
		return nil, err
	}
	pos := func(x, y float64) []float64 {
		p := frame.ToWGS84(orb.Point{x, y})
		return []float64{round7(p[0]), round7(p[1])}
	}
	var features []map[string]any
	add := func(geomType string, coords any, props map[string]any) {
		features = append(features, map[string]any{
			"type": "Feature", "properties": props,
			"geometry": map[string]any{"type": geomType, "coordinates": coords},
		})
	}
	rect := func(x0, y0, l, w float64) [][][]float64 {
		return [][][]float64{{pos(x0, y0), pos(x0+l, y0), pos(x0+l, y0+w), pos(x0, y0+w), pos(x0, y0)}}
	}
	add("Point", pos(0, 0), map[string]any{"kind": "terminal", "name": "teaching terminal", "locode": "MAPTM"})
	add("LineString", [][]float64{pos(-150, 0), pos(150, 0)}, map[string]any{"kind": "quay", "id": "Q1", "apron_m": 50, "land_side": "left"})
	add("LineString", [][]float64{pos(-140, 0), pos(140, 0)}, map[string]any{"kind": "berth", "id": "B1", "length_m": 280})
	add("Point", pos(-60, 15), map[string]any{"kind": "quay_crane", "id": "QC1"})
	add("Point", pos(60, 15), map[string]any{"kind": "quay_crane", "id": "QC2"})
	const bays, rows, bayPitch, rowPitch = 20, 6, 6.5, 2.9
	for _, b := range []struct {
		id, purpose string
		x, y        float64
		plugs       int
	}{
		{"A1", "transhipment", -140, 80, 0},
		{"A2", "transhipment", 10, 80, 0},
		{"B1", "import", -140, 130, 0},
		{"B2", "mixed", 10, 130, 48},
	} {
		add("Polygon", rect(b.x, b.y, bays*bayPitch, rows*rowPitch), map[string]any{"kind": "block", "id": b.id, "equipment": "RTG",
			"purpose": b.purpose, "bays": bays, "rows": rows, "max_tiers": 4, "reefer_plugs": b.plugs})
		add("Point", pos(b.x+10, b.y+8), map[string]any{"kind": "yard_crane", "id": "RTG-" + b.id, "block": b.id})
	}
	add("Polygon", rect(-40, 200, 80, 30), map[string]any{"kind": "gate", "id": "G1", "name": "gate"})
	add("Point", pos(-25, 215), map[string]any{"kind": "gate_lane", "id": "IN1", "gate": "G1", "direction": "in"})
	add("Point", pos(-10, 215), map[string]any{"kind": "gate_lane", "id": "IN2", "gate": "G1", "direction": "in"})
	add("Point", pos(20, 215), map[string]any{"kind": "gate_lane", "id": "OUT1", "gate": "G1", "direction": "out"})
	data, err := json.Marshal(map[string]any{"type": "FeatureCollection", "features": features})
	if err != nil {
		return nil, err
	}
	if _, err := yard.ParseLayout(data); err != nil {
		return nil, fmt.Errorf("the generated layout does not parse: %w", err)
	}
	return append(data, '\n'), nil
}

func round7(x float64) float64 {
	const k = 1e7
	if x < 0 {
		return -float64(int64(-x*k+0.5)) / k
	}
	return float64(int64(x*k+0.5)) / k
}
