package simulator

import (
	"fmt"
	"math"
	"time"

	"github.com/paulmach/orb"

	"github.com/yardtwin/yardtwin/domain/quay"
	"github.com/yardtwin/yardtwin/domain/yard"
	"github.com/yardtwin/yardtwin/simulator/policy"
)

// The feed consults its policies (package policy) through the helpers below, which build the
// read-only views and check the answers. A policy is asked only when there are two or more options.
// A failing policy (an external one that does not answer) stops the run: the first error is kept in
// f.err, Run returns it after the current action, and the action goes on with the first option.

// decided checks a policy's answer against n options.
func (f *Feed) decided(kind string, i, n int, err error) int {
	if err == nil && (i < 0 || i >= n) {
		err = fmt.Errorf("policy %s=%s chose option %d of %d (0 to %d)", kind, f.polSet.Name(kind), i, n, n-1)
	}
	if err != nil {
		if f.err == nil {
			f.err = err
		}
		return 0
	}
	return i
}

func pt(p orb.Point) policy.Point {
	return policy.Point{X: roundTo(p[0], 0.01), Y: roundTo(p[1], 0.01)}
}

// boxView is a box as a policy sees it.
func boxView(b *box) policy.Box {
	v := policy.Box{
		ID: string(b.id), SizeType: string(b.size), LengthFt: 20, Category: string(b.cat),
		Reefer: b.reefer, WeightKg: b.weight, Visit: b.visit, Due: b.due,
	}
	if b.forty {
		v.LengthFt = 40
	}
	return v
}

// chooseBlock asks the stacking policy which block a box arriving from the point from goes to,
// among the candidates of the stacking rule's first purpose group with room; nil when the yard
// has no room for it.
func (f *Feed) chooseBlock(b *box, from orb.Point, skip []*block) *block {
	cands := f.rule.candidates(f.yard, b, skip)
	switch len(cands) {
	case 0:
		return nil
	case 1:
		return cands[0]
	}
	opts := make([]policy.BlockOption, len(cands))
	cat := catIndex(b.cat)
	for i, k := range cands {
		q := 0
		for _, c := range k.cranes {
			q += len(c.queue)
			if c.busy {
				q++
			}
		}
		opts[i] = policy.BlockOption{
			Block: k.ID, Purpose: string(k.Purpose), Fill: roundTo(k.fill(), 1e-4),
			FreeTEU: k.capacity() - k.used - k.incoming, Boxes: k.boxes, SameCategory: k.byCat[cat],
			ReeferPlugsFree: max(k.ReeferPlugs-k.reefers, 0), Cranes: len(k.cranes), CraneQueue: q,
			DistanceM: roundTo(dist(from, k.laneMid()), 0.1),
		}
	}
	i, err := f.pol.Stacking.Block(policy.Arrival{Now: f.eng.Now(), Box: boxView(b), From: pt(from)}, opts)
	return cands[f.decided(policy.KindStacking, i, len(cands), err)]
}

// slotOptions lists the stacks of k that b may be set on, in bay then row order, with their
// distance along the block from bay near, skipping the stacks on the bays of the avoid boxes. The
// slice is the feed's buffer, valid until the next call (policies must not keep options).
func (f *Feed) slotOptions(k *block, b *box, near int, avoid ...*box) []policy.SlotOption {
	opts := f.slotBuf[:0]
	defer func() { f.slotBuf = opts[:0] }()
	for x := 1; x <= k.Bays; x++ {
		for y := 1; y <= k.Rows; y++ {
			t, can := k.canPlace(b, x, y)
			if !can || k.avoided(b, x, y, avoid) {
				continue
			}
			o := policy.SlotOption{
				Block: k.ID, Bay: x, Row: y, Tier: t, MaxTiers: k.MaxTiers,
				Position:  pt(k.SlotCentre(x, y)),
				DistanceM: roundTo(math.Abs(float64(x-near))*k.BayPitch(), 0.1),
			}
			if t > 1 {
				top := k.at(x, y, t-1)
				o.TopCategory, o.TopDue = string(top.cat), top.due
				o.MinDue = k.minDue(b, x, y)
			}
			opts = append(opts, o)
		}
	}
	return opts
}

// chooseSlot asks the stacking policy for the stack of k a box goes on, the truck standing at bay
// stop; ok false when the block has none.
func (f *Feed) chooseSlot(k *block, b *box, from orb.Point, stop int) (bay, row, tier int, ok bool) {
	opts := f.slotOptions(k, b, stop)
	if len(opts) == 0 {
		return 0, 0, 0, false
	}
	i := 0
	if len(opts) > 1 {
		var err error
		i, err = f.pol.Stacking.Slot(policy.Arrival{Now: f.eng.Now(), Box: boxView(b), From: pt(from)}, opts)
		i = f.decided(policy.KindStacking, i, len(opts), err)
	}
	return opts[i].Bay, opts[i].Row, opts[i].Tier, true
}

// chooseRelocation asks the relocation policy where bl, standing over x, goes; ok false when no
// stack of the block can take it.
func (f *Feed) chooseRelocation(k *block, bl, x *box, ob, or, ot int) (bay, row, tier int, ok bool) {
	opts := f.slotOptions(k, bl, ob, x, bl)
	if len(opts) == 0 {
		return 0, 0, 0, false
	}
	i := 0
	if len(opts) > 1 {
		var err error
		i, err = f.pol.Relocation.Slot(policy.Rehandle{
			Now: f.eng.Now(), Box: boxView(bl), Target: boxView(x), Block: k.ID, Bay: ob, Row: or, Tier: ot,
		}, opts)
		i = f.decided(policy.KindRelocation, i, len(opts), err)
	}
	return opts[i].Bay, opts[i].Row, opts[i].Tier, true
}

// nextYardJob asks the yard sequencing policy which of the crane's waiting jobs is next.
func (f *Feed) nextYardJob(c *yardCrane) int {
	if len(c.queue) < 2 {
		return 0
	}
	now := f.eng.Now()
	jobs := make([]policy.YardJob, len(c.queue))
	for i, j := range c.queue {
		bay := j.stop
		if j.lift && j.box.blk != nil {
			bay = j.box.bay
		}
		jobs[i] = policy.YardJob{
			Box: boxView(j.box), Block: j.blk.ID, Bay: bay, Lift: j.lift, Truck: j.truck, Road: j.road,
			DistanceM: roundTo(dist(c.pos, j.blk.SlotCentre(bay, (j.blk.Rows+1)/2)), 0.1),
			WaitingS:  now.Sub(j.since).Seconds(),
		}
		if j.lift && j.box.blk == j.blk {
			jobs[i].Rehandles = j.blk.depth(j.box)
		}
	}
	i, err := f.pol.YardSequence.Next(policy.YardCrane{Now: now, Crane: c.id, Position: pt(c.pos)}, jobs)
	return f.decided(policy.KindYardSequence, i, len(jobs), err)
}

// laneMid is where a truck stops for the middle bay of the block.
func (k *block) laneMid() orb.Point { return laneStop(k, (k.Bays+1)/2) }

// minDue is the earliest due time of the boxes on the stacks b would stand on at bay, row (zero
// when a box there has none).
func (k *block) minDue(b *box, bay, row int) time.Time {
	var m time.Time
	lo, hi := k.span(b, bay)
	for x := lo; x <= hi; x++ {
		for t := 1; t <= k.height(x, row); t++ {
			if d := k.at(x, row, t).due; !d.IsZero() && (m.IsZero() || d.Before(m)) {
				m = d
			}
		}
	}
	return m
}

// candidates lists the blocks a box may go to: those of the first purpose group (see purposesFor)
// with room below the working fill, else any block but those of other special purposes within the
// working fill, else any with room. skip leaves out blocks found to have no stack for the box.
func (r stackingRule) candidates(y *yardState, b *box, skip []*block) []*block {
	fits := func(k *block, limit float64) bool {
		for _, s := range skip {
			if s == k {
				return false
			}
		}
		if float64(k.used+k.incoming+b.teu()) > limit*float64(k.capacity()) {
			return false
		}
		return !b.reefer || k.ReeferPlugs == 0 || k.reefers < k.ReeferPlugs
	}
	var out []*block
	collect := func(ok func(*block) bool) []*block {
		out = out[:0]
		for _, k := range y.blocks {
			if ok(k) {
				out = append(out, k)
			}
		}
		return out
	}
	for _, ps := range purposesFor(b.cat, b.reefer) {
		if c := collect(func(k *block) bool {
			if !fits(k, r.maxFill) {
				return false
			}
			for _, p := range ps {
				if k.Purpose == p {
					return !b.reefer || k.ReeferPlugs > 0
				}
			}
			return false
		}); len(c) > 0 {
			return c
		}
	}
	if c := collect(func(k *block) bool {
		return fits(k, r.maxFill) && (b.reefer || k.Purpose != yard.PurposeReefer) && (b.cat == yard.Empty || k.Purpose != yard.PurposeEmpty)
	}); len(c) > 0 {
		return c
	}
	return collect(func(k *block) bool { return fits(k, 1) })
}

// cellOf parses a stowage cell the feed made itself.
func cellOf(s string) quay.Cell {
	c, err := quay.ParseCell(s)
	if err != nil {
		panic("simulator: the feed makes its cells with quay.Cell.String: " + err.Error())
	}
	return c
}

// quayMoves is how many moves of the plan a quay crane's sequencing policy sees at once, and
// truckJobs how many of the transports waiting for a gang's truck the dispatch policy sees (the
// ones waiting longest).
const (
	quayMoves = 32
	truckJobs = 32
)

// nextQuayMove asks the quay sequencing policy which move the gang's crane makes next: one of the
// next moves of its discharge plan, or, loading, one of the trucks waiting under it.
func (f *Feed) nextQuayMove(g *gang) int {
	now := f.eng.Now()
	var jobs []policy.QuayJob
	phase := "discharge"
	if g.loading {
		phase = "load"
		if len(g.atCrane) < 2 {
			return 0
		}
		for _, t := range g.atCrane {
			jobs = append(jobs, quayJob(t.box))
			jobs[len(jobs)-1].Truck = t.id
			jobs[len(jobs)-1].WaitingS = now.Sub(t.since).Seconds()
		}
	} else {
		if len(g.discharge) < 2 {
			return 0
		}
		for _, b := range g.discharge[:min(len(g.discharge), quayMoves)] {
			jobs = append(jobs, quayJob(b))
		}
	}
	i, err := f.pol.QuaySequence.Next(policy.QuayCrane{Now: now, Crane: g.qc.id, Visit: g.call.visit, Phase: phase, Bay: g.bay}, jobs)
	return f.decided(policy.KindQuaySequence, i, len(jobs), err)
}

func quayJob(b *box) policy.QuayJob {
	c := cellOf(b.cell)
	return policy.QuayJob{Box: boxView(b), Cell: b.cell, Bay: c.Bay, Row: c.Row, Tier: c.Tier}
}

// dispatch asks the dispatch policy which of the gang's waiting transports the truck t, free
// under the crane, takes.
func (f *Feed) dispatch(g *gang, t *truck) int {
	if len(g.waiting) < 2 {
		return 0
	}
	now := f.eng.Now()
	jobs := make([]policy.TruckJob, min(len(g.waiting), truckJobs))
	for i, w := range g.waiting[:len(jobs)] {
		j := policy.TruckJob{Kind: "discharge", Position: pt(g.under), WaitingS: now.Sub(w.since).Seconds()}
		if w.box != nil && w.box.blk != nil {
			bv := boxView(w.box)
			p := laneStop(w.box.blk, w.box.bay)
			j.Kind, j.Box, j.Position = "fetch", &bv, pt(p)
		}
		j.DistanceM = roundTo(dist(t.pos, orb.Point{j.Position.X, j.Position.Y}), 0.1)
		jobs[i] = j
	}
	i, err := f.pol.Dispatch.Next(policy.Truck{Now: now, Truck: t.id, Position: pt(t.pos), Crane: g.qc.id}, jobs)
	return f.decided(policy.KindDispatch, i, len(jobs), err)
}

// Quay crane gantry travel along the hull: a bay number is about half a 20-ft bay (odd numbers are
// 20-ft bays, even ones the 40-ft bays over two of them).
const (
	vesselBayPitch = 3.3  // m per bay number
	quayGantry     = 0.75 // m/s, a quay crane travelling along the quay
)

// quayTravel is how long the gang's crane takes to move over bay, and moves it there.
func (g *gang) quayTravel(bay int) time.Duration {
	d := bay - g.bay
	if d < 0 {
		d = -d
	}
	if g.bay == 0 {
		d = 0 // the crane was set over its first bay when the vessel berthed
	}
	g.bay = bay
	return time.Duration(float64(d) * vesselBayPitch / quayGantry * float64(time.Second))
}
