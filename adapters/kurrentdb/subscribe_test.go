package kurrentdb

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/kurrent-io/KurrentDB-Client-Go/kurrentdb"

	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/es/estest"
)

// appeared returns the subscription event of the log event at position pos, encoded as Append
// encodes it.
func appeared(t *testing.T, pos uint64) *kurrentdb.SubscriptionEvent {
	t.Helper()
	e := estest.Event(fmt.Sprintf("e%d", pos))
	e.Subject, e.Position, e.Version = "block-B07", pos, pos
	d, err := encode(e)
	if err != nil {
		t.Fatal(err)
	}
	return &kurrentdb.SubscriptionEvent{EventAppeared: &kurrentdb.ResolvedEvent{Event: recorded(d, revOf(pos), time.Now().UTC())}}
}

// queued returns a channel holding evs, as the pump leaves what has arrived.
func queued(evs ...*kurrentdb.SubscriptionEvent) chan *kurrentdb.SubscriptionEvent {
	c := make(chan *kurrentdb.SubscriptionEvent, len(evs))
	for _, e := range evs {
		c <- e
	}
	return c
}

func positionsOf(evs []es.Envelope) []uint64 {
	var out []uint64
	for _, e := range evs {
		out = append(out, e.Position)
	}
	return out
}

func TestSequencerPlace(t *testing.T) {
	q := sequencer{next: 5}
	tests := []struct {
		give uint64
		want placement
	}{
		{3, skip}, {4, skip}, {5, deliver}, {5, skip}, {6, deliver}, {8, gap}, {7, deliver}, {8, deliver},
	}
	for _, tt := range tests {
		if got := q.place(tt.give); got != tt.want {
			t.Errorf("place(%d) = %d, want %d (next was due)", tt.give, got, tt.want)
		}
	}
	if q.next != 9 {
		t.Errorf("next = %d, want 9", q.next)
	}
}

func TestTakeBatchesWhatHasArrived(t *testing.T) {
	checkpoint := &kurrentdb.SubscriptionEvent{CheckPointReached: &kurrentdb.Position{Commit: 10, Prepare: 10}}
	caughtUp := &kurrentdb.SubscriptionEvent{CaughtUp: &kurrentdb.CaughtUp{}}
	q := sequencer{next: 3}
	// A server that started at or before the revision given repeats 1 and 2: they are dropped.
	batch, err := q.take(appeared(t, 1), queued(appeared(t, 2), appeared(t, 3), caughtUp, appeared(t, 4), checkpoint, appeared(t, 5)))
	if err != nil {
		t.Fatalf("take: %v", err)
	}
	if got := positionsOf(batch); !slices.Equal(got, []uint64{3, 4, 5}) {
		t.Errorf("batch positions %v, want 3 4 5", got)
	}
	if batch[0].ID != "e3" || batch[0].Subject != "block-B07" || batch[0].Version != 3 {
		t.Errorf("first event = %+v, want e3 of block-B07 at version 3", batch[0])
	}
	if q.next != 6 {
		t.Errorf("next = %d, want 6", q.next)
	}
}

func TestTakeStopsAtAPage(t *testing.T) {
	var rest []*kurrentdb.SubscriptionEvent
	for p := uint64(2); p <= subscribePage+5; p++ {
		rest = append(rest, appeared(t, p))
	}
	arrived := queued(rest...)
	q := sequencer{next: 1}
	batch, err := q.take(appeared(t, 1), arrived)
	if err != nil || len(batch) != subscribePage {
		t.Fatalf("take = %d events, %v; want a page of %d", len(batch), err, subscribePage)
	}
	if len(arrived) != 5 {
		t.Errorf("%d events left for the next batch, want 5", len(arrived))
	}
}

func TestTakeStopsAtAGap(t *testing.T) {
	q := sequencer{next: 1}
	batch, err := q.take(appeared(t, 1), queued(appeared(t, 2), appeared(t, 4), appeared(t, 5)))
	if !errors.Is(err, errGap) {
		t.Fatalf("take = %v, want errGap", err)
	}
	if got := positionsOf(batch); !slices.Equal(got, []uint64{1, 2}) {
		t.Errorf("batch before the gap = %v, want 1 2", got)
	}
	if q.next != 3 {
		t.Errorf("next = %d, want 3: the gap is read from the log", q.next)
	}
}

func TestTakeStopsAtADrop(t *testing.T) {
	boom := errors.New("connection reset by peer")
	q := sequencer{next: 1}
	batch, err := q.take(appeared(t, 1), queued(&kurrentdb.SubscriptionEvent{SubscriptionDropped: &kurrentdb.SubscriptionDropped{Error: boom}}, appeared(t, 2)))
	if !errors.Is(err, boom) {
		t.Fatalf("take = %v, want the drop's error", err)
	}
	if got := positionsOf(batch); !slices.Equal(got, []uint64{1}) {
		t.Errorf("batch before the drop = %v, want 1", got)
	}
	if kindOf(err) != kindTransient {
		t.Errorf("a drop on a network error is not retried: %v", err)
	}
	_, err = (&sequencer{next: 1}).take(&kurrentdb.SubscriptionEvent{SubscriptionDropped: &kurrentdb.SubscriptionDropped{}}, queued())
	if err == nil {
		t.Error("a drop without a reason was not reported")
	}
}

func TestTakeStopsAtAForeignEvent(t *testing.T) {
	foreign := &kurrentdb.SubscriptionEvent{EventAppeared: &kurrentdb.ResolvedEvent{Event: &kurrentdb.RecordedEvent{EventType: "OrderPlaced", EventNumber: 1, UserMetadata: []byte(`{}`)}}}
	q := sequencer{next: 1}
	batch, err := q.take(appeared(t, 1), queued(foreign))
	if !errors.Is(err, errForeign) {
		t.Fatalf("take = %v, want errForeign", err)
	}
	if len(batch) != 1 {
		t.Errorf("batch before the foreign event has %d events, want 1", len(batch))
	}
	if kindOf(err) != kindFatal {
		t.Errorf("a foreign event in the log would be retried for ever: %v", err)
	}
}

func TestBackoff(t *testing.T) {
	b := backoff{min: 100 * time.Millisecond, max: time.Second}
	var got []time.Duration
	for range 6 {
		got = append(got, b.next())
	}
	want := []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond, time.Second, time.Second}
	if !slices.Equal(got, want) {
		t.Errorf("waits = %v, want %v", got, want)
	}
	b.reset()
	if w := b.next(); w != 100*time.Millisecond {
		t.Errorf("after reset the wait is %s, want 100ms", w)
	}
}
