package bolt

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/domain/es"
)

// The workload of DESIGN.md: batches of 1,000 events of about 300 bytes stored, spread over 20,000
// container streams, with random (UUID-like) ids so the id index is written all over its tree.
const (
	benchBatch   = 1000
	benchStreams = 20_000
	// benchOpEvents is what one benchmark op appends: enough batches for the indexes to grow well
	// past the first pages, so -benchtime 3x measures more than an empty file.
	benchOpEvents = 100_000
	// benchReadEvents is how many events BenchmarkReadAll reads; they are written once per run.
	benchReadEvents = 1_000_000
)

// benchEvents makes the events of a benchmark from a seed, deterministically.
type benchEvents struct {
	rng *rand.Rand
	t   time.Time
}

func newBenchEvents(seed uint64) *benchEvents {
	return &benchEvents{rng: rand.New(rand.NewPCG(seed, 1)), t: time.Date(2025, 3, 1, 6, 0, 0, 0, time.UTC)}
}

type stackedPayload struct {
	Container string  `json:"container"`
	Block     string  `json:"block"`
	Bay       int     `json:"bay"`
	Row       int     `json:"row"`
	Tier      int     `json:"tier"`
	X         float64 `json:"x"`
	Y         float64 `json:"y"`
	Equipment string  `json:"equipment"`
	Move      string  `json:"move"`
}

// batch returns n events, each to a stream picked at random among benchStreams, grouped by stream
// as a caller would send them.
func (g *benchEvents) batch(n int) []es.StreamEvents {
	byStream := map[string]int{}
	var out []es.StreamEvents
	for range n {
		c := g.rng.IntN(benchStreams)
		container := fmt.Sprintf("MSCU%07d", c)
		stream := "container-" + container
		g.t = g.t.Add(time.Duration(g.rng.IntN(500)) * time.Millisecond)
		data, _ := json.Marshal(stackedPayload{
			Container: container, Block: fmt.Sprintf("B%02d", c%40), Bay: 1 + c%60, Row: 1 + c%8, Tier: 1 + c%5,
			X: 120.5 + float64(c%60)*6.4, Y: 44.25 + float64(c%8)*2.6, Equipment: fmt.Sprintf("RTG%02d", c%30), Move: "discharge",
		})
		e := es.Envelope{
			SpecVersion:     es.SpecVersion,
			ID:              fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", g.rng.Uint32(), g.rng.Uint32()&0xffff, g.rng.Uint32()&0xfff, g.rng.Uint32()&0xffff, g.rng.Uint64()&0xffffffffffff),
			Source:          "urn:tos:tc1",
			Type:            "yard.ContainerStacked",
			Time:            g.t,
			DataContentType: "application/json",
			SchemaVersion:   1,
			Data:            data,
		}
		i, ok := byStream[stream]
		if !ok {
			i = len(out)
			byStream[stream] = i
			out = append(out, es.StreamEvents{Stream: stream, Expected: es.AnyVersion})
		}
		out[i].Events = append(out[i].Events, e)
	}
	return out
}

// recordBytes is the average size of an event as stored.
func recordBytes(batch []es.StreamEvents) int {
	size, n := 0, 0
	for _, se := range batch {
		for i := range se.Events {
			size += recordSize(&se.Events[i], se.Stream)
			n++
		}
	}
	return size / n
}

// benchLags are the index lags the append benchmarks compare: the buckets written in every commit,
// and the default.
var benchLags = []int{0, 50_000}

func BenchmarkAppend(b *testing.B) {
	for _, lag := range benchLags {
		b.Run(fmt.Sprintf("IndexLag%d", lag), func(b *testing.B) { benchAppend(b, 1, lag) })
	}
}

func BenchmarkAppendConcurrent(b *testing.B) {
	for _, lag := range benchLags {
		b.Run(fmt.Sprintf("IndexLag%d", lag), func(b *testing.B) { benchAppend(b, 4, lag) })
	}
}

// benchAppend appends benchOpEvents per op in batches of benchBatch from writers goroutines into one
// store that grows from op to op, and reports events/s, the events per commit and the slowest append.
func benchAppend(b *testing.B, writers, lag int) {
	s, err := Open(b.TempDir(), WithIndexLag(lag))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	gens := make([]*benchEvents, writers)
	batches := make([][][]es.StreamEvents, writers)
	for w := range writers {
		gens[w] = newBenchEvents(uint64(100 + w))
		batches[w] = make([][]es.StreamEvents, benchOpEvents/benchBatch/writers)
	}
	b.Logf("record size ~%d bytes", recordBytes(gens[0].batch(benchBatch)))
	commits := s.commits.Load()
	var (
		elapsed time.Duration
		mu      sync.Mutex
		slowest time.Duration
	)
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		for w := range writers {
			for i := range batches[w] {
				batches[w][i] = gens[w].batch(benchBatch)
			}
		}
		b.StartTimer()
		start := time.Now()
		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() {
				for _, batch := range batches[w] {
					t0 := time.Now()
					if _, err := s.Append(context.Background(), batch...); err != nil {
						b.Error(err)
						return
					}
					d := time.Since(t0)
					mu.Lock()
					slowest = max(slowest, d)
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		elapsed += time.Since(start)
	}
	b.ReportMetric(float64(b.N*benchOpEvents)/elapsed.Seconds(), "events/s")
	b.ReportMetric(float64(b.N*benchOpEvents)/float64(s.commits.Load()-commits), "events/commit")
	b.ReportMetric(float64(slowest.Milliseconds()), "max-ms")
}

// readFixture is a store of benchReadEvents events, written once per run of the benchmarks (its
// fsyncs switched off: only reading is measured) and removed by TestMain.
var readFixture struct {
	once sync.Once
	dir  string
	err  error
}

func readStore(b *testing.B) *Store {
	b.Helper()
	readFixture.once.Do(func() {
		start := time.Now()
		readFixture.dir, readFixture.err = os.MkdirTemp("", "bolt-bench-read-")
		if readFixture.err != nil {
			return
		}
		s, err := Open(readFixture.dir)
		if err != nil {
			readFixture.err = err
			return
		}
		s.db.NoSync = true
		gen := newBenchEvents(7)
		for n := 0; n < benchReadEvents && readFixture.err == nil; n += 10 * benchBatch {
			_, readFixture.err = s.Append(context.Background(), gen.batch(10*benchBatch)...)
		}
		s.db.NoSync = false
		if err := s.Close(); readFixture.err == nil {
			readFixture.err = err
		}
		b.Logf("wrote %d events for reading in %s", benchReadEvents, time.Since(start).Round(time.Millisecond))
	})
	if readFixture.err != nil {
		b.Fatal(readFixture.err)
	}
	s, err := Open(readFixture.dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	return s
}

func TestMain(m *testing.M) {
	code := m.Run()
	if readFixture.dir != "" {
		_ = os.RemoveAll(readFixture.dir)
	}
	os.Exit(code)
}

// BenchmarkReadAll reads the whole log in pages, as a projection rebuild does.
func BenchmarkReadAll(b *testing.B) {
	s := readStore(b)
	b.ResetTimer()
	for range b.N {
		if n := readEverything(b, s, nil); n != benchReadEvents {
			b.Fatalf("read %d events, want %d", n, benchReadEvents)
		}
	}
	b.ReportMetric(float64(b.N*benchReadEvents)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkReadAllJSON reads the whole log and decodes every payload with encoding/json, the rate
// a projection rebuild can reach on one goroutine.
func BenchmarkReadAllJSON(b *testing.B) {
	s := readStore(b)
	b.ResetTimer()
	for range b.N {
		var p stackedPayload
		n := readEverything(b, s, func(e *es.Envelope) {
			if err := json.Unmarshal(e.Data, &p); err != nil {
				b.Fatal(err)
			}
		})
		if n != benchReadEvents {
			b.Fatalf("read %d events, want %d", n, benchReadEvents)
		}
	}
	b.ReportMetric(float64(b.N*benchReadEvents)/b.Elapsed().Seconds(), "events/s")
}

func readEverything(b *testing.B, s *Store, each func(*es.Envelope)) int {
	n := 0
	for from := uint64(1); ; {
		page, err := s.ReadAll(context.Background(), from, 10_000)
		if err != nil {
			b.Fatal(err)
		}
		if len(page) == 0 {
			return n
		}
		if each != nil {
			for i := range page {
				each(&page[i])
			}
		}
		n += len(page)
		from = page[len(page)-1].Position + 1
	}
}

// BenchmarkOpen opens the read fixture: loading every stream's version and rebuilding bbolt's free
// list is the cost of starting the twin on a large file.
func BenchmarkOpen(b *testing.B) {
	readStore(b).Close()
	b.ResetTimer()
	for range b.N {
		s, err := Open(readFixture.dir)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
}
