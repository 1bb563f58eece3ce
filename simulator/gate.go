package simulator

import (
	"fmt"
	"slices"
	"time"

	"github.com/paulmach/orb"

	"github.com/yardtwin/yardtwin/domain/equipment"
	"github.com/yardtwin/yardtwin/domain/gate"
	"github.com/yardtwin/yardtwin/domain/yard"
)

// gateState is the land side: the gate lanes and the road hauliers that come through them.
type gateState struct {
	f       *Feed
	in, out []*laneState
	plates  []string        // the hauliers' trucks; the same trucks come back
	inside  map[string]bool // plates in the terminal now
	peak    float64         // the highest hourly weight over the mean (for thinning arrivals)
}

// laneState is an open gate lane: it serves one truck at a time, the others queue in order of
// arrival.
type laneState struct {
	*yard.GateLane
	service Dist
	busy    bool
	queue   []func() // trucks waiting, each a callback that starts its service
	served  int
}

// receivingFill is the share of the yard's slot positions above which the gate stops receiving
// exports and empties: trucks bringing them are turned back at the in-gate. Without it a yard that
// falls behind fills from the gate until no crane can dig a box out.
const receivingFill = 0.8

// hauliers is how many road trucks serve the terminal; the twin sees the same plates come back.
const hauliers = 400

// plateLetters are the letters of Moroccan plates, transliterated.
var plateLetters = []string{"A", "B", "D", "H", "W"}

func newGateState(f *Feed) *gateState {
	g := &gateState{f: f, inside: map[string]bool{}, peak: 1}
	gs := f.sc.Gate
	open := func(dir yard.LaneDirection, n int, dflt Dist) []*laneState {
		all := lanes(f.layout, dir)
		if n > 0 && n < len(all) {
			all = all[:n]
		}
		out := make([]*laneState, len(all))
		for i, l := range all {
			d, ok := gs.LaneService[l.ID]
			if !ok {
				d = dflt
			}
			out[i] = &laneState{GateLane: l, service: d}
		}
		return out
	}
	g.in = open(yard.LaneIn, gs.LanesIn, gs.Service)
	g.out = open(yard.LaneOut, gs.LanesOut, gs.ExitService)
	if p := gs.HourlyProfile; len(p) == 24 {
		mean := 0.0
		for _, w := range p {
			mean += w / 24
		}
		g.peak = slices.Max(p) / mean
	}
	for range hauliers {
		g.plates = append(g.plates, g.newPlate())
	}
	return g
}

// weight is the arrival rate's factor at t (1 for a flat profile).
func (g *gateState) weight(t time.Time) float64 {
	p := g.f.sc.Gate.HourlyProfile
	if len(p) != 24 {
		return 1
	}
	mean := 0.0
	for _, w := range p {
		mean += w / 24
	}
	return p[t.Hour()] / mean
}

// join queues a truck at the lane; start runs when the lane takes it.
func (l *laneState) join(f *Feed, start func()) {
	l.queue = append(l.queue, start)
	if !l.busy {
		l.next(f)
	}
}

// next serves the first truck of the queue: its service time, then done, which frees the lane.
func (l *laneState) next(f *Feed) {
	if len(l.queue) == 0 {
		l.busy = false
		return
	}
	l.busy = true
	start := l.queue[0]
	l.queue = slices.Delete(l.queue, 0, 1)
	start()
}

// serve holds the lane for one service time, then runs done and takes the next truck.
func (l *laneState) serve(f *Feed, done func()) {
	t0 := f.eng.Now()
	f.eng.After(l.service.Duration(f.rngGate), func() {
		l.served++
		f.observe("lane "+l.ID, t0)
		done()
		l.next(f)
	})
}

// shortest returns the lane with the fewest trucks in service or waiting, the first among equals.
func shortest(ls []*laneState) *laneState {
	best, bn := ls[0], 1<<30
	for _, l := range ls {
		n := len(l.queue)
		if l.busy {
			n++
		}
		if n < bn {
			best, bn = l, n
		}
	}
	return best
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

// scheduleNext lets the next road truck arrive: a Poisson process at the scenario's rate, weighed
// by the hour of the day (drawn by thinning a process at the peak rate).
func (g *gateState) scheduleNext() {
	rate := g.f.sc.Gate.TrucksPerHour
	if rate <= 0 || len(g.in) == 0 {
		return
	}
	peak := rate * g.peak
	g.f.eng.After(exponential(g.f.rngGate, time.Duration(float64(time.Hour)/peak)), func() {
		if g.f.rngGate.Float64()*g.peak < g.weight(g.f.eng.Now()) {
			g.arrive()
		}
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

// arrive lets a road truck join the shortest in-gate queue. It comes to collect an import (at the
// scenario's share, when one is due to leave) or else to deliver an export or return an empty. Once
// served at the lane it drives into the yard.
func (g *gateState) arrive() {
	f := g.f
	r := f.rngGate
	plate := g.plate()
	lane := shortest(g.in)
	g.inside[plate] = true
	f.stats.TrucksArrived++
	f.emit(gate.TruckArrived{Truck: plate, Lane: lane.ID})
	f.reportPosition(plate, equipment.Truck, lane.Position, nil, nil)
	var pickup *box
	if chance(r, f.sc.Gate.ImportShare) {
		if pickup = g.pickImport(); pickup != nil {
			pickup.reserved = true
		}
	}
	var b *box
	refused := false
	if pickup == nil {
		if refused = f.yard.used() > int(receivingFill*float64(f.yard.capacity)); !refused {
			b = f.boxes.make(f.boxes.gateIn)
			f.announce(b)
		}
	}
	lane.join(f, func() {
		lane.serve(f, func() {
			if pickup != nil {
				g.collect(plate, lane.Position, pickup)
				return
			}
			if refused { // the yard is too full to receive: the truck turns back with its box
				f.stats.TurnedAway++
				g.leave(plate, lane.Position, nil)
				return
			}
			f.stats.GatedIn++
			f.emit(gate.ContainerGatedIn{Container: b.id, Truck: plate, Lane: lane.ID})
			f.onTruckNow(b, plate)
			f.toYard(plate, lane.Position, b, true, nil, func(at orb.Point) { g.leave(plate, at, nil) })
		})
	})
}

// pickImport picks an import free to go (not held, not kept for another truck): one of the ten due
// first, at random. Due times are the terminal's expectation, not a rule: a consignee may send for
// a box early.
func (g *gateState) pickImport() *box {
	now := g.f.eng.Now()
	cands := g.f.earliestDue(10, []yard.Category{yard.Import}, func(b *box) bool {
		return !b.reserved && b.holds == 0 && !b.isStuck(now)
	})
	if len(cands) == 0 {
		return nil
	}
	return cands[g.f.rngGate.IntN(len(cands))]
}

// collect drives to the import, has it lifted onto the truck and leaves with it.
func (g *gateState) collect(plate string, from orb.Point, b *box) {
	f := g.f
	f.fromYard(plate, from, b, true, func(ok bool, at orb.Point) {
		if !ok { // no room to dig it out: the truck leaves empty, the box waits for another
			b.reserved = false
			b.stuck = f.eng.Now()
			g.leave(plate, at, nil)
			return
		}
		g.leave(plate, at, b)
	})
}

// leave drives to the shortest out-gate queue and out of the terminal, with a box or without.
func (g *gateState) leave(plate string, from orb.Point, b *box) {
	f := g.f
	lane := shortest(g.out)
	f.drive(plate, equipment.Truck, from, lane.Position, true, func() {
		lane.join(f, func() {
			lane.serve(f, func() {
				if b != nil {
					f.stats.GatedOut++
					f.emit(gate.ContainerGatedOut{Container: b.id, Truck: plate, Lane: lane.ID})
					f.offTruck(b, atGone)
					f.forget(b)
				}
				f.emit(gate.TruckLeft{Truck: plate, Lane: lane.ID})
				delete(g.inside, plate)
			})
		})
	})
}
