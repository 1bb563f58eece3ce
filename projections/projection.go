// Package projections folds the event log into read models: the Projection interface, the Runner that
// feeds projections from a catch-up subscription, and their checkpoints.
//
// Checkpoints. A projection that can snapshot its state is saved together with the position of the
// last event it applied, atomically, from time to time and when the runner stops. On start it is
// restored and the subscription resumes after that position, so a restart does not fold the whole log
// again. A checkpoint falls due by time (RunnerConfig.CheckpointEvery) and by events folded
// (RunnerConfig.CheckpointEvents), so that the tail a restart folds stays short however fast events
// arrive. A checkpoint that cannot be trusted (see package checkpoint: magic, format, name, length
// and checksum) is ignored, and that projection alone is folded again from the start of the log. Delivery is at least once (a crash between applying and saving replays events): the runner
// never hands a projection an event at or below the position it reports, which makes applying
// idempotent per position.
package projections

import (
	"github.com/yardtwin/yardtwin/domain/es"
)

// Item is one stored event with its decoded payload. Event is nil when the type is unknown to this
// build (a newer producer): projections skip such items, they never fail on them.
type Item struct {
	es.Envelope
	Event es.Event
}

// Projection is a read model folded from the log.
type Projection interface {
	// Name is the checkpoint key; it carries a version suffix ("yardmap.v1") bumped when the read
	// model's shape changes, which forces a rebuild.
	Name() string
	// Position is the global position of the last event applied, 0 before any.
	Position() uint64
	// Apply folds a batch of events in log order, all above Position.
	Apply(batch []Item)
}

// Snapshotter is a projection that can save and restore its state.
type Snapshotter interface {
	Projection
	// Snapshot returns the state as bytes together with the position it reflects.
	Snapshot() (position uint64, state []byte, err error)
	// Restore replaces the state with a snapshot taken at position.
	Restore(position uint64, state []byte) error
}

// Trailer is a projection that reads the state the other projections of its runner reached (the
// time-travel views write the live yard model's state to disk at some positions instead of folding
// the events a second time). The runner applies every batch to the trailers after the other
// projections, under the same lock, and cuts batches at the stops the trailers ask for, so that a
// trailer's Apply sees the others at exactly the last position of the items it is given (when
// they were not already further on: a projection restored from a newer checkpoint is).
type Trailer interface {
	Projection
	// NextStop is the first position after after at which the trailer wants a batch to end.
	NextStop(after uint64) uint64
}

// Fold applies to a read model the items of batch above *position, in order, advancing *position
// past each: delivery is at least once, so items already folded are skipped. Items whose Event is
// nil (types unknown to this build) advance the position without being applied. The caller holds
// whatever lock guards position.
func Fold(position *uint64, batch []Item, apply func(Item)) {
	for _, it := range batch {
		if it.Position <= *position {
			continue
		}
		*position = it.Position
		if it.Event != nil {
			apply(it)
		}
	}
}
