package yardmap

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/yardtwin/yardtwin/domain/iso6346"
	"github.com/yardtwin/yardtwin/domain/yard"
)

// Summary is the yard at a glance.
type Summary struct {
	Position   uint64         `json:"position"`   // last event folded
	Containers int            `json:"containers"` // boxes held: in the terminal, expected, or left lately (package doc)
	ByWhere    map[string]int `json:"by_where"`   // containers by where they are
	Capacity   int            `json:"capacity"`   // TEU: 20-ft ground slots × max tiers, all blocks
	InYard     int            `json:"in_yard"`    // boxes in yard slots
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
	PlugsUsed   int            `json:"reefer_plugs_used"` // reefers standing where the block has plugs
	FreeTEU     int            `json:"free_teu"`          // Capacity - TEU
	ByCategory  map[string]int `json:"by_category"`
	BySize      map[string]int `json:"by_size"` // boxes by nominal length: "20", "40", "45"; "?" unknown
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
	for where, n := range m.byWhere {
		if n != 0 {
			s.ByWhere[where] = n
		}
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
		Capacity: blk.Capacity(), ReeferPlugs: blk.ReeferPlugs, ByCategory: map[string]int{}, BySize: map[string]int{},
	}
	if f := m.fill[blk.ID]; f != nil {
		bf.Boxes, bf.TEU, bf.Reefers = f.Boxes, f.TEU, f.Reefers
		for c, n := range f.ByCategory {
			if n != 0 {
				bf.ByCategory[string(c)] = n
			}
		}
		for feet, n := range f.BySize {
			if n == 0 {
				continue
			}
			key := "?"
			if feet > 0 {
				key = strconv.Itoa(feet)
			}
			bf.BySize[key] += n
		}
	}
	bf.PlugsUsed = min(bf.Reefers, bf.ReeferPlugs)
	bf.FreeTEU = bf.Capacity - bf.TEU
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
	loc.History = slices.Clone(b.History) // nil but in ContainerFromStream's models
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

// Anomalies returns the newest anomalies kept (Config.Anomalies), oldest first.
func (m *Model) Anomalies() []Anomaly {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.anomalies.Slice()
}

// Held is how much the model holds, the measures that must follow the yard and not the log.
type Held struct {
	Boxes     int // every box held, whatever its Where
	Departed  int // of which gone or on board, waiting to be forgotten
	Visits    int
	Machines  int
	Anomalies int // kept in full
	Queued    int // entries of the eviction queues
}

// Held returns the sizes of what the model holds.
func (m *Model) Held() Held {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return Held{
		Boxes: len(m.boxes), Departed: m.byWhere[AtGone] + m.byWhere[AtVessel], Visits: len(m.visits),
		Machines: len(m.machines), Anomalies: m.anomalies.Len(),
		Queued: m.departed.len() + m.expected.len() + m.leftVisits.len(),
	}
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

// BlockView is one block seen from above and from the side: every ground slot holding boxes, with
// its stack from tier 1 up.
type BlockView struct {
	BlockFill
	Bays     int         `json:"bays"`
	Rows     int         `json:"rows"`
	MaxTiers int         `json:"max_tiers"`
	Stacks   []StackView `json:"stacks"` // ground slots with boxes, by bay then row
}

// StackView is one ground slot's boxes.
type StackView struct {
	Bay   int       `json:"bay"`
	Row   int       `json:"row"`
	Boxes []TierBox `json:"boxes"` // by tier; a gap (a floating box) shows as a missing tier
}

// TierBox is a box in a stack, with what a planner reads off it.
type TierBox struct {
	Tier      int                 `json:"tier"`
	Container iso6346.ContainerID `json:"container"`
	SizeType  iso6346.SizeType    `json:"size_type,omitempty"`
	Category  yard.Category       `json:"category,omitempty"`
	Reefer    bool                `json:"reefer,omitempty"`
	Holds     []string            `json:"holds,omitempty"`
	Since     time.Time           `json:"since"`            // in this slot since
	Entered   time.Time           `json:"entered,omitzero"` // in the terminal since (dwell starts)
}

// Block returns the bay × row × tier view of a block.
func (m *Model) Block(id string) (BlockView, bool) {
	blk, ok := m.layout.Block(id)
	if !ok {
		return BlockView{}, false
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	v := BlockView{BlockFill: m.blockFill(blk), Bays: blk.Bays, Rows: blk.Rows, MaxTiers: blk.MaxTiers}
	for bay := 1; bay <= blk.Bays; bay++ {
		for row := 1; row <= blk.Rows; row++ {
			var st StackView
			for tier := 1; tier <= blk.MaxTiers; tier++ {
				id, ok := m.slots[yard.Slot{Block: blk.ID, Bay: bay, Row: row, Tier: tier}]
				if !ok {
					continue
				}
				b := m.boxes[id]
				st.Boxes = append(st.Boxes, TierBox{
					Tier: tier, Container: id, SizeType: b.SizeType, Category: b.Category, Reefer: b.Reefer,
					Holds: slices.Clone(b.Holds), Since: b.Since, Entered: b.Entered,
				})
			}
			if len(st.Boxes) > 0 {
				st.Bay, st.Row = bay, row
				v.Stacks = append(v.Stacks, st)
			}
		}
	}
	return v, true
}

// Near returns the boxes in yard slots whose ground slot centre lies within radius metres of p
// (yard frame), nearest first, at most limit. Only blocks whose bounds reach the circle are visited.
func (m *Model) Near(p orb.Point, radius float64, limit int) []Location {
	type hit struct {
		loc  Location
		dist float64
	}
	var hits []hit
	circle := orb.Bound{Min: orb.Point{p[0] - radius, p[1] - radius}, Max: orb.Point{p[0] + radius, p[1] + radius}}
	m.mu.RLock()
	for _, blk := range m.layout.Blocks() {
		if !blk.Polygon.Bound().Intersects(circle) {
			continue
		}
		for bay := 1; bay <= blk.Bays; bay++ {
			for row := 1; row <= blk.Rows; row++ {
				centre := blk.SlotCentre(bay, row)
				d := planar.Distance(p, centre)
				if d > radius {
					continue
				}
				for tier := 1; tier <= blk.MaxTiers; tier++ {
					id, ok := m.slots[yard.Slot{Block: blk.ID, Bay: bay, Row: row, Tier: tier}]
					if !ok {
						continue
					}
					b := m.boxes[id]
					loc := Location{Box: *b}
					loc.History = nil // a spatial answer lists boxes; their histories are one query away
					w := m.layout.ToWGS84(centre)
					loc.Point = &w
					hits = append(hits, hit{loc: loc, dist: d})
				}
			}
		}
	}
	m.mu.RUnlock()
	slices.SortStableFunc(hits, func(a, b hit) int { return cmp.Compare(a.dist, b.dist) })
	out := make([]Location, 0, min(len(hits), limit))
	for _, h := range hits[:min(len(hits), limit)] {
		out = append(out, h.loc)
	}
	return out
}
