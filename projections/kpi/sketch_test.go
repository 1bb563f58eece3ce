package kpi

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestMergedSketchesReadQuantilesWithinAlpha spreads durations over many hourly summaries, merges
// them and checks every percentile against the exact nearest-rank value.
func TestMergedSketchesReadQuantilesWithinAlpha(t *testing.T) {
	tests := []struct {
		name string
		give func(r *rand.Rand) float64
	}{
		{name: "truck turns, minutes to hours", give: func(r *rand.Rand) float64 { return 300 + r.ExpFloat64()*1800 }},
		{name: "dwell, hours to weeks", give: func(r *rand.Rand) float64 { return math.Exp(r.NormFloat64()*1.2 + 12) }},
		{name: "some under a second", give: func(r *rand.Rand) float64 { return r.Float64() * 5 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			hours := make([]durations, 50)
			var all []float64
			for i := range 20_000 {
				v := tt.give(r)
				hours[i%len(hours)].add(v)
				all = append(all, v)
			}
			var m merged
			for i := range hours {
				m.add(&hours[i])
			}
			slices.Sort(all)
			for _, q := range []float64{0.01, 0.1, 0.5, 0.9, 0.99, 1} {
				exact := all[nearestRank(q, len(all))-1]
				got := m.quantile(q)
				if exact < 1 {
					if got != 0 {
						t.Errorf("q%.2f = %g, want 0 for %g (under a second)", q, got, exact)
					}
					continue
				}
				if math.Abs(got-exact) > alpha*exact {
					t.Errorf("q%.2f = %g, exact %g: off by more than %g", q, got, exact, alpha)
				}
			}
			d := m.distribution(1)
			sum := 0.0
			for _, v := range all {
				sum += v
			}
			if d.N != len(all) || math.Abs(d.Mean-sum/float64(len(all))) > 1e-5 || d.Max != round(all[len(all)-1]) {
				t.Errorf("distribution %+v", d)
			}
		})
	}
}

func TestSketchStaysSmall(t *testing.T) {
	var d durations
	for v := 1.0; v < 365*86400; v *= 1.001 {
		d.add(v)
	}
	if n := len(d.Sk.Keys); n > 1000 {
		t.Fatalf("%d bins for a second to a year", n)
	}
}
