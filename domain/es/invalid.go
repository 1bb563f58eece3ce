package es

import (
	"fmt"
	"math"
	"strings"
)

// FieldError says which field of an event is malformed and why. Field is a dotted path from the
// envelope, e.g. "data.slot.tier" or "time".
type FieldError struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// FieldErrors is the error returned for malformed input: every field at fault, in the order found.
type FieldErrors struct {
	Fields []FieldError
}

// Invalid returns a FieldErrors with one field.
func Invalid(field, reason string) *FieldErrors {
	return &FieldErrors{Fields: []FieldError{{Field: field, Reason: reason}}}
}

func (e *FieldErrors) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Reason
	}
	return strings.Join(parts, "; ")
}

// under returns a copy with every field prefixed by prefix.
func (e *FieldErrors) under(prefix string) *FieldErrors {
	out := &FieldErrors{Fields: make([]FieldError, len(e.Fields))}
	for i, f := range e.Fields {
		out.Fields[i] = FieldError{Field: prefix + "." + f.Field, Reason: f.Reason}
	}
	return out
}

// Check collects field errors while a payload is validated:
//
//	var c es.Check
//	c.Require("container", string(e.Container))
//	c.Add("tier", "must be at least 1")
//	return c.Err()
type Check struct {
	fields []FieldError
}

// Add records that field is malformed for reason.
func (c *Check) Add(field, reason string) { c.fields = append(c.fields, FieldError{field, reason}) }

// Addf records a formatted reason.
func (c *Check) Addf(field, format string, args ...any) { c.Add(field, fmt.Sprintf(format, args...)) }

// Require records field as missing when value is empty.
func (c *Check) Require(field, value string) bool {
	if strings.TrimSpace(value) == "" {
		c.Add(field, "is required")
		return false
	}
	return true
}

// Wrap records err under field: a *FieldErrors keeps its own field names below field, any other
// error becomes the reason.
func (c *Check) Wrap(field string, err error) {
	if err == nil {
		return
	}
	if fe, ok := err.(*FieldErrors); ok {
		c.fields = append(c.fields, fe.under(field).Fields...)
		return
	}
	c.Add(field, err.Error())
}

// Err returns nil when nothing was recorded, else a *FieldErrors.
func (c *Check) Err() error {
	if len(c.fields) == 0 {
		return nil
	}
	return &FieldErrors{Fields: c.fields}
}

// maxIDLen bounds identifiers (visit, crane, truck, block ids) so that stream names stay short.
const maxIDLen = 64

// ID records field as malformed unless value is a non-empty identifier of at most 64 printable
// characters without spaces.
func (c *Check) ID(field, value string) bool {
	if !c.Require(field, value) {
		return false
	}
	if len(value) > maxIDLen {
		c.Addf(field, "is %d characters long, at most %d allowed", len(value), maxIDLen)
		return false
	}
	for _, r := range value {
		if r <= ' ' || r == 0x7f {
			c.Addf(field, "%q must not contain spaces or control characters", value)
			return false
		}
	}
	return true
}

// OneOf records field as malformed unless value is one of allowed.
func (c *Check) OneOf(field, value string, allowed ...string) bool {
	for _, a := range allowed {
		if value == a {
			return true
		}
	}
	if value == "" {
		c.Add(field, "is required")
	} else {
		c.Addf(field, "%q is not one of %s", value, strings.Join(allowed, ", "))
	}
	return false
}

// OrNaN is *f, or NaN when the number was absent. Decoders of payloads whose required numbers have a
// meaningful zero (a longitude, a quay position) use it so that Validate can tell "missing" from 0.
func OrNaN(f *float64) float64 {
	if f == nil {
		return math.NaN()
	}
	return *f
}
