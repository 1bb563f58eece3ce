// Command gen writes the Tanger Med demo terminal's layout (../layout.geojson) from a few numbers.
//
// Everything is laid out in quay coordinates, a metres along the quay wall from its west end and c
// metres landward from the wall, then turned into the yard-local plane and WGS84 through yard.Frame.
// Run it from scenarios/tangermed with `go generate` (or `go run ./gen -o layout.geojson`).
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"os"

	"github.com/paulmach/orb"

	"github.com/yardtwin/yardtwin/domain/yard"
)

// The terminal. Modelled on Tanger Med's TC3 (800 m of quay, 8 STS cranes, about 36 ha) but not
// surveyed: the position and the bearing are plausible, not measured.
const (
	name   = "Tanger Med demo terminal (TC3-like)"
	locode = "MAPTM"

	originLon = -5.505 // WGS84 of the local origin, the middle of the terminal
	originLat = 35.885

	quayBearing = 68.0  // degrees clockwise from north, direction of the quay line (west to east)
	quayLength  = 800.0 // m
	apron       = 60.0  // m, wall to the back of the apron
	originA     = 400.0 // quay coordinates of the local origin
	originC     = 235.0
)

// The yard: 8 rows of 3 RTG blocks parallel to the quay.
const (
	blockRows   = 8
	blocksInRow = 3
	bays        = 40
	rows        = 6
	bayPitch    = 6.3  // m: a 20-ft box (6.058 m) and the gap to the next
	rowPitch    = 2.8  // m: a box (2.438 m) and the gap beside it
	firstBlockC = 90.0 // m from the wall to the seaward side of the first block row
	rowSpacing  = 36.0 // m between block rows: block, truck lane under the RTG, legs, driving lane
	endMargin   = 6.0  // m at each end of a block row
	crossLane   = 16.0 // m between blocks of one row
)

func main() {
	out := flag.String("o", "", "write the layout to this file instead of standard output")
	flag.Parse()
	data, err := generate()
	if err != nil {
		log.Fatal(err)
	}
	if *out == "" {
		_, err = os.Stdout.Write(data)
	} else {
		err = os.WriteFile(*out, data, 0o644)
	}
	if err != nil {
		log.Fatal(err)
	}
}

// gen turns quay coordinates into WGS84 and collects features, one per line.
type gen struct {
	frame yard.Frame
	along orb.Point // unit vector along the quay (local frame)
	land  orb.Point // unit vector landward (local frame)
	buf   bytes.Buffer
	n     int
}

type prop struct {
	key string
	val any
}

func generate() ([]byte, error) {
	frame, err := yard.NewFrame(orb.Point{originLon, originLat})
	if err != nil {
		return nil, err
	}
	th := quayBearing * math.Pi / 180
	along := orb.Point{math.Sin(th), math.Cos(th)}
	g := &gen{frame: frame, along: along, land: orb.Point{along[1], -along[0]}} // land on the right
	g.buf.WriteString(`{"type":"FeatureCollection","features":[` + "\n")

	g.point([]prop{{"kind", "terminal"}, {"name", name}, {"locode", locode}}, originA, originC)

	// Quay wall, berths and the apron behind them.
	g.line([]prop{{"kind", "quay"}, {"id", "Q1"}, {"apron_m", apron}, {"land_side", "right"}}, [][2]float64{{0, 0}, {quayLength, 0}})
	a := 0.0
	for i, length := range []float64{350, 250, 200} { // one mainline berth, two for feeders
		g.line([]prop{{"kind", "berth"}, {"id", fmt.Sprintf("B%d", i+1)}, {"length_m", length}}, [][2]float64{{a, 0}, {a + length, 0}})
		a += length
	}
	for i := range 8 {
		g.point([]prop{{"kind", "quay_crane"}, {"id", fmt.Sprintf("QC%02d", i+1)}}, 50+100*float64(i), 30)
	}

	// Roads, the stacking area around the blocks, the truck park and offices.
	g.box([]prop{{"kind", "area"}, {"id", "R1"}, {"use", "road"}, {"name", "apron road"}}, 0, apron, quayLength, firstBlockC-10)
	yardEnd := firstBlockC + blockRows*rowSpacing - 4
	g.box([]prop{{"kind", "area"}, {"id", "Y1"}, {"use", "yard"}, {"name", "stacking area and driving lanes"}}, 0, firstBlockC-10, quayLength, yardEnd)
	g.box([]prop{{"kind", "area"}, {"id", "R2"}, {"use", "road"}, {"name", "rear road"}}, 0, yardEnd, quayLength, yardEnd+20)
	g.box([]prop{{"kind", "area"}, {"id", "TP1"}, {"use", "truck_park"}, {"name", "pre-gate truck park"}}, 420, yardEnd+25, 600, yardEnd+90)
	g.box([]prop{{"kind", "area"}, {"id", "ADM1"}, {"use", "office"}, {"name", "offices and workshop"}}, 200, yardEnd+25, 320, yardEnd+75)

	// Blocks, each with bay 1, row 1 at its west, seaward corner; two yard cranes per block row.
	blockLen := bays * bayPitch
	rtg := 0
	for r := range blockRows {
		letter := string(rune('A' + r))
		c0 := firstBlockC + float64(r)*rowSpacing
		for k := range blocksInRow {
			a0 := endMargin + float64(k)*(blockLen+crossLane)
			id := fmt.Sprintf("%s%02d", letter, k+1)
			equipment, purpose, tiers, plugs := blockUse(r, k)
			// Counter-clockwise ring from bay 1, row 1: first across the rows, then back along the bays.
			g.polygon([]prop{{"kind", "block"}, {"id", id}, {"equipment", equipment}, {"purpose", purpose},
				{"bays", bays}, {"rows", rows}, {"max_tiers", tiers}, {"reefer_plugs", plugs}},
				[][2]float64{{a0, c0}, {a0, c0 + rows*rowPitch}, {a0 + blockLen, c0 + rows*rowPitch}, {a0 + blockLen, c0}, {a0, c0}})
			if k == 1 {
				continue // cranes live in the end blocks of a row
			}
			crane := ""
			if equipment == "RS" {
				crane = "RS01"
			} else {
				rtg++
				crane = fmt.Sprintf("RTG%02d", rtg)
			}
			// Park at the block's outer end, on the block's centre line.
			home := a0 + 2*bayPitch
			if k == blocksInRow-1 {
				home = a0 + blockLen - 2*bayPitch
			}
			g.point([]prop{{"kind", "yard_crane"}, {"id", crane}, {"block", id}}, home, c0+rows*rowPitch/2)
		}
	}

	// The gate: six lanes in, four out, behind the rear road.
	gc0, gc1 := yardEnd+25, yardEnd+75
	g.box([]prop{{"kind", "gate"}, {"id", "G1"}, {"name", "main gate"}}, 340, gc0, 396, gc1)
	for i := range 6 {
		la := 345.25 + 4.5*float64(i)
		g.line([]prop{{"kind", "gate_lane"}, {"id", fmt.Sprintf("IN%d", i+1)}, {"gate", "G1"}, {"direction", "in"}},
			[][2]float64{{la, gc1 - 3}, {la, gc0 + 3}}) // driving towards the quay
	}
	for i := range 4 {
		la := 377.25 + 4.5*float64(i)
		g.line([]prop{{"kind", "gate_lane"}, {"id", fmt.Sprintf("OUT%d", i+1)}, {"gate", "G1"}, {"direction", "out"}},
			[][2]float64{{la, gc0 + 3}, {la, gc1 - 3}})
	}

	g.buf.WriteString("\n]}\n")
	return g.buf.Bytes(), nil
}

// blockUse returns what block k of block row r is for. Tanger Med is mostly transhipment, so the
// rows nearest the quay are; reefers sit together near the rear, next to the empties.
func blockUse(r, k int) (equipment, purpose string, tiers, plugs int) {
	switch {
	case r == 6 && k < 2:
		return "RTG", "reefer", 4, bays * rows * 3 // plugs for three tiers of reefers
	case r == 7 && k == 0:
		return "RS", "empty", 6, 0
	case r <= 3 && !(r == 3 && k == 2):
		return "RTG", "transhipment", 5, 0
	case r == 4 || r == 7 && k == 2:
		return "RTG", "export", 5, 0
	case r == 5 || r == 7 && k == 1:
		return "RTG", "import", 5, 0
	}
	return "RTG", "mixed", 5, 0
}

// wgs converts quay coordinates to a WGS84 GeoJSON position rounded to 7 decimals (about 1 cm).
func (g *gen) wgs(a, c float64) string {
	a, c = a-originA, c-originC
	local := orb.Point{a*g.along[0] + c*g.land[0], a*g.along[1] + c*g.land[1]}
	p := g.frame.ToWGS84(local)
	return fmt.Sprintf("[%.7f,%.7f]", p[0], p[1])
}

func (g *gen) feature(props []prop, geometry string) {
	if g.n > 0 {
		g.buf.WriteString(",\n")
	}
	g.n++
	g.buf.WriteString(`{"type":"Feature","properties":{`)
	for i, p := range props {
		if i > 0 {
			g.buf.WriteByte(',')
		}
		k, _ := json.Marshal(p.key)
		v, _ := json.Marshal(p.val) // strings and numbers only: cannot fail
		g.buf.Write(k)
		g.buf.WriteByte(':')
		g.buf.Write(v)
	}
	g.buf.WriteString(`},"geometry":` + geometry + `}`)
}

func (g *gen) point(props []prop, a, c float64) {
	g.feature(props, `{"type":"Point","coordinates":`+g.wgs(a, c)+`}`)
}

func (g *gen) positions(pts [][2]float64) string {
	var b bytes.Buffer
	b.WriteByte('[')
	for i, p := range pts {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(g.wgs(p[0], p[1]))
	}
	b.WriteByte(']')
	return b.String()
}

func (g *gen) line(props []prop, pts [][2]float64) {
	g.feature(props, `{"type":"LineString","coordinates":`+g.positions(pts)+`}`)
}

func (g *gen) polygon(props []prop, ring [][2]float64) {
	g.feature(props, `{"type":"Polygon","coordinates":[`+g.positions(ring)+`]}`)
}

// box writes an area a0..a1 along the quay by c0..c1 landward as a counter-clockwise polygon.
func (g *gen) box(props []prop, a0, c0, a1, c1 float64) {
	g.polygon(props, [][2]float64{{a0, c0}, {a0, c1}, {a1, c1}, {a1, c0}, {a0, c0}})
}
