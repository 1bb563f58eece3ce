package timetravel

import (
	"encoding/binary"
	"errors"
	"slices"
	"strings"

	"github.com/yardtwin/yardtwin/projections"
	"github.com/yardtwin/yardtwin/projections/internal/keyed"
)

// Incremental is a model that can tell what changed in it, record by record, so that the views
// write only that at each snapshot instead of the whole model. A record is one keyed piece of the
// state (a box, a machine, a vessel visit, a block's fill, the anomaly counts): what a yard model
// changes in a stretch of events is a few records, whatever the yard's size.
//
// The model keeps a set of the keys changed since it last handed them over (its dirty set); the
// views call Changes on the runner's goroutine, with the model at a position and nothing folding
// into it, so that what they write is exactly its state there.
type Incremental interface {
	projections.Snapshotter
	// Changes returns the model's position and its records changed since the previous call, a nil
	// Data for a record that is gone, and empties its dirty set. The first call after the model is
	// made or restored returns every record, with all true: that is a whole state.
	Changes() (position uint64, changed []Record, all bool)
	// RestoreRecords replaces the model's state with records, the whole of its state at position,
	// in key order.
	RestoreRecords(position uint64, records []Record) error
}

// Record is one keyed piece of a model's state, in the model's own encoding. A nil Data in a
// change says the record is gone. It is defined in projections/internal/keyed so that a model can
// implement Incremental without importing this package (timetravel's tests import yardmap).
type Record = keyed.Record

// records are encoded one after the other: key length (uvarint), key, data length + 1 (uvarint,
// 0 for a record that is gone), data.
func encodeRecords(recs []Record) []byte {
	n := 0
	for _, r := range recs {
		n += 2*binary.MaxVarintLen32 + len(r.Key) + len(r.Data)
	}
	out := make([]byte, 0, n)
	for _, r := range recs {
		out = binary.AppendUvarint(out, uint64(len(r.Key)))
		out = append(out, r.Key...)
		if r.Data == nil {
			out = binary.AppendUvarint(out, 0)
			continue
		}
		out = binary.AppendUvarint(out, uint64(len(r.Data))+1)
		out = append(out, r.Data...)
	}
	return out
}

var errRecords = errors.New("timetravel: damaged records")

// mergeRecords applies the encoded records in buf to into: later records replace earlier ones, a
// gone record removes the key (or, when keepGone, is kept as a gone record: merging two deltas).
// The data are slices of buf.
func mergeRecords(into map[string][]byte, buf []byte, keepGone bool) error {
	for len(buf) > 0 {
		k, n := binary.Uvarint(buf)
		if n <= 0 || uint64(len(buf)-n) < k {
			return errRecords
		}
		key := string(buf[n : n+int(k)])
		buf = buf[n+int(k):]
		d, n := binary.Uvarint(buf)
		if n <= 0 || uint64(len(buf)-n) < max(d, 1)-1 {
			return errRecords
		}
		buf = buf[n:]
		if d == 0 {
			if keepGone {
				into[key] = nil
			} else {
				delete(into, key)
			}
			continue
		}
		into[key] = buf[: d-1 : d-1]
		buf = buf[d-1:]
	}
	return nil
}

// sortedRecords is the records of m in key order; a nil value stays a gone record.
func sortedRecords(m map[string][]byte) []Record {
	out := make([]Record, 0, len(m))
	for k, d := range m {
		if d == nil {
			out = append(out, Record{Key: k})
			continue
		}
		out = append(out, Record{Key: k, Data: d})
	}
	slices.SortFunc(out, func(a, b Record) int { return strings.Compare(a.Key, b.Key) })
	return out
}
