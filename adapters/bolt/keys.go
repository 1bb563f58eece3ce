package bolt

import (
	"encoding/binary"
	"math"
)

// Bucket names. Like the record format, they are part of the file format and never change.
var (
	bucketMeta    = []byte("meta")    // format facts: magic, file format
	bucketLog     = []byte("log")     // position → record
	bucketStreams = []byte("streams") // stream key (stream, version) → position
	bucketIDs     = []byte("ids")     // event id → position, version
)

// Keys of the meta bucket.
var (
	metaMagic  = []byte("magic")
	metaFormat = []byte("format")
	// metaIndexed holds the watermark of the streams and ids buckets: they hold every event up to
	// this position (8 bytes); the events after it are indexed from the log on Open.
	metaIndexed = []byte("indexed")
)

// magic marks a bbolt file as a yardtwin event store.
const magic = "yardtwin.events"

// fileFormat is the layout of buckets and keys described in the package doc. Like recordFormat it is
// never renumbered; a build refuses a file whose format it does not know.
const fileFormat byte = 1

// logKey returns a log key: the position, big-endian, so that keys sort in log order and each
// append lands at the end of the bucket.
func logKey(pos uint64) []byte {
	return binary.BigEndian.AppendUint64(make([]byte, 0, 8), pos)
}

// streamPrefix returns the part of a stream key before the version: the stream's length as a
// uvarint, then the stream. Length-prefixing keeps one stream's keys together: no stream's prefix is
// a prefix of another's, so "block-B1" never reads the events of "block-B10".
func streamPrefix(stream string) []byte {
	b := make([]byte, 0, binary.MaxVarintLen64+len(stream)+8)
	b = binary.AppendUvarint(b, uint64(len(stream)))
	return append(b, stream...)
}

// streamKey returns the stream index key of version in stream.
func streamKey(stream string, version uint64) []byte {
	return binary.BigEndian.AppendUint64(streamPrefix(stream), version)
}

// splitStreamKey returns the stream and version in a stream index key.
func splitStreamKey(k []byte) (stream []byte, version uint64, ok bool) {
	n, w := binary.Uvarint(k)
	if w <= 0 || n > math.MaxInt32 || len(k) != w+int(n)+8 {
		return nil, 0, false
	}
	return k[w : w+int(n)], binary.BigEndian.Uint64(k[w+int(n):]), true
}

// idValue returns the id index value of an event stored at position and version.
func idValue(pos, version uint64) []byte {
	b := make([]byte, 16)
	binary.BigEndian.PutUint64(b, pos)
	binary.BigEndian.PutUint64(b[8:], version)
	return b
}

// splitIDValue returns the position and version in an id index value.
func splitIDValue(v []byte) (pos, version uint64, ok bool) {
	if len(v) != 16 {
		return 0, 0, false
	}
	return binary.BigEndian.Uint64(v), binary.BigEndian.Uint64(v[8:]), true
}
