package projections_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/domain/contract"
	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/iso6346"
	"github.com/yardtwin/yardtwin/domain/yard"
	"github.com/yardtwin/yardtwin/projections"
	"github.com/yardtwin/yardtwin/projections/checkpoint"
)

// logStore is a log in memory that hands out at most page events per read, so that a catch-up
// makes many batches. Only what the runner uses is implemented.
type logStore struct {
	es.Store
	log  []es.Envelope
	page int
}

func (s *logStore) ReadAll(_ context.Context, from uint64, limit int) ([]es.Envelope, error) {
	from = max(from, 1)
	if from > uint64(len(s.log)) {
		return nil, nil
	}
	n := min(limit, s.page, len(s.log)-int(from-1))
	return slices.Clone(s.log[from-1 : int(from-1)+n]), nil
}

func (s *logStore) Head(context.Context) (uint64, error) { return uint64(len(s.log)), nil }

var t0 = time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)

// newLog is n holds of a few boxes, a second apart.
func newLog(t *testing.T, n, page int) *logStore {
	t.Helper()
	s := &logStore{page: page}
	for i := range n {
		first := fmt.Sprintf("RUNU%06d", i%7)
		d, err := iso6346.CheckDigit(first)
		if err != nil {
			t.Fatal(err)
		}
		ev := yard.ContainerHeld{Container: iso6346.ContainerID(fmt.Sprintf("%s%d", first, d)), Hold: fmt.Sprint("h", i%3)}
		data, _ := json.Marshal(ev)
		s.log = append(s.log, es.Envelope{SpecVersion: es.SpecVersion, ID: fmt.Sprint("ev-", i+1), Source: "urn:test",
			Type: ev.EventType(), SchemaVersion: 1, Time: t0.Add(time.Duration(i) * time.Second), Data: data,
			Position: uint64(i + 1), Subject: ev.Stream(), Recorded: t0.Add(time.Duration(i) * time.Second)})
	}
	return s
}

// tally is a small snapshotting read model: holds by box, and how many events it was handed.
type tally struct {
	mu      sync.Mutex
	pos     uint64
	holds   map[string]int
	applied int // events applied since made, not part of the state
}

func newTally() *tally { return &tally{holds: map[string]int{}} }

func (m *tally) Name() string { return "tally.v1" }

func (m *tally) Position() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.pos
}

func (m *tally) Apply(batch []projections.Item) {
	m.mu.Lock()
	defer m.mu.Unlock()
	projections.Fold(&m.pos, batch, func(it projections.Item) {
		m.holds[string(it.Event.(yard.ContainerHeld).Container)]++
		m.applied++
	})
}

func (m *tally) Snapshot() (uint64, []byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	data, err := json.Marshal(m.holds)
	return m.pos, data, err
}

func (m *tally) Restore(pos uint64, state []byte) error {
	holds := map[string]int{}
	if err := json.Unmarshal(state, &holds); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.pos, m.holds = pos, holds
	return nil
}

// savesCounted counts the checkpoints saved into a directory.
type savesCounted struct {
	*checkpoint.Dir
	saves []uint64
}

func (c *savesCounted) Save(name string, pos uint64, state []byte) error {
	c.saves = append(c.saves, pos)
	return c.Dir.Save(name, pos, state)
}

func TestCheckpointsByEventsFolded(t *testing.T) {
	s := newLog(t, 1000, 64)
	dir, err := checkpoint.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cps := &savesCounted{Dir: dir}
	r := projections.NewRunner(s, contract.NewRegistry(), cps, projections.RunnerConfig{CheckpointEvery: time.Hour, CheckpointEvents: 250}, nil, newTally())
	if err := r.CatchUp(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	// Pages of 64: a checkpoint after the page that takes the count to 250 or more.
	if want := []uint64{256, 512, 768}; !slices.Equal(cps.saves, want) {
		t.Fatalf("checkpoints at %v, want %v", cps.saves, want)
	}
}

// restart folds the log into a new tally through a runner restored from dir, and returns both.
func restart(t *testing.T, s *logStore, dir string) (*tally, *projections.Runner) {
	t.Helper()
	cps, err := checkpoint.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := newTally()
	r := projections.NewRunner(s, contract.NewRegistry(), cps, projections.RunnerConfig{CheckpointEvery: time.Hour, CheckpointEvents: 300}, nil, m)
	if err := r.Restore(); err != nil {
		t.Fatal(err)
	}
	if err := r.CatchUp(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return m, r
}

func TestRestartFoldsOnlyTheTail(t *testing.T) {
	s := newLog(t, 1000, 100)
	dir := t.TempDir()
	// The first run stops as kill -9 would: after its last checkpoint (at 900), without a final one.
	first, _ := restart(t, s, dir)
	s.log = append(s.log, newLog(t, 1234, 100).log[1000:]...)

	m, r := restart(t, s, dir)
	rebuilt := newTally()
	rebuilt.Apply(projections.Decode(contract.NewRegistry(), s.log))
	if r.Folded() != 1234-900 || m.applied != 1234-900 || m.Position() != 1234 {
		t.Fatalf("restarted runner folded %d events (the model %d), up to %d: want the tail after 900", r.Folded(), m.applied, m.Position())
	}
	if first.applied != 1000 || !equalHolds(m, rebuilt) {
		t.Fatalf("restarted state %v, rebuilt from zero %v", m.holds, rebuilt.holds)
	}
}

func equalHolds(a, b *tally) bool {
	_, sa, _ := a.Snapshot()
	_, sb, _ := b.Snapshot()
	return string(sa) == string(sb)
}

func TestUntrustedCheckpointIsRebuiltFromTheLog(t *testing.T) {
	tests := []struct {
		name   string
		damage func(data []byte) []byte
	}{
		{name: "flipped byte", damage: func(d []byte) []byte { d[len(d)/2] ^= 0x10; return d }},
		{name: "truncated", damage: func(d []byte) []byte { return d[:len(d)-5] }},
		{name: "older format", damage: func(d []byte) []byte { d[4] = 1; return d }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newLog(t, 700, 100)
			dir := t.TempDir()
			restart(t, s, dir) // checkpoints at 300 and 600
			f := filepath.Join(dir, "tally.v1.snap")
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(f, tt.damage(data), 0o644); err != nil {
				t.Fatal(err)
			}
			m, r := restart(t, s, dir)
			rebuilt := newTally()
			rebuilt.Apply(projections.Decode(contract.NewRegistry(), s.log))
			if r.Folded() != 700 || !equalHolds(m, rebuilt) {
				t.Fatalf("after a damaged checkpoint: folded %d events, state %v, want all 700 folded to %v", r.Folded(), m.holds, rebuilt.holds)
			}
		})
	}
}

// stopper is a trailer that records the batches it is handed and checks that a tally folded by the
// same runner is at the end of each.
type stopper struct {
	every  uint64
	ahead  *tally
	pos    uint64
	ends   []uint64
	behind int
}

func (s *stopper) Name() string                 { return "stopper.v1" }
func (s *stopper) Position() uint64             { return s.pos }
func (s *stopper) NextStop(after uint64) uint64 { return (after/s.every + 1) * s.every }
func (s *stopper) Apply(batch []projections.Item) {
	s.pos = batch[len(batch)-1].Position
	s.ends = append(s.ends, s.pos)
	if s.ahead.Position() != s.pos {
		s.behind++
	}
}

func TestTrailersSeeTheOthersAtTheirStops(t *testing.T) {
	s := newLog(t, 1000, 384)
	m := newTally()
	st := &stopper{every: 250, ahead: m}
	// The trailer comes first in the list: the runner applies it last all the same.
	r := projections.NewRunner(s, contract.NewRegistry(), nil, projections.RunnerConfig{}, nil, st, m)
	if err := r.CatchUp(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if want := []uint64{250, 384, 500, 750, 768, 1000}; !slices.Equal(st.ends, want) || st.behind != 0 {
		t.Fatalf("trailer handed batches ending at %v (%d with the tally elsewhere), want %v", st.ends, st.behind, want)
	}
}
