package yardmap

import (
	"time"

	"github.com/yardtwin/yardtwin/domain/iso6346"
)

// queue is a first-in first-out list of leaving entries: pushing and popping cost O(1) amortised.
// The popped front is given back to the allocator once it is more than half the backing array.
//
// Each entry gets a sequence number as it is pushed (its record key for time travel, records.go).
// Once Changes has been called, the queue also notes the entries it hands over and removes (popped,
// or dropped by a compaction), so that the next Changes costs what changed, not the queue.
type queue struct {
	items  []leaving
	head   int
	pushed uint64 // entries ever pushed: the sequence number of the next one

	tracking bool     // set by the first Changes; a model nobody asks notes nothing
	handed   uint64   // pushed at the last Changes: the entries below it were handed over
	gone     []uint64 // sequence numbers of handed-over entries removed since
}

func (q *queue) push(v leaving) {
	v.seq = q.pushed
	q.pushed++
	q.items = append(q.items, v)
}

func (q *queue) len() int { return len(q.items) - q.head }

func (q *queue) front() leaving { return q.items[q.head] }

func (q *queue) pop() {
	q.removed(q.items[q.head])
	q.items[q.head] = leaving{}
	q.head++
	if q.head == len(q.items) {
		q.items, q.head = q.items[:0], 0
	} else if q.head >= 1024 && q.head*2 >= len(q.items) {
		q.items, q.head = append([]leaving(nil), q.items[q.head:]...), 0
	}
}

// removed notes that e left the queue, if it was handed over.
func (q *queue) removed(e leaving) {
	if q.tracking && e.seq < q.handed {
		q.gone = append(q.gone, e.seq)
	}
}

// slice returns the queued items, front first (for snapshots).
func (q *queue) slice() []leaving { return q.items[q.head:] }

// reset replaces the queue with items, front first, numbered from 0; nothing is noted until the
// next Changes.
func (q *queue) reset(items []leaving) {
	*q = queue{items: items}
	for i := range q.items {
		q.items[i].seq = uint64(i)
	}
	q.pushed = uint64(len(items))
}

// departedWhere says whether a box that is where has left the terminal.
func departedWhere(where string) bool { return where == AtGone || where == AtVessel }

// expectedWhere says whether a box that is where waits for news to be placed again.
func expectedWhere(where string) bool { return where == AtAnnounced || where == AtUnknown }

// queued puts b in the eviction queue of where it now is, if any; called on every move.
func (m *Model) queued(b *Box) {
	switch {
	case m.history:
	case departedWhere(b.Where):
		m.departed.push(leaving{ID: string(b.Container), Since: b.Since})
		m.compact(&m.departed, departedWhere, m.byWhere[AtGone]+m.byWhere[AtVessel])
	case expectedWhere(b.Where):
		m.expected.push(leaving{ID: string(b.Container), Since: b.Since})
		m.compact(&m.expected, expectedWhere, m.byWhere[AtAnnounced]+m.byWhere[AtUnknown])
	}
}

// compact drops the stale entries of q (boxes that moved on) once they outnumber the live ones:
// without it, every box announced and then stacked would leave an entry waiting ExpectedFor. Each
// compaction at least halves the queue, so its cost is O(1) amortised; it depends only on the
// queue and the boxes, so a rebuild and a restored model compact at the same positions.
func (m *Model) compact(q *queue, still func(where string) bool, live int) {
	if q.len() < 1024 || q.len() <= 2*live {
		return
	}
	kept := make([]leaving, 0, live)
	for _, e := range q.slice() {
		if m.current(e, still) {
			kept = append(kept, e)
		} else {
			q.removed(e)
		}
	}
	q.items, q.head = kept, 0
}

// current says whether queue entry e still stands for its box: the box is held, still where the
// entry put it, since the same time.
func (m *Model) current(e leaving, still func(where string) bool) bool {
	b, ok := m.boxes[iso6346.ContainerID(e.ID)]
	return ok && still(b.Where) && b.Since.Equal(e.Since) && b.Slot == nil
}

// evict forgets what the retention rules (package doc) say has been held long enough at event time
// m.newest. It looks at the heads of the queues only, so it costs O(1) amortised per event.
func (m *Model) evict() {
	if m.history {
		return
	}
	// Over the cap: the queue holds an entry for every box that left (and some stale ones), so it
	// is only worth counting the boxes when the queue is longer than the cap.
	over := func() bool {
		return m.cfg.MaxDeparted >= 0 && m.departed.len() > m.cfg.MaxDeparted &&
			m.byWhere[AtGone]+m.byWhere[AtVessel] > m.cfg.MaxDeparted
	}
	for m.departed.len() > 0 {
		e := m.departed.front()
		if !m.expired(e.Since, m.cfg.DepartedFor) && !over() {
			break
		}
		m.departed.pop()
		m.forgetBox(e, departedWhere)
	}
	for m.expected.len() > 0 {
		e := m.expected.front()
		if !m.expired(e.Since, m.cfg.ExpectedFor) {
			break
		}
		m.expected.pop()
		m.forgetBox(e, expectedWhere)
	}
	for m.leftVisits.len() > 0 {
		e := m.leftVisits.front()
		if !m.expired(e.Since, m.cfg.VisitsFor) && (m.cfg.MaxDepartedVisits < 0 || m.leftVisits.len() <= m.cfg.MaxDepartedVisits) {
			break
		}
		m.leftVisits.pop()
		if v, ok := m.visits[e.ID]; ok && v.State == "departed" && v.Departed.Equal(e.Since) {
			delete(m.visits, e.ID)
			m.touchVisit(e.ID)
		}
	}
}

// expired says whether something that got where it is at since has been there longer than keep
// at event time m.newest; a negative keep never expires.
func (m *Model) expired(since time.Time, keep time.Duration) bool {
	return keep >= 0 && m.newest.Sub(since) > keep
}

// forgetBox drops the box of queue entry e if it is still where the entry put it.
func (m *Model) forgetBox(e leaving, still func(where string) bool) {
	if !m.current(e, still) {
		return // it moved on since: a later entry, if any, stands for it
	}
	id := iso6346.ContainerID(e.ID)
	m.byWhere[m.boxes[id].Where]--
	delete(m.boxes, id)
	m.touchBox(id)
}
