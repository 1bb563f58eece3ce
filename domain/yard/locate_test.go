package yard

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

func TestLocate(t *testing.T) {
	l := testLayout(t)
	r01, _ := l.Block("R01")
	tests := []struct {
		name string
		give orb.Point
		want Place // zero: nowhere
	}{
		{"in axis-aligned block", orb.Point{-100, -85}, Place{PlaceBlock, "A01"}},
		{"a millimetre inside the block corner", orb.Point{-149.999, -80.001}, Place{PlaceBlock, "A01"}},
		{"just south of block, in the yard area", orb.Point{-100, -91.3}, Place{PlaceArea, "Y1"}},
		{"small area inside a larger one", orb.Point{-180, -130}, Place{PlaceArea, "S1"}},
		{"on the apron behind the berth", orb.Point{-100, -20}, Place{PlaceBerth, "BX1"}},
		{"apron beyond the berth", orb.Point{100, -20}, Place{}},
		{"in the water off the berth", orb.Point{-100, 5}, Place{}},
		{"in rotated block, first slot", r01.SlotCentre(1, 1), Place{PlaceBlock, "R01"}},
		{"in rotated block, last slot", r01.SlotCentre(10, 3), Place{PlaceBlock, "R01"}},
		// Inside R01's bounding box but outside the rotated rectangle.
		{"beside rotated block", r01.at(30, -1), Place{}},
		{"past rotated block's far row", r01.at(30, r01.Width+0.5), Place{}},
		{"past rotated block's last bay", r01.at(r01.Length+0.5, 4), Place{}},
		{"at the gate", orb.Point{130, -180}, Place{PlaceGate, "G1"}},
		{"truck park", orb.Point{0, -250}, Place{PlaceArea, "P1"}},
		{"far away", orb.Point{1e6, 0}, Place{}},
		{"NaN", orb.Point{math.NaN(), -85}, Place{}},
		{"infinite", orb.Point{math.Inf(-1), -85}, Place{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := l.Locate(tt.give)
			if got != tt.want || ok != (tt.want != Place{}) {
				t.Errorf("Locate(%v) = %v, %v; want %v", tt.give, got, ok, tt.want)
			}
		})
	}
	// The rectangle test and the polygon test agree on R01.
	if bb := r01.Polygon.Bound(); !bb.Contains(r01.at(30, -1)) {
		t.Error("test point beside R01 is not in its bounding box; the case tests nothing")
	}
}

func TestSlotAt(t *testing.T) {
	l := testLayout(t)
	r01, _ := l.Block("R01")
	tests := []struct {
		name      string
		give      orb.Point
		wantBlock string
		wantBay   int
		wantRow   int
	}{
		{"A01 first slot", orb.Point{-147, -81}, "A01", 1, 1},
		{"A01 bay 2 row 4", orb.Point{-150 + 6.5 + 1, -80 - 3*2.8 - 1}, "A01", 2, 4},
		{"A01 near the far corner", orb.Point{-20.001, -91.199}, "A01", 20, 4},
		{"R01 slot 7,2", r01.at(6*6.5+3, 2.8+1.4), "R01", 7, 2},
		{"not in a block", orb.Point{-100, -20}, "", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			block, bay, row, ok := l.SlotAt(tt.give)
			if block != tt.wantBlock || bay != tt.wantBay || row != tt.wantRow || ok != (tt.wantBlock != "") {
				t.Errorf("SlotAt(%v) = %s %d,%d %v; want %s %d,%d", tt.give, block, bay, row, ok, tt.wantBlock, tt.wantBay, tt.wantRow)
			}
		})
	}
}

// naiveLocate is the obvious answer: every place's polygon in order of preference.
func naiveLocate(l *Layout, p orb.Point) (Place, bool) {
	for _, b := range l.blocks {
		if planar.PolygonContains(b.Polygon, p) {
			return Place{PlaceBlock, b.ID}, true
		}
	}
	for _, b := range l.berths {
		if planar.PolygonContains(b.Zone, p) {
			return Place{PlaceBerth, b.ID}, true
		}
	}
	for _, g := range l.gates {
		if planar.PolygonContains(g.Polygon, p) {
			return Place{PlaceGate, g.ID}, true
		}
	}
	areas := slices.Clone(l.areas)
	slices.SortStableFunc(areas, func(a, b *Area) int { return cmp.Compare(planar.Area(a.Polygon), planar.Area(b.Polygon)) })
	for _, a := range areas {
		if planar.PolygonContains(a.Polygon, p) {
			return Place{PlaceArea, a.ID}, true
		}
	}
	return Place{}, false
}

// randomPoints returns n points spread over the layout and 50 m around it.
func randomPoints(l *Layout, n int, seed uint64) []orb.Point {
	b := l.index.shapes[0].bound
	for _, s := range l.index.shapes {
		b = b.Union(s.bound)
	}
	b = b.Pad(50)
	rng := rand.New(rand.NewPCG(seed, seed))
	pts := make([]orb.Point, n)
	for i := range pts {
		pts[i] = orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])}
	}
	return pts
}

// TestLocateMatchesNaive checks the grid against the naive search on random points.
func TestLocateMatchesNaive(t *testing.T) {
	layouts := []struct {
		l *Layout
		n int // points; the naive search over 200 blocks is slow under -race
	}{{testLayout(t), 30_000}, {shipped(t), 30_000}, {manyBlocks(t, 200), 5_000}}
	for _, tt := range layouts {
		l := tt.l
		found := map[PlaceKind]int{}
		for _, p := range randomPoints(l, tt.n, 7) {
			got, ok := l.Locate(p)
			want, wantOK := naiveLocate(l, p)
			if got != want || ok != wantOK {
				t.Fatalf("%s: Locate(%v) = %v, %v; naive says %v, %v", l.Name, p, got, ok, want, wantOK)
			}
			found[got.Kind]++
		}
		t.Logf("%s: %v", l.Name, found)
	}
}

// manyBlocks returns a synthetic terminal of n RTG blocks, 10 to a row, the rows turned 20° from
// east, with a yard area around them.
func manyBlocks(t testing.TB, n int) *Layout {
	th := 20 * math.Pi / 180
	u := [2]float64{math.Cos(th), math.Sin(th)}
	v := [2]float64{u[1], -u[0]}
	at := func(a, c float64) [2]float64 { return [2]float64{a*u[0] + c*v[0] - 1300, a*u[1] + c*v[1] + 300} }
	fs := []map[string]any{feat(props{"kind": "terminal", "name": fmt.Sprintf("%d blocks", n), "locode": "MAPTM"}, "Point", wgs(0, 0))}
	for i := range n {
		a0, c0 := float64(i%10)*270, float64(i/10)*36
		fs = append(fs, feat(props{"kind": "block", "id": fmt.Sprintf("B%03d", i), "equipment": "RTG", "bays": 40, "rows": 6, "max_tiers": 5, "purpose": "mixed"},
			"Polygon", ring(at(a0, c0), at(a0+252, c0), at(a0+252, c0+16.8), at(a0, c0+16.8))))
	}
	rows := float64((n + 9) / 10)
	fs = append(fs, feat(props{"kind": "area", "id": "Y", "use": "yard"}, "Polygon",
		ring(at(-10, -10), at(2710, -10), at(2710, rows*36), at(-10, rows*36))))
	l, err := ParseLayout(marshalLayout(t, fs))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// BenchmarkLocate reports how many telemetry positions a second Locate places, on the shipped
// terminal (24 blocks) and on a synthetic one of 200 blocks; points fall uniformly over the terminal.
func BenchmarkLocate(b *testing.B) {
	layouts := []struct {
		name string
		l    *Layout
	}{{"tangermed", shipped(b)}, {"200blocks", manyBlocks(b, 200)}}
	for _, tt := range layouts {
		pts := randomPoints(tt.l, 1<<20, 11)
		b.Run(tt.name+"/grid", func(b *testing.B) {
			n := 0
			for b.Loop() {
				if _, ok := tt.l.Locate(pts[n&(len(pts)-1)]); ok {
					n++
				} else {
					n++
				}
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "points/s")
		})
		b.Run(tt.name+"/naive", func(b *testing.B) {
			n := 0
			for b.Loop() {
				naiveLocate(tt.l, pts[n&(len(pts)-1)])
				n++
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "points/s")
		})
	}
}
