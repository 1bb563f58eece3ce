package es

import (
	"strings"
	"testing"
	"time"
)

func TestParseClockSetting(t *testing.T) {
	tests := []struct {
		give      string
		want      ClockSetting
		wantError string
	}{
		{give: "", want: ClockSetting{}},
		{give: "  ", want: ClockSetting{}},
		{give: "+8760h", want: ClockSetting{Shift: 8760 * time.Hour}},
		{give: "-36h30m", want: ClockSetting{Shift: -36*time.Hour - 30*time.Minute}},
		{give: "2026-11-22T08:00:00Z", want: ClockSetting{Start: time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)}},
		{give: "2026-11-22T09:00:00+01:00", want: ClockSetting{Start: time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)}},
		{give: "+a year", wantError: `"+a year" is not a signed duration`},
		{give: "tomorrow", wantError: `"tomorrow" is neither an RFC 3339 instant`},
		{give: "2026-11-22", wantError: `is neither an RFC 3339 instant`},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			got, err := ParseClockSetting(tt.give)
			if tt.wantError != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantError) {
					t.Fatalf("ParseClockSetting(%q) = %v, %v; want an error with %q", tt.give, got, err, tt.wantError)
				}
				return
			}
			if err != nil || !got.Start.Equal(tt.want.Start) || got.Shift != tt.want.Shift {
				t.Fatalf("ParseClockSetting(%q) = %+v, %v; want %+v", tt.give, got, err, tt.want)
			}
			if again, err := ParseClockSetting(got.String()); err != nil || !again.Start.Equal(got.Start) || again.Shift != got.Shift {
				t.Fatalf("%q read back from %q as %+v, %v", tt.give, got.String(), again, err)
			}
		})
	}
}

// TestClockSettingClock runs each kind of clock on a system clock the test moves by hand.
func TestClockSettingClock(t *testing.T) {
	system := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	read := func() time.Time { return system }
	start := time.Date(2026, 11, 21, 8, 0, 0, 0, time.FixedZone("CET", 3600))
	tests := []struct {
		name      string
		give      ClockSetting
		wantAt0   time.Time
		wantAfter time.Time // after the system clock moved 10 s
	}{
		{name: "system", give: ClockSetting{}, wantAt0: system, wantAfter: system.Add(10 * time.Second)},
		{name: "shifted", give: ClockSetting{Shift: -time.Hour}, wantAt0: system.Add(-time.Hour), wantAfter: system.Add(-time.Hour + 10*time.Second)},
		{name: "started", give: ClockSetting{Start: start}, wantAt0: start.UTC(), wantAfter: start.UTC().Add(10 * time.Second)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			system = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
			clock := tt.give.Clock(read)
			if got := clock(); !got.Equal(tt.wantAt0) || got.Location() != time.UTC {
				t.Fatalf("at the start the clock reads %v, want %v in UTC", got, tt.wantAt0)
			}
			system = system.Add(10 * time.Second)
			if got := clock(); !got.Equal(tt.wantAfter) {
				t.Fatalf("10 s later the clock reads %v, want %v", got, tt.wantAfter)
			}
		})
	}
}
