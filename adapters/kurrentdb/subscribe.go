package kurrentdb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kurrent-io/KurrentDB-Client-Go/kurrentdb"

	"github.com/yardtwin/yardtwin/domain/es"
)

// subscribePage is how many events a subscription hands over at a time, at most.
const subscribePage = 1000

// errGap says that a live subscription skipped positions: the subscription catches up by reading.
var errGap = errors.New("live subscription skipped positions")

// handlerError carries the handler's error out of the subscription's loops.
type handlerError struct{ err error }

func (e *handlerError) Error() string { return e.err.Error() }
func (e *handlerError) Unwrap() error { return e.err }

// Subscribe calls handle with every event from position from onwards (0 starts at 1), in log order
// and in batches of up to 1,000 events, until ctx ends, handle fails or the store closes; it
// returns ctx's error, handle's or es.ErrClosed, wrapped. It catches up by reading the log in
// pages, then follows it with a KurrentDB catch-up subscription on the log stream. When the
// subscription drops (the server restarts, the network fails), it waits (Options.BackoffMin,
// doubling up to BackoffMax), catches up again from the last event it delivered and subscribes
// again, for as long as it takes; only errors that waiting cannot mend (refused credentials, a
// log it cannot read) end it. Each batch is a new slice that handle may keep.
func (s *Store) Subscribe(ctx context.Context, from uint64, handle func(ctx context.Context, batch []es.Envelope) error) error {
	if err := s.begin(); err != nil {
		return fmt.Errorf("kurrentdb: subscribe at %d: %w", from, err)
	}
	defer s.ops.Done()
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(s.closing, cancel)
	defer stop()

	next := max(from, 1) // positions count from 1
	err := s.follow(ctx, &next, handle)
	// An ended ctx or a closed store comes first: a handler stopped by either reports it too.
	var herr *handlerError
	switch {
	case parent.Err() != nil:
		return fmt.Errorf("kurrentdb: subscribe at %d: %w", next, parent.Err())
	case s.closing.Err() != nil:
		return fmt.Errorf("kurrentdb: subscribe at %d: %w", next, es.ErrClosed)
	case errors.As(err, &herr):
		return fmt.Errorf("kurrentdb: subscribe at %d: handle: %w", next, herr.err)
	default:
		return fmt.Errorf("kurrentdb: subscribe at %d: %w", next, err)
	}
}

// follow catches up from *next and then follows the log live, setting *next past every event
// delivered, until ctx ends, handle fails or an error that waiting cannot mend.
func (s *Store) follow(ctx context.Context, next *uint64, handle func(context.Context, []es.Envelope) error) error {
	bo := backoff{min: s.opts.BackoffMin, max: s.opts.BackoffMax}
	gaps := 0 // gaps in a row with nothing delivered
	for {
		before := *next
		err := s.catchUpTo(ctx, next, handle)
		if err == nil {
			err = s.live(ctx, next, handle)
		}
		if *next > before {
			bo.reset() // it delivered: the next drop starts the waits again from BackoffMin
			gaps = 0
		}
		var herr *handlerError
		switch {
		case errors.As(err, &herr):
			return err
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, errGap):
			// Events appended between the last read and the subscription: read them. A server
			// that keeps skipping is waited for like a drop.
			if gaps++; gaps <= 3 {
				continue
			}
		case kindOf(err) != kindTransient:
			return err
		}
		wait := bo.next()
		s.log.Warn("subscription dropped; subscribing again", "at", *next, "in", wait, "err", err)
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// catchUpTo reads the log in pages from *next and hands them over until a read comes back empty.
func (s *Store) catchUpTo(ctx context.Context, next *uint64, handle func(context.Context, []es.Envelope) error) error {
	for {
		page, err := s.readLog(ctx, *next, subscribePage)
		if err != nil {
			return err
		}
		if len(page) == 0 {
			return nil
		}
		if err := handle(ctx, page); err != nil {
			return &handlerError{err}
		}
		*next = page[len(page)-1].Position + 1
	}
}

// live subscribes to the log after its current last event and hands over what arrives, in batches
// of what has arrived, until the subscription drops, skips a position, ctx ends or handle fails.
func (s *Store) live(ctx context.Context, next *uint64, handle func(context.Context, []es.Envelope) error) error {
	head, err := s.head(ctx)
	if err != nil {
		return err
	}
	if head >= *next {
		// Appended since the last read: read them first.
		return errGap
	}
	// The subscription lives under subCtx; only waiting for it to be set up has a deadline. One
	// set up too late ends with subCtx.
	subCtx, cancelSub := context.WithCancel(ctx)
	defer cancelSub()
	setupCtx, cancelSetup := context.WithTimeout(subCtx, s.opts.CallTimeout)
	sub, err := call(setupCtx, s, func(c *kurrentdb.Client) (*kurrentdb.Subscription, error) {
		return c.SubscribeToStream(subCtx, s.stream, kurrentdb.SubscribeToStreamOptions{From: subscribeFrom(head)})
	})
	cancelSetup()
	if err != nil {
		return fmt.Errorf("subscribe to %s after revision %d: %w", s.stream, revOf(head), err)
	}
	defer sub.Close()

	arrived := make(chan *kurrentdb.SubscriptionEvent, subscribePage)
	go func() {
		for {
			ev := sub.Recv()
			select {
			case arrived <- ev:
			case <-subCtx.Done():
				return
			}
			if ev.SubscriptionDropped != nil {
				return
			}
		}
	}()

	seq := sequencer{next: *next}
	for {
		var first *kurrentdb.SubscriptionEvent
		select {
		case first = <-arrived:
		case <-ctx.Done():
			return ctx.Err()
		}
		batch, stopErr := seq.take(first, arrived)
		if len(batch) > 0 {
			if err := handle(ctx, batch); err != nil {
				return &handlerError{err}
			}
			*next = seq.next
		}
		if stopErr != nil {
			return stopErr
		}
	}
}

// subscribeFrom is where a live subscription starts when the log's last event is at position head:
// after the start (an empty log), else after head's revision. KurrentDB's subscriptions start after
// the revision given; the sequencer drops anything at or before it should a server differ.
func subscribeFrom(head uint64) kurrentdb.StreamPosition {
	if head == 0 {
		return kurrentdb.Start{}
	}
	return kurrentdb.Revision(revOf(head))
}

// sequencer keeps a live subscription's events in log order without gaps or repeats.
type sequencer struct {
	next uint64 // the position due next
}

// placement is what the sequencer does with an event.
type placement int

const (
	deliver placement = iota // the position due: hand it over
	skip                     // delivered already
	gap                      // positions are missing before it
)

func (q *sequencer) place(pos uint64) placement {
	switch {
	case pos < q.next:
		return skip
	case pos == q.next:
		q.next++
		return deliver
	default:
		return gap
	}
}

// take turns first and whatever else has already arrived (up to a page) into a batch. It stops
// early, with an error, at a drop, an event it cannot read or a gap; the batch holds the events
// before it.
func (q *sequencer) take(first *kurrentdb.SubscriptionEvent, arrived <-chan *kurrentdb.SubscriptionEvent) ([]es.Envelope, error) {
	var batch []es.Envelope
	ev := first
	for {
		switch {
		case ev.SubscriptionDropped != nil:
			err := ev.SubscriptionDropped.Error
			if err == nil {
				err = errors.New("dropped without a reason")
			}
			return batch, fmt.Errorf("subscription dropped: %w", err)
		case ev.EventAppeared != nil:
			e, err := decode(ev.EventAppeared.OriginalEvent())
			if err != nil {
				return batch, err
			}
			switch q.place(e.Position) {
			case deliver:
				batch = append(batch, e)
			case gap:
				return batch, fmt.Errorf("%w: position %d arrived, %d was due", errGap, e.Position, q.next)
			}
		}
		// Checkpoints, caught-up and fell-behind notices carry nothing to hand over.
		if len(batch) >= subscribePage {
			return batch, nil
		}
		select {
		case ev = <-arrived:
		default:
			return batch, nil
		}
	}
}

// backoff is the wait before subscribing again: min, doubling up to max.
type backoff struct {
	min, max, cur time.Duration
}

func (b *backoff) next() time.Duration {
	if b.cur == 0 {
		b.cur = b.min
	} else {
		b.cur = min(2*b.cur, b.max)
	}
	return b.cur
}

func (b *backoff) reset() { b.cur = 0 }
