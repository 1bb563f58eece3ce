package es

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
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
			if err := json.Unmarshal(raw, &v); err != nil {
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
		return nil, jsonFieldError("data", err)
	}
	return ev, nil
}

// jsonFieldError turns an encoding/json error into a FieldErrors naming the field under prefix.
func jsonFieldError(prefix string, err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		field := prefix
		if typeErr.Field != "" {
			field += "." + typeErr.Field
		}
		return Invalid(field, fmt.Sprintf("must be %s, got JSON %s", goKind(typeErr.Type.Kind().String()), typeErr.Value))
	}
	var synErr *json.SyntaxError
	if errors.As(err, &synErr) {
		return Invalid(prefix, fmt.Sprintf("broken JSON at byte %d: %v", synErr.Offset, synErr))
	}
	// A field's own UnmarshalJSON failed: its error usually names the field itself.
	var fe *FieldErrors
	if errors.As(err, &fe) {
		return fe.under(prefix)
	}
	return Invalid(prefix, err.Error())
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
