package simulator_test

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/simulator"
)

// batchSink records each batch with the (fake) wall time it came at.
type batchSink struct {
	mu      sync.Mutex
	batches [][]es.Envelope
	at      []time.Time
}

func (s *batchSink) Publish(_ context.Context, batch []es.Envelope) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.batches = append(s.batches, batch)
	s.at = append(s.at, time.Now())
	return nil
}

func TestRunLivePacesSimulatedTime(t *testing.T) {
	l := testLayout(t)
	synctest.Test(t, func(t *testing.T) {
		f, err := simulator.NewFeed(testScenario(), l, simulator.Options{})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		var sink batchSink
		wall0 := time.Now()
		const speed = 360 // an hour in 10 s
		if err := f.RunLive(ctx, &sink, speed, simulator.WithTick(250*time.Millisecond)); err != nil {
			t.Fatalf("RunLive: %v", err)
		}
		elapsed := time.Since(wall0)
		sim := f.Now().Sub(f.Start())
		// The last tick may come before the deadline: at most a tick's worth of simulated time short.
		if want := time.Duration(float64(elapsed) * speed); sim > want || sim < want-250*time.Millisecond*speed {
			t.Errorf("%v of wall time ran %v of simulated time, want %v or a tick less", elapsed, sim, want)
		}
		var all []es.Envelope
		for i, b := range sink.batches {
			if len(b) > simulator.MaxBatch {
				t.Errorf("batch %d holds %d envelopes", i, len(b))
			}
			// Nothing is published before its simulated time is due on the wall clock.
			if due := wall0.Add(time.Duration(float64(b[len(b)-1].Time.Sub(f.Start())) / speed)); sink.at[i].Before(due) {
				t.Errorf("batch %d published at %v, its last event is due at %v", i, sink.at[i].Sub(wall0), due.Sub(wall0))
			}
			all = append(all, b...)
		}
		if len(sink.batches) < 20 {
			t.Errorf("%d batches in 10 s at 4 ticks a second", len(sink.batches))
		}

		// Paced or not, the same seed gives the same events.
		fast, _ := run(t, testScenario(), l, simulator.Options{}, sim)
		if !bytes.Equal(marshalAll(t, all), marshalAll(t, fast)) {
			t.Errorf("live run (%d events) differs from a fast run to the same time (%d events)", len(all), len(fast))
		}
	})
}

func TestRunLiveStopsAtUntilAndOnSinkErrors(t *testing.T) {
	l := testLayout(t)
	synctest.Test(t, func(t *testing.T) {
		f, err := simulator.NewFeed(testScenario(), l, simulator.Options{})
		if err != nil {
			t.Fatal(err)
		}
		until := f.Start().Add(2 * time.Hour)
		var c simulator.Collector
		if err := f.RunLive(context.Background(), &c, 3600, simulator.WithUntil(until)); err != nil {
			t.Fatal(err)
		}
		if !f.Now().Equal(until) {
			t.Errorf("stopped at %v, want %v", f.Now(), until)
		}

		failing := simulator.SinkFunc(func(context.Context, []es.Envelope) error { return context.DeadlineExceeded })
		f2, _ := simulator.NewFeed(testScenario(), l, simulator.Options{})
		if err := f2.RunLive(context.Background(), failing, 60); err == nil {
			t.Error("a failing sink did not stop RunLive")
		}
		if err := f2.RunLive(context.Background(), &c, 0); err == nil {
			t.Error("speed 0 accepted")
		}
	})
}
