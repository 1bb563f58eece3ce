package contract

import (
	"errors"
	"fmt"

	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/intake"
	"github.com/yardtwin/yardtwin/domain/quay"
	"github.com/yardtwin/yardtwin/domain/yard"
)

// Checker decides whether an envelope is acceptable: well formed, of a known type, with valid data,
// and naming only places that exist in the terminal's layout. It never looks at the twin's state:
// a fact that contradicts the twin is acceptable (it becomes an anomaly downstream).
type Checker struct {
	reg    *es.Registry
	layout *yard.Layout
	own    bool // accept the events the twin writes itself (intake.*)
}

// NewChecker returns a checker for reg's types. layout may be nil, and then places are not checked.
func NewChecker(reg *es.Registry, layout *yard.Layout) *Checker {
	return &Checker{reg: reg, layout: layout}
}

// Own returns a checker that also accepts the events the twin writes itself (dead letters), which
// integrators may not send: for checking the twin's own log and fixtures.
func (k *Checker) Own() *Checker {
	c := *k
	c.own = true
	return &c
}

// Check decodes env's data and validates it. On success it returns the decoded event and sets
// env.Subject to the event's stream and env.SchemaVersion to the version sent (1 when absent).
// Errors are *es.FieldErrors with fields named from the envelope ("data.tier").
func (k *Checker) Check(env *es.Envelope) (es.Event, error) {
	if env.Type == intake.TypeMessageRefused && !k.own {
		return nil, es.Invalid("type", fmt.Sprintf("%s is written by the twin itself, not sent to it", env.Type))
	}
	ev, err := k.reg.Decode(*env)
	if err != nil {
		return nil, err
	}
	var c es.Check
	c.Wrap("data", ev.Validate())
	if err := c.Err(); err != nil {
		return nil, err
	}
	k.checkPlaces(&c, ev)
	stream := ev.Stream()
	if env.Subject != "" && env.Subject != stream {
		c.Addf("subject", "%q does not match the data, which belongs to %q (leave subject empty to let the twin set it)", env.Subject, stream)
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	env.Subject = stream
	if env.SchemaVersion == 0 {
		env.SchemaVersion = 1
	}
	return ev, nil
}

// checkPlaces refuses slots and berths that cannot exist in the layout.
func (k *Checker) checkPlaces(c *es.Check, ev es.Event) {
	if k.layout == nil {
		return
	}
	switch e := ev.(type) {
	case interface{ Slot() yard.Slot }:
		s := e.Slot()
		b, ok := k.layout.Block(s.Block)
		if !ok {
			c.Addf("data.block", "unknown block %q", s.Block)
			return
		}
		var bad *yard.SlotError
		if err := b.Valid(s.Bay, s.Row, s.Tier); errors.As(err, &bad) {
			c.Addf("data."+bad.Field, "%d is impossible: block %s has %ss 1 to %d", bad.Value, bad.Block, bad.Field, bad.Max)
		}
	case quay.VesselBerthed:
		if _, ok := k.layout.Berth(e.Berth); !ok {
			c.Addf("data.berth", "unknown berth %q", e.Berth)
		}
	}
}

// Types lists the contract's event types with their newest schema version.
func (k *Checker) Types() []TypeInfo {
	var out []TypeInfo
	for _, t := range k.reg.Types() {
		v, _ := k.reg.Newest(t)
		out = append(out, TypeInfo{Type: t, Schema: v})
	}
	return out
}

// TypeInfo names an event type and its newest schema version.
type TypeInfo struct {
	Type   string `json:"type"`
	Schema int    `json:"schema"`
}

func (t TypeInfo) String() string { return fmt.Sprintf("%s v%d", t.Type, t.Schema) }
