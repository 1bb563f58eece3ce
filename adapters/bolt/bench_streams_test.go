package bolt

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/domain/es"
)

// The workload of BenchmarkAppendManyStreams: a yard of about yardBoxes boxes that turns over, so
// that the log meets a new container stream every few events for as long as it runs, as a real
// terminal's does (tens of thousands of new boxes a day). Each box gets about eventsPerBox events
// while it is in the yard; events are about 355 bytes stored, the size of the demo's mix.
const (
	manyEvents    = 2_000_000
	manyCheckAt   = 500_000 // the first of the two points reported; the second is manyEvents
	manyWindow    = 100_000 // the rate at a point is measured over the events just before it
	manyBatch     = 1000
	yardBoxes     = 50_000
	eventsPerBox  = 5 // manyEvents / eventsPerBox ≈ 400,000 container streams in all
	manyRecordLen = 355
)

// yardEvents makes the events of BenchmarkAppendManyStreams from a seed, deterministically.
type yardEvents struct {
	rng *rand.Rand
	t   time.Time
	n   int // events made so far
}

type movePayload struct {
	Container string  `json:"container"`
	Block     string  `json:"block"`
	Bay       int     `json:"bay"`
	Row       int     `json:"row"`
	Tier      int     `json:"tier"`
	X         float64 `json:"x"`
	Y         float64 `json:"y"`
	Equipment string  `json:"equipment"`
	Move      string  `json:"move"`
	Visit     string  `json:"visit"`
	Pad       string  `json:"note,omitempty"`
}

// batch returns n events; event i goes to one of the yardBoxes boxes present when it happens: box
// i/eventsPerBox + a random offset within the yard, so boxes arrive and leave at a steady rate.
func (g *yardEvents) batch(n int) []es.StreamEvents {
	byStream := map[string]int{}
	var out []es.StreamEvents
	for range n {
		c := g.n/eventsPerBox + g.rng.IntN(yardBoxes)
		g.n++
		container := fmt.Sprintf("MSCU%07d", c)
		stream := "container-" + container
		g.t = g.t.Add(time.Duration(g.rng.IntN(500)) * time.Millisecond)
		p := movePayload{
			Container: container, Block: fmt.Sprintf("B%02d", c%40), Bay: 1 + c%60, Row: 1 + c%8, Tier: 1 + c%5,
			X: 120.5 + float64(c%60)*6.4, Y: 44.25 + float64(c%8)*2.6, Equipment: fmt.Sprintf("RTG%02d", c%30),
			Move: "discharge", Visit: fmt.Sprintf("MAERSK-%04d", c%997),
		}
		e := es.Envelope{
			SpecVersion:     es.SpecVersion,
			ID:              fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", g.rng.Uint32(), g.rng.Uint32()&0xffff, g.rng.Uint32()&0xfff, g.rng.Uint32()&0xffff, g.rng.Uint64()&0xffffffffffff),
			Source:          "urn:tos:tc1",
			Type:            "yard.ContainerStacked",
			Time:            g.t,
			DataContentType: "application/json",
			SchemaVersion:   1,
		}
		e.Data, _ = json.Marshal(p)
		if short := manyRecordLen - recordSize(&e, stream); short > 0 {
			p.Pad = fmt.Sprintf("%0*d", max(short-10, 1), 0) // `,"note":""` takes 10 bytes
			e.Data, _ = json.Marshal(p)
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

// BenchmarkAppendManyStreams appends manyEvents events over about 400,000 container streams, in
// batches of 1,000 with an fsync per commit, and reports at manyCheckAt and at manyEvents the live
// heap after a GC and the append rate over the last manyWindow events. Memory bounded by the yard
// means the two heaps are about equal and so are the two rates. One op is the whole run: use
// -benchtime 1x.
//
// HeadCacheDefault runs on the default cache of stream versions, which fills up between the two
// points (about 1 M events here); HeadCacheYard on a cache of twice the yard, full at both.
func BenchmarkAppendManyStreams(b *testing.B) {
	b.Run("HeadCacheDefault", func(b *testing.B) {
		for range b.N {
			benchManyStreams(b)
		}
	})
	b.Run("HeadCacheYard", func(b *testing.B) {
		for range b.N {
			benchManyStreams(b, WithHeadCache(2*yardBoxes))
		}
	})
}

func benchManyStreams(b *testing.B, opts ...Option) {
	b.StopTimer()
	s, err := Open(b.TempDir(), opts...)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	g := &yardEvents{rng: rand.New(rand.NewPCG(42, 1)), t: time.Date(2025, 3, 1, 6, 0, 0, 0, time.UTC)}
	b.Logf("record size ~%d bytes", recordBytes(g.batch(manyBatch)))
	g = &yardEvents{rng: rand.New(rand.NewPCG(42, 1)), t: time.Date(2025, 3, 1, 6, 0, 0, 0, time.UTC)}
	var windowStart time.Time
	var windowTime time.Duration
	var windowPages int64
	report := func(at int) {
		var ms runtime.MemStats
		// Two collections: bbolt keeps the page buffers of the last commit in a sync.Pool, which
		// the first only moves to its victim cache. What the second leaves is what the store holds.
		runtime.GC()
		runtime.ReadMemStats(&ms)
		pooled := ms.HeapAlloc
		runtime.GC()
		runtime.ReadMemStats(&ms)
		rate := float64(manyWindow) / windowTime.Seconds()
		pages := float64(windowPages) / manyWindow
		b.Logf("after %d events: heap %.1f MB (%.1f MB with bbolt's pooled page buffers), append %.0f events/s and %.2f pages written per event over the last %d",
			at, float64(ms.HeapAlloc)/1e6, float64(pooled)/1e6, rate, pages, manyWindow)
		b.ReportMetric(float64(ms.HeapAlloc)/1e6, fmt.Sprintf("heapMB@%dk", at/1000))
		b.ReportMetric(float64(pooled)/1e6, fmt.Sprintf("pooledMB@%dk", at/1000))
		b.ReportMetric(rate, fmt.Sprintf("events/s@%dk", at/1000))
		b.ReportMetric(pages, fmt.Sprintf("pages/event@%dk", at/1000))
	}
	for n := 0; n < manyEvents; n += manyBatch {
		batch := g.batch(manyBatch)
		if inWindow(n) && !inWindow(n-manyBatch) {
			windowTime, windowPages = 0, 0
		}
		written := writtenPages(s)
		b.StartTimer()
		windowStart = time.Now()
		if _, err := s.Append(context.Background(), batch...); err != nil {
			b.Fatal(err)
		}
		d := time.Since(windowStart)
		b.StopTimer()
		if inWindow(n) {
			windowTime += d
			windowPages += writtenPages(s) - written
		}
		if done := n + manyBatch; done == manyCheckAt || done == manyEvents {
			report(done)
		}
	}
}

// inWindow says whether the batch starting at event n is among the manyWindow events before one
// of the two points reported.
func inWindow(n int) bool {
	for _, at := range []int{manyCheckAt, manyEvents} {
		if n >= at-manyWindow && n < at {
			return true
		}
	}
	return false
}

// writtenPages returns how many pages the store's transactions have written so far.
func writtenPages(s *Store) int64 {
	st := s.db.Stats()
	return st.TxStats.GetWrite()
}
