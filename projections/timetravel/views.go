package timetravel

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"sync"

	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/projections"
)

// Config tunes Views. The zero value is the defaults.
type Config struct {
	// Every is how many positions apart the private model is snapshotted; 0 means 25,000. A query
	// folds at most about Every events past its snapshot, more where snapshots were thinned out.
	Every uint64
	// MaxSnapshots bounds how many snapshots are kept; 0 means 64.
	MaxSnapshots int
	// MaxBytes bounds the memory the kept snapshots take, compressed, in bytes; 0 means 256 MiB.
	// The newest snapshot is kept even when it alone is larger.
	MaxBytes int64
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
		c.MaxSnapshots = 64
	}
	if c.MaxBytes <= 0 {
		c.MaxBytes = 256 << 20
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

// maxQueue is how many events Apply lets wait for the follower before it makes the runner wait too.
const maxQueue = 1 << 16

// Views answers time-travel queries over one kind of model. Feed it as a projection (it is one);
// ask it with At or View. It is safe for concurrent use.
type Views struct {
	store    es.Store
	reg      *es.Registry
	newModel func() projections.Snapshotter
	cfg      Config
	name     string

	// The runner hands events over in Apply; the follower goroutine folds them.
	qmu      sync.Mutex
	qcond    *sync.Cond // signalled when the queue shrinks
	queue    []projections.Item
	enqueued uint64        // last position handed over
	working  bool          // a follower goroutine is running
	idle     chan struct{} // closed when the follower stops with an empty queue

	// model is the private model, touched only by the follower (or by Restore before it starts).
	model projections.Snapshotter
	// runMaxTime and runMaxRec are the largest Time and Recorded folded into model; lastRec the
	// Recorded of the last event folded. Follower only.
	runMaxTime, runMaxRec, lastRec int64

	mu          sync.Mutex // guards what follows
	applied     uint64     // last position folded into model and indexed
	idx         index
	snaps       snapshots
	regressions int
	cache       []*entry // most recently used first
	flights     map[flightKey]*flight
	counters    counters
}

// counters are the query figures of Stats.
type counters struct {
	queries, hits, read, folded uint64
	snapErrors                  int
}

// New returns the views of the model newModel makes, reading past events from store and decoding
// them with reg. newModel must return a new, empty model each time, configured as the live one is.
func New(store es.Store, reg *es.Registry, newModel func() projections.Snapshotter, cfg Config) *Views {
	cfg = cfg.withDefaults()
	model := newModel()
	v := &Views{
		store: store, reg: reg, newModel: newModel, cfg: cfg,
		name:       "timetravel.v1-" + model.Name(),
		model:      model,
		idle:       make(chan struct{}),
		idx:        index{size: cfg.block},
		snaps:      snapshots{maxCount: cfg.MaxSnapshots, maxBytes: cfg.MaxBytes},
		runMaxTime: minusInf, runMaxRec: minusInf, lastRec: minusInf,
		flights: map[flightKey]*flight{},
	}
	v.qcond = sync.NewCond(&v.qmu)
	close(v.idle)
	return v
}

var _ projections.Snapshotter = (*Views)(nil)

// Name implements projections.Projection: "timetravel.v1-" and the model's name.
func (v *Views) Name() string { return v.name }

// Position implements projections.Projection: the last position handed over by Apply. The views
// answer up to Applied, which follows shortly.
func (v *Views) Position() uint64 {
	v.qmu.Lock()
	defer v.qmu.Unlock()
	return v.enqueued
}

// Applied is the last position the views know of: the newest position a query can see.
func (v *Views) Applied() uint64 {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.applied
}

// Apply implements projections.Projection. It hands the batch to the follower goroutine and returns
// at once, unless maxQueue events are already waiting (the follower is snapshotting a large model):
// then it waits for room. It keeps the batch's items until they are folded.
func (v *Views) Apply(batch []projections.Item) {
	v.qmu.Lock()
	defer v.qmu.Unlock()
	from := sort.Search(len(batch), func(i int) bool { return batch[i].Position > v.enqueued })
	batch = batch[from:]
	if len(batch) == 0 {
		return
	}
	for len(v.queue) >= maxQueue {
		v.qcond.Wait()
	}
	v.queue = append(v.queue, batch...)
	v.enqueued = batch[len(batch)-1].Position
	if !v.working {
		v.working = true
		v.idle = make(chan struct{})
		go v.follow()
	}
}

// Sync waits until every event handed over by Apply is folded and indexed, or ctx ends.
func (v *Views) Sync(ctx context.Context) error {
	v.qmu.Lock()
	idle := v.idle
	v.qmu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("timetravel sync: %w", ctx.Err())
	}
}

// follow folds the queue until it is empty, then ends; Apply starts it again.
func (v *Views) follow() {
	for {
		v.qmu.Lock()
		batch := v.queue
		v.queue = nil
		if len(batch) == 0 {
			v.working = false
			close(v.idle)
			v.qmu.Unlock()
			return
		}
		v.qcond.Broadcast()
		v.qmu.Unlock()
		v.fold(batch)
	}
}

// fold applies a batch to the private model in pieces that end at the snapshot positions (the
// multiples of Every), indexing them and snapshotting at each.
func (v *Views) fold(batch []projections.Item) {
	eachPiece(batch, v.cfg.Every, func(piece []projections.Item, due bool) {
		v.model.Apply(piece)
		last := piece[len(piece)-1].Position
		v.mu.Lock()
		for i := range piece {
			t, rec := nanos(piece[i].Time), nanos(piece[i].Recorded)
			if rec < v.lastRec {
				v.regressions++
			}
			v.lastRec = rec
			v.runMaxTime, v.runMaxRec = max(v.runMaxTime, t), max(v.runMaxRec, rec)
			v.idx.add(piece[i].Position, t, rec)
		}
		v.applied = last
		v.mu.Unlock()
		if due {
			v.snapshot(last)
		}
	})
}

// snapshot takes a snapshot of the private model and keeps it. A failure is logged and counted:
// the queries near it fold a little more.
func (v *Views) snapshot(applied uint64) {
	pos, state, err := v.model.Snapshot()
	if err == nil && pos != applied {
		err = fmt.Errorf("model snapshot is at %d, views at %d", pos, applied)
	}
	if err != nil {
		v.cfg.Log.Error("time-travel snapshot", "views", v.name, "err", err)
		v.mu.Lock()
		v.counters.snapErrors++
		v.mu.Unlock()
		return
	}
	s := &snap{pos: pos, prefMaxTime: v.runMaxTime, prefMaxRec: v.runMaxRec, raw: len(state), data: compress(state)}
	v.mu.Lock()
	v.snaps.add(s)
	v.mu.Unlock()
}

// Stats are figures about the views.
type Stats struct {
	Applied   uint64 `json:"applied"`   // last position known
	Snapshots int    `json:"snapshots"` // kept
	// SnapshotBytes is the memory the kept snapshots take (compressed); SnapshotRawBytes what they
	// would take uncompressed.
	SnapshotBytes    int64    `json:"snapshot_bytes"`
	SnapshotRawBytes int64    `json:"snapshot_raw_bytes"`
	SnapshotAt       []uint64 `json:"snapshot_positions"`
	Thinned          int      `json:"thinned"`         // snapshots dropped to stay within bounds
	SnapshotErrors   int      `json:"snapshot_errors"` // snapshots the model failed to take
	IndexBlocks      int      `json:"index_blocks"`
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
		Thinned: v.snaps.dropped, SnapshotErrors: v.counters.snapErrors, IndexBlocks: len(v.idx.blocks),
		RecordedRegressions: v.regressions, Queries: v.counters.queries, CacheHits: v.counters.hits,
		Read: v.counters.read, Folded: v.counters.folded, Cached: len(v.cache),
	}
	for _, sn := range v.snaps.list {
		s.SnapshotRawBytes += int64(sn.raw)
		s.SnapshotAt = append(s.SnapshotAt, sn.pos)
	}
	return s
}
