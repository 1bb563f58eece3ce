package timetravel

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"go.etcd.io/bbolt"
)

// The sidecar file, a bbolt database beside the store (frozen; a new layout gets a new format):
//
//	meta   "format" → 1; "name" → the views' name ("timetravel.v2-yardmap.v2"); "block" → index
//	       block size (8); "indexed" → the last position the index covers (8); "regressions" (8);
//	       "last-recorded" → the Recorded of the event at "indexed", Unix ns (8)
//	snaps  position (8) → kind (1) max-time (8) max-recorded (8) raw-length (8) zstd bytes
//	index  block number (8) → min-time (8) max-time (8) max-recorded (8)
//
// Integers are big-endian, times Unix nanoseconds. A snapshot and the index up to its position are
// written in one transaction, so the file always holds an index that reaches its newest snapshot.
// A file of another format, name or block size is emptied on open (and logged): its snapshots
// describe another model.
var (
	bucketMeta  = []byte("meta")
	bucketSnaps = []byte("snaps")
	bucketIndex = []byte("index")
)

const diskFormat = 1

const snapHeader = 1 + 8 + 8 + 8

func be(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

// loaded is what Open finds in the file.
type loaded struct {
	indexed     uint64
	regressions int
	lastRec     int64
	blocks      []block
	snaps       []*snap
}

// openDB opens (or makes) the sidecar file at path for views named name with index blocks of size.
func openDB(path, name string, size uint64, log func(msg string, args ...any)) (*bbolt.DB, loaded, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, loaded{}, fmt.Errorf("timetravel: %w", err)
	}
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		return nil, loaded{}, fmt.Errorf("timetravel: open %s: %w", path, err)
	}
	var l loaded
	err = db.Update(func(tx *bbolt.Tx) error {
		if why := mismatch(tx, name, size); why != "" {
			log("time-travel file does not match, emptied", "path", path, "why", why)
			for _, b := range [][]byte{bucketMeta, bucketSnaps, bucketIndex} {
				if err := tx.DeleteBucket(b); err != nil && !errors.Is(err, bbolt.ErrBucketNotFound) {
					return err
				}
			}
		}
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		if _, err := tx.CreateBucketIfNotExists(bucketSnaps); err != nil {
			return err
		}
		if _, err := tx.CreateBucketIfNotExists(bucketIndex); err != nil {
			return err
		}
		if meta.Get([]byte("format")) == nil {
			return errors.Join(meta.Put([]byte("format"), []byte{diskFormat}), meta.Put([]byte("name"), []byte(name)),
				meta.Put([]byte("block"), be(size)))
		}
		l, err = load(tx)
		return err
	})
	if err != nil {
		_ = db.Close()
		return nil, loaded{}, fmt.Errorf("timetravel: open %s: %w", path, err)
	}
	return db, l, nil
}

// mismatch says why the file cannot be used by these views, "" when it can (or is new).
func mismatch(tx *bbolt.Tx, name string, size uint64) string {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		return ""
	}
	format, n, b := meta.Get([]byte("format")), meta.Get([]byte("name")), meta.Get([]byte("block"))
	switch {
	case format == nil:
		return ""
	case !bytes.Equal(format, []byte{diskFormat}):
		return fmt.Sprintf("format %v, this build uses %d", format, diskFormat)
	case string(n) != name:
		return fmt.Sprintf("written by %q, these views are %q", n, name)
	case len(b) != 8 || binary.BigEndian.Uint64(b) != size:
		return fmt.Sprintf("index blocks of %x positions, this build uses %d", b, size)
	}
	return ""
}

func u64(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

// load reads the index and the snapshots' headers. Snapshots beyond the index (none, as written)
// are left out, so that every kept snapshot has its index.
func load(tx *bbolt.Tx) (loaded, error) {
	meta := tx.Bucket(bucketMeta)
	l := loaded{indexed: u64(meta.Get([]byte("indexed"))), regressions: int(u64(meta.Get([]byte("regressions")))),
		lastRec: int64(u64(meta.Get([]byte("last-recorded"))))}
	if l.indexed == 0 {
		l.lastRec = minusInf
	}
	err := tx.Bucket(bucketIndex).ForEach(func(k, v []byte) error {
		if len(k) != 8 || len(v) != 24 || u64(k) != uint64(len(l.blocks)) {
			return fmt.Errorf("index entry %x damaged", k)
		}
		l.blocks = append(l.blocks, block{minTime: int64(u64(v[:8])), maxTime: int64(u64(v[8:16])), maxRec: int64(u64(v[16:]))})
		return nil
	})
	if err != nil {
		return loaded{}, err
	}
	err = tx.Bucket(bucketSnaps).ForEach(func(k, v []byte) error {
		s, err := header(k, v)
		if err != nil {
			return err
		}
		if s.pos <= l.indexed {
			l.snaps = append(l.snaps, s)
		}
		return nil
	})
	return l, err
}

// header decodes what memory keeps of a stored snapshot.
func header(k, v []byte) (*snap, error) {
	if len(k) != 8 || len(v) < snapHeader || v[0] < kindState || v[0] > kindDelta {
		return nil, fmt.Errorf("snapshot %x damaged", k)
	}
	return &snap{pos: u64(k), kind: v[0], prefMaxTime: int64(u64(v[1:9])), prefMaxRec: int64(u64(v[9:17])),
		raw: int64(u64(v[17:25])), size: int64(len(v))}, nil
}

// putSnap stores a snapshot of state (uncompressed) and returns what memory keeps of it.
func putSnap(tx *bbolt.Tx, s snap, state []byte) (*snap, error) {
	data := compress(state)
	v := make([]byte, 0, snapHeader+len(data))
	v = append(v, s.kind)
	v = binary.BigEndian.AppendUint64(v, uint64(s.prefMaxTime))
	v = binary.BigEndian.AppendUint64(v, uint64(s.prefMaxRec))
	v = binary.BigEndian.AppendUint64(v, uint64(len(state)))
	v = append(v, data...)
	if err := tx.Bucket(bucketSnaps).Put(be(s.pos), v); err != nil {
		return nil, err
	}
	s.raw, s.size = int64(len(state)), int64(len(v))
	return &s, nil
}

// errGone says a snapshot a query planned to start from was thinned out meanwhile: plan again.
var errGone = errors.New("timetravel: snapshot thinned out meanwhile")

// chainAt reads, in tx, the snapshot at pos and, when it is a delta, the ones it builds on back to
// the newest whole one: oldest first, each decompressed.
func chainAt(tx *bbolt.Tx, pos uint64) (kinds []byte, states [][]byte, err error) {
	c := tx.Bucket(bucketSnaps).Cursor()
	k, v := c.Seek(be(pos))
	if k == nil || u64(k) != pos {
		return nil, nil, errGone
	}
	for ; k != nil; k, v = c.Prev() {
		s, err := header(k, v)
		if err != nil {
			return nil, nil, err
		}
		state, err := decompress(v[snapHeader:], s.raw, s.pos)
		if err != nil {
			return nil, nil, err
		}
		kinds, states = append(kinds, s.kind), append(states, state)
		if s.kind != kindDelta {
			break
		}
	}
	if kinds[len(kinds)-1] == kindDelta {
		return nil, nil, fmt.Errorf("snapshot at %d: a delta with no whole snapshot before it", pos)
	}
	for i, j := 0, len(kinds)-1; i < j; i, j = i+1, j-1 {
		kinds[i], kinds[j], states[i], states[j] = kinds[j], kinds[i], states[j], states[i]
	}
	return kinds, states, nil
}

// mergeChain is the records of a chain read by chainAt (kindFull, then deltas), applied in order.
func mergeChain(states [][]byte) (map[string][]byte, error) {
	recs := map[string][]byte{}
	for _, st := range states {
		if err := mergeRecords(recs, st, false); err != nil {
			return nil, err
		}
	}
	return recs, nil
}

// putIndex stores the index blocks from first on and the figures of the position it reaches.
func putIndex(tx *bbolt.Tx, first int, blocks []block, indexed uint64, regressions int, lastRec int64) error {
	idx := tx.Bucket(bucketIndex)
	for i, b := range blocks {
		v := make([]byte, 0, 24)
		v = binary.BigEndian.AppendUint64(v, uint64(b.minTime))
		v = binary.BigEndian.AppendUint64(v, uint64(b.maxTime))
		v = binary.BigEndian.AppendUint64(v, uint64(b.maxRec))
		if err := idx.Put(be(uint64(first+i)), v); err != nil {
			return err
		}
	}
	meta := tx.Bucket(bucketMeta)
	return errors.Join(meta.Put([]byte("indexed"), be(indexed)), meta.Put([]byte("regressions"), be(uint64(regressions))),
		meta.Put([]byte("last-recorded"), be(uint64(lastRec))))
}
