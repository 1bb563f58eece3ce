package timetravel

import (
	"fmt"

	"go.etcd.io/bbolt"
)

// write stores the snapshots Apply hands over, one transaction each, then keeps the file within
// its bounds: it merges a long chain of deltas into a whole snapshot and thins old snapshots out.
// All of that is off the runner's path: the runner waits only when two snapshots are already
// queued. It runs until Close.
func (v *Views) write() {
	defer close(v.writerDone)
	var carry *job // a snapshot whose write failed, to be folded into the next one
	for j := range v.jobs {
		if j.barrier != nil {
			close(j.barrier)
			continue
		}
		if carry != nil {
			j = v.absorb(*carry, j)
		}
		carry = nil
		var s *snap
		err := v.db.Update(func(tx *bbolt.Tx) error {
			var err error
			if s, err = putSnap(tx, j.snap, j.state); err != nil {
				return err
			}
			return putIndex(tx, j.first, j.blocks, j.snap.pos, j.regress, j.lastRec)
		})
		if err != nil {
			v.failed(fmt.Errorf("write snapshot at %d: %w", j.snap.pos, err))
			if j.snap.kind != kindState {
				carry = &j // the next delta builds on this one: write them together
			}
			continue
		}
		v.mu.Lock()
		v.snaps.put(s)
		long := v.snaps.chain() > v.cfg.MaxChain
		v.mu.Unlock()
		if long {
			if err := v.compact(s.pos); err != nil {
				v.failed(fmt.Errorf("merge deltas up to %d: %w", s.pos, err))
			}
		}
		v.thin()
	}
}

// absorb is next with the unwritten snapshot before it folded in: its records under next's (a
// whole snapshot if before was one), and the index from before's first block.
func (v *Views) absorb(before, next job) job {
	if next.snap.kind != kindFull {
		recs := map[string][]byte{}
		err := mergeRecords(recs, before.state, before.snap.kind == kindDelta)
		if err == nil {
			err = mergeRecords(recs, next.state, before.snap.kind == kindDelta)
		}
		if err != nil {
			panic("timetravel: records encoded by this process do not decode: " + err.Error())
		}
		next.state, next.snap.kind = encodeRecords(sortedRecords(recs)), before.snap.kind
	}
	if before.first < next.first {
		next.blocks = append(before.blocks[:next.first-before.first:next.first-before.first], next.blocks...)
		next.first = before.first
	}
	return next
}

// compact replaces the delta at pos with the whole state there, merged from its chain.
func (v *Views) compact(pos uint64) error {
	var s *snap
	err := v.db.Update(func(tx *bbolt.Tx) error {
		_, states, err := chainAt(tx, pos)
		if err != nil {
			return err
		}
		recs, err := mergeChain(states)
		if err != nil {
			return err
		}
		old, err := header(be(pos), tx.Bucket(bucketSnaps).Get(be(pos)))
		if err != nil {
			return err
		}
		old.kind = kindFull
		s, err = putSnap(tx, *old, encodeRecords(sortedRecords(recs)))
		return err
	})
	if err != nil {
		return err
	}
	v.mu.Lock()
	v.snaps.put(s)
	v.mu.Unlock()
	return nil
}

// thin drops snapshots until the kept ones are within bounds. A delta after a dropped snapshot
// takes in its records, so that it still builds on the one before.
func (v *Views) thin() {
	for {
		v.mu.Lock()
		if !v.snaps.over() {
			v.mu.Unlock()
			return
		}
		i := v.snaps.victim()
		drop, next := *v.snaps.list[i], *v.snaps.list[i+1]
		v.mu.Unlock()
		var merged *snap
		err := v.db.Update(func(tx *bbolt.Tx) error {
			b := tx.Bucket(bucketSnaps)
			if next.kind == kindDelta && drop.kind != kindState {
				recs := map[string][]byte{}
				for _, pos := range []uint64{drop.pos, next.pos} {
					val := b.Get(be(pos))
					if val == nil {
						return fmt.Errorf("snapshot at %d missing", pos)
					}
					state, err := decompress(val[snapHeader:], int64(u64(val[17:25])), pos)
					if err != nil {
						return err
					}
					if err := mergeRecords(recs, state, drop.kind == kindDelta); err != nil {
						return err
					}
				}
				next.kind = drop.kind
				var err error
				if merged, err = putSnap(tx, next, encodeRecords(sortedRecords(recs))); err != nil {
					return err
				}
			}
			return b.Delete(be(drop.pos))
		})
		if err != nil {
			v.failed(fmt.Errorf("thin out the snapshot at %d: %w", drop.pos, err))
			return
		}
		v.mu.Lock()
		v.snaps.remove(drop.pos)
		if merged != nil {
			v.snaps.put(merged)
		}
		v.mu.Unlock()
	}
}
