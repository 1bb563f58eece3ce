package simulator_test

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/simulator"
)

// TestDistributionsHaveTheirMean draws 200,000 values of each family with a fixed seed and wants
// the sample mean within 1 % of the distribution's mean, the sample standard deviation within 3 %
// of the family's, and every draw within the family's bounds.
func TestDistributionsHaveTheirMean(t *testing.T) {
	tests := []struct {
		name     string
		give     simulator.Dist
		wantMean float64
		wantSD   float64
		wantLo   float64
		wantHi   float64
	}{
		{"fixed", simulator.FixedDist(90), 90, 0, 90, 90},
		{"exponential", simulator.ExpDist(25200), 25200, 25200, 0, math.Inf(1)},
		{"uniform", simulator.UniformDist(60, 180), 120, 120 / math.Sqrt(12), 60, 180},
		{"triangular", simulator.TriangularDist(60, 90, 240), 130, math.Sqrt((60*60 + 90*90 + 240*240 - 60*90 - 60*240 - 90*240) / 18.0), 60, 240},
		{"lognormal", simulator.LognormalDist(432000, 259200), 432000, 259200, 0, math.Inf(1)},
		{"empirical", simulator.EmpiricalDist([]float64{60, 90, 120}, []float64{1, 2, 1}), 90, math.Sqrt(450), 60, 120},
		{"empirical equal weights", simulator.EmpiricalDist([]float64{10, 20, 60}, nil), 30, math.Sqrt((400 + 100 + 900) / 3.0), 10, 60},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := simulator.NewRand(42, tt.name)
			const n = 200_000
			sum, sq := 0.0, 0.0
			for range n {
				x := tt.give.Sample(r)
				if x < tt.wantLo || x > tt.wantHi {
					t.Fatalf("drew %g outside [%g, %g]", x, tt.wantLo, tt.wantHi)
				}
				sum += x
				sq += x * x
			}
			mean := sum / n
			sd := math.Sqrt(sq/n - mean*mean)
			if math.Abs(mean-tt.wantMean) > 0.01*tt.wantMean {
				t.Errorf("mean %g, want %g ± 1 %%", mean, tt.wantMean)
			}
			if math.Abs(sd-tt.wantSD) > 0.03*tt.wantSD+1e-9 {
				t.Errorf("standard deviation %g, want %g ± 3 %%", sd, tt.wantSD)
			}
			if m := tt.give.MeanValue(); math.Abs(m-tt.wantMean) > 1e-9*tt.wantMean {
				t.Errorf("MeanValue %g, want %g", m, tt.wantMean)
			}
		})
	}
}

// TestEmpiricalDrawsOnlyItsValues wants only the listed values, each about as often as its weight
// says, and a value of weight 0 never.
func TestEmpiricalDrawsOnlyItsValues(t *testing.T) {
	d := simulator.EmpiricalDist([]float64{45, 60, 75, 600}, []float64{3, 5, 2, 0})
	r := simulator.NewRand(7, "empirical")
	counts := map[float64]int{}
	const n = 100_000
	for range n {
		counts[d.Sample(r)]++
	}
	for v := range counts {
		if !slices.Contains(d.Values, v) {
			t.Fatalf("drew %g, not one of %v", v, d.Values)
		}
	}
	if counts[600] != 0 {
		t.Errorf("drew the value of weight 0 %d times", counts[600])
	}
	for i, w := range []float64{0.3, 0.5, 0.2} {
		got := float64(counts[d.Values[i]]) / n
		if math.Abs(got-w) > 0.01 {
			t.Errorf("%g drawn %.3f of the time, want %.2f", d.Values[i], got, w)
		}
	}
}

// TestHourlyProfileShapesArrivals runs a gate whose profile opens only 08:00–10:00 UTC: every
// truck arrives then, at about the day's rate concentrated into those hours.
func TestHourlyProfileShapesArrivals(t *testing.T) {
	t.Parallel()
	l := testLayout(t)
	sc := testScenario()
	profile := make([]float64, 24)
	profile[8], profile[9] = 1, 1
	sc.Gate.HourlyProfile = profile
	sc.Gate.TrucksPerHour = 6 // 144 a day, all within two hours
	envs, f := run(t, sc, l, simulator.Options{}, 72*time.Hour)
	n := 0
	for _, e := range envs {
		if e.Type != "gate.TruckArrived" {
			continue
		}
		n++
		if h := e.Time.Hour(); h != 8 && h != 9 {
			t.Fatalf("a truck arrived at %s, outside the profile's hours", e.Time.Format(time.RFC3339))
		}
	}
	if want := 3 * 144.0; math.Abs(float64(n)-want) > 4*math.Sqrt(want) {
		t.Errorf("%d trucks in three days, want about %g", n, want)
	}
	if n != f.Stats().TrucksArrived {
		t.Errorf("%d arrivals in the log, stats say %d", n, f.Stats().TrucksArrived)
	}
}
