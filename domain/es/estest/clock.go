package estest

import (
	"fmt"
	"os"
	"time"

	"github.com/yardtwin/yardtwin/domain/es"
)

// ClockShiftVariable names the environment variable that moves the wall clock of every twin a test
// builds without choosing a clock of its own (a duration such as 8760h). make test runs the packages
// whose tests build events on fixed dates a second time with it set to a year, so that a test that
// still compares those dates with the real day fails today rather than on the day the date passes.
const ClockShiftVariable = "YARDTWIN_TEST_CLOCK_SHIFT"

// ClockShift is the shift ClockShiftVariable asks for (zero when unset). A value that is not a
// duration panics: the run was set up wrongly and every result would mislead.
func ClockShift() time.Duration {
	raw := os.Getenv(ClockShiftVariable)
	if raw == "" {
		return 0
	}
	d, err := time.ParseDuration(raw)
	if err != nil {
		panic(fmt.Sprintf("%s=%q is not a duration such as 8760h: %v", ClockShiftVariable, raw, err))
	}
	return d
}

// WallClock is the clock a test runs the twin on when the test does not pin one: the system clock
// moved by ClockShift. Tests that build events relative to "now" take now from it (Now).
func WallClock() es.Clock {
	return es.ClockSetting{Shift: ClockShift()}.Clock(time.Now)
}

// Now is WallClock's reading: "now" as the twin under test sees it.
func Now() time.Time { return WallClock()() }

// ClockSetting is the clock setting of a twin under test (serve --clock) when the test does not pin
// one: empty, or the shift of ClockShiftVariable.
func ClockSetting() string { return es.ClockSetting{Shift: ClockShift()}.String() }

// ClockAt is the clock setting that starts a twin's clock at at: the setting of a test whose events
// happen on fixed dates, so that they are reported on time whatever day the test runs.
func ClockAt(at time.Time) string { return es.ClockSetting{Start: at}.String() }
