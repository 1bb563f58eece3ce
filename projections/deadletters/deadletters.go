// Package deadletters lists the messages the twin refused from its buses and kept in the store
// (intake.MessageRefused): the newest ones in full, and counts by origin since the start.
//
// Memory follows the yard, not the log: the newest 1,000 letters are kept in a ring (adding one
// costs the same whatever came before; the store keeps every letter, at its log position), and the
// counts by origin are one counter per origin.
package deadletters

import (
	"encoding/json"
	"fmt"
	"maps"
	"sync"
	"time"

	"github.com/yardtwin/yardtwin/domain/intake"
	"github.com/yardtwin/yardtwin/projections"
	"github.com/yardtwin/yardtwin/projections/internal/ring"
)

// Name is the checkpoint key; bump the suffix when the snapshot's shape changes.
const Name = "deadletters.v1"

// keep is how many dead letters are kept in full.
const keep = 1000

// Letter is one refused message as kept.
type Letter struct {
	LogPosition uint64    `json:"log_position"` // of the dead letter in the log
	ID          string    `json:"id"`
	Recorded    time.Time `json:"recorded"` // when the twin refused it
	intake.MessageRefused
}

// Model is the dead-letter read model, safe for one writer and many readers.
type Model struct {
	mu       sync.RWMutex
	position uint64
	newest   *ring.Ring[Letter] // the newest keep
	byOrigin map[string]int
}

// New returns an empty model.
func New() *Model { return &Model{newest: ring.New[Letter](keep), byOrigin: map[string]int{}} }

// Name implements projections.Projection.
func (m *Model) Name() string { return Name }

// Position implements projections.Projection.
func (m *Model) Position() uint64 {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.position
}

// Apply implements projections.Projection.
func (m *Model) Apply(batch []projections.Item) {
	m.mu.Lock()
	defer m.mu.Unlock()
	projections.Fold(&m.position, batch, m.apply)
}

func (m *Model) apply(it projections.Item) {
	e, ok := it.Event.(intake.MessageRefused)
	if !ok {
		return
	}
	m.byOrigin[e.Origin]++
	m.newest.Push(Letter{LogPosition: it.Position, ID: it.ID, Recorded: it.Recorded, MessageRefused: e})
}

// List is the answer of the dead-letter endpoint.
type List struct {
	Total    int            `json:"total"`
	ByOrigin map[string]int `json:"by_origin"`
	Letters  []Letter       `json:"dead_letters"` // newest first
}

// Newest returns up to limit dead letters, newest first, with the counts.
func (m *Model) Newest(limit int) List {
	m.mu.RLock()
	defer m.mu.RUnlock()
	l := List{ByOrigin: maps.Clone(m.byOrigin)}
	for _, n := range m.byOrigin {
		l.Total += n
	}
	if limit > 0 {
		l.Letters = m.newest.Newest(limit)
	}
	return l
}

type snapshot struct {
	Newest   []Letter       `json:"newest"` // oldest first
	ByOrigin map[string]int `json:"by_origin"`
}

// Snapshot implements projections.Snapshotter.
func (m *Model) Snapshot() (uint64, []byte, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	data, err := json.Marshal(snapshot{Newest: m.newest.Slice(), ByOrigin: m.byOrigin})
	if err != nil {
		return 0, nil, fmt.Errorf("deadletters snapshot: %w", err)
	}
	return m.position, data, nil
}

// Restore implements projections.Snapshotter.
func (m *Model) Restore(position uint64, state []byte) error {
	var s snapshot
	if err := json.Unmarshal(state, &s); err != nil {
		return fmt.Errorf("deadletters restore: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.position, m.byOrigin = position, s.ByOrigin
	m.newest.Reset(s.Newest)
	if m.byOrigin == nil {
		m.byOrigin = map[string]int{}
	}
	return nil
}
