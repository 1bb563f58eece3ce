package kurrentdb

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/kurrent-io/KurrentDB-Client-Go/kurrentdb"
)

// conn is one client of the official library and the number of calls still inside it.
//
// The client (v1.4.1) does two things a store that must outlive a server restart cannot take as
// they are. When it fails to find the server (10 tries, about a second, after a connection error
// made it look again), it closes itself for good: its connection goroutine sets the closed flag
// and returns (kurrentdb/impl.go, connectionStateMachine, the discoverNode error branch), and
// every later call fails at once with ErrorCodeConnectionClosed. And a call that asked that
// goroutine for the connection while it was busy looking waits on an unbuffered channel that
// nobody reads any more (impl.go getConnectionHandle and handleError's reconnect; endpoint.go
// newGrpcClient), for ever, whatever its context. So the store replaces a client that closed
// itself (mend), runs every call in a goroutine of its own and gives it up when its deadline
// passes (call), and never closes a client while a call may still be inside it: closing the
// client closes that channel, and a call still sending on it would panic.
type conn struct {
	client *kurrentdb.Client
	calls  atomic.Int64
}

// current returns the connection to call.
func (s *Store) current() *conn {
	s.connMu.Lock()
	defer s.connMu.Unlock()
	return s.conn
}

// call runs f on the current client in a goroutine of its own and waits for it or for ctx. A
// call the client keeps past ctx is given up, with ctx's error; its goroutine stays blocked with
// the client. f must make its calls under ctx, so that what it opens ends with it. A client that
// has closed itself is replaced for the next call.
func call[T any](ctx context.Context, s *Store, f func(*kurrentdb.Client) (T, error)) (T, error) {
	c := s.current()
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	c.calls.Add(1)
	go func() {
		defer c.calls.Add(-1)
		v, err := f(c.client)
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			s.mend(c, r.err)
		}
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, fmt.Errorf("the client did not answer in time: %w", ctx.Err())
	}
}

// closedItself says whether err is the client's answer once it has closed: the store closes its
// client only after the last call, so within a call this means the client closed itself.
func closedItself(err error) bool {
	var kerr *kurrentdb.Error
	return errors.As(err, &kerr) && kerr.Code() == kurrentdb.ErrorCodeConnectionClosed
}

// mend replaces c with a new client when err says that c has closed itself and nobody replaced it
// yet. The old client is left to the garbage collector, not closed: a call may still be blocked
// sending to it.
func (s *Store) mend(c *conn, err error) {
	if !closedItself(err) {
		return
	}
	s.connMu.Lock()
	defer s.connMu.Unlock()
	if s.conn != c || s.closing.Err() != nil {
		return
	}
	client, nerr := kurrentdb.NewClient(s.cfg)
	if nerr != nil {
		s.log.Error("the client closed itself and no new one could be made", "err", nerr)
		return
	}
	s.conn = &conn{client: client}
	s.log.Warn("the client gave up on the server and closed itself; the next call connects anew")
}

// closeConn closes the current client, unless a call given up on is still inside it (see conn).
// The caller is Close, after the last call of the store returned.
func (s *Store) closeConn() error {
	s.connMu.Lock()
	defer s.connMu.Unlock()
	if n := s.conn.calls.Load(); n > 0 {
		s.log.Warn("calls the client never returned are still inside it; it is left open", "calls", n)
		return nil
	}
	return s.conn.client.Close()
}
