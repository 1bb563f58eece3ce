package simulator

import (
	"cmp"
	"slices"
	"time"

	"github.com/paulmach/orb"

	"github.com/yardtwin/yardtwin/domain/equipment"
	"github.com/yardtwin/yardtwin/domain/yard"
)

// announce reports a new box the terminal expects.
func (f *Feed) announce(b *box) {
	f.stats.Announced++
	f.emit(yard.ContainerAnnounced{
		Container: b.id, SizeType: b.size, WeightKg: b.weight, Category: b.cat, Reefer: b.reefer, Visit: b.visit,
	})
}

func stackedEvent(b *box, crane, truck string) yard.ContainerStacked {
	return yard.ContainerStacked{Container: b.id, Block: b.blk.ID, Bay: b.bay, Row: b.row, Tier: b.tier, Crane: crane, Truck: truck}
}

func liftedEvent(b *box, crane, truck string) yard.ContainerLifted {
	return yard.ContainerLifted{Container: b.id, Block: b.blk.ID, Bay: b.bay, Row: b.row, Tier: b.tier, Crane: crane, Truck: truck}
}

// onTruckNow records b on a truck.
func (f *Feed) onTruckNow(b *box, truck string) {
	if b.where != atTruck {
		f.onTruck++
	}
	b.where, b.truck = atTruck, truck
}

// offTruck records b leaving its truck for somewhere else.
func (f *Feed) offTruck(b *box, to where) {
	if b.where == atTruck {
		f.onTruck--
	}
	b.where, b.truck = to, ""
}

// stackBox records b set down from its truck in a slot; the first time an import is stacked it
// may be put on hold.
func (f *Feed) stackBox(b *box, k *block, bay, row, tier int) {
	first := b.since.IsZero()
	f.offTruck(b, atYard)
	f.yard.stack(b, k, bay, row, tier, f.eng.Now())
	if first {
		b.due = b.since.Add(f.dwell(b))
	}
	if first && b.cat == yard.Import && chance(f.rngYard, f.sc.Holds.Rate) {
		f.scheduleHold(b)
	}
}

// liftBox records b lifted from its slot onto a truck.
func (f *Feed) liftBox(b *box, truck string) {
	f.yard.lift(b)
	f.onTruckNow(b, truck)
}

// toYard drives a box on a truck from a local point to a block chosen by the stacking rule, has a
// yard crane stack it, and calls then with where the truck stands. A block found without a stack
// for the box is left for another; when no block has room the truck waits and tries again.
func (f *Feed) toYard(id string, from orb.Point, b *box, road bool, skip []*block, then func(at orb.Point)) {
	k := f.chooseBlock(b, from, skip)
	if k == nil {
		f.eng.After(15*time.Minute, func() { f.toYard(id, from, b, road, nil, then) })
		return
	}
	k.incoming += b.teu()
	bay := between(f.rngYard, 1, k.Bays)
	stop := laneStop(k, bay)
	f.drive(id, equipment.Truck, from, stop, road, func() {
		f.yardJob(craneJob{blk: k, box: b, truck: id, road: road, from: from, stop: bay, since: f.eng.Now(), done: func(ok bool) {
			k.incoming -= b.teu()
			if ok {
				then(stop)
				return
			}
			f.toYard(id, stop, b, road, append(skip, k), then)
		}})
	})
}

// fromYard drives a truck to the box's bay, has a yard crane dig it out and lift it onto the truck,
// and calls then with whether it could and where the truck stands.
func (f *Feed) fromYard(id string, from orb.Point, b *box, road bool, then func(ok bool, at orb.Point)) {
	k := b.blk
	stop := laneStop(k, b.bay)
	f.drive(id, equipment.Truck, from, stop, road, func() {
		f.yardJob(craneJob{blk: k, box: b, truck: id, road: road, stop: b.bay, since: f.eng.Now(), lift: true,
			done: func(ok bool) { then(ok, stop) }})
	})
}

// earliestDue returns up to n boxes of the given categories in the yard that ok accepts, those
// due to leave first (ties by number, so the order never depends on the stock's order).
func (f *Feed) earliestDue(n int, cats []yard.Category, ok func(*box) bool) []*box {
	before := func(a, b *box) int {
		if c := a.due.Compare(b.due); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	}
	var out []*box
	for _, c := range cats {
		for _, b := range f.yard.stock[catIndex(c)] {
			if !ok(b) {
				continue
			}
			if len(out) == n && before(b, out[n-1]) >= 0 {
				continue // not among the n oldest so far
			}
			i, _ := slices.BinarySearchFunc(out, b, before)
			if len(out) < n {
				out = slices.Insert(out, i, b)
			} else {
				copy(out[i+1:], out[i:n-1])
				out[i] = b
			}
		}
	}
	return out
}

// holdKinds and their shares among the holds put on imports.
var holdKinds = []struct {
	kind  string
	share float64
}{{"customs", 0.55}, {"inspection", 0.25}, {"documents", 0.12}, {"payment", 0.08}}

// scheduleHold puts a hold on an import some time after it is stacked, unless it is already
// planned to leave by then.
func (f *Feed) scheduleHold(b *box) {
	weights := make([]float64, len(holdKinds))
	for i, h := range holdKinds {
		weights[i] = h.share
	}
	kind := holdKinds[pick(f.rngYard, weights)].kind
	f.eng.After(time.Duration(uniform(f.rngYard, float64(10*time.Minute), float64(3*time.Hour))), func() {
		if b.where != atYard || b.reserved {
			return
		}
		b.holds++
		f.stats.Holds++
		f.emit(yard.ContainerHeld{Container: b.id, Hold: kind, Reason: "demo: " + kind + " hold"})
		f.scheduleRelease(b, kind)
	})
}

// scheduleRelease lifts a hold after a while.
func (f *Feed) scheduleRelease(b *box, kind string) {
	f.eng.After(f.sc.Holds.Duration.Duration(f.rngYard), func() {
		b.holds--
		f.emit(yard.ContainerReleased{Container: b.id, Hold: kind})
	})
}

// dwell draws how long a box is expected to stay in the yard, by category.
func (f *Feed) dwell(b *box) time.Duration {
	d := f.sc.Dwell
	switch b.cat {
	case yard.Import:
		return d.Import.Duration(f.rngYard)
	case yard.Export:
		return d.Export.Duration(f.rngYard)
	case yard.Transhipment:
		return d.Transhipment.Duration(f.rngYard)
	}
	return d.Empty.Duration(f.rngYard)
}
