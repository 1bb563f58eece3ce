package bolt

import (
	"bytes"
	"fmt"
	"math"

	"go.etcd.io/bbolt"
)

// headCache holds the versions of the streams appended to or looked up most recently, at most
// limit of them, so that deciding an append of the active yard needs no index lookup; a stream
// that is not there is looked up in the tail or the streams bucket (see Store.streamHead). It keeps
// two generations: every stream used goes into young, and when young holds limit/2 streams it
// becomes old and the former old is dropped. A stream found in old moves back to young. So memory
// stays under limit streams, and a stream used at least once per limit/2 new streams never drops
// out. Only the writer goroutine uses it.
type headCache struct {
	limit      int
	young, old map[string]uint64
}

func newHeadCache(limit int) *headCache {
	limit = max(limit, 2)
	return &headCache{limit: limit, young: map[string]uint64{}, old: map[string]uint64{}}
}

// get returns stream's version if the cache holds it.
func (c *headCache) get(stream string) (uint64, bool) {
	if v, ok := c.young[stream]; ok {
		return v, true
	}
	v, ok := c.old[stream]
	if ok {
		c.put(stream, v)
	}
	return v, ok
}

// put sets stream's version.
func (c *headCache) put(stream string, version uint64) {
	if _, ok := c.young[stream]; !ok && len(c.young) >= c.limit/2 {
		// Swap rather than allocate: old's buckets are reused for the next generation.
		c.young, c.old = c.old, c.young
		clear(c.young)
	}
	c.young[stream] = version
}

// len returns how many streams the cache holds (a stream in both generations counts twice).
func (c *headCache) len() int { return len(c.young) + len(c.old) }

// lastVersion returns the last version of stream in the streams bucket b, 0 when b holds none of
// its events: the last key of the stream's range, found with one seek past the range and one step
// back.
func lastVersion(b *bbolt.Bucket, stream string) (uint64, error) {
	c := b.Cursor()
	upper := streamKey(stream, math.MaxUint64)
	k, _ := c.Seek(upper)
	switch {
	case k == nil:
		k, _ = c.Last()
	case !bytes.Equal(k, upper):
		k, _ = c.Prev()
	}
	if k == nil {
		return 0, nil
	}
	if !bytes.HasPrefix(k, upper[:len(upper)-8]) || len(k) != len(upper) {
		return 0, nil // the key before the range belongs to another stream
	}
	got, version, ok := splitStreamKey(k)
	if !ok || string(got) != stream {
		return 0, fmt.Errorf("%w: stream index key %x", errDamaged, k)
	}
	return version, nil
}
