package simulator

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/yardtwin/yardtwin/domain/equipment"
	"github.com/yardtwin/yardtwin/domain/quay"
	"github.com/yardtwin/yardtwin/domain/yard"
)

// vesselNames are the ships of the demo; the names are made up.
var vesselNames = []string{
	"MSC ALBORAN", "MSC TINGIS", "MAERSK SPARTEL", "MAERSK KOWLOON", "CMA CGM MELLOUSSA", "CMA CGM RIF",
	"HAPAG TARIFA", "COSCO ALGECIRAS", "EVER GIBRALTAR", "ONE KSAR", "HMM FNIDEQ", "ZIM ATLAS",
	"MSC DETROIT", "MAERSK CEUTA", "CMA CGM MARRAKECH", "YM CASABLANCA", "OOCL ROTTERDAM", "ONE VALENCIA",
	"MSC SAFI", "MAERSK AGADIR", "EVERGREEN ASILAH", "HAPAG LARACHE", "COSCO TETOUAN", "MSC RABAT",
}

// vesselCall is one vessel's visit: what it brings and takes, where it lies and who works it.
type vesselCall struct {
	visit, name, imo string
	loa              float64 // m, length overall
	discharge, load  []*box
	berth            *berthState
	gangs            []*gang
	gangsLeft        int
	cells            map[string]bool
}

// gang is a quay crane and the internal trucks serving it during one call.
type gang struct {
	f       *Feed
	call    *vesselCall
	qc      *quayCrane
	under   orb.Point // where a truck stops under the crane (local metres)
	trucks  []*truck
	free    []*truck    // trucks under the crane with nothing to do
	waiting []truckWork // work waiting for a free truck, in order of arrival (the dispatch policy picks)
	bay     int         // vessel bay the crane stands over

	discharge, load []*box
	loading         bool
	qcBusy          bool
	atCrane         []*truck // trucks under the crane with a box to load
	left            int      // moves still to make
	done            bool
}

// scheduleFirstVessel starts the arrivals: the scenario's schedule (repeated when it says so), or
// a first vessel soon after the start and then the interarrival distribution.
func (f *Feed) scheduleFirstVessel() {
	vd := f.sc.Vessels
	if len(vd.Schedule) == 0 {
		f.eng.After(time.Duration(uniform(f.rngVessel, float64(5*time.Minute), float64(30*time.Minute))), func() { f.vesselArrives(nil) })
		return
	}
	f.scheduleRound(f.start)
}

// scheduleRound schedules the calls of the schedule from t0, and the next round when it repeats.
func (f *Feed) scheduleRound(t0 time.Time) {
	vd := f.sc.Vessels
	for i := range vd.Schedule {
		c := &vd.Schedule[i]
		f.eng.At(t0.Add(c.At), func() { f.vesselArrives(c) })
	}
	if vd.Repeat > 0 {
		f.eng.At(t0.Add(vd.Repeat), func() { f.scheduleRound(t0.Add(vd.Repeat)) })
	}
}

// vesselArrives reports a vessel at the port limits with its plan: the boxes it discharges,
// announced now, and the boxes it loads, picked from the yard now and kept for it. A scheduled
// call says what it can of the plan; the rest is drawn. Without a schedule it also schedules the
// next arrival.
func (f *Feed) vesselArrives(sched *ScheduledCall) {
	vd := f.sc.Vessels
	if sched == nil {
		f.eng.After(vd.Interarrival.Duration(f.rngVessel), func() { f.vesselArrives(nil) })
	}
	r := f.rngVessel
	f.calls++
	name := vesselNames[r.IntN(len(vesselNames))]
	if sched != nil && sched.Name != "" {
		name = sched.Name
	}
	// The vessel is sized for one of the berths (any of them, alike), so that every berth sees
	// traffic: 55–95 % of its length.
	fitFor := f.berths[r.IntN(len(f.berths))].Length
	v := &vesselCall{
		name:  name,
		visit: fmt.Sprintf("%s-%s-%d", strings.ReplaceAll(name, " ", "-"), strings.ToUpper(f.tag), f.calls),
		imo:   imoNumber(r),
		loa:   roundTo(uniform(r, 0.55, 0.95)*fitFor, 1),
		cells: map[string]bool{},
	}
	nd, nl := between(r, vd.Discharge.Min, vd.Discharge.Max), between(r, vd.Load.Min, vd.Load.Max)
	if sched != nil && sched.Discharge >= 0 {
		nd = sched.Discharge
	}
	if sched != nil && sched.Load >= 0 {
		nl = sched.Load
	}
	for range nd {
		b := f.boxes.make(f.boxes.discharge)
		b.visit = v.visit
		b.cell = f.cell(v, b)
		v.discharge = append(v.discharge, b)
	}
	v.load = f.planLoad(v, nl)
	f.stats.VesselsArrived++
	f.emit(quay.VesselArrived{Visit: v.visit, Vessel: v.name, IMO: v.imo, PlannedDischarge: len(v.discharge), PlannedLoad: len(v.load)})
	for _, b := range v.discharge {
		f.announce(b)
	}
	f.waiting = append(f.waiting, v)
	f.tryBerth()
}

// planLoad picks the boxes a call loads: n, steered towards the scenario's initial fill (a quarter
// of the surplus or shortfall of boxes in the yard), from the transhipments, exports and empties
// not held nor kept for another vessel. Among the three times as many as needed due first it prefers,
// loosely, boxes with fewer boxes on top, as a planner would.
func (f *Feed) planLoad(v *vesselCall, n int) []*box {
	target := f.sc.InitialFill * float64(f.yard.capacity)
	surplus := (float64(f.yard.used()) - target) / 1.5 // positions to boxes, about
	n = max(0, min(n+int(surplus/4), 2*max(f.sc.Vessels.Load.Max, 1)))
	if n == 0 {
		return nil
	}
	cands := f.earliestDue(3*n, []yard.Category{yard.Transhipment, yard.Export, yard.Empty}, func(b *box) bool {
		return !b.reserved && b.holds == 0 && !b.isStuck(f.eng.Now())
	})
	r := f.rngVessel
	score := make(map[*box]float64, len(cands))
	for _, b := range cands {
		score[b] = float64(b.blk.depth(b)) + uniform(r, 0, 1.5)
	}
	slices.SortStableFunc(cands, func(a, b *box) int { return cmp.Compare(score[a], score[b]) })
	load := cands[:min(n, len(cands))]
	for _, b := range load {
		b.reserved = true
		b.visit = v.visit
	}
	return load
}

// imoNumber draws a 7-digit IMO number with its check digit.
func imoNumber(r interface{ IntN(int) int }) string {
	d := [7]int{9}
	sum := 9 * 7
	for i := 1; i < 6; i++ {
		d[i] = r.IntN(10)
		sum += d[i] * (7 - i)
	}
	d[6] = sum % 10
	var b strings.Builder
	for _, x := range d {
		b.WriteByte(byte('0' + x))
	}
	return b.String()
}

// cell draws a free stowage cell for a box on the vessel: odd bays for 20-ft boxes, even for 40-ft,
// tiers in the hold (02–16) or on deck (82–96).
func (f *Feed) cell(v *vesselCall, b *box) string {
	r := f.rngVessel
	bays := max(4, int(v.loa/13))
	rows := min(22, max(6, int(v.loa/17)))
	for range 100 {
		bay := 2*r.IntN(bays) + 1
		if b.forty {
			bay++
		}
		tier := 2 + 2*r.IntN(8)
		if r.IntN(2) == 0 {
			tier += 80
		}
		c := quay.Cell{Bay: bay, Row: r.IntN(rows + 1), Tier: tier}.String()
		if !v.cells[c] {
			v.cells[c] = true
			return c
		}
	}
	return quay.Cell{Bay: 2*bays + 1, Row: 0, Tier: 98}.String() // a full ship: never mind the clash
}

// tryBerth brings waiting vessels alongside while a berth long enough and a quay crane are free:
// first come, first served, but a vessel too long for the free berths lets the next one pass.
func (f *Feed) tryBerth() {
	for i := 0; i < len(f.waiting); {
		v := f.waiting[i]
		var free []*berthState
		for _, b := range f.berths {
			if b.visitor == nil && b.Length >= v.loa {
				free = append(free, b)
			}
		}
		if len(free) == 0 {
			i++
			continue
		}
		bs := free[f.rngVessel.IntN(len(free))]
		cranes := f.freeCranes(bs)
		if len(cranes) == 0 {
			return
		}
		moves := len(v.discharge) + len(v.load)
		n := between(f.rngVessel, f.sc.Vessels.QuayCranes.Min, f.sc.Vessels.QuayCranes.Max)
		n = max(1, min(n, len(cranes), max(1, int(v.loa/40)), max(moves, 1)))
		f.waiting = slices.Delete(f.waiting, i, i+1)
		v.berth = bs
		bs.visitor = v
		for _, c := range cranes[:n] {
			c.busy = true
			v.gangs = append(v.gangs, &gang{f: f, call: v, qc: c})
		}
		f.eng.After(f.sc.Vessels.Pilotage.Duration(f.rngVessel), func() { f.berth(v) })
	}
}

// freeCranes returns the idle quay cranes nearest the berth first.
func (f *Feed) freeCranes(bs *berthState) []*quayCrane {
	var out []*quayCrane
	for _, c := range f.quayCranes {
		if !c.busy {
			out = append(out, c)
		}
	}
	mid := bs.point(bs.Length/2, 0)
	slices.SortStableFunc(out, func(a, b *quayCrane) int { return cmp.Compare(dist(a.pos, mid), dist(b.pos, mid)) })
	return out
}

// berth reports the vessel alongside, spreads its gangs along the hull and shares out the moves.
func (f *Feed) berth(v *vesselCall) {
	bs := v.berth
	off := (bs.Length - v.loa) / 2
	from, to := bs.s0+off, bs.s0+off+v.loa
	if bs.s1 < bs.s0 { // the berth was drawn against the quay's direction
		from, to = bs.s0-off-v.loa, bs.s0-off
	}
	side := "port"
	if f.rngVessel.IntN(2) == 0 {
		side = "starboard"
	}
	f.stats.VesselsBerthed++
	f.emit(quay.VesselBerthed{Visit: v.visit, Berth: bs.ID, QuayFromM: roundTo(max(from, 0), 0.1), QuayToM: roundTo(max(to, from+1), 0.1), Side: side})
	n := len(v.gangs)
	for i, g := range v.gangs {
		a := off + (float64(i)+0.5)/float64(n)*v.loa
		g.qc.pos = bs.point(a, bs.apron*0.3)
		g.under = bs.point(a, bs.apron*0.55)
		f.reportPosition(g.qc.id, equipment.QuayCrane, g.qc.pos, nil, nil)
		f.emit(equipment.StatusChanged{Equipment: g.qc.id, Kind: equipment.QuayCrane, Status: equipment.Working})
	}
	// The plan: each gang works a section of the hull, bay by bay; it discharges each bay from the
	// top and loads it from the bottom.
	for _, b := range v.load {
		b.cell = f.cell(v, b)
	}
	byBay := func(down bool) func(a, b *box) int {
		return func(a, b *box) int {
			ca, cb := cellOf(a.cell), cellOf(b.cell)
			if c := cmp.Compare(ca.Bay, cb.Bay); c != 0 {
				return c
			}
			if down {
				return cmp.Compare(cb.Tier, ca.Tier)
			}
			return cmp.Compare(ca.Tier, cb.Tier)
		}
	}
	slices.SortStableFunc(v.discharge, byBay(true))
	slices.SortStableFunc(v.load, byBay(false))
	for i, g := range v.gangs {
		g.discharge = v.discharge[i*len(v.discharge)/n : (i+1)*len(v.discharge)/n]
		g.load = v.load[i*len(v.load)/n : (i+1)*len(v.load)/n]
		g.discharge = slices.Clone(g.discharge)
	}
	v.gangsLeft = n
	for _, g := range v.gangs {
		g.left = len(g.discharge) + len(g.load)
		g.trucks = f.takeTrucks(g, f.sc.Vessels.TrucksPerCrane)
		for _, t := range g.trucks {
			f.drive(t.id, equipment.Truck, t.pos, g.under, false, func() {
				t.pos = g.under
				g.release(t)
			})
		}
		f.eng.After(f.sc.Vessels.Setup.Duration(f.rngVessel), func() {
			if g.left == 0 {
				g.finish()
				return
			}
			g.nextDischarge()
		})
	}
}

// truckWork is a transport waiting for one of the gang's trucks: taking the next discharge (box
// nil), or fetching box from the yard.
type truckWork struct {
	box   *box
	since time.Time
	fn    func(*truck)
}

// acquire hands w a free truck under the crane, now or as soon as one is free.
func (g *gang) acquire(w truckWork) {
	w.since = g.f.eng.Now()
	if len(g.free) > 0 {
		t := g.free[0]
		g.free = slices.Delete(g.free, 0, 1)
		w.fn(t)
		return
	}
	g.waiting = append(g.waiting, w)
}

// release makes a truck under the crane free again, or sends it back to the fleet once the gang is
// done.
func (g *gang) release(t *truck) {
	if g.done {
		g.f.returnTruck(t)
		return
	}
	if len(g.waiting) > 0 {
		i := g.f.dispatch(g, t)
		w := g.waiting[i]
		g.waiting = slices.Delete(g.waiting, i, i+1)
		g.f.eng.After(0, func() { w.fn(t) })
		return
	}
	g.free = append(g.free, t)
}

// nextDischarge discharges the next box onto the next free truck, which takes it to the yard and
// comes back; the crane moves on as soon as a truck is under it. Loading starts after the last
// discharge.
func (g *gang) nextDischarge() {
	if len(g.discharge) == 0 {
		g.startLoad()
		return
	}
	f := g.f
	g.acquire(truckWork{fn: func(t *truck) {
		i := f.nextQuayMove(g)
		b := g.discharge[i]
		g.discharge = slices.Delete(g.discharge, i, i+1)
		t0 := f.eng.Now()
		f.eng.After(f.sc.Equipment.QuayCycle.Duration(f.rngEquip)+g.quayTravel(cellOf(b.cell).Bay), func() {
			f.observe("crane "+g.qc.id, t0)
			f.emit(quay.ContainerDischarged{Container: b.id, Visit: g.call.visit, Crane: g.qc.id, Cell: b.cell, Truck: t.id})
			f.stats.Discharged++
			f.onTruckNow(b, t.id)
			t.box = b
			f.toYard(t.id, t.pos, b, false, nil, func(at orb.Point) {
				t.box = nil
				t.pos = at
				g.back(t)
			})
			g.moveDone()
			g.nextDischarge()
		})
	}})
}

// back drives an empty truck from where it stands to the crane and frees it there (or to the fleet
// when the gang is done).
func (g *gang) back(t *truck) {
	if g.done {
		g.f.returnTruck(t)
		return
	}
	g.f.drive(t.id, equipment.Truck, t.pos, g.under, false, func() {
		t.pos = g.under
		g.release(t)
	})
}

// startLoad sends a truck for every box to load, as trucks come free; they come back to the crane
// with their box and wait their turn.
func (g *gang) startLoad() {
	if g.loading {
		return
	}
	g.loading = true
	for _, b := range g.load {
		g.acquire(truckWork{box: b, fn: func(t *truck) { g.fetch(t, b) }})
	}
	g.load = nil
}

func (g *gang) fetch(t *truck, b *box) {
	f := g.f
	f.fromYard(t.id, t.pos, b, false, func(ok bool, at orb.Point) {
		t.pos = at
		if !ok { // no room to dig it out: the box stays for another vessel
			b.reserved = false
			b.stuck = f.eng.Now()
			b.visit = ""
			g.moveDone()
			g.back(t)
			return
		}
		t.box = b
		f.drive(t.id, equipment.Truck, t.pos, g.under, false, func() {
			t.pos = g.under
			t.since = f.eng.Now()
			g.atCrane = append(g.atCrane, t)
			g.serveCrane()
		})
	})
}

// serveCrane loads the box of the first truck waiting under the crane.
func (g *gang) serveCrane() {
	if g.qcBusy || len(g.atCrane) == 0 {
		return
	}
	f := g.f
	i := f.nextQuayMove(g)
	t := g.atCrane[i]
	g.atCrane = slices.Delete(g.atCrane, i, i+1)
	g.qcBusy = true
	t0 := f.eng.Now()
	f.eng.After(f.sc.Equipment.QuayCycle.Duration(f.rngEquip)+g.quayTravel(cellOf(t.box.cell).Bay), func() {
		f.observe("crane "+g.qc.id, t0)
		b := t.box
		f.emit(quay.ContainerLoaded{Container: b.id, Visit: g.call.visit, Crane: g.qc.id, Cell: b.cell, Truck: t.id})
		f.stats.Loaded++
		f.offTruck(b, atVessel)
		f.forget(b)
		t.box = nil
		g.qcBusy = false
		g.moveDone()
		g.release(t)
		g.serveCrane()
	})
}

// moveDone counts a move made (or given up); the gang is done after its last.
func (g *gang) moveDone() {
	g.left--
	if g.left == 0 {
		g.finish()
	}
}

// finish stands the crane down, sends its free trucks back to the fleet, and lets the vessel go
// after its last gang.
func (g *gang) finish() {
	if g.done {
		return
	}
	f := g.f
	g.done = true
	g.qc.busy = false
	f.emit(equipment.StatusChanged{Equipment: g.qc.id, Kind: equipment.QuayCrane, Status: equipment.Idle})
	for _, t := range g.free {
		f.returnTruck(t)
	}
	g.free = nil
	v := g.call
	v.gangsLeft--
	if v.gangsLeft == 0 {
		f.eng.After(f.sc.Vessels.Unberth.Duration(f.rngVessel), func() {
			f.stats.VesselsDeparted++
			f.emit(quay.VesselDeparted{Visit: v.visit})
			v.berth.visitor = nil
			f.tryBerth()
		})
	}
	f.tryBerth()
}
