package httpapi

import (
	"io/fs"
	"net/http"
	"strconv"

	"github.com/yardtwin/yardtwin/domain/contract"
	"github.com/yardtwin/yardtwin/projections/deadletters"
)

// DeadLetterView lists the refused messages kept in the store.
type DeadLetterView interface {
	Newest(limit int) deadletters.List
}

// schemaIndex is the answer of GET /api/v1/schema.
type schemaIndex struct {
	Envelope string        `json:"envelope"`
	Types    []schemaEntry `json:"types"`
}

type schemaEntry struct {
	Type   string `json:"type"`
	Schema int    `json:"schema"`
	URL    string `json:"url"`
}

// getSchemaIndex lists every event type of the contract with the URL of its JSON Schema.
func (s *Server) getSchemaIndex(w http.ResponseWriter, r *http.Request) {
	idx := schemaIndex{Envelope: "/api/v1/schema/envelope.v1.json"}
	for _, t := range s.Types {
		name := t.Type + ".v" + strconv.Itoa(t.Schema) + ".json"
		idx.Types = append(idx.Types, schemaEntry{Type: t.Type, Schema: t.Schema, URL: "/api/v1/schema/" + name})
	}
	writeJSON(w, http.StatusOK, idx)
}

// getSchema answers one schema file as stored.
func (s *Server) getSchema(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	data, err := fs.ReadFile(contract.SchemaFiles(), name)
	if err != nil {
		writeError(w, http.StatusNotFound, "no schema %q: GET /api/v1/schema lists them", name)
		return
	}
	w.Header().Set("Content-Type", "application/schema+json")
	_, _ = w.Write(data)
}

// getDeadLetters answers the newest refused messages, ?limit= (default 100, at most 1000).
func (s *Server) getDeadLetters(w http.ResponseWriter, r *http.Request) {
	limit := 100
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			writeError(w, http.StatusBadRequest, "limit: %q is not a number from 1 to 1000", v)
			return
		}
		limit = n
	}
	writeJSON(w, http.StatusOK, s.DeadLetters.Newest(limit))
}
