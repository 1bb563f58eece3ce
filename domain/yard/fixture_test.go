package yard

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/paulmach/orb"
)

// The small test terminal, drawn in local metres about tangerMed:
//
//	quay Q1 along y = 0 from x = -200 to 200, land to the south (right of +x), apron 50 m
//	berth BX1 on x -200..0; QC1 on its apron
//	block A01 axis-aligned, 20 bays × 6.5 m along +x from (-150, -80), 4 rows × 2.8 m towards -y
//	block R01 rotated 30°: 10 bays × 6.5 m, 3 rows × 2.8 m, bay 1 row 1 at (50, -100)
//	gate G1 x 100..160, y -200..-160, lane IN1 at (110, -180)
//	area Y1 (yard) x -200..0, y -150..-60 around A01; area S1 (small) inside Y1; area P1 further south
const r01Angle = 30.0 // degrees anticlockwise from +x of R01's bay axis

var testFrame, _ = NewFrame(tangerMed)

// wgs returns the WGS84 GeoJSON position of a local point.
func wgs(x, y float64) []float64 {
	p := testFrame.ToWGS84(orb.Point{x, y})
	return []float64{p[0], p[1]}
}

func ring(pts ...[2]float64) [][][]float64 {
	r := make([][]float64, 0, len(pts)+1)
	for _, p := range pts {
		r = append(r, wgs(p[0], p[1]))
	}
	return [][][]float64{append(r, r[0])}
}

func box(x0, y0, x1, y1 float64) [][][]float64 {
	return ring([2]float64{x0, y0}, [2]float64{x1, y0}, [2]float64{x1, y1}, [2]float64{x0, y1})
}

// r01Corners returns the corners of block R01 in local metres, bay 1 row 1 first, along the bays.
func r01Corners() [4][2]float64 {
	th := r01Angle * math.Pi / 180
	u := [2]float64{math.Cos(th), math.Sin(th)}
	v := [2]float64{u[1], -u[0]} // rows run clockwise of the bays
	c := [2]float64{50, -100}
	l, w := 10*6.5, 3*2.8
	return [4][2]float64{
		c,
		{c[0] + l*u[0], c[1] + l*u[1]},
		{c[0] + l*u[0] + w*v[0], c[1] + l*u[1] + w*v[1]},
		{c[0] + w*v[0], c[1] + w*v[1]},
	}
}

type props = map[string]any

func feat(p props, typ string, coords any) map[string]any {
	return map[string]any{"type": "Feature", "properties": p, "geometry": map[string]any{"type": typ, "coordinates": coords}}
}

// testFeatures returns a fresh, valid small layout; tests break it in place.
func testFeatures() []map[string]any {
	rc := r01Corners()
	return []map[string]any{
		0: feat(props{"kind": "terminal", "name": "Test", "locode": "MAPTM"}, "Point", wgs(0, 0)),
		1: feat(props{"kind": "quay", "id": "Q1", "apron_m": 50, "land_side": "right"}, "LineString", [][]float64{wgs(-200, 0), wgs(200, 0)}),
		2: feat(props{"kind": "berth", "id": "BX1", "length_m": 200}, "LineString", [][]float64{wgs(-200, 0), wgs(0, 0)}),
		3: feat(props{"kind": "block", "id": "A01", "equipment": "RTG", "bays": 20, "rows": 4, "max_tiers": 5, "purpose": "import"},
			"Polygon", ring([2]float64{-150, -80}, [2]float64{-20, -80}, [2]float64{-20, -91.2}, [2]float64{-150, -91.2})),
		4: feat(props{"kind": "block", "id": "R01", "equipment": "RMG", "bays": 10, "rows": 3, "max_tiers": 4, "purpose": "reefer", "reefer_plugs": 90},
			"Polygon", ring(rc[0], rc[1], rc[2], rc[3])),
		5:  feat(props{"kind": "gate", "id": "G1"}, "Polygon", box(100, -200, 160, -160)),
		6:  feat(props{"kind": "gate_lane", "id": "IN1", "gate": "G1", "direction": "in"}, "Point", wgs(110, -180)),
		7:  feat(props{"kind": "quay_crane", "id": "QC1"}, "Point", wgs(-100, -20)),
		8:  feat(props{"kind": "yard_crane", "id": "RTG1", "block": "A01"}, "Point", wgs(-140, -85)),
		9:  feat(props{"kind": "area", "id": "Y1", "use": "yard"}, "Polygon", box(-200, -150, 0, -60)),
		10: feat(props{"kind": "area", "id": "S1", "use": "reefer_rack"}, "Polygon", box(-190, -140, -170, -120)),
		11: feat(props{"kind": "area", "id": "P1", "use": "truck_park"}, "Polygon", box(-200, -300, 200, -220)),
	}
}

func marshalLayout(t testing.TB, features []map[string]any) []byte {
	t.Helper()
	data, err := json.Marshal(map[string]any{"type": "FeatureCollection", "features": features})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func testLayout(t testing.TB) *Layout {
	t.Helper()
	l, err := ParseLayout(marshalLayout(t, testFeatures()))
	if err != nil {
		t.Fatalf("parse test layout: %v", err)
	}
	return l
}

const shippedLayout = "../../scenarios/tangermed/layout.geojson"

func shipped(t testing.TB) *Layout {
	t.Helper()
	data, err := os.ReadFile(shippedLayout)
	if err != nil {
		t.Fatal(err)
	}
	l, err := ParseLayout(data)
	if err != nil {
		t.Fatalf("parse %s: %v", shippedLayout, err)
	}
	return l
}
