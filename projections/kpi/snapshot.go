package kpi

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/yardtwin/yardtwin/domain/iso6346"
)

// snapshot is the saved form of the model, every collection sorted so that the same state always
// gives the same bytes. The capacity is not saved: it comes from the layout.
type snapshot struct {
	Newest   time.Time `json:"newest,omitzero"`
	PruneDay int64     `json:"prune_day,omitempty"`
	// KeptFrom and BaseTEU are zero in checkpoints written before hours were dropped, which is
	// what they mean: nothing dropped yet. So the name stays kpi.v1.
	KeptFrom int64       `json:"kept_from,omitempty"`
	BaseTEU  int         `json:"base_teu,omitempty"`
	Hours    []hourSnap  `json:"hours"`
	Boxes    []boxSnap   `json:"boxes"`
	Visits   []visitSnap `json:"visits"`
	Trucks   []truckSnap `json:"trucks"`
}

type hourSnap struct {
	Hour int64 `json:"hour"`
	hourAgg
}

type boxSnap struct {
	Container iso6346.ContainerID `json:"container"`
	box
}

type visitSnap struct {
	Visit string `json:"visit"`
	visit
}

type truckSnap struct {
	Truck   string    `json:"truck"`
	Arrived time.Time `json:"arrived"`
}

// Snapshot implements projections.Snapshotter.
func (m *Model) Snapshot() (uint64, []byte, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	s := snapshot{Newest: m.newest, PruneDay: m.pruneDay, KeptFrom: m.keptFrom, BaseTEU: m.baseTEU}
	s.Hours = make([]hourSnap, 0, len(m.hourKeys))
	for _, h := range m.hourKeys {
		s.Hours = append(s.Hours, hourSnap{Hour: h, hourAgg: *m.hours[h]})
	}
	s.Boxes = make([]boxSnap, 0, len(m.boxes))
	for id, b := range m.boxes {
		s.Boxes = append(s.Boxes, boxSnap{Container: id, box: *b})
	}
	slices.SortFunc(s.Boxes, func(a, b boxSnap) int { return cmp.Compare(a.Container, b.Container) })
	s.Visits = make([]visitSnap, 0, len(m.visits))
	for id, v := range m.visits {
		s.Visits = append(s.Visits, visitSnap{Visit: id, visit: *v})
	}
	slices.SortFunc(s.Visits, func(a, b visitSnap) int { return cmp.Compare(a.Visit, b.Visit) })
	s.Trucks = make([]truckSnap, 0, len(m.trucks))
	for truck, at := range m.trucks {
		s.Trucks = append(s.Trucks, truckSnap{Truck: truck, Arrived: at})
	}
	slices.SortFunc(s.Trucks, func(a, b truckSnap) int { return cmp.Compare(a.Truck, b.Truck) })
	data, err := json.Marshal(s)
	if err != nil {
		return 0, nil, fmt.Errorf("kpi snapshot: %w", err)
	}
	return m.position, data, nil
}

// Restore implements projections.Snapshotter.
func (m *Model) Restore(position uint64, state []byte) error {
	var s snapshot
	if err := json.Unmarshal(state, &s); err != nil {
		return fmt.Errorf("kpi restore: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.reset()
	m.position, m.newest, m.pruneDay = position, s.Newest, s.PruneDay
	m.keptFrom, m.baseTEU = s.KeptFrom, s.BaseTEU
	for _, h := range s.Hours {
		a := h.hourAgg
		m.hours[h.Hour] = &a
		m.hourKeys = insertSorted(m.hourKeys, h.Hour)
	}
	for _, b := range s.Boxes {
		bx := b.box
		if bx.Cat >= nCats { // a category index is an array index: never trust one from outside
			bx.Cat = catUnknown
		}
		bx.TEU = min(max(bx.TEU, 1), 2)
		m.boxes[b.Container] = &bx
	}
	for _, v := range s.Visits {
		vs := v.visit
		m.visits[v.Visit] = &vs
	}
	for _, t := range s.Trucks {
		m.trucks[t.Truck] = t.Arrived
	}
	return nil
}
