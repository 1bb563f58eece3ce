package estest

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/domain/es"
)

// RunDurable checks that a store opened again on the same directory holds everything the one before
// it stored: the events with every field, the head, each stream's version (expected versions are
// checked against it) and the id index (re-sent events are duplicates). open opens the store kept in
// dir, which starts empty. RunDurable closes each store it opens through io.Closer, so open must not
// arrange to close it; a store that is not an io.Closer must let a second one open on the same dir.
func RunDurable(t *testing.T, open func(t *testing.T, dir string) es.Store) {
	t.Helper()
	t.Run("Reopen", func(t *testing.T) { testReopen(t, open) })
	t.Run("ClosedStore", func(t *testing.T) { testClosedStore(t, open) })
}

// opener opens stores on one directory and closes them, at the latest when the test ends.
type opener struct {
	t    *testing.T
	dir  string
	open func(t *testing.T, dir string) es.Store
}

func (o *opener) next() es.Store {
	o.t.Helper()
	s := o.open(o.t, o.dir)
	closed := false
	o.t.Cleanup(func() {
		if c, ok := s.(io.Closer); ok && !closed {
			_ = c.Close()
		}
	})
	if c, ok := s.(io.Closer); ok {
		return closeOnce{Store: s, close: func() error {
			if closed {
				return nil
			}
			closed = true
			return c.Close()
		}}
	}
	return s
}

// closeOnce is a store whose Close runs the underlying Close at most once.
type closeOnce struct {
	es.Store
	close func() error
}

func (c closeOnce) Close() error { return c.close() }

func closeStore(t *testing.T, s es.Store) {
	t.Helper()
	if c, ok := s.(io.Closer); ok {
		if err := c.Close(); err != nil {
			t.Fatalf("close: %v", err)
		}
	}
}

// snapshot is what a store holds, as read through the port.
type snapshot struct {
	head    uint64
	all     []es.Envelope
	streams map[string][]es.Envelope
}

func take(t *testing.T, s es.Store, streams ...string) snapshot {
	t.Helper()
	snap := snapshot{head: head(t, s), all: readAll(t, s), streams: map[string][]es.Envelope{}}
	for _, stream := range streams {
		snap.streams[stream] = readStream(t, s, stream, 0)
	}
	return snap
}

func (want snapshot) check(t *testing.T, s es.Store) {
	t.Helper()
	got := take(t, s)
	if got.head != want.head {
		t.Errorf("head = %d after reopening, want %d", got.head, want.head)
	}
	sameStored(t, got.all, want.all)
	for stream, evs := range want.streams {
		sameStored(t, readStream(t, s, stream, 0), evs)
	}
}

func testReopen(t *testing.T, open func(t *testing.T, dir string) es.Store) {
	o := &opener{t: t, dir: t.TempDir(), open: open}
	streams := []string{"block-B07", "block-B08", "crane-STS01"}

	s := o.next()
	mustAppend(t, s, To("block-B07", es.NoStream, "e1", "e2"), To("block-B08", es.NoStream, "e3"))
	mustAppend(t, s, To("block-B07", 2, "e4"), To("crane-STS01", es.AnyVersion, "e5", "e3"))
	round := Event("e6")
	round.Time = time.Date(2025, 6, 1, 12, 0, 0, 123456789, time.FixedZone("WEST", 3600))
	round.SchemaVersion = 2
	mustAppend(t, s, es.StreamEvents{Stream: "crane-STS01", Expected: 1, Events: []es.Envelope{round}})
	first := take(t, s, streams...)
	if first.head != 6 {
		t.Fatalf("head = %d before closing, want 6", first.head)
	}
	closeStore(t, s)

	s = o.next()
	first.check(t, s)
	sameEvent(t, first.streams["crane-STS01"][1], round, "crane-STS01", 6, 2)

	// The id index survived: a stale re-send is a no-op, a re-sent id elsewhere is a duplicate.
	got := mustAppend(t, s, To("block-B07", es.NoStream, "e1", "e2"))
	wantAppended(t, got, []es.Appended{
		{ID: "e1", Position: 1, Version: 1, Duplicate: true},
		{ID: "e2", Position: 2, Version: 2, Duplicate: true},
	})
	got = mustAppend(t, s, To("block-B09", es.AnyVersion, "e6"))
	wantAppended(t, got, []es.Appended{{ID: "e6", Position: 6, Version: 2, Duplicate: true}})

	// The stream heads survived: expected versions are checked against them.
	for _, tt := range []struct {
		stream   string
		expected uint64
		actual   uint64
	}{
		{"block-B07", 2, 3},
		{"block-B08", es.NoStream, 1},
		{"crane-STS01", 3, 2},
	} {
		_, err := s.Append(t.Context(), To(tt.stream, tt.expected, "refused"))
		var ce *es.ConflictError
		if !errors.As(err, &ce) || ce.Actual != tt.actual {
			t.Errorf("append to %s expecting %d = %v, want a conflict at version %d", tt.stream, tt.expected, err, tt.actual)
		}
	}
	got = mustAppend(t, s, To("block-B07", 3, "e7"), To("block-B08", 1, "e8"), To("block-B10", es.NoStream, "e9"))
	wantAppended(t, got, []es.Appended{
		{ID: "e7", Position: 7, Version: 4},
		{ID: "e8", Position: 8, Version: 2},
		{ID: "e9", Position: 9, Version: 1},
	})
	sub := subscribe(t, s, 0)
	wantUint64s(t, "subscribed positions", positions(sub.next(t, 9)), span(1, 9))
	if err := sub.stop(t); !errors.Is(err, context.Canceled) {
		t.Errorf("subscribe returned %v, want context.Canceled", err)
	}
	second := take(t, s, append(streams, "block-B09", "block-B10")...)
	closeStore(t, s)

	// And once more, with the events appended after the first reopening.
	s = o.next()
	second.check(t, s)
	got = mustAppend(t, s, To("block-B07", 4, "e7", "e10"))
	wantAppended(t, got, []es.Appended{
		{ID: "e7", Position: 7, Version: 4, Duplicate: true},
		{ID: "e10", Position: 10, Version: 5},
	})
	closeStore(t, s)
}

func testClosedStore(t *testing.T, open func(t *testing.T, dir string) es.Store) {
	o := &opener{t: t, dir: t.TempDir(), open: open}
	s := o.next()
	if _, ok := s.(io.Closer); !ok {
		t.Skip("the store is not an io.Closer")
	}
	mustAppend(t, s, To("block-B07", es.NoStream, "e1"))

	// A subscription that is waiting for new events when the store closes stops with ErrClosed.
	done := make(chan error, 1)
	go func() {
		done <- s.Subscribe(t.Context(), 1, func(context.Context, []es.Envelope) error { return nil })
	}()
	time.Sleep(20 * time.Millisecond)
	closeStore(t, s)
	select {
	case err := <-done:
		if !errors.Is(err, es.ErrClosed) {
			t.Errorf("subscription ended with %v, want an error matching es.ErrClosed", err)
		}
	case <-time.After(waitFor):
		t.Fatalf("subscription still running %s after the store closed", waitFor)
	}

	ctx := t.Context()
	_, errAppend := s.Append(ctx, To("block-B07", es.AnyVersion, "e2"))
	_, errStream := s.ReadStream(ctx, "block-B07", 0)
	_, errAll := s.ReadAll(ctx, 1, 10)
	_, errHead := s.Head(ctx)
	errSub := s.Subscribe(ctx, 1, func(context.Context, []es.Envelope) error { return nil })
	for name, err := range map[string]error{
		"Append": errAppend, "ReadStream": errStream, "ReadAll": errAll, "Head": errHead, "Subscribe": errSub,
	} {
		if !errors.Is(err, es.ErrClosed) {
			t.Errorf("%s on a closed store = %v, want an error matching es.ErrClosed", name, err)
		}
	}
}
