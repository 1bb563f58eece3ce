package yardmap

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/projections"
	"github.com/yardtwin/yardtwin/projections/kpi"
)

// foldBench is a yard and KPI model that have folded the demo's log up to some length, with the
// demo's next events waiting to be folded by the benchmark.
type foldBench struct {
	yard  *Model
	kpi   *kpi.Model
	items []projections.Item // the next events of the demo, decoded
	next  int                // the first of items not folded yet
}

// foldBenches keeps each case's models across the calls a benchmark gets (b.N grows), by log
// length and whether the events are reported late.
var foldBenches = map[[2]int]*foldBench{}

// measured is how many events each case keeps ready to be folded by the benchmark: run it with
// -benchtime=Nx, N well under this.
const measured = 150_000

// lateBy is how long after they happened the events of the "late" cases are recorded: longer than
// Config.LateAfter, so every event about a box raises a late_report anomaly. It is what a demo fed
// to the twin faster than real time looks like, and it exercises the anomaly path on every event.
const lateBy = time.Hour

// BenchmarkFoldDemo folds the demo scenario's realistic mix of events (scenarios/tangermed/demo.yaml
// run by the simulator: about 63 % equipment positions, the rest quay, yard and gate moves) through
// the yard and KPI read models, after 200 k and after 2 M events of the same run have been folded.
// ns/op and allocs/op are per event; the two log lengths should give the same figures, since the
// cost of an event must not grow with the log. "recorded=on-time" events are recorded when they
// happen; "recorded=late" ones an hour later, so that every box event also raises an anomaly.
//
//	go test -run '^$' -bench FoldDemo -benchtime 100000x -benchmem ./projections/yardmap/
//
// Building the 2 M-event state runs the simulator for about nine simulated weeks: a few minutes.
func BenchmarkFoldDemo(b *testing.B) {
	for _, at := range []int{200_000, 2_000_000} {
		for late, name := range []string{"on-time", "late"} {
			b.Run(fmt.Sprintf("log=%dk/recorded=%s", at/1000, name), func(b *testing.B) {
				if foldBenches[[2]int{at, late}] == nil {
					clear(foldBenches) // the state of another log length would weigh on the GC
					newFoldBenches(b, at)
					runtime.GC()
				}
				fb := foldBenches[[2]int{at, late}]
				if fb.next+b.N > len(fb.items) {
					b.Fatalf("%d events asked, %d ready: run with -benchtime=Nx, N < %d", b.N, len(fb.items)-fb.next, measured)
				}
				b.ReportAllocs()
				b.ResetTimer()
				const batch = 256 // the runner hands over batches
				for lo, hi := fb.next, fb.next+b.N; lo < hi; lo += batch {
					items := fb.items[lo:min(lo+batch, hi)]
					fb.yard.Apply(items)
					fb.kpi.Apply(items)
				}
				b.StopTimer()
				fb.next += b.N
				fb.yard.mu.RLock()
				b.ReportMetric(float64(len(fb.yard.boxes)), "boxes-held")
				b.ReportMetric(float64(len(fb.yard.machines)), "machines-held")
				b.ReportMetric(float64(len(fb.yard.visits)), "visits-held")
				fb.yard.mu.RUnlock()
			})
		}
	}
}

// newFoldBenches folds the demo's first at events into the models of both cases of log length at.
func newFoldBenches(b *testing.B, at int) {
	f, l := demoFeed(b)
	var fbs [2]*foldBench
	for late := range fbs {
		fbs[late] = &foldBench{yard: New(l), kpi: kpi.New(l)}
		foldBenches[[2]int{at, late}] = fbs[late]
	}
	runDemo(b, f, f.Start().Add(100*7*24*time.Hour), 0, func(items []projections.Item) error {
		for late, fb := range fbs {
			for i := range items {
				items[i].Recorded = items[i].Time.Add(time.Duration(late) * lateBy)
			}
			n := 0
			for n < len(items) && items[n].Position <= uint64(at) {
				n++
			}
			fb.yard.Apply(items[:n])
			fb.kpi.Apply(items[:n])
			fb.items = append(fb.items, items[n:]...) // copies: the next case changes Recorded
		}
		if len(fbs[0].items) >= measured {
			return errEnough
		}
		return nil
	})
}
