package kpi_test

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/domain/equipment"
	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/gate"
	"github.com/yardtwin/yardtwin/domain/iso6346"
	"github.com/yardtwin/yardtwin/domain/quay"
	"github.com/yardtwin/yardtwin/domain/yard"
	"github.com/yardtwin/yardtwin/projections"
	"github.com/yardtwin/yardtwin/projections/kpi"
	"github.com/yardtwin/yardtwin/scenarios/tangermed"
)

// Container numbers with correct check digits.
const (
	boxA iso6346.ContainerID = "MSCU1234566"
	boxB iso6346.ContainerID = "CSQU3054383"
	boxC iso6346.ContainerID = "MAEU1234561"
	boxD iso6346.ContainerID = "TGHU0000001"
)

// t0 is on the hour: windows resolve to whole hours.
var t0 = time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC)

// fact is an event at a time after t0.
type fact struct {
	at time.Duration
	ev es.Event
}

func at(d time.Duration, ev es.Event) fact { return fact{d, ev} }

// log numbers facts from position 1 in the order given; their times are t0 + at, in any order.
func log(facts ...fact) []projections.Item {
	items := make([]projections.Item, len(facts))
	for i, f := range facts {
		var typ string
		if f.ev != nil {
			typ = f.ev.EventType()
		}
		items[i] = projections.Item{
			Envelope: es.Envelope{ID: fmt.Sprintf("e%d", i+1), Type: typ, Time: t0.Add(f.at), Position: uint64(i + 1)},
			Event:    f.ev,
		}
	}
	return items
}

func newModel(t testing.TB) *kpi.Model {
	t.Helper()
	l, err := tangermed.Layout()
	if err != nil {
		t.Fatal(err)
	}
	return kpi.New(l)
}

func fold(t testing.TB, facts ...fact) *kpi.Model {
	t.Helper()
	m := newModel(t)
	m.Apply(log(facts...))
	return m
}

func discharged(c iso6346.ContainerID, visit, crane string) quay.ContainerDischarged {
	return quay.ContainerDischarged{Container: c, Visit: visit, Crane: crane, Truck: "IT01"}
}

func loaded(c iso6346.ContainerID, visit, crane string) quay.ContainerLoaded {
	return quay.ContainerLoaded{Container: c, Visit: visit, Crane: crane, Truck: "IT01"}
}

func stacked(c iso6346.ContainerID, block string, bay int, truck string) yard.ContainerStacked {
	return yard.ContainerStacked{Container: c, Block: block, Bay: bay, Row: 1, Tier: 1, Crane: "RTG01", Truck: truck}
}

func lifted(c iso6346.ContainerID, block string, bay int, truck string) yard.ContainerLifted {
	return yard.ContainerLifted{Container: c, Block: block, Bay: bay, Row: 1, Tier: 1, Crane: "RTG01", Truck: truck}
}

func announced(c iso6346.ContainerID, size iso6346.SizeType, cat yard.Category) yard.ContainerAnnounced {
	return yard.ContainerAnnounced{Container: c, SizeType: size, WeightKg: 12000, Category: cat}
}

// boxN is the n-th of many distinct container numbers (check digits are not judged here).
func boxN(n int) iso6346.ContainerID { return iso6346.ContainerID(fmt.Sprintf("TSTU%06d0", n)) }

func mustKPI(t *testing.T, r kpi.Report, key string) kpi.KPI {
	t.Helper()
	k, ok := r.KPI(key)
	if !ok {
		t.Fatalf("no KPI %s in the report", key)
	}
	if k.Name == "" || k.Unit == "" || k.Definition == "" || k.Of == "" {
		t.Fatalf("KPI %s lacks its name, unit or definition: %+v", key, k)
	}
	return k
}

// near reports whether got is within rel (relative) of want.
func near(got, want, rel float64) bool { return math.Abs(got-want) <= rel*math.Abs(want)+1e-9 }

func value(k kpi.KPI) string {
	if k.Value == nil {
		return "null"
	}
	return fmt.Sprint(*k.Value)
}

func wantValue(t *testing.T, k kpi.KPI, want *float64, rel float64) {
	t.Helper()
	switch {
	case want == nil && k.Value == nil:
	case want == nil || k.Value == nil || !near(*k.Value, *want, rel):
		w := "null"
		if want != nil {
			w = fmt.Sprint(*want)
		}
		t.Fatalf("%s = %s, want %s", k.Key, value(k), w)
	}
}

func f(v float64) *float64 { return &v }

// steady is n moves of one crane on a visit, every gap, starting at start.
func steady(visit, crane string, n int, start, gap time.Duration, first int) []fact {
	var out []fact
	for i := range n {
		out = append(out, at(start+time.Duration(i)*gap, discharged(boxN(first+i), visit, crane)))
	}
	return out
}

func reversed(facts []fact) []fact {
	out := make([]fact, len(facts))
	for i, f := range facts {
		out[len(facts)-1-i] = f
	}
	return out
}

func concat(parts ...[]fact) []fact {
	var out []fact
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestCraneGrossMovesPerHour(t *testing.T) {
	tests := []struct {
		name      string
		give      []fact
		wantValue *float64
		wantRates map[string]*float64 // "visit/crane" → moves per hour
	}{
		{
			name:      "one crane, 10 moves in 18 minutes",
			give:      steady("V1", "QC01", 10, 0, 2*time.Minute, 0),
			wantValue: f(10 / 0.3),
			wantRates: map[string]*float64{"V1/QC01": f(10 / 0.3)},
		},
		{
			name:      "event times out of order in the log",
			give:      reversed(steady("V1", "QC01", 10, 0, 2*time.Minute, 0)),
			wantValue: f(10 / 0.3),
			wantRates: map[string]*float64{"V1/QC01": f(10 / 0.3)},
		},
		{
			name: "two cranes on two visits: the value is total moves over total gross hours",
			give: concat(
				steady("V1", "QC01", 31, 0, 2*time.Minute, 0),             // 31 moves in 1 h
				steady("V1", "QC02", 21, 0, 3*time.Minute, 100),           // 21 moves in 1 h
				steady("V2", "QC01", 16, 3*time.Hour, 4*time.Minute, 200), // 16 moves in 1 h
			),
			wantValue: f(68.0 / 3),
			wantRates: map[string]*float64{"V1/QC01": f(31), "V1/QC02": f(21), "V2/QC01": f(16)},
		},
		{
			name:      "a single move has no gross time",
			give:      steady("V1", "QC01", 1, 0, 0, 0),
			wantValue: nil,
			wantRates: map[string]*float64{"V1/QC01": nil},
		},
		{
			name: "moves without a crane count for no crane",
			give: concat(
				steady("V1", "QC01", 7, 0, 5*time.Minute, 0),
				steady("V1", "", 5, 0, time.Minute, 100),
			),
			wantValue: f(7.0 / 0.5),
			wantRates: map[string]*float64{"V1/QC01": f(7.0 / 0.5)},
		},
		{
			name: "loads and discharges both count, across hours",
			give: []fact{
				at(50*time.Minute, discharged(boxA, "V1", "QC01")),
				at(70*time.Minute, discharged(boxB, "V1", "QC01")),
				at(110*time.Minute, loaded(boxC, "V1", "QC01")),
			},
			wantValue: f(3),
			wantRates: map[string]*float64{"V1/QC01": f(3)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := fold(t, tt.give...).Report(time.Time{}, time.Time{})
			wantValue(t, mustKPI(t, r, kpi.KeyCraneGrossMovesPerHour), tt.wantValue, 1e-3)
			got := map[string]*float64{}
			for _, cv := range r.CraneVisits {
				got[cv.Visit+"/"+cv.Crane] = cv.MovesPerHour
			}
			if len(got) != len(tt.wantRates) {
				t.Fatalf("crane visits %v, want %v", keys(got), keys(tt.wantRates))
			}
			for k, want := range tt.wantRates {
				g, ok := got[k]
				switch {
				case !ok:
					t.Fatalf("no crane visit %s", k)
				case (g == nil) != (want == nil), g != nil && !near(*g, *want, 1e-3):
					t.Fatalf("%s: %v moves/h, want %v", k, deref(g), deref(want))
				}
			}
		})
	}
}

func TestCraneTotalsAddVisits(t *testing.T) {
	m := fold(t, concat(
		steady("V1", "QC01", 31, 0, 2*time.Minute, 0),             // 31 moves in 1 h
		steady("V2", "QC01", 16, 3*time.Hour, 4*time.Minute, 200), // 16 moves in 1 h
	)...)
	r := m.Report(time.Time{}, time.Time{})
	if len(r.Cranes) != 1 || r.Cranes[0].Visits != 2 || r.Cranes[0].Moves != 47 || r.Cranes[0].GrossHours != 2 || *r.Cranes[0].MovesPerHour != 23.5 {
		t.Fatalf("cranes = %+v", r.Cranes)
	}
	// The window resolves to the whole hour 09:00–10:00: 15 of V2's moves (the 16th is at 10:00),
	// first to last 56 min, and none of V1's.
	r = m.Report(t0.Add(3*time.Hour), t0.Add(3*time.Hour+30*time.Minute))
	if len(r.CraneVisits) != 1 || r.CraneVisits[0].Visit != "V2" || r.CraneVisits[0].Moves != 15 || !near(*r.CraneVisits[0].MovesPerHour, 15/(56.0/60), 1e-6) {
		t.Fatalf("crane visits = %+v", r.CraneVisits)
	}
}

func TestBerthTimeAndProductivity(t *testing.T) {
	visit := func(arrived, berthed, departed time.Duration, moves int) []fact {
		out := []fact{at(arrived, quay.VesselArrived{Visit: "V1", Vessel: "MSC TINGIS"})}
		if berthed >= 0 {
			out = append(out, at(berthed, quay.VesselBerthed{Visit: "V1", Berth: "B1", QuayFromM: 10, QuayToM: 300}))
		}
		out = append(out, steady("V1", "QC01", moves, berthed+30*time.Minute, time.Minute, 0)...)
		if departed >= 0 {
			out = append(out, at(departed, quay.VesselDeparted{Visit: "V1"}))
		}
		return out
	}
	tests := []struct {
		name          string
		give          []fact
		wantBerth     *float64 // h
		wantStay      *float64 // h
		wantProd      *float64 // moves/h
		wantState     string
		wantUnmatched kpi.Unmatched
	}{
		{
			name:      "a call",
			give:      visit(0, time.Hour, 11*time.Hour, 100),
			wantBerth: f(10), wantStay: f(11), wantProd: f(10), wantState: "departed",
		},
		{
			name:      "still alongside: listed, not counted",
			give:      visit(0, time.Hour, -1, 100),
			wantState: "alongside",
		},
		{
			name:      "departed with no berthing",
			give:      visit(0, -1, 5*time.Hour, 0),
			wantStay:  f(5),
			wantState: "departed", wantUnmatched: kpi.Unmatched{VisitNotBerthed: 1},
		},
		{
			name: "departure timed before the berthing",
			give: []fact{
				at(0, quay.VesselArrived{Visit: "V1", Vessel: "MSC TINGIS"}),
				at(3*time.Hour, quay.VesselBerthed{Visit: "V1", Berth: "B1", QuayFromM: 10, QuayToM: 300}),
				at(2*time.Hour, quay.VesselDeparted{Visit: "V1"}),
			},
			wantStay:  f(2),
			wantState: "departed", wantUnmatched: kpi.Unmatched{VisitTimesBackwards: 1},
		},
		{
			name: "a repeated berthing keeps the first",
			give: concat(visit(0, time.Hour, 11*time.Hour, 100),
				[]fact{at(5*time.Hour, quay.VesselBerthed{Visit: "V1", Berth: "B2", QuayFromM: 10, QuayToM: 300})}),
			wantBerth: f(10), wantStay: f(11), wantProd: f(10), wantState: "departed",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := fold(t, tt.give...).Report(time.Time{}, time.Time{})
			wantValue(t, mustKPI(t, r, kpi.KeyBerthTime), tt.wantBerth, 1e-9)
			wantValue(t, mustKPI(t, r, kpi.KeyPortStay), tt.wantStay, 1e-9)
			wantValue(t, mustKPI(t, r, kpi.KeyBerthProductivity), tt.wantProd, 1e-9)
			if len(r.Visits) != 1 || r.Visits[0].State != tt.wantState {
				t.Fatalf("visits = %+v, want one %s", r.Visits, tt.wantState)
			}
			if r.Unmatched != tt.wantUnmatched {
				t.Fatalf("unmatched = %+v, want %+v", r.Unmatched, tt.wantUnmatched)
			}
		})
	}
}

func TestVisitRowOfAVisitAlongside(t *testing.T) {
	r := fold(t, concat(
		[]fact{
			at(0, quay.VesselArrived{Visit: "V1", Vessel: "MSC TINGIS"}),
			at(time.Hour, quay.VesselBerthed{Visit: "V1", Berth: "B1", QuayFromM: 10, QuayToM: 300}),
		},
		steady("V1", "QC01", 61, 2*time.Hour, time.Minute, 0), // last move at 3 h
	)...).Report(time.Time{}, time.Time{})
	v := r.Visits[0]
	if v.State != "alongside" || *v.BerthHours != 2 || *v.PortStayHours != 3 || *v.OperationHours != 1 || *v.OperationMovesPerHour != 61 || v.Cranes != 1 {
		t.Fatalf("visit = %+v", v)
	}
	// A past window that ends before the newest event shows no open visit.
	if r := fold(t, steady("V1", "QC01", 3, 0, time.Minute, 0)...).Report(t0.Add(-2*time.Hour), t0.Add(-time.Hour)); len(r.Visits) != 0 || r.InTerminal != nil {
		t.Fatalf("past window: visits %+v, in terminal %+v", r.Visits, r.InTerminal)
	}
}

func TestTruckTurnTime(t *testing.T) {
	arrive := func(d time.Duration, truck string) fact { return at(d, gate.TruckArrived{Truck: truck, Lane: "IN1"}) }
	leave := func(d time.Duration, truck string) fact { return at(d, gate.TruckLeft{Truck: truck, Lane: "OUT1"}) }
	three := []fact{
		arrive(0, "A"), arrive(10*time.Minute, "B"), arrive(20*time.Minute, "C"),
		leave(30*time.Minute, "A"), leave(70*time.Minute, "B"), leave(140*time.Minute, "C"),
	}
	tests := []struct {
		name          string
		give          []fact
		wantDist      *kpi.Distribution // minutes
		wantUnmatched kpi.Unmatched
	}{
		{
			name:     "three visits",
			give:     three,
			wantDist: &kpi.Distribution{N: 3, Mean: 70, P50: 60, P90: 120, Max: 120},
		},
		{
			name:     "event times out of order across trucks",
			give:     []fact{three[2], three[5], three[1], three[0], three[4], three[3]},
			wantDist: &kpi.Distribution{N: 3, Mean: 70, P50: 60, P90: 120, Max: 120},
		},
		{
			name:          "a departure with no arrival is skipped",
			give:          append([]fact{leave(5*time.Minute, "Z")}, three...),
			wantDist:      &kpi.Distribution{N: 3, Mean: 70, P50: 60, P90: 120, Max: 120},
			wantUnmatched: kpi.Unmatched{TruckLeft: 1},
		},
		{
			name:     "the same arrival reported twice counts once",
			give:     append([]fact{arrive(0, "A")}, three...),
			wantDist: &kpi.Distribution{N: 3, Mean: 70, P50: 60, P90: 120, Max: 120},
		},
		{
			name:          "a new arrival closes the open one as unmatched",
			give:          []fact{arrive(0, "A"), arrive(time.Hour, "A"), leave(90*time.Minute, "A")},
			wantDist:      &kpi.Distribution{N: 1, Mean: 30, P50: 30, P90: 30, Max: 30},
			wantUnmatched: kpi.Unmatched{TruckArrivals: 1},
		},
		{
			name:          "left before it arrived",
			give:          []fact{arrive(time.Hour, "A"), leave(30*time.Minute, "A")},
			wantUnmatched: kpi.Unmatched{TruckTurnNegative: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := fold(t, tt.give...).Report(time.Time{}, time.Time{})
			k := mustKPI(t, r, kpi.KeyTruckTurnTime)
			if !nearDist(k.Distribution, tt.wantDist, alpha) {
				t.Fatalf("turn time = %+v, want %+v", k.Distribution, tt.wantDist)
			}
			if r.Unmatched != tt.wantUnmatched {
				t.Fatalf("unmatched = %+v, want %+v", r.Unmatched, tt.wantUnmatched)
			}
		})
	}
}

// alpha is the relative accuracy of percentiles read from sketches.
const alpha = 0.01

func nearDist(got, want *kpi.Distribution, rel float64) bool {
	if got == nil || want == nil {
		return got == want
	}
	return got.N == want.N && near(got.Mean, want.Mean, 1e-6) && near(got.Max, want.Max, 1e-6) &&
		near(got.P50, want.P50, rel) && near(got.P90, want.P90, rel)
}

func TestTruckHours(t *testing.T) {
	r := fold(t,
		at(10*time.Minute, gate.TruckArrived{Truck: "A", Lane: "IN1"}),
		at(20*time.Minute, gate.TruckArrived{Truck: "B", Lane: "IN1"}),
		at(50*time.Minute, gate.TruckLeft{Truck: "A", Lane: "OUT1"}),
		at(80*time.Minute, gate.TruckLeft{Truck: "B", Lane: "OUT1"}),
	).Report(time.Time{}, time.Time{})
	want := []kpi.TruckHour{
		{Hour: t0, Arrivals: 2, Left: 1, Turn: &kpi.Distribution{N: 1, Mean: 40, P50: 40, P90: 40, Max: 40}},
		{Hour: t0.Add(time.Hour), Left: 1, Turn: &kpi.Distribution{N: 1, Mean: 60, P50: 60, P90: 60, Max: 60}},
	}
	if len(r.TruckHours) != 2 {
		t.Fatalf("truck hours = %+v", r.TruckHours)
	}
	for i, w := range want {
		g := r.TruckHours[i]
		if !g.Hour.Equal(w.Hour) || g.Arrivals != w.Arrivals || g.Left != w.Left || !nearDist(g.Turn, w.Turn, alpha) {
			t.Fatalf("hour %d = %+v (turn %+v), want %+v (turn %+v)", i, g, g.Turn, w, w.Turn)
		}
	}
}

func TestRehandles(t *testing.T) {
	tests := []struct {
		name        string
		give        []fact
		wantWithin  int
		wantBetween int
		wantRatio   *float64
	}{
		{
			name: "a relocation within the block to dig a box out",
			give: []fact{
				at(0, discharged(boxA, "V1", "QC01")), at(time.Minute, stacked(boxA, "A01", 1, "IT01")),
				at(2*time.Minute, discharged(boxB, "V1", "QC01")), at(3*time.Minute, stacked(boxB, "A01", 1, "IT02")),
				at(10*time.Minute, lifted(boxB, "A01", 1, "")), at(11*time.Minute, stacked(boxB, "A01", 2, "")),
				at(12*time.Minute, lifted(boxA, "A01", 1, "IT03")), at(20*time.Minute, loaded(boxA, "V2", "QC02")),
			},
			wantWithin: 1, wantRatio: f(1.0 / 3),
		},
		{
			name: "a shift to another block (housekeeping)",
			give: []fact{
				at(0, gate.ContainerGatedIn{Container: boxA, Truck: "TRK1", Lane: "IN1"}), at(time.Minute, stacked(boxA, "A01", 1, "TRK1")),
				at(time.Hour, lifted(boxA, "A01", 1, "IT01")), at(70*time.Minute, stacked(boxA, "B01", 4, "IT01")),
			},
			wantBetween: 1, wantRatio: f(1),
		},
		{
			name: "lifts and stacks that serve jobs are no rehandles",
			give: []fact{
				at(0, discharged(boxA, "V1", "QC01")), at(time.Minute, stacked(boxA, "A01", 1, "IT01")),
				at(time.Hour, lifted(boxA, "A01", 1, "TRK1")), at(70*time.Minute, gate.ContainerGatedOut{Container: boxA, Truck: "TRK1"}),
				at(0, gate.ContainerGatedIn{Container: boxB, Truck: "TRK2"}), at(time.Minute, stacked(boxB, "B01", 1, "TRK2")),
				at(time.Hour, lifted(boxB, "B01", 1, "IT02")), at(70*time.Minute, loaded(boxB, "V1", "QC01")),
			},
			wantRatio: f(0),
		},
		{
			name: "a lift, a discharge and a stack: the discharge was the job",
			give: []fact{
				at(0, lifted(boxA, "A01", 1, "IT01")), at(time.Minute, discharged(boxA, "V1", "QC01")),
				at(2*time.Minute, stacked(boxA, "A01", 1, "IT01")),
			},
			wantRatio: f(0),
		},
		{
			name: "a box stacked twice with no lift is no rehandle",
			give: []fact{
				at(0, stacked(boxA, "A01", 1, "")), at(time.Minute, stacked(boxA, "A01", 2, "")),
			},
			wantRatio: nil,
		},
		{
			name: "a lift of a box never seen, then its stack, is a relocation",
			give: []fact{
				at(0, lifted(boxA, "A01", 1, "")), at(time.Minute, stacked(boxA, "A01", 3, "")),
			},
			wantWithin: 1, wantRatio: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := fold(t, tt.give...).Report(time.Time{}, time.Time{})
			k := mustKPI(t, r, kpi.KeyRehandles)
			if k.Parts["within_block"] != float64(tt.wantWithin) || k.Parts["between_blocks"] != float64(tt.wantBetween) ||
				*k.Value != float64(tt.wantWithin+tt.wantBetween) {
				t.Fatalf("rehandles = %s %v, want %d within and %d between", value(k), k.Parts, tt.wantWithin, tt.wantBetween)
			}
			wantValue(t, mustKPI(t, r, kpi.KeyRehandleRatio), tt.wantRatio, 1e-3)
		})
	}
}

func TestProductiveMoves(t *testing.T) {
	r := fold(t,
		at(0, discharged(boxA, "V1", "QC01")), at(time.Minute, loaded(boxB, "V1", "QC01")),
		at(2*time.Minute, gate.ContainerGatedIn{Container: boxC}), at(3*time.Minute, gate.ContainerGatedOut{Container: boxD}),
		at(4*time.Minute, gate.ContainerGatedIn{Container: boxN(1)}),
	).Report(time.Time{}, time.Time{})
	k := mustKPI(t, r, kpi.KeyProductiveMoves)
	want := map[string]float64{"discharges": 1, "loads": 1, "gate_ins": 2, "gate_outs": 1}
	if *k.Value != 5 || !reflect.DeepEqual(k.Parts, want) {
		t.Fatalf("productive moves = %s %v", value(k), k.Parts)
	}
}

func TestYardUtilisation(t *testing.T) {
	m := newModel(t)
	capacity := float64(mustLayoutCapacity(t))
	m.Apply(log(
		// Hour 0: a 20-ft box and a box of unknown size (1 TEU).
		at(0, announced(boxA, "22G1", yard.Import)),
		at(10*time.Minute, stacked(boxA, "A01", 1, "IT01")),
		at(20*time.Minute, stacked(boxB, "A01", 2, "IT01")),
		// Hour 2, logged before hour 1: a 40-ft box stacked.
		at(2*time.Hour+5*time.Minute, announced(boxC, "45G1", yard.Export)),
		at(2*time.Hour+10*time.Minute, stacked(boxC, "A01", 3, "IT01")),
		// Hour 1: boxA lifted.
		at(time.Hour+30*time.Minute, lifted(boxA, "A01", 1, "IT02")),
		// Hour 3: boxB turns out to be a 40-ft box, stacked since hour 0.
		at(3*time.Hour, announced(boxB, "42G1", yard.Transhipment)),
	))
	r := m.Report(time.Time{}, time.Time{})
	wantTEU := []int{3, 2, 4, 4} // with boxB counted 2 TEU from hour 0 on
	if len(r.Utilisation) != len(wantTEU) {
		t.Fatalf("utilisation = %+v", r.Utilisation)
	}
	sum := 0.0
	for i, s := range r.Utilisation {
		if !s.At.Equal(t0.Add(time.Duration(i+1)*time.Hour)) || s.TEU != wantTEU[i] || !near(s.Utilisation, float64(wantTEU[i])/capacity, 1e-3) {
			t.Fatalf("sample %d = %+v, want %d TEU at %s", i, s, wantTEU[i], t0.Add(time.Duration(i+1)*time.Hour))
		}
		sum += s.Utilisation
	}
	k := mustKPI(t, r, kpi.KeyYardUtilisation)
	if k.Value == nil || math.Abs(*k.Value-sum/4) > 1e-6 { // values keep 6 decimals
		t.Fatalf("utilisation = %s, want %v", value(k), sum/4)
	}
	if k.Parts["capacity_teu"] != capacity || k.Parts["last_teu"] != 4 {
		t.Fatalf("utilisation parts = %v", k.Parts)
	}
	// A window from hour 2 carries the level of the hours before it.
	r = m.Report(t0.Add(2*time.Hour), time.Time{})
	if len(r.Utilisation) != 2 || r.Utilisation[0].TEU != 4 {
		t.Fatalf("utilisation from hour 2 = %+v", r.Utilisation)
	}
}

func mustLayoutCapacity(t *testing.T) int {
	t.Helper()
	l, err := tangermed.Layout()
	if err != nil {
		t.Fatal(err)
	}
	return l.Capacity()
}

func TestDwell(t *testing.T) {
	day := 24 * time.Hour
	m := fold(t,
		// An import: discharged on day 0, delivered on day 3.
		at(0, announced(boxA, "22G1", yard.Import)),
		at(0, discharged(boxA, "V1", "QC01")),
		at(3*day, gate.ContainerGatedOut{Container: boxA, Truck: "TRK1"}),
		// An export: gated in, loaded 12 h later.
		at(day, announced(boxB, "45G1", yard.Export)),
		at(day, gate.ContainerGatedIn{Container: boxB, Truck: "TRK2"}),
		at(day+12*time.Hour, loaded(boxB, "V2", "QC01")),
		// A transhipment: its load logged before its discharge, 8 days apart by event time.
		at(9*day, loaded(boxC, "V3", "QC01")),
		// A box in the yard when the log starts, loaded on day 2: its entry is not known.
		at(0, announced(boxD, "22G1", yard.Empty)),
		at(0, stacked(boxD, "A01", 1, "")),
		at(2*day, lifted(boxD, "A01", 1, "IT01")),
		at(2*day, loaded(boxD, "V2", "QC01")),
		// Still in the terminal: an import discharged on day 8.
		at(8*day, announced(boxN(1), "22G1", yard.Import)),
		at(8*day, discharged(boxN(1), "V3", "QC01")),
		// A box gated out before it was gated in, by event time.
		at(9*day, gate.ContainerGatedIn{Container: boxN(2)}),
		at(8*day, gate.ContainerGatedOut{Container: boxN(2)}),
	)
	r := m.Report(time.Time{}, time.Time{})
	byCat := map[string]kpi.DwellCategory{}
	for _, d := range r.Dwell {
		byCat[d.Category] = d
	}
	if d := byCat["import"]; d.Measured != 1 || d.Dwell == nil || d.Dwell.Mean != 3 || d.Histogram[2].Count != 1 || d.Histogram[2].Label != "2-4d" {
		t.Fatalf("import dwell = %+v", d)
	}
	if d := byCat["export"]; d.Measured != 1 || d.Dwell.Mean != 0.5 || d.Histogram[0].Count != 1 || d.Histogram[0].Label != "<1d" {
		t.Fatalf("export dwell = %+v", d)
	}
	if d := byCat["empty"]; d.Measured != 0 || d.EntryUnknown != 1 || d.Dwell != nil {
		t.Fatalf("empty dwell = %+v", d)
	}
	// boxC was loaded with no state at all: category unknown, entry unknown. boxN(2) left before it
	// came in, by event time: skipped and counted.
	if d := byCat["unknown"]; d.EntryUnknown != 1 || d.Measured != 0 || r.Unmatched.DwellNegative != 1 {
		t.Fatalf("unknown dwell = %+v, unmatched %+v", d, r.Unmatched)
	}
	if last := r.Dwell[len(r.Dwell)-1].Histogram[5]; last.Label != ">=14d" || last.ToDays != nil {
		t.Fatalf("last bucket = %+v", last)
	}
	k := mustKPI(t, r, kpi.KeyDwellTime)
	wantValue(t, k, f(1.75), 1e-9)
	if k.N != 2 || k.Parts["entry_unknown"] != 2 {
		t.Fatalf("dwell KPI = %+v", k)
	}
	// In the terminal at the newest event (day 9): boxN(1) for one day, boxN(2) with its entry after.
	it := r.InTerminal
	if it == nil || !it.AsOf.Equal(t0.Add(9*day)) || it.Boxes != 1 {
		t.Fatalf("in terminal = %+v", it)
	}
	if c := it.ByCategory[0]; c.Category != "import" || c.Measured != 1 || c.Dwell.Max != 1 || c.Histogram[1].Count != 1 {
		t.Fatalf("in terminal, import = %+v", c)
	}
	// A window holding the day of the export's load only.
	r = m.Report(t0.Add(day), t0.Add(2*day))
	if k := mustKPI(t, r, kpi.KeyDwellTime); k.N != 1 || *k.Value != 0.5 || r.InTerminal != nil {
		t.Fatalf("dwell on day 1 = %+v, in terminal %+v", k, r.InTerminal)
	}
}

// TestEnteredBefore: a box a fork takes over from the twin's yard, with the entry the twin knew,
// measures its dwell from that entry when it leaves; one taken over without it is not measured.
func TestEnteredBefore(t *testing.T) {
	day := 24 * time.Hour
	m := newModel(t)
	m.EnteredBefore(boxA, t0.Add(-2*day))
	m.EnteredBefore(boxA, t0.Add(-time.Hour)) // the first entry known stays
	m.Apply(log(
		at(0, announced(boxA, "22G1", yard.Import)),
		at(0, stacked(boxA, "A01", 1, "")),
		at(0, announced(boxB, "22G1", yard.Import)),
		at(0, stacked(boxB, "A01", 2, "")),
		at(day, gate.ContainerGatedOut{Container: boxA, Truck: "TRK1"}),
		at(day, gate.ContainerGatedOut{Container: boxB, Truck: "TRK2"}),
	))
	k := mustKPI(t, m.Report(time.Time{}, time.Time{}), kpi.KeyDwellTime)
	wantValue(t, k, f(3), 1e-9)
	if k.N != 1 || k.Parts["entry_unknown"] != 1 {
		t.Fatalf("dwell KPI = %+v", k)
	}
}

func TestDwellNegativeIsUnmatched(t *testing.T) {
	r := fold(t,
		at(time.Hour, gate.ContainerGatedIn{Container: boxA}),
		at(0, loaded(boxA, "V1", "QC01")),
	).Report(time.Time{}, time.Time{})
	if r.Unmatched.DwellNegative != 1 || mustKPI(t, r, kpi.KeyDwellTime).Value != nil {
		t.Fatalf("unmatched = %+v", r.Unmatched)
	}
}

func TestWindow(t *testing.T) {
	m := fold(t,
		at(10*time.Minute, discharged(boxA, "V1", "QC01")),
		at(70*time.Minute, discharged(boxB, "V1", "QC01")),
		at(130*time.Minute, discharged(boxC, "V1", "QC01")),
	)
	tests := []struct {
		name           string
		giveFrom       time.Time
		giveTo         time.Time
		wantFrom       time.Time
		wantTo         time.Time
		wantDischarges float64
	}{
		{name: "whole log", wantFrom: t0, wantTo: t0.Add(3 * time.Hour), wantDischarges: 3},
		{name: "from only", giveFrom: t0.Add(time.Hour), wantFrom: t0.Add(time.Hour), wantTo: t0.Add(3 * time.Hour), wantDischarges: 2},
		{name: "to only", giveTo: t0.Add(time.Hour), wantFrom: t0, wantTo: t0.Add(time.Hour), wantDischarges: 1},
		{
			name:     "bounds inside hours resolve to whole hours",
			giveFrom: t0.Add(75 * time.Minute), giveTo: t0.Add(80 * time.Minute),
			wantFrom: t0.Add(time.Hour), wantTo: t0.Add(2 * time.Hour), wantDischarges: 1,
		},
		{name: "before the log", giveFrom: t0.Add(-5 * time.Hour), giveTo: t0.Add(-4 * time.Hour), wantFrom: t0.Add(-5 * time.Hour), wantTo: t0.Add(-4 * time.Hour)},
		{name: "empty", giveFrom: t0.Add(2 * time.Hour), giveTo: t0.Add(time.Hour)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := m.Report(tt.giveFrom, tt.giveTo)
			if !r.From.Equal(tt.wantFrom) || !r.To.Equal(tt.wantTo) {
				t.Fatalf("window %s–%s, want %s–%s", r.From, r.To, tt.wantFrom, tt.wantTo)
			}
			if got := mustKPI(t, r, kpi.KeyProductiveMoves).Parts["discharges"]; got != tt.wantDischarges {
				t.Fatalf("%v discharges, want %v", got, tt.wantDischarges)
			}
			if len(r.KPIs) != 10 {
				t.Fatalf("%d KPIs", len(r.KPIs))
			}
		})
	}
}

func TestEmptyModel(t *testing.T) {
	r := newModel(t).Report(time.Time{}, time.Time{})
	for _, k := range r.KPIs {
		if k.Value != nil && *k.Value != 0 {
			t.Errorf("%s = %v on an empty log", k.Key, *k.Value)
		}
	}
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"crane_visits", "cranes", "visits", "truck_hours", "utilisation", "dwell"} {
		if _, ok := back[table].([]any); !ok {
			t.Errorf("%s is %v in JSON, want a list", table, back[table])
		}
	}
}

// TestRedeliveryIsIdempotent feeds the same positions again, as an at-least-once subscription may.
func TestRedeliveryIsIdempotent(t *testing.T) {
	facts := concat(
		[]fact{at(0, gate.TruckArrived{Truck: "A", Lane: "IN1"}), at(20*time.Minute, gate.TruckLeft{Truck: "A", Lane: "OUT1"})},
		steady("V1", "QC01", 10, 0, 2*time.Minute, 0),
		[]fact{at(0, stacked(boxA, "A01", 1, "")), at(time.Minute, lifted(boxA, "A01", 1, "")), at(2*time.Minute, stacked(boxA, "A01", 2, ""))},
	)
	once := fold(t, facts...)
	again := newModel(t)
	items := log(facts...)
	again.Apply(items[:5])
	again.Apply(items)
	again.Apply(items[3:])
	again.Apply(items)
	if want, got := once.Report(time.Time{}, time.Time{}), again.Report(time.Time{}, time.Time{}); !reflect.DeepEqual(got, want) {
		t.Fatalf("redelivered report differs:\n got %+v\nwant %+v", got, want)
	}
	if again.Position() != uint64(len(items)) {
		t.Fatalf("position %d", again.Position())
	}
}

func TestUnknownAndIgnoredEvents(t *testing.T) {
	m := fold(t,
		at(0, nil), // a type this build does not know
		at(time.Minute, equipment.StatusChanged{Equipment: "QC01", Kind: equipment.QuayCrane, Status: equipment.Working}),
		at(2*time.Minute, yard.ContainerHeld{Container: boxA, Hold: "customs"}),
	)
	r := m.Report(time.Time{}, time.Time{})
	if m.Position() != 3 || r.Position != 3 || r.Events != 0 || !r.From.IsZero() || len(r.Utilisation) != 0 {
		t.Fatalf("report = %+v", r)
	}
}

func TestReportRoundTripsThroughJSON(t *testing.T) {
	m := fold(t, sample()...)
	r := m.Report(time.Time{}, time.Time{})
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back kpi.Report
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, r) {
		t.Fatalf("report changed through JSON:\n got %+v\nwant %+v", back, r)
	}
}

// sample is a little of everything.
func sample() []fact {
	return concat(
		[]fact{
			at(0, quay.VesselArrived{Visit: "V1", Vessel: "MSC TINGIS"}),
			at(time.Hour, quay.VesselBerthed{Visit: "V1", Berth: "B1", QuayFromM: 10, QuayToM: 300}),
			at(0, announced(boxA, "22G1", yard.Import)),
			at(time.Hour, discharged(boxA, "V1", "QC01")),
			at(time.Hour+5*time.Minute, stacked(boxA, "A01", 1, "IT01")),
			at(2*time.Hour, gate.TruckArrived{Truck: "A", Lane: "IN1"}),
			at(2*time.Hour, announced(boxB, "45G1", yard.Export)),
			at(2*time.Hour, gate.ContainerGatedIn{Container: boxB, Truck: "A"}),
			at(2*time.Hour+10*time.Minute, stacked(boxB, "A01", 3, "A")),
			at(2*time.Hour+20*time.Minute, gate.TruckLeft{Truck: "A", Lane: "OUT1"}),
			at(3*time.Hour, lifted(boxA, "A01", 1, "")),
			at(3*time.Hour+time.Minute, stacked(boxA, "A01", 2, "")),
			at(4*time.Hour, gate.TruckArrived{Truck: "B", Lane: "IN1"}),
			at(26*time.Hour, lifted(boxA, "A01", 2, "B")),
			at(26*time.Hour+10*time.Minute, gate.ContainerGatedOut{Container: boxA, Truck: "B"}),
			at(26*time.Hour+15*time.Minute, gate.TruckLeft{Truck: "B", Lane: "OUT1"}),
			at(30*time.Hour, lifted(boxB, "A01", 3, "IT02")),
		},
		steady("V1", "QC02", 40, 90*time.Minute, 2*time.Minute, 100),
		[]fact{
			at(30*time.Hour+20*time.Minute, loaded(boxB, "V1", "QC01")),
			at(31*time.Hour, quay.VesselDeparted{Visit: "V1"}),
			at(32*time.Hour, gate.TruckArrived{Truck: "C", Lane: "IN1"}),
		},
	)
}

func TestSnapshotRestoresTheSameReports(t *testing.T) {
	facts := sample()
	items := log(facts...)
	m := newModel(t)
	m.Apply(items[:20])
	pos, state, err := m.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	r := newModel(t)
	if err := r.Restore(pos, state); err != nil {
		t.Fatal(err)
	}
	if r.Position() != 20 {
		t.Fatalf("restored at %d", r.Position())
	}
	windows := [][2]time.Time{{}, {t0, t0.Add(3 * time.Hour)}, {t0.Add(24 * time.Hour), time.Time{}}}
	same := func(stage string) {
		t.Helper()
		for _, w := range windows {
			if got, want := r.Report(w[0], w[1]), m.Report(w[0], w[1]); !reflect.DeepEqual(got, want) {
				t.Fatalf("%s, window %v: restored report differs:\n got %+v\nwant %+v", stage, w, got, want)
			}
		}
	}
	same("after restore")
	m.Apply(items)
	r.Apply(items)
	same("after the rest of the log")
	_, again, err := r.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	_, direct, _ := m.Snapshot()
	if string(again) != string(direct) {
		t.Fatal("a restored model snapshots other bytes than the original")
	}
	if err := r.Restore(1, []byte("{")); err == nil {
		t.Fatal("restore of broken JSON succeeded")
	}
}

func TestPruneForgetsWhatNeverCame(t *testing.T) {
	day := 24 * time.Hour
	m := fold(t,
		at(0, announced(boxA, "45G1", yard.Import)), // never comes
		at(0, gate.TruckArrived{Truck: "A", Lane: "IN1"}),
		at(40*day, gate.TruckArrived{Truck: "B", Lane: "IN1"}),
		at(40*day, discharged(boxA, "V9", "QC01")),
		at(40*day, stacked(boxA, "A01", 1, "IT01")),
	)
	r := m.Report(time.Time{}, time.Time{})
	if r.Unmatched.TruckArrivals != 1 {
		t.Fatalf("unmatched = %+v", r.Unmatched)
	}
	// boxA's announcement was forgotten: it counts 1 TEU, category unknown.
	if last := r.Utilisation[len(r.Utilisation)-1]; last.TEU != 1 {
		t.Fatalf("last sample = %+v", last)
	}
	if c := r.InTerminal.ByCategory; len(c) != 5 || c[4].Category != "unknown" || c[4].Measured != 1 {
		t.Fatalf("in terminal = %+v", r.InTerminal)
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
