package report

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/domain/equipment"
	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/gate"
	"github.com/yardtwin/yardtwin/domain/iso6346"
	"github.com/yardtwin/yardtwin/domain/yard"
	"github.com/yardtwin/yardtwin/scenarios/tangermed"
	"github.com/yardtwin/yardtwin/simulator/report/stats"
)

var t0 = time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC)

func at(h, m int) time.Time { return t0.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute) }

// TestTimeline folds a small log by hand: a 40-ft box stacked, moved to another block; a 20-ft box
// never announced stacked and gated out; two road trucks queuing at the in-gate.
func TestTimeline(t *testing.T) {
	l, err := tangermed.Layout()
	if err != nil {
		t.Fatal(err)
	}
	a01, _ := l.Block("A01")
	a02, _ := l.Block("A02")
	boxA, boxB := iso6346.ContainerID("MSCU1234565"), iso6346.ContainerID("OOLU7654321")
	tl := NewTimeline(l, t0, at(3, 0), time.Hour)
	log := []struct {
		at time.Time
		ev es.Event
	}{
		{at(0, 0), yard.ContainerAnnounced{Container: boxA, SizeType: "42G1", Category: yard.Export}},
		{at(0, 0), yard.ContainerStacked{Container: boxA, Block: "A01", Bay: 1, Row: 1, Tier: 1}},
		{at(0, 0), gate.TruckArrived{Truck: "T1", Lane: "IN1"}},
		{at(0, 0), equipment.PositionReported{Equipment: "T1", Kind: equipment.Truck, Lon: -5.5, Lat: 35.9}},
		{at(0, 15), gate.TruckArrived{Truck: "T2", Lane: "IN1"}},
		{at(0, 15), equipment.PositionReported{Equipment: "T2", Kind: equipment.Truck, Lon: -5.5, Lat: 35.9}},
		{at(0, 30), yard.ContainerStacked{Container: boxB, Block: "A01", Bay: 5, Row: 1, Tier: 1}},
		{at(0, 30), gate.ContainerGatedIn{Container: boxA, Truck: "T1", Lane: "IN1"}},
		{at(0, 45), equipment.PositionReported{Equipment: "T2", Kind: equipment.Truck, Lon: -5.501, Lat: 35.9}}, // drove off
		{at(1, 10), yard.ContainerLifted{Container: boxA, Block: "A01", Bay: 1, Row: 1, Tier: 1}},
		{at(1, 20), yard.ContainerStacked{Container: boxA, Block: "A02", Bay: 1, Row: 1, Tier: 1}},
		{at(2, 0), gate.ContainerGatedOut{Container: boxB, Truck: "T3", Lane: "OUT1"}},
	}
	for _, e := range log {
		tl.Observe(e.at, e.ev)
	}
	fill, queue := tl.Finish()

	if len(fill.At) != 3 || !fill.At[0].Equal(t0) || fill.Every != "1h" {
		t.Fatalf("fill samples at %v every %s, want 06:00, 07:00, 08:00 every 1h", fill.At, fill.Every)
	}
	get := func(block string) []float64 {
		for _, b := range fill.Blocks {
			if b.Block == block {
				return b.Fill
			}
		}
		t.Fatalf("no block %s", block)
		return nil
	}
	r := func(teu int, b *yard.Block) float64 { return round3(float64(teu) / float64(b.Capacity())) }
	// 06:00: A (2 TEU) in A01. 07:00: A and B (3 TEU). 08:00, after B left at 08:00: A in A02.
	if got, want := get("A01"), []float64{r(2, a01), r(3, a01), 0}; !equal(got, want) {
		t.Errorf("A01 fill %v, want %v", got, want)
	}
	if got, want := get("A02"), []float64{0, 0, r(2, a02)}; !equal(got, want) {
		t.Errorf("A02 fill %v, want %v", got, want)
	}

	// Hour 06: one truck 06:00–06:15, two 06:15–06:30, one 06:30–06:45: 0.25+0.5+0.25 = 1.0 on average.
	want := []QueuePoint{{At: at(0, 0), Mean: 1, Max: 2, Arrivals: 2}, {At: at(1, 0)}, {At: at(2, 0)}}
	if len(queue) != len(want) {
		t.Fatalf("queue %+v, want %+v", queue, want)
	}
	for i := range want {
		if !queue[i].At.Equal(want[i].At) || queue[i].Mean != want[i].Mean || queue[i].Max != want[i].Max || queue[i].Arrivals != want[i].Arrivals {
			t.Errorf("hour %d: %+v, want %+v", i, queue[i], want[i])
		}
	}
	if mean, peak := QueueSummary(queue); math.Abs(mean-0.333) > 1e-9 || peak != 2 {
		t.Errorf("queue summary %g, %d; want 0.333, 2", mean, peak)
	}
}

func equal(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestFillStepAndHours(t *testing.T) {
	tests := []struct {
		give      time.Duration
		wantStep  time.Duration
		wantHours string
	}{
		{6 * time.Hour, time.Hour, "1h"},
		{7 * 24 * time.Hour, time.Hour, "1h"},
		{365 * 24 * time.Hour, 17 * time.Hour, "17h"},
	}
	for _, tt := range tests {
		if got := FillStep(tt.give); got != tt.wantStep || Hours(got) != tt.wantHours {
			t.Errorf("FillStep(%s) = %s (%s), want %s (%s)", tt.give, got, Hours(got), tt.wantStep, tt.wantHours)
		}
	}
	if Hours(48*time.Hour) != "2d" {
		t.Errorf("Hours(48h) = %s, want 2d", Hours(48*time.Hour))
	}
}

func v(x float64) *float64 { return &x }

func run(values map[string]*float64) *Run {
	r := &Run{}
	for _, key := range []string{"qc_gross_moves_per_hour", "truck_turn_time", "yard_utilisation", "dwell_time"} {
		r.KPIs = append(r.KPIs, KPI{Key: key, Name: key, Unit: "u", Better: Direction(key), Value: values[key]})
	}
	return r
}

// TestCompare builds a comparison from known per-seed values: B is faster at the quay (higher is
// better: B wins), slower at the gate (lower is better: A wins), fills the yard about the same (no
// significant difference), and one KPI has values on one seed only (no interval).
func TestCompare(t *testing.T) {
	a := []*Run{
		run(map[string]*float64{"qc_gross_moves_per_hour": v(25), "truck_turn_time": v(30), "yard_utilisation": v(0.5), "dwell_time": v(3)}),
		run(map[string]*float64{"qc_gross_moves_per_hour": v(27), "truck_turn_time": v(32), "yard_utilisation": v(0.6)}),
		run(map[string]*float64{"qc_gross_moves_per_hour": v(26), "truck_turn_time": v(31), "yard_utilisation": v(0.55)}),
	}
	b := []*Run{
		run(map[string]*float64{"qc_gross_moves_per_hour": v(28), "truck_turn_time": v(35), "yard_utilisation": v(0.6), "dwell_time": v(2)}),
		run(map[string]*float64{"qc_gross_moves_per_hour": v(29), "truck_turn_time": v(36), "yard_utilisation": v(0.5)}),
		run(map[string]*float64{"qc_gross_moves_per_hour": v(30), "truck_turn_time": v(37), "yard_utilisation": v(0.56)}),
	}
	c, err := Compare(Comparison{Kind: "stacking", Seeds: []uint64{1, 2, 3},
		Variants: []Variant{{Label: "stacking=lowest"}, {Label: "stacking=nearest"}}}, [][]*Run{a, b})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"qc_gross_moves_per_hour": "stacking=nearest",
		"truck_turn_time":         "stacking=lowest",
		"yard_utilisation":        "no significant difference",
		"dwell_time":              "not enough seeds with a value (1 pairs)",
	}
	for _, k := range c.KPIs {
		if got := k.Diffs[0].Winner; got != want[k.Key] {
			t.Errorf("%s: winner %q, want %q", k.Key, got, want[k.Key])
		}
	}
	qc := c.KPIs[0]
	// Differences 3, 2, 4: mean 3, sd 1, half-width t(0.975, 2)/√3 = 2.484.
	if p := qc.Diffs[0].Paired; math.Abs(p.Diff-3) > 1e-12 || math.Abs(p.High-p.Low-2*stats.TQuantile(0.975, 2)/math.Sqrt(3)) > 1e-9 {
		t.Errorf("qc: %+v", p)
	}
	if *qc.Means[0] != 26 || *qc.Means[1] != 29 {
		t.Errorf("qc means %v %v, want 26 29", *qc.Means[0], *qc.Means[1])
	}

	var page bytes.Buffer
	if err := CompareHTML(&page, c); err != nil {
		t.Fatal(err)
	}
	if html := page.String(); !strings.Contains(html, "<svg") || !strings.Contains(html, "stacking=nearest") || strings.Contains(html, "<script") {
		t.Error("compare page: no plot, no variant, or a script")
	}
}

// TestRunHTMLEmptySeries renders a run where nothing happened: the page still renders, with empty plots.
func TestRunHTMLEmptySeries(t *testing.T) {
	r := &Run{Scenario: "empty", Start: t0, End: at(1, 0), Horizon: "1h0m0s", Policies: map[string]string{"stacking": "lowest"},
		KPIs: []KPI{{Key: "qc_gross_moves_per_hour", Name: "Quay crane gross productivity", Unit: "moves/h", Definition: "d"}}}
	var page bytes.Buffer
	if err := RunHTML(&page, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(page.String(), "Quay crane gross productivity") || !strings.Contains(page.String(), "–") {
		t.Error("page lacks the KPI or its missing value")
	}
}
