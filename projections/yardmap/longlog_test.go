package yardmap

import (
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/projections"
)

// sizesAt folds the demo scenario's log and returns what the model holds at the end of each of
// the given spans of simulated time, with the log length then.
func sizesAt(t *testing.T, cfg Config, spans ...time.Duration) ([]Held, []uint64) {
	t.Helper()
	f, l := demoFeed(t)
	m := NewWith(l, cfg)
	var held []Held
	var lengths []uint64
	var pos uint64
	for _, span := range spans {
		pos = runDemo(t, f, f.Start().Add(span), pos, func(items []projections.Item) error {
			m.Apply(items)
			return nil
		})
		h := m.Held()
		held = append(held, h)
		lengths = append(lengths, pos)
		t.Logf("after %v of the demo, %d events: %+v", span, pos, h)
	}
	return held, lengths
}

// checkBounded says whether the model's size measures at two moments of a growing log are alike:
// they must follow the yard (which the demo keeps near its initial fill), not the events folded.
func checkBounded(t *testing.T, cfg Config, early, late Held, earlyLog, lateLog uint64) {
	t.Helper()
	if lateLog < 2*earlyLog {
		t.Fatalf("the log grew from %d to %d events only: not a test of growth", earlyLog, lateLog)
	}
	near := func(what string, a, b int, slack float64, plus int) {
		t.Helper()
		if d := float64(b - a); d > slack*float64(a)+float64(plus) || -d > slack*float64(a)+float64(plus) {
			t.Errorf("%s held: %d, then %d with %d more events: not bounded by the yard", what, a, b, lateLog-earlyLog)
		}
	}
	near("boxes", early.Boxes, late.Boxes, 0.15, 500)
	near("machines", early.Machines, late.Machines, 0.10, 40)
	near("visits", early.Visits, late.Visits, 0, 12)
	near("eviction queue entries", early.Queued, late.Queued, 0.5, 2000)
	if late.Departed > cfg.MaxDeparted || late.Anomalies > cfg.Anomalies {
		t.Errorf("held %+v beyond the caps of %+v", late, cfg)
	}
}

// TestMemoryFollowsTheYard folds the shipped demo scenario (scenarios/tangermed/demo.yaml) for
// three simulated days with retention windows scaled down (so that the model reaches its steady
// state within the first day), and checks that what it holds at the end of day 3 is what it held
// at the end of day 1, though three times as many events were folded. TestMemoryFollowsTheYardForWeeks
// does the same with the default settings over six weeks.
func TestMemoryFollowsTheYard(t *testing.T) {
	cfg := Config{DepartedFor: 2 * time.Hour, VisitsFor: 12 * time.Hour, Anomalies: 8}.withDefaults()
	held, lengths := sizesAt(t, cfg, 24*time.Hour, 72*time.Hour)
	checkBounded(t, cfg, held[0], held[1], lengths[0], lengths[1])
	if held[1].Anomalies != cfg.Anomalies {
		t.Errorf("%d anomalies kept, want the ring full (%d): the demo misreports numbers", held[1].Anomalies, cfg.Anomalies)
	}
}

// TestMemoryFollowsTheYardForWeeks folds six simulated weeks of the demo (about 1.4 M events) with
// the default settings and checks that the model holds as much after week 6 as after week 2. The
// simulator takes about 75 s a simulated week under the race detector, so it runs without it only.
func TestMemoryFollowsTheYardForWeeks(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("six simulated weeks take minutes under -race or -short; TestMemoryFollowsTheYard checks the same on days")
	}
	cfg := Config{}.withDefaults()
	week := 7 * 24 * time.Hour
	held, lengths := sizesAt(t, cfg, 2*week, 6*week)
	checkBounded(t, cfg, held[0], held[1], lengths[0], lengths[1])
}
