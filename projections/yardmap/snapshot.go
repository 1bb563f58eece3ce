package yardmap

import (
	"bytes"
	"cmp"
	"encoding/gob"
	"fmt"
	"slices"
	"time"
)

// snapshot is the saved form of the model, encoded with gob: restoring a large yard from JSON took
// seconds, which time travel pays on every query (gob decodes the same state 4–5 times faster).
// Slots and block fill are derived from the boxes on restore.
// The eviction queues are saved as they stand, stale entries included, so that a restored model
// forgets the same things at the same positions as one that never stopped.
type snapshot struct {
	Boxes        []*Box         `json:"boxes"`
	Machines     []*Machine     `json:"machines"`
	Visits       []*Visit       `json:"visits"`
	Anomalies    []Anomaly      `json:"anomalies"` // oldest first
	AnomalyCount map[string]int `json:"anomaly_count"`
	Newest       time.Time      `json:"newest"`
	Departed     []leaving      `json:"departed"`
	Expected     []leaving      `json:"expected"`
	LeftVisits   []leaving      `json:"left_visits"`
}

// Snapshot implements projections.Snapshotter.
func (m *Model) Snapshot() (uint64, []byte, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	s := snapshot{
		Anomalies: m.anomalies.Slice(), AnomalyCount: m.anomalyCount, Newest: m.newest,
		Departed: m.departed.slice(), Expected: m.expected.slice(), LeftVisits: m.leftVisits.slice(),
	}
	for _, b := range m.boxes {
		s.Boxes = append(s.Boxes, b)
	}
	slices.SortFunc(s.Boxes, func(a, b *Box) int { return cmp.Compare(a.Container, b.Container) })
	for _, mc := range m.machines {
		s.Machines = append(s.Machines, mc)
	}
	slices.SortFunc(s.Machines, func(a, b *Machine) int { return cmp.Compare(a.ID, b.ID) })
	for _, v := range m.visits {
		s.Visits = append(s.Visits, v)
	}
	slices.SortFunc(s.Visits, func(a, b *Visit) int { return cmp.Compare(a.Visit, b.Visit) })
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(s); err != nil {
		return 0, nil, fmt.Errorf("yardmap snapshot: %w", err)
	}
	return m.position, buf.Bytes(), nil
}

// Restore implements projections.Snapshotter.
func (m *Model) Restore(position uint64, state []byte) error {
	var s snapshot
	if err := gob.NewDecoder(bytes.NewReader(state)).Decode(&s); err != nil {
		return fmt.Errorf("yardmap restore: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.restore(position, &s, 0)
	return nil
}

// restore replaces the model's state with s at position (m.mu held): slots, block fill and counts
// by location are derived from the boxes. raised is how many anomalies were raised since the start
// of the log; 0 counts them from s.AnomalyCount.
func (m *Model) restore(position uint64, s *snapshot, raised uint64) {
	m.reset()
	m.position = position
	for _, b := range s.Boxes {
		m.boxes[b.Container] = b
		m.byWhere[b.Where]++
		if b.Slot != nil {
			m.slots[*b.Slot] = b.Container
			m.addFill(b, 1)
		}
	}
	for _, mc := range s.Machines {
		m.machines[mc.ID] = mc
	}
	for _, v := range s.Visits {
		m.visits[v.Visit] = v
	}
	m.anomalies.Reset(s.Anomalies)
	if s.AnomalyCount != nil {
		m.anomalyCount = s.AnomalyCount
	}
	if raised == 0 {
		for _, n := range m.anomalyCount {
			raised += uint64(n)
		}
	}
	m.raised = raised
	m.newest = s.Newest
	m.departed.reset(slices.Clone(s.Departed))
	m.expected.reset(slices.Clone(s.Expected))
	m.leftVisits.reset(slices.Clone(s.LeftVisits))
}
