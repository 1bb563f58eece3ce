package kurrentdb

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/kurrent-io/KurrentDB-Client-Go/kurrentdb"

	"github.com/yardtwin/yardtwin/domain/es"
)

// metaFormat is the "yt" field of every event's metadata. The layout it names is frozen: a change
// gets a new number, and readers keep decoding every number ever written.
const metaFormat = 1

// untypedEventType is the KurrentDB event type of an envelope with an empty Type; the metadata
// keeps the real (empty) type.
const untypedEventType = "yardtwin.Untyped"

// meta is the JSON metadata stored with each event of the log. It holds everything of the envelope
// but the data (the event's payload) and what KurrentDB itself says (the revision, which is the
// position, and the created date, which is Recorded). Keys are short: the server refuses appends
// over its MaxAppendSize (1 MiB by default), and a batch of 1,000 events carries 1,000 of these.
type meta struct {
	Format          int       `json:"yt"`
	ID              string    `json:"id"`
	Stream          string    `json:"stream"`
	Version         uint64    `json:"version"`
	SpecVersion     string    `json:"specversion,omitempty"`
	Source          string    `json:"source,omitempty"`
	Type            string    `json:"type,omitempty"`
	Time            time.Time `json:"time"` // UTC, RFC 3339 with nanoseconds
	DataContentType string    `json:"datacontenttype,omitempty"`
	SchemaVersion   int       `json:"schemaversion,omitempty"`
}

// encode turns an envelope that decide placed in the log (Subject, Version set) into the event
// data appended to KurrentDB. Its KurrentDB event id is new for every attempt (a random UUID): the
// server's own idempotency then never takes an append decided against a trailing index for a
// retry of events already written (it would answer success without writing), and such an append
// is always refused with a wrong expected version. The envelope id is kept in the metadata.
func encode(e es.Envelope) (kurrentdb.EventData, error) {
	m := meta{
		Format:          metaFormat,
		ID:              e.ID,
		Stream:          e.Subject,
		Version:         e.Version,
		SpecVersion:     e.SpecVersion,
		Source:          e.Source,
		Type:            e.Type,
		Time:            e.Time.UTC(),
		DataContentType: e.DataContentType,
		SchemaVersion:   e.SchemaVersion,
	}
	md, err := json.Marshal(m)
	if err != nil {
		return kurrentdb.EventData{}, fmt.Errorf("encode event %s metadata: %w", e.ID, err)
	}
	typ := e.Type
	if typ == "" {
		typ = untypedEventType
	}
	// JSON content lets KurrentDB's projections and UI read the payload; anything else is bytes.
	ct := kurrentdb.ContentTypeBinary
	if json.Valid(e.Data) {
		ct = kurrentdb.ContentTypeJson
	}
	return kurrentdb.EventData{
		EventID:     uuid.New(),
		EventType:   typ,
		ContentType: ct,
		Data:        e.Data,
		Metadata:    md,
	}, nil
}

// errForeign says that an event of the log was not written by this adapter.
var errForeign = errors.New("not an event written by yardtwin")

// decode turns an event read from the log back into the envelope it was appended from, with
// Position from its revision and Recorded from the server's created date.
func decode(r *kurrentdb.RecordedEvent) (es.Envelope, error) {
	pos := posOf(r.EventNumber)
	var m meta
	if err := json.Unmarshal(r.UserMetadata, &m); err != nil {
		return es.Envelope{}, fmt.Errorf("log revision %d (type %q): %w: metadata: %w", r.EventNumber, r.EventType, errForeign, err)
	}
	switch {
	case m.Format != metaFormat:
		return es.Envelope{}, fmt.Errorf("log revision %d (type %q): %w: metadata format %d, this build reads %d", r.EventNumber, r.EventType, errForeign, m.Format, metaFormat)
	case m.ID == "" || m.Stream == "" || m.Version == 0:
		return es.Envelope{}, fmt.Errorf("log revision %d: %w: metadata lacks id, stream or version", r.EventNumber, errForeign)
	}
	var data json.RawMessage
	if len(r.Data) > 0 {
		data = json.RawMessage(r.Data)
	}
	return es.Envelope{
		SpecVersion:     m.SpecVersion,
		ID:              m.ID,
		Source:          m.Source,
		Type:            m.Type,
		Time:            m.Time.UTC(),
		Subject:         m.Stream,
		DataContentType: m.DataContentType,
		SchemaVersion:   m.SchemaVersion,
		Data:            data,
		Recorded:        r.CreatedDate.UTC(),
		Position:        pos,
		Version:         m.Version,
	}, nil
}
