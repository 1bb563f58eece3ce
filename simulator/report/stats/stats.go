// Package stats compares two policies run on the same seeds: the mean paired difference of a KPI
// with its Student t confidence interval, and which policy the interval says is better.
//
// Runs of two policies on the same seed share their random draws (common random numbers), so the
// noise of the scenario largely cancels in each seed's difference; the paired interval is then far
// narrower than one built from two independent samples. The differences are assumed to be roughly
// normal: with few seeds the t interval is exact only for normal differences, and it grows robust
// as seeds are added.
package stats

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Better says which direction of a KPI is good.
type Better string

// Directions of a KPI.
const (
	Higher  Better = "higher"
	Lower   Better = "lower"
	Neither Better = "neither" // a level that a planner reads, not a goal (utilisation, dwell)
)

// Verdicts of a comparison of B against A.
const (
	VerdictA       = "A"       // A is significantly better
	VerdictB       = "B"       // B is significantly better
	VerdictNone    = "none"    // the interval spans 0: no significant difference
	VerdictHigher  = "higher"  // for a KPI with no better direction: B is significantly higher
	VerdictLower   = "lower"   // B is significantly lower
	VerdictUnknown = "unknown" // fewer than two pairs: no interval
)

// ErrTooFewPairs is returned when fewer than two pairs are given: a single difference has no spread.
var ErrTooFewPairs = errors.New("stats: a confidence interval needs at least two pairs")

// TQuantile returns the p-quantile of Student's t distribution with df degrees of freedom; for a
// two-sided interval at level L, p = (1+L)/2 (0.975 for 95 %).
func TQuantile(p float64, df int) float64 {
	return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(df)}.Quantile(p)
}

// Paired is the comparison of B with A over seeds, in the KPI's unit.
type Paired struct {
	N     int     `json:"n"` // pairs
	MeanA float64 `json:"mean_a"`
	MeanB float64 `json:"mean_b"`
	// Diff is the mean of B−A over the pairs, SD their sample standard deviation (n−1).
	Diff float64 `json:"diff"`
	SD   float64 `json:"sd"`
	// Level is the confidence level (0.95); T the t quantile used; Low and High bound the interval
	// Diff ± T·SD/√N.
	Level float64 `json:"level"`
	T     float64 `json:"t"`
	Low   float64 `json:"ci_low"`
	High  float64 `json:"ci_high"`
}

// Compare returns the paired comparison of b with a at the given confidence level (0 < level < 1):
// a[i] and b[i] are one seed's values. It needs at least two pairs.
func Compare(a, b []float64, level float64) (Paired, error) {
	if len(a) != len(b) {
		return Paired{}, fmt.Errorf("stats: %d values of A and %d of B: pairs need one of each", len(a), len(b))
	}
	if !(level > 0 && level < 1) {
		return Paired{}, fmt.Errorf("stats: level %g is not between 0 and 1", level)
	}
	n := len(a)
	if n < 2 {
		return Paired{}, ErrTooFewPairs
	}
	d := make([]float64, n)
	for i := range a {
		if math.IsNaN(a[i]) || math.IsNaN(b[i]) || math.IsInf(a[i], 0) || math.IsInf(b[i], 0) {
			return Paired{}, fmt.Errorf("stats: pair %d (%g, %g) is not a pair of finite numbers", i+1, a[i], b[i])
		}
		d[i] = b[i] - a[i]
	}
	mean, sd := stat.MeanStdDev(d, nil) // sd with n−1
	t := TQuantile((1+level)/2, n-1)
	half := t * sd / math.Sqrt(float64(n))
	return Paired{
		N: n, MeanA: stat.Mean(a, nil), MeanB: stat.Mean(b, nil),
		Diff: mean, SD: sd, Level: level, T: t, Low: mean - half, High: mean + half,
	}, nil
}

// Significant reports whether the interval excludes 0.
func (p Paired) Significant() bool { return p.N >= 2 && (p.Low > 0 || p.High < 0) }

// Verdict says which of A and B the interval favours for a KPI whose better direction is dir.
func (p Paired) Verdict(dir Better) string {
	switch {
	case p.N < 2:
		return VerdictUnknown
	case !p.Significant():
		return VerdictNone
	}
	up := p.Low > 0 // B is higher than A
	switch dir {
	case Higher:
		if up {
			return VerdictB
		}
		return VerdictA
	case Lower:
		if up {
			return VerdictA
		}
		return VerdictB
	}
	if up {
		return VerdictHigher
	}
	return VerdictLower
}
