// Package synthetic generates terminal layouts of any size, for load tests and benchmarks: a straight
// quay with one berth, and blocks of 40 bays × 6 rows × 5 tiers (1,200 TEU each) in rows behind it.
package synthetic

import (
	"encoding/json"
	"fmt"

	"github.com/paulmach/orb"

	"github.com/yardtwin/yardtwin/domain/yard"
)

// Origin is where the generated terminal lies (WGS84), next to the Tanger Med demo terminal.
var Origin = orb.Point{-5.505, 35.885}

// Block dimensions in metres and slots.
const (
	bays, rows, tiers = 40, 6, 5
	bayPitch          = 6.3
	rowPitch          = 2.8
	perRow            = 6 // blocks side by side along the quay
	gapX, gapY        = 16.0, 36.0
)

// Layout returns the GeoJSON of a terminal with n blocks, "S0001", "S0002" …
func Layout(n int) ([]byte, error) {
	frame, err := yard.NewFrame(Origin)
	if err != nil {
		return nil, err
	}
	pt := func(x, y float64) []float64 {
		p := frame.ToWGS84(orb.Point{x, y})
		return []float64{p[0], p[1]}
	}
	feature := func(props map[string]any, typ string, coords any) map[string]any {
		return map[string]any{"type": "Feature", "properties": props, "geometry": map[string]any{"type": typ, "coordinates": coords}}
	}
	length, width := bays*bayPitch, rows*rowPitch
	quayLen := perRow * (length + gapX)
	features := []map[string]any{
		feature(map[string]any{"kind": "terminal", "name": fmt.Sprintf("Synthetic terminal, %d blocks", n), "locode": "XXSYN"}, "Point", pt(0, 0)),
		feature(map[string]any{"kind": "quay", "id": "Q1", "apron_m": 60, "land_side": "right"}, "LineString", [][]float64{pt(0, 0), pt(quayLen, 0)}),
		feature(map[string]any{"kind": "berth", "id": "B1", "length_m": quayLen}, "LineString", [][]float64{pt(0, 0), pt(quayLen, 0)}),
	}
	for i := range n {
		x0 := float64(i%perRow) * (length + gapX)
		y0 := -80 - float64(i/perRow)*(width+gapY)
		ring := [][]float64{pt(x0, y0), pt(x0+length, y0), pt(x0+length, y0-width), pt(x0, y0-width), pt(x0, y0)}
		features = append(features, feature(map[string]any{
			"kind": "block", "id": BlockID(i), "equipment": "RTG", "purpose": "mixed",
			"bays": bays, "rows": rows, "max_tiers": tiers,
		}, "Polygon", [][][]float64{ring}))
	}
	return json.Marshal(map[string]any{"type": "FeatureCollection", "features": features})
}

// BlockID names the i-th block, from 0.
func BlockID(i int) string { return fmt.Sprintf("S%04d", i+1) }

// Slot is the n-th slot of a terminal of blocks: blocks fill ground slot by ground slot, then tier by
// tier, so that no box floats.
func Slot(blocks, n int) yard.Slot {
	ground := n % (blocks * bays * rows)
	return yard.Slot{
		Block: BlockID(ground % blocks),
		Bay:   1 + (ground/blocks)%bays,
		Row:   1 + (ground/blocks/bays)%rows,
		Tier:  1 + n/(blocks*bays*rows),
	}
}

// Capacity is the TEU a terminal of n blocks holds.
func Capacity(n int) int { return n * bays * rows * tiers }
