package ingest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/yardtwin/yardtwin/domain/contract"
	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/intake"
)

// Source is a bus topic the ingest consumes record by record, such as the Kafka topic integrators
// publish to.
type Source struct {
	// Topic is consumed from Subscriber; it also names the origin of dead letters.
	Topic      string
	Subscriber message.Subscriber
	// Consumers is how many subscriptions read Topic side by side (each a consumer-group member
	// with its own partitions, so each partition stays in order); 0 means 1.
	Consumers int
	// DeadLetters, when set, receives every refused record on DeadLetterTopic, with its original
	// bytes and headers and the reasons in headers, after the record is kept in the store.
	DeadLetters     message.Publisher
	DeadLetterTopic string
}

// Metadata a bus message may carry about where its records come from (the Kafka subscriber sets
// them in batch mode): the topic, the comma-separated partition/offset of each record, and whether
// the payload is a JSON array with one element per record.
const (
	topicMetadata     = "kafka_topic"
	positionsMetadata = "kafka_positions"
	batchMetadata     = "kafka_batch"
)

// Headers set on a dead letter published to the dead-letter topic.
const (
	RefusedFieldHeader    = "yardtwin_refused_field"    // the first field at fault
	RefusedReasonHeader   = "yardtwin_refused_reason"   // why
	RefusedErrorsHeader   = "yardtwin_refused_errors"   // every field and reason, as a JSON array
	RefusedOriginHeader   = "yardtwin_refused_origin"   // the topic it came from
	RefusedPositionHeader = "yardtwin_refused_position" // partition/offset there
)

// HandlerFor returns the watermill handler of a source: each record is checked on its own; the good
// ones are stored and the malformed ones kept as dead letters, in one atomic append, and then
// published to the dead-letter topic. The message is acked only after both, so a crash in between
// redelivers it, and ids make the second pass store nothing twice.
func (h *Handler) HandlerFor(src Source) message.NoPublishHandlerFunc {
	return func(msg *message.Message) error { return h.handleRecords(msg, src) }
}

// record is one record of a bus message.
type record struct {
	raw      json.RawMessage
	position string // partition/offset, "" when unknown
}

func (h *Handler) handleRecords(msg *message.Message, src Source) error {
	ctx := msg.Context()
	origin := src.Topic
	if t := msg.Metadata.Get(topicMetadata); t != "" {
		origin = t
	}
	recs := splitRecords(msg)
	dialect := msg.Metadata.Get(DialectMetadata)
	batch := make([]es.StreamEvents, 0, len(recs))
	var refused []deadLetter
	for _, rec := range recs {
		r := h.read(rec.raw, dialect)
		var reasons []FieldError
		switch {
		case r.err != nil:
			reasons = fieldErrors(r.err)
		case r.kept():
			reasons = []FieldError{{Reason: "not mapped: " + r.unmapped}}
		default:
			for _, env := range r.events {
				batch = append(batch, single(env))
			}
			continue
		}
		dl := h.deadLetter(origin, msg, rec, r.read, reasons)
		refused = append(refused, dl)
		batch = append(batch, single(dl.env))
	}
	sctx, cancel := finishing(ctx)
	defer cancel()
	appended, err := h.store.Append(sctx, batch...)
	if err != nil {
		h.counters.Failed.Add(1)
		return fmt.Errorf("ingest %d records from %s: %w", len(recs), origin, err)
	}
	dead := map[string]bool{}
	for _, dl := range refused {
		dead[dl.env.ID] = true
	}
	for _, a := range appended {
		switch {
		case a.Duplicate:
			h.counters.settle(1, &h.counters.Duplicates)
		case dead[a.ID]:
			h.counters.settle(1, &h.counters.DeadLettered)
		default:
			h.counters.settle(1, &h.counters.Stored)
		}
	}
	if src.DeadLetters != nil && len(refused) > 0 {
		out := make([]*message.Message, len(refused))
		for i, dl := range refused {
			out[i] = dl.message(msg)
		}
		if err := src.DeadLetters.Publish(src.DeadLetterTopic, out...); err != nil {
			h.counters.Failed.Add(1)
			return fmt.Errorf("publish %d dead letters to %s: %w", len(out), src.DeadLetterTopic, err)
		}
	}
	return nil
}

// splitRecords takes a message apart: a Kafka batch is a JSON array with one record per element;
// any other payload is one record, or several when it is itself an array of events.
func splitRecords(msg *message.Message) []record {
	positions := strings.Split(msg.Metadata.Get(positionsMetadata), ",")
	at := func(i int) string {
		if i >= len(positions) {
			return ""
		}
		return positions[i]
	}
	raws, err := contract.SplitBatch(msg.Payload)
	if err != nil {
		return []record{{raw: json.RawMessage(msg.Payload), position: at(0)}}
	}
	batched := msg.Metadata.Get(batchMetadata) == "true"
	recs := make([]record, len(raws))
	for i, raw := range raws {
		recs[i] = record{raw: raw, position: at(0)}
		if batched {
			recs[i].position = at(i)
		} else if len(raws) > 1 && recs[i].position != "" {
			recs[i].position += "#" + strconv.Itoa(i) // one record holding an array of events
		}
	}
	return recs
}

// deadLetter is a refused record: its envelope for the store and what the dead-letter topic gets.
type deadLetter struct {
	env     es.Envelope
	raw     []byte
	refusal intake.MessageRefused
}

func (h *Handler) deadLetter(origin string, msg *message.Message, rec record, read es.Envelope, errs []FieldError) deadLetter {
	fe := make([]es.FieldError, len(errs))
	for i, e := range errs {
		fe[i] = es.FieldError{Field: e.Field, Reason: e.Reason}
	}
	ev := intake.MessageRefused{
		Origin: origin, Position: rec.position, EventID: read.ID, Type: read.Type,
		Headers: headersOf(msg), Errors: fe,
	}
	if utf8.Valid(rec.raw) {
		ev.Payload = string(rec.raw)
	} else {
		ev.PayloadBase64 = base64.StdEncoding.EncodeToString(rec.raw)
	}
	data, _ := json.Marshal(ev) // plain strings and maps: cannot fail
	// The id is the record's place at its origin, so a redelivered record is kept once; without a
	// place, the id the message carried (a re-sent event is kept once too); failing both, a fresh id.
	key := rec.position
	if key == "" {
		key = read.ID
	}
	if key == "" {
		key = watermill.NewUUID()
	}
	id := "deadletter-" + origin + "-" + key
	return deadLetter{
		env: es.Envelope{
			SpecVersion: es.SpecVersion, ID: strings.ReplaceAll(id, "/", "-"), Source: "urn:yardtwin:intake",
			Type: intake.TypeMessageRefused, Time: h.now().UTC(), Subject: ev.Stream(), SchemaVersion: 1, Data: data,
		},
		raw:     rec.raw,
		refusal: ev,
	}
}

// headersOf is the message's metadata as the sender set it, without what the subscriber added.
func headersOf(msg *message.Message) map[string]string {
	out := map[string]string{}
	for k, v := range msg.Metadata {
		switch k {
		case topicMetadata, positionsMetadata, batchMetadata:
			continue
		}
		out[k] = v
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// message is the dead letter as published: the original bytes and headers, and the reasons.
func (dl deadLetter) message(from *message.Message) *message.Message {
	m := message.NewMessage(dl.env.ID, dl.raw)
	for k, v := range dl.refusal.Headers {
		m.Metadata.Set(k, v)
	}
	errs, _ := json.Marshal(dl.refusal.Errors)
	m.Metadata.Set(RefusedFieldHeader, dl.refusal.Errors[0].Field)
	m.Metadata.Set(RefusedReasonHeader, dl.refusal.Errors[0].Reason)
	m.Metadata.Set(RefusedErrorsHeader, string(errs))
	m.Metadata.Set(RefusedOriginHeader, dl.refusal.Origin)
	m.Metadata.Set(RefusedPositionHeader, dl.refusal.Position)
	m.SetContext(context.WithoutCancel(from.Context()))
	return m
}
