package bolt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/yardtwin/yardtwin/domain/es"
)

// recordFormat is the first byte of every record in the log bucket. The layout it names is frozen:
// a change of layout gets a new number, and readers keep decoding every number ever written.
//
// Format 1, all integers big-endian:
//
//	offset size field
//	 0      1   format, 1
//	 1      8   position (uint64), equal to the record's key
//	 9      8   stream version (uint64)
//	17      8   time: whole seconds since the Unix epoch (int64, negative before 1970)
//	25      4   time: nanoseconds within that second (uint32, 0 … 999,999,999)
//	29      8   recorded: whole seconds since the Unix epoch (int64)
//	37      4   recorded: nanoseconds within that second (uint32)
//	41      8   schema version (int64)
//	49      4   length of spec version (uint32)
//	53      4   length of id
//	57      4   length of source
//	61      4   length of type
//	65      4   length of subject, the stream
//	69      4   length of data content type
//	73      4   length of data
//	77      …   those seven fields' bytes, in that order, with nothing between or after them
//
// Seconds and nanoseconds rather than Unix nanoseconds, so that every time.Time round-trips,
// the zero time included; times come back in UTC.
const recordFormat byte = 1

const (
	headerSize = 77
	fieldCount = 7
)

// errDamaged says the file holds something this package did not write: a record that does not
// decode, an index entry of the wrong size or pointing nowhere. The error says where.
var errDamaged = errors.New("bolt: damaged file")

// recordSize returns the encoded size of e stored in stream.
func recordSize(e *es.Envelope, stream string) int {
	return headerSize + len(e.SpecVersion) + len(e.ID) + len(e.Source) + len(e.Type) +
		len(stream) + len(e.DataContentType) + len(e.Data)
}

// encodeRecord returns e stored in stream at position and version, recorded at recorded, in
// format 1. It allocates a new slice each time: bbolt keeps the slices it is given until commit.
func encodeRecord(e *es.Envelope, stream string, position, version uint64, recorded time.Time) []byte {
	b := make([]byte, headerSize, recordSize(e, stream))
	b[0] = recordFormat
	be := binary.BigEndian
	be.PutUint64(b[1:], position)
	be.PutUint64(b[9:], version)
	be.PutUint64(b[17:], uint64(e.Time.Unix()))
	be.PutUint32(b[25:], uint32(e.Time.Nanosecond()))
	be.PutUint64(b[29:], uint64(recorded.Unix()))
	be.PutUint32(b[37:], uint32(recorded.Nanosecond()))
	be.PutUint64(b[41:], uint64(int64(e.SchemaVersion)))
	for i, n := range [fieldCount]int{
		len(e.SpecVersion), len(e.ID), len(e.Source), len(e.Type), len(stream), len(e.DataContentType), len(e.Data),
	} {
		be.PutUint32(b[49+4*i:], uint32(n))
	}
	b = append(b, e.SpecVersion...)
	b = append(b, e.ID...)
	b = append(b, e.Source...)
	b = append(b, e.Type...)
	b = append(b, stream...)
	b = append(b, e.DataContentType...)
	return append(b, e.Data...)
}

// decoder turns records into envelopes. It shares the strings that repeat from one event to the
// next (spec version, source, type, content type, often the stream), so that a full read allocates
// little more than each event's id and data. A decoder is used by one goroutine.
type decoder struct {
	interned map[string]string
}

// maxInterned bounds the strings a decoder keeps; past it, strings are allocated per event.
const maxInterned = 4096

func (d *decoder) intern(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if s, ok := d.interned[string(b)]; ok {
		return s
	}
	s := string(b)
	if d.interned == nil {
		d.interned = make(map[string]string, 64)
	}
	if len(d.interned) < maxInterned {
		d.interned[s] = s
	}
	return s
}

// decode decodes the record b, which was stored at position pos; b may live in bbolt's memory map,
// so nothing of it is kept. streamHint, when it equals the record's subject, is used as Subject
// without allocating.
func (d *decoder) decode(pos uint64, b []byte, streamHint string) (es.Envelope, error) {
	if len(b) < headerSize {
		return es.Envelope{}, fmt.Errorf("%w at position %d: %d bytes", errDamaged, pos, len(b))
	}
	if b[0] != recordFormat {
		return es.Envelope{}, fmt.Errorf("%w at position %d: unknown record format %d", errDamaged, pos, b[0])
	}
	be := binary.BigEndian
	if got := be.Uint64(b[1:]); got != pos {
		return es.Envelope{}, fmt.Errorf("%w at position %d: record says position %d", errDamaged, pos, got)
	}
	var lens [fieldCount]int
	total := headerSize
	for i := range lens {
		lens[i] = int(be.Uint32(b[49+4*i:]))
		total += lens[i]
	}
	if total != len(b) {
		return es.Envelope{}, fmt.Errorf("%w at position %d: fields take %d bytes, record has %d", errDamaged, pos, total, len(b))
	}
	nsTime, nsRecorded := be.Uint32(b[25:]), be.Uint32(b[37:])
	if nsTime >= 1e9 || nsRecorded >= 1e9 {
		return es.Envelope{}, fmt.Errorf("%w at position %d: nanoseconds out of range", errDamaged, pos)
	}
	e := es.Envelope{
		Position:      pos,
		Version:       be.Uint64(b[9:]),
		Time:          time.Unix(int64(be.Uint64(b[17:])), int64(nsTime)).UTC(),
		Recorded:      time.Unix(int64(be.Uint64(b[29:])), int64(nsRecorded)).UTC(),
		SchemaVersion: int(int64(be.Uint64(b[41:]))),
	}
	rest := b[headerSize:]
	field := func(i int) []byte {
		f := rest[:lens[i]:lens[i]]
		rest = rest[lens[i]:]
		return f
	}
	e.SpecVersion = d.intern(field(0))
	e.ID = string(field(1))
	e.Source = d.intern(field(2))
	e.Type = d.intern(field(3))
	if subject := field(4); string(subject) == streamHint {
		e.Subject = streamHint
	} else {
		e.Subject = d.intern(subject)
	}
	e.DataContentType = d.intern(field(5))
	if data := field(6); len(data) > 0 {
		e.Data = append([]byte(nil), data...)
	}
	return e, nil
}

// indexFields returns what the indexes need from a record without decoding the rest: its stream
// version, id and stream. The slices point into b.
func indexFields(b []byte) (version uint64, id, stream []byte, ok bool) {
	lens, ok := fieldLens(b)
	if !ok {
		return 0, nil, nil, false
	}
	idAt := headerSize + lens[0]
	streamAt := idAt + lens[1] + lens[2] + lens[3]
	return binary.BigEndian.Uint64(b[9:]), b[idAt : idAt+lens[1]], b[streamAt : streamAt+lens[4]], true
}

// fieldLens reads the lengths of a record's variable fields from its header; ok is false when b is
// not a whole record of this format.
func fieldLens(b []byte) (lens [fieldCount]int, ok bool) {
	if len(b) < headerSize || b[0] != recordFormat {
		return lens, false
	}
	total := headerSize
	for i := range lens {
		lens[i] = int(binary.BigEndian.Uint32(b[49+4*i:]))
		total += lens[i]
	}
	return lens, total == len(b)
}
