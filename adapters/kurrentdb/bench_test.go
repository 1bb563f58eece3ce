package kurrentdb

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/es/estest"
)

// BenchmarkIndex measures what the index costs a process: the heap it takes per stored event
// (ids are UUID strings, 20,000 streams, as from the terminal's systems) and how fast Open indexes
// a log it has read (reading and decoding it is not counted).
func BenchmarkIndex(b *testing.B) {
	const events, streams = 1_000_000, 20_000
	ids := make([]uuid.UUID, events)
	for i := range ids {
		ids[i] = uuid.New()
	}
	names := make([]string, streams)
	for i := range names {
		names[i] = fmt.Sprintf("container-MSCU%07d", i)
	}
	b.ResetTimer()
	var perEvent float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		x := newIndex()
		for i, id := range ids {
			stream := names[i%streams]
			// Each id is a string of its own, as decoding the log makes it.
			if err := x.add(id.String(), stream, uint64(i+1), x.version(stream)+1); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		perEvent = float64(after.HeapAlloc-before.HeapAlloc) / events
		runtime.KeepAlive(x)
	}
	b.ReportMetric(perEvent, "heap-B/event")
	b.ReportMetric(float64(b.N*events)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkDecide measures deciding a batch of 1,000 events (500 streams) against an index of
// 100,000 events: the adapter's own share of an append.
func BenchmarkDecide(b *testing.B) {
	x := newIndex()
	for i := range 100_000 {
		stream := fmt.Sprintf("block-B%03d", i%500)
		if err := x.add(fmt.Sprintf("old-%d", i), stream, uint64(i+1), x.version(stream)+1); err != nil {
			b.Fatal(err)
		}
	}
	var batch []es.StreamEvents
	for s := range 500 {
		batch = append(batch, estest.To(fmt.Sprintf("block-B%03d", s), es.AnyVersion, fmt.Sprintf("new-%d-a", s), fmt.Sprintf("new-%d-b", s)))
	}
	for b.Loop() {
		if _, err := x.decide(batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkCodec measures encoding an event for the log and decoding it back.
func BenchmarkCodec(b *testing.B) {
	e := stored()
	created := time.Now().UTC()
	for b.Loop() {
		d, err := encode(e)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := decode(recorded(d, 41, created)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
