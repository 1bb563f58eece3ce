package simulator_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/domain/contract"
	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/gate"
	"github.com/yardtwin/yardtwin/domain/intake"
	"github.com/yardtwin/yardtwin/domain/iso6346"
	"github.com/yardtwin/yardtwin/domain/yard"
	"github.com/yardtwin/yardtwin/projections"
	"github.com/yardtwin/yardtwin/projections/yardmap"
	"github.com/yardtwin/yardtwin/scenarios"
	"github.com/yardtwin/yardtwin/simulator"
)

// run builds a feed and runs it for d of simulated time.
func run(t testing.TB, sc *simulator.Scenario, l *yard.Layout, opts simulator.Options, d time.Duration) ([]es.Envelope, *simulator.Feed) {
	t.Helper()
	f, err := simulator.NewFeed(sc, l, opts)
	if err != nil {
		t.Fatal(err)
	}
	envs, err := f.Collect(context.Background(), f.Start().Add(d))
	if err != nil {
		t.Fatal(err)
	}
	return envs, f
}

func marshalAll(t *testing.T, envs []es.Envelope) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, e := range envs {
		if err := enc.Encode(e); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

func TestSameSeedSameBytes(t *testing.T) {
	t.Parallel()
	l := testLayout(t)
	a, _ := run(t, testScenario(), l, simulator.Options{}, 36*time.Hour)
	b, _ := run(t, testScenario(), l, simulator.Options{}, 36*time.Hour)
	if len(a) < 1000 {
		t.Fatalf("only %d events in 36 h", len(a))
	}
	if !bytes.Equal(marshalAll(t, a), marshalAll(t, b)) {
		t.Fatal("two runs with the same seed differ")
	}
	other := testScenario()
	other.Seed++
	c, _ := run(t, other, l, simulator.Options{}, 36*time.Hour)
	if bytes.Equal(marshalAll(t, a), marshalAll(t, c)) {
		t.Fatal("runs with different seeds are identical")
	}
}

// TestRunInStepsSameAsOneRun checks that how a run is cut into Run calls (as RunLive does, tick by
// tick) changes nothing.
func TestRunInStepsSameAsOneRun(t *testing.T) {
	t.Parallel()
	l := testLayout(t)
	whole, _ := run(t, testScenario(), l, simulator.Options{}, 12*time.Hour)
	f, err := simulator.NewFeed(testScenario(), l, simulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var c simulator.Collector
	for at := f.Start(); !at.After(f.Start().Add(12 * time.Hour)); at = at.Add(7 * time.Minute) {
		if err := f.Run(context.Background(), &c, at); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Run(context.Background(), &c, f.Start().Add(12*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(marshalAll(t, whole), marshalAll(t, c.Envelopes())) {
		t.Fatal("a run in steps differs from a run in one go")
	}
}

func TestEveryEnvelopeMeetsTheContract(t *testing.T) {
	t.Parallel()
	l := testLayout(t)
	sc := testScenario()
	envs, _ := run(t, sc, l, simulator.Options{}, sc.Horizon)
	checkContract(t, l, sc, envs)
}

// checkContract passes every envelope through the twin's own checker, and checks what the checker
// leaves to producers: unique ids, the source, UTC times in order, subject and schema version set.
func checkContract(t *testing.T, l *yard.Layout, sc *simulator.Scenario, envs []es.Envelope) {
	t.Helper()
	checker := contract.NewChecker(contract.NewRegistry(), l)
	ids := map[string]bool{}
	types := map[string]int{}
	bad := 0
	for i, env := range envs {
		raw, err := json.Marshal(env)
		if err != nil {
			t.Fatal(err)
		}
		parsed, err := contract.Parse(raw) // as an integrator's envelope arrives
		if err == nil {
			_, err = checker.Check(&parsed)
		}
		if err != nil {
			bad++
			if bad <= 10 {
				t.Errorf("envelope %d refused: %v\n%s", i, err, raw)
			}
			continue
		}
		if parsed.Subject != env.Subject || parsed.SchemaVersion != 1 {
			t.Errorf("envelope %d: subject %q schema %d, the checker says %q %d", i, env.Subject, env.SchemaVersion, parsed.Subject, parsed.SchemaVersion)
		}
		if ids[env.ID] {
			t.Errorf("envelope %d: id %s used twice", i, env.ID)
		}
		ids[env.ID] = true
		if env.Source != "/yardtwin/sim/"+sc.Name || env.SpecVersion != "1.0" || env.Time.Location() != time.UTC {
			t.Errorf("envelope %d: source %q specversion %q time %v", i, env.Source, env.SpecVersion, env.Time)
		}
		if i > 0 && env.Time.Before(envs[i-1].Time) {
			t.Errorf("envelope %d: time %v before the previous %v", i, env.Time, envs[i-1].Time)
		}
		types[env.Type]++
	}
	if bad > 0 {
		t.Fatalf("%d of %d envelopes refused", bad, len(envs))
	}
	for _, typ := range contract.NewRegistry().Types() {
		if typ == intake.TypeMessageRefused {
			continue // the twin's own record of refused messages: no terminal sends it
		}
		if types[typ] == 0 {
			t.Errorf("no %s in the run", typ)
		}
	}
	t.Logf("%d envelopes: %v", len(envs), types)
}

func TestYardStaysPhysical(t *testing.T) {
	t.Parallel()
	l := testLayout(t)
	sc := testScenario()
	envs, f := run(t, sc, l, simulator.Options{}, sc.Horizon)
	fd := newFold(t, l)
	fd.apply(envs)
	checkConservation(t, fd, f)
	if fd.rehandles == 0 {
		t.Error("no rehandles: digging out boxes is not exercised")
	}
	t.Logf("stacks %d lifts %d rehandles %d positions %d, stats %+v", fd.stacks, fd.lifts, fd.rehandles, fd.positions, f.Stats())
}

// checkConservation checks that every box that entered the terminal is in the yard, on a truck, on
// a vessel or gone, and that the feed's own counts agree.
func checkConservation(t *testing.T, fd *fold, f *simulator.Feed) {
	t.Helper()
	got := fd.count()
	for where, n := range got {
		if where != inYard && where != onTruck && where != onVessel && where != inGone {
			t.Errorf("%d boxes that entered are %q", n, where)
		}
	}
	st := f.Stats()
	if got[inYard] != st.InYard || got[onTruck] != st.OnTrucks {
		t.Errorf("folded %v, the feed says %d in the yard and %d on trucks", got, st.InYard, st.OnTrucks)
	}
	if got[onVessel] != st.Loaded || got[inGone] != st.GatedOut {
		t.Errorf("folded %v, the feed says %d loaded and %d gated out", got, st.Loaded, st.GatedOut)
	}
	if len(fd.trucks) != got[onTruck] {
		t.Errorf("%d trucks carry a box, %d boxes are on trucks", len(fd.trucks), got[onTruck])
	}
}

// twin folds envelopes through the twin's own yard projection, numbering them as a store would.
type twin struct {
	model *yardmap.Model
	pos   uint64
}

func newTwin(l *yard.Layout) *twin { return &twin{model: yardmap.New(l)} }

func (w *twin) apply(envs []es.Envelope) {
	envs = slices.Clone(envs)
	for i := range envs {
		w.pos++
		envs[i].Position = w.pos
	}
	w.model.Apply(projections.Decode(contract.NewRegistry(), envs))
}

// shipped loads a scenario shipped in scenarios/ and its layout.
func shipped(tb testing.TB, file string) (*simulator.Scenario, *yard.Layout) {
	tb.Helper()
	sc, err := simulator.LoadScenario(scenarios.FS, file)
	if err != nil {
		tb.Fatal(err)
	}
	l, err := sc.ReadLayout(scenarios.FS)
	if err != nil {
		tb.Fatal(err)
	}
	return sc, l
}

// checkSound folds a run's envelopes physically (conservation) and into the twin (only the
// deliberate misreports are anomalies).
func checkSound(t *testing.T, l *yard.Layout, envs []es.Envelope, f *simulator.Feed) {
	t.Helper()
	fd := newFold(t, l)
	fd.apply(envs)
	checkConservation(t, fd, f)
	w := newTwin(l)
	w.apply(envs)
	checkAnomalies(t, w, f.Stats().Misreports)
}

// checkAnomalies wants only the deliberate misreports.
func checkAnomalies(t *testing.T, w *twin, misreports int) {
	t.Helper()
	s := w.model.Summary()
	for kind, n := range s.Anomalies {
		if kind != yardmap.BadCheckDigit && n > 0 {
			t.Errorf("%d %s anomalies", n, kind)
		}
	}
	for _, a := range w.model.Anomalies() {
		if a.Kind != yardmap.BadCheckDigit {
			t.Logf("%s: %s", a.Kind, a.Detail)
		}
	}
	if got := s.Anomalies[yardmap.BadCheckDigit]; got != misreports {
		t.Errorf("%d bad check digits in the twin, the feed misreported %d", got, misreports)
	}
}

func TestTwinSeesOnlyMisreports(t *testing.T) {
	t.Parallel()
	l := testLayout(t)
	sc := testScenario()
	envs, f := run(t, sc, l, simulator.Options{}, sc.Horizon)
	w := newTwin(l)
	w.apply(envs)
	st := f.Stats()
	if st.Misreports == 0 {
		t.Fatal("no misreports at 1 %: the anomaly is not exercised")
	}
	checkAnomalies(t, w, st.Misreports)
	s := w.model.Summary()
	if s.InYard != st.InYard {
		t.Errorf("twin holds %d boxes in the yard, the feed %d", s.InYard, st.InYard)
	}
}

// initialFromTwin reads the yard out of the twin's projection, as the live twin hands it to a
// restarted demo.
func initialFromTwin(_ *yard.Layout, m *yardmap.Model) []simulator.InitialBox {
	var out []simulator.InitialBox
	for _, b := range m.InYard() {
		out = append(out, simulator.InitialBox{
			Container: b.Container, SizeType: b.SizeType, Category: b.Category, Reefer: b.Reefer,
			WeightKg: b.WeightKg, Slot: *b.Slot, Holds: b.Holds,
		})
	}
	return out
}

func TestRestartFromTheTwinsYard(t *testing.T) {
	t.Parallel()
	l := testLayout(t)
	sc := testScenario()
	first, f1 := run(t, sc, l, simulator.Options{}, 24*time.Hour)
	w := newTwin(l)
	w.apply(first)
	initial := initialFromTwin(l, w.model)
	if len(initial) != f1.Stats().InYard {
		t.Fatalf("the twin hands over %d boxes, the first run left %d in the yard", len(initial), f1.Stats().InYard)
	}
	held := 0
	for _, ib := range initial {
		held += len(ib.Holds)
	}

	// The demo restarts an hour later, from the twin's yard.
	restart := f1.Now().Add(time.Hour)
	second, f2 := run(t, sc, l, simulator.Options{Start: restart, Initial: initial}, 24*time.Hour)
	st := f2.Stats()
	if st.InitialBoxes != len(initial) || st.InitialSkipped != 0 {
		t.Fatalf("took %d boxes and skipped %d of %d", st.InitialBoxes, st.InitialSkipped, len(initial))
	}
	checkContract(t, l, sc, second)

	ids := map[string]bool{}
	for _, e := range first {
		ids[e.ID] = true
	}
	given := map[iso6346.ContainerID]bool{}
	for _, ib := range initial {
		given[ib.Container] = true
	}
	moved := 0
	for _, e := range second {
		if ids[e.ID] {
			t.Fatalf("restart reuses id %s of the first run", e.ID)
		}
		var d struct {
			Container iso6346.ContainerID `json:"container"`
		}
		_ = json.Unmarshal(e.Data, &d)
		switch {
		case e.Type == yard.TypeContainerAnnounced && given[d.Container]:
			t.Errorf("%s was in the given yard, yet announced again", d.Container)
		case e.Type == yard.TypeContainerLifted && given[d.Container]:
			moved++
		}
	}
	if moved == 0 {
		t.Error("no box of the given yard was moved")
	}

	fd := newFold(t, l)
	fd.seed(initial)
	fd.apply(second)
	checkConservationFrom(t, fd, f2, len(initial))

	w.apply(second) // the twin carries on with the restarted feed
	checkAnomalies(t, w, f1.Stats().Misreports+f2.Stats().Misreports)
	t.Logf("restart: %d boxes given (%d holds), %d lifted, stats %+v", len(initial), held, moved, st)
}

// checkConservationFrom is checkConservation for a run that started from a given yard.
func checkConservationFrom(t *testing.T, fd *fold, f *simulator.Feed, given int) {
	t.Helper()
	got := fd.count()
	st := f.Stats()
	total := 0
	for where, n := range got {
		total += n
		if where != inYard && where != onTruck && where != onVessel && where != inGone {
			t.Errorf("%d boxes are %q", n, where)
		}
	}
	if got[inYard] != st.InYard || got[onTruck] != st.OnTrucks {
		t.Errorf("folded %v, the feed says %d in the yard, %d on trucks", got, st.InYard, st.OnTrucks)
	}
	if entered := given + st.Discharged + st.GatedIn; total != entered {
		t.Errorf("%d boxes accounted for, %d entered (%d given)", total, entered, given)
	}
}

func TestInitialYardLeavesOutWhatCannotBe(t *testing.T) {
	l := testLayout(t)
	ok := simulator.InitialBox{Container: "MSCU1234565", SizeType: "22G1", Category: yard.Transhipment, Slot: yard.Slot{Block: "T1", Bay: 3, Row: 2, Tier: 1}}
	forty := simulator.InitialBox{Container: "MAEU1234563", SizeType: "45G1", Category: yard.Export, Slot: yard.Slot{Block: "T1", Bay: 5, Row: 2, Tier: 1}}
	tests := []struct {
		name string
		give simulator.InitialBox
	}{
		{"same slot", simulator.InitialBox{Container: "OOLU1234560", SizeType: "22G1", Category: yard.Import, Slot: ok.Slot}},
		{"under a 40-ft box", simulator.InitialBox{Container: "OOLU1234560", SizeType: "22G1", Category: yard.Import, Slot: yard.Slot{Block: "T1", Bay: 6, Row: 2, Tier: 1}}},
		{"same container", simulator.InitialBox{Container: ok.Container, SizeType: "22G1", Category: yard.Import, Slot: yard.Slot{Block: "T2", Bay: 1, Row: 1, Tier: 1}}},
		{"unknown block", simulator.InitialBox{Container: "OOLU1234560", SizeType: "22G1", Category: yard.Import, Slot: yard.Slot{Block: "ZZ", Bay: 1, Row: 1, Tier: 1}}},
		{"above the tiers", simulator.InitialBox{Container: "OOLU1234560", SizeType: "22G1", Category: yard.Import, Slot: yard.Slot{Block: "T2", Bay: 1, Row: 1, Tier: 9}}},
		{"bad size type", simulator.InitialBox{Container: "OOLU1234560", SizeType: "XXXX", Category: yard.Import, Slot: yard.Slot{Block: "T2", Bay: 1, Row: 1, Tier: 1}}},
		{"bad category", simulator.InitialBox{Container: "OOLU1234560", SizeType: "22G1", Category: "lost", Slot: yard.Slot{Block: "T2", Bay: 1, Row: 1, Tier: 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := simulator.NewFeed(testScenario(), l, simulator.Options{Initial: []simulator.InitialBox{ok, forty, tt.give}})
			if err != nil {
				t.Fatal(err)
			}
			if st := f.Stats(); st.InitialBoxes != 2 || st.InitialSkipped != 1 {
				t.Errorf("took %d, skipped %d; want 2 and 1", st.InitialBoxes, st.InitialSkipped)
			}
		})
	}
}

func TestEmptyInitialYardIsNotFilled(t *testing.T) {
	l := testLayout(t)
	envs, f := run(t, testScenario(), l, simulator.Options{Initial: []simulator.InitialBox{}}, time.Minute)
	for _, e := range envs {
		if e.Type == yard.TypeContainerStacked {
			t.Fatalf("a box stacked in the first minute from an empty given yard: %s", e.Data)
		}
	}
	if st := f.Stats(); st.InYard != 0 {
		t.Fatalf("%d boxes in the yard", st.InYard)
	}
}

func TestNewFeedNeedsATerminal(t *testing.T) {
	l := testLayout(t)
	sc := testScenario()
	sc.Speed = 0
	if _, err := simulator.NewFeed(sc, l, simulator.Options{}); err == nil || !strings.Contains(err.Error(), "speed") {
		t.Errorf("speed 0: got %v", err)
	}
	if _, err := simulator.NewFeed(testScenario(), nil, simulator.Options{}); err == nil {
		t.Error("no layout: no error")
	}
	bare, err := yard.ParseLayout([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[-5.5,35.89]},"properties":{"kind":"terminal","name":"bare","locode":"MAPTM"}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	_, err = simulator.NewFeed(testScenario(), bare, simulator.Options{})
	if err == nil || !strings.Contains(err.Error(), "berths") || !strings.Contains(err.Error(), "gate lanes") {
		t.Errorf("bare layout: got %v", err)
	}
}

func TestStatsCountTheFlows(t *testing.T) {
	t.Parallel()
	l := testLayout(t)
	sc := testScenario()
	envs, f := run(t, sc, l, simulator.Options{}, sc.Horizon)
	types := map[string]int{}
	for _, e := range envs {
		types[e.Type]++
	}
	st := f.Stats()
	want := map[string]int{
		"quay.ContainerDischarged": st.Discharged, "quay.ContainerLoaded": st.Loaded,
		"gate.ContainerGatedIn": st.GatedIn, "gate.ContainerGatedOut": st.GatedOut,
		"quay.VesselArrived": st.VesselsArrived, "quay.VesselDeparted": st.VesselsDeparted,
		"gate.TruckArrived": st.TrucksArrived, "yard.ContainerAnnounced": st.Announced, "yard.ContainerHeld": st.Holds,
	}
	for _, k := range slices.Sorted(maps.Keys(want)) {
		if types[k] != want[k] {
			t.Errorf("%s: %d events, stats say %d", k, types[k], want[k])
		}
	}
	if uint64(len(envs)) != st.Events {
		t.Errorf("%d envelopes, stats say %d", len(envs), st.Events)
	}
	if st.VesselsDeparted == 0 || st.Loaded == 0 || st.GatedOut == 0 {
		t.Errorf("flows not exercised: %+v", st)
	}
}

// TestInitialEntryTimesOrderCollection: boxes handed over with an entry time a month back are due
// long before boxes whose entry is not known (due from the start), so the first imports collected
// by road are the old ones.
func TestInitialEntryTimesOrderCollection(t *testing.T) {
	t.Parallel()
	l := testLayout(t)
	sc := testScenario()
	old := map[iso6346.ContainerID]bool{}
	var initial []simulator.InitialBox
	for k := range 40 {
		c := iso6346.ContainerID(fmt.Sprintf("OLDU%06d", k))
		d, _ := iso6346.CheckDigit(string(c))
		c = iso6346.ContainerID(fmt.Sprintf("%s%d", c, d))
		ib := simulator.InitialBox{Container: c, SizeType: "22G1", Category: yard.Import, Slot: yard.Slot{Block: "I1", Bay: 1 + k%20, Row: 1 + k/20, Tier: 1}}
		if k%2 == 0 {
			ib.Entered = sc.Start.Add(-30 * 24 * time.Hour)
			old[c] = true
		}
		initial = append(initial, ib)
	}
	envs, _ := run(t, sc, l, simulator.Options{Initial: initial}, 24*time.Hour)
	var out []iso6346.ContainerID
	for _, e := range envs {
		if e.Type != gate.TypeContainerGatedOut {
			continue
		}
		var d struct {
			Container iso6346.ContainerID `json:"container"`
		}
		if err := json.Unmarshal(e.Data, &d); err != nil {
			t.Fatal(err)
		}
		out = append(out, d.Container)
	}
	if len(out) < 5 {
		t.Fatalf("only %d imports collected in a day", len(out))
	}
	for i, c := range out[:5] {
		if !old[c] {
			t.Errorf("collection %d is %s, whose entry is not known, while boxes in since a month wait", i+1, c)
		}
	}
}
