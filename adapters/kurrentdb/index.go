package kurrentdb

import (
	"errors"
	"fmt"
	"hash/maphash"

	"github.com/kurrent-io/KurrentDB-Client-Go/kurrentdb"

	"github.com/yardtwin/yardtwin/domain/es"
)

// posOf returns the position of the log event at revision rev: positions count from 1, KurrentDB
// revisions from 0.
func posOf(rev uint64) uint64 { return rev + 1 }

// revOf returns the log revision of position pos (pos ≥ 1).
func revOf(pos uint64) uint64 { return pos - 1 }

// logState is the state an append expects the log to be in when it holds head events: NoStream for
// an empty store, else the revision of the last event. It is never Any or StreamExists: the exact
// revision is what makes the decision against the index and the write one atomic step.
func logState(head uint64) kurrentdb.StreamState {
	if head == 0 {
		return kurrentdb.NoStream{}
	}
	return kurrentdb.Revision(revOf(head))
}

// errDamaged says that the log holds something this store never writes.
var errDamaged = errors.New("log damaged")

// idAt is where a stored event id sits.
type idAt struct{ pos, ver uint64 }

// idKey stands for an event id in the index: two 64-bit hashes of it under independent random
// seeds, 16 bytes whatever the id's length. Two ids share a key with probability about n²/2¹²⁹ for
// n stored ids (below 10⁻¹⁴ for a trillion), and the seeds are new in every process, so nobody can
// choose ids that collide.
type idKey struct{ a, b uint64 }

var idSeedA, idSeedB = maphash.MakeSeed(), maphash.MakeSeed()

func keyOf(id string) idKey {
	return idKey{maphash.String(idSeedA, id), maphash.String(idSeedB, id)}
}

// index is what the log says about streams and ids, up to position head: every stream's events
// (their positions, in version order) and every event id. Appends decide against it; it is built
// on Open by reading the whole log and caught up from the log before every decision, so that
// events appended by other processes count. It takes about 95 bytes of heap per stored event
// (BenchmarkIndex).
type index struct {
	head    uint64
	streams map[string][]uint64 // positions; the event at [i] has version i+1
	ids     map[idKey]idAt
}

func newIndex() *index {
	return &index{streams: map[string][]uint64{}, ids: map[idKey]idAt{}}
}

// add indexes the event stored at position pos, which must be the next one.
func (x *index) add(id, stream string, pos, ver uint64) error {
	if pos != x.head+1 {
		return fmt.Errorf("%w: position %d follows %d", errDamaged, pos, x.head)
	}
	if want := uint64(len(x.streams[stream])) + 1; ver != want {
		return fmt.Errorf("%w: event %s at position %d has version %d of %s, want %d", errDamaged, id, pos, ver, stream, want)
	}
	k := keyOf(id)
	if at, dup := x.ids[k]; dup {
		return fmt.Errorf("%w: event id %s at positions %d and %d", errDamaged, id, at.pos, pos)
	}
	x.streams[stream] = append(x.streams[stream], pos)
	x.ids[k] = idAt{pos: pos, ver: ver}
	x.head = pos
	return nil
}

// version returns the stream's version: its number of events, 0 for a missing stream.
func (x *index) version(stream string) uint64 { return uint64(len(x.streams[stream])) }

// positionsFrom returns the positions of the stream's events with version ≥ from (0 reads from 1).
func (x *index) positionsFrom(stream string, from uint64) []uint64 {
	ps := x.streams[stream]
	from = max(from, 1) // versions count from 1
	if from > uint64(len(ps)) {
		return nil
	}
	return append([]uint64(nil), ps[from-1:]...)
}

// plan is what an append writes: the new events in log order (Subject, Position and Version set)
// and the result of every given event in the order given.
type plan struct {
	write   []es.Envelope
	results []es.Appended
}

// decide places a batch after the indexed log, under the contract of es.Store: ids already stored
// or given earlier in the batch are duplicates and are not written; a stream with at least one new
// event must be at its expected version (NoStream is version 0, AnyVersion matches any); a conflict
// anywhere refuses the whole batch. It changes nothing: the index learns the events once they are
// in the log.
func (x *index) decide(batch []es.StreamEvents) (plan, error) {
	var p plan
	given := map[string]idAt{}
	heads := map[string]uint64{} // versions as this batch leaves them
	next := x.head + 1
	for _, se := range batch {
		before, ok := heads[se.Stream]
		if !ok {
			before = x.version(se.Stream)
		}
		v := before
		for _, e := range se.Events {
			at, dup := given[e.ID]
			if !dup {
				at, dup = x.ids[keyOf(e.ID)]
			}
			if dup {
				p.results = append(p.results, es.Appended{ID: e.ID, Position: at.pos, Version: at.ver, Duplicate: true})
				continue
			}
			v++
			at = idAt{pos: next, ver: v}
			next++
			given[e.ID] = at
			e.Subject, e.Position, e.Version = se.Stream, at.pos, at.ver
			p.write = append(p.write, e)
			p.results = append(p.results, es.Appended{ID: e.ID, Position: at.pos, Version: at.ver})
		}
		if v != before && se.Expected != es.AnyVersion && se.Expected != before {
			return plan{}, &es.ConflictError{Stream: se.Stream, Expected: se.Expected, Actual: before}
		}
		heads[se.Stream] = v
	}
	return p, nil
}
