package timetravel

import (
	"fmt"
	"sort"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// Kinds of snapshot, as stored (the first byte of a snapshot's value; never renumber).
const (
	// kindState is the model's whole Snapshot bytes (a model that is not Incremental).
	kindState byte = 1
	// kindFull is every record of an Incremental model.
	kindFull byte = 2
	// kindDelta is the records of an Incremental model changed since the snapshot before it.
	kindDelta byte = 3
)

// snap is what is kept in memory of one snapshot on disk. Its fields never change once made, so a
// query may use it after dropping the lock, even if it is thinned out meanwhile (the query then
// finds it gone on disk and plans again).
type snap struct {
	pos  uint64
	kind byte
	// prefMaxTime and prefMaxRec are the largest Time and Recorded of the events 1..pos, exactly.
	prefMaxTime, prefMaxRec int64
	raw                     int64 // length of the snapshot's bytes, uncompressed
	size                    int64 // bytes it takes on disk, compressed
}

// Snapshots compress about twentyfold at zstd's fastest level, which takes about 1.6 ns a byte to
// compress and 0.9 to decompress here: cheaper than storing them raw, far cheaper than folding.
var (
	encoder = sync.OnceValue(func() *zstd.Encoder {
		e, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1))
		if err != nil {
			panic("timetravel: zstd encoder options are constant: " + err.Error())
		}
		return e
	})
	decoder = sync.OnceValue(func() *zstd.Decoder {
		d, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(0))
		if err != nil {
			panic("timetravel: zstd decoder options are constant: " + err.Error())
		}
		return d
	})
)

func compress(state []byte) []byte { return encoder().EncodeAll(state, nil) }

func decompress(data []byte, raw int64, pos uint64) ([]byte, error) {
	out, err := decoder().DecodeAll(data, make([]byte, 0, raw))
	if err != nil {
		return nil, fmt.Errorf("decompress snapshot at %d: %w", pos, err)
	}
	return out, nil
}

// snapshots is the kept snapshots in position order, within the configured bounds.
type snapshots struct {
	list     []*snap
	bytes    int64 // on disk
	maxCount int
	maxBytes int64
	dropped  int // thinned out so far
}

// put keeps s in place of any snapshot at the same position.
func (ss *snapshots) put(s *snap) {
	i := sort.Search(len(ss.list), func(i int) bool { return ss.list[i].pos >= s.pos })
	if i < len(ss.list) && ss.list[i].pos == s.pos {
		ss.bytes += s.size - ss.list[i].size
		ss.list[i] = s
		return
	}
	ss.list = append(ss.list, nil)
	copy(ss.list[i+1:], ss.list[i:])
	ss.list[i] = s
	ss.bytes += s.size
}

// over says whether the kept snapshots are beyond a bound (and more than the newest is kept).
func (ss *snapshots) over() bool {
	return len(ss.list) > 1 && (len(ss.list) > ss.maxCount || ss.bytes > ss.maxBytes)
}

// victim is the snapshot whose removal leaves the smallest gap between its neighbours (the empty
// model at position 0 counts as the first neighbour), the oldest on a tie; never the newest, which
// the queries about the present use and the next delta builds on.
func (ss *snapshots) victim() int {
	best, gap := 0, ^uint64(0)
	for i := 0; i < len(ss.list)-1; i++ {
		var prev uint64
		if i > 0 {
			prev = ss.list[i-1].pos
		}
		if g := ss.list[i+1].pos - prev; g < gap {
			best, gap = i, g
		}
	}
	return best
}

func (ss *snapshots) remove(pos uint64) {
	i := sort.Search(len(ss.list), func(i int) bool { return ss.list[i].pos >= pos })
	if i == len(ss.list) || ss.list[i].pos != pos {
		return
	}
	ss.bytes -= ss.list[i].size
	ss.list = append(ss.list[:i], ss.list[i+1:]...)
	ss.dropped++
}

// before is the newest snapshot at or before pos whose events all happened at or before cut; nil
// when there is none.
func (ss *snapshots) before(pos uint64, cut int64) *snap {
	for i := sort.Search(len(ss.list), func(i int) bool { return ss.list[i].pos > pos }) - 1; i >= 0; i-- {
		if ss.list[i].prefMaxTime <= cut {
			return ss.list[i]
		}
		// prefMaxTime grows with the position, so the older ones may qualify: keep looking.
	}
	return nil
}

func (ss *snapshots) newest() *snap {
	if len(ss.list) == 0 {
		return nil
	}
	return ss.list[len(ss.list)-1]
}

// chain is how many snapshots since the newest whole one (kindFull or kindState), it included.
func (ss *snapshots) chain() int {
	n := 0
	for i := len(ss.list) - 1; i >= 0; i-- {
		n++
		if ss.list[i].kind != kindDelta {
			return n
		}
	}
	return n
}
