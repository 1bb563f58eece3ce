// Package yardmap is the live picture of the yard: which box is in which slot, the stacks and block
// fill, where every container is (yard, truck, vessel, gone), the last position of each machine, vessel
// visits, and the anomalies found while folding facts that contradict the picture.
//
// The twin mirrors, it does not command: every stored fact is applied, and a fact that cannot be true
// given what came before (a box stacked in a taken slot, a lift of a box the twin does not hold, a box
// floating above an empty tier, a container number with a wrong check digit) is applied as well as it
// can be and recorded as an Anomaly. Folding the same log always gives the same picture and the same
// anomalies, so a rebuild from zero reproduces them.
//
// # Memory follows the yard, not the log
//
// A twin runs for months and its log only grows, so the model holds what is in the terminal or
// about to be, and forgets what has left after a while. Every rule is driven by event time (the
// newest event time folded, never the wall clock) and applied while folding, so a rebuild from
// zero, a restore from a checkpoint and a past view folded to the same position hold the same
// things, and applying a position twice changes nothing. The defaults (Config):
//
//   - Boxes in the terminal (in a slot, on a truck, at the quay) are kept while they are there.
//   - A box that left (gone by road, or loaded on board) is kept for DepartedFor (24 h) of event
//     time after it left, and at most MaxDeparted (20,000) such boxes are held: beyond that the one
//     that left first goes. Its own stream in the store (yard.ContainerStream) still holds every
//     fact about it, which is where the HTTP API reads a container's history (ContainerFromStream)
//     and finds a box the model no longer holds. A later fact about an evicted box starts a new
//     record, as for a box seen for the first time (its check digit is judged again).
//   - A box announced but never seen, or displaced by a contradicting report (unknown), is kept
//     for ExpectedFor (30 days) without news.
//   - A vessel visit is kept while open and for VisitsFor (7 days) after it departed, at most
//     MaxDepartedVisits (100) departed visits.
//   - Machines: the fleet is kept (it is the terminal's). A road truck leaves the live picture when
//     its gate.TruckLeft is folded; it comes back with its next report.
//   - Anomalies: the newest Anomalies (1,000) in full, in a ring, and a count per kind since the
//     start of the log.
//   - A box's history is not held: Box.History is filled from the store (ContainerFromStream).
//
// Each rule costs O(1) amortised per event: the boxes and visits that left wait in first-in
// first-out queues in the order they left, and eviction only looks at the head of a queue.
// Queue entries of a box that moved on are skipped when they reach the head, and dropped in one
// pass once they outnumber the live entries (so a queue holds at most about twice the boxes it
// stands for).
//
// # Time travel
//
// The model is Incremental for projections/timetravel: it notes, O(1) an event, which boxes,
// machines, visits, anomalies and queue entries change, so that the snapshots of past states
// written every 25,000 events hold only those (Changes, RestoreRecords; the records and their
// keys are described in records.go), not a sort and an encoding of the whole yard.
package yardmap

import (
	"sync"
	"time"

	"github.com/yardtwin/yardtwin/domain/iso6346"
	"github.com/yardtwin/yardtwin/domain/yard"
	"github.com/yardtwin/yardtwin/projections/internal/ring"
)

// Name is the checkpoint key of the projection; bump the suffix when the snapshot's shape changes.
const Name = "yardmap.v3" // v2: gob snapshots; v3: bounded memory (eviction queues, anomaly ring, no histories)

// Where a container is.
const (
	AtAnnounced = "announced" // expected, not yet in the terminal
	AtQuay      = "quay"      // discharged, not yet on a known truck or in the yard
	AtTruck     = "truck"     // on a truck (internal or road)
	AtYard      = "yard"      // in a yard slot
	AtVessel    = "vessel"    // loaded on board
	AtGone      = "gone"      // left by road
	AtUnknown   = "unknown"   // displaced by a contradicting report
)

// Box is what the twin knows of one container.
type Box struct {
	Container    iso6346.ContainerID `json:"container"`
	SizeType     iso6346.SizeType    `json:"size_type,omitempty"`
	Category     yard.Category       `json:"category,omitempty"`
	WeightKg     float64             `json:"weight_kg,omitempty"`
	Reefer       bool                `json:"reefer,omitempty"`
	Visit        string              `json:"visit,omitempty"` // vessel visit it came or goes with, or is on
	Where        string              `json:"where"`
	Slot         *yard.Slot          `json:"slot,omitempty"`   // when Where is "yard"
	Truck        string              `json:"truck,omitempty"`  // when Where is "truck"
	Since        time.Time           `json:"since"`            // when it got where it is
	Entered      time.Time           `json:"entered,omitzero"` // when it entered the terminal (discharged or gated in); dwell starts
	Holds        []string            `json:"holds,omitempty"`
	CheckDigitOK bool                `json:"check_digit_ok"`
	// History is the box's moves, oldest first. The model does not hold it (it would grow with the
	// log): the HTTP API fills it from the box's stream in the store, see ContainerFromStream.
	History []Move `json:"history,omitempty"`
	// LastAt is the event time of the newest fact about the box, to spot reports out of order.
	LastAt time.Time `json:"last_at,omitzero"`
}

// Move is one step of a box's history.
type Move struct {
	At       time.Time  `json:"at"`       // event time
	Position uint64     `json:"position"` // in the log
	Event    string     `json:"event"`    // wire name, e.g. "yard.ContainerStacked"
	Where    string     `json:"where"`    // where the box was after it
	Slot     *yard.Slot `json:"slot,omitempty"`
	Truck    string     `json:"truck,omitempty"`
	Visit    string     `json:"visit,omitempty"`
	Crane    string     `json:"crane,omitempty"`
}

// Machine is the last known state of a piece of equipment.
type Machine struct {
	ID     string    `json:"id"`
	Kind   string    `json:"kind"`
	Status string    `json:"status,omitempty"`
	Lon    float64   `json:"lon"`             // WGS84 degrees
	Lat    float64   `json:"lat"`             // WGS84 degrees
	X      float64   `json:"x"`               // yard frame, metres east of the layout origin
	Y      float64   `json:"y"`               // yard frame, metres north of the layout origin
	Place  string    `json:"place,omitempty"` // block or area the machine is in, e.g. "block A01"
	At     time.Time `json:"at"`              // time of the last report
	// DistanceM is the distance travelled in metres, summed over successive position reports.
	DistanceM float64 `json:"distance_m"`
	// Job is the box the machine last handled and has not yet put down (cranes: the box of their
	// last move; trucks: the box they carry), empty when idle.
	Job iso6346.ContainerID `json:"job,omitempty"`
	// Reported is true once a position has been reported (X, Y, Lon, Lat are meaningful).
	Reported bool `json:"reported"`
}

// Visit is a vessel visit.
type Visit struct {
	Visit      string    `json:"visit"`
	Vessel     string    `json:"vessel,omitempty"`
	Berth      string    `json:"berth,omitempty"`
	State      string    `json:"state"` // "arrived", "berthed", "departed"
	Arrived    time.Time `json:"arrived,omitzero"`
	Berthed    time.Time `json:"berthed,omitzero"`
	Departed   time.Time `json:"departed,omitzero"`
	Discharged int       `json:"discharged"`
	Loaded     int       `json:"loaded"`
	Planned    int       `json:"planned_moves,omitempty"`
	// Remaining is Planned minus the moves done, when a plan was given.
	Remaining int `json:"remaining_moves,omitempty"`
	// MovesPerHour is the moves done per hour since berthing (to departure, or to the last move).
	MovesPerHour float64   `json:"moves_per_hour,omitempty"`
	LastMove     time.Time `json:"last_move,omitzero"`
}

// Anomaly kinds.
const (
	SlotConflict  = "slot_conflict"    // a box reported in a slot the twin holds for another box
	LiftUnknown   = "lift_unknown"     // a lift of a box the twin does not hold in the yard
	LiftMismatch  = "lift_mismatch"    // a lift from a slot where the twin holds another box, or none
	Unsupported   = "unsupported_tier" // a box stacked above an empty tier
	BadCheckDigit = "bad_check_digit"  // a container number whose ISO 6346 check digit is wrong
	MovedUnlifted = "moved_unlifted"   // a box stacked elsewhere while the twin held it in a slot
	LeftFromStack = "left_from_stack"  // a box loaded or gated out while the twin held it in a slot
	OutOfOrder    = "out_of_order"     // a fact older than a fact already applied to the same box
	LateReport    = "late_report"      // a fact recorded longer after it happened than Config.LateAfter
)

// Anomaly is a fact that contradicts the twin's picture.
type Anomaly struct {
	Kind      string              `json:"kind"`
	Position  uint64              `json:"position"` // the event that revealed it
	EventID   string              `json:"event_id"`
	At        time.Time           `json:"at"`
	Container iso6346.ContainerID `json:"container,omitempty"`
	Slot      *yard.Slot          `json:"slot,omitempty"`
	Detail    string              `json:"detail"`
}

// blockFill is the running occupancy of a block.
type blockFill struct {
	Boxes      int
	TEU        int
	Reefers    int
	ByCategory map[yard.Category]int
	BySize     map[int]int // boxes by nominal length in feet (20, 40, 45; 0 unknown)
}

// Model is the yard read model. It is safe for concurrent use: one writer (the projection runner)
// and many readers.
type Model struct {
	layout *yard.Layout
	cfg    Config

	mu           sync.RWMutex
	position     uint64
	newest       time.Time // the newest event time folded: the clock of every eviction
	boxes        map[iso6346.ContainerID]*Box
	slots        map[yard.Slot]iso6346.ContainerID
	fill         map[string]*blockFill
	machines     map[string]*Machine
	visits       map[string]*Visit
	anomalies    *ring.Ring[Anomaly] // the newest cfg.Anomalies
	anomalyCount map[string]int
	byWhere      map[string]int // boxes by Where, kept as boxes move

	departed   queue // boxes gone or on board, in the order they left
	expected   queue // boxes announced or displaced, in the order they got there
	leftVisits queue // departed visits, in the order they departed

	raised uint64 // anomalies raised since the start of the log (the sum of anomalyCount)
	// changed is what changed since the last Changes (records.go); nil until Changes is called, so
	// that a model nobody asks for its changes (a past view, a rebuild) notes nothing.
	changed *changes

	// history, set only in the models ContainerFromStream folds, makes every box keep its moves.
	history bool
}

// leaving is an entry of an eviction queue: the box (or visit) and when it got where it is. An
// entry whose box has moved on since (its Where or Since differ) is skipped at the head.
type leaving struct {
	ID    string
	Since time.Time
	seq   uint64 // its number in its queue (not saved in the snapshot: Restore numbers them again)
}

// Config tunes the model. The retention settings are in event time; a checkpoint is only good for
// the settings it was folded with (serve uses the defaults). See the package doc for the policy.
type Config struct {
	// LateAfter is how long after it happened a fact may be recorded before it is flagged as a late
	// report; 0 means 15 minutes, negative never flags.
	LateAfter time.Duration
	// DepartedFor is how long a box that left (gone by road, loaded on board) is held after it
	// left; 0 means 24 hours, negative for ever (MaxDeparted still applies).
	DepartedFor time.Duration
	// MaxDeparted is how many boxes that left are held at most; 0 means 20,000, negative no bound.
	MaxDeparted int
	// ExpectedFor is how long a box announced but not seen, or displaced by a contradicting report,
	// is held without news; 0 means 30 days, negative for ever.
	ExpectedFor time.Duration
	// VisitsFor is how long a departed vessel visit is held after it departed; 0 means 7 days,
	// negative for ever (MaxDepartedVisits still applies).
	VisitsFor time.Duration
	// MaxDepartedVisits is how many departed visits are held at most; 0 means 100, negative no bound.
	MaxDepartedVisits int
	// Anomalies is how many of the newest anomalies are kept in full; 0 means 1,000. Counts by kind
	// cover every anomaly since the start of the log.
	Anomalies int
}

// Defaults of Config.
const (
	DefaultDepartedFor       = 24 * time.Hour
	DefaultMaxDeparted       = 20_000
	DefaultExpectedFor       = 30 * 24 * time.Hour
	DefaultVisitsFor         = 7 * 24 * time.Hour
	DefaultMaxDepartedVisits = 100
	DefaultAnomalies         = 1000
)

// withDefaults fills the zero fields of cfg.
func (cfg Config) withDefaults() Config {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	defN := func(n *int, v int) {
		if *n == 0 {
			*n = v
		}
	}
	def(&cfg.LateAfter, 15*time.Minute)
	def(&cfg.DepartedFor, DefaultDepartedFor)
	def(&cfg.ExpectedFor, DefaultExpectedFor)
	def(&cfg.VisitsFor, DefaultVisitsFor)
	defN(&cfg.MaxDeparted, DefaultMaxDeparted)
	defN(&cfg.MaxDepartedVisits, DefaultMaxDepartedVisits)
	defN(&cfg.Anomalies, DefaultAnomalies)
	return cfg
}

// New returns an empty model of the terminal described by layout.
func New(layout *yard.Layout) *Model { return NewWith(layout, Config{}) }

// NewWith returns an empty model with cfg.
func NewWith(layout *yard.Layout, cfg Config) *Model {
	m := &Model{layout: layout, cfg: cfg.withDefaults()}
	m.reset()
	return m
}

func (m *Model) reset() {
	m.position = 0
	m.newest = time.Time{}
	m.boxes = map[iso6346.ContainerID]*Box{}
	m.slots = map[yard.Slot]iso6346.ContainerID{}
	m.fill = map[string]*blockFill{}
	m.machines = map[string]*Machine{}
	m.visits = map[string]*Visit{}
	m.anomalies = ring.New[Anomaly](m.cfg.Anomalies)
	m.anomalyCount = map[string]int{}
	m.byWhere = map[string]int{}
	m.departed, m.expected, m.leftVisits = queue{}, queue{}, queue{}
	m.raised = 0
	m.changed = nil
}

// Name implements projections.Projection.
func (m *Model) Name() string { return Name }

// Position implements projections.Projection.
func (m *Model) Position() uint64 {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.position
}

// Layout is the terminal the model describes.
func (m *Model) Layout() *yard.Layout { return m.layout }
