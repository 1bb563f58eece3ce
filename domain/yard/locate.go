package yard

import (
	"cmp"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// PlaceKind says what sort of place a point is in.
type PlaceKind uint8

// The kinds of place Locate reports, in the order it prefers them when places overlap.
const (
	PlaceNone  PlaceKind = iota
	PlaceBlock           // a yard block
	PlaceBerth           // the apron behind a berth
	PlaceGate            // a gate area
	PlaceArea            // any other named area
)

func (k PlaceKind) String() string {
	switch k {
	case PlaceBlock:
		return "block"
	case PlaceBerth:
		return "berth"
	case PlaceGate:
		return "gate"
	case PlaceArea:
		return "area"
	}
	return "none"
}

// Place is a part of the layout a point lies in: a block, a berth zone, a gate or an area, by id.
type Place struct {
	Kind PlaceKind
	ID   string
}

// Locate returns the place the local point p lies in, or ok false if it is in none. Where places
// overlap it prefers a block, then a berth zone, then a gate, then an area, and among areas the
// smallest. Edges belong to the place. It costs a grid look-up and usually one containment test,
// whatever the number of blocks.
func (l *Layout) Locate(p orb.Point) (Place, bool) {
	s := l.index.find(p)
	if s == nil {
		return Place{}, false
	}
	return s.place, true
}

// SlotAt returns the block and ground slot under the local point p, or ok false if p is not in a
// block.
func (l *Layout) SlotAt(p orb.Point) (block string, bay, row int, ok bool) {
	s := l.index.find(p)
	if s == nil || s.block == nil {
		return "", 0, 0, false
	}
	b := s.block
	u, v := b.coords(p)
	bay, row, _ = b.slotAt(u, v)
	return b.ID, bay, row, true
}

// shape is one place in the index: a rectangle (blocks, berth zones) tested by projection onto its
// axes, or a polygon (gates, areas).
type shape struct {
	place  Place
	isRect bool
	r      rect
	poly   orb.Polygon
	bound  orb.Bound
	block  *Block // for PlaceBlock
}

func (s *shape) contains(p orb.Point) bool {
	if s.isRect {
		return s.r.contains(p)
	}
	return s.bound.Contains(p) && planar.PolygonContains(s.poly, p)
}

// grid is a uniform grid over the layout's extent. Each cell lists, in order of preference, the
// shapes that reach into it, up to the first one that covers the whole cell. That one is flagged and
// answers without a test, so most look-ups (a point well inside a block, or in a driving lane inside a
// yard area) cost at most a rectangle test or two.
type grid struct {
	shapes     []shape
	minX, minY float64
	maxX, maxY float64
	inv        float64 // 1 / cell size
	nx, ny     int
	cells      []cell
	items      []uint32 // shape indices, cell by cell; coversCell marks a shape that covers the cell
}

type cell struct {
	off uint32 // first item
	n   uint32 // number of items
}

const coversCell = 1 << 31

const (
	cellSize = 8.0     // m; a few cells across a block
	maxCells = 1 << 21 // the cell size doubles until the grid fits
)

func newGrid(l *Layout) *grid {
	g := &grid{shapes: shapes(l)}
	if len(g.shapes) == 0 {
		return g
	}
	b := g.shapes[0].bound
	for _, s := range g.shapes[1:] {
		b = b.Union(s.bound)
	}
	b = b.Pad(1)
	size := cellSize
	for {
		g.nx = int(math.Ceil((b.Max[0] - b.Min[0]) / size))
		g.ny = int(math.Ceil((b.Max[1] - b.Min[1]) / size))
		if g.nx*g.ny <= maxCells {
			break
		}
		size *= 2
	}
	g.minX, g.minY = b.Min[0], b.Min[1]
	g.maxX, g.maxY = g.minX+float64(g.nx)*size, g.minY+float64(g.ny)*size
	g.inv = 1 / size

	lists := make([][]uint32, g.nx*g.ny)
	for si := range g.shapes {
		s := &g.shapes[si]
		x0, y0 := g.cellXY(s.bound.Min)
		x1, y1 := g.cellXY(s.bound.Max)
		for cy := y0; cy <= y1; cy++ {
			for cx := x0; cx <= x1; cx++ {
				i := cy*g.nx + cx
				if n := len(lists[i]); n > 0 && lists[i][n-1]&coversCell != 0 {
					continue // a preferred shape already covers the cell
				}
				switch s.coverage(g.cellBound(cx, cy, size)) {
				case covered:
					lists[i] = append(lists[i], uint32(si)|coversCell)
				case partly:
					lists[i] = append(lists[i], uint32(si))
				case missed:
					// a cell of the shape's bounding box that the shape itself misses
				}
			}
		}
	}
	g.cells = make([]cell, len(lists))
	for i, list := range lists {
		g.cells[i] = cell{off: uint32(len(g.items)), n: uint32(len(list))}
		g.items = append(g.items, list...)
	}
	return g
}

type coverage uint8

const (
	missed coverage = iota
	partly
	covered
)

// coverage says how much of the box b the shape covers.
func (s *shape) coverage(b orb.Bound) coverage {
	if s.isRect {
		if overlap(s.r, boundRect(b)) < 0 {
			return missed
		}
		// Convex: if the corners are in, so is the box.
		for _, c := range [4]orb.Point{b.Min, {b.Max[0], b.Min[1]}, b.Max, {b.Min[0], b.Max[1]}} {
			if !s.r.contains(c) {
				return partly
			}
		}
		return covered
	}
	// If no edge of the polygon (holes included) touches the box, the box is wholly inside or
	// wholly outside, and its centre says which.
	for _, r := range s.poly {
		for i := 1; i < len(r); i++ {
			if segmentTouchesBox(r[i-1], r[i], b) {
				return partly
			}
		}
	}
	if planar.PolygonContains(s.poly, b.Center()) {
		return covered
	}
	return missed
}

// segmentTouchesBox reports whether the segment p–q meets the closed box b (Liang–Barsky clipping).
func segmentTouchesBox(p, q orb.Point, b orb.Bound) bool {
	t0, t1 := 0.0, 1.0
	d := sub(q, p)
	for axis := range 2 {
		if d[axis] == 0 {
			if p[axis] < b.Min[axis] || p[axis] > b.Max[axis] {
				return false
			}
			continue
		}
		ta := (b.Min[axis] - p[axis]) / d[axis]
		tb := (b.Max[axis] - p[axis]) / d[axis]
		if ta > tb {
			ta, tb = tb, ta
		}
		t0, t1 = max(t0, ta), min(t1, tb)
		if t0 > t1 {
			return false
		}
	}
	return true
}

// shapes lists the layout's places in order of preference.
func shapes(l *Layout) []shape {
	var out []shape
	for _, b := range l.blocks {
		r := blockRect(b)
		out = append(out, shape{place: Place{PlaceBlock, b.ID}, isRect: true, r: r, bound: b.Polygon.Bound(), block: b})
	}
	for _, b := range l.berths {
		c := b.Zone[0]
		r := rect{corner: c[0], u: unit(sub(c[1], c[0])), v: unit(sub(c[3], c[0])), l: dist(c[0], c[1]), w: dist(c[0], c[3])}
		out = append(out, shape{place: Place{PlaceBerth, b.ID}, isRect: true, r: r, bound: b.Zone.Bound()})
	}
	for _, g := range l.gates {
		out = append(out, shape{place: Place{PlaceGate, g.ID}, poly: g.Polygon, bound: g.Polygon.Bound()})
	}
	areas := slices.Clone(l.areas)
	slices.SortStableFunc(areas, func(a, b *Area) int { return cmp.Compare(planar.Area(a.Polygon), planar.Area(b.Polygon)) })
	for _, a := range areas {
		out = append(out, shape{place: Place{PlaceArea, a.ID}, poly: a.Polygon, bound: a.Polygon.Bound()})
	}
	return out
}

func (g *grid) cellXY(p orb.Point) (int, int) {
	cx := int((p[0] - g.minX) * g.inv)
	cy := int((p[1] - g.minY) * g.inv)
	return min(max(cx, 0), g.nx-1), min(max(cy, 0), g.ny-1)
}

func (g *grid) cellBound(cx, cy int, size float64) orb.Bound {
	x, y := g.minX+float64(cx)*size, g.minY+float64(cy)*size
	return orb.Bound{Min: orb.Point{x, y}, Max: orb.Point{x + size, y + size}}
}

func boundRect(b orb.Bound) rect {
	return rect{corner: b.Min, u: orb.Point{1, 0}, v: orb.Point{0, 1}, l: b.Max[0] - b.Min[0], w: b.Max[1] - b.Min[1]}
}

// find returns the preferred shape containing p, or nil.
func (g *grid) find(p orb.Point) *shape {
	// Written so that NaN falls out too.
	if g == nil || !(p[0] >= g.minX && p[0] < g.maxX && p[1] >= g.minY && p[1] < g.maxY) {
		return nil
	}
	cx := int((p[0] - g.minX) * g.inv)
	cy := int((p[1] - g.minY) * g.inv)
	if cx >= g.nx || cy >= g.ny { // rounding at the far edge
		return nil
	}
	c := g.cells[cy*g.nx+cx]
	for _, it := range g.items[c.off : c.off+c.n] {
		s := &g.shapes[it&^coversCell]
		if it&coversCell != 0 || s.contains(p) {
			return s
		}
	}
	return nil
}
