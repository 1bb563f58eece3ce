package simulator

import (
	"math/rand/v2"
	"time"

	"github.com/yardtwin/yardtwin/domain/iso6346"
	"github.com/yardtwin/yardtwin/domain/yard"
)

// where says where the simulator holds a box.
type where uint8

const (
	atAnnounced where = iota // expected: on an arriving vessel, or at the gate
	atTruck                  // on an internal or road truck
	atYard                   // in a yard slot
	atVessel                 // loaded on board
	atGone                   // left by road
)

// box is one container as the simulator tracks it.
type box struct {
	id     iso6346.ContainerID
	size   iso6346.SizeType
	forty  bool // stands on two bays
	cat    yard.Category
	reefer bool
	weight float64 // kg
	visit  string  // the vessel visit it arrives or leaves with
	cell   string  // its stowage cell on that vessel

	where          where
	truck          string // when atTruck
	blk            *block // when atYard
	bay, row, tier int    // when atYard
	since          time.Time
	due            time.Time // when the box is expected to leave the yard (stacking plus dwell), zero until stacked
	reserved       bool      // planned for a load or a road pickup
	holds          int       // holds in force
	stuck          time.Time // when a crane last failed to dig it out (no room to relocate)
	stock          int       // index in yardState.stock when atYard, else -1
}

// stuckFor is how long a box a crane failed to dig out is left alone before it is planned again.
const stuckFor = 6 * time.Hour

// isStuck reports whether a crane failed to dig the box out less than stuckFor ago: planning it
// again at once would send truck after truck to fail on it.
func (b *box) isStuck(now time.Time) bool { return !b.stuck.IsZero() && now.Sub(b.stuck) < stuckFor }

// teu is how many 20-ft slot positions the box takes.
func (b *box) teu() int {
	if b.forty {
		return 2
	}
	return 1
}

// block is a yard block and what stands in it.
type block struct {
	*yard.Block
	idx      int
	slots    []*box // by ((bay-1)*Rows+(row-1))*MaxTiers+(tier-1); a 40-ft box is in two bays
	heights  []int8 // by (bay-1)*Rows+(row-1): the highest occupied tier, 0 for none
	used     int    // slot positions taken
	boxes    int
	reefers  int
	byCat    [4]int // boxes by catIndex
	incoming int    // slot positions of boxes heading for the block
	cranes   []*yardCrane
}

func newBlock(b *yard.Block, idx int) *block {
	return &block{Block: b, idx: idx, slots: make([]*box, b.Bays*b.Rows*b.MaxTiers), heights: make([]int8, b.Bays*b.Rows)}
}

func (k *block) capacity() int { return k.Capacity() }

// fill is the share of the block's positions taken or promised.
func (k *block) fill() float64 {
	return float64(k.used+k.incoming) / float64(max(k.capacity(), 1))
}

func (k *block) at(bay, row, tier int) *box {
	return k.slots[((bay-1)*k.Rows+(row-1))*k.MaxTiers+tier-1]
}

// set puts b (or nil) in a slot and keeps the ground slot's height.
func (k *block) set(bay, row, tier int, b *box) {
	g := (bay-1)*k.Rows + (row - 1)
	k.slots[g*k.MaxTiers+tier-1] = b
	switch h := int(k.heights[g]); {
	case b != nil && tier > h:
		k.heights[g] = int8(tier)
	case b == nil && tier == h:
		for h = tier - 1; h > 0 && k.slots[g*k.MaxTiers+h-1] == nil; h-- {
		}
		k.heights[g] = int8(h)
	}
}

// height is the highest occupied tier of a ground slot, 0 when it is empty.
func (k *block) height(bay, row int) int { return int(k.heights[(bay-1)*k.Rows+(row-1)]) }

// span returns the bays b covers if it stood at bay: one, or two for a 40-ft box (one at the end of
// a block, which only a given yard can hold).
func (k *block) span(b *box, bay int) (lo, hi int) {
	if b.forty && bay < k.Bays {
		return bay, bay + 1
	}
	return bay, bay
}

// canPlace says at which tier b could be set down on the stack at bay, row by the stacking rule:
// a 20-ft box on the ground or on a 20-ft box of the same bay, a 40-ft box on two empty ground slots
// or on a 40-ft box standing on the same two bays; never above MaxTiers.
func (k *block) canPlace(b *box, bay, row int) (int, bool) {
	h := k.height(bay, row)
	if h >= k.MaxTiers {
		return 0, false
	}
	if !b.forty {
		if h == 0 {
			return 1, true
		}
		top := k.at(bay, row, h)
		return h + 1, !top.forty && top.bay == bay
	}
	if bay >= k.Bays || k.height(bay+1, row) != h {
		return 0, false
	}
	if h == 0 {
		return 1, true
	}
	top := k.at(bay, row, h)
	return h + 1, top.forty && top.bay == bay && k.at(bay+1, row, h) == top
}

// place puts b in the slot.
func (k *block) place(b *box, bay, row, tier int) {
	lo, hi := k.span(b, bay)
	for x := lo; x <= hi; x++ {
		k.set(x, row, tier, b)
	}
	b.blk, b.bay, b.row, b.tier = k, bay, row, tier
	k.used += b.teu()
	k.boxes++
	k.byCat[catIndex(b.cat)]++
	if b.reefer {
		k.reefers++
	}
}

// remove takes b out of its slot.
func (k *block) remove(b *box) {
	lo, hi := k.span(b, b.bay)
	for x := lo; x <= hi; x++ {
		if k.at(x, b.row, b.tier) == b {
			k.set(x, b.row, b.tier, nil)
		}
	}
	k.used -= b.teu()
	k.boxes--
	k.byCat[catIndex(b.cat)]--
	if b.reefer {
		k.reefers--
	}
	b.blk = nil
}

// above returns a box standing above b on any of its bays, the one on the highest tier, or nil.
func (k *block) above(b *box) *box {
	var top *box
	lo, hi := k.span(b, b.bay)
	for x := lo; x <= hi; x++ {
		if h := k.height(x, b.row); h > b.tier {
			if t := k.at(x, b.row, h); top == nil || t.tier > top.tier {
				top = t
			}
		}
	}
	return top
}

// depth is how many tiers stand above b on its bays, at most.
func (k *block) depth(b *box) int {
	d := 0
	lo, hi := k.span(b, b.bay)
	for x := lo; x <= hi; x++ {
		d = max(d, k.height(x, b.row)-b.tier)
	}
	return d
}

// blocker returns the next box to relocate before x can be lifted: a box above x with nothing above
// itself. It is nil when x is on top.
func (k *block) blocker(x *box) *box {
	var last *box
	for b := k.above(x); b != nil; b = k.above(b) {
		last = b
	}
	return last
}

// slotFor finds the lowest stack of the block that b may be set on. Ties go to a random stack when
// rng is given (spreading incoming boxes over the block), else to the one nearest bay near (keeping
// a relocation short). Stacks that would stand on the bays of a box in avoid, in its row, are
// skipped.
func (k *block) slotFor(b *box, rng *rand.Rand, near int, avoid ...*box) (bay, row, tier int, ok bool) {
	bestTier, ties := k.MaxTiers+1, 0
	bestDist := 1 << 30
	for x := 1; x <= k.Bays; x++ {
		for y := 1; y <= k.Rows; y++ {
			t, can := k.canPlace(b, x, y)
			if !can || t > bestTier || k.avoided(b, x, y, avoid) {
				continue
			}
			if rng != nil {
				if t < bestTier {
					ties = 0
				}
				ties++
				if t < bestTier || rng.IntN(ties) == 0 {
					bay, row, tier = x, y, t
				}
			} else {
				d := x - near
				if d < 0 {
					d = -d
				}
				if t < bestTier || d < bestDist {
					bay, row, tier, bestDist = x, y, t, d
				}
			}
			bestTier = t
			ok = true
		}
	}
	return bay, row, tier, ok
}

// avoided reports whether b set down at bay, row would stand on a bay of one of the avoid boxes
// (at the bays they stand, or stood, on) in their row.
func (k *block) avoided(b *box, bay, row int, avoid []*box) bool {
	lo, hi := k.span(b, bay)
	for _, a := range avoid {
		if a.row != row {
			continue
		}
		alo, ahi := k.span(a, a.bay)
		if lo <= ahi && hi >= alo {
			return true
		}
	}
	return false
}

// yardState is every block and the boxes in them.
type yardState struct {
	blocks   []*block
	byID     map[string]*block
	stock    [4][]*box // the boxes in the yard by category (catIndex), in no particular order
	capacity int
}

func newYardState(l *yard.Layout) *yardState {
	y := &yardState{byID: map[string]*block{}}
	for i, b := range l.Blocks() {
		k := newBlock(b, i)
		y.blocks = append(y.blocks, k)
		y.byID[b.ID] = k
		y.capacity += k.capacity()
	}
	return y
}

// catIndex numbers the categories for yardState.stock.
func catIndex(c yard.Category) int {
	switch c {
	case yard.Import:
		return 0
	case yard.Export:
		return 1
	case yard.Transhipment:
		return 2
	}
	return 3 // empty
}

// boxes is how many boxes are in the yard.
func (y *yardState) boxes() int {
	return len(y.stock[0]) + len(y.stock[1]) + len(y.stock[2]) + len(y.stock[3])
}

// used is how many slot positions are taken in the whole yard.
func (y *yardState) used() int {
	n := 0
	for _, k := range y.blocks {
		n += k.used
	}
	return n
}

// stack records b standing in a slot.
func (y *yardState) stack(b *box, k *block, bay, row, tier int, at time.Time) {
	k.place(b, bay, row, tier)
	b.where, b.truck = atYard, ""
	if b.since.IsZero() {
		b.since = at
	}
	c := catIndex(b.cat)
	b.stock = len(y.stock[c])
	y.stock[c] = append(y.stock[c], b)
}

// lift records b leaving its slot.
func (y *yardState) lift(b *box) {
	b.blk.remove(b)
	c := catIndex(b.cat)
	st := y.stock[c]
	last := st[len(st)-1]
	st[b.stock] = last
	last.stock = b.stock
	st[len(st)-1] = nil
	y.stock[c] = st[:len(st)-1]
	b.stock = -1
}

// relocate moves b within its block, as a rehandle does.
func (y *yardState) relocate(b *box, bay, row, tier int) {
	k := b.blk
	k.remove(b)
	k.place(b, bay, row, tier)
}

// stackingRule is the demo's stacking policy: a box goes to a block meant for it (reefers to blocks
// with free plugs, empties to empty blocks, other boxes to blocks of their category, then to mixed
// blocks, then to any), the least filled first, and within the block onto the lowest stack. A block
// takes new boxes only up to maxFill, which keeps room for relocations.
type stackingRule struct {
	maxFill float64
}

// purposes lists, best first, the block purposes a box of category c (reefer or not) may go to.
func purposesFor(c yard.Category, reefer bool) [][]yard.Purpose {
	if reefer {
		return [][]yard.Purpose{{yard.PurposeReefer}, {yard.PurposeMixed}}
	}
	switch c {
	case yard.Empty:
		return [][]yard.Purpose{{yard.PurposeEmpty}, {yard.PurposeMixed}}
	case yard.Import:
		return [][]yard.Purpose{{yard.PurposeImport}, {yard.PurposeMixed}}
	case yard.Export:
		return [][]yard.Purpose{{yard.PurposeExport}, {yard.PurposeMixed}}
	default:
		return [][]yard.Purpose{{yard.PurposeTranshipment}, {yard.PurposeMixed}}
	}
}

// chooseBlock picks the least filled of the candidate blocks (the first, among equals), skipping
// the blocks in skip, or nil when no block has room at all. The initial fill uses it whatever the
// stacking policy, so that every policy starts from the same yard.
func (r stackingRule) chooseBlock(y *yardState, b *box, skip []*block) *block {
	var best *block
	for _, k := range r.candidates(y, b, skip) {
		if best == nil || k.fill() < best.fill() {
			best = k
		}
	}
	return best
}
