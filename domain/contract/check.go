package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/intake"
	"github.com/yardtwin/yardtwin/domain/quay"
	"github.com/yardtwin/yardtwin/domain/yard"
)

// Checker decides whether an envelope is acceptable: well formed, of a known type, with valid data,
// dated in a sane window, and naming only places that exist in the terminal's layout. It never looks
// at the twin's state: a fact that contradicts the twin is acceptable (it becomes an anomaly
// downstream). It reports every field at fault, each once.
type Checker struct {
	reg    *es.Registry
	layout *yard.Layout
	own    bool     // accept the events the twin writes itself (intake.*)
	clock  es.Clock // nil: no check of times ahead of the twin's
	ahead  time.Duration
}

// Earliest and Latest bound every event time the contract accepts, whatever the twin's clock: an
// earlier time is an unset one (0001-01-01, the zero of Go and .NET; 1970-01-01, the Unix epoch;
// 1900, the NTP and spreadsheet epoch) or a two-digit year read wrong, as no terminal reports from
// before 2000; a later one is a typo (3000, 9999). Between them every event time fits int64
// nanoseconds since 1970 (which end in 2262), and any two differ by less than time.Duration's 292
// years, so no duration computed from event times saturates. They are fixed: changing them changes
// the contract.
var (
	Earliest = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	Latest   = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

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

// WithTimeWindow returns a checker that also refuses events dated more than ahead after clock's
// reading (the twin's clock, read once per event): a terminal's clock may run a little fast, but a
// fact from next year would make every real report of its box look out of order for ever. Zero
// ahead checks nothing more. Events in the past are accepted down to Earliest: a late report is a
// fact (the read model flags it).
func (k *Checker) WithTimeWindow(clock es.Clock, ahead time.Duration) *Checker {
	c := *k
	c.clock, c.ahead = clock, ahead
	if ahead <= 0 {
		c.clock = nil
	}
	return &c
}

// Check decodes env's data and validates it. On success it returns the decoded event and sets
// env.Subject to the event's stream and env.SchemaVersion to the version sent (1 when absent).
// Errors are *es.FieldErrors with fields named from the envelope ("data.tier"), every field at
// fault once: a required field the data lacks is "is required", not also out of range.
func (k *Checker) Check(env *es.Envelope) (es.Event, error) {
	if env.Type == intake.TypeMessageRefused && !k.own {
		return nil, es.Invalid("type", fmt.Sprintf("%s is written by the twin itself, not sent to it", env.Type))
	}
	var c es.Check
	checkText(&c, env)
	k.checkTime(&c, env.Time)
	checkRequired(&c, env)
	said := faultNames(c.Err()) // fields judged already: a missing one is not also out of range
	ev, err := k.reg.Decode(*env)
	if err != nil {
		c.Merge("", err, said...)
		return nil, c.Err()
	}
	c.Merge("data", ev.Validate(), said...)
	k.checkPlaces(&c, ev)
	if c.Has("data") {
		return nil, c.Err() // the stream is read from the data, so subject cannot be judged
	}
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

// checkText refuses text that is not UTF-8 in the envelope's attributes and its data. Parse refuses
// it already; envelopes built otherwise (a dialect's mapping) are checked here.
func checkText(c *es.Check, env *es.Envelope) {
	for _, a := range [...]struct{ name, v string }{
		{"id", env.ID}, {"source", env.Source}, {"type", env.Type}, {"subject", env.Subject},
		{"specversion", env.SpecVersion}, {"datacontenttype", env.DataContentType},
	} {
		if !utf8.ValidString(a.v) {
			c.Add(a.name, "is not UTF-8 text")
		}
	}
	if !textOK(env.Data) {
		c.Merge("", &es.FieldErrors{Fields: textFaults("data", env.Data)})
	}
}

// checkTime refuses event times outside [Earliest, Latest] and, with a time window, ahead of it.
func (k *Checker) checkTime(c *es.Check, at time.Time) {
	const layout = time.RFC3339Nano
	if k.clock != nil {
		if now := k.clock(); at.After(now.Add(k.ahead)) {
			c.Addf("time", "%s is more than %v ahead of the twin's clock (%s): check the sender's clock and time zone", at.UTC().Format(layout), k.ahead, now.UTC().Format(time.RFC3339))
			return
		}
	}
	switch {
	case at.Before(Earliest):
		c.Addf("time", "%s is before %s, the earliest time the twin accepts: an unset or misread time?", at.UTC().Format(layout), Earliest.Format(layout))
	case !at.Before(Latest):
		c.Addf("time", "%s is not before %s, the latest time the twin accepts: a typo in the year?", at.UTC().Format(layout), Latest.Format(layout))
	}
}

// checkRequired names, as "is required", each field the data's schema requires that the data lacks
// or sends as null (which encoding/json would read as a zero), so that the checks that follow, told
// of it, do not call a missing number "0 is impossible". Names match as encoding/json matches them,
// ignoring case.
func checkRequired(c *es.Check, env *es.Envelope) {
	v := env.SchemaVersion
	if v == 0 {
		v = 1
	}
	req := requiredFields()[schemaName(env.Type, v)]
	if len(req) == 0 {
		return
	}
	const absent, present, null = 0, 1, 2
	var buf [16]uint8
	seen := buf[:0]
	if len(req) <= len(buf) {
		seen = buf[:len(req)] // no allocation for any schema of the contract
	} else {
		seen = make([]uint8, len(req))
	}
	object := es.EachMember(env.Data, func(quoted, value []byte) bool {
		name := quoted[1 : len(quoted)-1]
		if bytes.IndexByte(name, '\\') >= 0 {
			var s string
			if json.Unmarshal(quoted, &s) != nil {
				return false
			}
			name = []byte(s)
		}
		for i, r := range req {
			if bytes.EqualFold(name, []byte(r)) {
				seen[i] = present
				if string(value) == "null" {
					seen[i] = null
				}
			}
		}
		return true
	})
	if !object {
		return // not an object: Decode says so
	}
	for i, r := range req {
		switch seen[i] {
		case absent:
			c.Add("data."+r, "is required")
		case null:
			c.Add("data."+r, "is required, got null")
		}
	}
}

// requiredFields maps each schema file name to the fields its data requires.
var requiredFields = sync.OnceValue(func() map[string][]string {
	out := map[string][]string{}
	entries, err := schemaFiles.ReadDir(schemaDir)
	if err != nil {
		panic("contract: the schema dir is embedded, so it can be read: " + err.Error())
	}
	for _, e := range entries {
		if _, _, ok := ParseSchemaName(e.Name()); !ok {
			continue
		}
		b, err := schemaFiles.ReadFile(path.Join(schemaDir, e.Name()))
		if err != nil {
			panic("contract: an embedded schema can be read: " + err.Error())
		}
		var s struct {
			Properties struct {
				Data struct {
					Required []string `json:"required"`
				} `json:"data"`
			} `json:"properties"`
		}
		if err := json.Unmarshal(b, &s); err != nil {
			panic("contract: " + e.Name() + " is not JSON; schema_test.go would have said so: " + err.Error())
		}
		out[e.Name()] = s.Properties.Data.Required
	}
	return out
})

// checkPlaces refuses slots and berths that cannot exist in the layout, each coordinate at fault on
// its own; fields already at fault are not judged again.
func (k *Checker) checkPlaces(c *es.Check, ev es.Event) {
	if k.layout == nil {
		return
	}
	switch e := ev.(type) {
	case interface{ Slot() yard.Slot }:
		s := e.Slot()
		var b *yard.Block
		if !c.Has("data.block") {
			var ok bool
			if b, ok = k.layout.Block(s.Block); !ok {
				c.Addf("data.block", "unknown block %q", s.Block)
			}
		}
		if b != nil {
			for _, f := range b.Faults(s.Bay, s.Row, s.Tier) {
				if !c.Has("data." + f.Field) {
					c.Addf("data."+f.Field, "%d is impossible: block %s has %ss 1 to %d", f.Value, f.Block, f.Field, f.Max)
				}
			}
			return
		}
		// No block to judge by: a number beyond every block of the layout is still impossible.
		var most [3]int
		for _, b := range k.layout.Blocks() {
			most = [3]int{max(most[0], b.Bays), max(most[1], b.Rows), max(most[2], b.MaxTiers)}
		}
		for i, f := range [...]struct {
			name string
			v    int
		}{{"bay", s.Bay}, {"row", s.Row}, {"tier", s.Tier}} {
			if f.v > most[i] && !c.Has("data."+f.name) {
				c.Addf("data."+f.name, "%d is impossible: no block of the layout has more than %d %ss", f.v, most[i], f.name)
			}
		}
	case quay.VesselBerthed:
		if c.Has("data.berth") {
			return
		}
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
