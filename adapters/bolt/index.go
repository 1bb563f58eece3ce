package bolt

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"go.etcd.io/bbolt"
)

// tail is the stream index of the events that the streams bucket does not hold yet: those after
// base, the watermark stored in the meta bucket under "indexed". The writer adds to it after each
// commit and replaces it, with a new base, after each commit that writes the index buckets.
// Readers pair a tail with a read transaction whose watermark equals its base (see readTail).
type tail struct {
	base uint64

	mu      sync.RWMutex
	streams map[string][]tailEntry // per stream, in version order
}

type tailEntry struct{ version, pos uint64 }

func newTail(base uint64) *tail {
	return &tail{base: base, streams: map[string][]tailEntry{}}
}

// add records the new events of a commit. Only the writer calls it.
func (t *tail) add(events []planned) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, ev := range events {
		t.streams[ev.stream] = append(t.streams[ev.stream], tailEntry{version: ev.at.Version, pos: ev.at.Position})
	}
}

// since returns a copy of stream's entries with version ≥ from and position ≤ visible, the last
// position the reader's transaction can see.
func (t *tail) since(stream string, from, visible uint64) []tailEntry {
	t.mu.RLock()
	defer t.mu.RUnlock()
	all := t.streams[stream]
	i := sort.Search(len(all), func(i int) bool { return all[i].version >= from })
	j := i
	for j < len(all) && all[j].pos <= visible {
		j++
	}
	return slices.Clone(all[i:j])
}

// last returns the version of stream's last event in the tail, if it has any.
func (t *tail) last(stream string) (uint64, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	all := t.streams[stream]
	if len(all) == 0 {
		return 0, false
	}
	return all[len(all)-1].version, true
}

// idEntry is where an event id is stored.
type idEntry struct{ pos, version uint64 }

// indexedIn returns the watermark of the index buckets as tx sees it.
func indexedIn(tx *bbolt.Tx) (uint64, error) {
	v := tx.Bucket(bucketMeta).Get(metaIndexed)
	if len(v) != 8 {
		return 0, fmt.Errorf("%w: index watermark of %d bytes", errDamaged, len(v))
	}
	return binary.BigEndian.Uint64(v), nil
}

// loadTail rebuilds what the index buckets do not hold yet from the log: the tail and the pending
// ids.
func (s *Store) loadTail(tx *bbolt.Tx) error {
	indexed, err := indexedIn(tx)
	if err != nil {
		return err
	}
	t := newTail(indexed)
	c := tx.Bucket(bucketLog).Cursor()
	for k, v := c.Seek(logKey(indexed + 1)); k != nil; k, v = c.Next() {
		if len(k) != 8 {
			return fmt.Errorf("%w: log key %x", errDamaged, k)
		}
		pos := binary.BigEndian.Uint64(k)
		version, id, stream, ok := indexFields(v)
		if !ok {
			return fmt.Errorf("%w at position %d", errDamaged, pos)
		}
		name := string(stream)
		t.streams[name] = append(t.streams[name], tailEntry{version: version, pos: pos})
		s.pending[string(id)] = idEntry{pos: pos, version: version}
	}
	s.tail.Store(t)
	return nil
}

// flushIndex writes the index entries of the tail, the pending ids and the group's new events into
// the streams and ids buckets, in key order so that neighbouring entries share page writes, and
// moves the watermark to the group's last position.
func (g *groupState) flushIndex() error {
	s := g.store
	t := s.tail.Load()
	n := len(s.pending) + len(g.events)

	type entry struct{ k, v []byte }
	streams := make([]entry, 0, n)
	for stream, entries := range t.streams {
		for _, e := range entries {
			streams = append(streams, entry{streamKey(stream, e.version), logKey(e.pos)})
		}
	}
	for _, ev := range g.events {
		streams = append(streams, entry{streamKey(ev.stream, ev.at.Version), logKey(ev.at.Position)})
	}
	slices.SortFunc(streams, func(a, b entry) int { return bytes.Compare(a.k, b.k) })
	for _, e := range streams {
		if err := g.streams.Put(e.k, e.v); err != nil {
			return fmt.Errorf("stream index: %w", err)
		}
	}

	ids := make([]string, 0, n)
	for id := range s.pending {
		ids = append(ids, id)
	}
	for id := range g.ids {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, strings.Compare)
	for _, id := range ids {
		e, ok := g.ids[id]
		if !ok {
			e = s.pending[id]
		}
		if err := g.idBucket.Put([]byte(id), idValue(e.pos, e.version)); err != nil {
			return fmt.Errorf("id index: %w", err)
		}
	}
	return g.meta.Put(metaIndexed, logKey(g.next-1))
}
