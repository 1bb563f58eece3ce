package yardmap

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/yardtwin/yardtwin/domain/iso6346"
	"github.com/yardtwin/yardtwin/domain/yard"
	"github.com/yardtwin/yardtwin/projections/internal/keyed"
)

// The model is timetravel.Incremental (it cannot say so here: timetravel's tests import yardmap):
// time travel writes, every 25,000 events, only the records changed since its last snapshot, so
// that no whole-yard sort and encoding runs on the ingest path. Its records, by key:
//
//	b/<container>        a Box (without History, which the model does not hold)
//	m/<machine>          a Machine
//	v/<visit>            a Visit
//	a/<slot>             the anomaly in slot n mod Anomalies of the ring, n its number since the
//	                     start of the log (0 for the first): the ring is rebuilt from the slots
//	                     and the number of anomalies raised, whatever its layout in memory
//	qd/, qe/, ql/<seq>   an entry of the eviction queue of departed boxes, expected boxes and
//	                     departed visits; seq, 16 hex digits, orders the entries as queued
//	y                    the newest event time folded, the anomalies raised, the counts by kind
//
// Slots, block fill and counts by location are derived from the boxes on restore, as Restore
// does. Each record's data starts with recordFormat; the encodings below are stored in the
// time-travel file, so they change only with a new format byte that the reader still knows, or a
// new Name.
//
// What changes is noted as it changes, O(1) an event: the key of every box an event touches (the
// event's own box, one displaced by its report, one evicted), of every machine and visit, in
// sets; the anomalies and queue entries added are found from counters, those removed from the
// queues are listed as they go. A model is asked only once Changes is first called: until then
// (a past view, a rebuild, ContainerFromStream) it notes nothing.

// recordFormat is the first byte of every record's data.
const recordFormat = 1

// Record key prefixes.
const (
	keyBox        = "b/"
	keyMachine    = "m/"
	keyVisit      = "v/"
	keyAnomaly    = "a/"
	keyDeparted   = "qd/"
	keyExpected   = "qe/"
	keyLeftVisits = "ql/"
	keyModel      = "y"
)

// changes is what changed since the last Changes.
type changes struct {
	boxes    map[iso6346.ContainerID]struct{}
	machines map[string]struct{}
	visits   map[string]struct{}
	raised   uint64 // m.raised at the last Changes
}

func (m *Model) touchBox(id iso6346.ContainerID) {
	if m.changed != nil {
		m.changed.boxes[id] = struct{}{}
	}
}

func (m *Model) touchMachine(id string) {
	if m.changed != nil {
		m.changed.machines[id] = struct{}{}
	}
}

func (m *Model) touchVisit(id string) {
	if m.changed != nil {
		m.changed.visits[id] = struct{}{}
	}
}

// Changes returns the model's position and its records changed since the previous call (a nil
// Data for a record that is gone), and forgets them: it implements timetravel.Incremental. The
// first call after New, Restore or RestoreRecords returns every record, with all true. It costs
// what changed, not the yard (but for that first call). Call it with nothing folding into the
// model (the time-travel views call it on the runner's goroutine).
func (m *Model) Changes() (position uint64, changed []keyed.Record, all bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var w recordWriter
	all = m.changed == nil
	if all {
		for _, b := range m.boxes {
			w.box(b)
		}
		for _, mc := range m.machines {
			w.machine(mc)
		}
		for _, v := range m.visits {
			w.visit(v)
		}
		m.changed = &changes{
			boxes: map[iso6346.ContainerID]struct{}{}, machines: map[string]struct{}{}, visits: map[string]struct{}{},
			raised: m.raised - uint64(m.anomalies.Len()),
		}
	} else {
		c := m.changed
		for id := range c.boxes {
			if b, ok := m.boxes[id]; ok {
				w.box(b)
			} else {
				w.gone(keyBox + string(id))
			}
		}
		for id := range c.machines {
			if mc, ok := m.machines[id]; ok {
				w.machine(mc)
			} else {
				w.gone(keyMachine + id)
			}
		}
		for id := range c.visits {
			if v, ok := m.visits[id]; ok {
				w.visit(v)
			} else {
				w.gone(keyVisit + id)
			}
		}
		clear(c.boxes)
		clear(c.machines)
		clear(c.visits)
	}
	// The anomalies raised since: the newest of the ring, each in its slot.
	held := uint64(m.anomalies.Len())
	oldest := m.raised - held // number of the ring's oldest anomaly
	for n := max(m.changed.raised, oldest); n < m.raised; n++ {
		w.anomaly(n%uint64(m.anomalies.Cap()), m.anomalies.At(int(n-oldest)))
	}
	m.changed.raised = m.raised
	for _, q := range []struct {
		prefix string
		q      *queue
	}{{keyDeparted, &m.departed}, {keyExpected, &m.expected}, {keyLeftVisits, &m.leftVisits}} {
		for _, seq := range q.q.gone {
			w.gone(seqKey(q.prefix, seq))
		}
		// The entries pushed since are at the back (a compaction keeps the order).
		items := q.q.slice()
		i := len(items)
		for i > 0 && (all || items[i-1].seq >= q.q.handed) {
			i--
		}
		for _, e := range items[i:] {
			w.leaving(q.prefix, e)
		}
		q.q.tracking, q.q.handed, q.q.gone = true, q.q.pushed, q.q.gone[:0]
	}
	w.model(m.newest, m.raised, m.anomalyCount)
	return m.position, w.records(), all
}

// RestoreRecords replaces the model's state with records, the whole of its state at position as
// Changes handed it over (in key order, gone records left out): it implements
// timetravel.Incremental. The model then equals the one whose records they are, as Restore of its
// Snapshot would make it.
func (m *Model) RestoreRecords(position uint64, records []keyed.Record) error {
	var s snapshot
	var raised uint64
	capacity := uint64(m.anomalies.Cap())
	ring := make(map[uint64]Anomaly, min(capacity, uint64(len(records))))
	var seqs [3][]uint64
	queues := [3]*[]leaving{&s.Departed, &s.Expected, &s.LeftVisits}
	seenModel := false
	for _, r := range records {
		if r.Data == nil {
			continue
		}
		d := reader{b: r.Data}
		if f := d.byte(); f != recordFormat {
			return fmt.Errorf("yardmap restore records: %q has format %d, want %d", r.Key, f, recordFormat)
		}
		var q int
		switch {
		case strings.HasPrefix(r.Key, keyBox):
			s.Boxes = append(s.Boxes, d.box())
		case strings.HasPrefix(r.Key, keyMachine):
			s.Machines = append(s.Machines, d.machine())
		case strings.HasPrefix(r.Key, keyVisit):
			s.Visits = append(s.Visits, d.visit())
		case strings.HasPrefix(r.Key, keyAnomaly):
			slot, err := strconv.ParseUint(r.Key[len(keyAnomaly):], 10, 64)
			if err != nil || slot >= capacity {
				return fmt.Errorf("yardmap restore records: anomaly slot %q of a ring of %d", r.Key, capacity)
			}
			ring[slot] = d.anomaly()
		case strings.HasPrefix(r.Key, keyDeparted), strings.HasPrefix(r.Key, keyExpected), strings.HasPrefix(r.Key, keyLeftVisits):
			q = strings.IndexByte("del", r.Key[1])
			seq, err := strconv.ParseUint(r.Key[3:], 16, 64)
			if err != nil {
				return fmt.Errorf("yardmap restore records: queue entry %q: %w", r.Key, err)
			}
			*queues[q] = append(*queues[q], d.leaving())
			seqs[q] = append(seqs[q], seq)
		case r.Key == keyModel:
			s.Newest, raised, s.AnomalyCount = d.model()
			seenModel = true
		default:
			return fmt.Errorf("yardmap restore records: unknown key %q", r.Key)
		}
		if d.err != nil {
			return fmt.Errorf("yardmap restore records: %q: %w", r.Key, d.err)
		}
	}
	if !seenModel && len(records) > 0 {
		return fmt.Errorf("yardmap restore records: no %q record", keyModel)
	}
	// Records come in key order, which is queue order; sort should they not.
	for q, list := range queues {
		if !slices.IsSorted(seqs[q]) {
			idx := make([]int, len(seqs[q]))
			for i := range idx {
				idx[i] = i
			}
			slices.SortFunc(idx, func(a, b int) int { return compareU64(seqs[q][a], seqs[q][b]) })
			sorted := make([]leaving, len(idx))
			for i, j := range idx {
				sorted[i] = (*list)[j]
			}
			*list = sorted
		}
	}
	if !slices.IsSortedFunc(s.Boxes, func(a, b *Box) int { return strings.Compare(string(a.Container), string(b.Container)) }) {
		slices.SortFunc(s.Boxes, func(a, b *Box) int { return strings.Compare(string(a.Container), string(b.Container)) })
	}
	if capacity > 0 {
		for n := raised - min(raised, capacity); n < raised; n++ {
			a, ok := ring[n%capacity]
			if !ok {
				return fmt.Errorf("yardmap restore records: anomaly %d (slot %d) missing", n, n%capacity)
			}
			s.Anomalies = append(s.Anomalies, a)
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.restore(position, &s, raised)
	return nil
}

func compareU64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// seqKey is prefix and seq in 16 hex digits, so that keys sort as the numbers.
func seqKey(prefix string, seq uint64) string {
	const digits = "0123456789abcdef"
	b := make([]byte, len(prefix)+16)
	copy(b, prefix)
	for i := len(b) - 1; i >= len(prefix); i-- {
		b[i] = digits[seq&15]
		seq >>= 4
	}
	return string(b)
}

// recordWriter encodes records into one buffer.
type recordWriter struct {
	buf  []byte
	keys []string
	ends []int // end of each record's data in buf; -1 for a gone record
}

func (w *recordWriter) begin(key string) {
	w.keys = append(w.keys, key)
	w.buf = append(w.buf, recordFormat)
}

func (w *recordWriter) end() { w.ends = append(w.ends, len(w.buf)) }

func (w *recordWriter) gone(key string) {
	w.keys = append(w.keys, key)
	w.ends = append(w.ends, -1)
}

func (w *recordWriter) records() []keyed.Record {
	out := make([]keyed.Record, len(w.keys))
	start := 0
	for i, k := range w.keys {
		out[i].Key = k
		if end := w.ends[i]; end >= 0 {
			out[i].Data = w.buf[start:end:end]
			start = end
		}
	}
	return out
}

func (w *recordWriter) str(s string) {
	w.buf = binary.AppendUvarint(w.buf, uint64(len(s)))
	w.buf = append(w.buf, s...)
}

func (w *recordWriter) uint(n uint64) { w.buf = binary.AppendUvarint(w.buf, n) }

func (w *recordWriter) int(n int) { w.buf = binary.AppendVarint(w.buf, int64(n)) }

func (w *recordWriter) float(f float64) {
	w.buf = binary.LittleEndian.AppendUint64(w.buf, math.Float64bits(f))
}

func (w *recordWriter) bool(b bool) {
	if b {
		w.buf = append(w.buf, 1)
	} else {
		w.buf = append(w.buf, 0)
	}
}

// time is written as time.Time.MarshalBinary writes it (as gob does in the snapshot), so that it
// comes back with its zone offset. That fails only for an offset beyond ±32,767 minutes, which no
// zone has; such a time is written in UTC.
func (w *recordWriter) time(t time.Time) {
	b, err := t.AppendBinary(nil)
	if err != nil {
		b, _ = t.UTC().AppendBinary(nil)
	}
	w.buf = binary.AppendUvarint(w.buf, uint64(len(b)))
	w.buf = append(w.buf, b...)
}

func (w *recordWriter) slot(s *yard.Slot) {
	w.bool(s != nil)
	if s != nil {
		w.str(s.Block)
		w.int(s.Bay)
		w.int(s.Row)
		w.int(s.Tier)
	}
}

func (w *recordWriter) box(b *Box) {
	w.begin(keyBox + string(b.Container))
	w.str(string(b.Container))
	w.str(string(b.SizeType))
	w.str(string(b.Category))
	w.float(b.WeightKg)
	w.bool(b.Reefer)
	w.str(b.Visit)
	w.str(b.Where)
	w.slot(b.Slot)
	w.str(b.Truck)
	w.time(b.Since)
	w.time(b.Entered)
	w.uint(uint64(len(b.Holds)))
	for _, h := range b.Holds {
		w.str(h)
	}
	w.bool(b.CheckDigitOK)
	w.time(b.LastAt)
	w.end()
}

func (w *recordWriter) machine(mc *Machine) {
	w.begin(keyMachine + mc.ID)
	w.str(mc.ID)
	w.str(mc.Kind)
	w.str(mc.Status)
	w.float(mc.Lon)
	w.float(mc.Lat)
	w.float(mc.X)
	w.float(mc.Y)
	w.str(mc.Place)
	w.time(mc.At)
	w.float(mc.DistanceM)
	w.str(string(mc.Job))
	w.bool(mc.Reported)
	w.end()
}

func (w *recordWriter) visit(v *Visit) {
	w.begin(keyVisit + v.Visit)
	w.str(v.Visit)
	w.str(v.Vessel)
	w.str(v.Berth)
	w.str(v.State)
	w.time(v.Arrived)
	w.time(v.Berthed)
	w.time(v.Departed)
	w.int(v.Discharged)
	w.int(v.Loaded)
	w.int(v.Planned)
	w.int(v.Remaining)
	w.float(v.MovesPerHour)
	w.time(v.LastMove)
	w.end()
}

func (w *recordWriter) anomaly(slot uint64, a Anomaly) {
	w.begin(keyAnomaly + strconv.FormatUint(slot, 10))
	w.str(a.Kind)
	w.uint(a.Position)
	w.str(a.EventID)
	w.time(a.At)
	w.str(string(a.Container))
	w.slot(a.Slot)
	w.str(a.Detail)
	w.end()
}

func (w *recordWriter) leaving(prefix string, e leaving) {
	w.begin(seqKey(prefix, e.seq))
	w.str(e.ID)
	w.time(e.Since)
	w.end()
}

func (w *recordWriter) model(newest time.Time, raised uint64, counts map[string]int) {
	w.begin(keyModel)
	w.time(newest)
	w.uint(raised)
	kinds := make([]string, 0, len(counts))
	for k := range counts {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	w.uint(uint64(len(kinds)))
	for _, k := range kinds {
		w.str(k)
		w.int(counts[k])
	}
	w.end()
}

var errShort = errors.New("record cut short")

// reader decodes what recordWriter encodes; its first error sticks and the rest read zeros.
type reader struct {
	b   []byte
	err error
}

func (d *reader) fail() {
	if d.err == nil {
		d.err = errShort
	}
	d.b = nil
}

func (d *reader) byte() byte {
	if len(d.b) < 1 {
		d.fail()
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *reader) uint() uint64 {
	n, k := binary.Uvarint(d.b)
	if k <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[k:]
	return n
}

func (d *reader) int() int {
	n, k := binary.Varint(d.b)
	if k <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[k:]
	return int(n)
}

func (d *reader) bytes() []byte {
	n := d.uint()
	if uint64(len(d.b)) < n {
		d.fail()
		return nil
	}
	out := d.b[:n]
	d.b = d.b[n:]
	return out
}

func (d *reader) str() string { return string(d.bytes()) }

func (d *reader) float() float64 {
	if len(d.b) < 8 {
		d.fail()
		return 0
	}
	f := math.Float64frombits(binary.LittleEndian.Uint64(d.b))
	d.b = d.b[8:]
	return f
}

func (d *reader) bool() bool { return d.byte() != 0 }

func (d *reader) time() time.Time {
	var t time.Time
	if err := t.UnmarshalBinary(d.bytes()); err != nil && d.err == nil {
		d.err = err
	}
	return t
}

func (d *reader) slot() *yard.Slot {
	if !d.bool() {
		return nil
	}
	return &yard.Slot{Block: d.str(), Bay: d.int(), Row: d.int(), Tier: d.int()}
}

func (d *reader) box() *Box {
	b := &Box{
		Container: iso6346.ContainerID(d.str()), SizeType: iso6346.SizeType(d.str()),
		Category: yard.Category(d.str()), WeightKg: d.float(), Reefer: d.bool(), Visit: d.str(),
		Where: d.str(), Slot: d.slot(), Truck: d.str(), Since: d.time(), Entered: d.time(),
	}
	if n := d.uint(); n > uint64(len(d.b)) {
		d.fail() // each hold takes a byte at least
	} else if n > 0 {
		b.Holds = make([]string, n)
		for i := range b.Holds {
			b.Holds[i] = d.str()
		}
	}
	b.CheckDigitOK = d.bool()
	b.LastAt = d.time()
	return b
}

func (d *reader) machine() *Machine {
	return &Machine{
		ID: d.str(), Kind: d.str(), Status: d.str(), Lon: d.float(), Lat: d.float(), X: d.float(),
		Y: d.float(), Place: d.str(), At: d.time(), DistanceM: d.float(),
		Job: iso6346.ContainerID(d.str()), Reported: d.bool(),
	}
}

func (d *reader) visit() *Visit {
	return &Visit{
		Visit: d.str(), Vessel: d.str(), Berth: d.str(), State: d.str(), Arrived: d.time(),
		Berthed: d.time(), Departed: d.time(), Discharged: d.int(), Loaded: d.int(), Planned: d.int(),
		Remaining: d.int(), MovesPerHour: d.float(), LastMove: d.time(),
	}
}

func (d *reader) anomaly() Anomaly {
	return Anomaly{
		Kind: d.str(), Position: d.uint(), EventID: d.str(), At: d.time(),
		Container: iso6346.ContainerID(d.str()), Slot: d.slot(), Detail: d.str(),
	}
}

func (d *reader) leaving() leaving { return leaving{ID: d.str(), Since: d.time()} }

func (d *reader) model() (newest time.Time, raised uint64, counts map[string]int) {
	newest, raised = d.time(), d.uint()
	counts = map[string]int{}
	for n := d.uint(); n > 0 && d.err == nil; n-- {
		k := d.str()
		counts[k] = d.int()
	}
	return newest, raised, counts
}
