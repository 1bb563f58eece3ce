package simulator

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"regexp"
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
	Gate          GateDemand
	Holds         HoldDemand
}

// VesselDemand is the sea side of the demand.
type VesselDemand struct {
	// Interarrival is the mean time between vessel arrivals; arrivals are a Poisson process.
	Interarrival time.Duration
	// Discharge is how many boxes a call discharges, drawn uniformly.
	Discharge IntRange
	// Load is how many boxes a call loads, drawn uniformly, then steered towards the initial fill and
	// limited by what the yard holds for loading.
	Load IntRange
	// QuayCranes is how many quay cranes work a call, drawn uniformly, at most as many as are free.
	QuayCranes IntRange
	// TrucksPerCrane is how many internal trucks serve each working quay crane.
	TrucksPerCrane int
}

// IntRange is an inclusive range of whole numbers.
type IntRange struct {
	Min, Max int
}

// GateDemand is the land side of the demand.
type GateDemand struct {
	// TrucksPerHour is the mean arrival rate of road trucks at the gate (a Poisson process); 0 closes
	// the gate.
	TrucksPerHour float64
	// ImportShare is the share of trucks coming to collect an import; the others deliver an export
	// or return an empty (as do those that find no import to collect).
	ImportShare float64
}

// HoldDemand is how often boxes are held (customs, inspection …) and for how long.
type HoldDemand struct {
	// Rate is the share of imports put on hold after they are stacked, 0..1.
	Rate float64
	// Min and Max bound how long a hold lasts, drawn uniformly.
	Min, Max time.Duration
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
	reported := map[string]bool{}
	for _, p := range problems {
		reported[p.field] = true
	}
	for _, p := range sc.check() {
		if !reported[p.field] { // one error per field: "not a duration" says enough
			problems = append(problems, p)
		}
	}
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
	case v.Interarrival == 0:
		add("vessels.interarrival", "is required: the mean time between arrivals, such as 6h")
	case v.Interarrival < time.Minute:
		add("vessels.interarrival", "%v: want a mean time between arrivals of at least 1m, such as 6h", v.Interarrival)
	}
	ps = append(ps, v.Discharge.check("vessels.discharge", 0, 20_000)...)
	ps = append(ps, v.Load.check("vessels.load", 0, 20_000)...)
	ps = append(ps, v.QuayCranes.check("vessels.quay_cranes", 1, 20)...)
	if v.TrucksPerCrane < 1 || v.TrucksPerCrane > 30 {
		add("vessels.trucks_per_crane", "%d: want 1 to 30", v.TrucksPerCrane)
	}
	if !(sc.Gate.TrucksPerHour >= 0 && sc.Gate.TrucksPerHour <= 5000) {
		add("gate.trucks_per_hour", "%g: want 0 to 5000", sc.Gate.TrucksPerHour)
	}
	if !(sc.Gate.ImportShare >= 0 && sc.Gate.ImportShare <= 1) {
		add("gate.import_share", "%g: want a share from 0 to 1", sc.Gate.ImportShare)
	}
	h := sc.Holds
	if !(h.Rate >= 0 && h.Rate <= 1) {
		add("holds.rate", "%g: want a share from 0 to 1", h.Rate)
	}
	if h.Rate > 0 {
		if h.Min <= 0 {
			add("holds.min", "%v: want a positive duration such as 2h", h.Min)
		}
		if h.Max < h.Min {
			add("holds.max", "%v is shorter than holds.min (%v)", h.Max, h.Min)
		}
	}
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
	Name          string      `yaml:"name"`
	Layout        string      `yaml:"layout"`
	Seed          *uint64     `yaml:"seed"`
	Start         string      `yaml:"start"`
	Speed         *float64    `yaml:"speed"`
	Horizon       string      `yaml:"horizon"`
	InitialFill   *float64    `yaml:"initial_fill"`
	MisreportRate *float64    `yaml:"misreport_rate"`
	Vessels       *rawVessels `yaml:"vessels"`
	Gate          *rawGate    `yaml:"gate"`
	Holds         *rawHolds   `yaml:"holds"`
}

type rawVessels struct {
	Interarrival   string    `yaml:"interarrival"`
	Discharge      *rawRange `yaml:"discharge"`
	Load           *rawRange `yaml:"load"`
	QuayCranes     *rawRange `yaml:"quay_cranes"`
	TrucksPerCrane *int      `yaml:"trucks_per_crane"`
}

type rawRange struct {
	Min *int `yaml:"min"`
	Max *int `yaml:"max"`
}

type rawGate struct {
	TrucksPerHour *float64 `yaml:"trucks_per_hour"`
	ImportShare   *float64 `yaml:"import_share"`
}

type rawHolds struct {
	Rate *float64 `yaml:"rate"`
	Min  string   `yaml:"min"`
	Max  string   `yaml:"max"`
}

// scenario converts the file's shape, applying defaults and reporting required fields left out and
// text that is not a duration or time.
func (r *rawScenario) scenario() (*Scenario, []problem) {
	var ps []problem
	sc := &Scenario{
		Name: r.Name, Layout: r.Layout, Start: defaultStart, Speed: defaultSpeed,
		Vessels: VesselDemand{QuayCranes: IntRange{2, 4}, TrucksPerCrane: 5},
		Gate:    GateDemand{ImportShare: 0.5},
		Holds:   HoldDemand{Min: 2 * time.Hour, Max: 24 * time.Hour},
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
		ps = append(ps, problem{"vessels", "is required: interarrival, discharge and load"})
	} else {
		v := r.Vessels
		duration(&ps, "vessels.interarrival", v.Interarrival, &sc.Vessels.Interarrival)
		v.Discharge.into(&ps, "vessels.discharge", &sc.Vessels.Discharge, true)
		v.Load.into(&ps, "vessels.load", &sc.Vessels.Load, true)
		v.QuayCranes.into(&ps, "vessels.quay_cranes", &sc.Vessels.QuayCranes, false)
		if v.TrucksPerCrane != nil {
			sc.Vessels.TrucksPerCrane = *v.TrucksPerCrane
		}
	}
	if g := r.Gate; g != nil {
		setF(&sc.Gate.TrucksPerHour, g.TrucksPerHour)
		setF(&sc.Gate.ImportShare, g.ImportShare)
	}
	if h := r.Holds; h != nil {
		setF(&sc.Holds.Rate, h.Rate)
		duration(&ps, "holds.min", h.Min, &sc.Holds.Min)
		duration(&ps, "holds.max", h.Max, &sc.Holds.Max)
	}
	return sc, ps
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
	d, err := time.ParseDuration(s)
	if err != nil {
		*ps = append(*ps, problem{field, fmt.Sprintf("%q is not a duration such as 90m, 6h or 168h", s)})
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
