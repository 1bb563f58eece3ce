package yard

import (
	"math"

	"github.com/paulmach/orb"
)

// Equipment is the kind of machine that stacks a block.
type Equipment string

// The equipment a block can be worked by.
const (
	EquipmentRTG Equipment = "RTG" // rubber-tyred gantry crane
	EquipmentRMG Equipment = "RMG" // rail-mounted gantry crane
	EquipmentRS  Equipment = "RS"  // reach stacker (or empty handler)
)

var equipments = []Equipment{EquipmentRTG, EquipmentRMG, EquipmentRS}

// Purpose is what a block is planned to hold.
type Purpose string

// The purposes a block can have.
const (
	PurposeImport       Purpose = "import"
	PurposeExport       Purpose = "export"
	PurposeTranshipment Purpose = "transhipment"
	PurposeEmpty        Purpose = "empty"
	PurposeReefer       Purpose = "reefer"
	PurposeMixed        Purpose = "mixed"
)

var purposes = []Purpose{PurposeImport, PurposeExport, PurposeTranshipment, PurposeEmpty, PurposeReefer, PurposeMixed}

// ISO 668 outer dimensions of a 20-ft container: a ground slot must be at least this big.
const (
	TwentyFootLength = 6.058 // m
	TwentyFootWidth  = 2.438 // m
)

// Block is a rectangular stacking area of Bays × Rows ground slots, each a 20-ft slot, stacked up to
// MaxTiers high. Bays run along the block's long side and rows across it, both numbered from 1 at
// Corner. Driving lanes and the truck lane under a gantry crane lie outside the rectangle.
//
// A Block from ParseLayout is shared by the Layout and must not be modified.
type Block struct {
	ID          string
	Equipment   Equipment
	Bays        int // ground slots along the bay axis
	Rows        int // ground slots across, along the row axis
	MaxTiers    int // highest tier allowed; tier 1 is on the ground
	ReeferPlugs int // reefer sockets in the block, 0 for none; which slots they serve is not modelled
	Purpose     Purpose

	// Polygon is the block's rectangle in local metres: a closed counter-clockwise ring starting at
	// Corner. It is squared up from the file's corners, which rounding leaves a few mm off.
	Polygon orb.Polygon
	// Corner is the outer corner of bay 1, row 1 (local metres).
	Corner orb.Point
	// BayAxis is the unit vector (local frame) from bay 1 towards the last bay, along the long side.
	BayAxis orb.Point
	// RowAxis is the unit vector (local frame) from row 1 towards the last row; it is perpendicular
	// to BayAxis, on either hand.
	RowAxis orb.Point
	// Length is the block's extent along BayAxis and Width along RowAxis, in metres.
	Length, Width float64
}

// Capacity returns how many 20-ft containers (TEU) the block holds when full: bays × rows × tiers.
// It is the nominal figure; working capacity is lower, because gantry blocks keep room to reshuffle.
func (b *Block) Capacity() int { return b.Bays * b.Rows * b.MaxTiers }

// GroundSlots returns the number of 20-ft ground slots, bays × rows.
func (b *Block) GroundSlots() int { return b.Bays * b.Rows }

// BayPitch returns the length (m) of one bay along the bay axis.
func (b *Block) BayPitch() float64 { return b.Length / float64(b.Bays) }

// RowPitch returns the width (m) of one row along the row axis.
func (b *Block) RowPitch() float64 { return b.Width / float64(b.Rows) }

// Bearing returns the direction of the bay axis in degrees clockwise from grid north (local +Y),
// in [0, 360).
func (b *Block) Bearing() float64 {
	d := math.Atan2(b.BayAxis[0], b.BayAxis[1]) * 180 / math.Pi
	if d < 0 {
		d += 360
	}
	return d
}

// Valid reports why bay, row and tier cannot be a slot of the block, or nil if they can. The error
// is a *SlotError, which wraps ErrNoSuchSlot; it names the first coordinate at fault (see Faults
// for all of them).
func (b *Block) Valid(bay, row, tier int) error {
	if f := b.Faults(bay, row, tier); len(f) > 0 {
		return f[0]
	}
	return nil
}

// Faults returns a *SlotError for every one of bay, row and tier that lies outside the block, in
// that order; none when they are a slot of the block.
func (b *Block) Faults(bay, row, tier int) []*SlotError {
	var out []*SlotError
	for _, f := range [...]struct {
		name   string
		v, max int
	}{{"bay", bay, b.Bays}, {"row", row, b.Rows}, {"tier", tier, b.MaxTiers}} {
		if f.v < 1 || f.v > f.max {
			out = append(out, &SlotError{Block: b.ID, Field: f.name, Value: f.v, Max: f.max})
		}
	}
	return out
}

// at returns the local point s metres along the bay axis and t metres along the row axis from Corner.
func (b *Block) at(s, t float64) orb.Point {
	return orb.Point{
		b.Corner[0] + s*b.BayAxis[0] + t*b.RowAxis[0],
		b.Corner[1] + s*b.BayAxis[1] + t*b.RowAxis[1],
	}
}

// SlotPolygon returns the ground slot at bay, row in local metres: a closed counter-clockwise ring
// starting at the slot's corner nearest the block's Corner. Check the numbers with Valid first:
// outside the block the result is extrapolated along its axes.
func (b *Block) SlotPolygon(bay, row int) orb.Polygon {
	bp, rp := b.BayPitch(), b.RowPitch()
	return rect{corner: b.at(float64(bay-1)*bp, float64(row-1)*rp), u: b.BayAxis, v: b.RowAxis, l: bp, w: rp}.polygon()
}

// SlotCentre returns the centre of the ground slot at bay, row in local metres. Check the numbers
// with Valid first: outside the block the result is extrapolated along its axes.
func (b *Block) SlotCentre(bay, row int) orb.Point {
	return b.at((float64(bay)-0.5)*b.BayPitch(), (float64(row)-0.5)*b.RowPitch())
}

// coords returns p's distances (m) from Corner along the bay and row axes.
func (b *Block) coords(p orb.Point) (s, t float64) {
	dx, dy := p[0]-b.Corner[0], p[1]-b.Corner[1]
	return dx*b.BayAxis[0] + dy*b.BayAxis[1], dx*b.RowAxis[0] + dy*b.RowAxis[1]
}

// Contains reports whether the local point p lies in the block's rectangle (edges included).
func (b *Block) Contains(p orb.Point) bool {
	s, t := b.coords(p)
	return s >= 0 && s <= b.Length && t >= 0 && t <= b.Width
}

// SlotAt returns the ground slot under the local point p, or ok false if p is outside the block.
// A point on the line between two slots belongs to the higher-numbered one, except on the block's
// far edges.
func (b *Block) SlotAt(p orb.Point) (bay, row int, ok bool) {
	s, t := b.coords(p)
	if !(s >= 0 && s <= b.Length && t >= 0 && t <= b.Width) {
		return 0, 0, false
	}
	return b.slotAt(s, t)
}

func (b *Block) slotAt(s, t float64) (bay, row int, ok bool) {
	bay = min(int(s/b.Length*float64(b.Bays))+1, b.Bays)
	row = min(int(t/b.Width*float64(b.Rows))+1, b.Rows)
	return bay, row, true
}

// rect is an oriented rectangle in local metres: corner, unit axes u and v, extents l along u and w
// along v.
type rect struct {
	corner orb.Point
	u, v   orb.Point
	l, w   float64
}

func (r rect) at(s, t float64) orb.Point {
	return orb.Point{r.corner[0] + s*r.u[0] + t*r.v[0], r.corner[1] + s*r.u[1] + t*r.v[1]}
}

func (r rect) corners() [4]orb.Point {
	return [4]orb.Point{r.at(0, 0), r.at(r.l, 0), r.at(r.l, r.w), r.at(0, r.w)}
}

// polygon returns the rectangle as a counter-clockwise closed ring (RFC 7946's right-hand rule)
// starting at its corner.
func (r rect) polygon() orb.Polygon {
	c := r.corners()
	if r.u[0]*r.v[1]-r.u[1]*r.v[0] < 0 { // v is clockwise of u: go round the other way
		c[1], c[3] = c[3], c[1]
	}
	return orb.Polygon{orb.Ring{c[0], c[1], c[2], c[3], c[0]}}
}

func (r rect) contains(p orb.Point) bool {
	dx, dy := p[0]-r.corner[0], p[1]-r.corner[1]
	s, t := dx*r.u[0]+dy*r.u[1], dx*r.v[0]+dy*r.v[1]
	return s >= 0 && s <= r.l && t >= 0 && t <= r.w
}

// fitRect squares up four corners given in ring order (the closing position excluded). The first
// corner stays the rectangle's corner; u runs along the longer of the two sides that meet there.
// It returns the rectangle and how far (m) the worst given corner lies from the fitted one.
func fitRect(c [4]orb.Point) (rect, float64) {
	// Make q1 the neighbour of q0 along the long side and q3 the one along the short side.
	q := c
	if dist(c[0], c[3]) > dist(c[0], c[1]) {
		q = [4]orb.Point{c[0], c[3], c[2], c[1]}
	}
	u := unit(add(sub(q[1], q[0]), sub(q[2], q[3])))
	v := orb.Point{-u[1], u[0]}
	across := add(sub(q[3], q[0]), sub(q[2], q[1]))
	if dot(across, v) < 0 {
		v = orb.Point{-v[0], -v[1]}
	}
	l := (dot(sub(q[1], q[0]), u) + dot(sub(q[2], q[3]), u)) / 2
	w := dot(across, v) / 2
	centre := orb.Point{(q[0][0] + q[1][0] + q[2][0] + q[3][0]) / 4, (q[0][1] + q[1][1] + q[2][1] + q[3][1]) / 4}
	r := rect{u: u, v: v, l: l, w: w}
	r.corner = orb.Point{centre[0] - u[0]*l/2 - v[0]*w/2, centre[1] - u[1]*l/2 - v[1]*w/2}
	dev := 0.0
	for i, f := range r.corners() {
		dev = max(dev, dist(f, q[i]))
	}
	return r, dev
}

// overlap returns how deeply two rectangles overlap (m): the smallest penetration over the four
// separating axes, 0 or less when they are apart or only touch.
func overlap(a, b rect) float64 {
	depth := math.Inf(1)
	ac, bc := a.corners(), b.corners()
	for _, axis := range []orb.Point{a.u, a.v, b.u, b.v} {
		amin, amax := project4(ac, axis)
		bmin, bmax := project4(bc, axis)
		depth = min(depth, min(amax, bmax)-max(amin, bmin))
	}
	return depth
}

func project4(c [4]orb.Point, axis orb.Point) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, p := range c {
		d := dot(p, axis)
		lo, hi = min(lo, d), max(hi, d)
	}
	return lo, hi
}

func add(a, b orb.Point) orb.Point           { return orb.Point{a[0] + b[0], a[1] + b[1]} }
func sub(a, b orb.Point) orb.Point           { return orb.Point{a[0] - b[0], a[1] - b[1]} }
func dot(a, b orb.Point) float64             { return a[0]*b[0] + a[1]*b[1] }
func dist(a, b orb.Point) float64            { return math.Hypot(a[0]-b[0], a[1]-b[1]) }
func scale(a orb.Point, k float64) orb.Point { return orb.Point{a[0] * k, a[1] * k} }

func unit(a orb.Point) orb.Point {
	n := math.Hypot(a[0], a[1])
	if n == 0 {
		return orb.Point{}
	}
	return orb.Point{a[0] / n, a[1] / n}
}
