package policy

import "time"

// The types below are the read-only view of the situation a policy decides in: copies made by the
// feed for each decision, never the feed's own state. Their JSON form is the external protocol's
// (see doc.go). Points are in the yard's local frame: metres, X east, Y north, from the layout's
// origin.

// Point is a place in the yard's local frame, in metres (X east, Y north).
type Point struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// Box is a container as the terminal knows it.
type Box struct {
	ID       string  `json:"id"`        // ISO 6346 number (as reported, check digit possibly wrong)
	SizeType string  `json:"size_type"` // ISO 6346 size-type, e.g. "22G1", "45R1"
	LengthFt int     `json:"length_ft"` // 20 or 40
	Category string  `json:"category"`  // import, export, transhipment or empty
	Reefer   bool    `json:"reefer"`
	WeightKg float64 `json:"weight_kg"`
	Visit    string  `json:"visit,omitempty"` // the vessel visit it came or leaves with, when known
	// Due is when the terminal expects the box to leave the yard: its stacking time plus the expected
	// dwell of its category, or the arrival of the vessel planned to load it. Zero when unknown.
	Due time.Time `json:"due,omitzero"`
}

// Arrival is the situation of a stacking decision: a box on a truck that needs a place in the yard.
type Arrival struct {
	Now  time.Time `json:"now"`
	Box  Box       `json:"box"`
	From Point     `json:"from"` // where the truck stands: under a quay crane, or at a gate lane
}

// BlockOption is a block a box may be taken to. The feed offers the blocks of the box's purpose
// (reefers to blocks with free plugs, empties to empty blocks, others to blocks of their category,
// then mixed blocks, then any) that have room below the working fill.
type BlockOption struct {
	Block           string  `json:"block"`
	Purpose         string  `json:"purpose"`           // import, export, transhipment, empty, reefer or mixed
	Fill            float64 `json:"fill"`              // share of slot positions taken or promised, 0..1
	FreeTEU         int     `json:"free_teu"`          // slot positions neither taken nor promised
	Boxes           int     `json:"boxes"`             // boxes in the block
	SameCategory    int     `json:"same_category"`     // of which of the arriving box's category
	ReeferPlugsFree int     `json:"reefer_plugs_free"` // plugs not in use
	Cranes          int     `json:"cranes"`            // yard cranes working the block
	CraneQueue      int     `json:"crane_queue"`       // jobs waiting for or held by those cranes
	DistanceM       float64 `json:"distance_m"`        // straight-line drive from From to the block's truck lane
}

// SlotOption is a stack a box may be set on (a stacking or relocation decision): the slot the box
// would take, and what it would stand on.
type SlotOption struct {
	Block    string `json:"block"`
	Bay      int    `json:"bay"` // for a 40-ft box, the lower of its two bays
	Row      int    `json:"row"`
	Tier     int    `json:"tier"` // 1 on the ground
	MaxTiers int    `json:"max_tiers"`
	Position Point  `json:"position"` // the slot's centre
	// DistanceM is along the block's bays from the reference bay (the truck's stop for a stacking,
	// the box's own bay for a relocation), in metres.
	DistanceM float64 `json:"distance_m"`
	// TopCategory is the category of the box it would stand on ("" on the ground); TopDue that box's Due.
	TopCategory string    `json:"top_category,omitempty"`
	TopDue      time.Time `json:"top_due,omitzero"`
	// MinDue is the earliest Due of the boxes in the stack (on either bay for a 40-ft box); zero
	// for an empty ground slot. A box with a later Due set on top will have to be relocated.
	MinDue time.Time `json:"min_due,omitzero"`
}

// Rehandle is the situation of a relocation decision: Box stands over Target, which a crane is digging
// out; Box must go elsewhere in the same block.
type Rehandle struct {
	Now    time.Time `json:"now"`
	Box    Box       `json:"box"`
	Target Box       `json:"target"`
	Block  string    `json:"block"`
	Bay    int       `json:"bay"`
	Row    int       `json:"row"`
	Tier   int       `json:"tier"`
}

// QuayCrane is the situation of a quay crane sequencing decision: the crane is free and several
// moves could be next.
type QuayCrane struct {
	Now   time.Time `json:"now"`
	Crane string    `json:"crane"`
	Visit string    `json:"visit"`
	Phase string    `json:"phase"` // "discharge" or "load"
	Bay   int       `json:"bay"`   // vessel bay the crane stands over
}

// QuayJob is a move a quay crane could make next: discharging a box of the plan, or loading the box
// of a truck waiting under the crane.
type QuayJob struct {
	Box      Box     `json:"box"`
	Cell     string  `json:"cell"` // stowage cell BBRRTT (ISO 9711)
	Bay      int     `json:"bay"`
	Row      int     `json:"row"`
	Tier     int     `json:"tier"`
	Truck    string  `json:"truck,omitempty"` // the truck waiting with the box (load)
	WaitingS float64 `json:"waiting_s"`       // how long the truck has waited under the crane (load)
}

// YardCrane is the situation of a yard crane sequencing decision: the crane is free and jobs wait.
type YardCrane struct {
	Now      time.Time `json:"now"`
	Crane    string    `json:"crane"`
	Position Point     `json:"position"`
}

// YardJob is a job waiting for a yard crane: taking a box off a truck to stack it, or digging a box
// out to lift it onto a truck.
type YardJob struct {
	Box       Box     `json:"box"`
	Block     string  `json:"block"`
	Bay       int     `json:"bay"`  // where the truck stands (stack) or the box is (lift)
	Lift      bool    `json:"lift"` // true: from the yard onto the truck; false: from the truck into the yard
	Truck     string  `json:"truck"`
	Road      bool    `json:"road"`       // the truck is a road haulier's (its turn time counts at the gate)
	Rehandles int     `json:"rehandles"`  // boxes above the box to lift, now
	DistanceM float64 `json:"distance_m"` // gantry travel from the crane's position
	WaitingS  float64 `json:"waiting_s"`  // how long the truck has waited
}

// Truck is the situation of a dispatch decision: an internal truck came free.
type Truck struct {
	Now      time.Time `json:"now"`
	Truck    string    `json:"truck"`
	Position Point     `json:"position"`
	Crane    string    `json:"crane"` // the quay crane whose gang the truck serves
}

// TruckJob is a transport an internal truck could take on.
type TruckJob struct {
	Kind      string  `json:"kind"` // "discharge": take the next box from the quay crane; "fetch": bring a box to load from the yard
	Box       *Box    `json:"box,omitempty"`
	Position  Point   `json:"position"`   // where the truck must go first
	DistanceM float64 `json:"distance_m"` // straight-line from the truck
	WaitingS  float64 `json:"waiting_s"`  // how long the job has waited for a truck
}

// Stacking chooses where a box entering the yard goes: first a block (when the truck leaves for
// the yard), then the stack (when the yard crane is over the block, since the block may have
// changed). Each method returns the index of one of the options; the feed asks only when there
// are two or more.
type Stacking interface {
	Block(a Arrival, options []BlockOption) (int, error)
	Slot(a Arrival, options []SlotOption) (int, error)
}

// Relocation chooses where a box that stands over a box being dug out goes (a rehandle). It returns
// the index of one of the options: the stacks of the same block that may take the box, never the
// target's own stack.
type Relocation interface {
	Slot(r Rehandle, options []SlotOption) (int, error)
}

// QuaySequence chooses a quay crane's next move among the moves ready: during discharge, the boxes
// of the crane's share of the plan (in plan order: bay by bay, from the top); during load, the boxes
// on trucks waiting under it (in order of arrival).
type QuaySequence interface {
	Next(c QuayCrane, jobs []QuayJob) (int, error)
}

// YardSequence chooses a yard crane's next job among those waiting (in order of arrival).
type YardSequence interface {
	Next(c YardCrane, jobs []YardJob) (int, error)
}

// Dispatch chooses the next transport of an internal truck that came free under its quay crane,
// among the jobs waiting for a truck (in order of arrival).
type Dispatch interface {
	Next(t Truck, jobs []TruckJob) (int, error)
}
