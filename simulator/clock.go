package simulator

import "time"

// Clock tells simulated time. Models read time only from a Clock, never from the wall clock, so a
// simulated week runs in seconds.
type Clock interface {
	// Now returns the current simulated time (UTC).
	Now() time.Time
}

// VirtualClock is a Clock that moves only when told to. The zero value is not usable: build one
// with NewVirtualClock.
type VirtualClock struct {
	now time.Time
}

// NewVirtualClock returns a clock standing at start (converted to UTC).
func NewVirtualClock(start time.Time) *VirtualClock { return &VirtualClock{now: start.UTC()} }

// Now implements Clock.
func (c *VirtualClock) Now() time.Time { return c.now }

// Advance moves the clock forward by d; a negative d is ignored, since time never runs backwards.
func (c *VirtualClock) Advance(d time.Duration) {
	if d > 0 {
		c.now = c.now.Add(d)
	}
}

// AdvanceTo moves the clock to t if t is later than now.
func (c *VirtualClock) AdvanceTo(t time.Time) {
	if t.After(c.now) {
		c.now = t.UTC()
	}
}
