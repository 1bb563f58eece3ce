// Package contract is the integrator contract v1: the CloudEvents envelope rules, every event type the
// twin accepts, and the checks that refuse malformed input with the field and the reason.
package contract

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/yardtwin/yardtwin/domain/equipment"
	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/gate"
	"github.com/yardtwin/yardtwin/domain/intake"
	"github.com/yardtwin/yardtwin/domain/quay"
	"github.com/yardtwin/yardtwin/domain/yard"
)

// NewRegistry returns a registry holding every event type of the contract.
func NewRegistry() *es.Registry {
	r := es.NewRegistry()
	quay.Register(r)
	yard.Register(r)
	gate.Register(r)
	equipment.Register(r)
	intake.Register(r)
	return r
}

// Limits on envelope attributes.
const (
	maxIDLen     = 128
	maxSourceLen = 256
)

// wireEnvelope mirrors es.Envelope with the time as text, so that a bad time names its field.
type wireEnvelope struct {
	SpecVersion     string          `json:"specversion"`
	ID              string          `json:"id"`
	Source          string          `json:"source"`
	Type            string          `json:"type"`
	Time            string          `json:"time"`
	Subject         string          `json:"subject"`
	DataContentType string          `json:"datacontenttype"`
	SchemaVersion   int             `json:"schemaversion"`
	Data            json.RawMessage `json:"data"`
}

// Parse reads one CloudEvents structured-JSON envelope as sent by an integrator (recorded time and
// positions, if sent, are ignored: the store sets them). Errors are *es.FieldErrors naming every
// field at fault that can be told without the event's type: the envelope's attributes, and any
// string, in data too, that is not UTF-8 text.
func Parse(raw []byte) (es.Envelope, error) {
	var w wireEnvelope
	dec := json.NewDecoder(bytes.NewReader(raw))
	err := dec.Decode(&w)
	var typeErr *json.UnmarshalTypeError
	if err != nil && (!errors.As(err, &typeErr) || typeErr.Field == "") {
		return es.Envelope{}, envelopeJSONError(err)
	}
	// The decoder read one whole value (a wrong type does not stop it): what follows must be space.
	end := dec.InputOffset()
	if rest := bytes.TrimLeft(raw[end:], " \t\r\n"); len(rest) > 0 {
		if dec.More() {
			return es.Envelope{}, es.Invalid(es.WholeEvent, "more than one JSON value where one event was expected")
		}
		return es.Envelope{}, es.Invalid("", fmt.Sprintf("broken JSON at byte %d: %q after the end of the event", len(raw)-len(rest), rest[0]))
	}
	raw = raw[:end]
	var c es.Check
	if !textOK(raw) {
		faults := textFaults("", raw)
		if len(faults) == 0 {
			// The walker reads any JSON the decoder reads, so this cannot happen; refuse anyway.
			faults = []es.FieldError{{Field: es.WholeEvent, Reason: "is not UTF-8 text"}}
		}
		c.Merge("", &es.FieldErrors{Fields: faults})
	}
	if err != nil {
		// Some attribute has the wrong JSON type: decode them one by one to name every one.
		w = wireEnvelope{}
		c.Merge("", es.DecodeEach(raw, &w), faultNames(c.Err())...)
	}
	if !c.Has("specversion") && w.SpecVersion != es.SpecVersion {
		if w.SpecVersion == "" {
			c.Add("specversion", "is required (\"1.0\")")
		} else {
			c.Addf("specversion", "%q is not supported, use \"1.0\"", w.SpecVersion)
		}
	}
	if !c.Has("id") && c.Require("id", w.ID) && len(w.ID) > maxIDLen {
		c.Addf("id", "is %d characters long, at most %d allowed", len(w.ID), maxIDLen)
	}
	if !c.Has("source") && c.Require("source", w.Source) && len(w.Source) > maxSourceLen {
		c.Addf("source", "is %d characters long, at most %d allowed", len(w.Source), maxSourceLen)
	}
	if !c.Has("type") {
		c.Require("type", w.Type)
	}
	var at time.Time
	if !c.Has("time") && c.Require("time", w.Time) {
		t, err := time.Parse(time.RFC3339Nano, w.Time)
		if err != nil {
			c.Addf("time", "%q is not an RFC 3339 time such as 2026-11-21T08:30:00Z", w.Time)
		}
		at = t.UTC()
	}
	if !c.Has("datacontenttype") && w.DataContentType != "" && w.DataContentType != "application/json" {
		c.Addf("datacontenttype", "%q is not supported, use application/json", w.DataContentType)
	}
	if !c.Has("data") && len(w.Data) == 0 {
		c.Add("data", "is required")
	}
	if err := c.Err(); err != nil {
		return es.Envelope{}, err
	}
	return es.Envelope{
		SpecVersion:     w.SpecVersion,
		ID:              w.ID,
		Source:          w.Source,
		Type:            w.Type,
		Time:            at,
		Subject:         w.Subject,
		DataContentType: w.DataContentType,
		SchemaVersion:   w.SchemaVersion,
		Data:            w.Data,
	}, nil
}

// faultNames lists the fields err names.
func faultNames(err error) []string {
	var fe *es.FieldErrors
	if !errors.As(err, &fe) {
		return nil
	}
	names := make([]string, len(fe.Fields))
	for i, f := range fe.Fields {
		names[i] = f.Field
	}
	return names
}

func envelopeJSONError(err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) && typeErr.Field == "" {
		why := "must be a JSON object (one event), got JSON " + typeErr.Value
		if typeErr.Value == "array" {
			why += ": a batch is one JSON array of events, or NDJSON, never an array in an array"
		}
		return es.Invalid(es.WholeEvent, why)
	}
	if errors.As(err, &typeErr) {
		return es.JSONError("", err)
	}
	return es.Invalid("", "broken JSON: "+err.Error())
}
