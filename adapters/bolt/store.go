package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/yardtwin/yardtwin/domain/es"
)

// ErrNotStore is returned by Open when the file is not a yardtwin event store: not a bbolt file, a
// damaged one, or a bbolt file written by something else.
var ErrNotStore = errors.New("bolt: not a yardtwin event store")

// ErrLocked matches the error of Open when another process (or another Open in this one) holds
// the file.
var ErrLocked = errors.New("bolt: locked by another process")

var _ es.Store = (*Store)(nil)

// Store is the embedded event store: one bbolt file, Dir/events.db. It is safe for concurrent use;
// appends from many goroutines are committed together (see the package doc). Close it when done.
type Store struct {
	db       *bbolt.DB
	path     string
	now      func() time.Time
	maxGroup int

	// reqs carries appends to the writer goroutine, which closes writerDone when reqs is closed and
	// drained.
	reqs       chan *request
	writerDone chan struct{}

	// closeMu is held for reading by every read and by Append while it hands over its request, and
	// for writing by Close, so that nothing touches the file after it is closed.
	closeMu  sync.RWMutex
	closed   bool
	closedCh chan struct{} // closed by Close, to wake subscriptions

	// heads holds the versions of the streams used most recently (WithHeadCache); the others are
	// looked up in the tail or the streams bucket. Only the writer goroutine uses it.
	heads *headCache
	// indexLag is how many events the index buckets may trail the log by.
	indexLag int
	// pending holds the ids of the events after the index watermark, which the ids bucket does not
	// hold yet. Open fills it from the log; then only the writer goroutine uses it.
	pending map[string]idEntry
	// tail is the stream index of the same events, shared with readers.
	tail atomic.Pointer[tail]
	// head is the position of the last committed event.
	head atomic.Uint64
	// commits counts the transactions that stored events.
	commits atomic.Uint64

	notifyMu sync.Mutex
	notify   chan struct{} // closed and replaced after each commit that stored events

	// retention is the policy Scavenge applies; scavenged is its watermark, as committed.
	retention  es.Retention
	scavenged  atomic.Uint64
	scavengeMu sync.Mutex // one Scavenge at a time
	// scavengerDone is closed when the background scavenge has stopped (at once without one).
	scavengerDone chan struct{}
	lastScavenge  atomic.Pointer[ScavengeReport]
	// scavengeHook, when set by a test, is called in each scavenge transaction just before it
	// commits.
	scavengeHook func(ScavengeStats)
}

// Option changes how Open sets a store up.
type Option func(*options)

type options struct {
	lockTimeout time.Duration
	now         func() time.Time
	maxGroup    int
	indexLag    int
	headCache   int

	retention     es.Retention
	scavengeEvery time.Duration
}

// WithLockTimeout sets how long Open waits for another process to release the file (default 2 s;
// 0 waits for ever).
func WithLockTimeout(d time.Duration) Option { return func(o *options) { o.lockTimeout = d } }

// WithClock sets the clock that stamps Recorded (default, and for a nil clock: time.Now).
func WithClock(clock es.Clock) Option {
	return func(o *options) {
		if clock != nil {
			o.now = clock
		}
	}
}

// WithMaxGroup sets how many events the writer gathers from waiting appends into one transaction
// (default 20,000). One append is never split, so a group may exceed it by the last append's size.
func WithMaxGroup(events int) Option { return func(o *options) { o.maxGroup = max(events, 1) } }

// WithIndexLag sets how many events the stream and id index buckets may trail the log by (default
// 50,000). Up to that many events are indexed in memory and written to the buckets together, in
// key order, which makes appends several times faster than indexing every commit; Open rebuilds
// them from the log. 0 writes the buckets in every commit. Memory: about 150 bytes per event.
func WithIndexLag(events int) Option { return func(o *options) { o.indexLag = max(events, 0) } }

// DefaultHeadCache is how many stream versions the writer keeps in memory unless told otherwise.
const DefaultHeadCache = 200_000

// WithHeadCache sets how many stream versions the writer keeps in memory (default 200,000; at least
// 2). Deciding an append needs the version of each stream it writes: a stream among the last
// used is answered from memory, another costs a lookup in the streams index (a B-tree seek, a few
// microseconds). Size it to the active yard: boxes present, machines, open visits and blocks,
// with room to spare. Memory: about 100 bytes per stream, whatever the length of the log.
func WithHeadCache(streams int) Option { return func(o *options) { o.headCache = max(streams, 2) } }

// New opens the store that cfg describes. It is Open for fx and cmd.
func New(cfg Config, clock es.Clock) (*Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	return Open(cfg.Dir, WithClock(clock), WithHeadCache(cfg.HeadCache), WithRetention(cfg.Retention), WithScavengeEvery(cfg.ScavengeEvery))
}

// Open opens the store kept in dir, creating dir and the file when they do not exist, and indexes
// in memory the events the index buckets do not hold yet (at most WithIndexLag of them); its work
// does not grow with the log or the number of streams. Only one process at a time can have the file open; Open waits for
// the lock (WithLockTimeout) and then fails. A file that is not a yardtwin event store gives an error
// matching ErrNotStore.
func Open(dir string, opts ...Option) (*Store, error) {
	o := options{lockTimeout: 2 * time.Second, now: time.Now, maxGroup: 20_000, indexLag: 50_000, headCache: DefaultHeadCache,
		scavengeEvery: DefaultScavengeEvery}
	for _, opt := range opts {
		opt(&o)
	}
	if err := o.retention.Validate(); err != nil {
		return nil, fmt.Errorf("bolt: open: %w", err)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	path := filepath.Join(dir, FileName)
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{
		Timeout: o.lockTimeout,
		// The free list is written by every commit, so that Open reads it instead of walking every
		// page of the file to rebuild it: with NoFreelistSync a 12 M-event store (6.6 GB) took
		// 4.7 s to open with the file in the page cache and 6 min 21 s without, restart time that
		// grew with the log. A file written without a free list gets one at its first commit.
		NoFreelistSync: false,
		FreelistType:   bbolt.FreelistMapType,
	})
	if err != nil {
		return nil, openError(path, o.lockTimeout, err)
	}
	s := &Store{
		db:         db,
		path:       path,
		now:        o.now,
		maxGroup:   o.maxGroup,
		reqs:       make(chan *request, 256),
		writerDone: make(chan struct{}),
		closedCh:   make(chan struct{}),
		heads:      newHeadCache(o.headCache),
		indexLag:   o.indexLag,
		pending:    map[string]idEntry{},
		notify:     make(chan struct{}),
		retention:  slices.Clone(o.retention),

		scavengerDone: make(chan struct{}),
	}
	if err := s.load(); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	go s.write()
	if len(s.retention) > 0 && o.scavengeEvery > 0 {
		go s.scavengeEvery(o.scavengeEvery)
	} else {
		close(s.scavengerDone)
	}
	return s, nil
}

// openError explains why bbolt could not open path.
func openError(path string, waited time.Duration, err error) error {
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return fmt.Errorf("open %s: %w (waited %s): %w", path, ErrLocked, waited, err)
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrChecksum), errors.Is(err, berrors.ErrVersionMismatch):
		return fmt.Errorf("open %s: %w: %w", path, ErrNotStore, err)
	default:
		// bbolt reports some foreign files only as a bad size or a failed read.
		if fi, statErr := os.Stat(path); statErr == nil && fi.Mode().IsRegular() && fi.Size() > 0 {
			return fmt.Errorf("open %s: %w: %w", path, ErrNotStore, err)
		}
		return fmt.Errorf("open %s: %w", path, err)
	}
}

// load creates the buckets of a new file, or checks those of an existing one and reads its head and
// its tail.
func (s *Store) load() error {
	fresh := false
	err := s.db.View(func(tx *bbolt.Tx) error {
		if tx.Bucket(bucketMeta) != nil {
			return nil
		}
		others := 0
		_ = tx.ForEach(func([]byte, *bbolt.Bucket) error { others++; return nil })
		if others > 0 {
			return fmt.Errorf("%w: the file holds %d buckets of another program", ErrNotStore, others)
		}
		fresh = true
		return nil
	})
	if err != nil {
		return err
	}
	if fresh {
		err := s.db.Update(func(tx *bbolt.Tx) error {
			meta, err := tx.CreateBucket(bucketMeta)
			if err != nil {
				return err
			}
			if err := meta.Put(metaMagic, []byte(magic)); err != nil {
				return err
			}
			if err := meta.Put(metaFormat, []byte{fileFormat}); err != nil {
				return err
			}
			if err := meta.Put(metaIndexed, logKey(0)); err != nil {
				return err
			}
			for _, name := range [][]byte{bucketLog, bucketStreams, bucketIDs} {
				if _, err := tx.CreateBucket(name); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("create buckets: %w", err)
		}
		s.tail.Store(newTail(0))
		return nil
	}
	return s.db.View(func(tx *bbolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if string(meta.Get(metaMagic)) != magic {
			return fmt.Errorf("%w: its meta bucket has no yardtwin mark", ErrNotStore)
		}
		switch f := meta.Get(metaFormat); {
		case len(f) != 1:
			return fmt.Errorf("%w: its file format is unreadable", ErrNotStore)
		case f[0] != fileFormat:
			return fmt.Errorf("file format %d is not one this build reads (%d); use a newer yardtwin", f[0], fileFormat)
		}
		for _, name := range [][]byte{bucketLog, bucketStreams, bucketIDs} {
			if tx.Bucket(name) == nil {
				return fmt.Errorf("%w: bucket %q is missing", ErrNotStore, name)
			}
		}
		switch v := meta.Get(metaScavenged); len(v) {
		case 0:
		case 8:
			s.scavenged.Store(binary.BigEndian.Uint64(v))
		default:
			return fmt.Errorf("%w: scavenge watermark of %d bytes", errDamaged, len(v))
		}
		if k, _ := tx.Bucket(bucketLog).Cursor().Last(); k != nil {
			if len(k) != 8 {
				return fmt.Errorf("%w: log key of %d bytes", errDamaged, len(k))
			}
			s.head.Store(binary.BigEndian.Uint64(k))
		}
		return s.loadTail(tx)
	})
}

// Close stops accepting appends, waits for those already handed over to be committed, ends
// subscriptions with es.ErrClosed and closes the file. Closing twice is harmless.
func (s *Store) Close() error {
	s.closeMu.Lock()
	if s.closed {
		s.closeMu.Unlock()
		return nil
	}
	s.closed = true
	close(s.reqs)
	close(s.closedCh)
	s.closeMu.Unlock()
	<-s.writerDone
	<-s.scavengerDone
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close %s: %w", s.path, err)
	}
	return nil
}

// view runs fn in a read transaction unless the store is closed.
func (s *Store) view(fn func(tx *bbolt.Tx) error) error {
	s.closeMu.RLock()
	defer s.closeMu.RUnlock()
	if s.closed {
		return es.ErrClosed
	}
	return s.db.View(fn)
}

// checkCtxEvery is how many events a long read decodes between looks at its context.
const checkCtxEvery = 1 << 14

// ReadStream returns the stream's events with version ≥ from (0 reads from 1), oldest first; a
// missing stream is empty.
func (s *Store) ReadStream(ctx context.Context, stream string, from uint64) ([]es.Envelope, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("read %s@%d: %w", stream, from, err)
	}
	from = max(from, 1) // versions count from 1
	var out []es.Envelope
	for retry := true; retry; {
		retry = false
		err := s.view(func(tx *bbolt.Tx) error {
			indexed, err := indexedIn(tx)
			if err != nil {
				return err
			}
			t := s.tail.Load()
			if t.base != indexed {
				// The writer has just committed the index buckets and not yet replaced the tail,
				// or replaced it after this transaction began: the two do not fit together.
				retry = true
				return nil
			}
			out, err = s.readStream(ctx, tx, t, stream, from)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("read %s@%d: %w", stream, from, err)
		}
		if retry {
			runtime.Gosched()
		}
	}
	return out, nil
}

// readStream reads a stream from the streams bucket, then from the tail that goes with tx.
func (s *Store) readStream(ctx context.Context, tx *bbolt.Tx, t *tail, stream string, from uint64) ([]es.Envelope, error) {
	var out []es.Envelope
	var d decoder
	log := tx.Bucket(bucketLog)
	get := func(pos []byte) error {
		if len(out)%checkCtxEvery == checkCtxEvery-1 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		n := binary.BigEndian.Uint64(pos)
		rec := log.Get(pos)
		if rec == nil {
			return fmt.Errorf("%w: stream index points at missing position %d", errDamaged, n)
		}
		e, err := d.decode(n, rec, stream)
		if err != nil {
			return err
		}
		out = append(out, e)
		return nil
	}

	prefix := streamPrefix(stream)
	c := tx.Bucket(bucketStreams).Cursor()
	for k, v := c.Seek(streamKey(stream, from)); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if len(k) != len(prefix)+8 || len(v) != 8 {
			return nil, fmt.Errorf("%w: stream index entry %x", errDamaged, k)
		}
		if err := get(v); err != nil {
			return nil, err
		}
	}
	visible := uint64(0)
	if k, _ := log.Cursor().Last(); len(k) == 8 {
		visible = binary.BigEndian.Uint64(k)
	}
	for _, e := range t.since(stream, from, visible) {
		if err := get(logKey(e.pos)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ReadAll returns up to limit events with position ≥ from (0 reads from 1), in log order. A limit
// of 0 or less returns nothing.
func (s *Store) ReadAll(ctx context.Context, from uint64, limit int) ([]es.Envelope, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("read all from %d: %w", from, err)
	}
	from = max(from, 1) // positions count from 1
	var out []es.Envelope
	err := s.view(func(tx *bbolt.Tx) error {
		head := s.head.Load()
		if limit <= 0 || from > head {
			return nil
		}
		out = make([]es.Envelope, 0, min(uint64(limit), head-from+1))
		c := tx.Bucket(bucketLog).Cursor()
		var d decoder
		for k, v := c.Seek(logKey(from)); k != nil && len(out) < limit; k, v = c.Next() {
			if len(k) != 8 {
				return fmt.Errorf("%w: log key %x", errDamaged, k)
			}
			if len(out)%checkCtxEvery == checkCtxEvery-1 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			e, err := d.decode(binary.BigEndian.Uint64(k), v, "")
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read all from %d: %w", from, err)
	}
	return out, nil
}

// Head returns the position of the last stored event, 0 for an empty store.
func (s *Store) Head(ctx context.Context) (uint64, error) {
	s.closeMu.RLock()
	defer s.closeMu.RUnlock()
	if s.closed {
		return 0, fmt.Errorf("head: %w", es.ErrClosed)
	}
	return s.head.Load(), nil
}

// subscribePage is how many events a subscription reads and hands over at a time.
const subscribePage = 1000

// Subscribe calls handle with every event from position from onwards (0 starts at 1), in log order
// and in batches of up to 1,000 events, first catching up and then following new appends, until
// ctx ends, handle fails or the store closes. It returns ctx's error, handle's or es.ErrClosed,
// wrapped. Each batch is a new slice that handle may keep.
func (s *Store) Subscribe(ctx context.Context, from uint64, handle func(ctx context.Context, batch []es.Envelope) error) error {
	from = max(from, 1)
	for {
		// Take the notification channel before reading, so that a commit landing between the read
		// and the wait still wakes us.
		changed := s.changed()
		batch, err := s.ReadAll(ctx, from, subscribePage)
		if err != nil {
			return fmt.Errorf("subscribe at %d: %w", from, err)
		}
		if len(batch) > 0 {
			if err := handle(ctx, batch); err != nil {
				return fmt.Errorf("subscribe at %d: handle: %w", from, err)
			}
			from = batch[len(batch)-1].Position + 1
			continue
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("subscribe at %d: %w", from, ctx.Err())
		case <-s.closedCh:
			return fmt.Errorf("subscribe at %d: %w", from, es.ErrClosed)
		}
	}
}

// changed returns a channel that is closed by the next commit that stores events.
func (s *Store) changed() <-chan struct{} {
	s.notifyMu.Lock()
	defer s.notifyMu.Unlock()
	return s.notify
}

// broadcast wakes everyone waiting on changed.
func (s *Store) broadcast() {
	s.notifyMu.Lock()
	close(s.notify)
	s.notify = make(chan struct{})
	s.notifyMu.Unlock()
}
