package timetravel

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/domain/contract"
	"github.com/yardtwin/yardtwin/projections"
)

// benchEvents is the length of the log BenchmarkAtMiddleOf1M asks about.
const benchEvents = 1_000_000

// benchLog is the log and the views fed from it, made once per test process.
var benchLog struct {
	once     sync.Once
	store    *memStore
	views    *Views
	newModel func() projections.Snapshotter
	fed      time.Duration
}

// BenchmarkAtMiddleOf1M measures ?at= in the middle of a log of a million events of a busy yard
// (yardFacts: in time order but for one late report in a thousand), answered by views of the yard
// model on the default settings, without the answer cache: each question is a different moment in
// the six hours around the middle. Run it with -benchtime=24x for the percentiles. It reports the
// latency (mean, p50, p99), the events folded per question, how long restoring the middle snapshot
// takes on its own (read from the file and restored), and the disk the snapshots take.
func BenchmarkAtMiddleOf1M(b *testing.B) {
	benchLog.once.Do(func() {
		s := newMemStore()
		appendFacts(b, s, yardFacts(benchEvents, 1000)...)
		benchLog.store = s
		benchLog.newModel = yardModel(b)
		// The file outlives each round of the benchmark (their cleanups run between rounds): it
		// stays in the temporary directory, and the process's end closes it.
		dir, err := os.MkdirTemp("", "timetravel-bench")
		if err != nil {
			b.Fatal(err)
		}
		benchLog.views, err = Open(filepath.Join(dir, "timetravel.db"), s, contract.NewRegistry(), benchLog.newModel(), benchLog.newModel, Config{Cache: -1})
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		feed(b, s, benchLog.views)
		benchLog.fed = time.Since(start)
	})
	v := benchLog.views
	moments := make([]time.Time, 24)
	for i := range moments {
		// 15 minutes apart from 3 h before the middle, at odd seconds within them.
		moments[i] = t0.Add(time.Duration(benchEvents/2)*time.Second - 3*time.Hour + time.Duration(i)*15*time.Minute + time.Duration(i*7)*time.Second)
	}
	runtime.GC()
	var took []time.Duration
	folded, read := 0, 0
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		w, err := v.View(context.Background(), moments[i%len(moments)], time.Time{})
		if err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
		folded += w.Folded
		read += w.Read
	}
	b.StopTimer()

	slices.Sort(took)
	quantile := func(q float64) float64 {
		return float64(took[min(int(q*float64(len(took))), len(took)-1)].Microseconds()) / 1000
	}
	b.ReportMetric(quantile(0.5), "p50-ms")
	b.ReportMetric(quantile(0.99), "p99-ms")
	b.ReportMetric(float64(folded)/float64(b.N), "folded/op")
	b.ReportMetric(float64(read)/float64(b.N), "read/op")

	// The floor of a question: restoring the snapshot in the middle, alone.
	v.mu.Lock()
	mid := v.snaps.before(benchEvents/2, plusInf)
	v.mu.Unlock()
	start := time.Now()
	if err := v.restore(benchLog.newModel(), mid.pos); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/1000, "read+restore-ms")

	// What one answer holds in memory (the cache keeps Config.Cache of them).
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	held, err := v.View(context.Background(), moments[0], time.Time{})
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(held)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "view-heap-MiB")

	st := v.Stats()
	b.ReportMetric(float64(st.Snapshots), "snapshots")
	b.ReportMetric(float64(st.SnapshotBytes)/(1<<20), "snapshot-disk-MiB")
	b.ReportMetric(float64(st.SnapshotRawBytes)/(1<<20), "snapshot-raw-MiB")
	b.ReportMetric(benchLog.fed.Seconds(), "feed-s")
}
