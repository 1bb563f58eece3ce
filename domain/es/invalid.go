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

// WholeEvent is the field named when the event as a whole has the wrong JSON shape (an array, a
// string, two values where one object was expected): the field name says where the fault is, and
// the fault is at the top. Broken JSON, which has no field, names none and says the byte instead.
const WholeEvent = "event"

// Has reports whether field, or a field below it ("data" for "data.bay"), is named.
func (e *FieldErrors) Has(field string) bool {
	for _, f := range e.Fields {
		if under(f.Field, field) {
			return true
		}
	}
	return false
}

// under reports whether field is parent or lies below it.
func under(field, parent string) bool {
	return field == parent || strings.HasPrefix(field, parent) && len(field) > len(parent) &&
		(field[len(parent)] == '.' || field[len(parent)] == '[')
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
func (c *Check) Wrap(field string, err error) { c.Merge(field, err) }

// Has reports whether field, or a field below it, has been recorded.
func (c *Check) Has(field string) bool {
	for _, f := range c.fields {
		if under(f.Field, field) {
			return true
		}
	}
	return false
}

// Merge records err's fields below prefix ("" keeps them as they are) except those named in skip
// or below them, so that one fault is said once: a field already reported missing ("is required")
// is not reported again by a later check as out of range. An error that is not a *FieldErrors
// becomes the reason of prefix.
func (c *Check) Merge(prefix string, err error, skip ...string) {
	if err == nil {
		return
	}
	fe, ok := err.(*FieldErrors)
	if !ok {
		c.Add(prefix, err.Error())
		return
	}
	if prefix != "" {
		fe = fe.under(prefix)
	}
next:
	for _, f := range fe.Fields {
		for _, s := range skip {
			if under(f.Field, s) {
				continue next
			}
		}
		c.fields = append(c.fields, f)
	}
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
