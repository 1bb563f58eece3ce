package report

import (
	"errors"
	"fmt"

	"github.com/yardtwin/yardtwin/simulator/report/stats"
)

// Comparison is policies compared over common seeds, written as compare.json.
type Comparison struct {
	Scenario     string `json:"scenario"`
	ScenarioFile string `json:"scenario_file,omitempty"`
	Terminal     string `json:"terminal"`
	Horizon      string `json:"horizon"`
	// Kind is the kind of decision whose policy differs between the variants.
	Kind string `json:"kind"`
	// Variants are the policy sets compared; the first is the baseline (A) every other is
	// compared with.
	Variants []Variant `json:"variants"`
	// Seeds are the scenario seeds every variant ran on (common random numbers).
	Seeds []uint64 `json:"seeds"`
	// Level is the confidence level of the intervals (0.95).
	Level float64    `json:"level"`
	KPIs  []KPIPairs `json:"kpis"`
}

// Variant is one policy set of a comparison.
type Variant struct {
	Label    string            `json:"label"` // KIND=NAME of the varied kind
	Policies map[string]string `json:"policies"`
}

// KPIPairs is one KPI across the variants and seeds.
type KPIPairs struct {
	Key    string       `json:"key"`
	Name   string       `json:"name"`
	Unit   string       `json:"unit"`
	Better stats.Better `json:"better"`
	Source string       `json:"source"`
	// Values[v][s] is variant v's value on seed s; null where the run had nothing to measure.
	Values [][]*float64 `json:"values"`
	// Means[v] is variant v's mean over the seeds with a value; MeanA is Means[0].
	Means []*float64 `json:"means"`
	MeanA *float64   `json:"-"`
	// Diffs[v-1] compares variant v with the baseline.
	Diffs []Diff `json:"diffs"`
}

// Diff is one variant against the baseline on one KPI.
type Diff struct {
	Variant string `json:"variant"`
	// Paired is the mean difference (variant − baseline) with its interval, over the seeds where
	// both have a value; null with fewer than two such seeds.
	Paired *stats.Paired `json:"paired"`
	// Verdict is stats' verdict ("A", "B", "none", "higher", "lower", "unknown"); Winner says it in
	// words: a variant's label, "no significant difference", or for a KPI with no better direction
	// which variant is higher.
	Verdict string `json:"verdict"`
	Winner  string `json:"winner"`
}

// Compare builds the comparison of runs[v][s] (variant v on seed s); every variant must have run
// on the same seeds, in the same order.
func Compare(c Comparison, runs [][]*Run) (*Comparison, error) {
	if len(runs) < 2 || len(runs) != len(c.Variants) {
		return nil, fmt.Errorf("compare: %d variants with %d sets of runs: need two or more, one set each", len(c.Variants), len(runs))
	}
	for v, rs := range runs {
		if len(rs) != len(c.Seeds) {
			return nil, fmt.Errorf("compare: variant %s ran %d seeds of %d", c.Variants[v].Label, len(rs), len(c.Seeds))
		}
	}
	if len(c.Seeds) == 0 {
		return nil, errors.New("compare: no seeds")
	}
	if c.Level == 0 {
		c.Level = 0.95
	}
	for _, proto := range runs[0][0].KPIs {
		k := KPIPairs{Key: proto.Key, Name: proto.Name, Unit: proto.Unit, Better: proto.Better, Source: proto.Source}
		k.Values = make([][]*float64, len(runs))
		k.Means = make([]*float64, len(runs))
		for v, rs := range runs {
			k.Values[v] = make([]*float64, len(rs))
			sum, n := 0.0, 0
			for s, r := range rs {
				if kk, ok := r.KPI(proto.Key); ok && kk.Value != nil {
					val := *kk.Value
					k.Values[v][s] = &val
					sum += val
					n++
				}
			}
			if n > 0 {
				m := sum / float64(n)
				k.Means[v] = &m
			}
		}
		k.MeanA = k.Means[0]
		for v := 1; v < len(runs); v++ {
			k.Diffs = append(k.Diffs, diff(c, k, v))
		}
		c.KPIs = append(c.KPIs, k)
	}
	return &c, nil
}

func diff(c Comparison, k KPIPairs, v int) Diff {
	d := Diff{Variant: c.Variants[v].Label}
	var a, b []float64
	for s := range c.Seeds {
		if x, y := k.Values[0][s], k.Values[v][s]; x != nil && y != nil {
			a, b = append(a, *x), append(b, *y)
		}
	}
	p, err := stats.Compare(a, b, c.Level)
	if err != nil {
		d.Verdict = stats.VerdictUnknown
		d.Winner = fmt.Sprintf("not enough seeds with a value (%d pairs)", len(a))
		return d
	}
	d.Paired = &p
	d.Verdict = p.Verdict(k.Better)
	base := c.Variants[0].Label
	switch d.Verdict {
	case stats.VerdictA:
		d.Winner = base
	case stats.VerdictB:
		d.Winner = d.Variant
	case stats.VerdictNone:
		d.Winner = "no significant difference"
	case stats.VerdictHigher:
		d.Winner = d.Variant + " higher (neither is better)"
	case stats.VerdictLower:
		d.Winner = d.Variant + " lower (neither is better)"
	}
	return d
}
