package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"time"

	"go.etcd.io/bbolt"

	"github.com/yardtwin/yardtwin/domain/es"
)

var _ es.Scavenger = (*Store)(nil)

// metaScavenged holds the scavenge watermark (8 bytes): the retention policy has been applied to
// every event up to this position. Absent means 0. See the package doc, Retention.
var metaScavenged = []byte("scavenged")

// Scavenging defaults.
const (
	// DefaultScavengeEvery is how often the background scavenge looks for work.
	DefaultScavengeEvery = time.Minute
	// scavengeStep bounds how many log positions one scavenge transaction walks, and so how long it
	// holds bbolt's writer lock, during which appends wait: tens of milliseconds, most of it the
	// commit's page writes and fsync (BenchmarkScavenge).
	scavengeStep = 1024
	// scavengeLookBack bounds how far back in a stream the scavenge looks for the last kept event
	// of the same type; finding none keeps the event.
	scavengeLookBack = 64
)

// WithRetention sets the retention policy the store applies (default: none, every event is kept for
// ever). An invalid policy fails Open.
func WithRetention(p es.Retention) Option { return func(o *options) { o.retention = p } }

// WithScavengeEvery sets how often the background scavenge applies the retention policy (default
// DefaultScavengeEvery); 0 or less runs no background scavenge, only Scavenge called by hand. Without
// a policy nothing runs.
func WithScavengeEvery(d time.Duration) Option { return func(o *options) { o.scavengeEvery = d } }

// ScavengeStats says what one Scavenge did.
type ScavengeStats struct {
	Walked  int    // log positions looked at
	Removed int    // events removed
	Through uint64 // the watermark afterwards
}

// ScavengeReport is what the background scavenge reports of its last run.
type ScavengeReport struct {
	ScavengeStats
	At  time.Time // when it ended, by the store's clock
	Err error     // why it stopped early; it is tried again at the next interval
}

// LastScavenge reports the last background scavenge; ok is false before the first one has ended.
// Whatever its error, the log stays valid.
func (s *Store) LastScavenge() (r ScavengeReport, ok bool) {
	p := s.lastScavenge.Load()
	if p == nil {
		return ScavengeReport{}, false
	}
	return *p, true
}

// Retention returns the policy the store applies; empty, it keeps everything.
func (s *Store) Retention() es.Retention { return slices.Clone(s.retention) }

// Scavenged returns the scavenge watermark: the retention policy has been applied to every event at
// a position ≤ it; 0 when nothing has been scavenged.
func (s *Store) Scavenged(ctx context.Context) (uint64, error) {
	s.closeMu.RLock()
	defer s.closeMu.RUnlock()
	if s.closed {
		return 0, fmt.Errorf("scavenged: %w", es.ErrClosed)
	}
	return s.scavenged.Load(), nil
}

// Scavenge applies the retention policy to the events that have become old enough since the last
// scavenge, in transactions of at most a few thousand positions, each of which removes its events
// and moves the watermark together, so that a crash at any moment leaves a valid log and a
// watermark that says how far it got. It returns when it has caught up with the policy's horizon
// (see the package doc), when ctx ends or when the store closes. Only one Scavenge runs at a time;
// a second waits for the first.
func (s *Store) Scavenge(ctx context.Context) (ScavengeStats, error) {
	s.scavengeMu.Lock()
	defer s.scavengeMu.Unlock()
	var st ScavengeStats
	st.Through = s.scavenged.Load()
	if len(s.retention) == 0 {
		return st, nil
	}
	horizon := s.now().Add(-longestFull(s.retention))
	for {
		if err := ctx.Err(); err != nil {
			return st, fmt.Errorf("scavenge: %w", err)
		}
		step, done, err := s.scavengeStep(horizon)
		st.Walked += step.Walked
		st.Removed += step.Removed
		if step.Through > 0 {
			st.Through = step.Through
		}
		if err != nil {
			return st, fmt.Errorf("scavenge after %d: %w", st.Through, err)
		}
		if done {
			return st, nil
		}
	}
}

// longestFull returns the longest full-rate period of p: the scavenge walks the log only as far as
// the events recorded that long ago, so that no event passes the watermark before its rule could
// apply.
func longestFull(p es.Retention) time.Duration {
	var d time.Duration
	for _, r := range p {
		d = max(d, r.Full)
	}
	return d
}

// scavengeStep walks up to scavengeStep positions after the watermark in one write transaction,
// removes what the policy thins, moves the watermark and commits. done says there is nothing more
// to walk for now.
func (s *Store) scavengeStep(horizon time.Time) (st ScavengeStats, done bool, err error) {
	s.closeMu.RLock()
	defer s.closeMu.RUnlock()
	if s.closed {
		return st, true, es.ErrClosed
	}
	tx, err := s.db.Begin(true)
	if err != nil {
		return st, true, fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if tx != nil {
			_ = tx.Rollback()
		}
	}()
	sc := scavenger{
		policy:  s.retention,
		now:     s.now(),
		log:     tx.Bucket(bucketLog),
		streams: tx.Bucket(bucketStreams),
		ids:     tx.Bucket(bucketIDs),
		removed: map[uint64]bool{},
	}
	from := s.scavenged.Load()
	// Only indexed events are scavenged: those after the watermark of the index buckets are in the
	// writer's memory (tail, pending ids), which the scavenge does not touch.
	indexed, err := indexedIn(tx)
	if err != nil {
		return st, true, err
	}
	through, done := from, true
	c := sc.log.Cursor()
	for k, v := c.Seek(logKey(from + 1)); k != nil; k, v = c.Next() {
		if len(k) != 8 {
			return st, true, fmt.Errorf("%w: log key %x", errDamaged, k)
		}
		pos := binary.BigEndian.Uint64(k)
		if pos > indexed {
			break
		}
		f, ok := scavengeFields(v)
		if !ok {
			return st, true, fmt.Errorf("%w at position %d", errDamaged, pos)
		}
		if !f.recorded.Before(horizon) {
			break
		}
		if st.Walked == scavengeStep {
			done = false
			break
		}
		st.Walked++
		through = pos
		if err := sc.decide(pos, f); err != nil {
			return st, true, err
		}
	}
	if through == from {
		return st, true, nil
	}
	for pos, f := range sc.thinned {
		if err := sc.remove(pos, f); err != nil {
			return st, true, err
		}
	}
	st.Removed = len(sc.thinned)
	if err := tx.Bucket(bucketMeta).Put(metaScavenged, logKey(through)); err != nil {
		return st, true, err
	}
	if s.scavengeHook != nil {
		s.scavengeHook(st)
	}
	err = tx.Commit()
	tx = nil
	if err != nil {
		return st, true, fmt.Errorf("commit: %w", err)
	}
	s.scavenged.Store(through)
	st.Through = through
	return st, done, nil
}

// scavenger decides, in one transaction, which of the positions walked the policy removes.
type scavenger struct {
	policy            es.Retention
	now               time.Time // the store's clock: an event older than its rule's Full before it is thinned
	log, streams, ids *bbolt.Bucket
	removed           map[uint64]bool     // positions removed in this transaction
	thinned           map[uint64]recFacts // the same, with what removing them needs
}

// recFacts is what the scavenge reads of a record. The slices point into the memory map and are
// valid for the transaction.
type recFacts struct {
	version      uint64
	time         time.Time
	recorded     time.Time
	id, typ, str []byte
}

// scavengeFields reads a record's version, times, id, type and stream without decoding the rest.
func scavengeFields(b []byte) (f recFacts, ok bool) {
	lens, ok := fieldLens(b)
	if !ok {
		return f, false
	}
	be := binary.BigEndian
	at := headerSize + lens[0]
	f.id = b[at : at+lens[1]]
	at += lens[1] + lens[2]
	f.typ = b[at : at+lens[3]]
	at += lens[3]
	f.str = b[at : at+lens[4]]
	f.version = be.Uint64(b[9:])
	f.time = time.Unix(int64(be.Uint64(b[17:])), int64(be.Uint32(b[25:])))
	f.recorded = time.Unix(int64(be.Uint64(b[29:])), int64(be.Uint32(b[37:])))
	return f, true
}

// decide marks the event at pos for removal when the policy thins it: its type has a rule, it is
// older than the rule's Full, it is not its stream's last event, and (for a rule with an Every) the
// last event of its type kept before it in its stream falls in the same interval.
func (sc *scavenger) decide(pos uint64, f recFacts) error {
	rule, ok := sc.policy.Rule(string(f.typ))
	if !ok || !f.time.Before(sc.now.Add(-rule.Full)) {
		return nil
	}
	last, err := lastVersion(sc.streams, string(f.str))
	if err != nil {
		return err
	}
	if last <= f.version {
		return nil // a stream's last event is kept, so that its version stays in the index
	}
	if rule.Every > 0 {
		prev, found, err := sc.previousKept(f)
		if err != nil {
			return err
		}
		if !found || !prev.Truncate(rule.Every).Equal(f.time.Truncate(rule.Every)) {
			return nil
		}
	}
	if sc.thinned == nil {
		sc.thinned = map[uint64]recFacts{}
	}
	sc.removed[pos] = true
	sc.thinned[pos] = f
	return nil
}

// previousKept returns the time of the last event of f's type kept before f in its stream, looking
// back at most scavengeLookBack events. Every event before f in its stream is at an earlier position,
// so it has been decided already, in an earlier transaction or earlier in this one.
func (sc *scavenger) previousKept(f recFacts) (time.Time, bool, error) {
	c := sc.streams.Cursor()
	prefix := streamPrefix(string(f.str))
	k, v := c.Seek(streamKey(string(f.str), f.version))
	if k == nil {
		return time.Time{}, false, nil
	}
	for range scavengeLookBack {
		k, v = c.Prev()
		if k == nil || !bytes.HasPrefix(k, prefix) || len(k) != len(prefix)+8 {
			return time.Time{}, false, nil
		}
		if len(v) != 8 {
			return time.Time{}, false, fmt.Errorf("%w: stream index entry %x", errDamaged, k)
		}
		pos := binary.BigEndian.Uint64(v)
		if sc.removed[pos] {
			continue
		}
		rec := sc.log.Get(v)
		if rec == nil {
			return time.Time{}, false, fmt.Errorf("%w: stream index points at missing position %d", errDamaged, pos)
		}
		p, ok := scavengeFields(rec)
		if !ok {
			return time.Time{}, false, fmt.Errorf("%w at position %d", errDamaged, pos)
		}
		if bytes.Equal(p.typ, f.typ) {
			return p.time, true, nil
		}
	}
	return time.Time{}, false, nil
}

// remove deletes the event at pos from the log, the streams bucket and the ids bucket (the id only
// when it points at pos: a re-sent event older than the policy's horizon is then stored again).
func (sc *scavenger) remove(pos uint64, f recFacts) error {
	// Copy what points into the memory map before changing the tree it maps.
	stream, id := string(f.str), []byte(string(f.id))
	if err := sc.streams.Delete(streamKey(stream, f.version)); err != nil {
		return fmt.Errorf("stream index: %w", err)
	}
	if v := sc.ids.Get(id); v != nil {
		if p, _, ok := splitIDValue(v); ok && p == pos {
			if err := sc.ids.Delete(id); err != nil {
				return fmt.Errorf("id index: %w", err)
			}
		}
	}
	if err := sc.log.Delete(logKey(pos)); err != nil {
		return fmt.Errorf("log: %w", err)
	}
	return nil
}

// scavengeEvery is the background scavenge: it runs Scavenge every interval until the store
// closes. A failed scavenge is tried again at the next tick; the log stays valid whatever happens.
func (s *Store) scavengeEvery(interval time.Duration) {
	defer close(s.scavengerDone)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-s.closedCh:
			cancel()
		case <-ctx.Done():
		}
	}()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-s.closedCh:
			return
		case <-t.C:
			st, err := s.Scavenge(ctx)
			s.lastScavenge.Store(&ScavengeReport{ScavengeStats: st, At: s.now(), Err: err})
		}
	}
}
