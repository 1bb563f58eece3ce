package projections

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/yardtwin/yardtwin/domain/es"
)

// Checkpoints keeps projection snapshots. Load returns ok=false when there is none.
type Checkpoints interface {
	Save(name string, position uint64, state []byte) error
	Load(name string) (position uint64, state []byte, ok bool, err error)
}

// Runner feeds projections from the store and checkpoints them.
type Runner struct {
	store       es.Store
	reg         *es.Registry
	projections []Projection // in the order they are applied: Trailers last
	trailers    []Trailer
	checkpoints Checkpoints // nil: no checkpoints, rebuild from zero on every start
	every       time.Duration
	events      uint64 // checkpoint after this many events folded; 0: by time only
	log         *slog.Logger

	mu       sync.Mutex // serialises Apply against Snapshot across goroutines
	position atomic.Uint64
	folded   atomic.Uint64 // events handed to the projections since the runner was made
	clock    es.Clock      // times checkpoints
	saved    time.Time     // when the last checkpoint was taken
	since    uint64        // events folded since then
}

// RunnerConfig tunes a Runner.
type RunnerConfig struct {
	// CheckpointEvery is how often snapshots are saved while events flow; 0 means 30 s.
	CheckpointEvery time.Duration
	// CheckpointEvents is how many events folded make a checkpoint due, whatever the time since the
	// last one, so that the tail a restart folds is bounded at any ingest rate; 0 means 250,000,
	// negative checkpoints by time only.
	CheckpointEvents int
	// Clock is the twin's clock, which times CheckpointEvery; nil means time.Now.
	Clock es.Clock
}

// DefaultCheckpointEvents is RunnerConfig.CheckpointEvents when left zero: at the 230 k events a
// second a rebuild runs at, the tail after a kill -9 folds in about a second.
const DefaultCheckpointEvents = 250_000

// NewRunner returns a runner for projections. checkpoints and log may be nil.
func NewRunner(store es.Store, reg *es.Registry, checkpoints Checkpoints, cfg RunnerConfig, log *slog.Logger, ps ...Projection) *Runner {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.CheckpointEvery == 0 {
		cfg.CheckpointEvery = 30 * time.Second
	}
	if cfg.CheckpointEvents == 0 {
		cfg.CheckpointEvents = DefaultCheckpointEvents
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	r := &Runner{store: store, reg: reg, checkpoints: checkpoints, every: cfg.CheckpointEvery, events: uint64(max(cfg.CheckpointEvents, 0)), log: log, clock: cfg.Clock, saved: cfg.Clock()}
	// Trailers read the state the others reached: they are applied last.
	for _, p := range ps {
		if _, ok := p.(Trailer); !ok {
			r.projections = append(r.projections, p)
		}
	}
	for _, p := range ps {
		if t, ok := p.(Trailer); ok {
			r.projections = append(r.projections, p)
			r.trailers = append(r.trailers, t)
		}
	}
	return r
}

// Position is the position every projection has reached.
func (r *Runner) Position() uint64 { return r.position.Load() }

// Folded is how many stored events the runner has read and handed to its projections since it was
// made: after a restart from checkpoints, the length of the tail it folded.
func (r *Runner) Folded() uint64 { return r.folded.Load() }

// Restore loads each projection's checkpoint. A checkpoint that cannot be read is logged and the
// projection rebuilt from zero: a read model can always be folded again.
func (r *Runner) Restore() error {
	if r.checkpoints == nil {
		return nil
	}
	for _, p := range r.projections {
		s, ok := p.(Snapshotter)
		if !ok {
			continue
		}
		pos, state, found, err := r.checkpoints.Load(p.Name())
		if err != nil {
			r.log.Warn("checkpoint unreadable, rebuilding", "projection", p.Name(), "err", err)
			continue
		}
		if !found {
			continue
		}
		if err := s.Restore(pos, state); err != nil {
			r.log.Warn("checkpoint not restorable, rebuilding", "projection", p.Name(), "err", err)
			continue
		}
		r.log.Info("projection restored", "projection", p.Name(), "position", pos)
	}
	r.position.Store(r.lowest())
	return nil
}

// Run follows the store from where the projections are (call Restore first to start from their
// checkpoints) until ctx ends; it checkpoints on the way out.
func (r *Runner) Run(ctx context.Context) error {
	err := r.store.Subscribe(ctx, r.lowest()+1, r.handle)
	if cerr := r.Checkpoint(); cerr != nil {
		r.log.Error("final checkpoint", "err", cerr)
	}
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

func (r *Runner) lowest() uint64 {
	var low uint64 = ^uint64(0)
	for _, p := range r.projections {
		low = min(low, p.Position())
	}
	if low == ^uint64(0) {
		return 0
	}
	return low
}

func (r *Runner) handle(_ context.Context, batch []es.Envelope) error {
	items := Decode(r.reg, batch)
	for len(items) > 0 {
		n := r.upToStop(items)
		r.apply(items[:n])
		items = items[n:]
	}
	if len(batch) > 0 {
		r.position.Store(batch[len(batch)-1].Position)
	}
	r.folded.Add(uint64(len(batch)))
	r.since += uint64(len(batch))
	if r.clock().Sub(r.saved) >= r.every || (r.events > 0 && r.since >= r.events) {
		if err := r.Checkpoint(); err != nil {
			r.log.Error("checkpoint", "err", err) // degrade: the next start folds a little more
		}
	}
	return nil
}

// upToStop is how many of items (at least one) lie at or before the nearest stop a trailer asked for.
func (r *Runner) upToStop(items []Item) int {
	if len(r.trailers) == 0 {
		return len(items)
	}
	stop := ^uint64(0)
	for _, t := range r.trailers {
		stop = min(stop, t.NextStop(items[0].Position-1))
	}
	return max(sort.Search(len(items), func(i int) bool { return items[i].Position > stop }), 1)
}

// apply hands items to every projection, trailers last, skipping what each has already folded.
func (r *Runner) apply(items []Item) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range r.projections {
		pos := p.Position()
		from := sort.Search(len(items), func(i int) bool { return items[i].Position > pos })
		if from < len(items) {
			p.Apply(items[from:])
		}
	}
}

// Checkpoint saves a snapshot of every projection that can snapshot.
func (r *Runner) Checkpoint() error {
	r.saved, r.since = r.clock(), 0
	if r.checkpoints == nil {
		return nil
	}
	var errs []error
	for _, p := range r.projections {
		s, ok := p.(Snapshotter)
		if !ok {
			continue
		}
		r.mu.Lock()
		pos, state, err := s.Snapshot()
		r.mu.Unlock()
		if err == nil {
			err = r.checkpoints.Save(p.Name(), pos, state)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("checkpoint %s: %w", p.Name(), err))
		}
	}
	return errors.Join(errs...)
}

// Decode turns stored envelopes into items, decoding payloads on every core: decoding JSON is most of
// the cost of folding the log. An envelope whose type is unknown, or whose data no longer decodes,
// becomes an item with a nil Event.
func Decode(reg *es.Registry, batch []es.Envelope) []Item {
	items := make([]Item, len(batch))
	workers := runtime.GOMAXPROCS(0)
	if len(batch) < 256 || workers == 1 {
		decodeRange(reg, batch, items)
		return items
	}
	var wg sync.WaitGroup
	chunk := (len(batch) + workers - 1) / workers
	for lo := 0; lo < len(batch); lo += chunk {
		hi := min(lo+chunk, len(batch))
		wg.Go(func() { decodeRange(reg, batch[lo:hi], items[lo:hi]) })
	}
	wg.Wait()
	return items
}

func decodeRange(reg *es.Registry, batch []es.Envelope, items []Item) {
	for i, env := range batch {
		items[i].Envelope = env
		if ev, err := reg.Decode(env); err == nil {
			items[i].Event = ev
		}
	}
}

// CatchUp folds every stored event above the projections' position, up to the store's head when
// called, and returns. progress, when not nil, is told the position reached after each page.
func (r *Runner) CatchUp(ctx context.Context, progress func(position, head uint64)) error {
	head, err := r.store.Head(ctx)
	if err != nil {
		return fmt.Errorf("catch up: %w", err)
	}
	const page = 8192
	for from := r.lowest() + 1; from <= head; {
		batch, err := r.store.ReadAll(ctx, from, page)
		if err != nil {
			return fmt.Errorf("catch up from %d: %w", from, err)
		}
		if len(batch) == 0 {
			break
		}
		if err := r.handle(ctx, batch); err != nil {
			return err
		}
		from = batch[len(batch)-1].Position + 1
		if progress != nil {
			progress(from-1, head)
		}
	}
	return nil
}
