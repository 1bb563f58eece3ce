package ingest

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/yardtwin/yardtwin/domain/contract"
	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/intake"
)

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
	now      es.Clock           // when a refused record becomes a dead letter; the store stamps Recorded itself
	dialects map[string]Dialect // by DialectMetadata value; set by Speak before the router runs
}

// NewHandler returns a handler writing to store; clock is the twin's wall clock (time.Now if nil).
func NewHandler(checker *contract.Checker, store es.Store, replies *Replies, counters *Counters, clock es.Clock) *Handler {
	if clock == nil {
		clock = time.Now
	}
	return &Handler{checker: checker, store: store, replies: replies, counters: counters, now: clock}
}

// Handle stores the events of a message from an in-process sender (the Gateway): all or nothing,
// answered through Replies. Messages without AtomicMetadata are taken record by record, as from
// Kafka. It returns an error (so the message is redelivered) only when the store failed and nobody
// waits for an answer.
func (h *Handler) Handle(msg *message.Message) error {
	if msg.Metadata.Get(AtomicMetadata) != "true" {
		return h.handleRecords(msg, Source{Topic: "local"})
	}
	rc := h.ingest(msg)
	if h.replies.deliver(msg.UUID, rc) {
		return nil
	}
	if rc.Err != nil {
		return fmt.Errorf("ingest message %s: %w", msg.UUID, rc.Err)
	}
	return nil
}

// Ingest checks and stores a batch of contract events without the bus, all or nothing; tests and
// tools use it directly.
func (h *Handler) Ingest(ctx context.Context, payload []byte) Receipt {
	msg := message.NewMessage(watermill.NewUUID(), payload)
	msg.SetContext(ctx)
	return h.ingest(msg)
}

// ingest stores an atomic batch: when any element is malformed nothing is stored and every element
// is answered. A foreign event with no canonical meaning is not malformed: it is kept as a dead
// letter and answered "not mapped".
func (h *Handler) ingest(msg *message.Message) Receipt {
	dialect := msg.Metadata.Get(DialectMetadata)
	raws, err := contract.SplitBatch(msg.Payload)
	if err != nil {
		h.counters.settle(1, &h.counters.Rejected)
		return Receipt{Rejected: true, Results: []Result{{Status: StatusInvalid, Errors: []FieldError{{Reason: err.Error()}}}}}
	}
	results := make([]Result, len(raws))
	var batch []es.StreamEvents
	var owner []int // owner[k] is the element batch[k] came from
	rejected := false
	for i, raw := range raws {
		r := h.read(raw, dialect)
		results[i] = Result{Index: i, ID: r.read.ID, Type: r.read.Type, Unmapped: r.unmapped}
		switch {
		case r.err != nil:
			rejected = true
			results[i].Status, results[i].Errors = StatusInvalid, fieldErrors(r.err)
		case r.kept():
			dl := h.deadLetter("http", msg, record{raw: raw}, r.read, []FieldError{{Reason: "not mapped: " + r.unmapped}})
			batch, owner = append(batch, single(dl.env)), append(owner, i)
		default:
			results[i].Stream = r.events[0].Subject
			for _, env := range r.events {
				batch, owner = append(batch, single(env)), append(owner, i)
			}
		}
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

	ctx, cancel := finishing(msg.Context())
	defer cancel()
	appended, err := h.store.Append(ctx, batch...)
	if err != nil {
		h.counters.Failed.Add(1)
		return Receipt{Err: fmt.Errorf("append %d events: %w", len(batch), err)}
	}
	for k, a := range appended {
		res := &results[owner[k]]
		kept := batch[k].Events[0].Type == intake.TypeMessageRefused
		status := StatusStored
		switch {
		case a.Duplicate:
			status = StatusDuplicate
			h.counters.settle(1, &h.counters.Duplicates)
		case kept:
			h.counters.settle(1, &h.counters.DeadLettered)
		default:
			h.counters.settle(1, &h.counters.Stored)
		}
		switch {
		case kept:
			res.Status, res.Position = StatusNotMapped, a.Position
		case dialect == "":
			res.Status, res.Position = status, a.Position
		default: // one foreign event may stand for several canonical ones
			res.Mapped = append(res.Mapped, MappedEvent{ID: a.ID, Type: batch[k].Events[0].Type, Status: status, Position: a.Position})
			if res.Status != StatusStored {
				res.Status = status // stored when any is newly stored
			}
		}
	}
	return Receipt{Results: results}
}

// single is one event to append to its own stream, whatever its version.
func single(env es.Envelope) es.StreamEvents {
	return es.StreamEvents{Stream: env.Subject, Expected: es.AnyVersion, Events: []es.Envelope{env}}
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

// storeTimeout bounds an append once the handler has started it.
const storeTimeout = 30 * time.Second

// finishing is the context of an append: ctx's values without its cancellation, bounded by
// storeTimeout. A batch whose append has started is finished even when its message is cancelled
// (the process is stopping, the client went away): the Kafka subscriber waits for the answer and
// commits what was stored, and an HTTP client that re-sends finds duplicates.
func finishing(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), storeTimeout)
}
