package kpi_test

import (
	"context"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/domain/contract"
	"github.com/yardtwin/yardtwin/domain/yard"
	"github.com/yardtwin/yardtwin/projections"
	"github.com/yardtwin/yardtwin/projections/kpi"
	"github.com/yardtwin/yardtwin/scenarios"
	"github.com/yardtwin/yardtwin/simulator"
)

// simulate runs the shipped demo for d of simulated time and returns its events as a projection
// sees them: numbered from position 1 and decoded.
func simulate(tb testing.TB, d time.Duration) ([]projections.Item, *simulator.Feed, *yard.Layout) {
	tb.Helper()
	sc, err := simulator.LoadScenario(scenarios.FS, "tangermed/demo.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	l, err := sc.ReadLayout(scenarios.FS)
	if err != nil {
		tb.Fatal(err)
	}
	f, err := simulator.NewFeed(sc, l, simulator.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	envs, err := f.Collect(context.Background(), f.Start().Add(d))
	if err != nil {
		tb.Fatal(err)
	}
	for i := range envs {
		envs[i].Position = uint64(i + 1)
	}
	return projections.Decode(contract.NewRegistry(), envs), f, l
}

// TestSimulatedDayIsPlausible folds a simulated day of the demo terminal and checks the KPIs
// against what a terminal of its kind shows, and against the simulator's own counts.
func TestSimulatedDayIsPlausible(t *testing.T) {
	items, feed, l := simulate(t, 24*time.Hour)
	m := kpi.New(l)
	// In batches, as the runner hands them over.
	for lo := 0; lo < len(items); lo += 1000 {
		m.Apply(items[lo:min(lo+1000, len(items))])
	}
	r := m.Report(time.Time{}, time.Time{})
	st := feed.Stats()
	get := func(key string) kpi.KPI {
		t.Helper()
		k := mustKPI(t, r, key)
		if k.Value == nil {
			t.Fatalf("%s has no value over a simulated day", key)
		}
		return k
	}

	if v := *get(kpi.KeyCraneGrossMovesPerHour).Value; v < 10 || v > 60 {
		t.Errorf("gross crane productivity %.1f moves/h, want 10–60", v)
	}
	for _, c := range r.Cranes {
		if c.MovesPerHour == nil || *c.MovesPerHour < 10 || *c.MovesPerHour > 60 {
			t.Errorf("crane %s: %v moves/h over %d visits, want 10–60", c.Crane, deref(c.MovesPerHour), c.Visits)
		}
	}
	for _, cv := range r.CraneVisits {
		// A crane with a handful of moves at the end of the day has no meaningful gross time.
		if cv.Moves >= 20 && (*cv.MovesPerHour < 10 || *cv.MovesPerHour > 60) {
			t.Errorf("crane visit %s/%s: %.1f moves/h", cv.Visit, cv.Crane, *cv.MovesPerHour)
		}
	}
	if bt := get(kpi.KeyBerthTime); *bt.Value <= 0 || bt.Distribution.Max > 48 {
		t.Errorf("berth time %+v h", bt.Distribution)
	}
	if bp := *get(kpi.KeyBerthProductivity).Value; bp <= 0 || bp > 4*60 {
		t.Errorf("berth productivity %.1f moves/h", bp)
	}
	if ps, bt := get(kpi.KeyPortStay), get(kpi.KeyBerthTime); *ps.Value < *bt.Value {
		t.Errorf("port stay %.2f h is shorter than berth time %.2f h", *ps.Value, *bt.Value)
	}
	if tt := get(kpi.KeyTruckTurnTime); tt.Distribution.P50 <= 0 || tt.Distribution.Mean <= 0 || tt.Distribution.Max > 24*60 {
		t.Errorf("truck turn time %+v min", tt.Distribution)
	}
	if rr := *get(kpi.KeyRehandleRatio).Value; rr <= 0 || rr >= 2 {
		t.Errorf("rehandle ratio %.3f, want between 0 and 2", rr)
	}
	if u := *get(kpi.KeyYardUtilisation).Value; u <= 0 || u >= 1 {
		t.Errorf("yard utilisation %.3f, want between 0 and 1", u)
	}
	for _, s := range r.Utilisation {
		if s.Utilisation < 0 || s.Utilisation > 1 {
			t.Errorf("utilisation at %s: %.3f", s.At, s.Utilisation)
		}
	}
	if len(r.Utilisation) < 24 {
		t.Errorf("%d hourly samples over a day", len(r.Utilisation))
	}

	// The simulator's own counts.
	pm := get(kpi.KeyProductiveMoves)
	if pm.Parts["discharges"] != float64(st.Discharged) || pm.Parts["loads"] != float64(st.Loaded) ||
		pm.Parts["gate_ins"] != float64(st.GatedIn) || pm.Parts["gate_outs"] != float64(st.GatedOut) {
		t.Errorf("productive moves %v, simulator %+v", pm.Parts, st)
	}
	if rh := get(kpi.KeyRehandles); rh.Parts["within_block"] != float64(st.Rehandles) || rh.Parts["between_blocks"] != 0 {
		t.Errorf("rehandles %v, simulator %d (all within a block)", rh.Parts, st.Rehandles)
	}
	if tt := get(kpi.KeyTruckTurnTime); tt.Parts["arrivals"] != float64(st.TrucksArrived) {
		t.Errorf("%v truck arrivals, simulator %d", tt.Parts["arrivals"], st.TrucksArrived)
	}
	last := r.Utilisation[len(r.Utilisation)-1]
	if want := int(math.Round(st.Fill * float64(l.Capacity()))); last.TEU != want {
		t.Errorf("yard holds %d TEU at the end, simulator %d", last.TEU, want)
	}
	if r.Unmatched != (kpi.Unmatched{}) {
		t.Errorf("a consistent simulation has unmatched facts: %+v", r.Unmatched)
	}
	if r.InTerminal == nil || r.InTerminal.Boxes < st.InYard {
		t.Errorf("in terminal %+v, simulator has %d boxes in the yard", r.InTerminal, st.InYard)
	}
	t.Logf("%d events; %d crane visits, %d visits, %d truck hours; KPIs:", len(items), len(r.CraneVisits), len(r.Visits), len(r.TruckHours))
	for _, k := range r.KPIs {
		t.Logf("  %-24s %10s %-8s n=%d %v", k.Key, value(k), k.Unit, k.N, k.Parts)
	}
}

// TestSimulatedRunRestoredMidway checks that a model checkpointed halfway through a simulated day
// and restored answers as one that folded the whole day.
func TestSimulatedRunRestoredMidway(t *testing.T) {
	items, _, l := simulate(t, 24*time.Hour)
	whole := kpi.New(l)
	whole.Apply(items)

	half := kpi.New(l)
	half.Apply(items[:len(items)/2])
	pos, state, err := half.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	restored := kpi.New(l)
	if err := restored.Restore(pos, state); err != nil {
		t.Fatal(err)
	}
	restored.Apply(items) // the runner may hand over positions it already has
	start := items[0].Time
	for _, w := range [][2]time.Time{{}, {start.Add(6 * time.Hour), start.Add(12 * time.Hour)}} {
		if got, want := restored.Report(w[0], w[1]), whole.Report(w[0], w[1]); !reflect.DeepEqual(got, want) {
			t.Fatalf("window %v: the restored model reports otherwise", w)
		}
	}
}

// BenchmarkApplyWeek folds a simulated week of the demo terminal (decoded beforehand) into a fresh
// model, in the runner's batches.
func BenchmarkApplyWeek(b *testing.B) {
	items, _, l := simulate(b, 7*24*time.Hour)
	b.ReportAllocs()
	var m *kpi.Model
	for b.Loop() {
		m = kpi.New(l)
		for lo := 0; lo < len(items); lo += 8192 {
			m.Apply(items[lo:min(lo+8192, len(items))])
		}
	}
	b.ReportMetric(float64(len(items)*b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(len(items)), "events/week")
	_, state, err := m.Snapshot()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(len(state)), "snapshot-bytes")
}

// BenchmarkReportWeek is one API answer over a simulated week.
func BenchmarkReportWeek(b *testing.B) {
	items, _, l := simulate(b, 7*24*time.Hour)
	m := kpi.New(l)
	m.Apply(items)
	b.ReportAllocs()
	for b.Loop() {
		m.Report(time.Time{}, time.Time{})
	}
}
