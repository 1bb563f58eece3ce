package contract

import (
	"embed"
	"io/fs"
	"path"
	"strconv"
	"strings"
)

// The JSON Schemas (draft 2020-12) of the contract, one file per event type and schema version,
// "<type>.v<N>.json", each describing the whole envelope. They share envelope.v1.json (the
// CloudEvents rules) and defs.v1.json (container numbers, size-types, ids, enumerations) through
// relative $refs against their $id, https://yardtwin.dev/schema/v1/<file>. The $ids are names, never
// fetched: adapters/jsonschema compiles them and resolves every $ref among these files.
//
// The schemas are written by hand for integrators; schema_test.go keeps them in agreement with the
// Go validation (Parse, Checker) and lists where they knowingly differ.
//
//go:embed schema/*.json
var schemaFiles embed.FS

// schemaDir is where the schema files sit in schemaFiles.
const schemaDir = "schema"

// SchemaBaseURL is the prefix of every schema's $id.
const SchemaBaseURL = "https://yardtwin.dev/schema/v1/"

// SchemaFiles returns the contract's JSON Schema files, named "<type>.v<N>.json" plus the shared
// "envelope.v1.json" and "defs.v1.json", for serving to integrators or writing to disk.
func SchemaFiles() fs.FS {
	sub, err := fs.Sub(schemaFiles, schemaDir)
	if err != nil {
		panic("contract: schema dir is embedded, so fs.Sub cannot fail: " + err.Error())
	}
	return sub
}

// schemaName is the file name of eventType's schema version, or "" when eventType cannot be a wire
// name (it has no context prefix, or it would reach outside the schema directory).
func schemaName(eventType string, version int) string {
	ctx, name, ok := strings.Cut(eventType, ".")
	if !ok || ctx == "" || name == "" || strings.ContainsAny(eventType, `/\`) || version < 1 {
		return ""
	}
	return eventType + ".v" + strconv.Itoa(version) + ".json"
}

// SchemaFor returns the JSON Schema of one event type at one schema version, as stored, or false
// when the contract has none.
func SchemaFor(eventType string, version int) ([]byte, bool) {
	name := schemaName(eventType, version)
	if name == "" {
		return nil, false
	}
	b, err := schemaFiles.ReadFile(path.Join(schemaDir, name))
	if err != nil {
		return nil, false
	}
	return b, true
}

// ParseSchemaName splits "<context>.<Event>.v<N>.json"; the shared files (envelope, defs) have no
// context prefix and are not event schemas.
func ParseSchemaName(name string) (eventType string, version int, ok bool) {
	base, ok := strings.CutSuffix(name, ".json")
	if !ok {
		return "", 0, false
	}
	i := strings.LastIndex(base, ".v")
	if i < 0 {
		return "", 0, false
	}
	v, err := strconv.Atoi(base[i+2:])
	if err != nil || v < 1 || schemaName(base[:i], v) != name {
		return "", 0, false
	}
	return base[:i], v, true
}
