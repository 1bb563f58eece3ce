package timetravel

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"

	"go.etcd.io/bbolt"

	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/projections"
)

// Config tunes Views. The zero value is the defaults.
type Config struct {
	// Every is how many positions apart the live model's state is written; 0 means 25,000. A query
	// folds at most about Every events past its snapshot, more where snapshots were thinned out.
	Every uint64
	// MaxSnapshots bounds how many snapshots the file keeps; 0 means 512.
	MaxSnapshots int
	// MaxBytes bounds the disk the kept snapshots take, compressed, in bytes; 0 means 2 GiB. The
	// newest snapshot is kept even when it alone is larger.
	MaxBytes int64
	// MaxChain is how many snapshots of an Incremental model may follow the newest whole one (as
	// deltas) before the writer merges them into a new whole one, in the background; 0 means 8.
	// A query restores up to that many.
	MaxChain int
	// Cache is how many answered views are kept for reuse; 0 means 2, negative keeps none. Each is a
	// whole model in memory: about 110 MiB for the yard in the middle of a million-event log.
	Cache int
	// Log is told of snapshots that fail; nil discards.
	Log *slog.Logger

	// block is how many positions an index entry covers; 0 means 1,024. Tests make it small.
	block uint64
}

func (c Config) withDefaults() Config {
	if c.Every == 0 {
		c.Every = 25_000
	}
	if c.MaxSnapshots <= 0 {
		c.MaxSnapshots = 512
	}
	if c.MaxBytes <= 0 {
		c.MaxBytes = 2 << 30
	}
	if c.MaxChain <= 0 {
		c.MaxChain = 8
	}
	if c.Cache == 0 {
		c.Cache = 2
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.block == 0 {
		c.block = defaultBlock
	}
	return c
}

// Views answers time-travel queries over one kind of model. Feed it to the runner that folds the
// live model (it is a projections.Trailer); ask it with At or View. It is safe for concurrent use.
// Close it after that runner has stopped.
type Views struct {
	store    es.Store
	reg      *es.Registry
	live     projections.Snapshotter
	newModel func() projections.Snapshotter
	cfg      Config
	name     string
	db       *bbolt.DB

	jobs       chan job      // to the writer
	writerDone chan struct{} // closed when the writer has stopped
	closeMu    sync.Mutex    // guards closed against sending on jobs
	closed     bool

	// Touched only by Apply, on the runner's goroutine.
	runMaxTime, runMaxRec, lastRec int64  // largest Time and Recorded indexed; Recorded of the last
	tried                          uint64 // position at which a snapshot was last due
	unwritten                      int    // first index block not yet handed to the writer whole

	mu          sync.Mutex // guards what follows
	applied     uint64     // last position indexed
	idx         index
	snaps       snapshots
	regressions int
	cache       []*entry // most recently used first
	flights     map[flightKey]*flight
	counters    counters
}

// counters are the figures of Stats.
type counters struct {
	queries, hits, read, folded uint64
	snapErrors, skipped         int
	retries                     uint64 // queries planned again: their snapshot was thinned out
}

// Open returns the views of live, the model its runner folds, keeping their snapshots and their
// index of the log in the file at path (made if missing). Queries read past events from store,
// decode them with reg and fold them into models from newModel, which must return a new, empty
// model each time, configured as live is. When live is Incremental, each snapshot is only what
// changed since the one before; otherwise each is live's whole Snapshot.
func Open(path string, store es.Store, reg *es.Registry, live projections.Snapshotter, newModel func() projections.Snapshotter, cfg Config) (*Views, error) {
	cfg = cfg.withDefaults()
	name := "timetravel.v2-" + live.Name()
	db, l, err := openDB(path, name, cfg.block, cfg.Log.Warn)
	if err != nil {
		return nil, err
	}
	v := &Views{
		store: store, reg: reg, live: live, newModel: newModel, cfg: cfg, name: name, db: db,
		jobs: make(chan job, 2), writerDone: make(chan struct{}),
		applied: l.indexed, tried: l.indexed, regressions: l.regressions, lastRec: l.lastRec,
		idx:     index{size: cfg.block, blocks: l.blocks},
		snaps:   snapshots{maxCount: cfg.MaxSnapshots, maxBytes: cfg.MaxBytes},
		flights: map[flightKey]*flight{},
	}
	v.idx.recompute()
	v.runMaxTime, v.runMaxRec = v.idx.prefMaxTime(l.indexed), minusInf
	if n := len(v.idx.blocks); n > 0 {
		v.runMaxRec = v.idx.blocks[n-1].prefMaxRec
	}
	if l.indexed > 0 {
		v.unwritten = v.idx.of(l.indexed)
	}
	for _, s := range l.snaps {
		v.snaps.put(s)
	}
	go v.write()
	return v, nil
}

// Close stops the writer once it has written what it was handed, saves the index up to the last
// position applied (so that after a clean stop the views resume where the live model's final
// checkpoint is, with nothing to read again), and closes the file. Call it once the runner feeding
// the views has stopped; queries fail afterwards.
func (v *Views) Close() error {
	v.closeMu.Lock()
	if v.closed {
		v.closeMu.Unlock()
		return nil
	}
	v.closed = true
	close(v.jobs)
	v.closeMu.Unlock()
	<-v.writerDone
	v.mu.Lock()
	applied, regressions, lastRec := v.applied, v.regressions, v.lastRec
	var blocks []block
	if applied > 0 {
		blocks = v.idx.blocks[v.unwritten : v.idx.of(applied)+1]
	}
	v.mu.Unlock()
	err := v.db.Update(func(tx *bbolt.Tx) error {
		return putIndex(tx, v.unwritten, blocks, applied, regressions, lastRec)
	})
	if err = errors.Join(err, v.db.Close()); err != nil {
		return fmt.Errorf("timetravel: close: %w", err)
	}
	return nil
}

var _ projections.Trailer = (*Views)(nil)

// Name implements projections.Projection: "timetravel.v2-" and the live model's name.
func (v *Views) Name() string { return v.name }

// Position implements projections.Projection: the last position indexed.
func (v *Views) Position() uint64 { return v.Applied() }

// Applied is the last position the views know of: the newest position a query can see.
func (v *Views) Applied() uint64 {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.applied
}

// NextStop implements projections.Trailer: the next multiple of Every.
func (v *Views) NextStop(after uint64) uint64 { return (after/v.cfg.Every + 1) * v.cfg.Every }

// Apply implements projections.Projection: it indexes the batch and, when the batch ends at a
// multiple of Every (or past one, where positions skip it), hands the live model's state to the
// writer. The runner calls it with the live model at the batch's last position; a live model
// elsewhere (restored from a newer checkpoint than the views reached) is not written.
func (v *Views) Apply(batch []projections.Item) {
	v.mu.Lock()
	batch = batch[sort.Search(len(batch), func(i int) bool { return batch[i].Position > v.applied }):]
	if len(batch) == 0 {
		v.mu.Unlock()
		return
	}
	for i := range batch {
		t, rec := nanos(batch[i].Time), nanos(batch[i].Recorded)
		if rec < v.lastRec {
			v.regressions++
		}
		v.lastRec = rec
		v.runMaxTime, v.runMaxRec = max(v.runMaxTime, t), max(v.runMaxRec, rec)
		v.idx.add(batch[i].Position, t, rec)
	}
	last := batch[len(batch)-1].Position
	v.applied = last
	v.mu.Unlock()
	if last/v.cfg.Every > v.tried/v.cfg.Every {
		v.tried = last
		v.capture(last)
	}
}

// job is a snapshot for the writer to store, with the index up to it; a barrier only asks to be
// told when everything before it is written.
type job struct {
	snap    snap
	state   []byte // uncompressed: the model's Snapshot, or encoded records
	first   int    // index block number of blocks[0]
	blocks  []block
	regress int
	lastRec int64
	barrier chan struct{}
}

// capture takes the live model's state at pos (what changed, for an Incremental model) and hands
// it to the writer, which compresses and stores it off the runner's path.
func (v *Views) capture(pos uint64) {
	if v.live.Position() != pos {
		v.mu.Lock()
		v.counters.skipped++
		v.mu.Unlock()
		return
	}
	j := job{snap: snap{pos: pos, prefMaxTime: v.runMaxTime, prefMaxRec: v.runMaxRec}, lastRec: v.lastRec}
	if inc, ok := v.live.(Incremental); ok {
		at, recs, all := inc.Changes()
		if at != pos {
			panic(fmt.Sprintf("timetravel: the live model moved from %d to %d under the runner's lock", pos, at))
		}
		j.snap.kind, j.state = kindDelta, encodeRecords(recs)
		if all {
			j.snap.kind = kindFull
		}
	} else {
		at, state, err := v.live.Snapshot()
		if err == nil && at != pos {
			err = fmt.Errorf("model snapshot is at %d, views at %d", at, pos)
		}
		if err != nil {
			v.failed(err)
			return
		}
		j.snap.kind, j.state = kindState, state
	}
	v.mu.Lock()
	j.regress, j.first = v.regressions, v.unwritten
	j.blocks = append([]block(nil), v.idx.blocks[v.unwritten:v.idx.of(pos)+1]...)
	v.mu.Unlock()
	v.unwritten = v.idx.of(pos) // the block of pos may fill further: written again next time
	v.send(j)
}

// send hands j to the writer; false when the views are closed.
func (v *Views) send(j job) bool {
	v.closeMu.Lock()
	defer v.closeMu.Unlock()
	if v.closed {
		return false
	}
	v.jobs <- j
	return true
}

// failed logs and counts a snapshot that could not be taken or written: the queries near it fold
// a little more.
func (v *Views) failed(err error) {
	v.cfg.Log.Error("time-travel snapshot", "views", v.name, "err", err)
	v.mu.Lock()
	v.counters.snapErrors++
	v.mu.Unlock()
}

// Sync waits until every snapshot handed to the writer is written, or ctx ends.
func (v *Views) Sync(ctx context.Context) error {
	done := make(chan struct{})
	if !v.send(job{barrier: done}) {
		return errClosed
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("timetravel sync: %w", ctx.Err())
	}
}

// Stats are figures about the views.
type Stats struct {
	Applied   uint64 `json:"applied"`   // last position known
	Snapshots int    `json:"snapshots"` // kept on disk
	// Deltas is how many of them are only what changed since the one before.
	Deltas int `json:"deltas"`
	// SnapshotBytes is the disk the kept snapshots take (compressed); SnapshotRawBytes what they
	// would take uncompressed.
	SnapshotBytes    int64    `json:"snapshot_bytes"`
	SnapshotRawBytes int64    `json:"snapshot_raw_bytes"`
	SnapshotAt       []uint64 `json:"snapshot_positions"`
	Thinned          int      `json:"thinned"`         // snapshots dropped to stay within bounds
	SnapshotErrors   int      `json:"snapshot_errors"` // snapshots not taken or not written
	// Skipped counts snapshots not taken because the live model was elsewhere (further on, after
	// a restart from a newer checkpoint than the views had reached).
	Skipped     int `json:"skipped"`
	IndexBlocks int `json:"index_blocks"`
	// RecordedRegressions counts events recorded earlier than the event before them; the as_of
	// views assume there are none (see the package doc).
	RecordedRegressions int    `json:"recorded_regressions"`
	Queries             uint64 `json:"queries"`
	CacheHits           uint64 `json:"cache_hits"`
	Read                uint64 `json:"events_read"`   // by queries, from the store
	Folded              uint64 `json:"events_folded"` // by queries, into their models
	Cached              int    `json:"cached_views"`
}

// Stats returns figures about the views.
func (v *Views) Stats() Stats {
	v.mu.Lock()
	defer v.mu.Unlock()
	s := Stats{
		Applied: v.applied, Snapshots: len(v.snaps.list), SnapshotBytes: v.snaps.bytes,
		Thinned: v.snaps.dropped, SnapshotErrors: v.counters.snapErrors, Skipped: v.counters.skipped,
		IndexBlocks: len(v.idx.blocks), RecordedRegressions: v.regressions, Queries: v.counters.queries,
		CacheHits: v.counters.hits, Read: v.counters.read, Folded: v.counters.folded, Cached: len(v.cache),
	}
	for _, sn := range v.snaps.list {
		s.SnapshotRawBytes += sn.raw
		s.SnapshotAt = append(s.SnapshotAt, sn.pos)
		if sn.kind == kindDelta {
			s.Deltas++
		}
	}
	return s
}

var errClosed = errors.New("timetravel: views closed")
