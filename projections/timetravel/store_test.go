package timetravel

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/domain/contract"
	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/iso6346"
	"github.com/yardtwin/yardtwin/domain/yard"
	"github.com/yardtwin/yardtwin/projections"
)

// memStore is an event store in memory, enough of one for these tests and the benchmark: projections
// may not import the embedded store's adapter. An envelope appended with a Recorded keeps it, so tests
// choose both times of every event; one without is stamped with now().
type memStore struct {
	mu      sync.Mutex
	log     []es.Envelope
	streams map[string]uint64
	changed chan struct{}
	now     func() time.Time
	read    atomic.Int64 // events returned by ReadAll
}

var _ es.Store = (*memStore)(nil)

func newMemStore() *memStore {
	return &memStore{streams: map[string]uint64{}, changed: make(chan struct{}), now: time.Now}
}

func (s *memStore) Append(_ context.Context, batch ...es.StreamEvents) ([]es.Appended, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []es.Appended
	now := s.now().UTC()
	for _, se := range batch {
		for _, e := range se.Events {
			s.streams[se.Stream]++
			e.Subject, e.Position, e.Version = se.Stream, uint64(len(s.log)+1), s.streams[se.Stream]
			if e.Recorded.IsZero() {
				e.Recorded = now
			}
			s.log = append(s.log, e)
			out = append(out, es.Appended{ID: e.ID, Position: e.Position, Version: e.Version})
		}
	}
	close(s.changed)
	s.changed = make(chan struct{})
	return out, nil
}

func (s *memStore) ReadStream(_ context.Context, stream string, from uint64) ([]es.Envelope, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []es.Envelope
	for _, e := range s.log {
		if e.Subject == stream && e.Version >= from {
			out = append(out, e)
		}
	}
	return out, nil
}

func (s *memStore) ReadAll(ctx context.Context, from uint64, limit int) ([]es.Envelope, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	from = max(from, 1)
	if limit <= 0 || from > uint64(len(s.log)) {
		return nil, nil
	}
	out := slices.Clone(s.log[from-1 : min(uint64(len(s.log)), from-1+uint64(limit))])
	s.read.Add(int64(len(out)))
	return out, nil
}

func (s *memStore) Head(context.Context) (uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return uint64(len(s.log)), nil
}

func (s *memStore) Subscribe(ctx context.Context, from uint64, handle func(context.Context, []es.Envelope) error) error {
	from = max(from, 1)
	for {
		s.mu.Lock()
		changed := s.changed
		s.mu.Unlock()
		batch, err := s.ReadAll(ctx, from, 1000)
		if err != nil {
			return fmt.Errorf("subscribe: %w", err)
		}
		if len(batch) > 0 {
			if err := handle(ctx, batch); err != nil {
				return fmt.Errorf("subscribe: %w", err)
			}
			from = batch[len(batch)-1].Position + 1
			continue
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("subscribe: %w", ctx.Err())
		}
	}
}

// envelopes returns a copy of the log.
func (s *memStore) envelopes() []es.Envelope {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.log)
}

// fact is one event to store: what happened, when, and when the twin recorded it.
type fact struct {
	event    es.Event
	time     time.Time
	recorded time.Time
}

// appendFacts stores facts in order, one append each.
func appendFacts(t testing.TB, s *memStore, facts ...fact) {
	t.Helper()
	var batch []es.StreamEvents
	for _, f := range facts {
		data, err := json.Marshal(f.event)
		if err != nil {
			t.Fatal(err)
		}
		s.mu.Lock()
		id := fmt.Sprintf("ev-%d", len(s.log)+len(batch)+1)
		s.mu.Unlock()
		env := es.Envelope{SpecVersion: es.SpecVersion, ID: id, Source: "urn:test", Type: f.event.EventType(),
			Time: f.time.UTC(), SchemaVersion: 1, Data: data, Recorded: f.recorded.UTC()}
		batch = append(batch, es.StreamEvents{Stream: f.event.Stream(), Expected: es.AnyVersion, Events: []es.Envelope{env}})
	}
	if _, err := s.Append(context.Background(), batch...); err != nil {
		t.Fatal(err)
	}
}

// boxID is the n-th test container, with a correct check digit.
func boxID(owner string, n int) iso6346.ContainerID {
	first := fmt.Sprintf("%sU%06d", owner, n%1_000_000)
	d, err := iso6346.CheckDigit(first)
	if err != nil {
		panic(err) // owner codes here are three letters
	}
	return iso6346.ContainerID(fmt.Sprintf("%s%d", first, d))
}

// held is a small fact for the trace model; any registered event does.
func held(n int) es.Event { return yard.ContainerHeld{Container: boxID("TTV", n), Hold: "customs"} }

// trace is a model that remembers which events it folded, in order: the exact set a view holds.
type trace struct {
	mu  sync.Mutex
	pos uint64
	ids []string
}

func newTrace() projections.Snapshotter { return &trace{} }

func (m *trace) Name() string { return "trace.v1" }

func (m *trace) Position() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.pos
}

func (m *trace) Apply(batch []projections.Item) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, it := range batch {
		if it.Position <= m.pos {
			continue
		}
		m.pos = it.Position
		m.ids = append(m.ids, it.ID)
	}
}

func (m *trace) Snapshot() (uint64, []byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	data, err := json.Marshal(m.ids)
	return m.pos, data, err
}

func (m *trace) Restore(pos uint64, state []byte) error {
	var ids []string
	if err := json.Unmarshal(state, &ids); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.pos, m.ids = pos, ids
	return nil
}

func (m *trace) IDs() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.ids)
}

// expected is the brute-force answer: the ids of the events of log (in log order) in the view
// (at, asOf), zero meaning no bound. The as_of set is the longest prefix recorded ≤ asOf.
func expected(log []es.Envelope, at, asOf time.Time) []string {
	var ids []string
	for _, e := range log {
		if !asOf.IsZero() && e.Recorded.After(asOf) {
			break
		}
		if at.IsZero() || !e.Time.After(at) {
			ids = append(ids, e.ID)
		}
	}
	return ids
}

// feed folds every stored event into the views' live model, the views and ps through a runner, as
// serve does, and waits for the views' snapshots to be written.
func feed(t testing.TB, s es.Store, v *Views, ps ...projections.Projection) {
	t.Helper()
	r := projections.NewRunner(s, contract.NewRegistry(), nil, projections.RunnerConfig{}, nil, append([]projections.Projection{v, v.live}, ps...)...)
	if err := r.CatchUp(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if err := v.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// newViews returns views of the trace model over s, with small blocks and snapshot spacing, in a
// file of their own closed when the test ends.
func newViews(t testing.TB, s es.Store, every uint64, cfg Config) *Views {
	t.Helper()
	cfg.Every, cfg.block = every, 16
	return openViews(t, filepath.Join(t.TempDir(), "timetravel.db"), s, newTrace, cfg)
}

// openViews opens views of the models newModel makes, one of them the live model, in the file at
// path, closed when the test ends.
func openViews(t testing.TB, path string, s es.Store, newModel func() projections.Snapshotter, cfg Config) *Views {
	t.Helper()
	v, err := Open(path, s, contract.NewRegistry(), newModel(), newModel, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := v.Close(); err != nil {
			t.Error(err)
		}
	})
	return v
}

// ids is the trace a view holds.
func ids(t testing.TB, v View) []string {
	t.Helper()
	return v.Model.(*trace).IDs()
}
