package simulator

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
)

// DistKind names a family of distributions a scenario may draw times and speeds from.
type DistKind string

// The distributions of a scenario file.
const (
	Fixed       DistKind = "fixed"       // always Value
	Exponential DistKind = "exponential" // memoryless, mean Mean (Poisson arrivals)
	Uniform     DistKind = "uniform"     // evenly between Min and Max
	Triangular  DistKind = "triangular"  // between Min and Max, most likely Mode
	Lognormal   DistKind = "lognormal"   // positive, right-skewed, with mean Mean and standard deviation SD
	Empirical   DistKind = "empirical"   // one of Values, with probabilities proportional to Weights
)

var distKinds = []DistKind{Fixed, Exponential, Uniform, Triangular, Lognormal, Empirical}

// Dist is a distribution of non-negative numbers: seconds for times, metres per second for speeds
// (the scenario field says which). The zero value (no Kind) means "not set": the field's default
// applies.
type Dist struct {
	Kind           DistKind
	Value          float64   // fixed
	Mean, SD       float64   // exponential (Mean), lognormal (Mean and SD)
	Min, Mode, Max float64   // uniform (Min, Max), triangular (Min, Mode, Max)
	Values         []float64 // empirical
	Weights        []float64 // empirical; nil means equally likely
}

// FixedDist, ExpDist, UniformDist, TriangularDist, LognormalDist and EmpiricalDist build
// distributions in code.
func FixedDist(v float64) Dist        { return Dist{Kind: Fixed, Value: v} }
func ExpDist(mean float64) Dist       { return Dist{Kind: Exponential, Mean: mean} }
func UniformDist(lo, hi float64) Dist { return Dist{Kind: Uniform, Min: lo, Max: hi} }
func TriangularDist(lo, mode, hi float64) Dist {
	return Dist{Kind: Triangular, Min: lo, Mode: mode, Max: hi}
}
func LognormalDist(mean, sd float64) Dist { return Dist{Kind: Lognormal, Mean: mean, SD: sd} }
func EmpiricalDist(values, weights []float64) Dist {
	return Dist{Kind: Empirical, Values: values, Weights: weights}
}

// Secs is a duration in seconds, for building time distributions in code.
func Secs(d time.Duration) float64 { return d.Seconds() }

// IsSet reports whether the distribution was given.
func (d Dist) IsSet() bool { return d.Kind != "" }

// Sample draws one number.
func (d Dist) Sample(r *rand.Rand) float64 {
	switch d.Kind {
	case Fixed:
		return d.Value
	case Exponential:
		return r.ExpFloat64() * d.Mean
	case Uniform:
		return d.Min + (d.Max-d.Min)*r.Float64()
	case Triangular:
		return triangular(r.Float64(), d.Min, d.Mode, d.Max)
	case Lognormal:
		mu, sigma := d.lognormal()
		return math.Exp(mu + sigma*r.NormFloat64())
	case Empirical:
		if len(d.Weights) == 0 {
			return d.Values[r.IntN(len(d.Values))]
		}
		return d.Values[pick(r, d.Weights)]
	}
	panic("simulator: a distribution is checked before it is drawn from: kind " + string(d.Kind))
}

// Duration draws a time (the distribution in seconds).
func (d Dist) Duration(r *rand.Rand) time.Duration {
	return time.Duration(d.Sample(r) * float64(time.Second))
}

// MeanValue is the distribution's expected value.
func (d Dist) MeanValue() float64 {
	switch d.Kind {
	case Fixed:
		return d.Value
	case Exponential, Lognormal:
		return d.Mean
	case Uniform:
		return (d.Min + d.Max) / 2
	case Triangular:
		return (d.Min + d.Mode + d.Max) / 3
	case Empirical:
		if len(d.Weights) == 0 {
			s := 0.0
			for _, v := range d.Values {
				s += v
			}
			return s / float64(max(len(d.Values), 1))
		}
		s, w := 0.0, 0.0
		for i, v := range d.Values {
			s += v * d.Weights[i]
			w += d.Weights[i]
		}
		return s / w
	}
	return 0
}

// lognormal returns the parameters of the normal distribution of the logarithm.
func (d Dist) lognormal() (mu, sigma float64) {
	s2 := math.Log(1 + (d.SD*d.SD)/(d.Mean*d.Mean))
	return math.Log(d.Mean) - s2/2, math.Sqrt(s2)
}

// triangular inverts the triangular distribution's CDF at u.
func triangular(u, a, c, b float64) float64 {
	if b == a {
		return a
	}
	if f := (c - a) / (b - a); u < f {
		return a + math.Sqrt(u*(b-a)*(c-a))
	}
	return b - math.Sqrt((1-u)*(b-a)*(b-c))
}

// check returns the problems of a distribution set for field; lo is the smallest value allowed (0
// for times, more for speeds), unit how values are written in errors.
func (d Dist) check(field string, lo float64, unit func(float64) string) []problem {
	var ps []problem
	add := func(sub, format string, args ...any) {
		f := field
		if sub != "" {
			f += "." + sub
		}
		ps = append(ps, problem{f, fmt.Sprintf(format, args...)})
	}
	bad := func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) || v < lo }
	switch d.Kind {
	case Fixed:
		if bad(d.Value) {
			add("value", "%s: want at least %s", unit(d.Value), unit(lo))
		}
	case Exponential:
		if bad(d.Mean) || d.Mean <= 0 {
			add("mean", "%s: want more than 0", unit(d.Mean))
		}
	case Uniform:
		if bad(d.Min) {
			add("min", "%s: want at least %s", unit(d.Min), unit(lo))
		}
		if bad(d.Max) || d.Max < d.Min {
			add("max", "%s: want at least min (%s)", unit(d.Max), unit(d.Min))
		}
	case Triangular:
		if bad(d.Min) {
			add("min", "%s: want at least %s", unit(d.Min), unit(lo))
		}
		if bad(d.Mode) || d.Mode < d.Min {
			add("mode", "%s: want from min (%s) to max (%s)", unit(d.Mode), unit(d.Min), unit(d.Max))
		}
		if bad(d.Max) || d.Max < d.Mode || d.Max < d.Min {
			add("max", "%s: want at least mode (%s)", unit(d.Max), unit(d.Mode))
		}
	case Lognormal:
		if bad(d.Mean) || d.Mean <= 0 {
			add("mean", "%s: want more than 0", unit(d.Mean))
		}
		if bad(d.SD) || d.SD < 0 {
			add("sd", "%s: want 0 or more", unit(d.SD))
		}
	case Empirical:
		if len(d.Values) == 0 {
			add("values", "is required: the values drawn from, such as [60s, 90s, 120s]")
		}
		for i, v := range d.Values {
			if bad(v) {
				add(fmt.Sprintf("values[%d]", i), "%s: want at least %s", unit(v), unit(lo))
			}
		}
		if d.Weights != nil {
			if len(d.Weights) != len(d.Values) {
				add("weights", "%d weights for %d values: want one weight per value", len(d.Weights), len(d.Values))
			}
			sum := 0.0
			for i, w := range d.Weights {
				if math.IsNaN(w) || math.IsInf(w, 0) || w < 0 {
					add(fmt.Sprintf("weights[%d]", i), "%g: want 0 or more", w)
				}
				sum += w
			}
			if sum <= 0 && len(d.Weights) > 0 {
				add("weights", "all zero: want at least one weight above 0")
			}
		}
	case "":
	default:
		add("dist", "%q: want one of %s", d.Kind, distNames())
	}
	return ps
}

func distNames() string {
	s := make([]string, len(distKinds))
	for i, k := range distKinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// String writes the distribution as a scenario file would (times in seconds).
func (d Dist) String() string {
	switch d.Kind {
	case Fixed:
		return fmt.Sprintf("fixed %g", d.Value)
	case Exponential:
		return fmt.Sprintf("exponential mean %g", d.Mean)
	case Uniform:
		return fmt.Sprintf("uniform %g..%g", d.Min, d.Max)
	case Triangular:
		return fmt.Sprintf("triangular %g/%g/%g", d.Min, d.Mode, d.Max)
	case Lognormal:
		return fmt.Sprintf("lognormal mean %g sd %g", d.Mean, d.SD)
	case Empirical:
		return fmt.Sprintf("empirical %v %v", d.Values, d.Weights)
	}
	return "unset"
}

// Reading distributions from a scenario file.

// rawDist is a distribution as written: a bare value (fixed) or a mapping with "dist" and the
// family's parameters.
type rawDist struct {
	v   any
	set bool
}

// UnmarshalYAML implements yaml.BytesUnmarshaler: keep the value as decoded, check it later.
func (r *rawDist) UnmarshalYAML(b []byte) error {
	r.set = true
	return yaml.Unmarshal(b, &r.v)
}

// distUnit converts a written value (a duration text or a number) to the Dist's unit.
type distUnit struct {
	parse func(v any) (float64, error)
	show  func(float64) string
}

// timeUnit reads durations ("90s", "1.5h", "4d"); a bare number is refused, since seconds or
// hours would be a guess.
var timeUnit = distUnit{
	parse: func(v any) (float64, error) {
		s, ok := v.(string)
		if !ok {
			return 0, fmt.Errorf("%v is not a duration: write a unit, such as 90s, 45m, 6h or 4d", v)
		}
		d, err := parseDuration(s)
		if err != nil {
			return 0, err
		}
		return d.Seconds(), nil
	},
	show: func(s float64) string { return fmtDuration(time.Duration(s * float64(time.Second))) },
}

// speedUnit reads speeds in metres per second (a bare number).
var speedUnit = distUnit{
	parse: func(v any) (float64, error) {
		x, ok := number(v)
		if !ok {
			return 0, fmt.Errorf("%v is not a speed: write metres per second as a number, such as 6.5", v)
		}
		return x, nil
	},
	show: func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) + " m/s" },
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

// parseDuration reads a Go duration, or a number of days with the suffix d ("4d", "1.5d").
func parseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.ParseFloat(days, 64); err == nil {
			return time.Duration(n * float64(24*time.Hour)), nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration such as 90s, 45m, 6h or 4d", s)
	}
	return d, nil
}

func fmtDuration(d time.Duration) string {
	if d != 0 && d%(24*time.Hour) == 0 {
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	}
	return d.String()
}

// dist converts a written distribution; problems are reported under field.
func (r *rawDist) dist(ps *[]problem, field string, u distUnit) Dist {
	if r == nil || !r.set {
		return Dist{}
	}
	fail := func(sub, format string, args ...any) {
		f := field
		if sub != "" {
			f += "." + sub
		}
		*ps = append(*ps, problem{f, fmt.Sprintf(format, args...)})
	}
	m, ok := r.v.(map[string]any)
	if !ok {
		x, err := u.parse(r.v)
		if err != nil {
			fail("", "%v (or a distribution such as {dist: triangular, min: 60s, mode: 90s, max: 150s})", err)
			return Dist{}
		}
		return FixedDist(x)
	}
	kind, _ := m["dist"].(string)
	if kind == "" {
		fail("dist", "is required: one of %s", distNames())
		return Dist{}
	}
	d := Dist{Kind: DistKind(kind)}
	if !slices.Contains(distKinds, d.Kind) {
		fail("dist", "%q: want one of %s", kind, distNames())
		return Dist{}
	}
	params := map[DistKind][]string{
		Fixed: {"value"}, Exponential: {"mean"}, Uniform: {"min", "max"}, Triangular: {"min", "mode", "max"},
		Lognormal: {"mean", "sd"}, Empirical: {"values", "weights"},
	}[d.Kind]
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if k != "dist" && !slices.Contains(params, k) {
			fail(k, "is not a parameter of %s (it takes %s)", kind, strings.Join(params, ", "))
		}
	}
	get := func(k string, dst *float64) {
		v, ok := m[k]
		if !ok {
			fail(k, "is required by %s (it takes %s)", kind, strings.Join(params, ", "))
			return
		}
		x, err := u.parse(v)
		if err != nil {
			fail(k, "%v", err)
			return
		}
		*dst = x
	}
	switch d.Kind {
	case Fixed:
		get("value", &d.Value)
	case Exponential:
		get("mean", &d.Mean)
	case Uniform:
		get("min", &d.Min)
		get("max", &d.Max)
	case Triangular:
		get("min", &d.Min)
		get("mode", &d.Mode)
		get("max", &d.Max)
	case Lognormal:
		get("mean", &d.Mean)
		get("sd", &d.SD)
	case Empirical:
		vs, ok := m["values"].([]any)
		if !ok {
			fail("values", "is required by empirical: a list such as [60s, 90s, 120s]")
			return Dist{}
		}
		for i, v := range vs {
			x, err := u.parse(v)
			if err != nil {
				fail(fmt.Sprintf("values[%d]", i), "%v", err)
				continue
			}
			d.Values = append(d.Values, x)
		}
		if w, ok := m["weights"]; ok {
			ws, ok := w.([]any)
			if !ok {
				fail("weights", "want a list of numbers, one per value")
				return Dist{}
			}
			d.Weights = []float64{}
			for i, v := range ws {
				x, ok := number(v)
				if !ok {
					fail(fmt.Sprintf("weights[%d]", i), "%v: want a number", v)
					continue
				}
				d.Weights = append(d.Weights, x)
			}
		}
	}
	return d
}
