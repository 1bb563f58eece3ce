// Package intake holds the facts of the twin's own intake: messages it could not accept, kept with
// their original bytes and the reasons, so that nothing sent to the twin is lost.
package intake

import (
	"github.com/yardtwin/yardtwin/domain/es"
)

// TypeMessageRefused is the wire name of MessageRefused. Changing it is a migration.
const TypeMessageRefused = "intake.MessageRefused"

// Register adds the intake's event types to r.
func Register(r *es.Registry) {
	es.Register[MessageRefused](r, TypeMessageRefused)
}

// Stream is the dead-letter stream of one origin, e.g. "deadletter-yard.events".
func Stream(origin string) string { return es.StreamID("deadletter", origin) }

// MessageRefused: a message that reached the twin from a bus (not an HTTP caller, who is answered
// directly) was malformed, so it was kept as a dead letter instead of being applied.
type MessageRefused struct {
	// Origin names where the message came from: the Kafka topic, or "local" for the in-process bus.
	Origin string `json:"origin"`
	// Position locates the message at its origin, e.g. "3/1207" (partition/offset), when known.
	Position string `json:"position,omitempty"`
	// EventID is the id the message carried, when it could be read.
	EventID string `json:"event_id,omitempty"`
	// Type is the type the message carried, when it could be read.
	Type string `json:"event_type,omitempty"`
	// Payload is the message as received, byte for byte when it is UTF-8 text.
	Payload string `json:"payload"`
	// PayloadBase64 holds the bytes instead when they are not UTF-8 text.
	PayloadBase64 string `json:"payload_base64,omitempty"`
	// Headers are the message's headers (Kafka) or metadata as received.
	Headers map[string]string `json:"headers,omitempty"`
	// Errors says what was wrong, field by field.
	Errors []es.FieldError `json:"errors"`
}

// EventType implements es.Event.
func (MessageRefused) EventType() string { return TypeMessageRefused }

// Stream implements es.Event.
func (e MessageRefused) Stream() string { return Stream(e.Origin) }

// Validate implements es.Event.
func (e MessageRefused) Validate() error {
	var c es.Check
	c.ID("origin", e.Origin)
	if len(e.Errors) == 0 {
		c.Add("errors", "at least one reason is required")
	}
	return c.Err()
}
