package simulator

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"time"
)

// NewRand returns the random stream named stream of a run with the given seed: a PCG generator
// whose state is the seed and a hash of the name. Each model draws from its own stream, so a model
// added later, or drawing more often, leaves the others' draws unchanged.
func NewRand(seed uint64, stream string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(stream))
	return rand.New(rand.NewPCG(seed, h.Sum64()))
}

// exponential draws an exponentially distributed duration with the given mean.
func exponential(r *rand.Rand, mean time.Duration) time.Duration {
	return time.Duration(r.ExpFloat64() * float64(mean))
}

// jitter draws a duration uniformly within ±frac of mean.
func jitter(r *rand.Rand, mean time.Duration, frac float64) time.Duration {
	return time.Duration(float64(mean) * (1 + frac*(2*r.Float64()-1)))
}

// between draws an integer uniformly from [lo, hi].
func between(r *rand.Rand, lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + r.IntN(hi-lo+1)
}

// uniform draws a float uniformly from [lo, hi).
func uniform(r *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*r.Float64() }

// chance reports true with probability p.
func chance(r *rand.Rand, p float64) bool { return p > 0 && r.Float64() < p }

// pick draws an index from weights (not necessarily summing to 1).
func pick(r *rand.Rand, weights []float64) int {
	total := 0.0
	for _, w := range weights {
		total += w
	}
	x := r.Float64() * total
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

// roundTo rounds x to a multiple of step; a step below 1 is taken as 1/n, so that the result is the
// double nearest the decimal (236.1, not 236.10000000000002).
func roundTo(x, step float64) float64 {
	if step < 1 {
		n := math.Round(1 / step)
		return math.Round(x*n) / n
	}
	return math.Round(x/step) * step
}
