package simulator

import "time"

// Action is a piece of model behaviour scheduled to run at a simulated instant.
type Action func()

// Engine is a discrete-event scheduler: a heap of actions keyed by simulated time, ties broken by
// the order of scheduling, so a run is reproducible. It owns the virtual clock: running an action
// first moves the clock to the action's time. An Engine is not safe for concurrent use.
type Engine struct {
	clock *VirtualClock
	heap  []scheduled
	seq   uint64
	steps uint64
}

// scheduled is an action in the heap; at is Unix nanoseconds (years 1678 to 2262), which compares
// far faster than time.Time.
type scheduled struct {
	at  int64
	seq uint64
	fn  Action
}

func (a *scheduled) before(b *scheduled) bool {
	if a.at != b.at {
		return a.at < b.at
	}
	return a.seq < b.seq
}

// NewEngine returns an engine with an empty schedule and its clock at start.
func NewEngine(start time.Time) *Engine { return &Engine{clock: NewVirtualClock(start)} }

// Clock returns the engine's clock.
func (e *Engine) Clock() *VirtualClock { return e.clock }

// Now returns the current simulated time.
func (e *Engine) Now() time.Time { return e.clock.Now() }

// At schedules fn at t; a t in the past runs at the current time, after what is already due then.
func (e *Engine) At(t time.Time, fn Action) {
	if t.Before(e.clock.now) {
		t = e.clock.now
	}
	e.seq++
	e.push(scheduled{at: t.UnixNano(), seq: e.seq, fn: fn})
}

// After schedules fn d from now (a negative d means now).
func (e *Engine) After(d time.Duration, fn Action) { e.At(e.clock.now.Add(d), fn) }

// Len returns the number of scheduled actions.
func (e *Engine) Len() int { return len(e.heap) }

// Steps returns how many actions have run.
func (e *Engine) Steps() uint64 { return e.steps }

// Next returns the time of the earliest scheduled action, or false when none is.
func (e *Engine) Next() (time.Time, bool) {
	if len(e.heap) == 0 {
		return time.Time{}, false
	}
	return time.Unix(0, e.heap[0].at).UTC(), true
}

// Step runs the earliest action, moving the clock to its time. It returns false when nothing is
// scheduled.
func (e *Engine) Step() bool {
	if len(e.heap) == 0 {
		return false
	}
	a := e.pop()
	if a.at > e.clock.now.UnixNano() {
		e.clock.now = time.Unix(0, a.at).UTC()
	}
	e.steps++
	a.fn()
	return true
}

// RunUntil runs every action due at or before t, including those the actions schedule, then moves
// the clock to t. It returns the number of actions run.
func (e *Engine) RunUntil(t time.Time) int {
	n := 0
	for tn := t.UnixNano(); len(e.heap) > 0 && e.heap[0].at <= tn; {
		e.Step()
		n++
	}
	e.clock.AdvanceTo(t)
	return n
}

// push and pop keep a binary min-heap; written out rather than through container/heap to avoid
// boxing every action in an interface.
func (e *Engine) push(a scheduled) {
	e.heap = append(e.heap, a)
	i := len(e.heap) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !e.heap[i].before(&e.heap[p]) {
			break
		}
		e.heap[i], e.heap[p] = e.heap[p], e.heap[i]
		i = p
	}
}

func (e *Engine) pop() scheduled {
	h := e.heap
	top := h[0]
	last := len(h) - 1
	h[0] = h[last]
	h[last] = scheduled{} // let the closure be collected
	h = h[:last]
	i := 0
	for {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(h) && h[l].before(&h[m]) {
			m = l
		}
		if r < len(h) && h[r].before(&h[m]) {
			m = r
		}
		if m == i {
			break
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
	e.heap = h
	return top
}
