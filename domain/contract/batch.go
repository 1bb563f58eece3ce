package contract

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/yardtwin/yardtwin/domain/es"
)

// MaxBatch is the most events one batch (HTTP body, bus message) may hold.
const MaxBatch = 10_000

// SplitBatch splits a body into its events: one JSON object, a JSON array of objects, or NDJSON (one
// object a line; blank lines are skipped). Each element is returned as sent. An error says where the
// body stops being JSON.
func SplitBatch(body []byte) ([]json.RawMessage, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, errors.New("empty body: send one event, a JSON array of events, or NDJSON")
	}
	// es.Elements and es.Values find where each event starts and ends without decoding it, and
	// json.Valid scans each once; a body they cannot split, or with an element that is not JSON,
	// goes through encoding/json, which says where it breaks. (Decoding into []json.RawMessage
	// scanned every byte twice and copied it, a tenth of the ingest path.)
	if trimmed[0] == '[' {
		out, ok := es.Elements(trimmed)
		if ok && allValid(out) {
			if len(out) == 0 {
				return nil, errors.New("empty array: send at least one event")
			}
			return out, checkSize(len(out))
		}
		if err := json.Unmarshal(trimmed, &out); err != nil {
			return nil, fmt.Errorf("JSON array of events: %w", err)
		}
		if len(out) == 0 {
			return nil, errors.New("empty array: send at least one event")
		}
		return out, checkSize(len(out))
	}
	if out, ok := es.Values(trimmed); ok && allValid(out) {
		return out, checkSize(len(out))
	}
	var out []json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	for {
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("event %d: broken JSON: %w", len(out), err)
		}
		out = append(out, raw)
		if err := checkSize(len(out)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// allValid says whether every value is one well-formed JSON value.
func allValid(values []json.RawMessage) bool {
	for _, v := range values {
		if !json.Valid(v) {
			return false
		}
	}
	return true
}

func checkSize(n int) error {
	if n > MaxBatch {
		return fmt.Errorf("more than %d events in one batch: split it", MaxBatch)
	}
	return nil
}

// JoinBatch writes events as one JSON array, the form a batch travels in on the bus.
func JoinBatch(events []json.RawMessage) []byte {
	n := 2
	for _, e := range events {
		n += len(e) + 1
	}
	buf := make([]byte, 0, n)
	buf = append(buf, '[')
	for i, e := range events {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, e...)
	}
	return append(buf, ']')
}
