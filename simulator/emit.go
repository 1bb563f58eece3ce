package simulator

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/yardtwin/yardtwin/domain/contract"
	"github.com/yardtwin/yardtwin/domain/es"
)

// Emitter turns domain events into the envelopes a terminal would send: CloudEvents 1.0, an id
// unique to the run ("<prefix>-<n>", n from 1), the given source, the event's wire name, the
// simulated time of the clock (UTC, to the millisecond), the event's stream as subject, the newest
// schema version of the type, and the event as JSON. Envelopes wait in the emitter until Take.
type Emitter struct {
	source   string
	prefix   string
	clock    Clock
	versions map[string]int
	n        uint64
	pending  []es.Envelope
}

// NewEmitter returns an emitter stamping envelopes with source and ids "<idPrefix>-<n>", at the
// clock's time.
func NewEmitter(source, idPrefix string, clock Clock) *Emitter {
	reg := contract.NewRegistry()
	versions := map[string]int{}
	for _, t := range reg.Types() {
		versions[t], _ = reg.Newest(t)
	}
	return &Emitter{source: source, prefix: idPrefix + "-", clock: clock, versions: versions}
}

// Emit builds the envelope of ev at the clock's current time and queues it.
func (e *Emitter) Emit(ev es.Event) {
	data, err := json.Marshal(ev)
	if err != nil {
		// Every event type is a plain struct of strings and numbers the models compute.
		panic("simulator: a domain event cannot fail to marshal: " + err.Error())
	}
	e.n++
	v := e.versions[ev.EventType()]
	if v == 0 {
		v = 1
	}
	e.pending = append(e.pending, es.Envelope{
		SpecVersion:     es.SpecVersion,
		ID:              e.prefix + strconv.FormatUint(e.n, 10),
		Source:          e.source,
		Type:            ev.EventType(),
		Time:            e.clock.Now().UTC().Truncate(time.Millisecond),
		Subject:         ev.Stream(),
		DataContentType: "application/json",
		SchemaVersion:   v,
		Data:            data,
	})
}

// Count returns how many envelopes have been emitted.
func (e *Emitter) Count() uint64 { return e.n }

// Pending returns how many envelopes wait to be taken.
func (e *Emitter) Pending() int { return len(e.pending) }

// Take returns the waiting envelopes, oldest first, and forgets them. The slice is the caller's.
func (e *Emitter) Take() []es.Envelope {
	out := e.pending
	e.pending = nil
	return out
}
