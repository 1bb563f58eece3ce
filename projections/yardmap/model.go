// Package yardmap is the live picture of the yard: which box is in which slot, the stacks and block
// fill, where every container is (yard, truck, vessel, gone), the last position of each machine, vessel
// visits, and the anomalies found while folding facts that contradict the picture.
//
// The twin mirrors, it does not command: every stored fact is applied, and a fact that cannot be true
// given what came before (a box stacked in a taken slot, a lift of a box the twin does not hold, a box
// floating above an empty tier, a container number with a wrong check digit) is applied as well as it
// can be and recorded as an Anomaly. Folding the same log always gives the same picture and the same
// anomalies, so a rebuild from zero reproduces them.
package yardmap

import (
	"sync"
	"time"

	"github.com/yardtwin/yardtwin/domain/iso6346"
	"github.com/yardtwin/yardtwin/domain/yard"
)

// Name is the checkpoint key of the projection; bump the suffix when the snapshot's shape changes.
const Name = "yardmap.v1"

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
	Slot         *yard.Slot          `json:"slot,omitempty"`  // when Where is "yard"
	Truck        string              `json:"truck,omitempty"` // when Where is "truck"
	Since        time.Time           `json:"since"`           // when it got where it is
	Holds        []string            `json:"holds,omitempty"`
	CheckDigitOK bool                `json:"check_digit_ok"`
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

// maxAnomalies bounds the anomaly list kept in memory; counts by kind are kept for all.
const maxAnomalies = 1000

// blockFill is the running occupancy of a block.
type blockFill struct {
	Boxes      int
	TEU        int
	Reefers    int
	ByCategory map[yard.Category]int
}

// Model is the yard read model. It is safe for concurrent use: one writer (the projection runner)
// and many readers.
type Model struct {
	layout *yard.Layout

	mu           sync.RWMutex
	position     uint64
	boxes        map[iso6346.ContainerID]*Box
	slots        map[yard.Slot]iso6346.ContainerID
	fill         map[string]*blockFill
	machines     map[string]*Machine
	visits       map[string]*Visit
	anomalies    []Anomaly // the newest maxAnomalies, oldest first
	anomalyCount map[string]int
}

// New returns an empty model of the terminal described by layout.
func New(layout *yard.Layout) *Model {
	m := &Model{layout: layout}
	m.reset()
	return m
}

func (m *Model) reset() {
	m.position = 0
	m.boxes = map[iso6346.ContainerID]*Box{}
	m.slots = map[yard.Slot]iso6346.ContainerID{}
	m.fill = map[string]*blockFill{}
	m.machines = map[string]*Machine{}
	m.visits = map[string]*Visit{}
	m.anomalies = nil
	m.anomalyCount = map[string]int{}
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
