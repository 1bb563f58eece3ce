package timetravel

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"github.com/yardtwin/yardtwin/projections"
)

// View is one answer: a model folded from the events at positions 1..AsOf with Time ≤ at.
type View struct {
	// Model is the folded model. It is shared with other callers and the cache: read it, never
	// Apply to it.
	Model projections.Snapshotter
	// Position is the last event folded into Model, 0 when none: for a log in time order, the
	// position of the live model that looked the same.
	Position uint64
	// AsOf is the last position of the log the view considers (P(as_of) in the package doc).
	AsOf uint64
	// From is the position of the snapshot the model was restored from, 0 for an empty model.
	From uint64
	// Read and Folded count the events read from the store and folded into Model for this answer.
	Read, Folded int
	// Cached is true when the model was folded for an earlier or concurrent question.
	Cached bool
	// Thinned, when not 0, says what the view no longer knows: the store has applied its retention
	// policy to the events at positions up to Thinned (telemetry thinned out, say), and the view was
	// folded across some of them, so what those events would tell (a machine's positions then) is
	// coarser than it was. 0 when nothing folded was scavenged; a view restored from a snapshot
	// taken at or after the watermark is exact, as the snapshot was written from the whole log.
	Thinned uint64
}

// scavenged is the store capability the views ask about thinning: the position up to which the
// store's retention policy has been applied (es.Scavenger in the store's terms).
type scavenged interface {
	Scavenged(ctx context.Context) (uint64, error)
}

// thinned sets w.Thinned from the store's watermark.
func (v *Views) thinned(ctx context.Context, w *View) error {
	sc, ok := v.store.(scavenged)
	if !ok {
		return nil
	}
	mark, err := sc.Scavenged(ctx)
	if err != nil {
		return fmt.Errorf("time travel: %w", err)
	}
	if mark > w.From && w.AsOf > w.From {
		w.Thinned = mark
	}
	return nil
}

// At returns the model as it was at event time at, as known at recorded time asOf, and the position
// of the last event folded into it. A zero at cuts nothing on event time; a zero asOf means
// everything the views have followed. The model is shared: read it, never Apply to it.
func (v *Views) At(ctx context.Context, at, asOf time.Time) (projections.Snapshotter, uint64, error) {
	view, err := v.View(ctx, at, asOf)
	if err != nil {
		return nil, 0, err
	}
	return view.Model, view.Position, nil
}

// View is At with the details of how the answer was made.
func (v *Views) View(ctx context.Context, at, asOf time.Time) (View, error) {
	v.mu.Lock()
	v.counters.queries++ // once a question, however many times it is planned
	v.mu.Unlock()
	for {
		view, retry, err := v.view(ctx, at, asOf)
		if err == nil {
			err = v.thinned(ctx, &view)
		}
		if !retry && !errors.Is(err, errGone) {
			return view, err
		}
	}
}

// view answers once; retry is true when the question was folded by a concurrent caller whose
// context ended, and this caller's has not.
func (v *Views) view(ctx context.Context, at, asOf time.Time) (_ View, retry bool, _ error) {
	if err := ctx.Err(); err != nil {
		return View{}, false, fmt.Errorf("time travel: %w", err)
	}
	P, err := v.resolveAsOf(ctx, asOf)
	if err != nil {
		return View{}, false, err
	}
	cut := plusInf
	if !at.IsZero() {
		cut = nanos(at)
	}

	v.mu.Lock()
	if cut >= v.idx.prefMaxTime(P) {
		cut = plusInf // nothing up to P happened after at: the as_of view
	}
	if e := v.lookup(P, cut); e != nil {
		v.counters.hits++
		v.mu.Unlock()
		return e.view.shared(P), false, nil
	}
	key := flightKey{asOf: P, cut: cut}
	if f, ok := v.flights[key]; ok {
		v.mu.Unlock()
		select {
		case <-f.done:
		case <-ctx.Done():
			return View{}, false, fmt.Errorf("time travel: %w", ctx.Err())
		}
		if f.err != nil {
			leaderGaveUp := errors.Is(f.err, context.Canceled) || errors.Is(f.err, context.DeadlineExceeded)
			return View{}, leaderGaveUp && ctx.Err() == nil, f.err
		}
		return f.view.shared(P), false, nil
	}
	f := &flight{done: make(chan struct{})}
	v.flights[key] = f
	p := v.plan(P, cut)
	v.mu.Unlock()

	view, lo, hi, err := v.run(ctx, p)

	v.mu.Lock()
	delete(v.flights, key)
	if errors.Is(err, errGone) {
		v.counters.retries++
	}
	if err == nil {
		v.counters.read += uint64(view.Read)
		v.counters.folded += uint64(view.Folded)
		v.remember(&entry{asOf: P, pure: cut == plusInf, lo: lo, hi: hi, view: view})
	}
	v.mu.Unlock()
	f.view, f.err = view, err
	close(f.done)
	return view, false, err
}

// shared is the view handed to a caller who did not fold it.
func (w View) shared(asOf uint64) View {
	w.AsOf, w.Read, w.Folded, w.Cached = asOf, 0, 0, true
	return w
}

// resolveAsOf is P(asOf): the last position recorded at or before asOf, among those applied.
func (v *Views) resolveAsOf(ctx context.Context, asOf time.Time) (uint64, error) {
	v.mu.Lock()
	head := v.applied
	if asOf.IsZero() {
		v.mu.Unlock()
		return head, nil
	}
	limit := nanos(asOf)
	whole, first, last, run := v.idx.recordedBoundary(limit, head)
	v.mu.Unlock()
	if whole {
		return head, nil
	}
	envs, err := v.store.ReadAll(ctx, first, int(last-first+1))
	if err != nil {
		return 0, fmt.Errorf("time travel as of %s: %w", asOf.Format(time.RFC3339Nano), err)
	}
	for _, e := range envs {
		if e.Position > last {
			break
		}
		if run = max(run, nanos(e.Recorded)); run > limit {
			return e.Position - 1, nil
		}
	}
	return last, nil // the index says otherwise; the store is the truth
}

// plan is how to fold one view: restore base (nil: start empty), then fold the events of runs with
// Time ≤ cut.
type plan struct {
	asOf    uint64
	cut     int64 // plusInf: no cut
	base    *snap
	runs    []posRange
	skipped int64 // smallest Time of the blocks between base and asOf left unread
}

// plan chooses the snapshot and the blocks to read. Call with mu held.
func (v *Views) plan(P uint64, cut int64) plan {
	p := plan{asOf: P, cut: cut, skipped: plusInf}
	if P == 0 {
		return p
	}
	p.base = v.snaps.before(P, cut)
	from := uint64(1)
	if p.base != nil {
		from = p.base.pos + 1
	}
	switch {
	case from > P:
	case cut == plusInf:
		p.runs = []posRange{{from, P}}
	default:
		p.runs, p.skipped = v.idx.scan(from, P, cut)
	}
	return p
}

// page is how many events a query reads from the store at a time.
const page = 8192

// run folds a view by its plan, restoring the snapshot on one goroutine while reading and decoding
// the events to fold on others. It returns the view and the range [lo, hi) of event-time cuts that
// give the same one.
func (v *Views) run(ctx context.Context, p plan) (View, int64, int64, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	model := v.newModel()
	view := View{Model: model, AsOf: p.asOf}
	lo := minusInf
	restored := make(chan error, 1)
	if p.base != nil {
		view.From, lo = p.base.pos, p.base.prefMaxTime
		go func() { restored <- v.restore(model, p.base.pos) }()
	} else {
		restored <- nil
	}

	batches := make(chan []projections.Item, 4)
	produced := make(chan error, 1)
	var r reading
	go func() {
		defer close(batches)
		produced <- v.produce(ctx, p, batches, &r)
	}()

	if err := <-restored; err != nil {
		cancel()
		for range batches {
		}
		<-produced
		if errors.Is(err, errGone) {
			return View{}, 0, 0, err
		}
		return View{}, 0, 0, fmt.Errorf("time travel: restore snapshot at %d: %w", p.base.pos, err)
	}
	for b := range batches {
		model.Apply(b)
		view.Folded += len(b)
	}
	if err := <-produced; err != nil {
		return View{}, 0, 0, err
	}
	view.Position = model.Position()
	view.Read = r.read
	return view, max(lo, r.keptMax), min(p.skipped, r.droppedMin), nil
}

// reading is what produce found: events read, the latest Time it kept, the earliest it left out.
type reading struct {
	read                int
	keptMax, droppedMin int64
}

// restore sets model to the snapshot at pos, read from the file: the model's own state, or the
// records of the whole snapshot before it and the deltas up to it, merged. errGone when the
// snapshot was thinned out since the query was planned.
func (v *Views) restore(model projections.Snapshotter, pos uint64) error {
	var kinds []byte
	var states [][]byte
	err := v.db.View(func(tx *bbolt.Tx) error {
		var err error
		kinds, states, err = chainAt(tx, pos)
		return err
	})
	if err != nil {
		return err
	}
	if kinds[0] == kindState {
		return model.Restore(pos, states[0])
	}
	inc, ok := model.(Incremental)
	if !ok {
		return fmt.Errorf("snapshot at %d holds records, and %s cannot restore records", pos, model.Name())
	}
	recs, err := mergeChain(states)
	if err != nil {
		return err
	}
	return inc.RestoreRecords(pos, sortedRecords(recs))
}

// produce reads the plan's runs page by page, keeps the events with Time ≤ cut, decodes them on
// every core and sends them to out in log order.
func (v *Views) produce(ctx context.Context, p plan, out chan<- []projections.Item, r *reading) error {
	r.keptMax, r.droppedMin = minusInf, plusInf
	for _, run := range p.runs {
		for from := run.first; from <= run.last; {
			envs, err := v.store.ReadAll(ctx, from, int(min(run.last-from+1, page)))
			if err != nil {
				return fmt.Errorf("time travel: %w", err)
			}
			if len(envs) == 0 {
				return fmt.Errorf("time travel: the store ends before position %d", from)
			}
			r.read += len(envs)
			from = envs[len(envs)-1].Position + 1
			kept := envs[:0]
			for _, e := range envs {
				if e.Position > run.last {
					break
				}
				if t := nanos(e.Time); t <= p.cut {
					kept = append(kept, e)
					r.keptMax = max(r.keptMax, t)
				} else {
					r.droppedMin = min(r.droppedMin, t)
				}
			}
			if len(kept) == 0 {
				continue
			}
			select {
			case out <- projections.Decode(v.reg, kept):
			case <-ctx.Done():
				return fmt.Errorf("time travel: %w", ctx.Err())
			}
		}
	}
	return nil
}

// entry is a cached view. It answers every question that folds the same events: the same asOf and
// a cut in [lo, hi) (or no cut, when pure), and other asOfs when no event between the two happened
// at or before the cut.
type entry struct {
	asOf   uint64
	pure   bool
	lo, hi int64
	view   View
}

// lookup finds a cached view for (P, cut) and marks it most recently used. Call with mu held.
func (v *Views) lookup(P uint64, cut int64) *entry {
	for i, e := range v.cache {
		if !v.serves(e, P, cut) {
			continue
		}
		copy(v.cache[1:i+1], v.cache[:i])
		v.cache[0] = e
		return e
	}
	return nil
}

func (v *Views) serves(e *entry, P uint64, cut int64) bool {
	if e.pure != (cut == plusInf) {
		return false
	}
	if e.asOf == P {
		return e.pure || (e.lo <= cut && cut < e.hi)
	}
	if e.pure || cut < e.lo || cut >= e.hi {
		return false
	}
	// The events between the two prefixes must all be left out by the cut.
	return v.idx.minTimeBetween(min(e.asOf, P)+1, max(e.asOf, P)) > cut
}

// remember caches e as the most recently used. Call with mu held.
func (v *Views) remember(e *entry) {
	if v.cfg.Cache < 0 {
		return
	}
	v.cache = append([]*entry{e}, v.cache...)
	if len(v.cache) > v.cfg.Cache {
		v.cache[len(v.cache)-1] = nil
		v.cache = v.cache[:v.cfg.Cache]
	}
}

// flightKey names a question being folded: concurrent identical questions wait for the first.
type flightKey struct {
	asOf uint64
	cut  int64
}

type flight struct {
	done chan struct{}
	view View
	err  error
}
