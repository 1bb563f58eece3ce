// Package gate holds the facts of the terminal gate: road trucks arriving and leaving, and the boxes
// they bring in or take out.
package gate

import (
	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/iso6346"
	"github.com/yardtwin/yardtwin/domain/yard"
)

// Wire names. Changing one of these strings is a migration.
const (
	TypeTruckArrived      = "gate.TruckArrived"
	TypeTruckLeft         = "gate.TruckLeft"
	TypeContainerGatedIn  = "gate.ContainerGatedIn"
	TypeContainerGatedOut = "gate.ContainerGatedOut"
)

// Register adds the gate's event types to r.
func Register(r *es.Registry) {
	es.Register[TruckArrived](r, TypeTruckArrived)
	es.Register[TruckLeft](r, TypeTruckLeft)
	es.Register[ContainerGatedIn](r, TypeContainerGatedIn)
	es.Register[ContainerGatedOut](r, TypeContainerGatedOut)
}

// TruckStream is the stream of a road truck's visits.
func TruckStream(truck string) string { return es.StreamID("truck", truck) }

// TruckPass is a road truck passing a gate lane.
type TruckPass struct {
	Truck string `json:"truck"` // licence plate or the terminal's truck id
	Lane  string `json:"lane"`  // gate lane id from the layout
	// Appointment is the truck appointment or visit reference, when the terminal uses them.
	Appointment string `json:"appointment,omitempty"`
}

func (p TruckPass) validate() error {
	var c es.Check
	c.ID("truck", p.Truck)
	c.ID("lane", p.Lane)
	return c.Err()
}

// TruckArrived: a road truck entered the terminal through an in-gate lane.
type TruckArrived TruckPass

func (TruckArrived) EventType() string { return TypeTruckArrived }
func (e TruckArrived) Stream() string  { return TruckStream(e.Truck) }
func (e TruckArrived) Validate() error { return TruckPass(e).validate() }

// TruckLeft: a road truck left the terminal through an out-gate lane.
type TruckLeft TruckPass

func (TruckLeft) EventType() string { return TypeTruckLeft }
func (e TruckLeft) Stream() string  { return TruckStream(e.Truck) }
func (e TruckLeft) Validate() error { return TruckPass(e).validate() }

// BoxPass is a box crossing the gate on a road truck.
type BoxPass struct {
	Container iso6346.ContainerID `json:"container"`
	// Truck and Lane are the road truck and the gate lane, when known (a carrier's Track & Trace
	// feed may carry neither).
	Truck string `json:"truck,omitempty"`
	Lane  string `json:"lane,omitempty"`
}

func (p BoxPass) validate() error {
	var c es.Check
	c.Wrap("container", p.Container.Check())
	if p.Truck != "" {
		c.ID("truck", p.Truck)
	}
	if p.Lane != "" {
		c.ID("lane", p.Lane)
	}
	return c.Err()
}

// ContainerGatedIn: a box entered the terminal on a road truck (export or empty return).
type ContainerGatedIn BoxPass

func (ContainerGatedIn) EventType() string { return TypeContainerGatedIn }
func (e ContainerGatedIn) Stream() string  { return yard.ContainerStream(e.Container) }
func (e ContainerGatedIn) Validate() error { return BoxPass(e).validate() }

// ContainerGatedOut: a box left the terminal on a road truck (import delivery).
type ContainerGatedOut BoxPass

func (ContainerGatedOut) EventType() string { return TypeContainerGatedOut }
func (e ContainerGatedOut) Stream() string  { return yard.ContainerStream(e.Container) }
func (e ContainerGatedOut) Validate() error { return BoxPass(e).validate() }
