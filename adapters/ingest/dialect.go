package ingest

import (
	"encoding/json"
	"fmt"

	"github.com/yardtwin/yardtwin/domain/contract"
	"github.com/yardtwin/yardtwin/domain/es"
)

// DialectMetadata names the standard a bus message's events are written in (a Kafka header, or set
// by the HTTP API for its DCSA endpoint). Absent means the twin's own contract.
const DialectMetadata = "yardtwin_dialect"

// Dialect reads events written in another standard, such as DCSA Track & Trace, into the contract.
type Dialect interface {
	// Translate returns the canonical envelopes one foreign event stands for, and, when some or all
	// of it has no canonical meaning, why (unmapped); foreignID is the event's own id. Errors are
	// *es.FieldErrors naming the foreign field.
	Translate(raw []byte) (events []es.Envelope, foreignID, unmapped string, err error)
}

// Speak lets the handler read messages in dialect name. Call it before the router starts.
func (h *Handler) Speak(name string, d Dialect) {
	if h.dialects == nil {
		h.dialects = map[string]Dialect{}
	}
	h.dialects[name] = d
}

// reading is what one sent element became.
type reading struct {
	read     es.Envelope   // what could be read of it (id, type), for reports
	events   []es.Envelope // checked canonical envelopes, subject set
	unmapped string        // why (part of) a foreign event has no canonical meaning
	err      error         // malformed: *es.FieldErrors
}

// kept reports whether the element has nothing to store but is a well-formed foreign event: it is
// kept as a dead letter saying why.
func (r reading) kept() bool { return r.err == nil && len(r.events) == 0 }

// read checks one element written in dialect ("" for the contract).
func (h *Handler) read(raw json.RawMessage, dialect string) reading {
	if dialect == "" {
		env, err := contract.Parse(raw)
		if err == nil {
			_, err = h.checker.Check(&env)
		}
		if err != nil {
			return reading{read: env, err: err}
		}
		return reading{read: env, events: []es.Envelope{env}}
	}
	d, ok := h.dialects[dialect]
	if !ok {
		return reading{err: es.Invalid(DialectMetadata, fmt.Sprintf("the twin does not read %q", dialect))}
	}
	events, foreignID, unmapped, err := d.Translate(raw)
	r := reading{read: es.Envelope{ID: foreignID}, unmapped: unmapped, err: err}
	if err != nil {
		return r
	}
	for i := range events {
		if _, err := h.checker.Check(&events[i]); err != nil {
			r.err = fmt.Errorf("maps to %s, which the contract refuses: %w", events[i].Type, err)
			return r
		}
	}
	r.events = events
	if len(events) > 0 {
		r.read.Type = events[0].Type
	}
	return r
}
