package yard

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// checkTiling checks that a block's slot polygons tile it: their areas sum to the block's, every
// corner lies in the block, and every centre lies in the block and maps back to its slot.
func checkTiling(t *testing.T, l *Layout, b *Block) {
	t.Helper()
	const eps = 1e-6
	sum := 0.0
	for bay := 1; bay <= b.Bays; bay++ {
		for row := 1; row <= b.Rows; row++ {
			poly := b.SlotPolygon(bay, row)
			sum += planar.Area(poly)
			if got := planar.Area(poly); math.Abs(got-b.BayPitch()*b.RowPitch()) > eps {
				t.Fatalf("%s slot %d,%d area %.4f m², want %.4f", b.ID, bay, row, got, b.BayPitch()*b.RowPitch())
			}
			for _, p := range poly[0] {
				if s, u := b.coords(p); s < -eps || s > b.Length+eps || u < -eps || u > b.Width+eps {
					t.Fatalf("%s slot %d,%d corner %v lies outside the block", b.ID, bay, row, p)
				}
			}
			c := b.SlotCentre(bay, row)
			if !planar.PolygonContains(b.Polygon, c) || !planar.PolygonContains(poly, c) {
				t.Fatalf("%s slot %d,%d centre %v is outside the block or the slot", b.ID, bay, row, c)
			}
			if gb, gr, ok := b.SlotAt(c); !ok || gb != bay || gr != row {
				t.Fatalf("%s.SlotAt(centre of %d,%d) = %d,%d,%v", b.ID, bay, row, gb, gr, ok)
			}
			if id, gb, gr, ok := l.SlotAt(c); !ok || id != b.ID || gb != bay || gr != row {
				t.Fatalf("Layout.SlotAt(centre of %s %d,%d) = %s %d,%d,%v", b.ID, bay, row, id, gb, gr, ok)
			}
		}
	}
	if area := planar.Area(b.Polygon); math.Abs(sum-area) > 1e-6*area {
		t.Errorf("%s: slot areas sum to %.3f m², block is %.3f m²", b.ID, sum, area)
	}
	if got := b.SlotPolygon(1, 1)[0][0]; dist(got, b.Corner) > eps {
		t.Errorf("%s: slot 1,1 starts at %v, want the block's corner %v", b.ID, got, b.Corner)
	}
	if area := planar.Area(orb.Ring(b.Polygon[0])); area <= 0 {
		t.Errorf("%s: polygon ring is clockwise (signed area %.1f), want counter-clockwise", b.ID, area)
	}
}

func TestSlotsTileBlock(t *testing.T) {
	l := testLayout(t)
	for _, b := range l.Blocks() {
		t.Run(b.ID, func(t *testing.T) { checkTiling(t, l, b) })
	}
}

func TestSlotsTileShippedBlocks(t *testing.T) {
	l := shipped(t)
	for _, b := range l.Blocks() {
		checkTiling(t, l, b)
	}
}

func TestBlockNumbering(t *testing.T) {
	l := testLayout(t)
	tests := []struct {
		give        string
		wantCorner  orb.Point
		wantBayAxis orb.Point
		wantRowAxis orb.Point
		wantBearing float64
		wantLength  float64
		wantWidth   float64
	}{
		// A01: first corner (-150, -80), long side east, rows south.
		{"A01", orb.Point{-150, -80}, orb.Point{1, 0}, orb.Point{0, -1}, 90, 130, 11.2},
		// R01: bays 30° north of east, i.e. bearing 60°.
		{"R01", orb.Point{50, -100}, orb.Point{math.Cos(math.Pi / 6), 0.5}, orb.Point{0.5, -math.Cos(math.Pi / 6)}, 60, 65, 8.4},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			b, ok := l.Block(tt.give)
			if !ok {
				t.Fatal("no block")
			}
			const eps = 1e-6
			if dist(b.Corner, tt.wantCorner) > eps || dist(b.BayAxis, tt.wantBayAxis) > eps || dist(b.RowAxis, tt.wantRowAxis) > eps {
				t.Errorf("corner %v bay axis %v row axis %v; want %v %v %v", b.Corner, b.BayAxis, b.RowAxis, tt.wantCorner, tt.wantBayAxis, tt.wantRowAxis)
			}
			if math.Abs(b.Bearing()-tt.wantBearing) > 1e-6 {
				t.Errorf("bearing %.6f, want %g", b.Bearing(), tt.wantBearing)
			}
			if math.Abs(b.Length-tt.wantLength) > 1e-6 || math.Abs(b.Width-tt.wantWidth) > 1e-6 {
				t.Errorf("%.6f × %.6f m, want %g × %g", b.Length, b.Width, tt.wantLength, tt.wantWidth)
			}
		})
	}
}

// TestBlockRingOrder checks that the ring's winding does not matter, only its first corner.
func TestBlockRingOrder(t *testing.T) {
	rc := r01Corners()
	fs := testFeatures()
	fs[4]["geometry"].(map[string]any)["coordinates"] = ring(rc[0], rc[3], rc[2], rc[1]) // across first
	l, err := ParseLayout(marshalLayout(t, fs))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := l.Block("R01")
	if dist(b.Corner, orb.Point{50, -100}) > 1e-6 || math.Abs(b.Bearing()-60) > 1e-6 || b.Length < b.Width {
		t.Errorf("corner %v bearing %.3f %g × %g; want bay 1 row 1 at (50, -100), bays at 60°", b.Corner, b.Bearing(), b.Length, b.Width)
	}
	// Starting at another corner moves bay 1, row 1 there.
	fs[4]["geometry"].(map[string]any)["coordinates"] = ring(rc[2], rc[3], rc[0], rc[1])
	if l, err = ParseLayout(marshalLayout(t, fs)); err != nil {
		t.Fatal(err)
	}
	b, _ = l.Block("R01")
	if dist(b.Corner, orb.Point{rc[2][0], rc[2][1]}) > 1e-6 || math.Abs(b.Bearing()-240) > 1e-6 {
		t.Errorf("corner %v bearing %.3f; want bay 1 row 1 at %v, bays at 240°", b.Corner, b.Bearing(), rc[2])
	}
}

func TestBlockValid(t *testing.T) {
	b, _ := testLayout(t).Block("A01") // 20 bays, 4 rows, 5 tiers
	tests := []struct {
		name             string
		giveBay, giveRow int
		giveTier         int
		wantErr          string
	}{
		{"first", 1, 1, 1, ""},
		{"last", 20, 4, 5, ""},
		{"bay 0", 0, 1, 1, "block A01 has bays 1 to 20, not 0"},
		{"bay past end", 21, 1, 1, "bays 1 to 20, not 21"},
		{"row 0", 1, 0, 1, "rows 1 to 4, not 0"},
		{"row past end", 1, 5, 1, "rows 1 to 4, not 5"},
		{"tier 0", 1, 1, 0, "tiers 1 to 5, not 0"},
		{"too high", 1, 1, 6, "tiers 1 to 5, not 6"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := b.Valid(tt.giveBay, tt.giveRow, tt.giveTier)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Valid = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, ErrNoSuchSlot) {
				t.Fatalf("Valid = %v, want ErrNoSuchSlot saying %q", err, tt.wantErr)
			}
		})
	}
}

func TestLayoutValidSlot(t *testing.T) {
	l := testLayout(t)
	tests := []struct {
		give    Slot
		wantErr error
	}{
		{Slot{"A01", 20, 4, 5}, nil},
		{Slot{"R01", 10, 3, 4}, nil},
		{Slot{"R01", 10, 3, 5}, ErrNoSuchSlot},
		{Slot{"Z99", 1, 1, 1}, ErrUnknownBlock},
	}
	for _, tt := range tests {
		if err := l.ValidSlot(tt.give); !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
			t.Errorf("ValidSlot(%s) = %v, want %v", tt.give, err, tt.wantErr)
		}
	}
}

func TestCapacity(t *testing.T) {
	l := testLayout(t)
	a, _ := l.Block("A01")
	r, _ := l.Block("R01")
	if a.Capacity() != 20*4*5 || r.Capacity() != 10*3*4 || l.Capacity() != 400+120 {
		t.Errorf("capacities %d, %d, total %d; want 400, 120, 520", a.Capacity(), r.Capacity(), l.Capacity())
	}
	if a.GroundSlots() != 80 {
		t.Errorf("ground slots %d, want 80", a.GroundSlots())
	}
}

func TestFitRect(t *testing.T) {
	tests := []struct {
		name    string
		give    [4]orb.Point
		wantDev float64 // at most
		wantMin float64 // at least
	}{
		{"exact", [4]orb.Point{{0, 0}, {100, 0}, {100, 20}, {0, 20}}, 1e-9, 0},
		{"rounded by a centimetre", [4]orb.Point{{0.01, 0}, {100, -0.01}, {100.01, 20}, {0, 20.01}}, 0.02, 0},
		{"parallelogram", [4]orb.Point{{0, 0}, {100, 0}, {110, 20}, {10, 20}}, math.Inf(1), 4},
		{"trapezoid", [4]orb.Point{{0, 0}, {100, 0}, {90, 20}, {10, 20}}, math.Inf(1), 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, dev := fitRect(tt.give)
			if dev > tt.wantDev || dev < tt.wantMin {
				t.Errorf("deviation %.4f m, want %g..%g", dev, tt.wantMin, tt.wantDev)
			}
		})
	}
}
