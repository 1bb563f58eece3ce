package bolt

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/domain/es"
)

func sampleEnvelope() es.Envelope {
	return es.Envelope{
		SpecVersion:     "1.0",
		ID:              "ev-1",
		Source:          "urn:tos:tc1",
		Type:            "yard.ContainerStacked",
		Time:            time.Date(2025, 3, 14, 9, 26, 53, 589793238, time.UTC),
		DataContentType: "application/json",
		SchemaVersion:   2,
		Data:            json.RawMessage(`{"slot":"B07-03-02-1"}`),
	}
}

// format1 is sampleEnvelope stored in block-B07 at position 9, version 4, recorded at
// 2025-03-14T09:27:00.000000123Z, in record format 1. It is frozen: a build that encodes it
// differently has changed the format, which needs a new format number instead.
const format1 = "01" + // format
	"0000000000000009" + "0000000000000004" + // position, version
	"0000000067d3f65d" + "232787d6" + // time: seconds, nanoseconds
	"0000000067d3f664" + "0000007b" + // recorded
	"0000000000000002" + // schema version
	"00000003" + "00000004" + "0000000b" + "00000015" + "00000009" + "00000010" + "00000016" + // lengths
	"312e30" + "65762d31" + "75726e3a746f733a746331" + "796172642e436f6e7461696e6572537461636b6564" +
	"626c6f636b2d423037" + "6170706c69636174696f6e2f6a736f6e" + "7b22736c6f74223a224230372d30332d30322d31227d"

func TestRecordFormat1IsFrozen(t *testing.T) {
	e := sampleEnvelope()
	recorded := time.Date(2025, 3, 14, 9, 27, 0, 123, time.UTC)
	got := hex.EncodeToString(encodeRecord(&e, "block-B07", 9, 4, recorded))
	if got != format1 {
		t.Fatalf("format 1 encoding changed:\n got  %s\n want %s", got, format1)
	}

	raw, _ := hex.DecodeString(format1)
	var d decoder
	dec, err := d.decode(9, raw, "")
	if err != nil {
		t.Fatal(err)
	}
	want := e
	want.Subject, want.Position, want.Version, want.Recorded = "block-B07", 9, 4, recorded
	if dec.ID != want.ID || dec.Source != want.Source || dec.Type != want.Type || dec.Subject != want.Subject ||
		dec.SpecVersion != want.SpecVersion || dec.DataContentType != want.DataContentType ||
		dec.SchemaVersion != want.SchemaVersion || !dec.Time.Equal(want.Time) || !dec.Recorded.Equal(want.Recorded) ||
		dec.Position != 9 || dec.Version != 4 || string(dec.Data) != string(want.Data) {
		t.Errorf("decoded %+v\nwant %+v", dec, want)
	}
	if v, id, stream, ok := indexFields(raw); !ok || v != 4 || string(id) != "ev-1" || string(stream) != "block-B07" {
		t.Errorf("index fields = %d %q %q %v", v, id, stream, ok)
	}
}

func TestRecordTimes(t *testing.T) {
	tests := []struct {
		name string
		give time.Time
	}{
		{"Zero", time.Time{}},
		{"BeforeEpoch", time.Date(1969, 12, 31, 23, 59, 59, 999999999, time.UTC)},
		{"FarFuture", time.Date(2999, 1, 1, 0, 0, 0, 1, time.UTC)},
		{"OtherZone", time.Date(2025, 6, 1, 14, 0, 0, 5, time.FixedZone("CEST", 2*3600))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := sampleEnvelope()
			e.Time = tt.give
			var d decoder
			got, err := d.decode(1, encodeRecord(&e, "s", 1, 1, tt.give), "")
			if err != nil {
				t.Fatal(err)
			}
			if !got.Time.Equal(tt.give) || !got.Recorded.Equal(tt.give) || got.Time.Location() != time.UTC {
				t.Errorf("time = %v, recorded = %v, want %v in UTC", got.Time, got.Recorded, tt.give)
			}
			if tt.give.IsZero() && !got.Time.IsZero() {
				t.Errorf("zero time came back as %v", got.Time)
			}
		})
	}
}

func TestRecordDamaged(t *testing.T) {
	e := sampleEnvelope()
	good := encodeRecord(&e, "block-B07", 9, 4, time.Unix(0, 0))
	tests := []struct {
		name    string
		givePos uint64
		give    func([]byte) []byte
	}{
		{"Short", 9, func(b []byte) []byte { return b[:headerSize-1] }},
		{"Truncated", 9, func(b []byte) []byte { return b[:len(b)-1] }},
		{"Trailing", 9, func(b []byte) []byte { return append(b, 0) }},
		{"UnknownFormat", 9, func(b []byte) []byte { b[0] = 7; return b }},
		{"WrongPosition", 10, func(b []byte) []byte { return b }},
		{"Nanoseconds", 9, func(b []byte) []byte { copy(b[25:], []byte{0xff, 0xff, 0xff, 0xff}); return b }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d decoder
			_, err := d.decode(tt.givePos, tt.give(append([]byte(nil), good...)), "")
			if !errors.Is(err, errDamaged) {
				t.Errorf("decode = %v, want errDamaged", err)
			}
		})
	}
}

func TestStreamKeys(t *testing.T) {
	long := strings.Repeat("x", 300) // a two-byte length prefix
	tests := []struct {
		name    string
		give    string
		version uint64
	}{
		{"Short", "block-B1", 1},
		{"Long", long, 1 << 40},
		{"Empty", "", 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stream, version, ok := splitStreamKey(streamKey(tt.give, tt.version))
			if !ok || string(stream) != tt.give || version != tt.version {
				t.Errorf("split = %q, %d, %v", stream, version, ok)
			}
		})
	}
	// No stream's prefix starts another stream's key.
	for _, pair := range [][2]string{{"block-B1", "block-B10"}, {"a", long}, {"", "a"}} {
		if strings.HasPrefix(string(streamKey(pair[1], 1)), string(streamPrefix(pair[0]))) {
			t.Errorf("key of %q starts with the prefix of %q", pair[1], pair[0])
		}
	}
}
