package bolt

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/es/estest"
)

// TestReadStreamWhileIndexing reads streams while appends keep moving events from the in-memory
// tail into the index buckets, and checks that every read is a gapless prefix of the stream that
// includes everything the reader itself appended.
func TestReadStreamWhileIndexing(t *testing.T) {
	s := mustOpen(t, t.TempDir(), WithIndexLag(7))
	const (
		workers = 4
		rounds  = 60
	)
	streams := []string{"gate-G1", "gate-G2", "gate-G3"}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			seen := map[string]int{}
			for r := range rounds {
				stream := streams[(w+r)%len(streams)]
				id := fmt.Sprintf("w%d-r%d", w, r)
				got, err := s.Append(context.Background(), estest.To(stream, es.AnyVersion, id, id+"-b"))
				if err != nil {
					errs <- err
					return
				}
				evs, err := s.ReadStream(context.Background(), stream, 0)
				if err != nil {
					errs <- err
					return
				}
				if err := gapless(evs); err != nil {
					errs <- fmt.Errorf("%s: %w", stream, err)
					return
				}
				if len(evs) < seen[stream] {
					errs <- fmt.Errorf("%s shrank from %d to %d events", stream, seen[stream], len(evs))
					return
				}
				seen[stream] = len(evs)
				if last := got[1].Version; uint64(len(evs)) < last {
					errs <- fmt.Errorf("%s: read %d events after appending version %d", stream, len(evs), last)
					return
				}
			}
			errs <- nil
		})
	}
	wg.Wait()
	for range workers {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	total := 0
	for _, stream := range streams {
		evs, err := s.ReadStream(context.Background(), stream, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := gapless(evs); err != nil {
			t.Errorf("%s: %v", stream, err)
		}
		total += len(evs)
	}
	if total != workers*rounds*2 {
		t.Errorf("streams hold %d events, want %d", total, workers*rounds*2)
	}
}

// gapless checks that evs are versions 1, 2, … with increasing positions.
func gapless(evs []es.Envelope) error {
	for i, e := range evs {
		if e.Version != uint64(i+1) {
			return fmt.Errorf("event %d has version %d", i, e.Version)
		}
		if i > 0 && e.Position <= evs[i-1].Position {
			return fmt.Errorf("position %d after %d", e.Position, evs[i-1].Position)
		}
	}
	return nil
}

// TestReopenReplaysTail checks that Open rebuilds the heads, ids and stream index of the events
// the buckets do not hold yet, and that they reach the buckets later.
func TestReopenReplaysTail(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, WithIndexLag(1000))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		if _, err := s.Append(t.Context(), estest.To("block-B07", uint64(i), fmt.Sprintf("e%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = mustOpen(t, dir, WithIndexLag(3))
	if got := len(s.pending); got != 10 {
		t.Errorf("%d ids pending after reopening, want 10", got)
	}
	if got, _ := s.tail.Load().last("block-B07"); got != 10 {
		t.Errorf("block-B07 at version %d in the tail, want 10", got)
	}
	// This append takes the pending events into the buckets.
	if _, err := s.Append(t.Context(), estest.To("block-B07", 10, "e10")); err != nil {
		t.Fatal(err)
	}
	if got := len(s.pending); got != 0 {
		t.Errorf("%d ids pending after the index was written, want 0", got)
	}
	evs, err := s.ReadStream(t.Context(), "block-B07", 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := gapless(evs); err != nil || len(evs) != 11 {
		t.Errorf("block-B07 has %d events (%v), want 11", len(evs), err)
	}
}
