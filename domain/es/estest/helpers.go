package estest

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/domain/es"
)

// waitFor is how long the suite waits for a subscription to deliver or stop before failing.
const waitFor = 10 * time.Second

// eventTime is a fixed instant with every nanosecond digit set, given in a zone east of UTC so that
// a store that keeps only microseconds, or the zone, shows up.
var eventTime = time.Date(2025, 3, 14, 10, 26, 53, 589793238, time.FixedZone("CET", 3600))

// Event returns a well-formed envelope with the given id, as an integrator would send it: Subject,
// Recorded, Position and Version are left for the store.
func Event(id string) es.Envelope {
	return es.Envelope{
		SpecVersion:     es.SpecVersion,
		ID:              id,
		Source:          "urn:estest",
		Type:            "estest.NoteTaken",
		Time:            eventTime,
		DataContentType: "application/json",
		SchemaVersion:   1,
		Data:            json.RawMessage(`{"note":"` + id + `"}`),
	}
}

// To returns one stream's share of an append: an Event for each id.
func To(stream string, expected uint64, ids ...string) es.StreamEvents {
	evs := make([]es.Envelope, len(ids))
	for i, id := range ids {
		evs[i] = Event(id)
	}
	return es.StreamEvents{Stream: stream, Expected: expected, Events: evs}
}

// ids returns n ids prefix-1 … prefix-n.
func ids(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s-%d", prefix, i+1)
	}
	return out
}

func mustAppend(t *testing.T, s es.Store, batch ...es.StreamEvents) []es.Appended {
	t.Helper()
	got, err := s.Append(t.Context(), batch...)
	if err != nil {
		t.Fatalf("append: %v", err)
	}
	n := 0
	for _, se := range batch {
		n += len(se.Events)
	}
	if len(got) != n {
		t.Fatalf("append returned %d results for %d events", len(got), n)
	}
	return got
}

// readAll pages through the whole log, a few events at a time so that paging is exercised.
func readAll(t *testing.T, s es.Store) []es.Envelope {
	t.Helper()
	var out []es.Envelope
	for from := uint64(1); ; {
		page, err := s.ReadAll(t.Context(), from, 7)
		if err != nil {
			t.Fatalf("read all from %d: %v", from, err)
		}
		if len(page) == 0 {
			return out
		}
		out = append(out, page...)
		from = page[len(page)-1].Position + 1
	}
}

func readStream(t *testing.T, s es.Store, stream string, from uint64) []es.Envelope {
	t.Helper()
	got, err := s.ReadStream(t.Context(), stream, from)
	if err != nil {
		t.Fatalf("read stream %s from %d: %v", stream, from, err)
	}
	return got
}

func head(t *testing.T, s es.Store) uint64 {
	t.Helper()
	h, err := s.Head(t.Context())
	if err != nil {
		t.Fatalf("head: %v", err)
	}
	return h
}

func positions(evs []es.Envelope) []uint64 {
	out := make([]uint64, len(evs))
	for i, e := range evs {
		out[i] = e.Position
	}
	return out
}

func versions(evs []es.Envelope) []uint64 {
	out := make([]uint64, len(evs))
	for i, e := range evs {
		out[i] = e.Version
	}
	return out
}

func eventIDs(evs []es.Envelope) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.ID
	}
	return out
}

// span returns from, from+1, …, to.
func span(from, to uint64) []uint64 {
	var out []uint64
	for p := from; p <= to; p++ {
		out = append(out, p)
	}
	return out
}

func wantUint64s(t *testing.T, what string, got, want []uint64) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func wantAppended(t *testing.T, got, want []es.Appended) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("appended:\n got  %+v\n want %+v", got, want)
	}
}

// sameEvent checks that got is give as stored in stream at position and version, under the contract's
// rules (see the package doc); Recorded is checked to be set, not for its value.
func sameEvent(t *testing.T, got, give es.Envelope, stream string, position, version uint64) {
	t.Helper()
	where := fmt.Sprintf("event %s", give.ID)
	if got.SpecVersion != give.SpecVersion {
		t.Errorf("%s: SpecVersion = %q, want %q", where, got.SpecVersion, give.SpecVersion)
	}
	if got.ID != give.ID {
		t.Errorf("%s: ID = %q", where, got.ID)
	}
	if got.Source != give.Source {
		t.Errorf("%s: Source = %q, want %q", where, got.Source, give.Source)
	}
	if got.Type != give.Type {
		t.Errorf("%s: Type = %q, want %q", where, got.Type, give.Type)
	}
	if !got.Time.Equal(give.Time) {
		t.Errorf("%s: Time = %s, want %s", where, got.Time.Format(time.RFC3339Nano), give.Time.Format(time.RFC3339Nano))
	}
	if got.Time.Location() != time.UTC {
		t.Errorf("%s: Time is in %s, want UTC", where, got.Time.Location())
	}
	if got.Subject != stream {
		t.Errorf("%s: Subject = %q, want the stream %q", where, got.Subject, stream)
	}
	if got.DataContentType != give.DataContentType {
		t.Errorf("%s: DataContentType = %q, want %q", where, got.DataContentType, give.DataContentType)
	}
	if got.SchemaVersion != give.SchemaVersion {
		t.Errorf("%s: SchemaVersion = %d, want %d", where, got.SchemaVersion, give.SchemaVersion)
	}
	if !sameJSON(got.Data, give.Data) {
		t.Errorf("%s: Data = %s, want %s", where, got.Data, give.Data)
	}
	if got.Recorded.IsZero() || got.Recorded.Location() != time.UTC {
		t.Errorf("%s: Recorded = %v, want a UTC instant", where, got.Recorded)
	}
	if got.Position != position || got.Version != version {
		t.Errorf("%s: at position %d version %d, want %d and %d", where, got.Position, got.Version, position, version)
	}
}

// sameJSON reports whether a and b decode to the same JSON value.
func sameJSON(a, b json.RawMessage) bool {
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
}

// sameStored checks that two reads of stored events agree on every field, Recorded included.
func sameStored(t *testing.T, got, want []es.Envelope) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("read %d events, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if !g.Recorded.Equal(w.Recorded) {
			t.Errorf("position %d: Recorded = %v, want %v", w.Position, g.Recorded, w.Recorded)
		}
		give := w
		give.Subject = ""
		sameEvent(t, g, give, w.Subject, w.Position, w.Version)
	}
}

// subscription runs Subscribe in a goroutine and hands each delivered batch to the test.
type subscription struct {
	batches chan []es.Envelope
	done    chan error
	cancel  context.CancelFunc
}

func subscribe(t *testing.T, s es.Store, from uint64) *subscription {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	sub := &subscription{batches: make(chan []es.Envelope), done: make(chan error, 1), cancel: cancel}
	go func() {
		sub.done <- s.Subscribe(ctx, from, func(ctx context.Context, batch []es.Envelope) error {
			select {
			case sub.batches <- slices.Clone(batch):
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	t.Cleanup(func() {
		cancel()
		<-sub.done
	})
	return sub
}

// next collects delivered events until it has n of them.
func (sub *subscription) next(t *testing.T, n int) []es.Envelope {
	t.Helper()
	var got []es.Envelope
	timeout := time.After(waitFor)
	for len(got) < n {
		select {
		case b := <-sub.batches:
			if len(b) == 0 {
				t.Fatalf("subscription delivered an empty batch")
			}
			got = append(got, b...)
		case err := <-sub.done:
			sub.done <- err
			t.Fatalf("subscription stopped after %d of %d events: %v", len(got), n, err)
		case <-timeout:
			t.Fatalf("subscription delivered %d of %d events in %s", len(got), n, waitFor)
		}
	}
	if len(got) > n {
		t.Fatalf("subscription delivered %d events, want %d", len(got), n)
	}
	return got
}

// stop cancels the subscription and returns Subscribe's error.
func (sub *subscription) stop(t *testing.T) error {
	t.Helper()
	sub.cancel()
	for {
		select {
		case <-sub.batches:
		case err := <-sub.done:
			sub.done <- err
			return err
		case <-time.After(waitFor):
			t.Fatalf("subscription still running %s after its context was cancelled", waitFor)
		}
	}
}
