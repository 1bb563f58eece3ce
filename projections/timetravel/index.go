package timetravel

import (
	"math"
	"sort"
	"time"
)

// Instants in the index are Unix nanoseconds. noTime marks "nothing" at either end: the smallest
// Time of an empty block is +∞ and its largest -∞. Real instants are clamped inside.
const (
	minusInf int64 = math.MinInt64
	plusInf  int64 = math.MaxInt64
)

var (
	earliest = time.Unix(0, minusInf+1)
	latest   = time.Unix(0, plusInf-1)
)

// nanos is t in Unix nanoseconds, clamped to the years 1678 to 2262 (outside them UnixNano is undefined).
func nanos(t time.Time) int64 {
	switch {
	case t.Before(earliest):
		return minusInf + 1
	case t.After(latest):
		return plusInf - 1
	}
	return t.UnixNano()
}

// defaultBlock is how many positions one index entry covers.
const defaultBlock = 1024

// block summarises the events at positions b*size+1 .. (b+1)*size seen so far.
type block struct {
	minTime, maxTime int64 // event Time; +∞ and -∞ while empty
	maxRec           int64 // Recorded; -∞ while empty
	// prefMaxTime and prefMaxRec are the largest Time and Recorded of every event up to the end of
	// this block (as far as it is filled).
	prefMaxTime, prefMaxRec int64
}

// index is the log, summarised block by block. blocks[b] covers positions b*size+1 .. (b+1)*size.
type index struct {
	size   uint64
	blocks []block
}

func emptyBlock(prefMaxTime, prefMaxRec int64) block {
	return block{minTime: plusInf, maxTime: minusInf, maxRec: minusInf, prefMaxTime: prefMaxTime, prefMaxRec: prefMaxRec}
}

// of is the block holding position pos (≥ 1).
func (x *index) of(pos uint64) int { return int((pos - 1) / x.size) }

// span is the positions block b covers.
func (x *index) span(b int) (first, last uint64) {
	return uint64(b)*x.size + 1, uint64(b+1) * x.size
}

// add records an event. Positions arrive in increasing order; an event added again (after a restore
// that kept the summary of its block) changes nothing, since only minima and maxima are kept.
func (x *index) add(pos uint64, t, rec int64) {
	b := x.of(pos)
	for len(x.blocks) <= b {
		pt, pr := minusInf, minusInf
		if n := len(x.blocks); n > 0 {
			pt, pr = x.blocks[n-1].prefMaxTime, x.blocks[n-1].prefMaxRec
		}
		x.blocks = append(x.blocks, emptyBlock(pt, pr))
	}
	k := &x.blocks[b]
	k.minTime, k.maxTime, k.maxRec = min(k.minTime, t), max(k.maxTime, t), max(k.maxRec, rec)
	k.prefMaxTime, k.prefMaxRec = max(k.prefMaxTime, t), max(k.prefMaxRec, rec)
}

// recompute sets the running maxima from the blocks' own figures (after decoding a checkpoint).
func (x *index) recompute() {
	pt, pr := minusInf, minusInf
	for i := range x.blocks {
		k := &x.blocks[i]
		pt, pr = max(pt, k.maxTime), max(pr, k.maxRec)
		k.prefMaxTime, k.prefMaxRec = pt, pr
	}
}

// prefMaxTime is an upper bound of the Time of every event at positions 1..pos: exact at a block's
// end, the running maximum through pos's whole block otherwise.
func (x *index) prefMaxTime(pos uint64) int64 {
	if pos == 0 || len(x.blocks) == 0 {
		return minusInf
	}
	return x.blocks[min(x.of(pos), len(x.blocks)-1)].prefMaxTime
}

// recordedBoundary finds where Recorded passes asOf among positions 1..head. When every event up to
// head was recorded at or before asOf, whole is true. Otherwise the first event recorded after asOf
// (by the running maximum) is in the block [first, last], and before is the running maximum of
// Recorded up to first-1.
func (x *index) recordedBoundary(asOf int64, head uint64) (whole bool, first, last uint64, before int64) {
	if head == 0 {
		return true, 0, 0, minusInf
	}
	n := min(x.of(head)+1, len(x.blocks))
	b := sort.Search(n, func(i int) bool { return x.blocks[i].prefMaxRec > asOf })
	if b == n {
		return true, 0, 0, minusInf
	}
	first, last = x.span(b)
	before = minusInf
	if b > 0 {
		before = x.blocks[b-1].prefMaxRec
	}
	return false, first, min(last, head), before
}

// minTimeBetween is a lower bound of the Time of every event at positions lo..hi (lo ≤ hi): the
// smallest Time of the blocks they fall in.
func (x *index) minTimeBetween(lo, hi uint64) int64 {
	m := plusInf
	for b := x.of(lo); b <= x.of(hi) && b < len(x.blocks); b++ {
		m = min(m, x.blocks[b].minTime)
	}
	return m
}

// posRange is the positions first..last, both included.
type posRange struct{ first, last uint64 }

// scan lists the positions from..to (from ≤ to) that may hold an event with Time ≤ cut: every block
// whose smallest Time is ≤ cut, merged into runs. skipped is the smallest Time of the blocks left
// out (+∞ when none).
func (x *index) scan(from, to uint64, cut int64) (runs []posRange, skipped int64) {
	skipped = plusInf
	for b := x.of(from); b <= x.of(to); b++ {
		first, last := x.span(b)
		first, last = max(first, from), min(last, to)
		if b < len(x.blocks) && x.blocks[b].minTime > cut {
			skipped = min(skipped, x.blocks[b].minTime)
			continue
		}
		if n := len(runs); n > 0 && runs[n-1].last+1 == first {
			runs[n-1].last = last
		} else {
			runs = append(runs, posRange{first, last})
		}
	}
	return runs, skipped
}
