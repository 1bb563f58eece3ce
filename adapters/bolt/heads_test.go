package bolt

import (
	"fmt"
	"testing"

	"go.etcd.io/bbolt"

	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/es/estest"
)

func TestHeadCacheStaysBounded(t *testing.T) {
	c := newHeadCache(10)
	c.put("hot", 1)
	for i := range 1000 {
		c.put(fmt.Sprintf("container-%d", i), uint64(i))
		if _, ok := c.get("hot"); !ok {
			t.Fatalf("a stream used every step dropped out after %d others", i)
		}
		if c.len() > 10 {
			t.Fatalf("cache holds %d streams, limit 10", c.len())
		}
	}
	if _, ok := c.get("container-0"); ok {
		t.Errorf("the oldest stream is still cached")
	}
	if v, ok := c.get("container-999"); !ok || v != 999 {
		t.Errorf("newest stream = %d, %v; want 999, true", v, ok)
	}
}

func TestLastVersion(t *testing.T) {
	s := mustOpen(t, t.TempDir(), WithIndexLag(0))
	for _, b := range []es.StreamEvents{
		estest.To("block-B1", es.NoStream, "a1", "a2"),
		estest.To("block-B10", es.NoStream, "b1", "b2", "b3"),
		estest.To("block-B2", es.NoStream, "c1"),
	} {
		if _, err := s.Append(t.Context(), b); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		give string
		want uint64
	}{
		{"block-B1", 2}, {"block-B10", 3}, {"block-B2", 1},
		{"block-B0", 0}, {"block-B11", 0}, {"block-B3", 0}, {"a", 0}, {"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", 0},
	}
	err := s.db.View(func(tx *bbolt.Tx) error {
		for _, tt := range tests {
			got, err := lastVersion(tx.Bucket(bucketStreams), tt.give)
			if err != nil || got != tt.want {
				t.Errorf("lastVersion(%s) = %d, %v; want %d", tt.give, got, err, tt.want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestVersionsAfterEviction appends to more streams than the cache holds, then to each stream
// again with its exact expected version: the versions looked up in the buckets and the tail are
// the ones stored.
func TestVersionsAfterEviction(t *testing.T) {
	for _, lag := range []int{0, 7, 50_000} {
		t.Run(fmt.Sprintf("IndexLag%d", lag), func(t *testing.T) {
			dir := t.TempDir()
			s := mustOpen(t, dir, WithIndexLag(lag), WithHeadCache(4))
			const streams = 50
			for round := range 3 {
				for i := range streams {
					stream := fmt.Sprintf("container-%d", i)
					got, err := s.Append(t.Context(), estest.To(stream, uint64(round), fmt.Sprintf("%s-r%d", stream, round)))
					if err != nil {
						t.Fatalf("round %d: %v", round, err)
					}
					if got[0].Version != uint64(round+1) {
						t.Fatalf("round %d: %s at version %d", round, stream, got[0].Version)
					}
				}
				if c := s.heads.len(); c > 4 {
					t.Fatalf("%d versions cached, limit 4", c)
				}
			}
			if _, err := s.Append(t.Context(), estest.To("container-3", 2, "stale")); err == nil {
				t.Errorf("an append expecting a stale version succeeded")
			}
		})
	}
}
