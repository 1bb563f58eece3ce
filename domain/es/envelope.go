package es

import (
	"encoding/json"
	"time"
)

// SpecVersion is the CloudEvents specification version of every envelope the twin reads and writes.
const SpecVersion = "1.0"

// Envelope is one fact in the CloudEvents 1.0 structured JSON form. It is what integrators send, what
// the store keeps and what projections read. Extension attributes carry the schema version of the data
// and, once stored, when the twin recorded the event and where it sits in the log.
type Envelope struct {
	SpecVersion string `json:"specversion"`
	// ID identifies the fact; re-sending the same id never stores it twice.
	ID string `json:"id"`
	// Source names the system that reported the fact (a URI reference, e.g. "urn:tos:tc1" or "/sim/demo").
	Source string `json:"source"`
	// Type is the wire name of the event, e.g. "yard.ContainerStacked".
	Type string `json:"type"`
	// Time is when the fact happened in the terminal (UTC).
	Time time.Time `json:"time"`
	// Subject is the stream the fact belongs to, "<aggregate>-<id>", e.g. "container-MSCU1234565".
	// It may be left empty on input: the twin derives it from the data.
	Subject string `json:"subject,omitempty"`
	// DataContentType is always application/json when present.
	DataContentType string `json:"datacontenttype,omitempty"`
	// SchemaVersion is the version of the data's schema for this Type. Absent on input means 1, so a
	// producer written against the first schema never has to know of later ones.
	SchemaVersion int `json:"schemaversion,omitempty"`
	// Data is the event payload as sent.
	Data json.RawMessage `json:"data"`

	// Recorded is when the twin stored the fact (UTC); zero until stored.
	Recorded time.Time `json:"recordedtime,omitzero"`
	// Position is the fact's place in the global log, from 1; zero until stored.
	Position uint64 `json:"position,omitempty"`
	// Version is the fact's place in its stream, from 1; zero until stored.
	Version uint64 `json:"streamversion,omitempty"`
}

// Stream returns the stream the envelope belongs to.
func (e Envelope) Stream() string { return e.Subject }

// StreamID names the stream of one aggregate: "<aggregate>-<id>". The aggregate part has no dash, so
// KurrentDB's category projection splits it off.
func StreamID(aggregate, id string) string { return aggregate + "-" + id }
