package es

import (
	"slices"
	"testing"
	"time"
)

func TestParseRetention(t *testing.T) {
	tests := []struct {
		give    string
		want    Retention
		wantErr bool
	}{
		{give: "", want: nil},
		{give: " ; ", want: nil},
		{give: "equipment.PositionReported=168h/1m", want: Retention{{Type: "equipment.PositionReported", Full: 168 * time.Hour, Every: time.Minute}}},
		{give: "equipment.PositionReported=720h/0", want: Retention{{Type: "equipment.PositionReported", Full: 720 * time.Hour}}},
		{give: "a.B=1h/10s; c.D=2h/0", want: Retention{{Type: "a.B", Full: time.Hour, Every: 10 * time.Second}, {Type: "c.D", Full: 2 * time.Hour}}},
		{give: "equipment.PositionReported=168h", wantErr: true}, // no interval: say 0 to keep none
		{give: "equipment.PositionReported", wantErr: true},      // no periods
		{give: "=168h/1m", wantErr: true},            // no type
		{give: "a.B=0s/1m", wantErr: true},           // nothing kept at full rate
		{give: "a.B=1h/-1m", wantErr: true},          // negative interval
		{give: "a.B=1h/1m;a.B=2h/1m", wantErr: true}, // two rules for one type
		{give: "a.B=7d/1m", wantErr: true},           // not a Go duration
		{give: "a.B=1h/1m,c.D=1h/1m", wantErr: true}, // comma is not the separator
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			got, err := ParseRetention(tt.give)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseRetention(%q) error = %v, want error %v", tt.give, err, tt.wantErr)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("ParseRetention(%q) = %v, want %v", tt.give, got, tt.want)
			}
			if err == nil {
				again, err := ParseRetention(got.String())
				if err != nil || !slices.Equal(again, got) {
					t.Errorf("%q does not read back: %v, %v", got.String(), again, err)
				}
			}
		})
	}
}

func TestRetentionRule(t *testing.T) {
	r := Retention{{Type: "equipment.PositionReported", Full: time.Hour, Every: time.Minute}}
	if _, ok := r.Rule("yard.ContainerStacked"); ok {
		t.Errorf("a business event has a rule")
	}
	if rule, ok := r.Rule("equipment.PositionReported"); !ok || rule.Every != time.Minute {
		t.Errorf("rule = %+v, %v", rule, ok)
	}
	if got := (Retention{}).String(); got != "" {
		t.Errorf("the empty policy reads %q", got)
	}
}
