package kpi

import (
	"slices"
	"sync"
	"time"

	"github.com/yardtwin/yardtwin/domain/gate"
	"github.com/yardtwin/yardtwin/domain/iso6346"
	"github.com/yardtwin/yardtwin/domain/quay"
	"github.com/yardtwin/yardtwin/domain/yard"
	"github.com/yardtwin/yardtwin/projections"
)

// Name is the checkpoint key of the projection; bump the suffix when the snapshot's shape or a
// definition changes, which forces a rebuild.
const Name = "kpi.v1"

// How long open things are kept without news, and figures at all, in event time (see the package
// doc, Memory).
const (
	// DefaultRetention is how long hourly aggregates and departed visits are kept: 400 days, so
	// that a window of a year, a year ago, can still be answered.
	DefaultRetention = 400 * 24 * time.Hour

	announcementTTL = 30 * 24 * time.Hour // an announced box that never came
	truckTTL        = 7 * 24 * time.Hour  // a road truck whose departure was never reported
)

// Categories of boxes, as indexes; catUnknown is a box never announced.
const (
	catImport = iota
	catExport
	catTranshipment
	catEmpty
	catUnknown
	nCats
)

var catNames = [nCats]string{"import", "export", "transhipment", "empty", "unknown"}

func catIndex(c yard.Category) uint8 {
	switch c {
	case yard.Import:
		return catImport
	case yard.Export:
		return catExport
	case yard.Transhipment:
		return catTranshipment
	case yard.Empty:
		return catEmpty
	}
	return catUnknown
}

// dwellEdges are the upper bounds of the dwell histogram's buckets, in days; the last is open.
var dwellEdges = []float64{1, 2, 4, 7, 14}

const nDwellBuckets = 6

func dwellBucket(seconds float64) int {
	days := seconds / 86400
	for i, e := range dwellEdges {
		if days < e {
			return i
		}
	}
	return len(dwellEdges)
}

// hourAgg is what happened in one hour of event time.
type hourAgg struct {
	Events        int       `json:"events,omitempty"` // events folded (quay, yard, gate)
	Discharges    int       `json:"discharges,omitempty"`
	Loads         int       `json:"loads,omitempty"`
	GateIns       int       `json:"gate_ins,omitempty"`
	GateOuts      int       `json:"gate_outs,omitempty"`
	RehandlesIn   int       `json:"rehandles_in,omitempty"`   // within one block
	RehandlesX    int       `json:"rehandles_x,omitempty"`    // to another block
	TEUDelta      int       `json:"teu_delta,omitempty"`      // change of the TEU in the yard
	TruckArrivals int       `json:"truck_arrivals,omitempty"` // road trucks in
	Turns         durations `json:"turns,omitzero"`           // turn times of the trucks that left
	// Dwell of the boxes that left, by category; nil where none left.
	Dwell     [nCats]*dwellAgg `json:"dwell"`
	Unmatched hourUnmatched    `json:"unmatched,omitzero"`
}

// dwellAgg is the dwell of the boxes of one category that left in one hour.
type dwellAgg struct {
	Left         durations          `json:"left,omitzero"` // boxes with a known entry
	Hist         [nDwellBuckets]int `json:"hist"`
	EntryUnknown int                `json:"entry_unknown,omitempty"`
}

// hourUnmatched counts the contradictory facts of one hour that were skipped.
type hourUnmatched struct {
	TruckLeft     int `json:"truck_left,omitempty"`     // TruckLeft with no open arrival
	TruckArrivals int `json:"truck_arrivals,omitempty"` // arrivals never closed (superseded or expired)
	TurnNegative  int `json:"turn_negative,omitempty"`  // TruckLeft timed before its arrival
	DwellNegative int `json:"dwell_negative,omitempty"` // a box left before its entry time
}

// box is what the model keeps of a container while it is expected or in the terminal.
type box struct {
	TEU       int8      `json:"teu"`
	Cat       uint8     `json:"cat"`
	Present   bool      `json:"present,omitempty"`    // in the terminal: entered, or seen in the yard
	Entered   time.Time `json:"entered,omitzero"`     // first discharge or gate-in; zero when not seen
	Announced time.Time `json:"announced,omitzero"`   // when announced, while not present
	InYard    bool      `json:"in_yard,omitempty"`    // in a yard slot, counted in the TEU level
	StackHour int64     `json:"stack_hour,omitempty"` // hour its TEU was counted in, while in the yard
	Lifted    bool      `json:"lifted,omitempty"`     // lifted from the yard with no job since
	LiftBlock string    `json:"lift_block,omitempty"`
}

// visit is a vessel visit. The first report of each milestone counts.
type visit struct {
	Vessel     string            `json:"vessel,omitempty"`
	Berth      string            `json:"berth,omitempty"`
	Arrived    time.Time         `json:"arrived,omitzero"`
	Berthed    time.Time         `json:"berthed,omitzero"`
	Departed   time.Time         `json:"departed,omitzero"`
	Discharges int               `json:"discharges,omitempty"`
	Loads      int               `json:"loads,omitempty"`
	Cranes     map[string][]span `json:"cranes,omitempty"` // by crane, "" when not reported; by hour
}

// span is a crane's moves on a visit within one hour.
type span struct {
	Hour       int64     `json:"hour"`
	Discharges int       `json:"discharges,omitempty"`
	Loads      int       `json:"loads,omitempty"`
	First      time.Time `json:"first"`
	Last       time.Time `json:"last"`
}

// Model is the KPI read model. It is safe for concurrent use: one writer (the projection runner)
// and many readers.
type Model struct {
	capacity  int           // TEU
	retention time.Duration // of hours and departed visits, in event time

	mu       sync.RWMutex
	position uint64
	newest   time.Time // latest event time folded
	pruneDay int64     // day (of event time) of the last pruning
	hours    map[int64]*hourAgg
	hourKeys []int64 // keys of hours, sorted
	keptFrom int64   // the oldest hour kept (0: none dropped yet); older facts count in it
	baseTEU  int     // TEU in the yard at the start of keptFrom: the dropped hours' deltas
	boxes    map[iso6346.ContainerID]*box
	visits   map[string]*visit
	trucks   map[string]time.Time // road trucks inside, by plate: when they arrived
}

// New returns an empty model of the terminal described by layout, whose blocks give the yard's
// capacity; a nil layout has none (utilisation is then not defined).
func New(layout *yard.Layout) *Model { return NewWith(layout, Config{}) }

// Config tunes the model.
type Config struct {
	// Retention is how long, in event time before the newest event, hourly aggregates and departed
	// vessel visits are kept; 0 means DefaultRetention, negative for ever.
	Retention time.Duration
}

// NewWith returns an empty model with cfg; see New.
func NewWith(layout *yard.Layout, cfg Config) *Model {
	if cfg.Retention == 0 {
		cfg.Retention = DefaultRetention
	}
	m := &Model{retention: cfg.Retention}
	if layout != nil {
		m.capacity = layout.Capacity()
	}
	m.reset()
	return m
}

func (m *Model) reset() {
	m.position = 0
	m.newest = time.Time{}
	m.pruneDay = 0
	m.hours = map[int64]*hourAgg{}
	m.hourKeys = nil
	m.keptFrom, m.baseTEU = 0, 0
	m.boxes = map[iso6346.ContainerID]*box{}
	m.visits = map[string]*visit{}
	m.trucks = map[string]time.Time{}
}

// Name implements projections.Projection.
func (m *Model) Name() string { return Name }

// Position implements projections.Projection.
func (m *Model) Position() uint64 {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.position
}

// Apply implements projections.Projection.
func (m *Model) Apply(batch []projections.Item) {
	m.mu.Lock()
	defer m.mu.Unlock()
	projections.Fold(&m.position, batch, m.apply)
}

// hourOf is the hour of event time t, counted from the Unix epoch (floored, also before it).
func hourOf(t time.Time) int64 {
	s := t.Unix()
	h := s / 3600
	if s%3600 < 0 {
		h--
	}
	return h
}

func hourStart(h int64) time.Time { return time.Unix(h*3600, 0).UTC() }

func (m *Model) hour(h int64) *hourAgg {
	if m.keptFrom != 0 && h < m.keptFrom {
		h = m.keptFrom // a fact older than what is kept counts in the oldest hour kept
	}
	a, ok := m.hours[h]
	if !ok {
		a = &hourAgg{}
		m.hours[h] = a
		m.hourKeys = insertSorted(m.hourKeys, h)
	}
	return a
}

func (m *Model) apply(it projections.Item) {
	t := it.Time.UTC()
	switch it.Event.(type) {
	case quay.VesselArrived, quay.VesselBerthed, quay.VesselDeparted, quay.ContainerDischarged, quay.ContainerLoaded,
		yard.ContainerAnnounced, yard.ContainerStacked, yard.ContainerLifted,
		gate.TruckArrived, gate.TruckLeft, gate.ContainerGatedIn, gate.ContainerGatedOut:
	default:
		return // equipment reports, holds and unknown types say nothing the KPIs count
	}
	h := hourOf(t)
	agg := m.hour(h)
	agg.Events++
	switch e := it.Event.(type) {
	case quay.VesselArrived:
		v := m.visit(e.Visit)
		v.Vessel = e.Vessel
		if v.Arrived.IsZero() {
			v.Arrived = t
		}
	case quay.VesselBerthed:
		v := m.visit(e.Visit)
		v.Berth = e.Berth
		if v.Berthed.IsZero() {
			v.Berthed = t
		}
	case quay.VesselDeparted:
		if v := m.visit(e.Visit); v.Departed.IsZero() {
			v.Departed = t
		}
	case quay.ContainerDischarged:
		agg.Discharges++
		m.craneMove(quay.Move(e), false, t, h)
		m.enter(e.Container, t, h)
	case quay.ContainerLoaded:
		agg.Loads++
		m.craneMove(quay.Move(e), true, t, h)
		m.leave(e.Container, t, h)
	case gate.ContainerGatedIn:
		agg.GateIns++
		m.enter(e.Container, t, h)
	case gate.ContainerGatedOut:
		agg.GateOuts++
		m.leave(e.Container, t, h)
	case yard.ContainerAnnounced:
		m.announce(e, t)
	case yard.ContainerStacked:
		m.stack(e, h)
	case yard.ContainerLifted:
		b := m.box(e.Container)
		b.Present = true
		m.outOfYard(b, h)
		b.Lifted, b.LiftBlock = true, e.Block
	case gate.TruckArrived:
		m.truckArrived(e.Truck, t, h)
	case gate.TruckLeft:
		m.truckLeft(e.Truck, t, h)
	}
	if t.After(m.newest) {
		m.newest = t
		m.prune()
	}
}

func (m *Model) visit(id string) *visit {
	v, ok := m.visits[id]
	if !ok {
		v = &visit{}
		m.visits[id] = v
	}
	return v
}

// craneMove counts a quay crane's move on its visit, in the crane's span of hour h.
func (m *Model) craneMove(mv quay.Move, load bool, t time.Time, h int64) {
	v := m.visit(mv.Visit)
	if load {
		v.Loads++
	} else {
		v.Discharges++
	}
	if v.Cranes == nil {
		v.Cranes = map[string][]span{}
	}
	spans := v.Cranes[mv.Crane]
	i := len(spans) - 1
	if i < 0 || spans[i].Hour != h { // out of order in time: find or insert the hour's span
		i = 0
		for i < len(spans) && spans[i].Hour < h {
			i++
		}
		if i == len(spans) || spans[i].Hour != h {
			spans = append(spans, span{})
			copy(spans[i+1:], spans[i:])
			spans[i] = span{Hour: h, First: t, Last: t}
		}
	}
	s := &spans[i]
	if load {
		s.Loads++
	} else {
		s.Discharges++
	}
	if t.Before(s.First) {
		s.First = t
	}
	if t.After(s.Last) {
		s.Last = t
	}
	v.Cranes[mv.Crane] = spans
}

// box returns the container's state, creating it on first sight.
func (m *Model) box(id iso6346.ContainerID) *box {
	b, ok := m.boxes[id]
	if !ok {
		b = &box{TEU: 1, Cat: catUnknown}
		m.boxes[id] = b
	}
	return b
}

func (m *Model) announce(e yard.ContainerAnnounced, t time.Time) {
	b := m.box(e.Container)
	teu := int8(e.SizeType.TEU())
	if b.InYard && teu != b.TEU {
		// Counted with the wrong size since it was stacked: correct the level from then on.
		m.hour(b.StackHour).TEUDelta += int(teu - b.TEU)
	}
	b.TEU, b.Cat = teu, catIndex(e.Category)
	if !b.Present {
		b.Announced = t
	}
}

// EnteredBefore tells the model that box id, already in the terminal when the model's first fact
// is folded, entered it at t: its dwell runs from t when it leaves. A fork that starts from the
// twin's yard knows the entry times of the boxes it takes over, but not the facts behind them.
// A box whose entry is already known keeps it.
func (m *Model) EnteredBefore(id iso6346.ContainerID, t time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b := m.box(id)
	if b.Entered.IsZero() {
		b.Entered = t.UTC()
	}
	b.Present = true
}

// enter records a box coming into the terminal by sea or by road. Its dwell runs from the first
// entry; a box already in a slot leaves it (the twin missed the lift), and a pending lift is not
// a rehandle any more: it served this job.
func (m *Model) enter(id iso6346.ContainerID, t time.Time, h int64) {
	b := m.box(id)
	m.outOfYard(b, h)
	b.Lifted = false
	if b.Entered.IsZero() {
		b.Entered = t
	}
	b.Present, b.Announced = true, time.Time{}
}

// leave records a box leaving the terminal and forgets it.
func (m *Model) leave(id iso6346.ContainerID, t time.Time, h int64) {
	b := m.boxes[id]
	cat := uint8(catUnknown)
	if b != nil {
		cat = b.Cat
		m.outOfYard(b, h)
		delete(m.boxes, id)
	}
	agg := m.hour(h)
	d := agg.Dwell[cat]
	if d == nil {
		d = &dwellAgg{}
		agg.Dwell[cat] = d
	}
	switch {
	case b == nil || b.Entered.IsZero():
		d.EntryUnknown++
	case t.Before(b.Entered):
		agg.Unmatched.DwellNegative++
	default:
		s := t.Sub(b.Entered).Seconds()
		d.Left.add(s)
		d.Hist[dwellBucket(s)]++
	}
}

func (m *Model) stack(e yard.ContainerStacked, h int64) {
	b := m.box(e.Container)
	b.Present, b.Announced = true, time.Time{}
	if b.Lifted {
		if e.Block == b.LiftBlock {
			m.hour(h).RehandlesIn++
		} else {
			m.hour(h).RehandlesX++
		}
		b.Lifted, b.LiftBlock = false, ""
	}
	if !b.InYard { // a second stack with no lift moves the box: the level does not change
		b.InYard, b.StackHour = true, h
		m.hour(h).TEUDelta += int(b.TEU)
	}
}

// outOfYard takes b's TEU out of the yard's level at hour h, if it was in.
func (m *Model) outOfYard(b *box, h int64) {
	if !b.InYard {
		return
	}
	b.InYard, b.StackHour = false, 0
	m.hour(h).TEUDelta -= int(b.TEU)
}

func (m *Model) truckArrived(truck string, t time.Time, h int64) {
	if prev, inside := m.trucks[truck]; inside {
		if prev.Equal(t) {
			return // the same arrival reported again
		}
		m.hour(hourOf(prev)).Unmatched.TruckArrivals++ // its departure was never reported
	}
	m.trucks[truck] = t
	m.hour(h).TruckArrivals++
}

func (m *Model) truckLeft(truck string, t time.Time, h int64) {
	arrived, inside := m.trucks[truck]
	agg := m.hour(h)
	if !inside {
		agg.Unmatched.TruckLeft++
		return
	}
	delete(m.trucks, truck)
	if t.Before(arrived) {
		agg.Unmatched.TurnNegative++
		return
	}
	agg.Turns.add(t.Sub(arrived).Seconds())
}

// prune drops what was left open too long, once per day of event time: announced boxes that never
// came and trucks whose departure was never reported. It runs as event time advances, so the state
// after a given position does not depend on when it is read or restored.
func (m *Model) prune() {
	day := hourOf(m.newest) / 24
	if day <= m.pruneDay {
		return
	}
	m.pruneDay = day
	for id, b := range m.boxes {
		if !b.Present && !b.Announced.IsZero() && m.newest.Sub(b.Announced) > announcementTTL {
			delete(m.boxes, id)
		}
	}
	for truck, at := range m.trucks {
		if m.newest.Sub(at) > truckTTL {
			delete(m.trucks, truck)
			m.hour(hourOf(at)).Unmatched.TruckArrivals++
		}
	}
	m.forgetOld()
}

// forgetOld drops the hours and the departed visits older than the retention. The yard's level
// carries on from the dropped hours' deltas (baseTEU), so utilisation stays right.
func (m *Model) forgetOld() {
	if m.retention < 0 {
		return
	}
	cut := hourOf(m.newest.Add(-m.retention))
	n := 0
	for n < len(m.hourKeys) && m.hourKeys[n] < cut {
		m.baseTEU += m.hours[m.hourKeys[n]].TEUDelta
		delete(m.hours, m.hourKeys[n])
		n++
	}
	if n == 0 {
		return
	}
	m.hourKeys = slices.Clone(m.hourKeys[n:])
	m.keptFrom = cut
	for id, v := range m.visits {
		if !v.Departed.IsZero() && hourOf(v.Departed) < cut {
			delete(m.visits, id)
		}
	}
}
