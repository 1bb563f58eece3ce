package es

import (
	"context"
	"errors"
	"fmt"
)

// Expected-version sentinels for StreamEvents.Expected.
const (
	// NoStream expects that the stream has no events yet.
	NoStream uint64 = 0
	// AnyVersion appends whatever the stream's version is. Facts reported by terminal systems are
	// appended this way: the twin mirrors them, it does not arbitrate between writers.
	AnyVersion uint64 = ^uint64(0)
)

// ErrConflict is returned when a stream's version is not the one an append expected.
var ErrConflict = errors.New("es: wrong expected version")

// ErrClosed is returned by a store that has been closed.
var ErrClosed = errors.New("es: store closed")

// ConflictError says which stream did not have the expected version. It matches ErrConflict with errors.Is.
type ConflictError struct {
	Stream   string
	Expected uint64
	Actual   uint64
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("es: stream %s is at version %d, expected %d", e.Stream, e.Actual, e.Expected)
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// StreamEvents is one stream's share of an append.
type StreamEvents struct {
	Stream   string
	Expected uint64 // NoStream, AnyVersion, or the version the stream must be at
	Events   []Envelope
}

// Appended reports what became of one appended event, in the order the events were given.
type Appended struct {
	ID        string
	Position  uint64
	Version   uint64
	Duplicate bool // the id was already stored; Position and Version are those it already had
}

// Store is the event store port. The embedded file store and the KurrentDB adapter implement it, and
// both pass the contract in package estest.
type Store interface {
	// Append stores every event of batch atomically and durably before it returns: either every
	// stream's expected version holds and all new events are written, or nothing is. Events whose id
	// is already stored are reported as duplicates and not written again. Recorded, Position and
	// Version are set by the store; Subject is set to the stream.
	Append(ctx context.Context, batch ...StreamEvents) ([]Appended, error)
	// ReadStream returns the stream's events with version ≥ from, oldest first; a missing stream is empty.
	ReadStream(ctx context.Context, stream string, from uint64) ([]Envelope, error)
	// ReadAll returns up to limit events with position ≥ from, in log order.
	ReadAll(ctx context.Context, from uint64, limit int) ([]Envelope, error)
	// Head returns the position of the last stored event, 0 for an empty store.
	Head(ctx context.Context) (uint64, error)
	// Subscribe calls handle with every event from position from onwards, in log order and in
	// batches, first catching up and then following new appends, until ctx ends or handle fails.
	// It returns ctx's error or handle's, wrapped.
	Subscribe(ctx context.Context, from uint64, handle func(ctx context.Context, batch []Envelope) error) error
}
