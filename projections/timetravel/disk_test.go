package timetravel

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/domain/contract"
	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/projections"
)

// checkpoints keeps the runner's checkpoints in memory.
type checkpoints map[string]struct {
	pos   uint64
	state []byte
}

func (c checkpoints) Save(name string, pos uint64, state []byte) error {
	c[name] = struct {
		pos   uint64
		state []byte
	}{pos, state}
	return nil
}

func (c checkpoints) Load(name string) (uint64, []byte, bool, error) {
	cp, ok := c[name]
	return cp.pos, cp.state, ok, nil
}

// TestRestartNeedsNoWarmUp stops a twin as kill -9 would, after the views wrote their snapshots and
// the live model its checkpoint, and starts it again on the same files: the runner folds only the
// tail, and the first question about the far past starts from a snapshot on disk.
func TestRestartNeedsNoWarmUp(t *testing.T) {
	s := newMemStore()
	randomLog(t, s, rand.New(rand.NewPCG(7, 8)), 2050)
	path := filepath.Join(t.TempDir(), "timetravel.db")
	cps := checkpoints{}
	before, err := Open(path, s, contract.NewRegistry(), newTrace(), newTrace, Config{Every: 200, block: 16})
	if err != nil {
		t.Fatal(err)
	}
	runner := projections.NewRunner(s, before.reg, cps, projections.RunnerConfig{}, nil, before, before.live)
	if err := runner.CatchUp(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if err := runner.Checkpoint(); err != nil { // the live trace, at 2050
		t.Fatal(err)
	}
	// A kill -9 now leaves the file as it is once the writer is done: a copy of it.
	if err := before.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	killed := filepath.Join(t.TempDir(), "timetravel.db")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(killed, data, 0o600); err != nil {
		t.Fatal(err)
	}
	// A clean stop saves the index up to the last position: nothing to read again.
	if err := before.Close(); err != nil {
		t.Fatal(err)
	}
	clean := openViews(t, path, s, newTrace, Config{Every: 200, block: 16})
	if clean.Position() != 2050 {
		t.Fatalf("reopened after a clean stop at %d, want 2050", clean.Position())
	}

	after := openViews(t, killed, s, newTrace, Config{Every: 200, Cache: -1, block: 16})
	if st := after.Stats(); after.Position() != 2000 || st.Snapshots != 10 || st.SnapshotAt[0] != 200 {
		t.Fatalf("reopened at %d with snapshots at %v, want the 10 up to 2000", after.Position(), st.SnapshotAt)
	}
	runner = projections.NewRunner(s, after.reg, cps, projections.RunnerConfig{}, nil, after, after.live)
	if err := runner.Restore(); err != nil {
		t.Fatal(err)
	}
	if err := runner.CatchUp(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if runner.Folded() != 50 || after.live.Position() != 2050 || after.Applied() != 2050 {
		t.Fatalf("restart read %d events; live at %d, views at %d", runner.Folded(), after.live.Position(), after.Applied())
	}
	log := s.envelopes()
	w := view(t, after, minutes(300), time.Time{})
	if got := ids(t, w); w.From != 200 || !slices.Equal(got, expected(log, minutes(300), time.Time{})) {
		t.Fatalf("first question after the restart: from the snapshot at %d, %d events", w.From, len(got))
	}
	// The log goes on: the next snapshot is the live model's state, with no fold of its own.
	randomLog(t, s, rand.New(rand.NewPCG(9, 10)), 200)
	feed(t, s, after)
	if st := after.Stats(); st.SnapshotAt[len(st.SnapshotAt)-1] != 2200 || st.Skipped != 0 {
		t.Fatalf("after more events: snapshots at %v, %d skipped", st.SnapshotAt, st.Skipped)
	}
	for _, at := range []time.Time{minutes(1990), minutes(2100), {}} {
		if got := ids(t, view(t, after, at, time.Time{})); !slices.Equal(got, expected(s.envelopes(), at, time.Time{})) {
			t.Fatalf("at %v: %d events", at, len(got))
		}
	}
}

// TestFileOfOtherViewsIsEmptied opens a file written for another model: its snapshots are not used.
func TestFileOfOtherViewsIsEmptied(t *testing.T) {
	s := newMemStore()
	inOrder(t, s, 0, 500)
	path := filepath.Join(t.TempDir(), "timetravel.db")
	v, err := Open(path, s, contract.NewRegistry(), newTrace(), newTrace, Config{Every: 100, block: 16})
	if err != nil {
		t.Fatal(err)
	}
	feed(t, s, v)
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	other := openViews(t, path, s, newLedger, Config{Every: 100, block: 16})
	if st := other.Stats(); st.Snapshots != 0 || other.Position() != 0 {
		t.Fatalf("views of another model found %d snapshots, at %d", st.Snapshots, other.Position())
	}
}

// ledger is an Incremental model: under key k%(position mod 23) the id of the last event there,
// and every seventh event removes the key of the event seven before it.
type ledger struct {
	mu    sync.Mutex
	pos   uint64
	keys  map[string]string
	dirty map[string]bool
	all   bool
}

func newLedger() projections.Snapshotter {
	return &ledger{keys: map[string]string{}, dirty: map[string]bool{}, all: true}
}

func (m *ledger) Name() string { return "ledger.v1" }

func (m *ledger) Position() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.pos
}

func (m *ledger) Apply(batch []projections.Item) {
	m.mu.Lock()
	defer m.mu.Unlock()
	projections.Fold(&m.pos, batch, func(it projections.Item) {
		k := "k" + strconv.Itoa(int(it.Position%23))
		if it.Position%7 == 0 {
			k = "k" + strconv.Itoa(int((it.Position-7)%23))
			delete(m.keys, k)
		} else {
			m.keys[k] = it.ID
		}
		m.dirty[k] = true
	})
}

func (m *ledger) Snapshot() (uint64, []byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	data, err := json.Marshal(m.keys)
	return m.pos, data, err
}

func (m *ledger) Restore(pos uint64, state []byte) error {
	keys := map[string]string{}
	if err := json.Unmarshal(state, &keys); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.pos, m.keys, m.dirty, m.all = pos, keys, map[string]bool{}, true
	return nil
}

func (m *ledger) Changes() (uint64, []Record, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Record
	if m.all {
		for k, id := range m.keys {
			out = append(out, Record{Key: k, Data: []byte(id)})
		}
	} else {
		for k := range m.dirty {
			r := Record{Key: k}
			if id, ok := m.keys[k]; ok {
				r.Data = []byte(id)
			}
			out = append(out, r)
		}
	}
	all := m.all
	m.dirty, m.all = map[string]bool{}, false
	return m.pos, out, all
}

func (m *ledger) RestoreRecords(pos uint64, recs []Record) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.pos, m.keys, m.dirty, m.all = pos, map[string]string{}, map[string]bool{}, true
	for _, r := range recs {
		m.keys[r.Key] = string(r.Data)
	}
	return nil
}

func (m *ledger) state() map[string]string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return maps.Clone(m.keys)
}

// TestIncrementalSnapshotsMatchBruteForce runs the views of an Incremental model with short delta
// chains and few snapshots, so that deltas are merged into whole snapshots and thinned out into
// their successors, and checks answers against the model folded from the events of each view.
func TestIncrementalSnapshotsMatchBruteForce(t *testing.T) {
	const n = 3000
	rng := rand.New(rand.NewPCG(11, 12))
	s := newMemStore()
	randomLog(t, s, rng, n)
	v := openViews(t, filepath.Join(t.TempDir(), "timetravel.db"), s, newLedger, Config{Every: 100, MaxSnapshots: 9, MaxChain: 3, Cache: -1, block: 16})
	feed(t, s, v)
	st := v.Stats()
	if st.Snapshots != 9 || st.Deltas == 0 || st.Thinned != n/100-9 || st.SnapshotErrors != 0 {
		t.Fatalf("stats %+v: want 9 snapshots kept, some of them deltas", st)
	}
	log := s.envelopes()
	reg := contract.NewRegistry()
	for range 150 {
		at, asOf := randomMoment(rng, n), randomMoment(rng, n)
		w := view(t, v, at, asOf)
		var kept []es.Envelope
		for _, e := range log {
			if !asOf.IsZero() && e.Recorded.After(asOf) {
				break
			}
			if at.IsZero() || !e.Time.After(at) {
				kept = append(kept, e)
			}
		}
		want := newLedger().(*ledger)
		want.Apply(projections.Decode(reg, kept))
		if got := w.Model.(*ledger).state(); !reflect.DeepEqual(got, want.state()) || w.Position != want.Position() {
			t.Fatalf("at %v as of %v: view at %d from %d\n got %v\nwant %v at %d", at, asOf, w.Position, w.From, got, want.state(), want.Position())
		}
	}
}

// scavengedStore is a store that says it has thinned events out up to a position.
type scavengedStore struct {
	*memStore
	mark uint64
}

func (s scavengedStore) Scavenged(context.Context) (uint64, error) { return s.mark, nil }

func TestViewSaysWhatWasThinned(t *testing.T) {
	s := newMemStore()
	inOrder(t, s, 0, 1000)
	v := newViews(t, scavengedStore{memStore: s, mark: 450}, 100, Config{Cache: -1})
	feed(t, s, v)
	tests := []struct {
		giveAt      time.Time
		wantThinned uint64
	}{
		{giveAt: minutes(420), wantThinned: 450}, // from the snapshot at 400, across 401..421
		{giveAt: minutes(460), wantThinned: 450}, // from 400, across 401..450
		{giveAt: minutes(550), wantThinned: 0},   // from 500, written from the whole log
		{giveAt: time.Time{}, wantThinned: 0},    // now: the newest snapshot
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.giveAt.Format(time.TimeOnly)), func(t *testing.T) {
			if w := view(t, v, tt.giveAt, time.Time{}); w.Thinned != tt.wantThinned {
				t.Fatalf("view from %d to %d says thinned up to %d, want %d", w.From, w.Position, w.Thinned, tt.wantThinned)
			}
		})
	}
}
