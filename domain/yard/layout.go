package yard

import (
	"fmt"
	"slices"

	"github.com/paulmach/orb"
)

// Layout is a terminal's fixed topology: quays and berths, yard blocks, gates and lanes, named areas
// and the home positions of cranes, all in local metres (X east, Y north) about the terminal origin.
// Build one with ParseLayout. A Layout never changes after parsing and is safe for concurrent use;
// the values its methods return are shared and must not be modified.
type Layout struct {
	// Name is the terminal's name, e.g. "Tanger Med TC3 (demo)".
	Name string
	// LOCODE is the port's UN/LOCODE, e.g. "MAPTM".
	LOCODE string

	frame Frame

	quays      []*Quay
	berths     []*Berth
	blocks     []*Block
	gates      []*Gate
	lanes      []*GateLane
	quayCranes []*QuayCrane
	yardCranes []*YardCrane
	areas      []*Area

	blockByID     map[string]*Block
	quayByID      map[string]*Quay
	berthByID     map[string]*Berth
	gateByID      map[string]*Gate
	laneByID      map[string]*GateLane
	quayCraneByID map[string]*QuayCrane
	yardCraneByID map[string]*YardCrane
	areaByID      map[string]*Area

	index *grid
}

// Side is a side of a line, looking from its first position towards its last.
type Side string

// The sides of a line.
const (
	SideLeft  Side = "left"
	SideRight Side = "right"
)

// Quay is a quay wall, where vessels berth.
type Quay struct {
	ID string
	// Line runs along the quay wall's edge (local metres).
	Line orb.LineString
	// ApronWidth is the depth (m) of the apron behind the wall, where the quay cranes work; the berth
	// zones extend this far landward.
	ApronWidth float64
	// LandSide is the side of Line on which the land (apron and yard) lies.
	LandSide Side
}

// Berth is a straight stretch of a quay where one vessel lies alongside.
type Berth struct {
	ID string
	// Quay is the id of the quay the berth lies on.
	Quay string
	// Line is the berth's stretch of the quay wall, two positions (local metres).
	Line orb.LineString
	// Length is the berth's length along the wall (m).
	Length float64
	// Zone is the apron behind the berth, Length by the quay's ApronWidth (local metres). Locate
	// reports points in it as PlaceBerth.
	Zone orb.Polygon
}

// Gate is the area where trucks enter and leave the terminal.
type Gate struct {
	ID string
	// Polygon is the gate area (local metres).
	Polygon orb.Polygon
}

// LaneDirection says which way trucks use a gate lane.
type LaneDirection string

// Gate lane directions.
const (
	LaneIn  LaneDirection = "in"  // into the terminal
	LaneOut LaneDirection = "out" // out of the terminal
)

// GateLane is one truck lane through a gate.
type GateLane struct {
	ID        string
	Gate      string // id of the gate it belongs to
	Direction LaneDirection
	// Position is where a truck stops in the lane (local metres): the feature's Point, or the middle
	// of its LineString.
	Position orb.Point
	// Line is the lane's axis in the driving direction (local metres); nil when the file gave a Point.
	Line orb.LineString
}

// QuayCrane is a ship-to-shore (STS) gantry crane.
type QuayCrane struct {
	ID string
	// Home is where the crane parks (local metres).
	Home orb.Point
}

// YardCrane is a piece of yard stacking equipment (RTG, RMG or reach stacker) with a home block.
type YardCrane struct {
	ID string
	// Block is the id of the block the crane is based in.
	Block string
	// Equipment is the home block's equipment.
	Equipment Equipment
	// Home is where the crane parks (local metres).
	Home orb.Point
}

// Area is any other named part of the terminal (a road, a truck park, an office).
type Area struct {
	ID string
	// Use says what the area is for, e.g. "road", "truck_park". Free text, lower case by custom.
	Use string
	// Polygon is the area (local metres).
	Polygon orb.Polygon
}

// Frame returns the layout's local plane.
func (l *Layout) Frame() Frame { return l.frame }

// Origin returns the WGS84 lon, lat of the local (0, 0).
func (l *Layout) Origin() orb.Point { return l.frame.Origin() }

// ToLocal converts a WGS84 lon, lat to local metres (X east, Y north).
func (l *Layout) ToLocal(p orb.Point) orb.Point { return l.frame.ToLocal(p) }

// ToWGS84 converts local metres (X east, Y north) to a WGS84 lon, lat.
func (l *Layout) ToWGS84(p orb.Point) orb.Point { return l.frame.ToWGS84(p) }

// Block returns the block with the given id.
func (l *Layout) Block(id string) (*Block, bool) { b, ok := l.blockByID[id]; return b, ok }

// Blocks returns the blocks ordered by id.
func (l *Layout) Blocks() []*Block { return slices.Clone(l.blocks) }

// Quay returns the quay with the given id.
func (l *Layout) Quay(id string) (*Quay, bool) { q, ok := l.quayByID[id]; return q, ok }

// Quays returns the quays ordered by id.
func (l *Layout) Quays() []*Quay { return slices.Clone(l.quays) }

// Berth returns the berth with the given id.
func (l *Layout) Berth(id string) (*Berth, bool) { b, ok := l.berthByID[id]; return b, ok }

// Berths returns the berths ordered by id.
func (l *Layout) Berths() []*Berth { return slices.Clone(l.berths) }

// Gate returns the gate with the given id.
func (l *Layout) Gate(id string) (*Gate, bool) { g, ok := l.gateByID[id]; return g, ok }

// Gates returns the gates ordered by id.
func (l *Layout) Gates() []*Gate { return slices.Clone(l.gates) }

// GateLane returns the gate lane with the given id.
func (l *Layout) GateLane(id string) (*GateLane, bool) { g, ok := l.laneByID[id]; return g, ok }

// GateLanes returns the gate lanes ordered by id.
func (l *Layout) GateLanes() []*GateLane { return slices.Clone(l.lanes) }

// QuayCrane returns the quay crane with the given id.
func (l *Layout) QuayCrane(id string) (*QuayCrane, bool) { c, ok := l.quayCraneByID[id]; return c, ok }

// QuayCranes returns the quay cranes ordered by id.
func (l *Layout) QuayCranes() []*QuayCrane { return slices.Clone(l.quayCranes) }

// YardCrane returns the yard crane with the given id.
func (l *Layout) YardCrane(id string) (*YardCrane, bool) { c, ok := l.yardCraneByID[id]; return c, ok }

// YardCranes returns the yard cranes ordered by id.
func (l *Layout) YardCranes() []*YardCrane { return slices.Clone(l.yardCranes) }

// Area returns the area with the given id.
func (l *Layout) Area(id string) (*Area, bool) { a, ok := l.areaByID[id]; return a, ok }

// Areas returns the areas ordered by id.
func (l *Layout) Areas() []*Area { return slices.Clone(l.areas) }

// Capacity returns the nominal capacity of all blocks in TEU (see Block.Capacity).
func (l *Layout) Capacity() int {
	n := 0
	for _, b := range l.blocks {
		n += b.Capacity()
	}
	return n
}

// ValidSlot reports why s cannot be a slot of this layout, or nil if it can. The error wraps
// ErrUnknownBlock or ErrNoSuchSlot.
func (l *Layout) ValidSlot(s Slot) error {
	b, ok := l.blockByID[s.Block]
	if !ok {
		return fmt.Errorf("slot %s: %w %q", s, ErrUnknownBlock, s.Block)
	}
	if err := b.Valid(s.Bay, s.Row, s.Tier); err != nil {
		return fmt.Errorf("slot %s: %w", s, err)
	}
	return nil
}
