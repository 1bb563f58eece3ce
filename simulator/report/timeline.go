package report

import (
	"fmt"
	"time"

	"github.com/yardtwin/yardtwin/domain/equipment"
	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/gate"
	"github.com/yardtwin/yardtwin/domain/iso6346"
	"github.com/yardtwin/yardtwin/domain/quay"
	"github.com/yardtwin/yardtwin/domain/yard"
)

// Timeline folds a run's decoded events, in log order, into what no projection keeps over time:
// the fill of each block at a fixed step, and the road trucks queuing at the in-gate hour by hour.
// Its memory is bounded by the boxes in the yard and the trucks inside, not by the length of the
// run, so a simulated year folds in constant space.
//
// Block fill counts a box's TEU (2 when announced longer than 24 ft, else 1, as the yard
// projection counts it) in the block of its last yard.ContainerStacked until it is lifted, loaded
// or gated out.
//
// A road truck queues at the in-gate from its gate.TruckArrived until the first of: a
// gate.ContainerGatedIn naming it (its box is taken in), an equipment.PositionReported of it away
// from where it was first reported after arriving (it drove off the lane), or its gate.TruckLeft.
// The queue is the number of such trucks; each hour gets its time-weighted mean and its maximum.
type Timeline struct {
	start, end time.Time

	// block fill
	blocks   []*yard.Block
	index    map[string]int
	teu      []int
	sizes    map[iso6346.ContainerID]int8 // TEU of announced boxes while in the terminal
	slotted  map[iso6346.ContainerID]int  // block index of boxes in a slot
	every    time.Duration
	next     time.Time // next fill sample
	fillAt   []time.Time
	fillRows [][]float64 // [sample][block]

	// gate queue
	atGate   map[string]*gateTruck // by plate
	queue    int
	hour     time.Time // start of the hour being summed
	last     time.Time // last change of the queue
	area     float64   // truck-seconds in the hour so far
	maxQ     int
	arrivals int
	queueOut []QueuePoint
}

type gateTruck struct {
	pos    [2]float64
	placed bool
}

// NewTimeline returns a timeline of the terminal in layout over [start, end), sampling block fill
// every step (at least an hour; a whole number of hours).
func NewTimeline(layout *yard.Layout, start, end time.Time, step time.Duration) *Timeline {
	step = max(step.Truncate(time.Hour), time.Hour)
	t := &Timeline{
		start: start, end: end, every: step,
		index:   map[string]int{},
		sizes:   map[iso6346.ContainerID]int8{},
		slotted: map[iso6346.ContainerID]int{},
		atGate:  map[string]*gateTruck{},
		next:    start,
		hour:    start.Truncate(time.Hour),
		last:    start.Truncate(time.Hour),
	}
	for i, b := range layout.Blocks() {
		t.blocks = append(t.blocks, b)
		t.index[b.ID] = i
	}
	t.teu = make([]int, len(t.blocks))
	return t
}

// FillStep returns the step for sampling block fill over a horizon: hourly up to about 20 days,
// then coarser so that a run gives at most about 500 samples.
func FillStep(horizon time.Duration) time.Duration {
	return max((horizon / 500).Truncate(time.Hour), time.Hour)
}

// Observe folds one event that happened at at. Events must come in log order; a nil event (a type
// this build does not know) is ignored.
func (t *Timeline) Observe(at time.Time, ev es.Event) {
	if ev == nil {
		return
	}
	t.sampleUntil(at)
	t.advance(at)
	switch e := ev.(type) {
	case yard.ContainerAnnounced:
		teu := int8(e.SizeType.TEU())
		if old, ok := t.sizes[e.Container]; ok && old != teu {
			if i, in := t.slotted[e.Container]; in {
				t.teu[i] += int(teu - old)
			}
		}
		t.sizes[e.Container] = teu
	case yard.ContainerStacked:
		t.unslot(e.Container)
		if i, ok := t.index[e.Block]; ok {
			t.slotted[e.Container] = i
			t.teu[i] += t.size(e.Container)
		}
	case yard.ContainerLifted:
		t.unslot(e.Container)
	case quay.ContainerLoaded:
		t.unslot(e.Container)
		delete(t.sizes, e.Container)
	case gate.ContainerGatedOut:
		t.unslot(e.Container)
		delete(t.sizes, e.Container)
	case gate.TruckArrived:
		t.arrivals++
		if _, in := t.atGate[e.Truck]; !in {
			t.atGate[e.Truck] = &gateTruck{}
			t.setQueue(t.queue + 1)
		}
	case gate.ContainerGatedIn:
		t.served(e.Truck)
	case gate.TruckLeft:
		t.served(e.Truck)
	case equipment.PositionReported:
		g, ok := t.atGate[e.Equipment]
		if !ok {
			return
		}
		p := [2]float64{e.Lon, e.Lat}
		switch {
		case !g.placed:
			g.pos, g.placed = p, true
		case p != g.pos:
			t.served(e.Equipment)
		}
	}
}

func (t *Timeline) size(id iso6346.ContainerID) int {
	if s, ok := t.sizes[id]; ok && s > 0 {
		return int(s)
	}
	return 1
}

func (t *Timeline) unslot(id iso6346.ContainerID) {
	if i, ok := t.slotted[id]; ok {
		t.teu[i] -= t.size(id)
		delete(t.slotted, id)
	}
}

func (t *Timeline) served(plate string) {
	if _, ok := t.atGate[plate]; ok {
		delete(t.atGate, plate)
		t.setQueue(t.queue - 1)
	}
}

func (t *Timeline) setQueue(n int) {
	t.queue = n
	t.maxQ = max(t.maxQ, n)
}

// sampleUntil records the fill at every sample time before at, before an event at at is folded:
// the sample at h shows the yard after every event timed at or before h.
func (t *Timeline) sampleUntil(at time.Time) {
	for t.next.Before(at) && t.next.Before(t.end) {
		row := make([]float64, len(t.blocks))
		for i, b := range t.blocks {
			if c := b.Capacity(); c > 0 {
				row[i] = float64(t.teu[i]) / float64(c)
			}
		}
		t.fillAt = append(t.fillAt, t.next)
		t.fillRows = append(t.fillRows, row)
		t.next = t.next.Add(t.every)
	}
}

// advance adds the queue's time up to at, closing every hour that ends on the way.
func (t *Timeline) advance(at time.Time) {
	if at.Before(t.last) {
		return // events of the same instant, or a report out of order: the queue's time is already counted
	}
	for end := t.hour.Add(time.Hour); !end.After(at); end = t.hour.Add(time.Hour) {
		t.area += float64(t.queue) * end.Sub(t.last).Seconds()
		t.queueOut = append(t.queueOut, QueuePoint{At: t.hour, Mean: round3(t.area / 3600), Max: t.maxQ, Arrivals: t.arrivals})
		t.hour, t.last, t.area, t.maxQ, t.arrivals = end, end, 0, t.queue, 0
	}
	t.area += float64(t.queue) * at.Sub(t.last).Seconds()
	t.last = at
}

// Finish closes the series at the end of the run and returns them; the timeline must not be used
// after.
func (t *Timeline) Finish() (BlockFill, []QueuePoint) {
	t.sampleUntil(t.end)
	t.advance(t.end)
	bf := BlockFill{Every: Hours(t.every), At: t.fillAt, Blocks: make([]BlockSeries, len(t.blocks))}
	for i, b := range t.blocks {
		s := BlockSeries{Block: b.ID, Capacity: b.Capacity(), Fill: make([]float64, len(t.fillRows))}
		for j, row := range t.fillRows {
			s.Fill[j] = round3(row[i])
		}
		bf.Blocks[i] = s
	}
	if bf.At == nil {
		bf.At = []time.Time{}
	}
	q := t.queueOut
	if q == nil {
		q = []QueuePoint{}
	}
	return bf, q
}

// QueueSummary returns the time-weighted mean and the maximum of the gate queue over the hours.
func QueueSummary(q []QueuePoint) (mean float64, peak int) {
	if len(q) == 0 {
		return 0, 0
	}
	for _, p := range q {
		mean += p.Mean
		peak = max(peak, p.Max)
	}
	return round3(mean / float64(len(q))), peak
}

func round3(v float64) float64 {
	if v < 0 {
		return -round3(-v)
	}
	return float64(int64(v*1000+0.5)) / 1000
}

// Hours writes a whole number of hours as "3h", or days as "2d" when it is a whole number of them.
func Hours(d time.Duration) string {
	h := int64(d / time.Hour)
	if h >= 24 && h%24 == 0 {
		return fmt.Sprintf("%dd", h/24)
	}
	return fmt.Sprintf("%dh", h)
}
