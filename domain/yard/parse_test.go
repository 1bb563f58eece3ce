package yard

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

func TestParseShippedLayout(t *testing.T) {
	l := shipped(t)
	if l.Name == "" || l.LOCODE != "MAPTM" {
		t.Errorf("terminal %q %q", l.Name, l.LOCODE)
	}
	if o := l.Origin(); math.Abs(o[0]+5.505) > 1e-9 || math.Abs(o[1]-35.885) > 1e-9 {
		t.Errorf("origin %v, want -5.505, 35.885", o)
	}
	counts := []struct {
		what      string
		got, want int
	}{
		{"quays", len(l.Quays()), 1},
		{"berths", len(l.Berths()), 3},
		{"blocks", len(l.Blocks()), 24},
		{"quay cranes", len(l.QuayCranes()), 8},
		{"yard cranes", len(l.YardCranes()), 16},
		{"gates", len(l.Gates()), 1},
		{"gate lanes", len(l.GateLanes()), 10},
	}
	for _, c := range counts {
		if c.got != c.want {
			t.Errorf("%d %s, want %d", c.got, c.what, c.want)
		}
	}
	in, out := 0, 0
	for _, g := range l.GateLanes() {
		if g.Direction == LaneIn {
			in++
		} else {
			out++
		}
		if p, ok := l.Locate(g.Position); !ok || p != (Place{PlaceGate, g.Gate}) {
			t.Errorf("lane %s at %v locates to %v", g.ID, g.Position, p)
		}
	}
	if in != 6 || out != 4 {
		t.Errorf("%d lanes in, %d out; want 6 and 4", in, out)
	}
	q, _ := l.Quay("Q1")
	if length := planar.Length(q.Line); math.Abs(length-800) > 0.05 {
		t.Errorf("quay is %.2f m long, want 800", length)
	}
	sum := 0.0
	for _, b := range l.Berths() {
		sum += b.Length
	}
	if sum != 800 {
		t.Errorf("berths sum to %g m, want the 800 m quay", sum)
	}
	for _, c := range l.QuayCranes() {
		if p, ok := l.Locate(c.Home); !ok || p.Kind != PlaceBerth {
			t.Errorf("quay crane %s at %v is in %v, want a berth zone", c.ID, c.Home, p)
		}
	}
	for _, c := range l.YardCranes() {
		if p, ok := l.Locate(c.Home); !ok || p != (Place{PlaceBlock, c.Block}) {
			t.Errorf("yard crane %s at %v is in %v, want block %s", c.ID, c.Home, p, c.Block)
		}
	}
	reefer, empty := 0, 0
	for _, b := range l.Blocks() {
		if math.Abs(b.Bearing()-68) > 0.01 {
			t.Errorf("block %s runs at %.3f°, want the quay's 68°", b.ID, b.Bearing())
		}
		if math.Abs(b.BayPitch()-6.3) > 0.01 || math.Abs(b.RowPitch()-2.8) > 0.01 {
			t.Errorf("block %s pitch %.3f × %.3f m, want 6.3 × 2.8", b.ID, b.BayPitch(), b.RowPitch())
		}
		switch b.Purpose {
		case PurposeReefer:
			reefer++
		case PurposeEmpty:
			empty++
		}
	}
	if reefer != 2 || empty != 1 {
		t.Errorf("%d reefer blocks and %d empty blocks, want 2 and 1", reefer, empty)
	}
	blocks := l.Blocks()
	for i := 1; i < len(blocks); i++ {
		if blocks[i-1].ID >= blocks[i].ID {
			t.Errorf("Blocks() not in id order: %s before %s", blocks[i-1].ID, blocks[i].ID)
		}
	}
}

// TestLayoutAccessors checks the by-id look-ups against the small test layout.
func TestLayoutAccessors(t *testing.T) {
	l := testLayout(t)
	if b, ok := l.Berth("BX1"); !ok || b.Quay != "Q1" || b.Length != 200 {
		t.Errorf("Berth(BX1) = %+v, %v", b, ok)
	}
	if c, ok := l.YardCrane("RTG1"); !ok || c.Block != "A01" || c.Equipment != EquipmentRTG || dist(c.Home, orb.Point{-140, -85}) > 1e-6 {
		t.Errorf("YardCrane(RTG1) = %+v, %v", c, ok)
	}
	if c, ok := l.QuayCrane("QC1"); !ok || dist(c.Home, orb.Point{-100, -20}) > 1e-6 {
		t.Errorf("QuayCrane(QC1) = %+v, %v", c, ok)
	}
	if g, ok := l.GateLane("IN1"); !ok || g.Gate != "G1" || g.Direction != LaneIn || g.Line != nil {
		t.Errorf("GateLane(IN1) = %+v, %v", g, ok)
	}
	if a, ok := l.Area("P1"); !ok || a.Use != "truck_park" {
		t.Errorf("Area(P1) = %+v, %v", a, ok)
	}
	if _, ok := l.Gate("G1"); !ok {
		t.Error("no gate G1")
	}
	if _, ok := l.Block("nope"); ok {
		t.Error("Block(nope) found")
	}
	// Returned slices are copies: reordering one does not reorder the layout.
	bs := l.Blocks()
	bs[0], bs[1] = bs[1], bs[0]
	if l.Blocks()[0].ID != "A01" {
		t.Error("Blocks() shares its slice")
	}
}

func TestParseLayoutFeatureErrors(t *testing.T) {
	geom := func(f map[string]any) map[string]any { return f["geometry"].(map[string]any) }
	tests := []struct {
		name      string
		give      func(fs []map[string]any) []map[string]any
		wantIndex int
		wantKind  string
		wantID    string
		wantProp  string
		wantIn    string // in Reason
	}{
		{
			name:      "missing bays",
			give:      func(fs []map[string]any) []map[string]any { delete(fs[3]["properties"].(props), "bays"); return fs },
			wantIndex: 3, wantKind: "block", wantID: "A01", wantProp: "bays", wantIn: "missing",
		},
		{
			name:      "rows not whole",
			give:      func(fs []map[string]any) []map[string]any { fs[3]["properties"].(props)["rows"] = 2.5; return fs },
			wantIndex: 3, wantKind: "block", wantID: "A01", wantProp: "rows", wantIn: "whole number",
		},
		{
			name:      "bays as text",
			give:      func(fs []map[string]any) []map[string]any { fs[3]["properties"].(props)["bays"] = "20"; return fs },
			wantIndex: 3, wantKind: "block", wantID: "A01", wantProp: "bays", wantIn: `got "20"`,
		},
		{
			name:      "too many bays for the length",
			give:      func(fs []map[string]any) []map[string]any { fs[3]["properties"].(props)["bays"] = 30; return fs },
			wantIndex: 3, wantKind: "block", wantID: "A01", wantProp: "bays", wantIn: "shorter than a 20-ft container",
		},
		{
			name: "unknown equipment",
			give: func(fs []map[string]any) []map[string]any {
				fs[3]["properties"].(props)["equipment"] = "crane"
				return fs
			},
			wantIndex: 3, wantKind: "block", wantID: "A01", wantProp: "equipment", wantIn: `"crane" is not one of RTG, RMG, RS`,
		},
		{
			name: "unknown purpose",
			give: func(fs []map[string]any) []map[string]any {
				fs[3]["properties"].(props)["purpose"] = "storage"
				return fs
			},
			wantIndex: 3, wantKind: "block", wantID: "A01", wantProp: "purpose", wantIn: "not one of",
		},
		{
			name:      "tiers out of range",
			give:      func(fs []map[string]any) []map[string]any { fs[3]["properties"].(props)["max_tiers"] = 0; return fs },
			wantIndex: 3, wantKind: "block", wantID: "A01", wantProp: "max_tiers", wantIn: "out of range",
		},
		{
			name: "reefer block without plugs",
			give: func(fs []map[string]any) []map[string]any {
				delete(fs[4]["properties"].(props), "reefer_plugs")
				return fs
			},
			wantIndex: 4, wantKind: "block", wantID: "R01", wantProp: "reefer_plugs", wantIn: "needs reefer plugs",
		},
		{
			name: "more plugs than slots",
			give: func(fs []map[string]any) []map[string]any {
				fs[4]["properties"].(props)["reefer_plugs"] = 121
				return fs
			},
			wantIndex: 4, wantKind: "block", wantID: "R01", wantProp: "reefer_plugs", wantIn: "121 plugs for 120 slots",
		},
		{
			name: "five corners",
			give: func(fs []map[string]any) []map[string]any {
				geom(fs[3])["coordinates"] = ring([2]float64{-150, -80}, [2]float64{-85, -79}, [2]float64{-20, -80}, [2]float64{-20, -91.2}, [2]float64{-150, -91.2})
				return fs
			},
			wantIndex: 3, wantKind: "block", wantID: "A01", wantProp: "geometry", wantIn: "want 4 corners, got 5",
		},
		{
			name: "not a rectangle",
			give: func(fs []map[string]any) []map[string]any {
				geom(fs[3])["coordinates"] = ring([2]float64{-150, -80}, [2]float64{-20, -80}, [2]float64{-18, -91.2}, [2]float64{-148, -91.2})
				return fs
			},
			wantIndex: 3, wantKind: "block", wantID: "A01", wantProp: "geometry", wantIn: "not a rectangle",
		},
		{
			name: "ring not closed",
			give: func(fs []map[string]any) []map[string]any {
				r := geom(fs[3])["coordinates"].([][][]float64)
				geom(fs[3])["coordinates"] = [][][]float64{append(r[0][:4], wgs(-150, -85))}
				return fs
			},
			wantIndex: 3, wantKind: "block", wantID: "A01", wantProp: "geometry", wantIn: "not closed",
		},
		{
			name:      "block drawn as a line",
			give:      func(fs []map[string]any) []map[string]any { fs[3]["geometry"] = fs[1]["geometry"]; return fs },
			wantIndex: 3, wantKind: "block", wantID: "A01", wantProp: "geometry", wantIn: "LineString, want Polygon",
		},
		{
			name:      "no geometry",
			give:      func(fs []map[string]any) []map[string]any { fs[7]["geometry"] = nil; return fs },
			wantIndex: 7, wantKind: "quay_crane", wantID: "QC1", wantProp: "geometry", wantIn: "missing",
		},
		{
			name: "lon and lat swapped",
			give: func(fs []map[string]any) []map[string]any {
				p := wgs(-100, -20)
				geom(fs[7])["coordinates"] = []float64{p[1], p[0]}
				return fs
			},
			wantIndex: 7, wantKind: "quay_crane", wantID: "QC1", wantProp: "geometry", wantIn: "lon and lat swapped",
		},
		{
			name: "duplicate block id",
			give: func(fs []map[string]any) []map[string]any {
				fs[4]["properties"].(props)["id"] = "A01"
				return fs
			},
			wantIndex: 4, wantKind: "block", wantID: "A01", wantProp: "id", wantIn: `duplicate block id "A01" (first at feature 3)`,
		},
		{
			name:      "missing id",
			give:      func(fs []map[string]any) []map[string]any { delete(fs[10]["properties"].(props), "id"); return fs },
			wantIndex: 10, wantKind: "area", wantProp: "id", wantIn: "missing",
		},
		{
			name:      "id with a dot",
			give:      func(fs []map[string]any) []map[string]any { fs[4]["properties"].(props)["id"] = "R.01"; return fs },
			wantIndex: 4, wantKind: "block", wantID: "R.01", wantProp: "id", wantIn: `has '.'`,
		},
		{
			name: "overlapping blocks",
			give: func(fs []map[string]any) []map[string]any {
				b := feat(props{"kind": "block", "id": "A02", "equipment": "RTG", "bays": 10, "rows": 4, "max_tiers": 5, "purpose": "export"},
					"Polygon", box(-40, -90, 40, -80))
				return append(fs, b)
			},
			wantIndex: 12, wantKind: "block", wantID: "A02", wantProp: "geometry", wantIn: `overlaps block "A01" (feature 3) by 10.00 m`,
		},
		{
			name:      "unknown kind",
			give:      func(fs []map[string]any) []map[string]any { fs[7]["properties"].(props)["kind"] = "sts"; return fs },
			wantIndex: 7, wantID: "QC1", wantProp: "kind", wantIn: `"sts" is not one of terminal, quay, berth, block`,
		},
		{
			name:      "berth length disagrees",
			give:      func(fs []map[string]any) []map[string]any { fs[2]["properties"].(props)["length_m"] = 250; return fs },
			wantIndex: 2, wantKind: "berth", wantID: "BX1", wantProp: "length_m", wantIn: "250 m, but the geometry is 200.0 m long",
		},
		{
			name: "berth off the quay",
			give: func(fs []map[string]any) []map[string]any {
				geom(fs[2])["coordinates"] = [][]float64{wgs(-200, -10), wgs(0, -10)}
				return fs
			},
			wantIndex: 2, wantKind: "berth", wantID: "BX1", wantProp: "geometry", wantIn: `does not lie on a quay`,
		},
		{
			name: "quay without land side",
			give: func(fs []map[string]any) []map[string]any {
				delete(fs[1]["properties"].(props), "land_side")
				return fs
			},
			wantIndex: 1, wantKind: "quay", wantID: "Q1", wantProp: "land_side", wantIn: "missing",
		},
		{
			name:      "yard crane in a block that does not exist",
			give:      func(fs []map[string]any) []map[string]any { fs[8]["properties"].(props)["block"] = "A99"; return fs },
			wantIndex: 8, wantKind: "yard_crane", wantID: "RTG1", wantProp: "block", wantIn: `no block "A99"`,
		},
		{
			name: "lane direction",
			give: func(fs []map[string]any) []map[string]any {
				fs[6]["properties"].(props)["direction"] = "both"
				return fs
			},
			wantIndex: 6, wantKind: "gate_lane", wantID: "IN1", wantProp: "direction", wantIn: `"both" is not one of in, out`,
		},
		{
			name:      "lane outside its gate",
			give:      func(fs []map[string]any) []map[string]any { geom(fs[6])["coordinates"] = wgs(0, -180); return fs },
			wantIndex: 6, wantKind: "gate_lane", wantID: "IN1", wantProp: "geometry", wantIn: `outside gate "G1"`,
		},
		{
			name: "bad locode",
			give: func(fs []map[string]any) []map[string]any {
				fs[0]["properties"].(props)["locode"] = "Tanger"
				return fs
			},
			wantIndex: 0, wantKind: "terminal", wantProp: "locode", wantIn: "not a UN/LOCODE",
		},
		{
			name:      "second terminal",
			give:      func(fs []map[string]any) []map[string]any { return append(fs, fs[0]) },
			wantIndex: 12, wantKind: "terminal", wantProp: "kind", wantIn: "a second terminal feature (the first is feature 0)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseLayout(marshalLayout(t, tt.give(testFeatures())))
			var fe *FeatureError
			if !errors.As(err, &fe) {
				t.Fatalf("ParseLayout error = %v, want a *FeatureError", err)
			}
			if fe.Index != tt.wantIndex || fe.Kind != tt.wantKind || fe.ID != tt.wantID || fe.Property != tt.wantProp || !strings.Contains(fe.Reason, tt.wantIn) {
				t.Fatalf("got %#v\nwant index %d kind %q id %q property %q reason containing %q", fe, tt.wantIndex, tt.wantKind, tt.wantID, tt.wantProp, tt.wantIn)
			}
			t.Log(err)
		})
	}
}

func TestFeatureErrorText(t *testing.T) {
	tests := []struct {
		give *FeatureError
		want string
	}{
		{&FeatureError{Index: 12, Kind: "block", ID: "A01", Property: "bays", Reason: "missing"}, `feature 12 (block "A01"): bays: missing`},
		{&FeatureError{Index: 3, Kind: "area", Property: "id", Reason: "missing"}, `feature 3 (area): id: missing`},
		{&FeatureError{Index: 0, Reason: `type is "Point", want "Feature"`}, `feature 0: type is "Point", want "Feature"`},
	}
	for _, tt := range tests {
		if got := tt.give.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

// TestParseLayoutReportsAll checks that one parse reports every broken feature, not just the first.
func TestParseLayoutReportsAll(t *testing.T) {
	fs := testFeatures()
	delete(fs[3]["properties"].(props), "bays")
	fs[8]["properties"].(props)["block"] = "A99"
	fs[6]["properties"].(props)["direction"] = "both"
	_, err := ParseLayout(marshalLayout(t, fs))
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{`feature 3 (block "A01"): bays: missing`, `feature 6 (gate_lane "IN1"): direction:`, `feature 8 (yard_crane "RTG1"): block:`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q\ndoes not mention %q", err, want)
		}
	}
}

func TestParseLayoutDocumentErrors(t *testing.T) {
	tests := []struct {
		name   string
		give   string
		wantIn string
	}{
		{"not JSON", "{\"type\": \"FeatureCollection\",\n \"features\": [\n}", "line 3"},
		{"not a collection", `{"type": "Feature"}`, `type is "Feature", want a GeoJSON FeatureCollection`},
		{"no terminal", `{"type": "FeatureCollection", "features": []}`, "no terminal feature"},
		{"feature of the wrong type", `{"type": "FeatureCollection", "features": [{"type": "Point"}]}`, `feature 0: type is "Point", want "Feature"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseLayout([]byte(tt.give))
			if err == nil || !strings.Contains(err.Error(), tt.wantIn) {
				t.Fatalf("ParseLayout error = %v, want one containing %q", err, tt.wantIn)
			}
		})
	}
}

// TestParseLayoutNoCascade checks that a broken block is reported once, not again by the crane
// based in it.
func TestParseLayoutNoCascade(t *testing.T) {
	fs := testFeatures()
	delete(fs[3]["properties"].(props), "rows")
	_, err := ParseLayout(marshalLayout(t, fs))
	if err == nil || strings.Contains(err.Error(), "RTG1") || !strings.Contains(err.Error(), "rows: missing") {
		t.Errorf("error = %v, want only the block's missing rows", err)
	}
}

// TestParseLayoutTerminalNameMissing checks that a terminal without a name still lets the rest of
// the layout be checked.
func TestParseLayoutTerminalNameMissing(t *testing.T) {
	fs := testFeatures()
	delete(fs[0]["properties"].(props), "name")
	fs[8]["properties"].(props)["block"] = "A99"
	_, err := ParseLayout(marshalLayout(t, fs))
	if err == nil || !strings.Contains(err.Error(), "feature 0 (terminal): name: missing") || !strings.Contains(err.Error(), `no block "A99"`) {
		t.Errorf("error = %v, want the missing name and the crane's unknown block", err)
	}
}
