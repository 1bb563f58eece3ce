package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/yardtwin/yardtwin/domain/contract"
	"github.com/yardtwin/yardtwin/domain/es"
)

// Clock gives the time events are received; the store sets the recorded time itself.
type Clock func() time.Time

// Counters count every event the handler has settled:
// Received = Stored + Duplicates + Rejected + DeadLettered.
// An event whose batch failed to store is not settled; it is counted when it comes again.
type Counters struct {
	Received     atomic.Uint64 // events settled
	Stored       atomic.Uint64 // newly appended to the store
	Duplicates   atomic.Uint64 // already stored under the same id (a dead letter kept before counts here too)
	Rejected     atomic.Uint64 // refused to a waiting sender: malformed, or in a batch with a malformed event
	DeadLettered atomic.Uint64 // malformed records from a bus, kept as dead letters
	Failed       atomic.Uint64 // store or dead-letter failures (the message was retried or answered with the error)
}

// Stats is a copy of the counters.
type Stats struct {
	Received     uint64 `json:"received"`
	Stored       uint64 `json:"stored"`
	Duplicates   uint64 `json:"duplicates"`
	Rejected     uint64 `json:"rejected"`
	DeadLettered uint64 `json:"dead_lettered"`
	Failed       uint64 `json:"failures"`
}

// settle counts n events with the outcome counter c; the outcome first, so that a reader never sees
// more received than settled.
func (c *Counters) settle(n int, outcome *atomic.Uint64) {
	outcome.Add(uint64(n))
	c.Received.Add(uint64(n))
}

// Snapshot copies the counters.
func (c *Counters) Snapshot() Stats {
	received := c.Received.Load() // first, so that the outcomes read after it cover it
	return Stats{
		Received:     received,
		Stored:       c.Stored.Load(),
		Duplicates:   c.Duplicates.Load(),
		Rejected:     c.Rejected.Load(),
		DeadLettered: c.DeadLettered.Load(),
		Failed:       c.Failed.Load(),
	}
}

// Handler checks and stores the events of bus messages. Its Handle method is a watermill
// NoPublishHandlerFunc.
type Handler struct {
	checker  *contract.Checker
	store    es.Store
	replies  *Replies
	counters *Counters
	now      Clock
}

// NewHandler returns a handler writing to store.
func NewHandler(checker *contract.Checker, store es.Store, replies *Replies, counters *Counters) *Handler {
	return &Handler{checker: checker, store: store, replies: replies, counters: counters, now: time.Now}
}

// Handle stores the events of a message from an in-process sender (the Gateway): all or nothing,
// answered through Replies. It returns an error (so the message is redelivered) only when the store
// failed and nobody waits for an answer.
func (h *Handler) Handle(msg *message.Message) error {
	if msg.Metadata.Get(AtomicMetadata) != "true" {
		return h.handleRecords(msg, Source{Topic: "local"})
	}
	rc := h.ingest(msg.Context(), msg.Payload)
	if h.replies.deliver(msg.UUID, rc) {
		return nil
	}
	if rc.Err != nil {
		return fmt.Errorf("ingest message %s: %w", msg.UUID, rc.Err)
	}
	return nil
}

// Ingest checks and stores a batch without the bus; tests and tools use it directly.
func (h *Handler) Ingest(ctx context.Context, payload []byte) Receipt {
	return h.ingest(ctx, payload)
}

func (h *Handler) ingest(ctx context.Context, payload []byte) Receipt {
	raws, err := contract.SplitBatch(payload)
	if err != nil {
		h.counters.settle(1, &h.counters.Rejected)
		return Receipt{Rejected: true, Results: []Result{{Status: StatusInvalid, Errors: []FieldError{{Reason: err.Error()}}}}}
	}

	results := make([]Result, len(raws))
	batch := make([]es.StreamEvents, 0, len(raws))
	rejected := false
	for i, raw := range raws {
		results[i].Index = i
		env, err := h.check(raw)
		results[i].ID, results[i].Type = env.ID, env.Type
		if err != nil {
			rejected = true
			results[i].Status = StatusInvalid
			results[i].Errors = fieldErrors(err)
			continue
		}
		results[i].Stream = env.Subject
		batch = append(batch, es.StreamEvents{Stream: env.Subject, Expected: es.AnyVersion, Events: []es.Envelope{env}})
	}
	if rejected {
		for i := range results {
			if results[i].Status == "" {
				results[i].Status = StatusNotStored
			}
		}
		h.counters.settle(len(raws), &h.counters.Rejected)
		return Receipt{Results: results, Rejected: true}
	}

	appended, err := h.store.Append(ctx, batch...)
	if err != nil {
		h.counters.Failed.Add(1)
		return Receipt{Err: fmt.Errorf("append %d events: %w", len(batch), err)}
	}
	for i, a := range appended {
		results[i].Position = a.Position
		if a.Duplicate {
			results[i].Status = StatusDuplicate
			h.counters.settle(1, &h.counters.Duplicates)
		} else {
			results[i].Status = StatusStored
			h.counters.settle(1, &h.counters.Stored)
		}
	}
	return Receipt{Results: results}
}

// check parses and checks one envelope; env carries whatever was readable even on error.
func (h *Handler) check(raw json.RawMessage) (es.Envelope, error) {
	env, err := contract.Parse(raw)
	if err != nil {
		return env, err
	}
	if _, err := h.checker.Check(&env); err != nil {
		return env, err
	}
	return env, nil
}

func fieldErrors(err error) []FieldError {
	var fe *es.FieldErrors
	if !errors.As(err, &fe) {
		return []FieldError{{Reason: err.Error()}}
	}
	out := make([]FieldError, len(fe.Fields))
	for i, f := range fe.Fields {
		out[i] = FieldError{Field: f.Field, Reason: f.Reason}
	}
	return out
}
