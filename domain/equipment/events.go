// Package equipment holds the facts reported by the terminal's machines: quay cranes, yard cranes and
// trucks telling where they are and what state they are in.
package equipment

import (
	"math"

	"github.com/yardtwin/yardtwin/domain/es"
)

// Wire names. Changing one of these strings is a migration.
const (
	TypePositionReported = "equipment.PositionReported"
	TypeStatusChanged    = "equipment.StatusChanged"
)

// Register adds the equipment event types to r.
func Register(r *es.Registry) {
	es.Register[PositionReported](r, TypePositionReported)
	es.Register[StatusChanged](r, TypeStatusChanged)
}

// Kind is the sort of machine.
type Kind string

// Machine kinds.
const (
	QuayCrane       Kind = "quay_crane"       // ship-to-shore (STS) crane
	YardCrane       Kind = "yard_crane"       // RTG or RMG
	Truck           Kind = "truck"            // internal terminal tractor
	StraddleCarrier Kind = "straddle_carrier" // straddle or shuttle carrier
	ReachStacker    Kind = "reach_stacker"
)

// Kinds lists every machine kind.
var Kinds = []string{string(QuayCrane), string(YardCrane), string(Truck), string(StraddleCarrier), string(ReachStacker)}

// Status is what a machine is doing.
type Status string

// Machine states.
const (
	Working     Status = "working"
	Idle        Status = "idle"
	Waiting     Status = "waiting"
	Maintenance Status = "maintenance"
	Breakdown   Status = "breakdown"
	Offline     Status = "offline"
)

// Statuses lists every status.
var Statuses = []string{string(Working), string(Idle), string(Waiting), string(Maintenance), string(Breakdown), string(Offline)}

// Stream is the stream of one machine.
func Stream(id string) string { return es.StreamID("equipment", id) }

// PositionReported: a machine's position fix, in WGS84.
type PositionReported struct {
	Equipment string  `json:"equipment"`
	Kind      Kind    `json:"kind"`
	Lon       float64 `json:"lon"` // WGS84 longitude, degrees east
	Lat       float64 `json:"lat"` // WGS84 latitude, degrees north
	// HeadingDeg is the heading in degrees clockwise from north, when reported.
	HeadingDeg *float64 `json:"heading_deg,omitempty"`
	// SpeedMPS is the ground speed in metres per second, when reported.
	SpeedMPS *float64 `json:"speed_mps,omitempty"`
}

func (PositionReported) EventType() string { return TypePositionReported }
func (e PositionReported) Stream() string  { return Stream(e.Equipment) }
func (e PositionReported) Validate() error {
	var c es.Check
	c.ID("equipment", e.Equipment)
	c.OneOf("kind", string(e.Kind), Kinds...)
	switch {
	case math.IsNaN(e.Lon):
		c.Add("lon", "is required")
	case e.Lon < -180 || e.Lon > 180:
		c.Addf("lon", "%g is not a longitude in degrees (-180..180)", e.Lon)
	}
	switch {
	case math.IsNaN(e.Lat):
		c.Add("lat", "is required")
	case e.Lat < -90 || e.Lat > 90:
		c.Addf("lat", "%g is not a latitude in degrees (-90..90)", e.Lat)
	}
	if e.Lon == 0 && e.Lat == 0 {
		c.Add("lon", "position 0,0 is the null island: lon and lat are required")
	}
	if e.HeadingDeg != nil && (*e.HeadingDeg < 0 || *e.HeadingDeg >= 360) {
		c.Addf("heading_deg", "%g must be in [0, 360)", *e.HeadingDeg)
	}
	if e.SpeedMPS != nil && (*e.SpeedMPS < 0 || *e.SpeedMPS > 50) {
		c.Addf("speed_mps", "%g m/s is not a plausible ground speed (0..50)", *e.SpeedMPS)
	}
	return c.Err()
}

// StatusChanged: a machine went into a new state.
type StatusChanged struct {
	Equipment string `json:"equipment"`
	Kind      Kind   `json:"kind"`
	Status    Status `json:"status"`
	Reason    string `json:"reason,omitempty"` // free text, e.g. "spreader fault"
}

func (StatusChanged) EventType() string { return TypeStatusChanged }
func (e StatusChanged) Stream() string  { return Stream(e.Equipment) }
func (e StatusChanged) Validate() error {
	var c es.Check
	c.ID("equipment", e.Equipment)
	c.OneOf("kind", string(e.Kind), Kinds...)
	c.OneOf("status", string(e.Status), Statuses...)
	return c.Err()
}
