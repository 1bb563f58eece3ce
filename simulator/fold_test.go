package simulator_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/domain/contract"
	"github.com/yardtwin/yardtwin/domain/equipment"
	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/gate"
	"github.com/yardtwin/yardtwin/domain/iso6346"
	"github.com/yardtwin/yardtwin/domain/quay"
	"github.com/yardtwin/yardtwin/domain/yard"
	"github.com/yardtwin/yardtwin/simulator"
)

// Where a box is, as the test folds the facts.
const (
	inAnnounced = "announced"
	inYard      = "yard"
	onTruck     = "truck"
	onCrane     = "crane" // lifted without a truck: a relocation under way
	onVessel    = "vessel"
	inGone      = "gone"
)

type fbox struct {
	id      iso6346.ContainerID
	size    iso6346.SizeType
	where   string
	truck   string
	slot    yard.Slot
	entered bool // discharged, gated in or stacked: in the terminal's care
	holds   int
	initial bool
}

// ground is one physical 20-ft position: a 40-ft box fills two.
type ground struct {
	block          string
	bay, row, tier int
}

// fold replays envelopes the way the physical yard would go, and fails on anything impossible: a
// slot holding two boxes, a box floating, a box lifted from under another or from where it is not,
// a truck carrying two boxes, a held box leaving, time going backwards.
type fold struct {
	t      *testing.T
	layout *yard.Layout
	boxes  map[iso6346.ContainerID]*fbox
	slots  map[ground]iso6346.ContainerID
	trucks map[string]iso6346.ContainerID
	last   time.Time
	n      int
	errs   int
	// counts
	rehandles, stacks, lifts, positions int
}

func newFold(t *testing.T, layout *yard.Layout) *fold {
	return &fold{t: t, layout: layout, boxes: map[iso6346.ContainerID]*fbox{}, slots: map[ground]iso6346.ContainerID{}, trucks: map[string]iso6346.ContainerID{}}
}

// seed puts a given yard in place, as simulator.Options.Initial describes it.
func (f *fold) seed(initial []simulator.InitialBox) {
	for _, ib := range initial {
		b := &fbox{id: ib.Container, size: ib.SizeType, where: inYard, slot: ib.Slot, entered: true, holds: len(ib.Holds), initial: true}
		f.boxes[b.id] = b
		for _, g := range f.grounds(b, ib.Slot) {
			f.slots[g] = b.id
		}
	}
}

func (f *fold) fail(env es.Envelope, format string, args ...any) {
	f.t.Helper()
	f.errs++
	if f.errs <= 20 {
		f.t.Errorf("event %d (%s %s at %s): %s", f.n, env.Type, env.ID, env.Time.Format(time.RFC3339), fmt.Sprintf(format, args...))
	}
	if f.errs == 20 {
		f.t.Fatal("too many errors")
	}
}

func (f *fold) grounds(b *fbox, s yard.Slot) []ground {
	gs := []ground{{s.Block, s.Bay, s.Row, s.Tier}}
	if b.size.TEU() == 2 {
		if blk, ok := f.layout.Block(s.Block); ok && s.Bay < blk.Bays {
			gs = append(gs, ground{s.Block, s.Bay + 1, s.Row, s.Tier})
		}
	}
	return gs
}

func (f *fold) apply(envs []es.Envelope) {
	f.t.Helper()
	reg := contract.NewRegistry()
	for _, env := range envs {
		f.n++
		if env.Time.Before(f.last) {
			f.fail(env, "time %s is before the previous event's %s", env.Time, f.last)
		}
		f.last = env.Time
		ev, err := reg.Decode(env)
		if err != nil {
			f.fail(env, "decode: %v", err)
			continue
		}
		f.applyOne(env, ev)
	}
}

func (f *fold) box(env es.Envelope, id iso6346.ContainerID) *fbox {
	f.t.Helper()
	b, ok := f.boxes[id]
	if !ok {
		f.fail(env, "%s was never announced", id)
		b = &fbox{id: id}
		f.boxes[id] = b
	}
	return b
}

func (f *fold) load(env es.Envelope, truck string, id iso6346.ContainerID) {
	f.t.Helper()
	if held, ok := f.trucks[truck]; ok {
		f.fail(env, "truck %s takes %s while carrying %s", truck, id, held)
	}
	f.trucks[truck] = id
}

func (f *fold) unload(env es.Envelope, truck string, id iso6346.ContainerID) {
	f.t.Helper()
	if held := f.trucks[truck]; held != id {
		f.fail(env, "truck %s gives up %s but carries %q", truck, id, held)
	}
	delete(f.trucks, truck)
}

func (f *fold) applyOne(env es.Envelope, ev es.Event) {
	f.t.Helper()
	switch e := ev.(type) {
	case yard.ContainerAnnounced:
		if b, ok := f.boxes[e.Container]; ok && b.where != onVessel && b.where != inGone {
			f.fail(env, "%s announced while %s", e.Container, b.where)
		}
		f.boxes[e.Container] = &fbox{id: e.Container, size: e.SizeType, where: inAnnounced}
	case quay.ContainerDischarged:
		b := f.box(env, e.Container)
		if b.where != inAnnounced {
			f.fail(env, "%s discharged while %s", b.id, b.where)
		}
		f.load(env, e.Truck, b.id)
		b.where, b.truck, b.entered = onTruck, e.Truck, true
	case gate.ContainerGatedIn:
		b := f.box(env, e.Container)
		if b.where != inAnnounced {
			f.fail(env, "%s gated in while %s", b.id, b.where)
		}
		f.load(env, e.Truck, b.id)
		b.where, b.truck, b.entered = onTruck, e.Truck, true
	case yard.ContainerStacked:
		f.stacks++
		b := f.box(env, e.Container)
		switch {
		case b.where == onTruck && e.Truck == b.truck:
			f.unload(env, e.Truck, b.id)
		case b.where == onCrane && e.Truck == "":
			f.rehandles++
		case b.where == inAnnounced && e.Truck == "": // the initial fill
		default:
			f.fail(env, "%s stacked from truck %q while %s (truck %q)", b.id, e.Truck, b.where, b.truck)
		}
		s := e.Slot()
		blk, _ := f.layout.Block(s.Block)
		for _, g := range f.grounds(b, s) {
			if held, ok := f.slots[g]; ok {
				f.fail(env, "%s stacked in %s, whose position %v holds %s", b.id, s, g, held)
			}
			if g.tier > blk.MaxTiers {
				f.fail(env, "%s stacked above the block's %d tiers", b.id, blk.MaxTiers)
			}
			if g.tier > 1 {
				below := g
				below.tier--
				if _, ok := f.slots[below]; !ok {
					f.fail(env, "%s floats in %s: nothing below at %v", b.id, s, below)
				}
			}
		}
		for _, g := range f.grounds(b, s) {
			f.slots[g] = b.id
		}
		b.where, b.truck, b.slot, b.entered = inYard, "", s, true
	case yard.ContainerLifted:
		f.lifts++
		b := f.box(env, e.Container)
		s := e.Slot()
		if b.where != inYard || b.slot != s {
			f.fail(env, "%s lifted from %s while %s in %s", b.id, s, b.where, b.slot)
			return
		}
		for _, g := range f.grounds(b, s) {
			above := g
			above.tier++
			if on, ok := f.slots[above]; ok {
				f.fail(env, "%s lifted from under %s", b.id, on)
			}
			delete(f.slots, g)
		}
		if e.Truck == "" {
			b.where = onCrane
		} else {
			f.load(env, e.Truck, b.id)
			b.where, b.truck = onTruck, e.Truck
		}
	case quay.ContainerLoaded:
		b := f.box(env, e.Container)
		if b.where != onTruck || b.truck != e.Truck {
			f.fail(env, "%s loaded from truck %s while %s (truck %q)", b.id, e.Truck, b.where, b.truck)
		}
		if b.holds > 0 {
			f.fail(env, "%s loaded while held", b.id)
		}
		f.unload(env, e.Truck, b.id)
		b.where, b.truck = onVessel, ""
	case gate.ContainerGatedOut:
		b := f.box(env, e.Container)
		if b.where != onTruck || b.truck != e.Truck {
			f.fail(env, "%s gated out on %s while %s (truck %q)", b.id, e.Truck, b.where, b.truck)
		}
		if b.holds > 0 {
			f.fail(env, "%s gated out while held", b.id)
		}
		f.unload(env, e.Truck, b.id)
		b.where, b.truck = inGone, ""
	case gate.TruckLeft:
		if held, ok := f.trucks[e.Truck]; ok {
			f.fail(env, "truck %s leaves with %s still on it", e.Truck, held)
		}
	case yard.ContainerHeld:
		f.box(env, e.Container).holds++
	case yard.ContainerReleased:
		b := f.box(env, e.Container)
		if b.holds == 0 {
			f.fail(env, "%s released but not held", b.id)
		}
		b.holds--
	case equipment.PositionReported:
		f.positions++
	}
}

// count returns how many boxes that entered the terminal are where.
func (f *fold) count() map[string]int {
	out := map[string]int{}
	for _, b := range f.boxes {
		if b.entered {
			out[b.where]++
		}
	}
	return out
}

// yardBoxes returns the boxes in the yard as a feed's initial yard.
func (f *fold) yardBoxes(cats map[iso6346.ContainerID]yard.Category) []simulator.InitialBox {
	var out []simulator.InitialBox
	for _, b := range f.boxes {
		if b.where == inYard {
			out = append(out, simulator.InitialBox{Container: b.id, SizeType: b.size, Category: cats[b.id], Reefer: b.size.Reefer(), Slot: b.slot})
		}
	}
	return out
}
