package es

import (
	"fmt"
	"strings"
	"time"
)

// Clock tells the twin's wall time: when it receives an event and when it records one (Recorded).
// Everything the twin compares with that time (a late report, an as_of cut, a dead letter's time)
// reads it from the one Clock the application is built with, never from time.Now, so that tests and
// replays of a past day's traffic can run the twin on a clock of their own.
type Clock func() time.Time

// ClockSetting is what the twin's clock setting may say (serve --clock): empty for the system
// clock; an RFC 3339 instant for a clock that starts there when the twin starts and runs at the
// system clock's rate (replaying a past day's traffic, tests on fixed dates); or a signed duration
// ("+8760h", "-36h") for the system clock moved by that much.
type ClockSetting struct {
	// Start is where the clock stands when it is built; zero means the system clock's reading.
	Start time.Time
	// Shift moves the system clock (Start zero only).
	Shift time.Duration
}

// ParseClockSetting reads a clock setting; the error says what was expected.
func ParseClockSetting(s string) (ClockSetting, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return ClockSetting{}, nil
	case s[0] == '+' || s[0] == '-':
		d, err := time.ParseDuration(s)
		if err != nil {
			return ClockSetting{}, fmt.Errorf("%q is not a signed duration such as +8760h or -36h", s)
		}
		return ClockSetting{Shift: d}, nil
	}
	at, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return ClockSetting{}, fmt.Errorf("%q is neither an RFC 3339 instant (2026-11-22T08:00:00Z) nor a signed duration (+8760h)", s)
	}
	return ClockSetting{Start: at.UTC()}, nil
}

// String gives the setting back in the form ParseClockSetting reads.
func (c ClockSetting) String() string {
	switch {
	case !c.Start.IsZero():
		return c.Start.Format(time.RFC3339Nano)
	case c.Shift > 0:
		return "+" + c.Shift.String()
	case c.Shift < 0:
		return c.Shift.String()
	}
	return ""
}

// Clock builds the clock the setting describes on top of system, the machine's clock (time.Now in
// production). It reads system once now, for a setting with a Start; every reading is in UTC.
func (c ClockSetting) Clock(system Clock) Clock {
	if c.Start.IsZero() {
		shift := c.Shift
		return func() time.Time { return system().Add(shift).UTC() }
	}
	offset := c.Start.Sub(system())
	return func() time.Time { return system().Add(offset).UTC() }
}
