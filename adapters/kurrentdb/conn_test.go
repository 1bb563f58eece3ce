package kurrentdb

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/es/estest"
)

// The client closes itself for good after it failed to find the server once (about a second of
// tries against a port where nothing listens): every later call of that client fails at once with
// ErrorCodeConnectionClosed. The store must then try the server again with a new client, or it
// never recovers from an outage, however long it waits.
func TestStoreReplacesAClientThatClosedItself(t *testing.T) {
	s := unreachable(t, Options{CallTimeout: 5 * time.Second})
	ctx := t.Context()
	_, first := s.Head(ctx) // the client looks for the server, fails and closes itself
	if first == nil || closedItself(first) {
		t.Fatalf("first head = %v, want the failure to find the server", first)
	}
	_, second := s.Head(ctx) // the closed client answers at once; the store replaces it
	if !closedItself(second) {
		t.Fatalf("second head = %v, want the client's own closed-connection error", second)
	}
	_, third := s.Head(ctx)
	if third == nil || closedItself(third) {
		t.Errorf("third head = %v, want a new client's failure to find the server, not the closed client again", third)
	}
}

// While the client looks for the server, calls that ask it for the connection wait on a channel
// that nobody reads once it gives up, whatever their context. The store's calls must still end
// at their deadline, and Close must return.
func TestConcurrentCallsDuringAFailedDiscoveryEndAtTheirDeadline(t *testing.T) {
	s := unreachable(t, Options{CallTimeout: 2 * time.Second, Logger: slog.New(slog.DiscardHandler)})
	done := make(chan error, 4)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer cancel()
			var err error
			if i%2 == 0 {
				_, err = s.Head(ctx)
			} else {
				_, err = s.Append(ctx, estest.To("block-B07", es.NoStream, "e"+string(rune('1'+i))))
			}
			done <- err
		})
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(10 * time.Second):
		t.Fatal("calls still running 10 s after they started, with 2 s deadlines")
	}
	close(done)
	for err := range done {
		if err == nil {
			t.Error("a call succeeded with no server")
		}
	}
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Errorf("close: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("close still waiting 5 s later")
	}
}

// The client cuts an append short at 10 s unless the options name a deadline: a CallTimeout above
// that must reach it.
func TestAppendOptionsCarryTheCallTimeout(t *testing.T) {
	o := appendOptions(3, time.Minute)
	if o.Deadline == nil || *o.Deadline != time.Minute {
		t.Errorf("deadline = %v, want 1m", o.Deadline)
	}
	if o.StreamState != logState(3) {
		t.Errorf("stream state = %#v, want %#v", o.StreamState, logState(3))
	}
}
