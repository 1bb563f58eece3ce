package bolt

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"go.etcd.io/bbolt"

	"github.com/yardtwin/yardtwin/domain/es"
)

const (
	// maxName bounds stream names and event ids, in bytes; both become bbolt keys.
	maxName = 1024
	// maxRecord bounds one stored event, in bytes. Events are a few hundred bytes; this only keeps
	// a runaway payload from reaching the file.
	maxRecord = 16 << 20 // well inside the uint32 lengths of the record format
)

// request is one Append waiting for the writer goroutine.
type request struct {
	batch  []es.StreamEvents
	events int
	done   chan result // buffered: the writer never waits for the caller
}

type result struct {
	appended []es.Appended
	err      error
}

// Append stores the batch atomically and durably (the commit is fsynced before Append returns).
// Concurrent appends are committed together in one transaction, but each is decided on its own: an
// append whose expected version fails gets its *es.ConflictError and the others in the same
// transaction are unaffected. Once handed to the writer, an append is waited for even if ctx ends,
// so that its outcome is known. The append that brings the index lag to its limit also writes the
// index buckets and waits longer (about a second at a million stored events; see WithIndexLag).
func (s *Store) Append(ctx context.Context, batch ...es.StreamEvents) ([]es.Appended, error) {
	n, err := checkBatch(batch)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("append: %w", err)
	}
	s.closeMu.RLock()
	if s.closed {
		s.closeMu.RUnlock()
		return nil, fmt.Errorf("append: %w", es.ErrClosed)
	}
	if n == 0 {
		s.closeMu.RUnlock()
		return []es.Appended{}, nil
	}
	r := &request{batch: batch, events: n, done: make(chan result, 1)}
	select {
	case s.reqs <- r:
		s.closeMu.RUnlock()
	case <-ctx.Done():
		s.closeMu.RUnlock()
		return nil, fmt.Errorf("append: %w", ctx.Err())
	}
	res := <-r.done
	if res.err != nil {
		return nil, fmt.Errorf("append: %w", res.err)
	}
	return res.appended, nil
}

// checkBatch refuses what must never reach a transaction, since an error there would fail every
// append committed with it, and counts the events.
func checkBatch(batch []es.StreamEvents) (int, error) {
	n := 0
	for _, se := range batch {
		if se.Stream == "" {
			return 0, errors.New("bolt: append: empty stream name")
		}
		if len(se.Stream) > maxName {
			return 0, fmt.Errorf("bolt: append: stream name of %d bytes, more than %d", len(se.Stream), maxName)
		}
		for i := range se.Events {
			e := &se.Events[i]
			switch {
			case e.ID == "":
				return 0, fmt.Errorf("bolt: append %s: event %d has no id", se.Stream, i)
			case len(e.ID) > maxName:
				return 0, fmt.Errorf("bolt: append %s: event %d has an id of %d bytes, more than %d", se.Stream, i, len(e.ID), maxName)
			case recordSize(e, se.Stream) > maxRecord:
				return 0, fmt.Errorf("bolt: append %s: event %s takes %d bytes, more than %d", se.Stream, e.ID, recordSize(e, se.Stream), maxRecord)
			}
		}
		n += len(se.Events)
	}
	return n, nil
}

// write is the writer goroutine: it takes the appends waiting in reqs, as many as are there up to
// maxGroup events, and commits them in one transaction, until reqs is closed.
func (s *Store) write() {
	defer close(s.writerDone)
	var group []*request
	for r := range s.reqs {
		group = append(group[:0], r)
		n := r.events
	gather:
		for n < s.maxGroup {
			select {
			case r, ok := <-s.reqs:
				if !ok {
					break gather
				}
				group = append(group, r)
				n += r.events
			default:
				break gather
			}
		}
		s.commit(group)
		clear(group)
	}
}

// commit decides each append of group in order, writes the new events of those that hold to the
// log in one transaction, together with the index buckets when the tail has grown to indexLag
// events, commits it and answers every caller.
func (s *Store) commit(group []*request) {
	results := make([]result, len(group))
	defer func() {
		for i, r := range group {
			r.done <- results[i]
		}
	}()
	failAll := func(err error) {
		for i := range results {
			if _, conflict := results[i].err.(*es.ConflictError); !conflict {
				results[i] = result{err: err}
			}
		}
	}

	tx, err := s.db.Begin(true)
	if err != nil {
		failAll(fmt.Errorf("begin: %w", err))
		return
	}
	g := &groupState{
		store:    s,
		meta:     tx.Bucket(bucketMeta),
		log:      tx.Bucket(bucketLog),
		streams:  tx.Bucket(bucketStreams),
		idBucket: tx.Bucket(bucketIDs),
		heads:    map[string]uint64{},
		ids:      map[string]idEntry{},
		next:     s.head.Load() + 1,
		recorded: s.now().UTC(),
	}
	// Log keys only ever grow, so its pages are filled completely instead of split in half.
	g.log.FillPercent = 1.0
	for i, r := range group {
		p, err := g.plan(r)
		if err != nil {
			results[i].err = err
			continue
		}
		if err := g.put(p); err != nil {
			_ = tx.Rollback()
			failAll(fmt.Errorf("write position %d: %w", p.first, err))
			return
		}
		results[i].appended = p.appended
	}
	if len(g.events) == 0 {
		_ = tx.Rollback()
		return
	}
	flush := len(s.pending)+len(g.events) >= s.indexLag
	if flush {
		if err := g.flushIndex(); err != nil {
			_ = tx.Rollback()
			failAll(fmt.Errorf("write index: %w", err))
			return
		}
	}
	if err := tx.Commit(); err != nil {
		failAll(fmt.Errorf("commit: %w", err))
		return
	}

	last := g.next - 1
	for stream, version := range g.heads {
		s.heads.put(stream, version)
	}
	if flush {
		clear(s.pending)
		s.tail.Store(newTail(last))
	} else {
		maps.Copy(s.pending, g.ids)
		s.tail.Load().add(g.events)
	}
	s.head.Store(last)
	s.commits.Add(1)
	s.broadcast()
}

// groupState is what the appends decided so far in one transaction have changed.
type groupState struct {
	store                        *Store
	meta, log, streams, idBucket *bbolt.Bucket
	heads                        map[string]uint64  // stream versions changed by this transaction
	ids                          map[string]idEntry // ids stored by this transaction
	events                       []planned          // new events of this transaction, in log order
	next                         uint64             // position of the next new event
	recorded                     time.Time          // Recorded of every event in this transaction
}

// head returns a stream's version as this transaction has left it so far: from the group, the
// cache of recent streams, the tail not yet indexed (which holds a stream's newest events when it
// holds any), or the streams bucket, in that order.
func (g *groupState) head(stream string) (uint64, error) {
	if v, ok := g.heads[stream]; ok {
		return v, nil
	}
	s := g.store
	if v, ok := s.heads.get(stream); ok {
		return v, nil
	}
	v, ok := s.tail.Load().last(stream)
	if !ok {
		var err error
		if v, err = lastVersion(g.streams, stream); err != nil {
			return 0, err
		}
	}
	s.heads.put(stream, v)
	return v, nil
}

// plan is one append, decided: what it reports and the new events it stores.
type plan struct {
	appended []es.Appended
	events   []planned
	heads    map[string]uint64      // stream versions after this append
	ids      map[string]es.Appended // ids new in this append
	first    uint64                 // position of its first new event
}

type planned struct {
	stream string
	e      *es.Envelope
	at     es.Appended
}

// plan decides r against the heads and ids as the appends before it in the group left them,
// without changing anything. Duplicates are filtered out first; a stream is checked against its
// expected version only when at least one of its events is new.
func (g *groupState) plan(r *request) (*plan, error) {
	p := &plan{appended: make([]es.Appended, 0, r.events), first: g.next}
	next := g.next
	for _, se := range r.batch {
		before, ok := p.heads[se.Stream]
		if !ok {
			var err error
			if before, err = g.head(se.Stream); err != nil {
				return nil, err
			}
		}
		version := before
		for i := range se.Events {
			e := &se.Events[i]
			if at, ok, err := p.lookup(g, e.ID); err != nil {
				return nil, err
			} else if ok {
				at.Duplicate = true
				p.appended = append(p.appended, at)
				continue
			}
			version++
			at := es.Appended{ID: e.ID, Position: next, Version: version}
			next++
			if p.ids == nil {
				p.ids = map[string]es.Appended{}
			}
			p.ids[e.ID] = at
			p.events = append(p.events, planned{stream: se.Stream, e: e, at: at})
			p.appended = append(p.appended, at)
		}
		if version == before {
			continue // nothing new: a re-send is not checked against a stale expectation
		}
		if se.Expected != es.AnyVersion && se.Expected != before {
			return nil, &es.ConflictError{Stream: se.Stream, Expected: se.Expected, Actual: before}
		}
		if p.heads == nil {
			p.heads = map[string]uint64{}
		}
		p.heads[se.Stream] = version
	}
	return p, nil
}

// lookup finds an id stored earlier in this append, earlier in the transaction, in the tail not yet
// indexed, or in the ids bucket.
func (p *plan) lookup(g *groupState, id string) (es.Appended, bool, error) {
	if at, ok := p.ids[id]; ok {
		return at, true, nil
	}
	e, ok := g.ids[id]
	if !ok {
		e, ok = g.store.pending[id]
	}
	if ok {
		return es.Appended{ID: id, Position: e.pos, Version: e.version}, true, nil
	}
	v := g.idBucket.Get([]byte(id))
	if v == nil {
		return es.Appended{}, false, nil
	}
	pos, version, ok := splitIDValue(v)
	if !ok {
		return es.Appended{}, false, fmt.Errorf("%w: id index entry of %q", errDamaged, id)
	}
	return es.Appended{ID: id, Position: pos, Version: version}, true, nil
}

// put writes p's new events to the log and takes its heads and ids into the group's.
func (g *groupState) put(p *plan) error {
	for _, ev := range p.events {
		at := ev.at
		if err := g.log.Put(logKey(at.Position), encodeRecord(ev.e, ev.stream, at.Position, at.Version, g.recorded)); err != nil {
			return err
		}
		g.ids[at.ID] = idEntry{pos: at.Position, version: at.Version}
	}
	maps.Copy(g.heads, p.heads)
	g.events = append(g.events, p.events...)
	g.next += uint64(len(p.events))
	return nil
}
