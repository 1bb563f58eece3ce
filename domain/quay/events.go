// Package quay holds the facts of the quay side: vessel visits arriving, berthing and departing, and
// quay cranes discharging and loading containers.
package quay

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/iso6346"
	"github.com/yardtwin/yardtwin/domain/yard"
)

// Wire names. Changing one of these strings is a migration.
const (
	TypeVesselArrived       = "quay.VesselArrived"
	TypeVesselBerthed       = "quay.VesselBerthed"
	TypeVesselDeparted      = "quay.VesselDeparted"
	TypeContainerDischarged = "quay.ContainerDischarged"
	TypeContainerLoaded     = "quay.ContainerLoaded"
)

// Register adds the quay's event types to r.
func Register(r *es.Registry) {
	es.Register[VesselArrived](r, TypeVesselArrived)
	es.Register[VesselBerthed](r, TypeVesselBerthed)
	es.Register[VesselDeparted](r, TypeVesselDeparted)
	es.Register[ContainerDischarged](r, TypeContainerDischarged)
	es.Register[ContainerLoaded](r, TypeContainerLoaded)
}

// VisitStream is the stream of a vessel visit.
func VisitStream(visit string) string { return es.StreamID("visit", visit) }

// VesselArrived: a vessel visit reached the port limits (pilot on board or anchored).
type VesselArrived struct {
	Visit  string `json:"visit"`         // the terminal's visit id, e.g. "MAERSK-KOWLOON-2447W"
	Vessel string `json:"vessel"`        // vessel name
	IMO    string `json:"imo,omitempty"` // IMO ship number, 7 digits
	// PlannedDischarge and PlannedLoad are the moves the stowage plan expects, 0 when not known.
	PlannedDischarge int `json:"planned_discharge,omitempty"`
	PlannedLoad      int `json:"planned_load,omitempty"`
}

func (VesselArrived) EventType() string { return TypeVesselArrived }
func (e VesselArrived) Stream() string  { return VisitStream(e.Visit) }
func (e VesselArrived) Validate() error {
	var c es.Check
	c.ID("visit", e.Visit)
	c.Require("vessel", e.Vessel)
	if e.IMO != "" && !ValidIMO(e.IMO) {
		c.Addf("imo", "%q is not a 7-digit IMO number with a valid check digit", e.IMO)
	}
	if e.PlannedDischarge < 0 {
		c.Add("planned_discharge", "must not be negative")
	}
	if e.PlannedLoad < 0 {
		c.Add("planned_load", "must not be negative")
	}
	return c.Err()
}

// ValidIMO checks an IMO ship number: seven digits, the seventh being the sum of the first six
// weighted 7..2, mod 10.
func ValidIMO(s string) bool {
	if len(s) != 7 {
		return false
	}
	sum := 0
	for i := 0; i < 7; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		if i < 6 {
			sum += int(s[i]-'0') * (7 - i)
		}
	}
	return sum%10 == int(s[6]-'0')
}

// VesselBerthed: the vessel is made fast at a berth, occupying a span of the quay.
type VesselBerthed struct {
	Visit string `json:"visit"`
	Berth string `json:"berth"` // berth id from the terminal layout
	// QuayFromM and QuayToM bound the span of quay the hull occupies, in metres along the quay line
	// from its start (the layout's quay LineString), QuayFromM < QuayToM.
	QuayFromM float64 `json:"quay_from_m"`
	QuayToM   float64 `json:"quay_to_m"`
	Side      string  `json:"side,omitempty"` // "port" or "starboard" side alongside
}

// UnmarshalJSON marks an absent quay_from_m or quay_to_m as NaN, so that Validate refuses it as
// missing instead of reading it as the start of the quay.
func (e *VesselBerthed) UnmarshalJSON(b []byte) error {
	type plain VesselBerthed
	var w struct {
		plain
		QuayFromM *float64 `json:"quay_from_m"`
		QuayToM   *float64 `json:"quay_to_m"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*e = VesselBerthed(w.plain)
	e.QuayFromM, e.QuayToM = es.OrNaN(w.QuayFromM), es.OrNaN(w.QuayToM)
	return nil
}

func (VesselBerthed) EventType() string { return TypeVesselBerthed }
func (e VesselBerthed) Stream() string  { return VisitStream(e.Visit) }
func (e VesselBerthed) Validate() error {
	var c es.Check
	c.ID("visit", e.Visit)
	c.ID("berth", e.Berth)
	switch {
	case math.IsNaN(e.QuayFromM):
		c.Add("quay_from_m", "is required")
	case e.QuayFromM < 0:
		c.Add("quay_from_m", "must not be negative")
	}
	switch {
	case math.IsNaN(e.QuayToM):
		c.Add("quay_to_m", "is required")
	case !math.IsNaN(e.QuayFromM) && e.QuayToM <= e.QuayFromM:
		c.Addf("quay_to_m", "must be greater than quay_from_m (%g)", e.QuayFromM)
	}
	if e.Side != "" {
		c.OneOf("side", e.Side, "port", "starboard")
	}
	return c.Err()
}

// VesselDeparted: the vessel left the berth; its visit is over.
type VesselDeparted struct {
	Visit string `json:"visit"`
}

func (VesselDeparted) EventType() string { return TypeVesselDeparted }
func (e VesselDeparted) Stream() string  { return VisitStream(e.Visit) }
func (e VesselDeparted) Validate() error {
	var c es.Check
	c.ID("visit", e.Visit)
	return c.Err()
}

// Move is what a quay crane reports for one box crossing the ship's rail, either way.
type Move struct {
	Container iso6346.ContainerID `json:"container"`
	Visit     string              `json:"visit"`
	// Crane is the quay crane that made the move, when known (a carrier's Track & Trace feed does
	// not say).
	Crane string `json:"crane,omitempty"`
	// Cell is the slot on board, bay-row-tier as 6 digits (BBRRTT) or 7 digits (BBBRRTT), when known.
	Cell string `json:"cell,omitempty"`
	// Truck is the internal truck under the crane that brought or took the box, when known.
	Truck string `json:"truck,omitempty"`
}

func (m Move) validate() error {
	var c es.Check
	c.Wrap("container", m.Container.Check())
	c.ID("visit", m.Visit)
	if m.Crane != "" {
		c.ID("crane", m.Crane)
	}
	if m.Cell != "" {
		if _, err := ParseCell(m.Cell); err != nil {
			c.Add("cell", err.Error())
		}
	}
	if m.Truck != "" {
		c.ID("truck", m.Truck)
	}
	return c.Err()
}

// ContainerDischarged: a quay crane took the box off the vessel.
type ContainerDischarged Move

func (ContainerDischarged) EventType() string { return TypeContainerDischarged }
func (e ContainerDischarged) Stream() string  { return yard.ContainerStream(e.Container) }
func (e ContainerDischarged) Validate() error { return Move(e).validate() }

// ContainerLoaded: a quay crane put the box on board.
type ContainerLoaded Move

func (ContainerLoaded) EventType() string { return TypeContainerLoaded }
func (e ContainerLoaded) Stream() string  { return yard.ContainerStream(e.Container) }
func (e ContainerLoaded) Validate() error { return Move(e).validate() }

// Cell is a slot on board a vessel.
type Cell struct {
	Bay, Row, Tier int
}

// ParseCell reads a stowage cell code: BBRRTT (6 digits) or BBBRRTT (7 digits). Bays and tiers start
// at 1; row 00 is the centre line of vessels with an odd number of rows.
func ParseCell(s string) (Cell, error) {
	if len(s) != 6 && len(s) != 7 {
		return Cell{}, fmt.Errorf("%q must be 6 (BBRRTT) or 7 (BBBRRTT) digits", s)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return Cell{}, fmt.Errorf("%q must be digits only", s)
		}
	}
	n, _ := strconv.Atoi(s) // 6 or 7 digits always fit

	c := Cell{Bay: n / 10000, Row: n / 100 % 100, Tier: n % 100}
	if c.Bay == 0 {
		return Cell{}, fmt.Errorf("%q: bay 0 does not exist", s)
	}
	if c.Tier == 0 {
		return Cell{}, fmt.Errorf("%q: tier 00 does not exist", s)
	}
	return c, nil
}

// String writes the 7-digit form.
func (c Cell) String() string { return fmt.Sprintf("%03d%02d%02d", c.Bay, c.Row, c.Tier) }
