package yard

import (
	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/iso6346"
)

// Wire names. Changing one of these strings is a migration.
const (
	TypeContainerAnnounced = "yard.ContainerAnnounced"
	TypeContainerStacked   = "yard.ContainerStacked"
	TypeContainerLifted    = "yard.ContainerLifted"
	TypeContainerHeld      = "yard.ContainerHeld"
	TypeContainerReleased  = "yard.ContainerReleased"
)

// Register adds the yard's event types to r.
func Register(r *es.Registry) {
	es.Register[ContainerAnnounced](r, TypeContainerAnnounced)
	es.Register[ContainerStacked](r, TypeContainerStacked)
	es.Register[ContainerLifted](r, TypeContainerLifted)
	es.Register[ContainerHeld](r, TypeContainerHeld)
	es.Register[ContainerReleased](r, TypeContainerReleased)
}

// ContainerStream is the stream of a container; every fact about one box is in it, whichever part of
// the terminal reported it.
func ContainerStream(c iso6346.ContainerID) string { return es.StreamID("container", string(c)) }

// Category is the flow a box is in.
type Category string

// Container categories.
const (
	Import       Category = "import"       // arrived by sea, leaves by road or rail
	Export       Category = "export"       // arrived by road or rail, leaves by sea
	Transhipment Category = "transhipment" // arrives and leaves by sea
	Empty        Category = "empty"        // an empty box, whatever its flow
)

// Categories lists every category.
var Categories = []string{string(Import), string(Export), string(Transhipment), string(Empty)}

// ContainerAnnounced: the terminal expects a box (from a stowage plan, a booking or a pre-advice).
type ContainerAnnounced struct {
	Container iso6346.ContainerID `json:"container"`
	SizeType  iso6346.SizeType    `json:"size_type"` // ISO 6346 size-type code, e.g. "22G1", "45R1"
	WeightKg  float64             `json:"weight_kg"` // gross mass in kilograms
	Category  Category            `json:"category"`
	Reefer    bool                `json:"reefer"`          // needs a power plug in the yard
	Visit     string              `json:"visit,omitempty"` // the vessel visit it arrives or leaves with
}

// Maximum gross mass of any ISO box (kg); heavier reports are malformed.
const maxGrossKg = 40_000

func (ContainerAnnounced) EventType() string { return TypeContainerAnnounced }
func (e ContainerAnnounced) Stream() string  { return ContainerStream(e.Container) }
func (e ContainerAnnounced) Validate() error {
	var c es.Check
	c.Wrap("container", e.Container.Check())
	if c.Require("size_type", string(e.SizeType)) {
		if canon, err := iso6346.ParseSizeType(string(e.SizeType)); err != nil {
			c.Add("size_type", err.Error())
		} else if canon != e.SizeType {
			c.Addf("size_type", "%q must be written %q", e.SizeType, canon)
		}
	}
	if e.WeightKg <= 0 || e.WeightKg > maxGrossKg {
		c.Addf("weight_kg", "%g kg is outside 0..%d kg", e.WeightKg, maxGrossKg)
	}
	c.OneOf("category", string(e.Category), Categories...)
	if e.Visit != "" {
		c.ID("visit", e.Visit)
	}
	return c.Err()
}

// Placement is a yard crane putting a box into, or taking it from, a ground slot's tier.
type Placement struct {
	Container iso6346.ContainerID `json:"container"`
	Block     string              `json:"block"` // block id from the layout
	Bay       int                 `json:"bay"`   // from 1, along the block
	Row       int                 `json:"row"`   // from 1, across the block
	Tier      int                 `json:"tier"`  // from 1 at the ground
	Crane     string              `json:"crane"` // the yard crane (RTG, RMG, reach stacker) that did it
	// Truck is the truck the box came from (stacked) or went onto (lifted), when known.
	Truck string `json:"truck,omitempty"`
}

// Slot is the yard slot of the placement.
func (p Placement) Slot() Slot { return Slot{Block: p.Block, Bay: p.Bay, Row: p.Row, Tier: p.Tier} }

func (p Placement) validate() error {
	var c es.Check
	c.Wrap("container", p.Container.Check())
	c.ID("block", p.Block)
	for _, f := range []struct {
		name string
		v    int
	}{{"bay", p.Bay}, {"row", p.Row}, {"tier", p.Tier}} {
		if f.v < 1 {
			c.Addf(f.name, "%d is impossible: %ss are numbered from 1", f.v, f.name)
		}
	}
	c.ID("crane", p.Crane)
	if p.Truck != "" {
		c.ID("truck", p.Truck)
	}
	return c.Err()
}

// ContainerStacked: a yard crane set a box down in a slot.
type ContainerStacked Placement

func (ContainerStacked) EventType() string { return TypeContainerStacked }
func (e ContainerStacked) Stream() string  { return ContainerStream(e.Container) }
func (e ContainerStacked) Validate() error { return Placement(e).validate() }

// Slot is where the box was set down.
func (e ContainerStacked) Slot() Slot { return Placement(e).Slot() }

// ContainerLifted: a yard crane picked a box up from a slot.
type ContainerLifted Placement

func (ContainerLifted) EventType() string { return TypeContainerLifted }
func (e ContainerLifted) Stream() string  { return ContainerStream(e.Container) }
func (e ContainerLifted) Validate() error { return Placement(e).validate() }

// Slot is where the box was picked up from.
func (e ContainerLifted) Slot() Slot { return Placement(e).Slot() }

// Hold kinds: why a box may not leave.
var Holds = []string{"customs", "inspection", "damage", "payment", "documents", "operator"}

// ContainerHeld: a hold was put on a box; it may not leave the terminal until released.
type ContainerHeld struct {
	Container iso6346.ContainerID `json:"container"`
	Hold      string              `json:"hold"`             // one of Holds
	Reason    string              `json:"reason,omitempty"` // free text
}

func (ContainerHeld) EventType() string { return TypeContainerHeld }
func (e ContainerHeld) Stream() string  { return ContainerStream(e.Container) }
func (e ContainerHeld) Validate() error {
	var c es.Check
	c.Wrap("container", e.Container.Check())
	c.OneOf("hold", e.Hold, Holds...)
	return c.Err()
}

// ContainerReleased: a hold on a box was lifted.
type ContainerReleased struct {
	Container iso6346.ContainerID `json:"container"`
	Hold      string              `json:"hold"`
}

func (ContainerReleased) EventType() string { return TypeContainerReleased }
func (e ContainerReleased) Stream() string  { return ContainerStream(e.Container) }
func (e ContainerReleased) Validate() error {
	var c es.Check
	c.Wrap("container", e.Container.Check())
	c.OneOf("hold", e.Hold, Holds...)
	return c.Err()
}
