package kurrentdb

import (
	"strings"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/domain/es"
)

const (
	typePosition = "equipment.PositionReported"
	typeStatus   = "equipment.StatusChanged"
)

var (
	dropAfter30d = es.RetentionRule{Type: typePosition, Full: 720 * time.Hour}
	thinAfter7d  = es.RetentionRule{Type: typePosition, Full: 168 * time.Hour, Every: time.Minute}
)

func TestPlanRetention(t *testing.T) {
	tests := []struct {
		name         string
		givePolicy   es.Retention
		giveHolds    map[string][]string
		wantMaxAge   map[string]time.Duration // stream → $maxAge
		wantUnmapped []string                 // a word of each reason, in order
	}{
		{"NoPolicy", nil, map[string][]string{"yardtwin-log": nil}, nil, nil},
		{"DropOnTheLog", es.Retention{dropAfter30d}, map[string][]string{"yardtwin-log": nil}, nil, []string{"every type"}},
		{"ThinOnTheLog", es.Retention{thinAfter7d}, map[string][]string{"yardtwin-log": nil}, nil, []string{"not expressible"}},
		{"DropOnPositionStreams", es.Retention{dropAfter30d}, map[string][]string{
			"positions-RTG01": {typePosition}, "positions-RTG02": {typePosition}, "equipment-RTG01": {typeStatus},
		}, map[string]time.Duration{"positions-RTG01": 720 * time.Hour, "positions-RTG02": 720 * time.Hour}, nil},
		{"ThinOnPositionStreams", es.Retention{thinAfter7d}, map[string][]string{"positions-RTG01": {typePosition}}, nil, []string{"not expressible"}},
		{"DropOnMixedStream", es.Retention{dropAfter30d}, map[string][]string{"equipment-RTG01": {typePosition, typeStatus}}, nil, []string{"other event types"}},
		{"NoStreamHoldsIt", es.Retention{dropAfter30d}, map[string][]string{"equipment-RTG01": {typeStatus}}, nil, []string{"no stream"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mapped, unmapped := PlanRetention(tt.givePolicy, tt.giveHolds)
			if len(mapped) != len(tt.wantMaxAge) {
				t.Fatalf("%d streams mapped, want %d: %+v", len(mapped), len(tt.wantMaxAge), mapped)
			}
			for _, m := range mapped {
				want, ok := tt.wantMaxAge[m.Stream]
				if got := m.Metadata.MaxAge(); !ok || got == nil || *got != want {
					t.Errorf("%s: $maxAge %v, want %v", m.Stream, got, want)
				}
				if m.Metadata.MaxCount() != nil || m.Metadata.TruncateBefore() != nil {
					t.Errorf("%s: $maxCount or $tb set: %+v", m.Stream, m.Metadata)
				}
			}
			if len(unmapped) != len(tt.wantUnmapped) {
				t.Fatalf("%d rules unmapped, want %d: %+v", len(unmapped), len(tt.wantUnmapped), unmapped)
			}
			for i, u := range unmapped {
				if !strings.Contains(u.Reason, tt.wantUnmapped[i]) {
					t.Errorf("reason %q does not say %q", u.Reason, tt.wantUnmapped[i])
				}
			}
		})
	}
}

// TestPlanRetentionNeverTouchesTheLog checks the adapter's own layout: whatever the policy, the
// log stream, which holds business events, gets no metadata.
func TestPlanRetentionNeverTouchesTheLog(t *testing.T) {
	for _, p := range []es.Retention{{dropAfter30d}, {thinAfter7d}, {dropAfter30d, {Type: typeStatus, Full: time.Hour}}} {
		if mapped, _ := PlanRetention(p, map[string][]string{DefaultStream: nil}); len(mapped) != 0 {
			t.Errorf("policy %s mapped onto the log: %+v", p, mapped)
		}
	}
}

func TestOptionsRefuseBadRetention(t *testing.T) {
	err := Options{Retention: es.Retention{{Type: typePosition}}}.Validate()
	if err == nil {
		t.Fatal("options accepted a rule with no full-rate period")
	}
}
