package yardmap

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/iso6346"
	"github.com/yardtwin/yardtwin/domain/yard"
	"github.com/yardtwin/yardtwin/projections"
	"github.com/yardtwin/yardtwin/scenarios/synthetic"
)

// boxNumber is the n-th benchmark container, with a correct check digit.
func boxNumber(n int) iso6346.ContainerID {
	first := fmt.Sprintf("BENU%06d", n)
	d, _ := iso6346.CheckDigit(first)
	return iso6346.ContainerID(fmt.Sprintf("%s%d", first, d))
}

// fillItems announces and stacks n boxes into a synthetic terminal of blocks blocks.
func fillItems(blocks, n int) []projections.Item {
	items := make([]projections.Item, 0, 2*n)
	at := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	for i := range n {
		c := boxNumber(i)
		s := synthetic.Slot(blocks, i)
		for _, ev := range []es.Event{
			yard.ContainerAnnounced{Container: c, SizeType: "22G1", WeightKg: 20000, Category: yard.Import},
			yard.ContainerStacked{Container: c, Block: s.Block, Bay: s.Bay, Row: s.Row, Tier: s.Tier, Crane: "RTG01"},
		} {
			items = append(items, projections.Item{Envelope: es.Envelope{Position: uint64(len(items) + 1), Type: ev.EventType(), Time: at}, Event: ev})
		}
	}
	return items
}

// BenchmarkLiveStateMemory reports the heap the live yard takes with 100,000 boxes in the yard,
// each announced and stacked (two facts, a two-move history).
func BenchmarkLiveStateMemory(b *testing.B) {
	const boxes = 100_000
	blocks := (boxes + 1199) / 1200
	data, err := synthetic.Layout(blocks)
	if err != nil {
		b.Fatal(err)
	}
	layout, err := yard.ParseLayout(data)
	if err != nil {
		b.Fatal(err)
	}
	items := fillItems(blocks, boxes)
	for range b.N {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		m := New(layout)
		start := time.Now()
		m.Apply(items)
		took := time.Since(start)
		runtime.GC()
		runtime.ReadMemStats(&after)
		if got := m.Summary().InYard; got != boxes {
			b.Fatalf("%d boxes in the yard, want %d", got, boxes)
		}
		heap := float64(after.HeapAlloc - before.HeapAlloc)
		b.ReportMetric(heap/(1<<20), "heap-MiB")
		b.ReportMetric(heap/boxes, "bytes/box")
		b.ReportMetric(float64(len(items))/took.Seconds(), "apply-events/s")
		runtime.KeepAlive(m)
	}
}
