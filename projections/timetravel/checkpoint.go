package timetravel

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/yardtwin/yardtwin/projections"
)

// The checkpoint of the views, all integers big-endian (a new layout gets a new format number):
//
//	"YTTV" format(1) block-size(8) regressions(8)
//	snapshot: position(8) max-time(8) max-recorded(8) raw-length(8) length(8) zstd bytes
//	blocks(8), then per block: min-time(8) max-time(8) max-recorded(8)
//
// Times are Unix nanoseconds. Position 0 and length 0 mean no snapshot yet.
const (
	checkpointMagic  = "YTTV"
	checkpointFormat = 1
)

// Snapshot implements projections.Snapshotter. It does not snapshot the model: it returns the newest
// snapshot already kept, at its position (up to Every events behind), with the index up to it.
func (v *Views) Snapshot() (uint64, []byte, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	s := v.snaps.newest()
	if s == nil {
		s = &snap{prefMaxTime: minusInf, prefMaxRec: minusInf}
	}
	blocks := v.idx.blocks
	if s.pos == 0 {
		blocks = nil
	} else {
		blocks = blocks[:min(len(blocks), v.idx.of(s.pos)+1)]
	}
	out := make([]byte, 0, len(checkpointMagic)+1+8*8+len(s.data)+24*len(blocks))
	out = append(out, checkpointMagic...)
	out = append(out, checkpointFormat)
	for _, n := range []uint64{v.idx.size, uint64(v.regressions), s.pos, uint64(s.prefMaxTime), uint64(s.prefMaxRec), uint64(s.raw), uint64(len(s.data))} {
		out = binary.BigEndian.AppendUint64(out, n)
	}
	out = append(out, s.data...)
	out = binary.BigEndian.AppendUint64(out, uint64(len(blocks)))
	for _, b := range blocks {
		out = binary.BigEndian.AppendUint64(out, uint64(b.minTime))
		out = binary.BigEndian.AppendUint64(out, uint64(b.maxTime))
		out = binary.BigEndian.AppendUint64(out, uint64(b.maxRec))
	}
	return s.pos, out, nil
}

var errCheckpoint = errors.New("timetravel: not a time-travel checkpoint of format 1")

// Restore implements projections.Snapshotter: the private model is restored from the checkpoint's
// snapshot, which becomes the only snapshot kept (Warm rebuilds the older ones). Call it before the
// views are fed; on an error nothing has changed.
func (v *Views) Restore(position uint64, state []byte) error {
	r := reader{buf: state}
	if string(r.bytes(len(checkpointMagic))) != checkpointMagic || r.byte() != checkpointFormat {
		return errCheckpoint
	}
	size, regressions := r.u64(), r.u64()
	s := &snap{pos: r.u64(), prefMaxTime: int64(r.u64()), prefMaxRec: int64(r.u64()), raw: int(r.u64())}
	s.data = r.bytes(int(r.u64()))
	blocks := make([]block, min(r.u64(), uint64(len(state)/24)))
	for i := range blocks {
		blocks[i] = block{minTime: int64(r.u64()), maxTime: int64(r.u64()), maxRec: int64(r.u64())}
	}
	switch {
	case r.err != nil || r.off != len(state):
		return errCheckpoint
	case size != v.idx.size:
		return fmt.Errorf("timetravel: checkpoint index blocks of %d positions, this build uses %d", size, v.idx.size)
	case s.pos != position:
		return fmt.Errorf("timetravel: checkpoint at %d holds a snapshot at %d", position, s.pos)
	}
	model := v.newModel()
	if s.pos > 0 {
		raw, err := s.state()
		if err != nil {
			return err
		}
		if err := model.Restore(s.pos, raw); err != nil {
			return fmt.Errorf("timetravel: restore %s at %d: %w", model.Name(), s.pos, err)
		}
	}

	v.qmu.Lock()
	defer v.qmu.Unlock()
	if v.enqueued != 0 {
		return fmt.Errorf("timetravel: restore after %d events were applied", v.enqueued)
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	v.model, v.enqueued, v.applied = model, s.pos, s.pos
	v.runMaxTime, v.runMaxRec, v.lastRec = s.prefMaxTime, s.prefMaxRec, s.prefMaxRec
	v.regressions = int(regressions)
	v.idx.blocks = blocks
	v.idx.recompute()
	v.snaps.list, v.snaps.bytes = nil, 0
	if s.pos > 0 {
		v.snaps.add(s)
	}
	v.cache = nil
	return nil
}

// reader decodes the checkpoint; the first short read sets err and every later read returns zeros.
type reader struct {
	buf []byte
	off int
	err error
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil || n < 0 || len(r.buf)-r.off < n {
		r.err = errCheckpoint
		return nil
	}
	b := r.buf[r.off : r.off+n : r.off+n]
	r.off += n
	return b
}

func (r *reader) byte() byte {
	if b := r.bytes(1); b != nil {
		return b[0]
	}
	return 0
}

func (r *reader) u64() uint64 {
	if b := r.bytes(8); b != nil {
		return binary.BigEndian.Uint64(b)
	}
	return 0
}

// Warm rebuilds the snapshots older than the oldest one kept, as after a restart, by folding the log
// from its start into a model of its own. It takes about as long as a rebuild of the model up to
// that snapshot; run it in the background once the runner has restored the views. Queries are
// answered meanwhile, those about the past more slowly.
func (v *Views) Warm(ctx context.Context) error {
	v.mu.Lock()
	var upto uint64
	if len(v.snaps.list) > 0 {
		upto = (v.snaps.list[0].pos - 1) / v.cfg.Every * v.cfg.Every // last multiple of Every before it
	}
	v.mu.Unlock()
	if upto == 0 {
		return nil
	}
	model := v.newModel()
	runTime, runRec := minusInf, minusInf
	for from := uint64(1); from <= upto; {
		envs, err := v.store.ReadAll(ctx, from, int(min(upto-from+1, page)))
		if err != nil {
			return fmt.Errorf("time travel warm: %w", err)
		}
		if len(envs) == 0 {
			return fmt.Errorf("time travel warm: the store ends before position %d", from)
		}
		from = envs[len(envs)-1].Position + 1
		eachPiece(projections.Decode(v.reg, envs), v.cfg.Every, func(piece []projections.Item, due bool) {
			model.Apply(piece)
			for _, it := range piece {
				runTime, runRec = max(runTime, nanos(it.Time)), max(runRec, nanos(it.Recorded))
			}
			if !due {
				return
			}
			pos, state, err := model.Snapshot()
			if err != nil {
				v.cfg.Log.Error("time-travel warm snapshot", "views", v.name, "err", err)
				return
			}
			s := &snap{pos: pos, prefMaxTime: runTime, prefMaxRec: runRec, raw: len(state), data: compress(state)}
			v.mu.Lock()
			v.snaps.add(s)
			v.mu.Unlock()
		})
	}
	return nil
}

// eachPiece calls fn with consecutive pieces of batch (in log order) cut after each multiple of
// every; due says that the piece ends at a multiple, or crosses one where positions skip it, so
// a snapshot falls due.
func eachPiece(batch []projections.Item, every uint64, fn func(piece []projections.Item, due bool)) {
	for len(batch) > 0 {
		next := ((batch[0].Position-1)/every + 1) * every // first multiple of every at or after the piece
		n := 1
		for n < len(batch) && batch[n].Position <= next {
			n++
		}
		piece := batch[:n]
		batch = batch[n:]
		fn(piece, piece[n-1].Position == next || len(batch) > 0)
	}
}
