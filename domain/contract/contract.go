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
// positions, if sent, are ignored: the store sets them). Errors are *es.FieldErrors.
func Parse(raw []byte) (es.Envelope, error) {
	var w wireEnvelope
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&w); err != nil {
		return es.Envelope{}, envelopeJSONError(err)
	}
	if dec.More() {
		return es.Envelope{}, es.Invalid("", "more than one JSON value where one event was expected")
	}
	var c es.Check
	if w.SpecVersion != es.SpecVersion {
		if w.SpecVersion == "" {
			c.Add("specversion", "is required (\"1.0\")")
		} else {
			c.Addf("specversion", "%q is not supported, use \"1.0\"", w.SpecVersion)
		}
	}
	if c.Require("id", w.ID) && len(w.ID) > maxIDLen {
		c.Addf("id", "is %d characters long, at most %d allowed", len(w.ID), maxIDLen)
	}
	if c.Require("source", w.Source) && len(w.Source) > maxSourceLen {
		c.Addf("source", "is %d characters long, at most %d allowed", len(w.Source), maxSourceLen)
	}
	c.Require("type", w.Type)
	var at time.Time
	if c.Require("time", w.Time) {
		t, err := time.Parse(time.RFC3339Nano, w.Time)
		if err != nil {
			c.Addf("time", "%q is not an RFC 3339 time such as 2026-11-21T08:30:00Z", w.Time)
		}
		at = t.UTC()
	}
	if w.DataContentType != "" && w.DataContentType != "application/json" {
		c.Addf("datacontenttype", "%q is not supported, use application/json", w.DataContentType)
	}
	if len(w.Data) == 0 {
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

func envelopeJSONError(err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return es.Invalid(typeErr.Field, fmt.Sprintf("has the wrong JSON type (%s)", typeErr.Value))
	}
	return es.Invalid("", "broken JSON: "+err.Error())
}
