package yardmap

import (
	"bytes"
	"cmp"
	"encoding/gob"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/iso6346"
	"github.com/yardtwin/yardtwin/domain/yard"
	"github.com/yardtwin/yardtwin/projections"
	"github.com/yardtwin/yardtwin/projections/internal/keyed"
)

// chain is what the time-travel views keep of an Incremental model: the whole records of the
// first Changes, with the later ones merged in.
type chain map[string][]byte

func (c chain) merge(recs []keyed.Record, all bool) {
	if all {
		clear(c)
	}
	for _, r := range recs {
		if r.Data == nil {
			delete(c, r.Key)
			continue
		}
		c[r.Key] = slices.Clone(r.Data)
	}
}

// records is the chain in key order, as RestoreRecords gets it.
func (c chain) records() []keyed.Record {
	out := make([]keyed.Record, 0, len(c))
	for _, k := range slices.Sorted(maps.Keys(c)) {
		out = append(out, keyed.Record{Key: k, Data: c[k]})
	}
	return out
}

// TestChangesRestoreTheLiveModel folds a day and a half of the demo scenario (its realistic mix of
// events) with retention windows and caps scaled down, so that boxes and visits are evicted by
// time and by count and the anomaly ring wraps many times, with a slot conflict planted every few
// hundred events (a box reported in a slot the twin holds for another, which displaces it). Every
// 2,000 positions it takes Changes, as the time-travel views do, and merges them into a chain (one
// whole state, then deltas). At several of those positions a model restored from the chain with
// RestoreRecords must equal the live model: its Snapshot, its internal indexes (as Restore of the
// live model's Snapshot builds them), and its answers; and, folding the rest of the log as the
// live one does, it must stay equal to the end. Half way, the live model is itself restored from
// its own Snapshot (a restart), after which Changes starts again with a whole state.
func TestChangesRestoreTheLiveModel(t *testing.T) {
	cfg := Config{DepartedFor: 2 * time.Hour, MaxDeparted: 400, ExpectedFor: 8 * time.Hour, VisitsFor: 6 * time.Hour, MaxDepartedVisits: 2, Anomalies: 16}
	span := 36 * time.Hour
	if raceEnabled || testing.Short() {
		span = 16 * time.Hour // the simulator is about six times slower under -race
	}
	const every = 2000
	f, l := demoFeed(t)
	live := NewWith(l, cfg)
	restarted := false
	c := chain{}
	var followers []*Model // models restored from the chain, folding on with the live one
	var checked []uint64
	evicted, conflicts, wholes := 0, 0, 0

	capture := func() {
		before := live.Held()
		at, recs, all := live.Changes()
		if at != live.Position() {
			t.Fatalf("Changes at %d, model at %d", at, live.Position())
		}
		if all {
			wholes++
		}
		c.merge(recs, all)
		if after := live.Held(); after != before {
			t.Fatalf("Changes changed the model: %+v, then %+v", before, after)
		}
		if at%(5*every) != 0 && len(checked) > 0 {
			return
		}
		restored := NewWith(l, cfg)
		if err := restored.RestoreRecords(at, c.records()); err != nil {
			t.Fatalf("at %d: %v", at, err)
		}
		sameModel(t, live, restored, l, cfg)
		followers = append(followers, restored)
		checked = append(checked, at)
	}

	var pos uint64
	var planted uint64
	runDemo(t, f, f.Start().Add(span), 0, func(items []projections.Item) error {
		items = plantConflicts(live, items, &pos, &planted)
		for len(items) > 0 {
			stop := (pos/every + 1) * every
			n := 0
			for n < len(items) && items[n].Position <= stop {
				n++
			}
			live.Apply(items[:n])
			for _, m := range followers {
				m.Apply(items[:n])
			}
			pos, items = items[n-1].Position, items[n:]
			if pos == stop {
				capture()
			}
			if !restarted && pos >= 30_000 && pos%every == 0 {
				restarted = true
				at, state, err := live.Snapshot()
				if err != nil {
					t.Fatal(err)
				}
				if err := live.Restore(at, state); err != nil {
					t.Fatal(err)
				}
			}
		}
		return nil
	})
	live.mu.RLock()
	evicted = int(live.departed.pushed) - live.departed.len() + int(live.expected.pushed) - live.expected.len()
	conflicts = live.anomalyCount[SlotConflict]
	live.mu.RUnlock()
	t.Logf("%d events, %d checks at %v, %d whole states, %d planted conflicts, counts %v, queue entries gone %d, held %+v",
		pos, len(checked), checked, wholes, planted, live.Summary().Anomalies, evicted, live.Held())
	if len(checked) < 4 || wholes != 2 || conflicts == 0 || evicted == 0 || live.Summary().Anomalies[SlotConflict] < int(planted) {
		t.Fatalf("not a test of what it claims: %d checks, %d whole states, %d conflicts, %d queue entries gone", len(checked), wholes, conflicts, evicted)
	}
	for i, m := range followers {
		if m.Position() != live.Position() {
			t.Fatalf("model restored at %d is at %d, live at %d", checked[i], m.Position(), live.Position())
		}
		sameModel(t, live, m, l, cfg)
	}
}

// plantConflicts renumbers items after *pos, inserting every 397th position a report of a new
// box stacked in a slot the live model holds for another box (the planted anomaly displaces it).
func plantConflicts(live *Model, items []projections.Item, pos, planted *uint64) []projections.Item {
	out := make([]projections.Item, 0, len(items)+len(items)/300+1)
	next := *pos
	for _, it := range items {
		next++
		if next%397 == 0 {
			live.mu.RLock()
			slots := slices.SortedFunc(maps.Keys(live.slots), func(a, b yard.Slot) int {
				return cmp.Or(strings.Compare(a.Block, b.Block), cmp.Compare(a.Bay, b.Bay), cmp.Compare(a.Row, b.Row), cmp.Compare(a.Tier, b.Tier))
			})
			live.mu.RUnlock()
			if len(slots) > 0 {
				taken := slots[int(*planted*7919)%len(slots)]
				*planted++
				c := boxNumber(900_000 + int(*planted))
				ev := yard.ContainerStacked{Container: c, Block: taken.Block, Bay: taken.Bay, Row: taken.Row, Tier: taken.Tier, Crane: "RTG99"}
				out = append(out, projections.Item{
					Envelope: es.Envelope{ID: "planted-" + string(c), Type: ev.EventType(), Subject: ev.Stream(), Time: it.Time, Recorded: it.Recorded, Position: next},
					Event:    ev,
				})
				next++
			}
		}
		it.Position = next
		out = append(out, it)
	}
	return out
}

// sameModel fails unless got holds what want holds: the same Snapshot, the same indexes as a
// Restore of want's Snapshot, the same answers.
func sameModel(t *testing.T, want, got *Model, l *yard.Layout, cfg Config) {
	t.Helper()
	pos := want.Position()
	wantPos, wantState, err := want.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	gotPos, gotState, err := got.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if wantPos != gotPos {
		t.Fatalf("at %d: restored model at %d", wantPos, gotPos)
	}
	var ws, gs snapshot
	for _, x := range []struct {
		state []byte
		into  *snapshot
	}{{wantState, &ws}, {gotState, &gs}} {
		if err := gob.NewDecoder(bytes.NewReader(x.state)).Decode(x.into); err != nil {
			t.Fatal(err)
		}
	}
	if !reflect.DeepEqual(ws, gs) {
		diffSnapshots(t, pos, ws, gs)
	}
	// The indexes built from the boxes: as a Restore of the live model's Snapshot builds them, but
	// for blocks and counts that went down to zero, which a model keeps once it has folded them.
	viaGob := NewWith(l, cfg)
	if err := viaGob.Restore(wantPos, wantState); err != nil {
		t.Fatal(err)
	}
	if wi, gi := indexesOf(viaGob), indexesOf(got); !reflect.DeepEqual(wi, gi) {
		t.Fatalf("at %d: indexes differ from a Restore of the Snapshot (slots %d/%d, raised %d/%d)", pos, len(gi.Slots), len(wi.Slots), gi.Raised, wi.Raised)
	}
	if want.raised != got.raised {
		t.Fatalf("at %d: %d anomalies raised, want %d", pos, got.raised, want.raised)
	}
	for _, q := range []struct {
		name string
		a, b any
	}{
		{"summary", want.Summary(), got.Summary()},
		{"held", want.Held(), got.Held()},
		{"anomalies", want.Anomalies(), got.Anomalies()},
		{"machines", want.Machines(), got.Machines()},
		{"visits", want.Visits(), got.Visits()},
	} {
		if !reflect.DeepEqual(q.a, q.b) {
			t.Fatalf("at %d: %s differ:\n got %+v\nwant %+v", pos, q.name, q.b, q.a)
		}
	}
}

// indexes is what a model derives from its boxes, and its queues, without what a Snapshot and
// Restore would not carry: zero counts, the numbering of queue entries.
type indexes struct {
	Slots   map[yard.Slot]iso6346.ContainerID
	Fill    map[string]blockFill
	ByWhere map[string]int
	Raised  uint64
	Queues  [3][]leaving
}

func indexesOf(m *Model) indexes {
	m.mu.RLock()
	defer m.mu.RUnlock()
	x := indexes{Slots: maps.Clone(m.slots), Fill: map[string]blockFill{}, ByWhere: map[string]int{}, Raised: m.raised}
	for b, f := range m.fill {
		c := blockFill{Boxes: f.Boxes, TEU: f.TEU, Reefers: f.Reefers, ByCategory: maps.Clone(f.ByCategory), BySize: maps.Clone(f.BySize)}
		maps.DeleteFunc(c.ByCategory, func(_ yard.Category, n int) bool { return n == 0 })
		maps.DeleteFunc(c.BySize, func(_ int, n int) bool { return n == 0 })
		if c.Boxes != 0 || c.TEU != 0 || c.Reefers != 0 || len(c.ByCategory) > 0 || len(c.BySize) > 0 {
			x.Fill[b] = c
		}
	}
	for w, n := range m.byWhere {
		if n != 0 {
			x.ByWhere[w] = n
		}
	}
	for i, q := range []*queue{&m.departed, &m.expected, &m.leftVisits} {
		for _, e := range q.slice() {
			e.seq = 0
			x.Queues[i] = append(x.Queues[i], e)
		}
	}
	return x
}

// diffSnapshots fails with the first difference of two snapshots.
func diffSnapshots(t *testing.T, pos uint64, want, got snapshot) {
	t.Helper()
	wv, gv := reflect.ValueOf(want), reflect.ValueOf(got)
	var diffs []string
	for i := range wv.NumField() {
		if !reflect.DeepEqual(wv.Field(i).Interface(), gv.Field(i).Interface()) {
			diffs = append(diffs, wv.Type().Field(i).Name)
		}
	}
	if len(want.Boxes) == len(got.Boxes) {
		for i := range want.Boxes {
			if !reflect.DeepEqual(want.Boxes[i], got.Boxes[i]) {
				t.Errorf("at %d: box %d\n got %+v\nwant %+v", pos, i, got.Boxes[i], want.Boxes[i])
				break
			}
		}
	}
	t.Fatalf("at %d: the restored model's snapshot differs in %s (boxes %d, want %d)", pos, strings.Join(diffs, ", "), len(got.Boxes), len(want.Boxes))
}

// TestRecordsRoundTrip checks that every field of a box, machine, visit and anomaly comes back
// from its record: a field added to one of them and forgotten in records.go fails here.
func TestRecordsRoundTrip(t *testing.T) {
	at := t0.In(time.FixedZone("", 3600)) // an offset comes back, a zone's name does not (as with gob)
	s := yard.Slot{Block: "A01", Bay: 3, Row: 2, Tier: 4}
	box := &Box{
		Container: boxA, SizeType: "45R1", Category: yard.Import, WeightKg: 21_300.5, Reefer: true, Visit: "V1",
		Where: AtYard, Slot: &s, Truck: "IT01", Since: at, Entered: t0, Holds: []string{"customs", "line"},
		CheckDigitOK: true, LastAt: at.Add(time.Second),
	}
	mc := &Machine{ID: "RTG01", Kind: "yard_crane", Status: "working", Lon: -5.5, Lat: 35.9, X: 10.25, Y: -3.5,
		Place: "block A01", At: at, DistanceM: 1234.5, Job: boxA, Reported: true}
	v := &Visit{Visit: "V1", Vessel: "MSC AMBRA", Berth: "B1", State: "departed", Arrived: t0, Berthed: at,
		Departed: at.Add(time.Hour), Discharged: 3, Loaded: 4, Planned: 10, Remaining: 3, MovesPerHour: 7.5, LastMove: at}
	a := Anomaly{Kind: SlotConflict, Position: 42, EventID: "e42", At: at, Container: boxB, Slot: &s, Detail: "it"}
	e := leaving{ID: "X", Since: at, seq: 7}
	var w recordWriter
	w.box(box)
	w.machine(mc)
	w.visit(v)
	w.anomaly(3, a)
	w.leaving(keyDeparted, e)
	w.model(at, 99, map[string]int{SlotConflict: 2, LateReport: 97})
	recs := w.records()
	wantKeys := []string{"b/" + string(boxA), "m/RTG01", "v/V1", "a/3", "qd/0000000000000007", "y"}
	for i, r := range recs {
		if r.Key != wantKeys[i] {
			t.Fatalf("key %d = %q, want %q", i, r.Key, wantKeys[i])
		}
	}
	read := func(i int) *reader {
		d := &reader{b: recs[i].Data}
		if d.byte() != recordFormat {
			t.Fatalf("record %q: no format byte", recs[i].Key)
		}
		return d
	}
	check := func(name string, d *reader, got, want any) {
		t.Helper()
		if d.err != nil || len(d.b) != 0 || !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: err %v, %d bytes left\n got %+v\nwant %+v", name, d.err, len(d.b), got, want)
		}
	}
	d := read(0)
	check("box", d, d.box(), box)
	d = read(1)
	check("machine", d, d.machine(), mc)
	d = read(2)
	check("visit", d, d.visit(), v)
	d = read(3)
	check("anomaly", d, d.anomaly(), a)
	d = read(4)
	e.seq = 0 // not in the record: the key holds it
	check("queue entry", d, d.leaving(), e)
	d = read(5)
	newest, raised, counts := d.model()
	check("model", d, []any{newest, raised, counts}, []any{at, uint64(99), map[string]int{SlotConflict: 2, LateReport: 97}})

	// A record cut short is an error, never a panic.
	m := newModel(t)
	for n := range len(recs[0].Data) {
		if err := m.RestoreRecords(1, []keyed.Record{{Key: recs[0].Key, Data: recs[0].Data[:n]}, recs[5]}); err == nil {
			t.Fatalf("a box record cut to %d bytes restored", n)
		}
	}
}

// TestChangesCostWhatChanged checks that after a whole state Changes hands over only the records
// of what the events since touched: the box moved, the one it displaced, the machine, the anomaly.
func TestChangesCostWhatChanged(t *testing.T) {
	m := newModel(t)
	var evs []es.Event
	for i := range 50 {
		evs = append(evs, stacked(boxNumber(i), 1+i, 1, 1))
	}
	m.Apply(log(evs...))
	if _, recs, all := m.Changes(); !all || len(recs) < 50 {
		t.Fatalf("first Changes: all %v, %d records", all, len(recs))
	}
	if _, recs, all := m.Changes(); all || len(recs) != 1 || recs[0].Key != keyModel {
		t.Fatalf("Changes with nothing folded: all %v, %v", all, keys(recs))
	}
	m.Apply(logAt(50, timed{time.Hour, stacked(boxA, 1, 1, 1)})) // displaces box 0 from bay 1
	_, recs, all := m.Changes()
	want := []string{"a/0", "b/" + string(boxNumber(0)), "b/" + string(boxA), "m/RTG01", keyExpected + "0000000000000000", keyModel}
	if got := keys(recs); all || !slices.Equal(got, want) {
		t.Fatalf("Changes after a slot conflict: %v, want %v", got, want)
	}
}

func keys(recs []keyed.Record) []string {
	var out []string
	for _, r := range recs {
		out = append(out, r.Key)
	}
	slices.Sort(out)
	return out
}
