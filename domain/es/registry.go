package es

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Event is a decoded payload: the newest Go type registered for a wire name.
type Event interface {
	// EventType returns the event's wire name, a constant such as "yard.ContainerStacked".
	EventType() string
	// Stream returns the stream the event belongs to, "<aggregate>-<id>".
	Stream() string
	// Validate reports malformed content (missing fields, impossible values) as a *FieldErrors.
	// It checks the payload alone; facts that contradict the twin's picture are not errors.
	Validate() error
}

// Upcaster turns the raw JSON of one schema version into the raw JSON of the next. It is pure.
type Upcaster func(json.RawMessage) (json.RawMessage, error)

type entry struct {
	newest    int
	upcasters []Upcaster // upcasters[i] turns version i+1 into version i+2
	decode    func(json.RawMessage) (Event, error)
}

// Registry maps wire names to their newest Go type and the upcasters that lead to it.
type Registry struct {
	types map[string]*entry
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{types: map[string]*entry{}} }

// Register adds wire name for type T. Its newest schema version is len(ups)+1; ups[i] turns version i+1
// into i+2. Registering a name twice is a programming error and panics.
func Register[T Event](r *Registry, name string, ups ...Upcaster) {
	if _, dup := r.types[name]; dup {
		panic("es: event type registered twice: " + name)
	}
	r.types[name] = &entry{
		newest:    len(ups) + 1,
		upcasters: ups,
		decode: func(raw json.RawMessage) (Event, error) {
			var v T
			err := json.Unmarshal(raw, &v)
			var typeErr *json.UnmarshalTypeError
			if errors.As(err, &typeErr) && typeErr.Field != "" { // an object with members at fault
				var each T
				if all := DecodeEach(raw, &each); all != nil {
					return nil, all
				}
			}
			if err != nil {
				return nil, err
			}
			return v, nil
		},
	}
}

// Types returns the registered wire names, sorted.
func (r *Registry) Types() []string {
	names := make([]string, 0, len(r.types))
	for n := range r.types {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Newest returns the newest schema version of a wire name.
func (r *Registry) Newest(name string) (int, bool) {
	e, ok := r.types[name]
	if !ok {
		return 0, false
	}
	return e.newest, true
}

// Decode upcasts env.Data from its schema version (1 when the envelope does not say) to the newest
// schema of env.Type and decodes it. Errors are *FieldErrors
// naming the field at fault (data.<path>), so they can be returned to whoever sent the event.
func (r *Registry) Decode(env Envelope) (Event, error) {
	e, ok := r.types[env.Type]
	if !ok {
		return nil, Invalid("type", fmt.Sprintf("unknown event type %q", env.Type))
	}
	v := env.SchemaVersion
	if v == 0 {
		v = 1 // an envelope without schemaversion was written against the first schema
	}
	if v < 1 || v > e.newest {
		return nil, Invalid("schemaversion", fmt.Sprintf("%s has schema versions 1 to %d, got %d", env.Type, e.newest, v))
	}
	raw := env.Data
	if len(bytes.TrimSpace(raw)) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return nil, Invalid("data", "is missing")
	}
	for ; v < e.newest; v++ {
		up, err := e.upcasters[v-1](raw)
		if err != nil {
			return nil, Invalid("data", fmt.Sprintf("cannot upcast schema %d to %d: %v", v, v+1, err))
		}
		raw = up
	}
	ev, err := e.decode(raw)
	if err != nil {
		return nil, JSONError("data", err)
	}
	return ev, nil
}

// JSONError turns an encoding/json error into a *FieldErrors naming the field under prefix ("data"
// gives "data.bay"; "" names the top-level fields bare, and a wrong JSON type of the whole value
// WholeEvent). Broken JSON is named prefix and says at which byte.
func JSONError(prefix string, err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return Invalid(join(prefix, typeErr.Field), typeReason(typeErr))
	}
	var synErr *json.SyntaxError
	if errors.As(err, &synErr) {
		return Invalid(prefix, fmt.Sprintf("broken JSON at byte %d: %v", synErr.Offset, synErr))
	}
	// A field's own UnmarshalJSON failed: its error usually names the field itself.
	var fe *FieldErrors
	if errors.As(err, &fe) {
		if prefix == "" {
			return fe
		}
		return fe.under(prefix)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return Invalid(prefix, "broken JSON: it ends too soon")
	}
	return Invalid(prefix, err.Error())
}

// join names field below prefix; an empty field is prefix itself, or WholeEvent at the top.
func join(prefix, field string) string {
	switch {
	case field == "" && prefix == "":
		return WholeEvent
	case field == "":
		return prefix
	case prefix == "":
		return field
	}
	return prefix + "." + field
}

func typeReason(e *json.UnmarshalTypeError) string {
	kind := "another JSON type"
	if e.Type != nil {
		kind = goKind(e.Type.Kind().String())
	}
	return fmt.Sprintf("must be %s, got JSON %s", kind, e.Value)
}

// DecodeEach decodes the members of the JSON object raw into *v one at a time, after decoding it
// whole failed on a wrong JSON type: encoding/json reports only the first member of the wrong type,
// and every one at fault is wanted. The members of the right type are decoded into *v (unless v's
// own UnmarshalJSON resets it for each). The error is a *FieldErrors naming the top-level members
// bare (prefix them with Check.Wrap), or nil when no member alone fails.
func DecodeEach(raw []byte, v any) error {
	members, ok := Members(raw)
	if !ok {
		return Invalid(WholeEvent, "is not a JSON object")
	}
	var c Check
	var one []byte
	for _, m := range members {
		one = append(append(append(append(one[:0], '{'), m.Quoted...), ':'), m.Value...)
		one = append(one, '}')
		if err := json.Unmarshal(one, v); err != nil {
			c.Merge("", JSONError("", err))
		}
	}
	return c.Err()
}

func goKind(k string) string {
	switch {
	case strings.HasPrefix(k, "int"), strings.HasPrefix(k, "uint"):
		return "an integer"
	case strings.HasPrefix(k, "float"):
		return "a number"
	case k == "bool":
		return "true or false"
	case k == "string":
		return "a string"
	case k == "slice", k == "array":
		return "an array"
	default:
		return "an object"
	}
}
