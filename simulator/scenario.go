package simulator

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/yardtwin/yardtwin/domain/yard"
)

// Scenario is a simulation run as written in a scenario file: the terminal, the seed, the clock and
// the demand. Load one with LoadScenario; a Scenario built or changed in code should pass Validate
// before NewFeed.
type Scenario struct {
	// Name names the run; it becomes the envelopes' source, "/yardtwin/sim/<name>". Lower-case
	// letters, digits, '.', '-' and '_'.
	Name string
	// File is the scenario file's path in the file system it was loaded from ("" when built in code).
	File string
	// Layout is the layout file as written in the scenario, relative to the scenario file.
	Layout string
	// LayoutPath is Layout resolved against File's directory: its path in the same file system.
	LayoutPath string
	// Seed seeds every random stream of the run.
	Seed uint64
	// Start is the simulated time the run starts at (UTC). Live demos usually replace it with the
	// wall-clock time (Options.Start).
	Start time.Time
	// Speed is the live pace, simulated time per wall-clock time: 60 runs a simulated minute a second.
	Speed float64
	// Horizon is how long a batch run lasts in simulated time.
	Horizon time.Duration
	// InitialFill is the share of the yard's slot positions (TEU) filled at the start, 0..0.8, when the
	// feed does not start from a given yard. The planned loads steer the fill back towards it.
	InitialFill float64
	// MisreportRate is the share of new container numbers reported with a wrong check digit, 0..0.5.
	MisreportRate float64
	Vessels       VesselDemand
	Boxes         BoxMix
	Fleet         Fleet
	Equipment     Equipment
	Gate          GateDemand
	Dwell         Dwell
	Holds         HoldDemand
}

// Distributions of times are in seconds, of speeds in metres per second. A distribution left unset
// (the zero Dist) takes the default documented on its field when the feed starts.

// VesselDemand is the sea side of the demand.
type VesselDemand struct {
	// Interarrival is the time between vessel arrivals when there is no Schedule; an exponential
	// distribution makes arrivals a Poisson process.
	Interarrival Dist
	// Schedule lists planned arrivals instead; Repeat, when set, repeats the list with that period
	// (a weekly liner schedule: 168h).
	Schedule []ScheduledCall
	Repeat   time.Duration
	// Discharge is how many boxes a call discharges, drawn uniformly (when the schedule does not say).
	Discharge IntRange
	// Load is how many boxes a call loads, drawn uniformly (when the schedule does not say), then
	// steered towards the initial fill and limited by what the yard holds for loading.
	Load IntRange
	// QuayCranes is how many quay cranes work a call, drawn uniformly, at most as many as are free.
	QuayCranes IntRange
	// TrucksPerCrane is how many internal trucks serve each working quay crane.
	TrucksPerCrane int
	// Pilotage is the time from arrival to all fast at the berth; default uniform 35–65 min.
	Pilotage Dist
	// Setup is the time from berthing to the first move (lashing gangs, hatch covers); default
	// uniform 14–26 min.
	Setup Dist
	// Unberth is the time from the last move to departure; default uniform 28–52 min.
	Unberth Dist
}

// ScheduledCall is a planned vessel arrival.
type ScheduledCall struct {
	At        time.Duration // after the start (within the period when the schedule repeats)
	Name      string        // vessel name; "" draws one
	Discharge int           // boxes to discharge; -1 draws from VesselDemand.Discharge
	Load      int           // boxes to load; -1 draws from VesselDemand.Load
}

// IntRange is an inclusive range of whole numbers.
type IntRange struct {
	Min, Max int
}

// BoxMix is the make-up of new boxes.
type BoxMix struct {
	// Forty is the share of 40-ft boxes (the rest are 20-ft); default 0.53. Of dry 40-ft boxes 60 %
	// are high cubes.
	Forty float64
	// FortyFive must be 0: the layouts' bays are laid out for 20- and 40-ft boxes, and a 45-ft box
	// (13.72 m) is longer than a pair of 20-ft bays (about 13 m pitch), so it would overhang into the
	// next stack. ISO 6346 knows the size (L5G1) and the twin accepts such boxes from a terminal; the
	// simulator does not make them.
	FortyFive float64
	// Reefer is the share of laden boxes that are reefers; default 0.09.
	Reefer float64
	// Transhipment is the share of discharged boxes that are loaded again onto another vessel;
	// default 0.74 (Tanger Med). The rest of the laden ones are imports.
	Transhipment float64
	// Empty is the share of empties among discharged and gated-in boxes; default 0.10.
	Empty float64
}

// Fleet says how much of the layout's equipment works; 0 means all of it.
type Fleet struct {
	QuayCranes int // the first n quay cranes of the layout
	YardCranes int // the first n yard cranes; blocks left without one borrow the nearest
	Trucks     int // internal trucks; default quay cranes × trucks per crane
}

// Equipment is how fast the machines work.
type Equipment struct {
	QuayCycle       Dist // s, one quay crane move, not counting gantry travel along the hull; default uniform 73.5–136.5 s
	YardGantrySpeed Dist // m/s, a yard crane travelling to the job; default fixed 1.5
	YardTrolley     Dist // s, trolley travel of one yard crane move; default uniform 14–26 s
	YardHoist       Dist // s, hoisting and lowering of one yard crane move (pick and set down); default uniform 49–91 s
	TruckSpeed      Dist // m/s, an internal truck, drawn per trip; default fixed 6.5
	RoadSpeed       Dist // m/s, a road truck inside the terminal, drawn per trip; default fixed 5
}

// GateDemand is the land side of the demand.
type GateDemand struct {
	// TrucksPerHour is the mean arrival rate of road trucks at the gate over a day (a Poisson
	// process whose rate follows HourlyProfile); 0 closes the gate.
	TrucksPerHour float64
	// HourlyProfile weighs the arrival rate by hour of the day (24 weights, UTC hours, the mean
	// rate staying TrucksPerHour); nil is flat.
	HourlyProfile []float64
	// ImportShare is the share of trucks coming to collect an import; the others deliver an export
	// or return an empty (as do those that find no import free to go); above 80 % yard fill exports
	// and empties are turned back at the in-gate.
	ImportShare float64
	// Service is the time a truck spends in an in-gate lane (plate and number reading, papers); one
	// truck at a time per lane, the others queue. Default uniform 60–180 s.
	Service Dist
	// LaneService overrides Service for the lanes named (by lane id).
	LaneService map[string]Dist
	// ExitService is the time at an out-gate lane; default uniform 20–60 s.
	ExitService Dist
	// LanesIn and LanesOut are how many of the layout's lanes are open (the first n); 0 means all.
	LanesIn, LanesOut int
}

// Dwell is how long boxes of each category are expected to stay in the yard (s), drawn when a box
// is first stacked. Imports are collected, and boxes to load are picked, in the order they are due.
type Dwell struct {
	Import       Dist // default lognormal mean 5d sd 3d
	Export       Dist // default lognormal mean 4d sd 2d
	Transhipment Dist // default lognormal mean 3d sd 2d
	Empty        Dist // default lognormal mean 7d sd 4d
}

// HoldDemand is how often boxes are held (customs, inspection …) and for how long.
type HoldDemand struct {
	// Rate is the share of imports put on hold after they are stacked, 0..1.
	Rate float64
	// Duration is how long a hold lasts (s); default uniform 2h–24h.
	Duration Dist
}

// Defaults for what a scenario file may leave out.
var (
	defaultStart = time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC)
	defaultSpeed = 60.0
)

// ScenarioError says what is wrong in a scenario file, where: the file, the line and column (0 when
// the fault has no place in the file, such as a field built in code), the field as a dotted path
// ("vessels.interarrival") and why.
type ScenarioError struct {
	File   string
	Line   int
	Column int
	Field  string
	Reason string
}

func (e *ScenarioError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d:%d", e.Line, e.Column)
		}
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Reason)
	return b.String()
}

// LoadScenario reads the scenario file at name in fsys (a YAML file; see
// scenarios/tangermed/demo.yaml), checks every field and that the layout file exists beside it.
// Errors are *ScenarioError values naming the file, line, column and field, joined into one error.
func LoadScenario(fsys fs.FS, name string) (*Scenario, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("load scenario: %w", err)
	}
	sc, err := ParseScenario(name, data)
	if err != nil {
		return nil, err
	}
	if _, err := fs.Stat(fsys, sc.LayoutPath); err != nil {
		l := newLocator(name, data)
		return nil, l.at("layout", fmt.Sprintf("layout file %s: %v", sc.LayoutPath, errors.Unwrap(err)))
	}
	return sc, nil
}

// ParseScenario reads a scenario from data, as LoadScenario does, without checking that the layout
// file exists. name is the file's path, used in errors and to resolve the layout.
func ParseScenario(name string, data []byte) (*Scenario, error) {
	loc := newLocator(name, data)
	var raw rawScenario
	if err := yaml.UnmarshalWithOptions(data, &raw, yaml.Strict()); err != nil {
		return nil, loc.yamlError(err)
	}
	sc, problems := raw.scenario()
	sc.File = name
	if sc.Layout != "" {
		sc.LayoutPath = path.Join(path.Dir(name), sc.Layout)
	}
	reported := func(field string) bool {
		for _, p := range problems {
			if p.field == field || strings.HasPrefix(p.field, field+".") || strings.HasPrefix(p.field, field+"[") {
				return true
			}
		}
		return false
	}
	var more []problem
	for _, p := range sc.check() {
		if !reported(p.field) { // one error per field: "not a duration" says enough
			more = append(more, p)
		}
	}
	problems = append(problems, more...)
	if len(problems) > 0 {
		errs := make([]error, len(problems))
		for i, p := range problems {
			errs[i] = loc.at(p.field, p.reason)
		}
		return nil, errors.Join(errs...)
	}
	return sc, nil
}

// Validate checks a scenario built or changed in code. Errors are *ScenarioError values.
func (sc *Scenario) Validate() error {
	var errs []error
	for _, p := range sc.check() {
		errs = append(errs, &ScenarioError{File: sc.File, Field: p.field, Reason: p.reason})
	}
	return errors.Join(errs...)
}

// ReadLayout reads and parses the scenario's layout from fsys (the file system the scenario was
// loaded from).
func (sc *Scenario) ReadLayout(fsys fs.FS) (*yard.Layout, error) {
	data, err := fs.ReadFile(fsys, sc.LayoutPath)
	if err != nil {
		return nil, fmt.Errorf("scenario %s: %w", sc.Name, err)
	}
	l, err := yard.ParseLayout(data)
	if err != nil {
		return nil, fmt.Errorf("scenario %s: layout %s: %w", sc.Name, sc.LayoutPath, err)
	}
	return l, nil
}

type problem struct {
	field, reason string
}

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// check validates the typed scenario: ranges and required fields.
func (sc *Scenario) check() []problem {
	var ps []problem
	add := func(field, format string, args ...any) {
		ps = append(ps, problem{field, fmt.Sprintf(format, args...)})
	}
	switch {
	case sc.Name == "":
		add("name", "is required")
	case !nameRE.MatchString(sc.Name):
		add("name", "%q: use 1 to 64 lower-case letters, digits, '.', '-' or '_', starting with a letter or digit", sc.Name)
	}
	switch {
	case sc.Layout == "":
		add("layout", "is required (the layout file, relative to the scenario file)")
	case !fs.ValidPath(sc.Layout) || strings.HasPrefix(sc.Layout, "../"):
		add("layout", "%q: give a relative path below the scenario's directory, with '/' separators", sc.Layout)
	}
	if sc.Start.IsZero() {
		add("start", "is required")
	}
	if !(sc.Speed > 0 && sc.Speed <= 100_000) {
		add("speed", "%g: want more than 0 and at most 100000 (× real time)", sc.Speed)
	}
	if sc.Horizon <= 0 {
		add("horizon", "is required: a duration such as 168h")
	}
	if !(sc.InitialFill >= 0 && sc.InitialFill <= 0.8) {
		add("initial_fill", "%g: want a share of the yard from 0 to 0.8", sc.InitialFill)
	}
	if !(sc.MisreportRate >= 0 && sc.MisreportRate <= 0.5) {
		add("misreport_rate", "%g: want a share from 0 to 0.5", sc.MisreportRate)
	}
	v := sc.Vessels
	switch {
	case len(v.Schedule) > 0:
		for i, c := range v.Schedule {
			f := fmt.Sprintf("vessels.schedule[%d]", i)
			if c.At < 0 || (v.Repeat > 0 && c.At >= v.Repeat) {
				add(f+".at", "%v: want from 0 to the repeat period (%v)", c.At, v.Repeat)
			}
			if c.Discharge < -1 || c.Discharge > 20_000 {
				add(f+".discharge", "%d: want 0 to 20000", c.Discharge)
			}
			if c.Load < -1 || c.Load > 20_000 {
				add(f+".load", "%d: want 0 to 20000", c.Load)
			}
		}
		if v.Repeat != 0 && v.Repeat < time.Hour {
			add("vessels.repeat", "%v: want at least 1h, such as 168h for a weekly schedule", v.Repeat)
		}
	case !v.Interarrival.IsSet():
		add("vessels.interarrival", "is required (or a schedule): the time between arrivals, such as {dist: exponential, mean: 6h}")
	case v.Interarrival.MeanValue() < 60:
		add("vessels.interarrival", "%s: want a mean time between arrivals of at least 1m, such as 6h", fmtDuration(time.Duration(v.Interarrival.MeanValue()*1e9)))
	}
	ps = append(ps, v.Interarrival.check("vessels.interarrival", 0, timeUnit.show)...)
	ps = append(ps, v.Discharge.check("vessels.discharge", 0, 20_000)...)
	ps = append(ps, v.Load.check("vessels.load", 0, 20_000)...)
	ps = append(ps, v.QuayCranes.check("vessels.quay_cranes", 1, 20)...)
	if v.TrucksPerCrane < 1 || v.TrucksPerCrane > 30 {
		add("vessels.trucks_per_crane", "%d: want 1 to 30", v.TrucksPerCrane)
	}
	ps = append(ps, v.Pilotage.check("vessels.pilotage", 0, timeUnit.show)...)
	ps = append(ps, v.Setup.check("vessels.setup", 0, timeUnit.show)...)
	ps = append(ps, v.Unberth.check("vessels.unberth", 0, timeUnit.show)...)
	if !(sc.Gate.TrucksPerHour >= 0 && sc.Gate.TrucksPerHour <= 5000) {
		add("gate.trucks_per_hour", "%g: want 0 to 5000", sc.Gate.TrucksPerHour)
	}
	if !(sc.Gate.ImportShare >= 0 && sc.Gate.ImportShare <= 1) {
		add("gate.import_share", "%g: want a share from 0 to 1", sc.Gate.ImportShare)
	}
	g := sc.Gate
	if g.HourlyProfile != nil {
		sum := 0.0
		for i, w := range g.HourlyProfile {
			if !(w >= 0 && w < 1e6) {
				add(fmt.Sprintf("gate.hourly_profile[%d]", i), "%g: want a weight of 0 or more", w)
			}
			sum += w
		}
		switch {
		case len(g.HourlyProfile) != 24:
			add("gate.hourly_profile", "%d weights: want 24, one per hour of the day from 00:00 UTC", len(g.HourlyProfile))
		case sum <= 0:
			add("gate.hourly_profile", "all zero: want at least one hour open, or set gate.trucks_per_hour to 0")
		}
	}
	if g.LanesIn < 0 {
		add("gate.lanes_in", "%d: want 0 (all) or more", g.LanesIn)
	}
	if g.LanesOut < 0 {
		add("gate.lanes_out", "%d: want 0 (all) or more", g.LanesOut)
	}
	ps = append(ps, g.Service.check("gate.service", 0, timeUnit.show)...)
	ps = append(ps, g.ExitService.check("gate.exit_service", 0, timeUnit.show)...)
	for _, id := range slices.Sorted(maps.Keys(g.LaneService)) {
		ps = append(ps, g.LaneService[id].check("gate.lane_service."+id, 0, timeUnit.show)...)
	}
	m := sc.Boxes
	for _, x := range []struct {
		field string
		v     float64
	}{{"boxes.forty", m.Forty}, {"boxes.reefer", m.Reefer}, {"boxes.transhipment", m.Transhipment}, {"boxes.empty", m.Empty}} {
		if !(x.v >= 0 && x.v <= 1) {
			add(x.field, "%g: want a share from 0 to 1", x.v)
		}
	}
	if m.FortyFive != 0 {
		add("boxes.forty_five", "%g: want 0: the layouts have no 45-ft bays (a 45-ft box, 13.72 m, is longer than a pair of 20-ft bays and would overhang the next stack)", m.FortyFive)
	}
	if m.Transhipment+m.Empty > 1 {
		add("boxes.empty", "%g: transhipment (%g) and empty shares add up to more than 1", m.Empty, m.Transhipment)
	}
	fl := sc.Fleet
	for _, x := range []struct {
		field string
		v     int
	}{{"fleet.quay_cranes", fl.QuayCranes}, {"fleet.yard_cranes", fl.YardCranes}, {"fleet.trucks", fl.Trucks}} {
		if x.v < 0 || x.v > 10_000 {
			add(x.field, "%d: want 0 (all of the layout's) to 10000", x.v)
		}
	}
	e := sc.Equipment
	ps = append(ps, e.QuayCycle.check("equipment.quay_crane.cycle", 0, timeUnit.show)...)
	ps = append(ps, e.YardTrolley.check("equipment.yard_crane.trolley", 0, timeUnit.show)...)
	ps = append(ps, e.YardHoist.check("equipment.yard_crane.hoist", 0, timeUnit.show)...)
	ps = append(ps, e.YardGantrySpeed.check("equipment.yard_crane.gantry_speed", 0.1, speedUnit.show)...)
	ps = append(ps, e.TruckSpeed.check("equipment.truck_speed", 0.5, speedUnit.show)...)
	ps = append(ps, e.RoadSpeed.check("equipment.road_speed", 0.5, speedUnit.show)...)
	d := sc.Dwell
	ps = append(ps, d.Import.check("dwell.import", 0, timeUnit.show)...)
	ps = append(ps, d.Export.check("dwell.export", 0, timeUnit.show)...)
	ps = append(ps, d.Transhipment.check("dwell.transhipment", 0, timeUnit.show)...)
	ps = append(ps, d.Empty.check("dwell.empty", 0, timeUnit.show)...)
	h := sc.Holds
	if !(h.Rate >= 0 && h.Rate <= 1) {
		add("holds.rate", "%g: want a share from 0 to 1", h.Rate)
	}
	ps = append(ps, h.Duration.check("holds.duration", 0, timeUnit.show)...)
	return ps
}

func (r IntRange) check(field string, lo, hi int) []problem {
	var ps []problem
	if r.Min < lo || r.Min > hi {
		ps = append(ps, problem{field + ".min", fmt.Sprintf("%d: want %d to %d", r.Min, lo, hi)})
	}
	if r.Max < r.Min || r.Max > hi {
		ps = append(ps, problem{field + ".max", fmt.Sprintf("%d: want %d (min) to %d", r.Max, r.Min, hi)})
	}
	return ps
}

// rawScenario is the file's shape. Durations and times are read as text and parsed here, so that a
// bad one is reported at its line like any other fault; pointers tell "left out" from zero.
type rawScenario struct {
	Name          string        `yaml:"name"`
	Layout        string        `yaml:"layout"`
	Seed          *uint64       `yaml:"seed"`
	Start         string        `yaml:"start"`
	Speed         *float64      `yaml:"speed"`
	Horizon       string        `yaml:"horizon"`
	InitialFill   *float64      `yaml:"initial_fill"`
	MisreportRate *float64      `yaml:"misreport_rate"`
	Vessels       *rawVessels   `yaml:"vessels"`
	Boxes         *rawBoxes     `yaml:"boxes"`
	Fleet         *rawFleet     `yaml:"fleet"`
	Equipment     *rawEquipment `yaml:"equipment"`
	Gate          *rawGate      `yaml:"gate"`
	Dwell         *rawDwell     `yaml:"dwell"`
	Holds         *rawHolds     `yaml:"holds"`
}

type rawVessels struct {
	Interarrival   *rawDist  `yaml:"interarrival"`
	Schedule       []rawCall `yaml:"schedule"`
	Repeat         string    `yaml:"repeat"`
	Discharge      *rawRange `yaml:"discharge"`
	Load           *rawRange `yaml:"load"`
	QuayCranes     *rawRange `yaml:"quay_cranes"`
	TrucksPerCrane *int      `yaml:"trucks_per_crane"`
	Pilotage       *rawDist  `yaml:"pilotage"`
	Setup          *rawDist  `yaml:"setup"`
	Unberth        *rawDist  `yaml:"unberth"`
}

type rawCall struct {
	At        string `yaml:"at"`
	Name      string `yaml:"name"`
	Discharge *int   `yaml:"discharge"`
	Load      *int   `yaml:"load"`
}

type rawRange struct {
	Min *int `yaml:"min"`
	Max *int `yaml:"max"`
}

type rawBoxes struct {
	Forty        *float64 `yaml:"forty"`
	FortyFive    *float64 `yaml:"forty_five"`
	Reefer       *float64 `yaml:"reefer"`
	Transhipment *float64 `yaml:"transhipment"`
	Empty        *float64 `yaml:"empty"`
}

type rawFleet struct {
	QuayCranes *int `yaml:"quay_cranes"`
	YardCranes *int `yaml:"yard_cranes"`
	Trucks     *int `yaml:"trucks"`
}

type rawEquipment struct {
	QuayCrane *struct {
		Cycle *rawDist `yaml:"cycle"`
	} `yaml:"quay_crane"`
	YardCrane *struct {
		GantrySpeed *rawDist `yaml:"gantry_speed"`
		Trolley     *rawDist `yaml:"trolley"`
		Hoist       *rawDist `yaml:"hoist"`
	} `yaml:"yard_crane"`
	TruckSpeed *rawDist `yaml:"truck_speed"`
	RoadSpeed  *rawDist `yaml:"road_speed"`
}

type rawGate struct {
	TrucksPerHour *float64            `yaml:"trucks_per_hour"`
	HourlyProfile []float64           `yaml:"hourly_profile"`
	ImportShare   *float64            `yaml:"import_share"`
	Service       *rawDist            `yaml:"service"`
	LaneService   map[string]*rawDist `yaml:"lane_service"`
	ExitService   *rawDist            `yaml:"exit_service"`
	LanesIn       *int                `yaml:"lanes_in"`
	LanesOut      *int                `yaml:"lanes_out"`
}

type rawDwell struct {
	Import       *rawDist `yaml:"import"`
	Export       *rawDist `yaml:"export"`
	Transhipment *rawDist `yaml:"transhipment"`
	Empty        *rawDist `yaml:"empty"`
}

type rawHolds struct {
	Rate     *float64 `yaml:"rate"`
	Duration *rawDist `yaml:"duration"`
	Min      string   `yaml:"min"` // with max: uniform between them (the first demo's form)
	Max      string   `yaml:"max"`
}

// scenario converts the file's shape, applying defaults and reporting required fields left out and
// text that is not a duration or time.
func (r *rawScenario) scenario() (*Scenario, []problem) {
	var ps []problem
	sc := &Scenario{
		Name: r.Name, Layout: r.Layout, Start: defaultStart, Speed: defaultSpeed,
		Vessels: VesselDemand{QuayCranes: IntRange{2, 4}, TrucksPerCrane: 5},
		Gate:    GateDemand{ImportShare: 0.5},
	}
	if r.Seed == nil {
		ps = append(ps, problem{"seed", "is required: the same seed gives the same run"})
	} else {
		sc.Seed = *r.Seed
	}
	if r.Start != "" {
		t, err := time.Parse(time.RFC3339, r.Start)
		if err != nil {
			ps = append(ps, problem{"start", fmt.Sprintf("%q is not an RFC 3339 time such as 2026-03-02T06:00:00Z", r.Start)})
		}
		sc.Start = t.UTC()
	}
	setF(&sc.Speed, r.Speed)
	duration(&ps, "horizon", r.Horizon, &sc.Horizon)
	setF(&sc.InitialFill, r.InitialFill)
	setF(&sc.MisreportRate, r.MisreportRate)
	if r.Vessels == nil {
		ps = append(ps, problem{"vessels", "is required: interarrival (or a schedule), discharge and load"})
	} else {
		v := r.Vessels
		sc.Vessels.Interarrival = v.Interarrival.dist(&ps, "vessels.interarrival", timeUnit)
		duration(&ps, "vessels.repeat", v.Repeat, &sc.Vessels.Repeat)
		for i, c := range v.Schedule {
			f := fmt.Sprintf("vessels.schedule[%d]", i)
			call := ScheduledCall{Name: c.Name, Discharge: -1, Load: -1}
			if c.At == "" {
				ps = append(ps, problem{f + ".at", "is required: the arrival after the start, such as 30h"})
			}
			duration(&ps, f+".at", c.At, &call.At)
			if c.Discharge != nil {
				call.Discharge = *c.Discharge
			}
			if c.Load != nil {
				call.Load = *c.Load
			}
			sc.Vessels.Schedule = append(sc.Vessels.Schedule, call)
		}
		required := len(v.Schedule) == 0
		v.Discharge.into(&ps, "vessels.discharge", &sc.Vessels.Discharge, required)
		v.Load.into(&ps, "vessels.load", &sc.Vessels.Load, required)
		v.QuayCranes.into(&ps, "vessels.quay_cranes", &sc.Vessels.QuayCranes, false)
		if v.TrucksPerCrane != nil {
			sc.Vessels.TrucksPerCrane = *v.TrucksPerCrane
		}
		sc.Vessels.Pilotage = v.Pilotage.dist(&ps, "vessels.pilotage", timeUnit)
		sc.Vessels.Setup = v.Setup.dist(&ps, "vessels.setup", timeUnit)
		sc.Vessels.Unberth = v.Unberth.dist(&ps, "vessels.unberth", timeUnit)
	}
	if b := r.Boxes; b != nil {
		sc.Boxes = defaultBoxes
		setF(&sc.Boxes.Forty, b.Forty)
		setF(&sc.Boxes.FortyFive, b.FortyFive)
		setF(&sc.Boxes.Reefer, b.Reefer)
		setF(&sc.Boxes.Transhipment, b.Transhipment)
		setF(&sc.Boxes.Empty, b.Empty)
	}
	if fl := r.Fleet; fl != nil {
		setI(&sc.Fleet.QuayCranes, fl.QuayCranes)
		setI(&sc.Fleet.YardCranes, fl.YardCranes)
		setI(&sc.Fleet.Trucks, fl.Trucks)
	}
	if e := r.Equipment; e != nil {
		if q := e.QuayCrane; q != nil {
			sc.Equipment.QuayCycle = q.Cycle.dist(&ps, "equipment.quay_crane.cycle", timeUnit)
		}
		if y := e.YardCrane; y != nil {
			sc.Equipment.YardGantrySpeed = y.GantrySpeed.dist(&ps, "equipment.yard_crane.gantry_speed", speedUnit)
			sc.Equipment.YardTrolley = y.Trolley.dist(&ps, "equipment.yard_crane.trolley", timeUnit)
			sc.Equipment.YardHoist = y.Hoist.dist(&ps, "equipment.yard_crane.hoist", timeUnit)
		}
		sc.Equipment.TruckSpeed = e.TruckSpeed.dist(&ps, "equipment.truck_speed", speedUnit)
		sc.Equipment.RoadSpeed = e.RoadSpeed.dist(&ps, "equipment.road_speed", speedUnit)
	}
	if g := r.Gate; g != nil {
		setF(&sc.Gate.TrucksPerHour, g.TrucksPerHour)
		setF(&sc.Gate.ImportShare, g.ImportShare)
		sc.Gate.HourlyProfile = g.HourlyProfile
		sc.Gate.Service = g.Service.dist(&ps, "gate.service", timeUnit)
		sc.Gate.ExitService = g.ExitService.dist(&ps, "gate.exit_service", timeUnit)
		for _, id := range slices.Sorted(maps.Keys(g.LaneService)) {
			if sc.Gate.LaneService == nil {
				sc.Gate.LaneService = map[string]Dist{}
			}
			sc.Gate.LaneService[id] = g.LaneService[id].dist(&ps, "gate.lane_service."+id, timeUnit)
		}
		setI(&sc.Gate.LanesIn, g.LanesIn)
		setI(&sc.Gate.LanesOut, g.LanesOut)
	}
	if d := r.Dwell; d != nil {
		sc.Dwell.Import = d.Import.dist(&ps, "dwell.import", timeUnit)
		sc.Dwell.Export = d.Export.dist(&ps, "dwell.export", timeUnit)
		sc.Dwell.Transhipment = d.Transhipment.dist(&ps, "dwell.transhipment", timeUnit)
		sc.Dwell.Empty = d.Empty.dist(&ps, "dwell.empty", timeUnit)
	}
	if h := r.Holds; h != nil {
		setF(&sc.Holds.Rate, h.Rate)
		sc.Holds.Duration = h.Duration.dist(&ps, "holds.duration", timeUnit)
		if h.Min != "" || h.Max != "" {
			var lo, hi time.Duration
			if h.Min == "" || h.Max == "" || h.Duration != nil {
				ps = append(ps, problem{"holds.min", "give min and max together, or a duration distribution instead"})
			}
			duration(&ps, "holds.min", h.Min, &lo)
			duration(&ps, "holds.max", h.Max, &hi)
			if hi < lo {
				ps = append(ps, problem{"holds.max", fmt.Sprintf("%v is shorter than holds.min (%v)", hi, lo)})
			}
			sc.Holds.Duration = UniformDist(lo.Seconds(), hi.Seconds())
		}
	}
	sc.fillDefaults()
	return sc, ps
}

func setI(dst *int, v *int) {
	if v != nil {
		*dst = *v
	}
}

func setF(dst *float64, v *float64) {
	if v != nil {
		*dst = *v
	}
}

// duration parses s into dst when s is set.
func duration(ps *[]problem, field, s string, dst *time.Duration) {
	if s == "" {
		return
	}
	d, err := parseDuration(s)
	if err != nil {
		*ps = append(*ps, problem{field, fmt.Sprintf("%q is not a duration such as 90m, 6h, 168h or 7d", s)})
		return
	}
	*dst = d
}

func (r *rawRange) into(ps *[]problem, field string, dst *IntRange, required bool) {
	if r == nil {
		if required {
			*ps = append(*ps, problem{field, "is required: {min: …, max: …}"})
		}
		return
	}
	if r.Min == nil || r.Max == nil {
		*ps = append(*ps, problem{field, "needs both min and max"})
		return
	}
	*dst = IntRange{*r.Min, *r.Max}
}

// locator finds where fields are in a YAML file, to name line and column in errors.
type locator struct {
	file  string
	pos   map[string][2]int // dotted path → line, column of the value (of the key for a mapping)
	paths map[[2]int]string // line, column of a key or value token → dotted path
}

func newLocator(file string, data []byte) *locator {
	l := &locator{file: file, pos: map[string][2]int{}, paths: map[[2]int]string{}}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return l
	}
	for _, doc := range f.Docs {
		l.walk("", doc.Body)
	}
	return l
}

func (l *locator) walk(prefix string, n ast.Node) {
	switch n := n.(type) {
	case *ast.MappingNode:
		for _, mv := range n.Values {
			l.walkPair(prefix, mv)
		}
	case *ast.MappingValueNode:
		l.walkPair(prefix, n)
	case *ast.SequenceNode:
		for i, v := range n.Values {
			p := prefix + "[" + strconv.Itoa(i) + "]"
			l.mark(p, v, true)
			l.walk(p, v)
		}
	}
}

func (l *locator) walkPair(prefix string, mv *ast.MappingValueNode) {
	key := strings.TrimSpace(mv.Key.String())
	p := key
	if prefix != "" {
		p = prefix + "." + key
	}
	l.mark(p, mv.Key, false)
	switch mv.Value.(type) {
	case *ast.MappingNode, *ast.MappingValueNode, *ast.SequenceNode:
		l.pos[p] = position(mv.Key)
	default:
		l.mark(p, mv.Value, true)
	}
	l.walk(p, mv.Value)
}

func (l *locator) mark(path string, n ast.Node, isValue bool) {
	if n == nil || n.GetToken() == nil {
		return
	}
	pos := position(n)
	if _, seen := l.paths[pos]; !seen {
		l.paths[pos] = path
	}
	if isValue {
		l.pos[path] = pos
	}
}

func position(n ast.Node) [2]int {
	t := n.GetToken()
	if t == nil || t.Position == nil {
		return [2]int{}
	}
	return [2]int{t.Position.Line, t.Position.Column}
}

// at returns the error for field, placed at the field's value, or at its nearest parent present in
// the file (a required field left out is reported where its section is).
func (l *locator) at(field, reason string) *ScenarioError {
	e := &ScenarioError{File: l.file, Field: field, Reason: reason}
	for p := field; p != ""; {
		if pos, ok := l.pos[p]; ok {
			e.Line, e.Column = pos[0], pos[1]
			break
		}
		i := strings.LastIndexByte(p, '.')
		if i < 0 {
			break
		}
		p = p[:i]
	}
	if e.Line == 0 {
		e.Line, e.Column = 1, 1
	}
	return e
}

// yamlError turns a decoding error of goccy/go-yaml into a ScenarioError at the token it names.
func (l *locator) yamlError(err error) error {
	var ye yaml.Error
	if !errors.As(err, &ye) || ye.GetToken() == nil || ye.GetToken().Position == nil {
		return &ScenarioError{File: l.file, Reason: err.Error()}
	}
	pos := ye.GetToken().Position
	e := &ScenarioError{File: l.file, Line: pos.Line, Column: pos.Column, Reason: ye.GetMessage()}
	e.Field = l.paths[[2]int{pos.Line, pos.Column}]
	var te *yaml.TypeError
	if errors.As(err, &te) {
		e.Reason = fmt.Sprintf("%s, want %s", strings.TrimSpace(ye.GetToken().Value), kindWords(te.DstType))
	}
	var oe *yaml.OverflowError
	if errors.As(err, &oe) {
		e.Reason = fmt.Sprintf("%s is out of range, want %s", oe.SrcNum, kindWords(oe.DstType))
	}
	var ue *yaml.UnknownFieldError
	if errors.As(err, &ue) {
		e.Reason += " (see scenarios/tangermed/demo.yaml for the fields a scenario has)"
	}
	return e
}

func kindWords(t reflect.Type) string {
	if t == nil {
		return "another type"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number, 0 or more"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "text"
	case reflect.Struct, reflect.Map:
		return "a mapping of fields"
	case reflect.Slice, reflect.Array:
		return "a list"
	}
	return t.String()
}

// The defaults of what a scenario may leave out; see the fields' comments.
var (
	defaultBoxes     = BoxMix{Forty: 0.53, Reefer: 0.09, Transhipment: 0.74, Empty: 0.10}
	defaultEquipment = Equipment{
		QuayCycle:       UniformDist(73.5, 136.5),
		YardGantrySpeed: FixedDist(1.5),
		YardTrolley:     UniformDist(14, 26),
		YardHoist:       UniformDist(49, 91),
		TruckSpeed:      FixedDist(6.5),
		RoadSpeed:       FixedDist(5),
	}
	defaultDwell = Dwell{
		Import:       LognormalDist(5*day, 3*day),
		Export:       LognormalDist(4*day, 2*day),
		Transhipment: LognormalDist(3*day, 2*day),
		Empty:        LognormalDist(7*day, 4*day),
	}
	defaultPilotage    = UniformDist(35*60, 65*60)
	defaultSetup       = UniformDist(14*60, 26*60)
	defaultUnberth     = UniformDist(28*60, 52*60)
	defaultGateService = UniformDist(60, 180)
	defaultExitService = UniformDist(20, 60)
	defaultHold        = UniformDist(Secs(2*time.Hour), Secs(24*time.Hour))
)

const day = 24 * 3600.0 // s

// fillDefaults gives every distribution left unset its default, and the zero BoxMix the default
// mix.
func (sc *Scenario) fillDefaults() {
	if sc.Boxes == (BoxMix{}) {
		sc.Boxes = defaultBoxes
	}
	dflt := func(d *Dist, v Dist) {
		if !d.IsSet() {
			*d = v
		}
	}
	e, de := &sc.Equipment, defaultEquipment
	dflt(&e.QuayCycle, de.QuayCycle)
	dflt(&e.YardGantrySpeed, de.YardGantrySpeed)
	dflt(&e.YardTrolley, de.YardTrolley)
	dflt(&e.YardHoist, de.YardHoist)
	dflt(&e.TruckSpeed, de.TruckSpeed)
	dflt(&e.RoadSpeed, de.RoadSpeed)
	d, dd := &sc.Dwell, defaultDwell
	dflt(&d.Import, dd.Import)
	dflt(&d.Export, dd.Export)
	dflt(&d.Transhipment, dd.Transhipment)
	dflt(&d.Empty, dd.Empty)
	dflt(&sc.Vessels.Pilotage, defaultPilotage)
	dflt(&sc.Vessels.Setup, defaultSetup)
	dflt(&sc.Vessels.Unberth, defaultUnberth)
	dflt(&sc.Gate.Service, defaultGateService)
	dflt(&sc.Gate.ExitService, defaultExitService)
	dflt(&sc.Holds.Duration, defaultHold)
}
