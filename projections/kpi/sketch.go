package kpi

import (
	"cmp"
	"math"
	"slices"
	"sort"
)

// alpha is the relative accuracy of quantiles read from a sketch.
const alpha = 0.01

var (
	gamma   = (1 + alpha) / (1 - alpha)
	lnGamma = math.Log(gamma)
)

// sketch summarises durations (seconds) so that quantiles can be read from it, and from merged
// sketches, within alpha of the true value: DDSketch's logarithmic bins (Masson, Rim and Lee, VLDB
// 2019). Bin k holds the values in (gamma^(k-1), gamma^k]; values under a second go to Zero. Its
// size is bounded by the spread of the values, not by their number: durations from a second to a
// year fit in under 1,000 bins. Keys are sorted; Counts go with them.
type sketch struct {
	Keys   []int32  `json:"k,omitempty"`
	Counts []uint32 `json:"c,omitempty"`
	Zero   uint32   `json:"z,omitempty"`
}

func binOf(v float64) int32 { return int32(math.Ceil(math.Log(v) / lnGamma)) }

// binValue is the value that represents bin k, within alpha of any value in it.
func binValue(k int32) float64 { return 2 * math.Pow(gamma, float64(k)) / (gamma + 1) }

func (s *sketch) add(v float64) {
	if v < 1 {
		s.Zero++
		return
	}
	k := binOf(v)
	i, found := slices.BinarySearch(s.Keys, k)
	if found {
		s.Counts[i]++
		return
	}
	s.Keys = slices.Insert(s.Keys, i, k)
	s.Counts = slices.Insert(s.Counts, i, 1)
}

// durations is a running summary of durations: exact count, sum and maximum, and a sketch for the
// quantiles. Seconds throughout.
type durations struct {
	N   int     `json:"n,omitempty"`
	Sum float64 `json:"sum,omitempty"`
	Max float64 `json:"max,omitempty"`
	Sk  sketch  `json:"sk,omitzero"`
}

func (d *durations) add(seconds float64) {
	d.N++
	d.Sum += seconds
	d.Max = max(d.Max, seconds)
	d.Sk.add(seconds)
}

// merged gathers durations from many hours to read their distribution.
type merged struct {
	n    int
	sum  float64
	max  float64
	zero uint64
	bins map[int32]uint64
}

func (m *merged) add(d *durations) {
	if d == nil || d.N == 0 {
		return
	}
	m.n += d.N
	m.sum += d.Sum
	m.max = max(m.max, d.Max)
	m.zero += uint64(d.Sk.Zero)
	if m.bins == nil {
		m.bins = map[int32]uint64{}
	}
	for i, k := range d.Sk.Keys {
		m.bins[k] += uint64(d.Sk.Counts[i])
	}
}

// merge adds o into m.
func (m *merged) merge(o *merged) {
	if o.n == 0 {
		return
	}
	m.n += o.n
	m.sum += o.sum
	m.max = max(m.max, o.max)
	m.zero += o.zero
	if m.bins == nil {
		m.bins = map[int32]uint64{}
	}
	for k, n := range o.bins {
		m.bins[k] += n
	}
}

// distribution reads the summary in a unit of scale seconds (60 for minutes); nil when empty.
func (m *merged) distribution(scale float64) *Distribution {
	if m.n == 0 {
		return nil
	}
	return &Distribution{
		N:    m.n,
		Mean: round(m.sum / float64(m.n) / scale),
		P50:  round(m.quantile(0.5) / scale),
		P90:  round(m.quantile(0.9) / scale),
		Max:  round(m.max / scale),
	}
}

// quantile reads the nearest-rank q-quantile (seconds), within alpha of the exact value, and never
// above the exact maximum.
func (m *merged) quantile(q float64) float64 {
	rank := uint64(nearestRank(q, m.n))
	seen := m.zero
	if rank <= seen {
		return 0
	}
	keys := make([]int32, 0, len(m.bins))
	for k := range m.bins {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		seen += m.bins[k]
		if rank <= seen {
			return min(binValue(k), m.max)
		}
	}
	return m.max
}

// nearestRank is the 1-based rank of quantile q among n sorted values.
func nearestRank(q float64, n int) int {
	return max(1, min(n, int(math.Ceil(q*float64(n)))))
}

// exactDistribution reads the distribution of a few raw values (seconds) in a unit of scale seconds;
// nil when there are none. It sorts values.
func exactDistribution(values []float64, scale float64) *Distribution {
	if len(values) == 0 {
		return nil
	}
	sort.Float64s(values)
	sum := 0.0
	for _, v := range values {
		sum += v
	}
	n := len(values)
	return &Distribution{
		N:    n,
		Mean: round(sum / float64(n) / scale),
		P50:  round(values[nearestRank(0.5, n)-1] / scale),
		P90:  round(values[nearestRank(0.9, n)-1] / scale),
		Max:  round(values[n-1] / scale),
	}
}

// round keeps 6 decimals: enough for any KPI (a millisecond in hours, a utilisation of one TEU in
// a million), and readable in JSON.
func round(v float64) float64 { return math.Round(v*1e6) / 1e6 }

// insertSorted adds v to the sorted set s.
func insertSorted[T cmp.Ordered](s []T, v T) []T {
	if n := len(s); n == 0 || s[n-1] < v {
		return append(s, v)
	}
	i, found := slices.BinarySearch(s, v)
	if found {
		return s
	}
	return slices.Insert(s, i, v)
}
