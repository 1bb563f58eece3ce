package estest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/domain/es"
)

// Run checks that the stores made by newStore keep the es.Store contract. newStore returns a new,
// empty store for each sub-test and arranges for it to be closed (t.Cleanup); Run never closes it.
func Run(t *testing.T, newStore func(t *testing.T) es.Store) {
	t.Helper()
	tests := []struct {
		name string
		run  func(t *testing.T, newStore func(t *testing.T) es.Store)
	}{
		{"AppendNoStream", testAppendNoStream},
		{"AppendExpectedVersion", testAppendExpectedVersion},
		{"AppendWrongVersion", testAppendWrongVersion},
		{"ConflictWritesNothingOfBatch", testConflictWritesNothing},
		{"AnyVersion", testAnyVersion},
		{"DuplicateAcrossCalls", testDuplicateAcrossCalls},
		{"DuplicateInOneBatch", testDuplicateInOneBatch},
		{"DuplicateResendStaleExpected", testDuplicateResendStale},
		{"PartialResendChecksVersion", testPartialResend},
		{"PositionsAndVersions", testPositionsAndVersions},
		{"RecordedAndSubject", testRecordedAndSubject},
		{"RoundTrip", testRoundTrip},
		{"ReadStreamFrom", testReadStreamFrom},
		{"ReadStreamMissing", testReadStreamMissing},
		{"ReadAllPaging", testReadAllPaging},
		{"Head", testHead},
		{"RejectsEmptyStreamOrID", testRejectsEmpty},
		{"EmptyAppend", testEmptyAppend},
		{"SubscribeCatchUpThenLive", testSubscribeCatchUpThenLive},
		{"SubscribeFromEmpty", testSubscribeFromEmpty},
		{"SubscribeHandlerError", testSubscribeHandlerError},
		{"ConcurrentAppends", testConcurrentAppends},
		{"ConcurrentExpectedVersion", testConcurrentExpectedVersion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, newStore) })
	}
}

func testAppendNoStream(t *testing.T, newStore func(t *testing.T) es.Store) {
	s := newStore(t)
	got := mustAppend(t, s, To("block-B07", es.NoStream, "e1", "e2"))
	wantAppended(t, got, []es.Appended{
		{ID: "e1", Position: 1, Version: 1},
		{ID: "e2", Position: 2, Version: 2},
	})
	evs := readStream(t, s, "block-B07", 0)
	if len(evs) != 2 {
		t.Fatalf("stream has %d events, want 2", len(evs))
	}
	sameEvent(t, evs[0], Event("e1"), "block-B07", 1, 1)
	sameEvent(t, evs[1], Event("e2"), "block-B07", 2, 2)
}

func testAppendExpectedVersion(t *testing.T, newStore func(t *testing.T) es.Store) {
	s := newStore(t)
	mustAppend(t, s, To("block-B07", es.NoStream, "e1", "e2"))
	got := mustAppend(t, s, To("block-B07", 2, "e3"))
	wantAppended(t, got, []es.Appended{{ID: "e3", Position: 3, Version: 3}})
	got = mustAppend(t, s, To("block-B07", 3, "e4", "e5"))
	wantAppended(t, got, []es.Appended{
		{ID: "e4", Position: 4, Version: 4},
		{ID: "e5", Position: 5, Version: 5},
	})
	wantUint64s(t, "versions", versions(readStream(t, s, "block-B07", 0)), span(1, 5))
}

func testAppendWrongVersion(t *testing.T, newStore func(t *testing.T) es.Store) {
	tests := []struct {
		name         string
		giveStream   string
		giveExpected uint64
		wantActual   uint64
	}{
		{"NoStreamOnExisting", "block-B07", es.NoStream, 2},
		{"Behind", "block-B07", 1, 2},
		{"Ahead", "block-B07", 3, 2},
		{"VersionOnMissing", "block-B99", 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t)
			mustAppend(t, s, To("block-B07", es.NoStream, "e1", "e2"))
			before := readAll(t, s)

			_, err := s.Append(t.Context(), To(tt.giveStream, tt.giveExpected, "x1"))
			if !errors.Is(err, es.ErrConflict) {
				t.Fatalf("append = %v, want an error matching es.ErrConflict", err)
			}
			var ce *es.ConflictError
			if !errors.As(err, &ce) {
				t.Fatalf("append = %v, want an *es.ConflictError", err)
			}
			want := es.ConflictError{Stream: tt.giveStream, Expected: tt.giveExpected, Actual: tt.wantActual}
			if *ce != want {
				t.Errorf("conflict = %+v, want %+v", *ce, want)
			}
			sameStored(t, readAll(t, s), before)
			if h := head(t, s); h != 2 {
				t.Errorf("head = %d after a conflict, want 2", h)
			}
		})
	}
}

func testConflictWritesNothing(t *testing.T, newStore func(t *testing.T) es.Store) {
	s := newStore(t)
	mustAppend(t, s, To("block-B07", es.NoStream, "e1"), To("block-B08", es.NoStream, "e2"))
	before := readAll(t, s)

	// The first two streams would be fine on their own; the third is behind.
	_, err := s.Append(t.Context(),
		To("block-B07", 1, "x1", "x2"),
		To("block-B09", es.NoStream, "x3"),
		To("block-B08", es.NoStream, "x4"),
		To("block-B10", es.AnyVersion, "x5"),
	)
	var ce *es.ConflictError
	if !errors.As(err, &ce) || !errors.Is(err, es.ErrConflict) {
		t.Fatalf("append = %v, want an *es.ConflictError matching es.ErrConflict", err)
	}
	if ce.Stream != "block-B08" {
		t.Errorf("conflict names stream %q, want block-B08", ce.Stream)
	}
	sameStored(t, readAll(t, s), before)
	for _, stream := range []string{"block-B09", "block-B10"} {
		if evs := readStream(t, s, stream, 0); len(evs) != 0 {
			t.Errorf("stream %s has %d events after a refused batch", stream, len(evs))
		}
	}
	if h := head(t, s); h != 2 {
		t.Errorf("head = %d, want 2", h)
	}

	// The refused ids were not remembered: sent again correctly they are new events.
	got := mustAppend(t, s, To("block-B07", 1, "x1", "x2"), To("block-B09", es.NoStream, "x3"))
	wantAppended(t, got, []es.Appended{
		{ID: "x1", Position: 3, Version: 2},
		{ID: "x2", Position: 4, Version: 3},
		{ID: "x3", Position: 5, Version: 1},
	})
}

func testAnyVersion(t *testing.T, newStore func(t *testing.T) es.Store) {
	s := newStore(t)
	got := mustAppend(t, s, To("crane-STS01", es.AnyVersion, "e1"))
	wantAppended(t, got, []es.Appended{{ID: "e1", Position: 1, Version: 1}})
	got = mustAppend(t, s, To("crane-STS01", es.AnyVersion, "e2", "e3"), To("crane-STS02", es.AnyVersion, "e4"))
	wantAppended(t, got, []es.Appended{
		{ID: "e2", Position: 2, Version: 2},
		{ID: "e3", Position: 3, Version: 3},
		{ID: "e4", Position: 4, Version: 1},
	})
}

func testDuplicateAcrossCalls(t *testing.T, newStore func(t *testing.T) es.Store) {
	s := newStore(t)
	mustAppend(t, s, To("block-B07", es.NoStream, "e1", "e2"))
	mustAppend(t, s, To("block-B08", es.NoStream, "e3"))

	got := mustAppend(t, s, To("block-B07", es.AnyVersion, "e1"))
	wantAppended(t, got, []es.Appended{{ID: "e1", Position: 1, Version: 1, Duplicate: true}})

	// A duplicate sent to another stream is still the one stored fact.
	got = mustAppend(t, s, To("block-B09", es.AnyVersion, "e3", "e4"))
	wantAppended(t, got, []es.Appended{
		{ID: "e3", Position: 3, Version: 1, Duplicate: true},
		{ID: "e4", Position: 4, Version: 1},
	})
	wantUint64s(t, "positions", positions(readAll(t, s)), span(1, 4))
	if got := eventIDs(readAll(t, s)); !slices.Equal(got, []string{"e1", "e2", "e3", "e4"}) {
		t.Errorf("log holds %v", got)
	}
}

func testDuplicateInOneBatch(t *testing.T, newStore func(t *testing.T) es.Store) {
	s := newStore(t)
	got := mustAppend(t, s,
		To("block-B07", es.NoStream, "e1", "e2", "e1"),
		To("block-B08", es.NoStream, "e2", "e3"),
	)
	wantAppended(t, got, []es.Appended{
		{ID: "e1", Position: 1, Version: 1},
		{ID: "e2", Position: 2, Version: 2},
		{ID: "e1", Position: 1, Version: 1, Duplicate: true},
		{ID: "e2", Position: 2, Version: 2, Duplicate: true},
		{ID: "e3", Position: 3, Version: 1},
	})
	all := readAll(t, s)
	if got := eventIDs(all); !slices.Equal(got, []string{"e1", "e2", "e3"}) {
		t.Errorf("log holds %v, want e1 e2 e3", got)
	}
	wantUint64s(t, "block-B07 versions", versions(readStream(t, s, "block-B07", 0)), span(1, 2))
	wantUint64s(t, "block-B08 versions", versions(readStream(t, s, "block-B08", 0)), span(1, 1))
}

func testDuplicateResendStale(t *testing.T, newStore func(t *testing.T) es.Store) {
	s := newStore(t)
	mustAppend(t, s, To("block-B07", es.NoStream, "e1", "e2"))
	mustAppend(t, s, To("block-B07", 2, "e3"))

	// The first batch sent again, as after a lost reply: its expected version is now stale.
	got := mustAppend(t, s, To("block-B07", es.NoStream, "e1", "e2"))
	wantAppended(t, got, []es.Appended{
		{ID: "e1", Position: 1, Version: 1, Duplicate: true},
		{ID: "e2", Position: 2, Version: 2, Duplicate: true},
	})
	if h := head(t, s); h != 3 {
		t.Errorf("head = %d after a duplicate re-send, want 3", h)
	}
	wantUint64s(t, "versions", versions(readStream(t, s, "block-B07", 0)), span(1, 3))
}

func testPartialResend(t *testing.T, newStore func(t *testing.T) es.Store) {
	s := newStore(t)
	mustAppend(t, s, To("block-B07", es.NoStream, "e1", "e2"))

	// One new event in the batch: the stream is checked, and NoStream is wrong.
	_, err := s.Append(t.Context(), To("block-B07", es.NoStream, "e1", "e2", "e3"))
	if !errors.Is(err, es.ErrConflict) {
		t.Fatalf("append = %v, want an error matching es.ErrConflict", err)
	}
	if h := head(t, s); h != 2 {
		t.Errorf("head = %d after a conflict, want 2", h)
	}

	got := mustAppend(t, s, To("block-B07", 2, "e1", "e2", "e3"))
	wantAppended(t, got, []es.Appended{
		{ID: "e1", Position: 1, Version: 1, Duplicate: true},
		{ID: "e2", Position: 2, Version: 2, Duplicate: true},
		{ID: "e3", Position: 3, Version: 3},
	})
}

func testPositionsAndVersions(t *testing.T, newStore func(t *testing.T) es.Store) {
	s := newStore(t)
	streams := []string{"block-B01", "block-B02", "block-B03"}
	wantVersion := map[string]uint64{}
	var want []es.Appended
	for round := range 4 {
		var batch []es.StreamEvents
		for i, stream := range streams[:1+round%3] {
			given := ids(fmt.Sprintf("r%d-s%d", round, i), 1+i)
			batch = append(batch, To(stream, es.AnyVersion, given...))
			for _, id := range given {
				wantVersion[stream]++
				want = append(want, es.Appended{ID: id, Position: uint64(len(want) + 1), Version: wantVersion[stream]})
			}
		}
		got := mustAppend(t, s, batch...)
		wantAppended(t, got, want[len(want)-len(got):])
	}
	all := readAll(t, s)
	wantUint64s(t, "positions", positions(all), span(1, uint64(len(want))))
	for _, stream := range streams {
		evs := readStream(t, s, stream, 0)
		wantUint64s(t, stream+" versions", versions(evs), span(1, wantVersion[stream]))
		if !slices.IsSorted(positions(evs)) {
			t.Errorf("%s positions %v are not increasing", stream, positions(evs))
		}
	}
}

func testRecordedAndSubject(t *testing.T, newStore func(t *testing.T) es.Store) {
	s := newStore(t)
	withSubject := Event("e2")
	withSubject.Subject = "block-WRONG"
	before := time.Now()
	mustAppend(t, s, es.StreamEvents{Stream: "block-B07", Events: []es.Envelope{Event("e1"), withSubject}})

	fromAll := readAll(t, s)
	fromStream := readStream(t, s, "block-B07", 0)
	for i, e := range fromAll {
		if e.Subject != "block-B07" {
			t.Errorf("%s: Subject = %q, want the stream", e.ID, e.Subject)
		}
		if e.Recorded.IsZero() || e.Recorded.Location() != time.UTC {
			t.Errorf("%s: Recorded = %v, want a UTC instant", e.ID, e.Recorded)
		}
		// A store's clock may not be this machine's; a day is slack enough to catch wrong units.
		if d := e.Recorded.Sub(before); d < -24*time.Hour || d > 24*time.Hour {
			t.Errorf("%s: Recorded = %v, more than a day from now (%v)", e.ID, e.Recorded, before)
		}
		if !fromStream[i].Recorded.Equal(e.Recorded) {
			t.Errorf("%s: Recorded differs between ReadAll (%v) and ReadStream (%v)", e.ID, e.Recorded, fromStream[i].Recorded)
		}
	}
}

func testRoundTrip(t *testing.T, newStore func(t *testing.T) es.Store) {
	s := newStore(t)
	full := es.Envelope{
		SpecVersion:     es.SpecVersion,
		ID:              "0195b3a2-7c1e-7d4f-9a80-2b6c1e0f4d21",
		Source:          "urn:tos:tc1/gate",
		Type:            "gate.GateInRecorded",
		Time:            time.Date(2024, 12, 31, 23, 59, 59, 999999999, time.FixedZone("WET", 0)),
		DataContentType: "application/json",
		SchemaVersion:   3,
		Data: json.RawMessage(`{"container":"MSCU1234565","lane":7,"seals":["A1","B2"],` +
			`"weight_kg":28450.5,"hazmat":null,"note":"réception à Tanger – 集装箱 \"ok\""}`),
	}
	early := Event("e-early")
	early.Time = time.Date(1970, 1, 1, 0, 0, 0, 1, time.UTC)
	before1970 := Event("e-1969")
	before1970.Time = time.Date(1969, 7, 20, 20, 17, 40, 123456789, time.FixedZone("EDT", -4*3600))
	bare := es.Envelope{ID: "e-bare", Source: "s", Type: "t", Time: eventTime, Data: json.RawMessage(`{}`)}
	gives := []es.Envelope{full, early, before1970, bare}

	mustAppend(t, s, es.StreamEvents{Stream: "gate-TC1", Expected: es.NoStream, Events: gives})
	fromStream := readStream(t, s, "gate-TC1", 0)
	fromAll := readAll(t, s)
	if len(fromStream) != len(gives) || len(fromAll) != len(gives) {
		t.Fatalf("read %d from the stream and %d from the log, want %d", len(fromStream), len(fromAll), len(gives))
	}
	for i, give := range gives {
		sameEvent(t, fromStream[i], give, "gate-TC1", uint64(i+1), uint64(i+1))
		sameEvent(t, fromAll[i], give, "gate-TC1", uint64(i+1), uint64(i+1))
	}
}

func testReadStreamFrom(t *testing.T, newStore func(t *testing.T) es.Store) {
	s := newStore(t)
	// Streams whose names extend one another must not leak into each other's reads.
	mustAppend(t, s, To("block-B1", es.NoStream, "a1", "a2"), To("block-B10", es.NoStream, "b1"))
	mustAppend(t, s, To("block-B1", 2, "a3"), To("block-B", es.NoStream, "c1"), To("block-B1", 3, "a4", "a5"))

	tests := []struct {
		name         string
		giveFrom     uint64
		wantVersions []uint64
		wantIDs      []string
	}{
		{"FromZero", 0, span(1, 5), []string{"a1", "a2", "a3", "a4", "a5"}},
		{"FromOne", 1, span(1, 5), []string{"a1", "a2", "a3", "a4", "a5"}},
		{"FromMiddle", 3, span(3, 5), []string{"a3", "a4", "a5"}},
		{"FromLast", 5, span(5, 5), []string{"a5"}},
		{"PastEnd", 6, nil, nil},
		{"FarPastEnd", 1 << 40, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readStream(t, s, "block-B1", tt.giveFrom)
			wantUint64s(t, "versions", versions(got), tt.wantVersions)
			if !slices.Equal(eventIDs(got), tt.wantIDs) {
				t.Errorf("ids = %v, want %v", eventIDs(got), tt.wantIDs)
			}
		})
	}
}

func testReadStreamMissing(t *testing.T, newStore func(t *testing.T) es.Store) {
	s := newStore(t)
	if got := readStream(t, s, "block-B07", 0); len(got) != 0 {
		t.Errorf("empty store: stream has %d events", len(got))
	}
	mustAppend(t, s, To("block-B07", es.NoStream, "e1"))
	for _, stream := range []string{"block-B0", "block-B070", "block-B08"} {
		if got := readStream(t, s, stream, 0); len(got) != 0 {
			t.Errorf("missing stream %s has %d events", stream, len(got))
		}
	}
}

func testReadAllPaging(t *testing.T, newStore func(t *testing.T) es.Store) {
	s := newStore(t)
	mustAppend(t, s, To("block-B01", es.NoStream, ids("a", 6)...), To("block-B02", es.NoStream, ids("b", 4)...))

	tests := []struct {
		name          string
		giveFrom      uint64
		giveLimit     int
		wantPositions []uint64
	}{
		{"FirstPage", 0, 3, span(1, 3)},
		{"FromOne", 1, 3, span(1, 3)},
		{"SecondPage", 4, 3, span(4, 6)},
		{"ShortLastPage", 9, 5, span(9, 10)},
		{"Everything", 1, 100, span(1, 10)},
		{"PastHead", 11, 5, nil},
		{"OneEvent", 7, 1, span(7, 7)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.ReadAll(t.Context(), tt.giveFrom, tt.giveLimit)
			if err != nil {
				t.Fatalf("read all: %v", err)
			}
			wantUint64s(t, "positions", positions(got), tt.wantPositions)
		})
	}
}

func testHead(t *testing.T, newStore func(t *testing.T) es.Store) {
	s := newStore(t)
	if h := head(t, s); h != 0 {
		t.Fatalf("empty store: head = %d, want 0", h)
	}
	mustAppend(t, s, To("block-B07", es.NoStream, "e1", "e2"))
	mustAppend(t, s, To("block-B08", es.NoStream, "e3"))
	if h := head(t, s); h != 3 {
		t.Errorf("head = %d, want 3", h)
	}
	mustAppend(t, s, To("block-B08", es.AnyVersion, "e1"))
	if h := head(t, s); h != 3 {
		t.Errorf("head = %d after a duplicate, want 3", h)
	}
	if _, err := s.Append(t.Context(), To("block-B08", es.NoStream, "e4")); !errors.Is(err, es.ErrConflict) {
		t.Fatalf("append = %v, want a conflict", err)
	}
	if h := head(t, s); h != 3 {
		t.Errorf("head = %d after a conflict, want 3", h)
	}
}

func testRejectsEmpty(t *testing.T, newStore func(t *testing.T) es.Store) {
	s := newStore(t)
	mustAppend(t, s, To("block-B07", es.NoStream, "e1"))
	noID := Event("")
	tests := []struct {
		name      string
		giveBatch []es.StreamEvents
	}{
		{"EmptyStream", []es.StreamEvents{To("block-B08", es.NoStream, "x1"), To("", es.AnyVersion, "x2")}},
		{"EmptyID", []es.StreamEvents{To("block-B08", es.NoStream, "x1"), {Stream: "block-B09", Events: []es.Envelope{noID}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := s.Append(t.Context(), tt.giveBatch...); err == nil {
				t.Fatalf("append succeeded, want an error")
			}
			if h := head(t, s); h != 1 {
				t.Errorf("head = %d after a refused batch, want 1", h)
			}
		})
	}
}

func testEmptyAppend(t *testing.T, newStore func(t *testing.T) es.Store) {
	s := newStore(t)
	for _, batch := range [][]es.StreamEvents{nil, {{Stream: "block-B07", Expected: es.AnyVersion}}} {
		got, err := s.Append(t.Context(), batch...)
		if err != nil || len(got) != 0 {
			t.Errorf("append of no events = %v, %v; want nothing, nil", got, err)
		}
	}
	if h := head(t, s); h != 0 {
		t.Errorf("head = %d, want 0", h)
	}
}

func testSubscribeCatchUpThenLive(t *testing.T, newStore func(t *testing.T) es.Store) {
	s := newStore(t)
	mustAppend(t, s, To("block-B07", es.NoStream, ids("old", 5)...))

	sub := subscribe(t, s, 3)
	got := sub.next(t, 3)
	wantUint64s(t, "caught-up positions", positions(got), span(3, 5))

	// Live: single appends, a multi-stream batch, and a duplicate that must not be delivered.
	mustAppend(t, s, To("block-B07", 5, "new-1"))
	mustAppend(t, s, To("block-B08", es.NoStream, "new-2", "new-3"), To("block-B07", es.AnyVersion, "new-4"))
	mustAppend(t, s, To("block-B09", es.AnyVersion, "old-1", "new-5"))
	got = sub.next(t, 5)
	wantUint64s(t, "live positions", positions(got), span(6, 10))
	if want := []string{"new-1", "new-2", "new-3", "new-4", "new-5"}; !slices.Equal(eventIDs(got), want) {
		t.Errorf("live ids = %v, want %v", eventIDs(got), want)
	}
	sameEvent(t, got[0], Event("new-1"), "block-B07", 6, 6)

	err := sub.stop(t)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("subscribe returned %v, want an error matching context.Canceled", err)
	}
}

func testSubscribeFromEmpty(t *testing.T, newStore func(t *testing.T) es.Store) {
	s := newStore(t)
	sub := subscribe(t, s, 0)
	// Let the subscription reach its wait before anything is appended.
	time.Sleep(20 * time.Millisecond)
	mustAppend(t, s, To("block-B07", es.NoStream, "e1"))
	mustAppend(t, s, To("block-B07", 1, "e2"))
	wantUint64s(t, "positions", positions(sub.next(t, 2)), span(1, 2))
	if err := sub.stop(t); !errors.Is(err, context.Canceled) {
		t.Errorf("subscribe returned %v, want an error matching context.Canceled", err)
	}
}

func testSubscribeHandlerError(t *testing.T, newStore func(t *testing.T) es.Store) {
	s := newStore(t)
	mustAppend(t, s, To("block-B07", es.NoStream, "e1", "e2"))
	errBoom := errors.New("projection failed")

	tests := []struct {
		name     string
		giveFrom uint64
		live     bool
	}{
		{"CatchingUp", 1, false},
		{"Live", 3, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done := make(chan error, 1)
			calls := 0
			go func() {
				done <- s.Subscribe(t.Context(), tt.giveFrom, func(context.Context, []es.Envelope) error {
					calls++
					return errBoom
				})
			}()
			if tt.live {
				time.Sleep(20 * time.Millisecond)
				mustAppend(t, s, To("block-B08", es.AnyVersion, "live-1"))
			}
			select {
			case err := <-done:
				if !errors.Is(err, errBoom) {
					t.Errorf("subscribe returned %v, want an error matching the handler's", err)
				}
				if calls != 1 {
					t.Errorf("handler called %d times, want once", calls)
				}
			case <-time.After(waitFor):
				t.Fatalf("subscribe did not stop on the handler's error within %s", waitFor)
			}
		})
	}
}

func testConcurrentAppends(t *testing.T, newStore func(t *testing.T) es.Store) {
	s := newStore(t)
	const (
		writers = 4
		rounds  = 25
	)
	sub := subscribe(t, s, 1)

	var wg sync.WaitGroup
	errs := make(chan error, writers*rounds)
	for w := range writers {
		wg.Go(func() {
			own := fmt.Sprintf("truck-T%d", w)
			for r := range rounds {
				// Each writer keeps its own stream's version and shares one stream with the others.
				_, err := s.Append(context.Background(),
					To(own, uint64(r), fmt.Sprintf("w%d-r%d-own", w, r)),
					To("gate-G1", es.AnyVersion, fmt.Sprintf("w%d-r%d-gate-a", w, r), fmt.Sprintf("w%d-r%d-gate-b", w, r)),
				)
				if err != nil {
					errs <- fmt.Errorf("writer %d round %d: %w", w, r, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		return
	}

	const total = writers * rounds * 3
	if h := head(t, s); h != total {
		t.Errorf("head = %d, want %d", h, total)
	}
	all := readAll(t, s)
	wantUint64s(t, "positions", positions(all), span(1, total))
	seen := map[string]bool{}
	for _, e := range all {
		if seen[e.ID] {
			t.Errorf("event %s stored twice", e.ID)
		}
		seen[e.ID] = true
	}
	gate := readStream(t, s, "gate-G1", 0)
	wantUint64s(t, "gate-G1 versions", versions(gate), span(1, writers*rounds*2))
	for w := range writers {
		own := readStream(t, s, fmt.Sprintf("truck-T%d", w), 0)
		wantUint64s(t, fmt.Sprintf("truck-T%d versions", w), versions(own), span(1, rounds))
		for r, e := range own {
			if want := fmt.Sprintf("w%d-r%d-own", w, r); e.ID != want {
				t.Errorf("truck-T%d version %d is %s, want %s", w, e.Version, e.ID, want)
			}
		}
	}
	live := sub.next(t, total)
	wantUint64s(t, "subscribed positions", positions(live), span(1, total))
}

func testConcurrentExpectedVersion(t *testing.T, newStore func(t *testing.T) es.Store) {
	s := newStore(t)
	const racers = 6
	var wg sync.WaitGroup
	errs := make([]error, racers)
	for i := range racers {
		wg.Go(func() {
			_, errs[i] = s.Append(context.Background(), To("block-B07", es.NoStream, fmt.Sprintf("racer-%d", i)))
		})
	}
	wg.Wait()
	won := 0
	for i, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, es.ErrConflict):
			t.Errorf("racer %d: %v, want success or a conflict", i, err)
		}
	}
	if won != 1 {
		t.Errorf("%d racers appended to a new stream with NoStream, want exactly 1", won)
	}
	if h := head(t, s); h != 1 {
		t.Errorf("head = %d, want 1", h)
	}
}
