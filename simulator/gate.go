package simulator

import (
	"fmt"
	"time"

	"github.com/paulmach/orb"

	"github.com/yardtwin/yardtwin/domain/equipment"
	"github.com/yardtwin/yardtwin/domain/gate"
	"github.com/yardtwin/yardtwin/domain/yard"
)

// gateState is the land side: the gate lanes and the road hauliers that come through them.
type gateState struct {
	f       *Feed
	in, out []*yard.GateLane
	plates  []string        // the hauliers' trucks; the same trucks come back
	inside  map[string]bool // plates in the terminal now
}

// hauliers is how many road trucks serve the terminal; the twin sees the same plates come back.
const hauliers = 400

// plateLetters are the letters of Moroccan plates, transliterated.
var plateLetters = []string{"A", "B", "D", "H", "W"}

func newGateState(f *Feed) *gateState {
	g := &gateState{f: f, in: lanes(f.layout, yard.LaneIn), out: lanes(f.layout, yard.LaneOut), inside: map[string]bool{}}
	for range hauliers {
		g.plates = append(g.plates, g.newPlate())
	}
	return g
}

// newPlate draws a plate like "48213-B-40".
func (g *gateState) newPlate() string {
	r := g.f.rngGate
	return fmt.Sprintf("%05d-%s-%d", 1+r.IntN(99_999), plateLetters[r.IntN(len(plateLetters))], 1+r.IntN(89))
}

func lanes(l *yard.Layout, dir yard.LaneDirection) []*yard.GateLane {
	var out []*yard.GateLane
	for _, g := range l.GateLanes() {
		if g.Direction == dir {
			out = append(out, g)
		}
	}
	return out
}

// scheduleNext lets the next road truck arrive, a Poisson process at the scenario's rate.
func (g *gateState) scheduleNext() {
	rate := g.f.sc.Gate.TrucksPerHour
	if rate <= 0 {
		return
	}
	g.f.eng.After(exponential(g.f.rngGate, time.Duration(float64(time.Hour)/rate)), func() {
		g.arrive()
		g.scheduleNext()
	})
}

// plate picks a haulier's truck that is not in the terminal.
func (g *gateState) plate() string {
	r := g.f.rngGate
	for range 20 {
		if p := g.plates[r.IntN(len(g.plates))]; !g.inside[p] {
			return p
		}
	}
	for {
		p := g.newPlate()
		if !g.inside[p] {
			g.plates = append(g.plates, p)
			return p
		}
	}
}

// arrive lets a road truck in. It comes to collect an import (at the scenario's share, when one is
// free to go) or else to deliver an export or return an empty.
func (g *gateState) arrive() {
	f := g.f
	r := f.rngGate
	plate := g.plate()
	lane := g.in[r.IntN(len(g.in))]
	g.inside[plate] = true
	f.stats.TrucksArrived++
	f.emit(gate.TruckArrived{Truck: plate, Lane: lane.ID})
	f.reportPosition(plate, equipment.Truck, lane.Position, nil, nil)
	wait := jitter(r, f.eq().GateTime, 0.5)
	if chance(r, f.sc.Gate.ImportShare) {
		if b := g.pickImport(); b != nil {
			b.reserved = true
			f.eng.After(wait, func() { g.collect(plate, lane.Position, b) })
			return
		}
	}
	b := f.boxes.make(gateInMix)
	f.announce(b)
	f.stats.GatedIn++
	f.emit(gate.ContainerGatedIn{Container: b.id, Truck: plate, Lane: lane.ID})
	f.onTruckNow(b, plate)
	f.eng.After(wait, func() {
		f.toYard(plate, lane.Position, b, f.eq().RoadSpeed, nil, func(at orb.Point) { g.leave(plate, at, nil) })
	})
}

// pickImport picks an import free to go (not held, not kept for another truck): one of the ten
// that have waited longest, at random.
func (g *gateState) pickImport() *box {
	cands := g.f.oldest(10, []yard.Category{yard.Import}, func(b *box) bool { return !b.reserved && b.holds == 0 })
	if len(cands) == 0 {
		return nil
	}
	return cands[g.f.rngGate.IntN(len(cands))]
}

// collect drives to the import, has it lifted onto the truck and leaves with it.
func (g *gateState) collect(plate string, from orb.Point, b *box) {
	f := g.f
	f.fromYard(plate, from, b, f.eq().RoadSpeed, func(ok bool, at orb.Point) {
		if !ok { // no room to dig it out: the truck leaves empty, the box waits for another
			b.reserved = false
			g.leave(plate, at, nil)
			return
		}
		g.leave(plate, at, b)
	})
}

// leave drives to an out-lane and out of the terminal, with a box or without.
func (g *gateState) leave(plate string, from orb.Point, b *box) {
	f := g.f
	lane := g.out[f.rngGate.IntN(len(g.out))]
	f.drive(plate, equipment.Truck, from, lane.Position, f.eq().RoadSpeed, func() {
		if b != nil {
			f.stats.GatedOut++
			f.emit(gate.ContainerGatedOut{Container: b.id, Truck: plate, Lane: lane.ID})
			f.offTruck(b, atGone)
			f.forget(b)
		}
		f.emit(gate.TruckLeft{Truck: plate, Lane: lane.ID})
		delete(g.inside, plate)
	})
}
