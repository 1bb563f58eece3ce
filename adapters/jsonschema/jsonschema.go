// Package jsonschema validates documents against the contract's JSON Schemas (draft 2020-12) with
// github.com/santhosh-tekuri/jsonschema, compiled offline from the files embedded in domain/contract.
package jsonschema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/yardtwin/yardtwin/domain/contract"
	"github.com/yardtwin/yardtwin/domain/es"
)

// Schemas holds the compiled schema of every event type and version. It is safe for concurrent use.
type Schemas struct {
	byType map[string][]*jsonschema.Schema // byType[t][v-1] is version v; nil where a version has no file
}

// Compile compiles every embedded schema. All files are handed to the compiler by their $id
// first, and any other URL is refused, so compiling never touches the network or the disk.
func Compile() (*Schemas, error) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat() // date-time and uri-reference are assertions here, not annotations
	c.UseLoader(offlineLoader{})

	files := contract.SchemaFiles()
	entries, err := fs.ReadDir(files, ".")
	if err != nil {
		return nil, fmt.Errorf("read embedded schemas: %w", err)
	}
	type typed struct {
		typ     string
		version int
		id      string
	}
	var events []typed
	for _, e := range entries {
		b, err := fs.ReadFile(files, e.Name())
		if err != nil {
			return nil, fmt.Errorf("read schema %s: %w", e.Name(), err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("schema %s: %w", e.Name(), err)
		}
		obj, _ := doc.(map[string]any)
		id, _ := obj["$id"].(string)
		if want := contract.SchemaBaseURL + e.Name(); id != want {
			return nil, fmt.Errorf("schema %s: $id is %q, want %q", e.Name(), id, want)
		}
		if err := c.AddResource(id, doc); err != nil {
			return nil, fmt.Errorf("schema %s: %w", e.Name(), err)
		}
		if typ, v, ok := contract.ParseSchemaName(e.Name()); ok {
			events = append(events, typed{typ, v, id})
		}
	}

	s := &Schemas{byType: map[string][]*jsonschema.Schema{}}
	for _, ev := range events {
		sch, err := c.Compile(ev.id)
		if err != nil {
			return nil, fmt.Errorf("compile schema of %s v%d: %w", ev.typ, ev.version, err)
		}
		vs := s.byType[ev.typ]
		for len(vs) < ev.version {
			vs = append(vs, nil)
		}
		vs[ev.version-1] = sch
		s.byType[ev.typ] = vs
	}
	return s, nil
}

// offlineLoader refuses every URL: all schemas are added to the compiler before compiling, so a
// $ref that reaches this loader is a mistake in a schema file, not something to fetch.
type offlineLoader struct{}

func (offlineLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("%s is not one of the embedded contract schemas (nothing is fetched)", url)
}

// Validate checks doc against the schema of eventType at version; version 0 means 1, as for an
// envelope without schemaversion. doc is a decoded JSON
// value (from encoding/json, with float64 or json.Number numbers), or the raw JSON as []byte or
// json.RawMessage.
//
// A document the schema refuses gives an *es.FieldErrors naming the fields at fault the way Parse
// and Checker do ("id", "data.tier"); an unknown type gives the field "type" and an unknown version
// the field "schemaversion".
func (s *Schemas) Validate(eventType string, version int, doc any) error {
	vs, ok := s.byType[eventType]
	if !ok {
		return es.Invalid("type", fmt.Sprintf("no schema for event type %q", eventType))
	}
	if version == 0 {
		version = 1 // as for an envelope without schemaversion
	}
	if version < 1 || version > len(vs) || vs[version-1] == nil {
		return es.Invalid("schemaversion", fmt.Sprintf("no schema for %s version %d", eventType, version))
	}
	if raw, ok := doc.(json.RawMessage); ok {
		doc = []byte(raw)
	}
	if raw, ok := doc.([]byte); ok {
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			return es.Invalid("", "broken JSON: "+err.Error())
		}
		doc = v
	}
	err := vs[version-1].Validate(doc)
	var verr *jsonschema.ValidationError
	if errors.As(err, &verr) {
		return schemaFieldErrors(verr)
	}
	return err
}

// schemaPrinter renders the validator's messages.
var schemaPrinter = message.NewPrinter(language.English)

// schemaFieldErrors flattens a validation error to its leaves, one field each, named by the path in
// the document joined with dots. A missing required property is named itself ("data.container"),
// not its parent.
func schemaFieldErrors(root *jsonschema.ValidationError) *es.FieldErrors {
	var out []es.FieldError
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				walk(c)
			}
			return
		}
		at := e.InstanceLocation
		if req, ok := e.ErrorKind.(*kind.Required); ok {
			for _, m := range req.Missing {
				out = append(out, es.FieldError{Field: strings.Join(append(slices.Clip(at), m), "."), Reason: "is required"})
			}
			return
		}
		out = append(out, es.FieldError{Field: strings.Join(at, "."), Reason: e.ErrorKind.LocalizedString(schemaPrinter)})
	}
	walk(root)
	slices.SortStableFunc(out, func(a, b es.FieldError) int { return strings.Compare(a.Field, b.Field) })
	out = slices.CompactFunc(out, func(a, b es.FieldError) bool { return a == b })
	return &es.FieldErrors{Fields: out}
}
