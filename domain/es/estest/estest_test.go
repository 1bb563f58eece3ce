package estest_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/es/estest"
)

// TestContract runs the contract on a small reference store, so that the suite itself is checked
// against something other than the adapters it judges.
func TestContract(t *testing.T) {
	estest.Run(t, func(t *testing.T) es.Store { return &refStore{data: newRefData()} })

	var mu sync.Mutex
	disks := map[string]*refData{}
	estest.RunDurable(t, func(t *testing.T, dir string) es.Store {
		mu.Lock()
		defer mu.Unlock()
		if disks[dir] == nil {
			disks[dir] = newRefData()
		}
		return &refStore{data: disks[dir]}
	})
}

// refData is what a refStore keeps; several refStores opened on one directory share it, one
// after the other.
type refData struct {
	mu      sync.Mutex
	log     []es.Envelope
	streams map[string][]uint64 // positions, in version order
	ids     map[string]es.Appended
	changed chan struct{}
}

func newRefData() *refData {
	return &refData{streams: map[string][]uint64{}, ids: map[string]es.Appended{}, changed: make(chan struct{})}
}

// refStore is the simplest store that keeps the contract: one mutex, everything in memory.
type refStore struct {
	data   *refData
	mu     sync.Mutex
	closed bool
	done   chan struct{}
}

func (s *refStore) lock() (*refData, error) {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return nil, es.ErrClosed
	}
	s.data.mu.Lock()
	return s.data, nil
}

func (s *refStore) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed = true
		if s.done != nil {
			close(s.done)
		}
	}
	return nil
}

func (s *refStore) closedCh() chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done == nil {
		s.done = make(chan struct{})
		if s.closed {
			close(s.done)
		}
	}
	return s.done
}

func (s *refStore) Append(_ context.Context, batch ...es.StreamEvents) ([]es.Appended, error) {
	for _, se := range batch {
		if se.Stream == "" {
			return nil, errors.New("ref: empty stream")
		}
		for _, e := range se.Events {
			if e.ID == "" {
				return nil, errors.New("ref: empty id")
			}
		}
	}
	d, err := s.lock()
	if err != nil {
		return nil, err
	}
	defer d.mu.Unlock()

	out := []es.Appended{}
	var add []es.Envelope
	newIDs := map[string]es.Appended{}
	heads := map[string]uint64{}
	next := uint64(len(d.log)) + 1
	for _, se := range batch {
		before, ok := heads[se.Stream]
		if !ok {
			before = uint64(len(d.streams[se.Stream]))
		}
		v := before
		for _, e := range se.Events {
			if at, ok := newIDs[e.ID]; ok {
				at.Duplicate = true
				out = append(out, at)
				continue
			}
			if at, ok := d.ids[e.ID]; ok {
				at.Duplicate = true
				out = append(out, at)
				continue
			}
			v++
			at := es.Appended{ID: e.ID, Position: next, Version: v}
			next++
			newIDs[e.ID] = at
			e.Subject, e.Position, e.Version = se.Stream, at.Position, at.Version
			add = append(add, e)
			out = append(out, at)
		}
		if v != before && se.Expected != es.AnyVersion && se.Expected != before {
			return nil, &es.ConflictError{Stream: se.Stream, Expected: se.Expected, Actual: before}
		}
		heads[se.Stream] = v
	}
	now := time.Now().UTC()
	for _, e := range add {
		e.Recorded = now
		e.Time = e.Time.UTC()
		d.log = append(d.log, e)
		d.streams[e.Subject] = append(d.streams[e.Subject], e.Position)
	}
	maps.Copy(d.ids, newIDs)
	if len(add) > 0 {
		close(d.changed)
		d.changed = make(chan struct{})
	}
	return out, nil
}

func (s *refStore) ReadStream(_ context.Context, stream string, from uint64) ([]es.Envelope, error) {
	d, err := s.lock()
	if err != nil {
		return nil, err
	}
	defer d.mu.Unlock()
	var out []es.Envelope
	for i, pos := range d.streams[stream] {
		if uint64(i+1) >= from {
			out = append(out, d.log[pos-1])
		}
	}
	return out, nil
}

func (s *refStore) ReadAll(_ context.Context, from uint64, limit int) ([]es.Envelope, error) {
	d, err := s.lock()
	if err != nil {
		return nil, err
	}
	defer d.mu.Unlock()
	from = max(from, 1)
	if from > uint64(len(d.log)) || limit <= 0 {
		return nil, nil
	}
	end := min(uint64(len(d.log)), from-1+uint64(limit))
	return slices.Clone(d.log[from-1 : end]), nil
}

func (s *refStore) Head(context.Context) (uint64, error) {
	d, err := s.lock()
	if err != nil {
		return 0, err
	}
	defer d.mu.Unlock()
	return uint64(len(d.log)), nil
}

func (s *refStore) Subscribe(ctx context.Context, from uint64, handle func(context.Context, []es.Envelope) error) error {
	closed := s.closedCh()
	from = max(from, 1)
	for {
		d, err := s.lock()
		if err != nil {
			return fmt.Errorf("ref: subscribe: %w", err)
		}
		changed := d.changed
		d.mu.Unlock()
		batch, err := s.ReadAll(ctx, from, 3)
		if err != nil {
			return fmt.Errorf("ref: subscribe: %w", err)
		}
		if len(batch) > 0 {
			if err := handle(ctx, batch); err != nil {
				return fmt.Errorf("ref: subscribe: %w", err)
			}
			from = batch[len(batch)-1].Position + 1
			continue
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("ref: subscribe: %w", ctx.Err())
		case <-closed:
			return fmt.Errorf("ref: subscribe: %w", es.ErrClosed)
		}
	}
}
