package yardmap

import (
	"cmp"
	"maps"
	"slices"

	"github.com/paulmach/orb"

	"github.com/yardtwin/yardtwin/domain/iso6346"
	"github.com/yardtwin/yardtwin/domain/yard"
)

// Summary is the yard at a glance.
type Summary struct {
	Position   uint64         `json:"position"` // last event folded
	Containers int            `json:"containers"`
	ByWhere    map[string]int `json:"by_where"` // containers by where they are
	Capacity   int            `json:"capacity"` // TEU: 20-ft ground slots × max tiers, all blocks
	InYard     int            `json:"in_yard"`  // boxes in yard slots
	TEU        int            `json:"teu_in_yard"`
	Fill       float64        `json:"fill"` // TEU / Capacity, 0..1
	Blocks     []BlockFill    `json:"blocks"`
	Anomalies  map[string]int `json:"anomalies"` // count by kind, since the start of the log
	Equipment  int            `json:"equipment"`
	Visits     int            `json:"vessel_visits"`
}

// BlockFill is one block's occupancy.
type BlockFill struct {
	Block       string         `json:"block"`
	Equipment   string         `json:"equipment"`
	Purpose     string         `json:"purpose"`
	Capacity    int            `json:"capacity"` // TEU
	Boxes       int            `json:"boxes"`
	TEU         int            `json:"teu"`
	Fill        float64        `json:"fill"` // TEU / Capacity, 0..1
	Reefers     int            `json:"reefers"`
	ReeferPlugs int            `json:"reefer_plugs"`
	ByCategory  map[string]int `json:"by_category"`
}

// Summary returns totals and per-block fill, blocks in layout order.
func (m *Model) Summary() Summary {
	m.mu.RLock()
	defer m.mu.RUnlock()
	s := Summary{
		Position:   m.position,
		Containers: len(m.boxes),
		ByWhere:    map[string]int{},
		Anomalies:  maps.Clone(m.anomalyCount),
		Equipment:  len(m.machines),
		Visits:     len(m.visits),
	}
	for _, b := range m.boxes {
		s.ByWhere[b.Where]++
	}
	for _, blk := range m.layout.Blocks() {
		bf := m.blockFill(blk)
		s.Blocks = append(s.Blocks, bf)
		s.Capacity += bf.Capacity
		s.InYard += bf.Boxes
		s.TEU += bf.TEU
	}
	if s.Capacity > 0 {
		s.Fill = float64(s.TEU) / float64(s.Capacity)
	}
	return s
}

func (m *Model) blockFill(blk *yard.Block) BlockFill {
	bf := BlockFill{
		Block: blk.ID, Equipment: string(blk.Equipment), Purpose: string(blk.Purpose),
		Capacity: blk.Capacity(), ReeferPlugs: blk.ReeferPlugs, ByCategory: map[string]int{},
	}
	if f := m.fill[blk.ID]; f != nil {
		bf.Boxes, bf.TEU, bf.Reefers = f.Boxes, f.TEU, f.Reefers
		for c, n := range f.ByCategory {
			if n != 0 {
				bf.ByCategory[string(c)] = n
			}
		}
	}
	if bf.Capacity > 0 {
		bf.Fill = float64(bf.TEU) / float64(bf.Capacity)
	}
	return bf
}

// Location is a container's record with where it is on the map.
type Location struct {
	Box
	// Point is where the box is, in WGS84 (lon, lat): its slot's centre in the yard, or the last
	// reported position of the truck carrying it. Nil when the twin cannot place it.
	Point *orb.Point `json:"point,omitempty"`
}

// Container returns what the twin knows of one container.
func (m *Model) Container(id iso6346.ContainerID) (Location, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	b, ok := m.boxes[id]
	if !ok {
		return Location{}, false
	}
	loc := Location{Box: *b}
	loc.Holds = slices.Clone(b.Holds)
	switch {
	case b.Slot != nil:
		if blk, ok := m.layout.Block(b.Slot.Block); ok {
			p := m.layout.ToWGS84(blk.SlotCentre(b.Slot.Bay, b.Slot.Row))
			loc.Point = &p
		}
	case b.Truck != "":
		if mc, ok := m.machines[b.Truck]; ok {
			p := orb.Point{mc.Lon, mc.Lat}
			loc.Point = &p
		}
	}
	return loc, true
}

// Stack returns the boxes in one ground slot, from tier 1 up; a missing tier is an empty string.
func (m *Model) Stack(block string, bay, row int) []iso6346.ContainerID {
	m.mu.RLock()
	defer m.mu.RUnlock()
	blk, ok := m.layout.Block(block)
	if !ok {
		return nil
	}
	var out []iso6346.ContainerID
	for tier := 1; tier <= blk.MaxTiers; tier++ {
		out = append(out, m.slots[yard.Slot{Block: block, Bay: bay, Row: row, Tier: tier}])
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

// Machines returns every machine's last known state, by id.
func (m *Model) Machines() []Machine {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]Machine, 0, len(m.machines))
	for _, mc := range m.machines {
		out = append(out, *mc)
	}
	slices.SortFunc(out, func(a, b Machine) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// Visits returns every vessel visit, by id.
func (m *Model) Visits() []Visit {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]Visit, 0, len(m.visits))
	for _, v := range m.visits {
		out = append(out, *v)
	}
	slices.SortFunc(out, func(a, b Visit) int { return cmp.Compare(a.Visit, b.Visit) })
	return out
}

// Anomalies returns the newest anomalies kept, oldest first.
func (m *Model) Anomalies() []Anomaly {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return slices.Clone(m.anomalies)
}

// InYard returns a copy of every box standing in a yard slot, ordered by slot.
func (m *Model) InYard() []Box {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]Box, 0, len(m.slots))
	for _, id := range m.slots {
		b := *m.boxes[id]
		b.Holds = slices.Clone(b.Holds)
		out = append(out, b)
	}
	slices.SortFunc(out, func(a, b Box) int { return cmp.Compare(a.Slot.String(), b.Slot.String()) })
	return out
}
