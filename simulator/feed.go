package simulator

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/iso6346"
	"github.com/yardtwin/yardtwin/domain/yard"
	"github.com/yardtwin/yardtwin/simulator/policy"
)

// InitialBox is a container standing in a yard slot when a feed starts, as the live twin knows it.
type InitialBox struct {
	Container iso6346.ContainerID
	SizeType  iso6346.SizeType
	Category  yard.Category
	Reefer    bool
	WeightKg  float64 // 0 when not known
	Slot      yard.Slot
	// Holds in force on the box; the feed releases them after a while, as the terminal would.
	Holds []string
	// Entered is when the box entered the terminal, if known and not after the start: its dwell
	// (and so when it is due to leave) runs from then. Zero means from the start.
	Entered time.Time
}

// Options are what a feed needs besides its scenario and layout.
type Options struct {
	// Start replaces the scenario's start time when set (a live demo starts now). Ids and random
	// draws depend on it, so a restarted demo does not repeat the ids of the previous run.
	Start time.Time
	// Initial, when not nil (even empty), is the yard the feed starts from: boxes the twin already
	// knows, which the feed does not announce again. When nil, the feed fills an empty yard to the
	// scenario's initial fill and emits those boxes at the start.
	Initial []InitialBox
	// Logger receives sparse progress; nil discards it.
	Logger *slog.Logger
	// Policies names the policy in force for each kind of decision; the zero value keeps every
	// kind's baseline (the first demo's behaviour).
	Policies policy.Set
	// PolicyTimeout bounds each decision of an external policy; 0 means policy.DefaultTimeout.
	PolicyTimeout time.Duration
}

// Stats are running totals of a feed.
type Stats struct {
	Now    time.Time // simulated time
	Events uint64    // envelopes emitted

	InYard   int     // boxes in yard slots now
	OnTrucks int     // boxes on internal or road trucks now
	Fill     float64 // share of the yard's slot positions taken, 0..1

	Announced  int // boxes announced (including the initial fill)
	Discharged int
	Loaded     int
	GatedIn    int
	GatedOut   int
	Rehandles  int // relocations within a block to dig a box out
	Misreports int // container numbers made with a wrong check digit
	Holds      int // holds put on

	VesselsArrived  int
	VesselsBerthed  int
	VesselsDeparted int
	TrucksArrived   int
	TurnedAway      int // road trucks refused at the in-gate with an export or empty: the yard was too full

	InitialBoxes   int // boxes of Options.Initial taken into the yard
	InitialSkipped int // boxes of Options.Initial left out (unknown slot, slot taken, malformed)
}

// Feed is the simulated terminal: its model, its engine and its emitter. Build one with NewFeed, then
// call Run (as fast as possible) or RunLive (paced against the wall clock). A Feed is not safe for
// concurrent use; Run and RunLive may be called one after the other to continue a run.
type Feed struct {
	sc     *Scenario
	layout *yard.Layout
	log    *slog.Logger
	start  time.Time
	tag    string // distinguishes runs with the same seed but different starts

	eng *Engine
	em  *Emitter

	rngVessel, rngBox, rngGate, rngYard, rngEquip *rand.Rand

	yard    *yardState
	rule    stackingRule
	pol     *policy.Policies
	polSet  policy.Set
	err     error // the first policy failure; Run stops on it
	slotBuf []policy.SlotOption
	router  *router
	boxes   *boxFactory
	onTruck int

	quayCranes []*quayCrane
	yardCranes []*yardCrane
	berths     []*berthState
	fleet      []*truck // internal trucks not working for a gang, first free first
	allTrucks  []*truck
	waiting    []*vesselCall // vessels waiting for a berth, first come first served
	calls      int
	gate       *gateState

	stats Stats

	// observe, when set (by tests), hears of every piece of work a resource finished: a lane
	// serving a truck, a crane making a move, from start to now.
	observer func(resource string, start, end time.Time)
}

func (f *Feed) observe(resource string, start time.Time) {
	if f.observer != nil {
		f.observer(resource, start, f.eng.Now())
	}
}

// NewFeed builds the terminal model of sc on layout. The layout needs at least one berth, one
// block and one quay crane, and gate lanes in and out when road trucks are to come.
func NewFeed(sc *Scenario, layout *yard.Layout, opts Options) (*Feed, error) {
	full := *sc
	full.fillDefaults()
	sc = &full
	if err := sc.Validate(); err != nil {
		return nil, fmt.Errorf("new feed: %w", err)
	}
	if layout == nil {
		return nil, errors.New("new feed: no layout")
	}
	var missing []string
	if len(layout.Berths()) == 0 {
		missing = append(missing, "berths")
	}
	if len(layout.Blocks()) == 0 {
		missing = append(missing, "blocks")
	}
	if len(layout.QuayCranes()) == 0 {
		missing = append(missing, "quay cranes")
	}
	for _, id := range slices.Sorted(maps.Keys(sc.Gate.LaneService)) {
		if _, ok := layout.GateLane(id); !ok {
			return nil, fmt.Errorf("new feed: %w", &ScenarioError{File: sc.File, Field: "gate.lane_service." + id, Reason: fmt.Sprintf("layout %q has no gate lane %s", layout.Name, id)})
		}
	}
	for _, x := range []struct {
		field     string
		want, has int
	}{
		{"fleet.quay_cranes", sc.Fleet.QuayCranes, len(layout.QuayCranes())},
		{"fleet.yard_cranes", sc.Fleet.YardCranes, len(layout.YardCranes())},
		{"gate.lanes_in", sc.Gate.LanesIn, len(lanes(layout, yard.LaneIn))},
		{"gate.lanes_out", sc.Gate.LanesOut, len(lanes(layout, yard.LaneOut))},
	} {
		if x.want > x.has {
			return nil, fmt.Errorf("new feed: %w", &ScenarioError{File: sc.File, Field: x.field,
				Reason: fmt.Sprintf("%d: layout %q has %d", x.want, layout.Name, x.has)})
		}
	}
	if sc.Gate.TrucksPerHour > 0 && (len(lanes(layout, yard.LaneIn)) == 0 || len(lanes(layout, yard.LaneOut)) == 0) {
		missing = append(missing, "gate lanes in and out (or set gate.trucks_per_hour to 0)")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("new feed: layout %q has no %v", layout.Name, missing)
	}
	start := sc.Start
	if !opts.Start.IsZero() {
		start = opts.Start
	}
	start = start.UTC().Truncate(time.Millisecond)
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	f := &Feed{
		sc: sc, layout: layout, log: log, start: start,
		tag:  strconv.FormatInt(start.Unix(), 36),
		eng:  NewEngine(start),
		rule: stackingRule{maxFill: 0.85},
	}
	// The start time is part of the seed, so that a demo restarted later does not replay the same
	// container numbers; the same scenario and start give the same run.
	seed := sc.Seed ^ uint64(start.UnixMilli())*0x9e3779b97f4a7c15
	f.rngVessel = NewRand(seed, "vessels")
	f.rngBox = NewRand(seed, "boxes")
	f.rngGate = NewRand(seed, "gate")
	f.rngYard = NewRand(seed, "yard")
	f.rngEquip = NewRand(seed, "equipment")
	pol, err := opts.Policies.Build(func(kind string) *rand.Rand { return NewRand(seed, "policy/"+kind) }, opts.PolicyTimeout)
	if err != nil {
		return nil, fmt.Errorf("new feed: %w", err)
	}
	f.pol, f.polSet = pol, opts.Policies
	f.em = NewEmitter("/yardtwin/sim/"+sc.Name, fmt.Sprintf("sim-%d-%s", sc.Seed, f.tag), f.eng.Clock())
	f.boxes = newBoxFactory(f.rngBox, sc.MisreportRate, sc.Boxes)
	f.yard = newYardState(layout)
	f.router = newRouter(layout.Blocks())
	f.stats.Now = start
	f.setupEquipment()
	f.gate = newGateState(f)
	if opts.Initial != nil {
		f.takeInitial(opts.Initial)
	}
	f.eng.At(start, func() { f.begin(opts.Initial == nil) })
	f.log.Info("simulator ready", "scenario", sc.Name, "terminal", layout.Name, "start", start,
		"seed", sc.Seed, "blocks", len(f.yard.blocks), "capacity_teu", f.yard.capacity,
		"initial_boxes", f.stats.InitialBoxes, "initial_skipped", f.stats.InitialSkipped)
	return f, nil
}

// Scenario returns the feed's scenario.
func (f *Feed) Scenario() *Scenario { return f.sc }

// Start returns the simulated time the feed started at.
func (f *Feed) Start() time.Time { return f.start }

// End returns the start plus the scenario's horizon.
func (f *Feed) End() time.Time { return f.start.Add(f.sc.Horizon) }

// Policies returns the policies in force.
func (f *Feed) Policies() policy.Set { return f.polSet }

// Close lets go of what the feed's policies hold (idle connections to external policies). The
// feed must not run after Close.
func (f *Feed) Close() { f.pol.Close() }

// Now returns the feed's simulated time.
func (f *Feed) Now() time.Time { return f.eng.Now() }

// Stats returns the running totals.
func (f *Feed) Stats() Stats {
	s := f.stats
	s.Now = f.eng.Now()
	s.Events = f.em.Count()
	s.InYard = f.yard.boxes()
	s.OnTrucks = f.onTruck
	s.Fill = float64(f.yard.used()) / float64(max(f.yard.capacity, 1))
	s.Misreports = f.boxes.misreported
	return s
}

// Run runs the model as fast as it can up to until (simulated time), publishing the envelopes to
// sink in batches of at most MaxBatch, in emission order. It returns ctx's error if ctx ends first,
// or the sink's error.
func (f *Feed) Run(ctx context.Context, sink Sink, until time.Time) error {
	day := f.eng.Now().Truncate(24 * time.Hour).Add(24 * time.Hour)
	for n := 0; ; n++ {
		at, ok := f.eng.Next()
		if !ok || at.After(until) {
			break
		}
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		f.eng.Step()
		if f.err != nil {
			return fmt.Errorf("simulator: %w", f.err)
		}
		if f.em.Pending() >= MaxBatch {
			if err := publish(ctx, sink, f.em.Take()); err != nil {
				return fmt.Errorf("simulator: publish: %w", err)
			}
		}
		if !at.Before(day) {
			day = day.Add(24 * time.Hour)
			f.log.Debug("simulated day", f.progress()...)
		}
	}
	f.eng.Clock().AdvanceTo(until)
	if err := publish(ctx, sink, f.em.Take()); err != nil {
		return fmt.Errorf("simulator: publish: %w", err)
	}
	return nil
}

// Collect runs to until, as Run does, and returns the envelopes.
func (f *Feed) Collect(ctx context.Context, until time.Time) ([]es.Envelope, error) {
	var c Collector
	err := f.Run(ctx, &c, until)
	return c.envs, err
}

func (f *Feed) progress() []any {
	s := f.Stats()
	return []any{"sim_time", s.Now.Format(time.RFC3339), "events", s.Events, "in_yard", s.InYard,
		"fill", fmt.Sprintf("%.3f", s.Fill), "vessels_at_berth", s.VesselsBerthed - s.VesselsDeparted,
		"vessels_waiting", len(f.waiting), "rehandles", s.Rehandles}
}

// emit reports a fact at the current simulated time.
func (f *Feed) emit(ev es.Event) { f.em.Emit(ev) }

// begin reports the equipment where it stands, fills the yard when asked to, and starts the
// arrival processes.
func (f *Feed) begin(fill bool) {
	f.reportEquipment()
	if fill {
		f.fillYard()
	}
	f.scheduleFirstVessel()
	f.gate.scheduleNext()
}

// takeInitial places a given yard. Boxes that cannot be placed (unknown slot, slot taken, a
// malformed number or size-type) are left out and counted: a restarted demo must never stack into
// a slot the twin holds.
func (f *Feed) takeInitial(initial []InitialBox) {
	seen := map[iso6346.ContainerID]bool{}
	for _, ib := range initial {
		b, ok := f.initialBox(ib, seen)
		if !ok {
			f.stats.InitialSkipped++
			continue
		}
		seen[b.id] = true
		f.boxes.reserve(b.id)
		f.yard.stack(b, b.blk, b.bay, b.row, b.tier, f.start)
		b.due = b.since.Add(f.dwell(b))
		f.stats.InitialBoxes++
		for _, h := range ib.Holds {
			if !slices.Contains(yard.Holds, h) {
				continue
			}
			b.holds++
			f.stats.Holds++
			f.scheduleRelease(b, h)
		}
	}
	if f.stats.InitialSkipped > 0 {
		f.log.Warn("initial yard: boxes left out", "skipped", f.stats.InitialSkipped, "taken", f.stats.InitialBoxes)
	}
}

func (f *Feed) initialBox(ib InitialBox, seen map[iso6346.ContainerID]bool) (*box, bool) {
	if ib.Container.Check() != nil || seen[ib.Container] {
		return nil, false
	}
	size, err := iso6346.ParseSizeType(string(ib.SizeType))
	if err != nil || size.LengthFeet() > 40 {
		return nil, false // a 45-ft box does not fit the 20/40-ft stacking model
	}
	switch ib.Category {
	case yard.Import, yard.Export, yard.Transhipment, yard.Empty:
	default:
		return nil, false
	}
	k, ok := f.yard.byID[ib.Slot.Block]
	if !ok || k.Valid(ib.Slot.Bay, ib.Slot.Row, ib.Slot.Tier) != nil {
		return nil, false
	}
	b := &box{
		id: ib.Container, size: size, forty: size.TEU() == 2, cat: ib.Category,
		reefer: ib.Reefer || size.Reefer(), weight: ib.WeightKg, stock: -1,
	}
	lo, hi := k.span(b, ib.Slot.Bay)
	for x := lo; x <= hi; x++ {
		if k.at(x, ib.Slot.Row, ib.Slot.Tier) != nil {
			return nil, false
		}
	}
	b.blk, b.bay, b.row, b.tier = k, ib.Slot.Bay, ib.Slot.Row, ib.Slot.Tier
	if !ib.Entered.IsZero() && !ib.Entered.After(f.start) {
		b.since = ib.Entered
	}
	return b, true
}

// fillYard stacks new boxes up to the initial fill, announcing each, as if the yard had been
// working for a while: their stacking times are spread over the last week.
func (f *Feed) fillYard() {
	target := int(f.sc.InitialFill * float64(f.yard.capacity))
	for failed := 0; f.yard.used() < target && failed < 100; {
		b := f.boxes.make(f.boxes.initial)
		k, bay, row, tier, ok := f.placeNew(b)
		if !ok {
			f.boxes.retire(b.id)
			failed++
			continue
		}
		f.announce(b)
		b.since = f.start.Add(-time.Duration(f.rngYard.Int64N(int64(7 * 24 * time.Hour))))
		f.yard.stack(b, k, bay, row, tier, f.start)
		b.due = b.since.Add(f.dwell(b))
		f.emit(stackedEvent(b, k.cranes[0].id, ""))
	}
}

// placeNew finds a block and a slot for a box entering the yard now, or ok false when the yard
// has no room for it.
func (f *Feed) placeNew(b *box) (k *block, bay, row, tier int, ok bool) {
	var skip []*block
	for {
		k = f.rule.chooseBlock(f.yard, b, skip)
		if k == nil {
			return nil, 0, 0, 0, false
		}
		if bay, row, tier, ok = k.slotFor(b, f.rngYard, 0); ok {
			return k, bay, row, tier, true
		}
		skip = append(skip, k)
	}
}

// forget lets a box that left the terminal go.
func (f *Feed) forget(b *box) { f.boxes.retire(b.id) }
