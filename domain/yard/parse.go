package yard

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Tolerances for hand-drawn or rounded layouts.
const (
	// rectTolerance is how far (m) a block corner may lie from the squared-up rectangle. Coordinates
	// rounded to 7 decimals move corners by under 1 cm.
	rectTolerance = 0.25
	// overlapTolerance is how deeply (m) two blocks may overlap before it is an error.
	overlapTolerance = 0.05
	// onQuayTolerance is how far (m) a berth's ends may lie from its quay line.
	onQuayTolerance = 1.0
	// lengthTolerance is how far (m) a berth's length_m may differ from its geometry.
	lengthTolerance = 1.0
	// maxErrors caps how many feature errors ParseLayout reports at once.
	maxErrors = 50
)

// Property limits.
const (
	maxBays  = 200
	maxRows  = 50
	maxTiers = 12
)

// FeatureError says which feature of a layout file is wrong, in which property, and why.
type FeatureError struct {
	Index    int    // position in the file's "features" array, from 0
	Kind     string // the feature's kind property; "" if it has none
	ID       string // the feature's id property; "" if it has none
	Property string // the property at fault, or "geometry"; "" for the feature as a whole
	Reason   string
}

func (e *FeatureError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "feature %d", e.Index)
	switch {
	case e.Kind != "" && e.ID != "":
		fmt.Fprintf(&b, " (%s %q)", e.Kind, e.ID)
	case e.Kind != "":
		fmt.Fprintf(&b, " (%s)", e.Kind)
	case e.ID != "":
		fmt.Fprintf(&b, " (%q)", e.ID)
	}
	if e.Property != "" {
		b.WriteString(": ")
		b.WriteString(e.Property)
	}
	b.WriteString(": ")
	b.WriteString(e.Reason)
	return b.String()
}

// Kinds of feature in a layout file.
const (
	kindTerminal  = "terminal"
	kindQuay      = "quay"
	kindBerth     = "berth"
	kindBlock     = "block"
	kindGate      = "gate"
	kindGateLane  = "gate_lane"
	kindQuayCrane = "quay_crane"
	kindYardCrane = "yard_crane"
	kindArea      = "area"
)

var kinds = []string{kindTerminal, kindQuay, kindBerth, kindBlock, kindGate, kindGateLane, kindQuayCrane, kindYardCrane, kindArea}

type rawCollection struct {
	Type     string       `json:"type"`
	Features []rawFeature `json:"features"`
}

type rawFeature struct {
	Type       string                     `json:"type"`
	Geometry   *rawGeometry               `json:"geometry"`
	Properties map[string]json.RawMessage `json:"properties"`
}

type rawGeometry struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
}

// ParseLayout reads a terminal layout from GeoJSON (see the package doc for the format) and converts
// it to local metres. It reports every fault it finds, each as a *FeatureError naming the feature and
// property where it can (use errors.As), joined into one error.
func ParseLayout(data []byte) (*Layout, error) {
	var fc rawCollection
	if err := json.Unmarshal(data, &fc); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line := 1 + bytes.Count(data[:min(int(se.Offset), len(data))], []byte("\n"))
			return nil, fmt.Errorf("parse layout: line %d: %w", line, err)
		}
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	if fc.Type != "FeatureCollection" {
		return nil, fmt.Errorf("parse layout: type is %q, want a GeoJSON FeatureCollection", fc.Type)
	}
	p := &parser{l: &Layout{}}
	p.parse(fc.Features)
	if len(p.errs) > 0 {
		errs := p.errs
		if len(errs) > maxErrors {
			errs = append(errs[:maxErrors:maxErrors], fmt.Errorf("and %d more", len(p.errs)-maxErrors))
		}
		return nil, fmt.Errorf("parse layout: %w", errors.Join(errs...))
	}
	return p.l, nil
}

type parser struct {
	l    *Layout
	errs []error
	// where each id was first seen, per kind, for duplicate errors
	seen map[string]map[string]int
	// feature index of each parsed value, for cross-reference errors
	blockFeat map[*Block]*feature
	berthFeat map[*Berth]*feature
	laneFeat  map[*GateLane]*feature
	craneFeat map[*YardCrane]*feature
}

// feature is one raw feature being read; its methods record errors against it.
type feature struct {
	p     *parser
	index int
	kind  string
	id    string
	props map[string]json.RawMessage
	geom  *rawGeometry
}

func (f *feature) fail(prop, format string, args ...any) {
	f.p.errs = append(f.p.errs, &FeatureError{Index: f.index, Kind: f.kind, ID: f.id, Property: prop, Reason: fmt.Sprintf(format, args...)})
}

func (p *parser) parse(raws []rawFeature) {
	p.seen = map[string]map[string]int{}
	p.blockFeat = map[*Block]*feature{}
	p.berthFeat = map[*Berth]*feature{}
	p.laneFeat = map[*GateLane]*feature{}
	p.craneFeat = map[*YardCrane]*feature{}

	feats := make([]*feature, 0, len(raws))
	var terminal *feature
	for i, r := range raws {
		f := &feature{p: p, index: i, props: r.Properties, geom: r.Geometry}
		if raw, ok := f.raw("id"); ok {
			_ = json.Unmarshal(raw, &f.id) // only to name the feature in errors; checked below
		}
		if r.Type != "Feature" {
			f.fail("", "type is %q, want \"Feature\"", r.Type)
			continue
		}
		kind, ok := f.str("kind")
		if !ok {
			continue
		}
		if !slices.Contains(kinds, kind) {
			f.fail("kind", "%q is not one of %s", kind, strings.Join(kinds, ", "))
			continue
		}
		f.kind = kind
		if kind == kindTerminal {
			if terminal != nil {
				f.fail("kind", "a second terminal feature (the first is feature %d)", terminal.index)
				continue
			}
			terminal = f
			continue
		}
		f.id = ""
		if id, ok := f.str("id"); ok {
			f.id = id
			if err := checkID(id); err != nil {
				f.fail("id", "%v", err)
			}
		}
		feats = append(feats, f)
	}
	if terminal == nil {
		p.errs = append(p.errs, errors.New(`no terminal feature: add one with "kind": "terminal", name, locode and a Point at the local origin`))
		return
	}
	if !p.terminal(terminal) {
		return // without an origin no geometry can be read
	}
	for _, f := range feats {
		if f.id == "" {
			continue // already reported
		}
		if first, dup := p.firstSeen(f); dup {
			f.fail("id", "duplicate %s id %q (first at feature %d)", f.kind, f.id, first)
			continue
		}
		switch f.kind {
		case kindQuay:
			p.quay(f)
		case kindBerth:
			p.berth(f)
		case kindBlock:
			p.block(f)
		case kindGate:
			p.gate(f)
		case kindGateLane:
			p.gateLane(f)
		case kindQuayCrane:
			p.quayCrane(f)
		case kindYardCrane:
			p.yardCrane(f)
		case kindArea:
			p.area(f)
		}
	}
	p.index()
	p.crossCheck()
	if len(p.errs) == 0 {
		p.l.index = newGrid(p.l)
	}
}

func (p *parser) firstSeen(f *feature) (int, bool) {
	m := p.seen[f.kind]
	if m == nil {
		m = map[string]int{}
		p.seen[f.kind] = m
	}
	if first, ok := m[f.id]; ok {
		return first, true
	}
	m[f.id] = f.index
	return 0, false
}

func (p *parser) wasSeen(kind, id string) bool {
	_, ok := p.seen[kind][id]
	return ok
}

// terminal reads the terminal feature and reports whether it gave a usable origin.
func (p *parser) terminal(f *feature) bool {
	name, _ := f.str("name")
	locode, ok := f.str("locode")
	if ok && !validLOCODE(locode) {
		f.fail("locode", "%q is not a UN/LOCODE (two-letter country code and three letters or digits 2-9, e.g. MAPTM)", locode)
	}
	origin, ok := f.rawPoint()
	if !ok {
		return false
	}
	frame, err := NewFrame(origin)
	if err != nil {
		f.fail("geometry", "%v", err)
		return false
	}
	p.l.Name, p.l.LOCODE, p.l.frame = name, locode, frame
	return true
}

func validLOCODE(s string) bool {
	if len(s) != 5 {
		return false
	}
	for i := range 5 {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || i >= 2 && c >= '2' && c <= '9') {
			return false
		}
	}
	return true
}

func (p *parser) quay(f *feature) {
	line, ok1 := f.line()
	apron, ok2 := f.num("apron_m", 1, 500)
	side, ok3 := f.enum("land_side", []string{string(SideLeft), string(SideRight)})
	if ok1 && planar.Length(line) < 1 {
		f.fail("geometry", "quay line is shorter than 1 m")
		ok1 = false
	}
	if ok1 && ok2 && ok3 {
		p.l.quays = append(p.l.quays, &Quay{ID: f.id, Line: line, ApronWidth: apron, LandSide: Side(side)})
	}
}

func (p *parser) berth(f *feature) {
	line, ok1 := f.line()
	length, ok2 := f.num("length_m", 1, 10_000)
	if ok1 && len(line) != 2 {
		f.fail("geometry", "a berth is one straight stretch of quay: want 2 positions, got %d", len(line))
		ok1 = false
	}
	if ok1 && ok2 {
		if got := planar.Length(line); math.Abs(got-length) > lengthTolerance {
			f.fail("length_m", "%g m, but the geometry is %.1f m long", length, got)
			ok2 = false
		}
	}
	if ok1 && ok2 {
		b := &Berth{ID: f.id, Line: line, Length: length}
		p.berthFeat[b] = f
		p.l.berths = append(p.l.berths, b)
	}
}

func (p *parser) block(f *feature) {
	poly, okGeom := f.polygon()
	equipment, ok1 := f.enum("equipment", enumStrings(equipments))
	purpose, ok2 := f.enum("purpose", enumStrings(purposes))
	bays, ok3 := f.int("bays", 1, maxBays)
	rows, ok4 := f.int("rows", 1, maxRows)
	tiers, ok5 := f.int("max_tiers", 1, maxTiers)
	plugs, ok6 := f.optInt("reefer_plugs", 0, 0, math.MaxInt32)
	if !(okGeom && ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
		return
	}
	ok := true
	if len(poly) != 1 {
		f.fail("geometry", "a block is a rectangle: want a polygon without holes, got %d holes", len(poly)-1)
		return
	}
	if n := len(poly[0]) - 1; n != 4 {
		f.fail("geometry", "a block is a rectangle: want 4 corners, got %d", n)
		return
	}
	r, dev := fitRect([4]orb.Point(poly[0][:4]))
	if r.w < TwentyFootWidth || r.l < TwentyFootLength {
		f.fail("geometry", "rectangle %.1f m × %.1f m is too small for one 20-ft slot", r.l, r.w)
		return
	}
	if dev > rectTolerance {
		f.fail("geometry", "polygon is not a rectangle: a corner lies %.2f m off the nearest rectangle (tolerance %.2f m)", dev, rectTolerance)
		return
	}
	if pitch := r.l / float64(bays); pitch < TwentyFootLength {
		f.fail("bays", "%d bays in %.1f m are %.2f m each, shorter than a 20-ft container (%.3f m); bays run along the long side", bays, r.l, pitch, TwentyFootLength)
		ok = false
	}
	if pitch := r.w / float64(rows); pitch < TwentyFootWidth {
		f.fail("rows", "%d rows in %.1f m are %.2f m each, narrower than a container (%.3f m); rows run across the short side", rows, r.w, pitch, TwentyFootWidth)
		ok = false
	}
	if capacity := bays * rows * tiers; plugs > capacity {
		f.fail("reefer_plugs", "%d plugs for %d slots (bays × rows × max_tiers)", plugs, capacity)
		ok = false
	}
	if Purpose(purpose) == PurposeReefer && plugs == 0 {
		f.fail("reefer_plugs", "a block with purpose reefer needs reefer plugs")
		ok = false
	}
	if !ok {
		return
	}
	b := &Block{
		ID: f.id, Equipment: Equipment(equipment), Purpose: Purpose(purpose),
		Bays: bays, Rows: rows, MaxTiers: tiers, ReeferPlugs: plugs,
		Polygon: r.polygon(), Corner: r.corner, BayAxis: r.u, RowAxis: r.v, Length: r.l, Width: r.w,
	}
	p.blockFeat[b] = f
	p.l.blocks = append(p.l.blocks, b)
}

func (p *parser) gate(f *feature) {
	if poly, ok := f.polygon(); ok {
		p.l.gates = append(p.l.gates, &Gate{ID: f.id, Polygon: poly})
	}
}

func (p *parser) gateLane(f *feature) {
	dir, ok1 := f.enum("direction", []string{string(LaneIn), string(LaneOut)})
	gate, ok2 := f.str("gate")
	pos, line, ok3 := f.pointOrLine()
	if ok1 && ok2 && ok3 {
		g := &GateLane{ID: f.id, Gate: gate, Direction: LaneDirection(dir), Position: pos, Line: line}
		p.laneFeat[g] = f
		p.l.lanes = append(p.l.lanes, g)
	}
}

func (p *parser) quayCrane(f *feature) {
	if pt, ok := f.point(); ok {
		p.l.quayCranes = append(p.l.quayCranes, &QuayCrane{ID: f.id, Home: pt})
	}
}

func (p *parser) yardCrane(f *feature) {
	block, ok1 := f.str("block")
	pt, ok2 := f.point()
	if ok1 && ok2 {
		c := &YardCrane{ID: f.id, Block: block, Home: pt}
		p.craneFeat[c] = f
		p.l.yardCranes = append(p.l.yardCranes, c)
	}
}

func (p *parser) area(f *feature) {
	use, ok1 := f.str("use")
	poly, ok2 := f.polygon()
	if ok1 && ok2 {
		p.l.areas = append(p.l.areas, &Area{ID: f.id, Use: use, Polygon: poly})
	}
}

// index sorts every list by id and fills the lookup maps.
func (p *parser) index() {
	l := p.l
	l.quays, l.quayByID = byID(l.quays, func(q *Quay) string { return q.ID })
	l.berths, l.berthByID = byID(l.berths, func(b *Berth) string { return b.ID })
	l.blocks, l.blockByID = byID(l.blocks, func(b *Block) string { return b.ID })
	l.gates, l.gateByID = byID(l.gates, func(g *Gate) string { return g.ID })
	l.lanes, l.laneByID = byID(l.lanes, func(g *GateLane) string { return g.ID })
	l.quayCranes, l.quayCraneByID = byID(l.quayCranes, func(c *QuayCrane) string { return c.ID })
	l.yardCranes, l.yardCraneByID = byID(l.yardCranes, func(c *YardCrane) string { return c.ID })
	l.areas, l.areaByID = byID(l.areas, func(a *Area) string { return a.ID })
}

func byID[T any](xs []*T, id func(*T) string) ([]*T, map[string]*T) {
	slices.SortFunc(xs, func(a, b *T) int { return cmp.Compare(id(a), id(b)) })
	m := make(map[string]*T, len(xs))
	for _, x := range xs {
		m[id(x)] = x
	}
	return xs, m
}

// crossCheck resolves references between features and checks what needs more than one feature.
func (p *parser) crossCheck() {
	l := p.l
	for _, b := range l.berths {
		p.placeBerth(b)
	}
	for _, c := range l.yardCranes {
		if b, ok := l.blockByID[c.Block]; ok {
			c.Equipment = b.Equipment
		} else if !p.wasSeen(kindBlock, c.Block) { // a broken block has its own error
			p.craneFeat[c].fail("block", "no block %q in the layout", c.Block)
		}
	}
	for _, g := range l.lanes {
		gate, ok := l.gateByID[g.Gate]
		if !ok {
			if !p.wasSeen(kindGate, g.Gate) {
				p.laneFeat[g].fail("gate", "no gate %q in the layout", g.Gate)
			}
			continue
		}
		if !planar.PolygonContains(gate.Polygon, g.Position) {
			p.laneFeat[g].fail("geometry", "lane position lies outside gate %q", g.Gate)
		}
	}
	// Blocks may touch but not overlap. Sort by feature index so the later feature gets the blame.
	blocks := slices.Clone(l.blocks)
	slices.SortFunc(blocks, func(a, b *Block) int { return cmp.Compare(p.blockFeat[a].index, p.blockFeat[b].index) })
	for j, b := range blocks {
		rb := blockRect(b)
		bb := b.Polygon.Bound()
		for _, a := range blocks[:j] {
			if !bb.Intersects(a.Polygon.Bound()) {
				continue
			}
			if d := overlap(blockRect(a), rb); d > overlapTolerance {
				p.blockFeat[b].fail("geometry", "overlaps block %q (feature %d) by %.2f m", a.ID, p.blockFeat[a].index, d)
			}
		}
	}
}

// placeBerth finds the quay a berth lies on and builds its zone on the apron behind it.
func (p *parser) placeBerth(b *Berth) {
	var best *Quay
	bestDist := math.Inf(1)
	for _, q := range p.l.quays {
		d := max(planar.DistanceFrom(q.Line, b.Line[0]), planar.DistanceFrom(q.Line, b.Line[1]))
		if d < bestDist {
			best, bestDist = q, d
		}
	}
	if best == nil || bestDist > onQuayTolerance {
		if best == nil {
			p.berthFeat[b].fail("geometry", "no quay in the layout for the berth to lie on")
		} else {
			p.berthFeat[b].fail("geometry", "does not lie on a quay: its ends are up to %.1f m from quay %q (tolerance %.1f m)", bestDist, best.ID, onQuayTolerance)
		}
		return
	}
	b.Quay = best.ID
	mid := orb.Point{(b.Line[0][0] + b.Line[1][0]) / 2, (b.Line[0][1] + b.Line[1][1]) / 2}
	_, seg := planar.DistanceFromWithIndex(best.Line, mid)
	along := unit(sub(best.Line[seg+1], best.Line[seg]))
	land := orb.Point{-along[1], along[0]} // left normal
	if best.LandSide == SideRight {
		land = scale(land, -1)
	}
	u := unit(sub(b.Line[1], b.Line[0]))
	v := orb.Point{-u[1], u[0]}
	if dot(v, land) < 0 {
		v = scale(v, -1)
	}
	b.Zone = rect{corner: b.Line[0], u: u, v: v, l: dist(b.Line[0], b.Line[1]), w: best.ApronWidth}.polygon()
}

func blockRect(b *Block) rect {
	return rect{corner: b.Corner, u: b.BayAxis, v: b.RowAxis, l: b.Length, w: b.Width}
}

func enumStrings[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// Property readers. Each records an error against the feature and returns ok false when the
// property is missing or wrong.

func (f *feature) raw(key string) (json.RawMessage, bool) {
	v, ok := f.props[key]
	if !ok || string(v) == "null" {
		return nil, false
	}
	return v, true
}

func (f *feature) str(key string) (string, bool) {
	v, ok := f.raw(key)
	if !ok {
		f.fail(key, "missing")
		return "", false
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		f.fail(key, "want a string, got %s", short(v))
		return "", false
	}
	if s == "" {
		f.fail(key, "empty")
		return "", false
	}
	return s, true
}

func (f *feature) enum(key string, allowed []string) (string, bool) {
	s, ok := f.str(key)
	if ok && !slices.Contains(allowed, s) {
		f.fail(key, "%q is not one of %s", s, strings.Join(allowed, ", "))
		return "", false
	}
	return s, ok
}

func (f *feature) num(key string, lo, hi float64) (float64, bool) {
	v, ok := f.raw(key)
	if !ok {
		f.fail(key, "missing")
		return 0, false
	}
	var x float64
	if err := json.Unmarshal(v, &x); err != nil {
		f.fail(key, "want a number, got %s", short(v))
		return 0, false
	}
	if !(x >= lo && x <= hi) {
		f.fail(key, "%g is out of range %g to %g", x, lo, hi)
		return 0, false
	}
	return x, true
}

func (f *feature) int(key string, lo, hi int) (int, bool) {
	if _, ok := f.raw(key); !ok {
		f.fail(key, "missing")
		return 0, false
	}
	return f.optInt(key, 0, lo, hi)
}

func (f *feature) optInt(key string, def, lo, hi int) (int, bool) {
	v, ok := f.raw(key)
	if !ok {
		return def, true
	}
	var x float64
	if err := json.Unmarshal(v, &x); err != nil || x != math.Trunc(x) {
		f.fail(key, "want a whole number, got %s", short(v))
		return 0, false
	}
	if x < float64(lo) || x > float64(hi) {
		f.fail(key, "%g is out of range %d to %d", x, lo, hi)
		return 0, false
	}
	return int(x), true
}

func short(v json.RawMessage) string {
	const n = 40
	if len(v) > n {
		return string(v[:n]) + "…"
	}
	return string(v)
}

// Geometry readers. They check GeoJSON's rules and the distance from the origin, and return local
// metres (except rawPoint, which returns WGS84 for the terminal's origin).

func (f *feature) geometry(types ...string) (string, bool) {
	if f.geom == nil {
		f.fail("geometry", "missing; want %s", strings.Join(types, " or "))
		return "", false
	}
	if !slices.Contains(types, f.geom.Type) {
		f.fail("geometry", "%s, want %s", cmp.Or(f.geom.Type, "no type"), strings.Join(types, " or "))
		return "", false
	}
	return f.geom.Type, true
}

func (f *feature) rawPoint() (orb.Point, bool) {
	if _, ok := f.geometry("Point"); !ok {
		return orb.Point{}, false
	}
	var c []float64
	if err := json.Unmarshal(f.geom.Coordinates, &c); err != nil {
		f.fail("geometry", "Point coordinates: want [lon, lat], got %s", short(f.geom.Coordinates))
		return orb.Point{}, false
	}
	return f.position(c)
}

// position checks one GeoJSON position and returns it as WGS84 lon, lat.
func (f *feature) position(c []float64) (orb.Point, bool) {
	if len(c) < 2 {
		f.fail("geometry", "position %v: want [lon, lat]", c)
		return orb.Point{}, false
	}
	lon, lat := c[0], c[1]
	if !(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90) {
		f.fail("geometry", "position [%g, %g] is not a WGS84 [lon, lat]", lon, lat)
		return orb.Point{}, false
	}
	return orb.Point{lon, lat}, true
}

// local converts a WGS84 position to local metres and checks it lies near the origin.
func (f *feature) local(c []float64) (orb.Point, bool) {
	wgs, ok := f.position(c)
	if !ok {
		return orb.Point{}, false
	}
	p := f.p.l.frame.ToLocal(wgs)
	if d := math.Hypot(p[0], p[1]); d > MaxExtent {
		f.fail("geometry", "position [%g, %g] is %.1f km from the terminal origin (at most %.0f km; are lon and lat swapped?)", c[0], c[1], d/1000, MaxExtent/1000)
		return orb.Point{}, false
	}
	return p, true
}

func (f *feature) point() (orb.Point, bool) {
	if _, ok := f.geometry("Point"); !ok {
		return orb.Point{}, false
	}
	var c []float64
	if err := json.Unmarshal(f.geom.Coordinates, &c); err != nil {
		f.fail("geometry", "Point coordinates: want [lon, lat], got %s", short(f.geom.Coordinates))
		return orb.Point{}, false
	}
	return f.local(c)
}

func (f *feature) line() (orb.LineString, bool) {
	if _, ok := f.geometry("LineString"); !ok {
		return nil, false
	}
	return f.lineCoords()
}

func (f *feature) lineCoords() (orb.LineString, bool) {
	var cs [][]float64
	if err := json.Unmarshal(f.geom.Coordinates, &cs); err != nil {
		f.fail("geometry", "LineString coordinates: want [[lon, lat], …], got %s", short(f.geom.Coordinates))
		return nil, false
	}
	if len(cs) < 2 {
		f.fail("geometry", "LineString has %d positions, want 2 or more", len(cs))
		return nil, false
	}
	ls := make(orb.LineString, len(cs))
	for i, c := range cs {
		p, ok := f.local(c)
		if !ok {
			return nil, false
		}
		ls[i] = p
	}
	return ls, true
}

func (f *feature) pointOrLine() (orb.Point, orb.LineString, bool) {
	typ, ok := f.geometry("Point", "LineString")
	if !ok {
		return orb.Point{}, nil, false
	}
	if typ == "Point" {
		p, ok := f.point()
		return p, nil, ok
	}
	ls, ok := f.lineCoords()
	if !ok {
		return orb.Point{}, nil, false
	}
	return midpoint(ls), ls, true
}

func (f *feature) polygon() (orb.Polygon, bool) {
	if _, ok := f.geometry("Polygon"); !ok {
		return nil, false
	}
	var rings [][][]float64
	if err := json.Unmarshal(f.geom.Coordinates, &rings); err != nil {
		f.fail("geometry", "Polygon coordinates: want [[[lon, lat], …]], got %s", short(f.geom.Coordinates))
		return nil, false
	}
	if len(rings) == 0 {
		f.fail("geometry", "Polygon has no rings")
		return nil, false
	}
	poly := make(orb.Polygon, len(rings))
	for i, cs := range rings {
		if len(cs) < 4 {
			f.fail("geometry", "ring %d has %d positions, want 4 or more (closed)", i, len(cs))
			return nil, false
		}
		r := make(orb.Ring, len(cs))
		for j, c := range cs {
			p, ok := f.local(c)
			if !ok {
				return nil, false
			}
			r[j] = p
		}
		if !slices.Equal(cs[0][:2], cs[len(cs)-1][:2]) {
			f.fail("geometry", "ring %d is not closed: its last position must repeat the first", i)
			return nil, false
		}
		poly[i] = r
	}
	if planar.Area(orb.Polygon{poly[0]}) < 1 {
		f.fail("geometry", "Polygon's area is under 1 m²")
		return nil, false
	}
	return poly, true
}

// midpoint returns the point halfway along ls.
func midpoint(ls orb.LineString) orb.Point {
	half := planar.Length(ls) / 2
	for i := 1; i < len(ls); i++ {
		d := dist(ls[i-1], ls[i])
		if d >= half && d > 0 {
			k := half / d
			return orb.Point{ls[i-1][0] + k*(ls[i][0]-ls[i-1][0]), ls[i-1][1] + k*(ls[i][1]-ls[i-1][1])}
		}
		half -= d
	}
	return ls[len(ls)-1]
}
