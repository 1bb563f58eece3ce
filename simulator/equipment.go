package simulator

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/paulmach/orb"

	"github.com/yardtwin/yardtwin/domain/equipment"
	"github.com/yardtwin/yardtwin/domain/yard"
)

// equipmentModel holds the machine timings the scenario does not set (its Equipment section has
// the cycle times and speeds, its Vessels section the times around a call); the values are
// plausible for RTG terminals, not measured.
type equipmentModel struct {
	Manoeuvre time.Duration // added to every drive: turning in, stopping under a crane
	IdleAfter time.Duration // a yard crane without work for this long reports idle
}

var demoEquipment = equipmentModel{
	Manoeuvre: 30 * time.Second,
	IdleAfter: 15 * time.Minute,
}

// quayCrane is a ship-to-shore crane.
type quayCrane struct {
	id   string
	home orb.Point
	pos  orb.Point
	busy bool
}

// yardCrane is an RTG, RMG or reach stacker; it works the jobs of its blocks one at a time, first
// come first served.
type yardCrane struct {
	id      string
	kind    equipment.Kind
	pos     orb.Point
	busy    bool // working a job
	working bool // as last reported
	queue   []craneJob
	idleGen int // cancels a pending idle report when work comes first
}

// craneJob is a box to stack from a truck, or to dig out and lift onto a truck.
type craneJob struct {
	blk   *block
	box   *box
	truck string
	road  bool      // a road haulier's truck
	from  orb.Point // where the truck came from (stack)
	stop  int       // the bay the truck stands at
	since time.Time // when the truck arrived
	lift  bool
	done  func(ok bool) // ok false: no stack for the box (stack), or no room to relocate (lift)
}

// truck is an internal terminal tractor.
type truck struct {
	id    string
	pos   orb.Point
	gang  *gang
	box   *box
	since time.Time // when it started waiting under the quay crane
}

// berthState is a berth and where along its quay it lies.
type berthState struct {
	*yard.Berth
	apron   float64   // m, the quay's apron depth
	s0, s1  float64   // m along the quay line of the berth's first and second positions
	along   orb.Point // unit vector from the berth's first position to its second
	land    orb.Point // unit vector landward
	visitor *vesselCall
}

// point returns the local point a metres along the berth from its first position and c metres
// landward of the wall.
func (b *berthState) point(a, c float64) orb.Point {
	p := b.Line[0]
	return orb.Point{p[0] + a*b.along[0] + c*b.land[0], p[1] + a*b.along[1] + c*b.land[1]}
}

// setupEquipment builds cranes, berths and trucks from the layout. A block without yard cranes of
// its own is worked by the two nearest cranes of its equipment, preferring cranes in its own row of
// blocks (an RTG row shares its cranes).
func (f *Feed) setupEquipment() {
	l := f.layout
	fl := f.sc.Fleet
	first := func(n, of int) int {
		if n > 0 && n < of {
			return n
		}
		return of
	}
	qcs := l.QuayCranes()
	for _, q := range qcs[:first(fl.QuayCranes, len(qcs))] {
		f.quayCranes = append(f.quayCranes, &quayCrane{id: q.ID, home: q.Home, pos: q.Home})
	}
	ycs := l.YardCranes()
	ycs = ycs[:first(fl.YardCranes, len(ycs))]
	byBlock := map[string][]*yardCrane{}
	for _, c := range ycs {
		kind := equipment.YardCrane
		if c.Equipment == yard.EquipmentRS {
			kind = equipment.ReachStacker
		}
		yc := &yardCrane{id: c.ID, kind: kind, pos: c.Home}
		f.yardCranes = append(f.yardCranes, yc)
		byBlock[c.Block] = append(byBlock[c.Block], yc)
	}
	equip := map[*yardCrane]yard.Equipment{}
	for _, c := range ycs {
		for _, yc := range f.yardCranes {
			if yc.id == c.ID {
				equip[yc] = c.Equipment
			}
		}
	}
	for _, k := range f.yard.blocks {
		k.cranes = byBlock[k.ID]
		if len(k.cranes) > 0 {
			continue
		}
		centre := k.SlotCentre((k.Bays+1)/2, (k.Rows+1)/2)
		// Distance as a gantry crane sees it: moving along its row of blocks is cheap, changing rows
		// (turning the wheels, crossing lanes) is not.
		cost := func(c *yardCrane) float64 {
			d := sub(c.pos, centre)
			along := math.Abs(d[0]*k.BayAxis[0] + d[1]*k.BayAxis[1])
			across := math.Abs(d[0]*k.RowAxis[0] + d[1]*k.RowAxis[1])
			return along + 10*across
		}
		near := slices.Clone(f.yardCranes)
		slices.SortStableFunc(near, func(a, b *yardCrane) int {
			// Cranes of the block's own equipment first, then the nearest.
			sa, sb := equip[a] != k.Equipment, equip[b] != k.Equipment
			if sa != sb {
				if sa {
					return 1
				}
				return -1
			}
			return cmp.Compare(cost(a), cost(b))
		})
		k.cranes = near[:min(2, len(near))]
		if len(k.cranes) == 0 { // a layout without yard cranes: one per block, named after it
			kind := equipment.YardCrane
			if k.Equipment == yard.EquipmentRS {
				kind = equipment.ReachStacker
			}
			yc := &yardCrane{id: "YC-" + k.ID, kind: kind, pos: centre}
			f.yardCranes = append(f.yardCranes, yc)
			k.cranes = []*yardCrane{yc}
		}
	}
	for _, b := range l.Berths() {
		q, _ := l.Quay(b.Quay)
		bs := &berthState{Berth: b, apron: q.ApronWidth}
		bs.along = unit(sub(b.Line[1], b.Line[0]))
		bs.s0, bs.s1 = alongLine(q.Line, b.Line[0]), alongLine(q.Line, b.Line[1])
		ring := b.Zone[0]
		centre := orb.Point{(ring[0][0] + ring[1][0] + ring[2][0] + ring[3][0]) / 4, (ring[0][1] + ring[1][1] + ring[2][1] + ring[3][1]) / 4}
		mid := orb.Point{(b.Line[0][0] + b.Line[1][0]) / 2, (b.Line[0][1] + b.Line[1][1]) / 2}
		bs.land = unit(sub(centre, mid))
		f.berths = append(f.berths, bs)
	}
	n := len(f.quayCranes) * f.sc.Vessels.TrucksPerCrane
	if fl.Trucks > 0 {
		n = fl.Trucks
	}
	for i := range n {
		bs := f.berths[i%len(f.berths)]
		a := min(8+12*float64(i/len(f.berths)), bs.Length)
		t := &truck{id: fmt.Sprintf("IT-%03d", i+1), pos: bs.point(a, bs.apron*0.85)}
		f.fleet = append(f.fleet, t)
		f.allTrucks = append(f.allTrucks, t)
	}
}

// reportEquipment reports every machine where it stands, idle.
func (f *Feed) reportEquipment() {
	for _, c := range f.quayCranes {
		f.reportPosition(c.id, equipment.QuayCrane, c.pos, nil, nil)
		f.emit(equipment.StatusChanged{Equipment: c.id, Kind: equipment.QuayCrane, Status: equipment.Idle})
	}
	for _, c := range f.yardCranes {
		f.reportPosition(c.id, c.kind, c.pos, nil, nil)
		f.emit(equipment.StatusChanged{Equipment: c.id, Kind: c.kind, Status: equipment.Idle})
	}
	for _, t := range f.allTrucks {
		f.reportPosition(t.id, equipment.Truck, t.pos, nil, nil)
		f.emit(equipment.StatusChanged{Equipment: t.id, Kind: equipment.Truck, Status: equipment.Idle})
	}
}

// reportPosition reports a machine at the local point p.
func (f *Feed) reportPosition(id string, kind equipment.Kind, p orb.Point, heading, speed *float64) {
	w := f.layout.ToWGS84(p)
	f.emit(equipment.PositionReported{
		Equipment: id, Kind: kind,
		Lon: roundTo(w[0], 1e-7), Lat: roundTo(w[1], 1e-7),
		HeadingDeg: heading, SpeedMPS: speed,
	})
}

// drive moves a truck (a road truck when road) from one local point to another at a speed drawn
// from the scenario, around the blocks (see router), reporting its position a few times on the way
// and on arrival, then calls then.
func (f *Feed) drive(id string, kind equipment.Kind, from, to orb.Point, road bool, then func()) {
	sd := f.sc.Equipment.TruckSpeed
	if road {
		sd = f.sc.Equipment.RoadSpeed
	}
	speed := max(sd.Sample(f.rngEquip), 0.5)
	way, d := f.router.route(from, to)
	total := time.Duration(d/speed*float64(time.Second)) + jitter(f.rngEquip, f.eq().Manoeuvre, 0.5)
	type mark struct {
		p       orb.Point
		run     float64 // m driven when there
		heading *float64
	}
	var marks []mark
	if len(way) == 1 { // a straight run: report once or twice on the way
		legs := 1
		switch {
		case d > 150:
			legs = 3
		case d > 40:
			legs = 2
		}
		h := headingDeg(from, to)
		for i := 1; i <= legs; i++ {
			frac := float64(i) / float64(legs)
			marks = append(marks, mark{orb.Point{from[0] + frac*(to[0]-from[0]), from[1] + frac*(to[1]-from[1])}, frac * d, h})
		}
	} else { // around blocks: report at each turn
		prev, run := from, 0.0
		for _, p := range way {
			run += dist(prev, p)
			marks = append(marks, mark{p, run, headingDeg(prev, p)})
			prev = p
		}
	}
	v := roundTo(speed, 0.1)
	stop := 0.0
	for i, m := range marks {
		at := total
		if d > 0 {
			at = time.Duration(m.run / d * float64(total))
		}
		last := i == len(marks)-1
		f.eng.After(at, func() {
			if last {
				f.reportPosition(id, kind, m.p, m.heading, &stop)
				then()
				return
			}
			f.reportPosition(id, kind, m.p, m.heading, &v)
		})
	}
}

// eq returns the equipment model in use.
func (f *Feed) eq() *equipmentModel { return &demoEquipment }

// laneStop is where a truck stops to be served at a bay of a block: in the truck lane beside row 1.
func laneStop(k *block, bay int) orb.Point { return k.SlotCentre(bay, 0) }

// yardJob hands a job to the block's crane that will get to it first, roughly: the fewest jobs
// waiting, counting the crane's travel to the block as jobs too (an RTG shared by a row of blocks
// stays where the work is rather than shuttling).
func (f *Feed) yardJob(j craneJob) {
	centre := j.blk.SlotCentre((j.blk.Bays+1)/2, (j.blk.Rows+1)/2)
	e := f.sc.Equipment
	perJob := e.YardGantrySpeed.MeanValue() * (e.YardTrolley.MeanValue() + e.YardHoist.MeanValue()) // m a crane travels in one move's time
	var c *yardCrane
	best := math.Inf(1)
	for _, x := range j.blk.cranes {
		load := float64(len(x.queue))
		if x.busy {
			load++
		}
		if load += dist(x.pos, centre) / perJob; load < best {
			c, best = x, load
		}
	}
	c.queue = append(c.queue, j)
	if !c.busy {
		f.craneNext(c)
	}
}

// craneNext starts the crane's next job, or lets it go idle.
func (f *Feed) craneNext(c *yardCrane) {
	if len(c.queue) == 0 {
		c.busy = false
		c.idleGen++
		gen := c.idleGen
		f.eng.After(f.eq().IdleAfter, func() {
			if !c.busy && c.idleGen == gen && c.working {
				c.working = false
				f.emit(equipment.StatusChanged{Equipment: c.id, Kind: c.kind, Status: equipment.Idle})
			}
		})
		return
	}
	c.busy = true
	if !c.working {
		c.working = true
		f.emit(equipment.StatusChanged{Equipment: c.id, Kind: c.kind, Status: equipment.Working})
	}
	i := f.nextYardJob(c)
	j := c.queue[i]
	c.queue = slices.Delete(c.queue, i, i+1)
	if j.lift {
		f.craneDig(c, j, 0)
	} else {
		f.craneStack(c, j)
	}
}

// craneTime is how long a crane takes to travel to p and make one move.
func (f *Feed) craneTime(c *yardCrane, p orb.Point) time.Duration {
	e := f.sc.Equipment
	travel := min(time.Duration(dist(c.pos, p)/max(e.YardGantrySpeed.Sample(f.rngEquip), 0.1)*float64(time.Second)), 10*time.Minute)
	return travel + e.YardTrolley.Duration(f.rngEquip) + e.YardHoist.Duration(f.rngEquip)
}

// moveCrane reports the crane over a bay of a block when it is not there already.
func (f *Feed) moveCrane(c *yardCrane, k *block, bay int) {
	p := k.SlotCentre(bay, (k.Rows+1)/2)
	if dist(c.pos, p) < 1 {
		return
	}
	c.pos = p
	f.reportPosition(c.id, c.kind, p, nil, nil)
}

// craneStack takes the box off the truck and sets it on the lowest stack of the block that fits,
// chosen when the crane gets there.
func (f *Feed) craneStack(c *yardCrane, j craneJob) {
	k := j.blk
	if len(f.slotOptions(k, j.box, j.stop)) == 0 {
		// The crane can see from where it is that the block has no stack for the box: the truck is
		// sent on at once rather than after a wasted move.
		j.done(false)
		f.craneNext(c)
		return
	}
	t0 := f.eng.Now()
	f.eng.After(f.craneTime(c, k.SlotCentre((k.Bays+1)/2, (k.Rows+1)/2)), func() {
		f.observe("crane "+c.id, t0)
		bay, row, tier, ok := f.chooseSlot(k, j.box, j.from, j.stop)
		if !ok {
			j.done(false)
			f.craneNext(c)
			return
		}
		f.moveCrane(c, k, bay)
		f.stackBox(j.box, k, bay, row, tier)
		f.emit(stackedEvent(j.box, c.id, j.truck))
		j.done(true)
		f.craneNext(c)
	})
}

// maxDigSteps bounds the relocations of one dig, in case two cranes keep burying each other's
// boxes.
const maxDigSteps = 3 * 12

// craneDig relocates the boxes above the job's box one move at a time, then lifts the box onto the
// truck. Every step looks at the block as it is then, since another crane may work it too.
func (f *Feed) craneDig(c *yardCrane, j craneJob, step int) {
	x, k := j.box, j.blk
	t0 := f.eng.Now()
	f.eng.After(f.craneTime(c, k.SlotCentre(x.bay, x.row)), func() {
		f.observe("crane "+c.id, t0)
		bl := k.blocker(x)
		if bl == nil {
			f.moveCrane(c, k, x.bay)
			f.emit(liftedEvent(x, c.id, j.truck))
			f.liftBox(x, j.truck)
			j.done(true)
			f.craneNext(c)
			return
		}
		// Look for a stack with bl out of the way, never on x's stack nor back where bl stood.
		ob, or, ot := bl.bay, bl.row, bl.tier
		k.remove(bl)
		bay, row, tier, ok := f.chooseRelocation(k, bl, x, ob, or, ot)
		k.place(bl, ob, or, ot)
		if !ok || step >= maxDigSteps {
			j.done(false)
			f.craneNext(c)
			return
		}
		f.moveCrane(c, k, ob)
		f.emit(liftedEvent(bl, c.id, ""))
		f.yard.relocate(bl, bay, row, tier)
		f.emit(stackedEvent(bl, c.id, ""))
		f.stats.Rehandles++
		f.craneDig(c, j, step+1)
	})
}

// takeTrucks hands up to n free internal trucks to a gang.
func (f *Feed) takeTrucks(g *gang, n int) []*truck {
	n = min(n, len(f.fleet))
	ts := slices.Clone(f.fleet[:n])
	f.fleet = slices.Delete(f.fleet, 0, n)
	for _, t := range ts {
		t.gang = g
		f.emit(equipment.StatusChanged{Equipment: t.id, Kind: equipment.Truck, Status: equipment.Working})
	}
	return ts
}

// returnTruck gives a truck back to the fleet.
func (f *Feed) returnTruck(t *truck) {
	t.gang = nil
	f.fleet = append(f.fleet, t)
	f.emit(equipment.StatusChanged{Equipment: t.id, Kind: equipment.Truck, Status: equipment.Idle})
}

// Geometry in the local plane (metres).

func sub(a, b orb.Point) orb.Point { return orb.Point{a[0] - b[0], a[1] - b[1]} }

func dist(a, b orb.Point) float64 { return math.Hypot(a[0]-b[0], a[1]-b[1]) }

func unit(a orb.Point) orb.Point {
	n := math.Hypot(a[0], a[1])
	if n == 0 {
		return orb.Point{}
	}
	return orb.Point{a[0] / n, a[1] / n}
}

// headingDeg is the direction from a to b in degrees clockwise from north, or nil when they are
// the same point.
func headingDeg(a, b orb.Point) *float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	if dx == 0 && dy == 0 {
		return nil
	}
	h := math.Atan2(dx, dy) * 180 / math.Pi
	if h < 0 {
		h += 360
	}
	h = roundTo(h, 0.1)
	if h >= 360 {
		h = 0
	}
	return &h
}

// alongLine returns how far along ls (m from its first position) the point of ls nearest p lies.
func alongLine(ls orb.LineString, p orb.Point) float64 {
	best, bestD, run := 0.0, math.Inf(1), 0.0
	for i := 1; i < len(ls); i++ {
		a, b := ls[i-1], ls[i]
		seg := dist(a, b)
		t := 0.0
		if seg > 0 {
			t = ((p[0]-a[0])*(b[0]-a[0]) + (p[1]-a[1])*(b[1]-a[1])) / (seg * seg)
			t = max(0, min(1, t))
		}
		q := orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}
		if d := dist(p, q); d < bestD {
			best, bestD = run+t*seg, d
		}
		run += seg
	}
	return best
}
