package yardmap

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/yardtwin/yardtwin/domain/equipment"
	"github.com/yardtwin/yardtwin/domain/gate"
	"github.com/yardtwin/yardtwin/domain/iso6346"
	"github.com/yardtwin/yardtwin/domain/quay"
	"github.com/yardtwin/yardtwin/domain/yard"
	"github.com/yardtwin/yardtwin/projections"
)

// Apply implements projections.Projection.
func (m *Model) Apply(batch []projections.Item) {
	m.mu.Lock()
	defer m.mu.Unlock()
	projections.Fold(&m.position, batch, m.apply)
}

func (m *Model) apply(it projections.Item) {
	at := it.Time
	if at.After(m.newest) {
		m.newest = at
	}
	if m.cfg.LateAfter > 0 && !it.Recorded.IsZero() && it.Recorded.Sub(at) > m.cfg.LateAfter {
		c, _ := containerOf(it.Event)
		m.raise(it, LateReport, c, nil, lateDetail(it.Type, at, it.Recorded.Sub(at)))
	}
	var b *Box
	if c, ok := containerOf(it.Event); ok {
		b = m.box(it, c)
		if at.Before(b.LastAt) {
			m.raise(it, OutOfOrder, c, nil, fmt.Sprintf("%s of %s happened at %s, before a fact already applied (%s)", it.Type, c, at.Format(time.RFC3339), b.LastAt.Format(time.RFC3339)))
		} else {
			b.LastAt = at
		}
	}
	m.applyEvent(it)
	if b != nil && m.history {
		m.remember(b, it)
	}
	m.evict()
}

// containerOf is the box an event is about, if any.
func containerOf(ev any) (iso6346.ContainerID, bool) {
	switch e := ev.(type) {
	case yard.ContainerAnnounced:
		return e.Container, true
	case yard.ContainerStacked:
		return e.Container, true
	case yard.ContainerLifted:
		return e.Container, true
	case yard.ContainerHeld:
		return e.Container, true
	case yard.ContainerReleased:
		return e.Container, true
	case quay.ContainerDischarged:
		return e.Container, true
	case quay.ContainerLoaded:
		return e.Container, true
	case gate.ContainerGatedIn:
		return e.Container, true
	case gate.ContainerGatedOut:
		return e.Container, true
	}
	return "", false
}

// remember adds the event to the box's history, as the box stands after it (only in the models of
// ContainerFromStream: the live model holds no histories).
func (m *Model) remember(b *Box, it projections.Item) {
	mv := Move{At: it.Time, Position: it.Position, Event: it.Type, Where: b.Where, Truck: b.Truck, Visit: b.Visit}
	if b.Slot != nil {
		s := *b.Slot
		mv.Slot = &s
	}
	switch e := it.Event.(type) {
	case yard.ContainerStacked:
		mv.Crane = e.Crane
	case yard.ContainerLifted:
		mv.Crane = e.Crane
	case quay.ContainerDischarged:
		mv.Crane = e.Crane
	case quay.ContainerLoaded:
		mv.Crane = e.Crane
	}
	b.History = append(b.History, mv)
}

func (m *Model) applyEvent(it projections.Item) {
	at := it.Time
	switch e := it.Event.(type) {
	case yard.ContainerAnnounced:
		b := m.box(it, e.Container)
		if b.Slot != nil {
			m.addFill(b, -1) // counted again below under its new description
		}
		b.SizeType, b.Category, b.WeightKg, b.Reefer = e.SizeType, e.Category, e.WeightKg, e.Reefer
		if e.Visit != "" {
			b.Visit = e.Visit
		}
		if b.Where == "" {
			m.move(b, AtAnnounced, at)
		}
		if b.Slot != nil {
			m.addFill(b, +1)
		}
	case quay.ContainerDischarged:
		b := m.box(it, e.Container)
		b.Visit = e.Visit
		m.visit(e.Visit).moved(at, 1, 0)
		m.job(e.Crane, "quay_crane", e.Container)
		m.job(e.Truck, "truck", e.Container)
		m.leaveSlot(it, b, "discharged")
		if b.Entered.IsZero() {
			b.Entered = at
		}
		if e.Truck != "" {
			m.move(b, AtTruck, at)
			b.Truck = e.Truck
		} else {
			m.move(b, AtQuay, at)
		}
	case quay.ContainerLoaded:
		b := m.box(it, e.Container)
		m.visit(e.Visit).moved(at, 0, 1)
		m.job(e.Crane, "quay_crane", e.Container)
		m.done(e.Truck, e.Container)
		m.leaveSlot(it, b, "loaded")
		m.move(b, AtVessel, at)
		b.Visit = e.Visit
	case yard.ContainerStacked:
		m.stack(it, e)
		m.job(e.Crane, "yard_crane", e.Container)
		m.done(e.Truck, e.Container)
	case yard.ContainerLifted:
		m.lift(it, e)
		m.job(e.Crane, "yard_crane", e.Container)
		m.job(e.Truck, "truck", e.Container)
	case gate.ContainerGatedIn:
		b := m.box(it, e.Container)
		if b.Entered.IsZero() {
			b.Entered = at
		}
		m.leaveSlot(it, b, "gated in")
		m.move(b, AtTruck, at)
		b.Truck = e.Truck
	case gate.ContainerGatedOut:
		b := m.box(it, e.Container)
		m.leaveSlot(it, b, "gated out")
		m.move(b, AtGone, at)
	case yard.ContainerHeld:
		b := m.box(it, e.Container)
		if !slices.Contains(b.Holds, e.Hold) {
			b.Holds = append(b.Holds, e.Hold)
		}
	case yard.ContainerReleased:
		b := m.box(it, e.Container)
		b.Holds = slices.DeleteFunc(b.Holds, func(h string) bool { return h == e.Hold })
		if len(b.Holds) == 0 {
			b.Holds = nil
		}
	case quay.VesselArrived:
		v := m.visit(e.Visit)
		v.Vessel, v.State, v.Arrived = e.Vessel, "arrived", at
		v.Planned = e.PlannedDischarge + e.PlannedLoad
		if v.Planned > 0 {
			v.Remaining = max(v.Planned-v.Discharged-v.Loaded, 0)
		}
	case quay.VesselBerthed:
		v := m.visit(e.Visit)
		v.Berth, v.State, v.Berthed = e.Berth, "berthed", at
	case quay.VesselDeparted:
		v := m.visit(e.Visit)
		v.State, v.Departed = "departed", at
		v.rate()
		if !m.history {
			m.leftVisits.push(leaving{ID: e.Visit, Since: at})
		}
	case gate.TruckLeft:
		// A road truck that left the terminal leaves the live picture; its next report brings it back.
		delete(m.machines, e.Truck)
		m.touchMachine(e.Truck)
	case equipment.PositionReported:
		mc := m.machine(e.Equipment, string(e.Kind))
		mc.Lon, mc.Lat, mc.At = e.Lon, e.Lat, at
		p := m.layout.ToLocal(orb.Point{e.Lon, e.Lat})
		if mc.Reported {
			mc.DistanceM += planar.Distance(orb.Point{mc.X, mc.Y}, p)
		}
		mc.X, mc.Y, mc.Reported = p[0], p[1], true
		mc.Place = ""
		if place, ok := m.layout.Locate(p); ok {
			mc.Place = place.Kind.String() + " " + place.ID
		}
	case equipment.StatusChanged:
		mc := m.machine(e.Equipment, string(e.Kind))
		mc.Status, mc.At = string(e.Status), at
	}
}

// box returns the container's record, creating it on first sight, when its check digit is judged.
func (m *Model) box(it projections.Item, id iso6346.ContainerID) *Box {
	b, ok := m.boxes[id]
	if !ok {
		b = &Box{Container: id, CheckDigitOK: id.CheckDigitOK()}
		m.boxes[id] = b
		m.byWhere[b.Where]++
		if !b.CheckDigitOK {
			m.raise(it, BadCheckDigit, id, nil, fmt.Sprintf("%s: the ISO 6346 check digit is wrong", id))
		}
	}
	m.touchBox(id) // every change to the box of an event goes through here
	return b
}

func (m *Model) move(b *Box, where string, at time.Time) {
	m.touchBox(b.Container) // also a box displaced by another's report (stack)
	m.byWhere[b.Where]--
	m.byWhere[where]++
	b.Where, b.Since, b.Truck = where, at, ""
	if where != AtYard {
		b.Slot = nil
	}
	m.queued(b)
}

func (m *Model) stack(it projections.Item, e yard.ContainerStacked) {
	b := m.box(it, e.Container)
	s := e.Slot()
	if b.Slot != nil && *b.Slot != s {
		m.raise(it, MovedUnlifted, b.Container, b.Slot, fmt.Sprintf("%s stacked in %s while held in %s with no lift", b.Container, s, b.Slot))
	}
	m.leaveSlot(it, b, "")
	if held, taken := m.slots[s]; taken && held != b.Container {
		m.raise(it, SlotConflict, b.Container, &s, fmt.Sprintf("%s reported in %s, which holds %s", b.Container, s, held))
		if other := m.boxes[held]; other != nil {
			m.unslot(other)
			m.move(other, AtUnknown, it.Time)
		}
	}
	if s.Tier > 1 {
		below := s
		below.Tier--
		if _, ok := m.slots[below]; !ok {
			m.raise(it, Unsupported, b.Container, &s, fmt.Sprintf("%s stacked in %s above an empty tier", b.Container, s))
		}
	}
	m.move(b, AtYard, it.Time)
	b.Slot = &s
	m.slots[s] = b.Container
	m.addFill(b, 1)
}

func (m *Model) lift(it projections.Item, e yard.ContainerLifted) {
	b := m.box(it, e.Container)
	s := e.Slot()
	switch held, taken := m.slots[s]; {
	case b.Slot == nil:
		m.raise(it, LiftUnknown, b.Container, &s, fmt.Sprintf("%s lifted from %s but the twin does not hold it in the yard", b.Container, s))
		if taken {
			m.raise(it, LiftMismatch, b.Container, &s, fmt.Sprintf("%s lifted from %s, which holds %s", b.Container, s, held))
		}
	case *b.Slot != s:
		m.raise(it, LiftMismatch, b.Container, &s, fmt.Sprintf("%s lifted from %s but the twin holds it in %s", b.Container, s, b.Slot))
	}
	m.unslot(b)
	m.move(b, AtTruck, it.Time)
	b.Truck = e.Truck
}

// leaveSlot takes b out of its slot when a fact moves it elsewhere without a lift.
func (m *Model) leaveSlot(it projections.Item, b *Box, how string) {
	if b.Slot == nil {
		return
	}
	if how != "" {
		m.raise(it, LeftFromStack, b.Container, b.Slot, fmt.Sprintf("%s %s while the twin held it in %s with no lift", b.Container, how, b.Slot))
	}
	m.unslot(b)
}

func (m *Model) unslot(b *Box) {
	if b.Slot == nil {
		return
	}
	if m.slots[*b.Slot] == b.Container {
		delete(m.slots, *b.Slot)
	}
	m.addFill(b, -1)
	b.Slot = nil
}

// addFill counts b in (+1) or out of (-1) its slot's block.
func (m *Model) addFill(b *Box, sign int) {
	f := m.fill[b.Slot.Block]
	if f == nil {
		f = &blockFill{ByCategory: map[yard.Category]int{}, BySize: map[int]int{}}
		m.fill[b.Slot.Block] = f
	}
	f.BySize[b.SizeType.LengthFeet()] += sign
	f.Boxes += sign
	f.TEU += sign * max(b.SizeType.TEU(), 1)
	if b.Reefer {
		f.Reefers += sign
	}
	f.ByCategory[b.Category] += sign
}

func (m *Model) visit(id string) *Visit {
	v, ok := m.visits[id]
	if !ok {
		v = &Visit{Visit: id, State: "arrived"}
		m.visits[id] = v
	}
	m.touchVisit(id) // every change to a visit goes through here
	return v
}

// job records that machine id (of kind, if it is new) is handling box c; an empty id is no machine.
func (m *Model) job(id, kind string, c iso6346.ContainerID) {
	if id == "" {
		return
	}
	mc, ok := m.machines[id]
	if !ok {
		mc = m.machine(id, kind)
	}
	mc.Job = c
	m.touchMachine(id)
}

// done records that machine id put box c down.
func (m *Model) done(id string, c iso6346.ContainerID) {
	if mc, ok := m.machines[id]; ok && mc.Job == c {
		mc.Job = ""
		m.touchMachine(id)
	}
}

// moved counts moves of the visit at time at and refreshes its remaining moves and rate.
func (v *Visit) moved(at time.Time, discharged, loaded int) {
	v.Discharged += discharged
	v.Loaded += loaded
	if at.After(v.LastMove) {
		v.LastMove = at
	}
	if v.Planned > 0 {
		v.Remaining = max(v.Planned-v.Discharged-v.Loaded, 0)
	}
	v.rate()
}

// rate is the moves per hour from berthing to departure, or to the last move while alongside.
func (v *Visit) rate() {
	end := v.LastMove
	if !v.Departed.IsZero() {
		end = v.Departed
	}
	if v.Berthed.IsZero() || !end.After(v.Berthed) {
		return
	}
	v.MovesPerHour = float64(v.Discharged+v.Loaded) / end.Sub(v.Berthed).Hours()
}

func (m *Model) machine(id, kind string) *Machine {
	mc, ok := m.machines[id]
	if !ok {
		mc = &Machine{ID: id}
		m.machines[id] = mc
	}
	mc.Kind = kind
	m.touchMachine(id)
	return mc
}

func (m *Model) raise(it projections.Item, kind string, c iso6346.ContainerID, s *yard.Slot, detail string) {
	a := Anomaly{Kind: kind, Position: it.Position, EventID: it.ID, At: it.Time, Container: c, Detail: detail}
	if s != nil {
		sc := *s
		a.Slot = &sc
	}
	m.anomalyCount[kind]++
	m.raised++
	m.anomalies.Push(a)
}

// lateDetail is a late report's detail, "<type> happened at <RFC 3339> but reached the twin 1h0m0s
// later", written with one allocation: a log fed faster than it happened raises one for every event.
func lateDetail(typ string, at time.Time, late time.Duration) string {
	var buf [160]byte
	b := append(buf[:0], typ...)
	b = append(b, " happened at "...)
	b = at.AppendFormat(b, time.RFC3339)
	b = append(b, " but reached the twin "...)
	b = appendSeconds(b, late.Round(time.Second))
	b = append(b, " later"...)
	return string(b)
}

// appendSeconds appends d, a whole number of seconds, as time.Duration.String writes it.
func appendSeconds(b []byte, d time.Duration) []byte {
	if d < 0 {
		b, d = append(b, '-'), -d
	}
	s := int64(d / time.Second)
	h, m := s/3600, s/60%60
	if h > 0 {
		b = append(strconv.AppendInt(b, h, 10), 'h')
	}
	if h > 0 || m > 0 {
		b = append(strconv.AppendInt(b, m, 10), 'm')
	}
	return append(strconv.AppendInt(b, s%60, 10), 's')
}
