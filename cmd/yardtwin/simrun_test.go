package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/domain/contract"
	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/gate"
	"github.com/yardtwin/yardtwin/domain/iso6346"
	"github.com/yardtwin/yardtwin/domain/yard"
	"github.com/yardtwin/yardtwin/projections"
	"github.com/yardtwin/yardtwin/projections/kpi"
	"github.com/yardtwin/yardtwin/scenarios/tangermed"
	"github.com/yardtwin/yardtwin/simulator"
	"github.com/yardtwin/yardtwin/simulator/policy"
	"github.com/yardtwin/yardtwin/simulator/report"
)

const (
	demoLayoutFile       = "../../scenarios/tangermed/layout.geojson"
	teachingScenarioFile = "../../scenarios/teaching/teaching.yaml"
	teachingLayoutFile   = "../../scenarios/teaching/layout.geojson"
)

// runShort runs the teaching scenario (a day of a small terminal) into a fresh directory and
// returns it with the report.
func runShort(t *testing.T, f simRunFlags) (string, *report.Run) {
	t.Helper()
	if f.Out == "" {
		f.Out = t.TempDir()
	}
	f.Quiet = true
	var out, errs bytes.Buffer
	r, err := simRun(context.Background(), teachingScenarioFile, f, &out, &errs)
	if err != nil {
		t.Fatalf("sim run: %v\n%s", err, errs.String())
	}
	if !strings.Contains(out.String(), "qc_gross_moves_per_hour") {
		t.Errorf("summary on stdout lacks the KPIs:\n%s", out.String())
	}
	return f.Out, r
}

// TestSimRunWritesReport runs the teaching scenario's day and checks the three files: the event
// log passes the contract check of "events validate"; report.json has every KPI with its
// definition and unit, the run's settings and counts; report.html is one page with its plots and
// nothing to fetch.
func TestSimRunWritesReport(t *testing.T) {
	dir, r := runShort(t, simRunFlags{Policies: []string{"stacking=nearest"}})

	// events.ndjson: what "yardtwin events validate" accepts.
	var vout bytes.Buffer
	if err := validateEvents(filepath.Join(dir, "events.ndjson"), validateFlags{Layout: teachingLayoutFile}, nil, &vout); err != nil {
		t.Fatalf("events validate: %v\n%s", err, vout.String())
	}
	lines := countLines(t, filepath.Join(dir, "events.ndjson"))
	if lines == 0 || lines != r.Counts.Events {
		t.Errorf("events.ndjson has %d lines, the report counts %d events", lines, r.Counts.Events)
	}
	if !strings.Contains(vout.String(), "0 invalid") {
		t.Errorf("validate summary: %s", vout.String())
	}

	// report.json, read back as a client would.
	var got struct {
		Scenario string            `json:"scenario"`
		Seed     uint64            `json:"seed"`
		Policies map[string]string `json:"policies"`
		Horizon  string            `json:"horizon"`
		Start    time.Time         `json:"start"`
		End      time.Time         `json:"end"`
		Counts   struct {
			Events int            `json:"events"`
			ByType map[string]int `json:"by_type"`
			Feed   map[string]any `json:"feed"`
		} `json:"counts"`
		KPIs   []report.KPI   `json:"kpis"`
		Series report.Series  `json:"series"`
		Detail map[string]any `json:"kpi_report"`
	}
	readJSON(t, filepath.Join(dir, "report.json"), &got)
	if got.Scenario != "teaching" || got.Seed != 1 || got.Horizon != "24h0m0s" || !got.End.Equal(got.Start.Add(24*time.Hour)) {
		t.Errorf("run settings: scenario %q seed %d horizon %q %s..%s", got.Scenario, got.Seed, got.Horizon, got.Start, got.End)
	}
	if got.Policies[policy.KindStacking] != "nearest" || len(got.Policies) != len(policy.Kinds()) {
		t.Errorf("policies %v, want every kind with stacking=nearest", got.Policies)
	}
	if got.Counts.Events != lines || got.Counts.ByType["yard.ContainerStacked"] == 0 || got.Counts.Feed["Discharged"] == nil {
		t.Errorf("counts: %d events, by type %v, feed %v", got.Counts.Events, got.Counts.ByType, got.Counts.Feed)
	}
	keys := map[string]bool{}
	for _, k := range got.KPIs {
		keys[k.Key] = true
		if k.Name == "" || k.Unit == "" || len(k.Definition) < 80 || k.Source == "" || k.Better == "" {
			t.Errorf("KPI %s lacks its name, unit, definition, source or direction: %+v", k.Key, k)
		}
	}
	for _, want := range []string{kpi.KeyCraneGrossMovesPerHour, kpi.KeyTruckTurnTime, kpi.KeyRehandles, kpi.KeyYardUtilisation, kpi.KeyDwellTime, report.KeyGateQueueMean} {
		if !keys[want] {
			t.Errorf("report.json has no KPI %s", want)
		}
	}
	// A day with three vessel calls and road trucks measures the quay, the gate and the yard.
	for _, key := range []string{kpi.KeyCraneGrossMovesPerHour, kpi.KeyBerthProductivity, kpi.KeyTruckTurnTime, kpi.KeyYardUtilisation, kpi.KeyProductiveMoves} {
		if k, _ := r.KPI(key); k.Value == nil || *k.Value <= 0 {
			t.Errorf("%s has no positive value over the teaching day: %+v", key, k)
		}
	}
	if len(got.Series.Crane) != 24 || len(got.Series.BlockFill.At) != 24 || len(got.Series.BlockFill.Blocks) == 0 || len(got.Series.GateQueue) != 24 {
		t.Errorf("series: %d crane windows, %d fill samples of %d blocks, %d gate queue hours; want 24 hourly samples",
			len(got.Series.Crane), len(got.Series.BlockFill.At), len(got.Series.BlockFill.Blocks), len(got.Series.GateQueue))
	}
	if got.Detail["crane_visits"] == nil {
		t.Error("report.json lacks the projection's full report")
	}

	// report.html: one page, its plots inline, nothing fetched.
	page, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	html := string(page)
	if n := strings.Count(html, "<svg"); n < 6 {
		t.Errorf("report.html has %d inline SVG plots, want at least 6", n)
	}
	for _, title := range []string{"Quay crane gross productivity", "Yard fill per block", "Road truck turn time", "queuing at the in-gate", "Dwell"} {
		if !strings.Contains(html, title) {
			t.Errorf("report.html lacks the plot %q", title)
		}
	}
	noSVGns := strings.ReplaceAll(strings.ReplaceAll(html, `"http://www.w3.org/2000/svg"`, ""), `"http://www.w3.org/1999/xlink"`, "")
	for _, fetch := range []string{"<script", "<link", "src=", "http://", "https://", "url("} {
		if strings.Contains(noSVGns, fetch) {
			t.Errorf("report.html contains %q: it must need nothing from the network", fetch)
		}
	}
}

// TestSimRunKPIsAreTheProjections folds the written event log through the KPI projection, as the
// live twin would after "events publish", and finds the report's figures.
func TestSimRunKPIsAreTheProjections(t *testing.T) {
	dir, r := runShort(t, simRunFlags{})
	f, err := os.Open(filepath.Join(dir, "events.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var envs []es.Envelope
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		env, err := contract.Parse(sc.Bytes())
		if err != nil {
			t.Fatalf("line %d: %v", len(envs)+1, err)
		}
		env.Position = uint64(len(envs) + 1)
		envs = append(envs, env)
	}
	layout, err := loadTerminal(teachingLayoutFile)
	if err != nil {
		t.Fatal(err)
	}
	m := kpi.New(layout.Layout)
	m.Apply(projections.Decode(contract.NewRegistry(), envs))
	want := m.Report(r.Start, r.End)
	for _, k := range want.KPIs {
		got, ok := r.KPI(k.Key)
		if !ok {
			t.Errorf("report lacks %s", k.Key)
			continue
		}
		if (got.Value == nil) != (k.Value == nil) || (k.Value != nil && *got.Value != *k.Value) || got.N != k.N {
			t.Errorf("%s: report %v (n %d), projection over the log %v (n %d)", k.Key, deref(got.Value), got.N, deref(k.Value), k.N)
		}
	}
}

func deref(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}

// TestSimRunSameSeedSameLog: the same scenario, seed and horizon give a byte-identical event log;
// another seed gives another.
func TestSimRunSameSeedSameLog(t *testing.T) {
	a, _ := runShort(t, simRunFlags{Seed: 7})
	b, _ := runShort(t, simRunFlags{Seed: 7})
	c, _ := runShort(t, simRunFlags{Seed: 8})
	la, lb, lc := readFile(t, filepath.Join(a, "events.ndjson")), readFile(t, filepath.Join(b, "events.ndjson")), readFile(t, filepath.Join(c, "events.ndjson"))
	if len(la) == 0 || !bytes.Equal(la, lb) {
		t.Errorf("seed 7 twice: %d and %d bytes, not identical", len(la), len(lb))
	}
	if bytes.Equal(la, lc) {
		t.Error("seeds 7 and 8 gave the same log")
	}
}

func TestSimRunRefusesBadPolicies(t *testing.T) {
	tests := []struct {
		give    []string
		wantErr string
	}{
		{[]string{"stacking=tallest"}, "nearest"},
		{[]string{"parking=nearest"}, "unknown kind"},
		{[]string{"stacking=lowest", "stacking=nearest"}, "sim compare"},
		{[]string{"stacking"}, "KIND=NAME"},
	}
	for _, tt := range tests {
		_, err := simRun(context.Background(), teachingScenarioFile, simRunFlags{Policies: tt.give, Out: t.TempDir(), Quiet: true}, &bytes.Buffer{}, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%v: %v, want an error mentioning %q", tt.give, err, tt.wantErr)
		}
	}
}

func countLines(t *testing.T, path string) int {
	t.Helper()
	return bytes.Count(readFile(t, path), []byte("\n"))
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	if err := json.Unmarshal(readFile(t, path), v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// BenchmarkSimWeek is the wall time of a simulated week of the demo terminal: the feed alone (its
// envelopes dropped), the feed with the report (KPI projection and timeline), and "sim run" as a
// whole (also writing every event as NDJSON, here to io.Discard).
// go test -run '^$' -bench SimWeek -benchtime 1x -count 3 ./cmd/yardtwin
func BenchmarkSimWeek(b *testing.B) {
	s, err := loadSimScenario(demoScenarioFile, simRunFlags{})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("feed", func(b *testing.B) {
		for b.Loop() {
			feed, err := simulator.NewFeed(s.sc, s.layout, simulator.Options{})
			if err != nil {
				b.Fatal(err)
			}
			drop := simulator.SinkFunc(func(context.Context, []es.Envelope) error { return nil })
			if err := feed.Run(context.Background(), drop, feed.End()); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(feed.Stats().Events), "events")
		}
	})
	b.Run("feed+report", func(b *testing.B) {
		for b.Loop() {
			if _, err := simOnce(context.Background(), s, simRunOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sim-run", func(b *testing.B) {
		for b.Loop() {
			if _, err := simOnce(context.Background(), s, simRunOptions{Events: io.Discard}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestPrimeKeepsEntryTimes: a forked run's starting box keeps the entry time the twin knew, so
// leaving an hour into the run it measures two days and an hour of dwell; a box with no known
// entry leaves unmeasured.
func TestPrimeKeepsEntryTimes(t *testing.T) {
	layout, err := tangermed.Layout()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	end := start.Add(2 * time.Hour)
	rec := newRecorder(layout, nil, start, end)
	in, seen := box("PRM", 1), box("PRM", 2)
	rec.prime(start, []simulator.InitialBox{
		{Container: in, SizeType: "22G1", Category: yard.Import, Slot: slotted(in, 1).Slot(), Entered: start.Add(-48 * time.Hour)},
		{Container: seen, SizeType: "22G1", Category: yard.Import, Slot: slotted(seen, 2).Slot()},
	})
	var batch []es.Envelope
	for i, c := range []iso6346.ContainerID{in, seen} {
		var env es.Envelope
		if err := json.Unmarshal(eventJSON(fmt.Sprintf("out-%d", i), gate.ContainerGatedOut{Container: c, Truck: "TRK1"}, start.Add(time.Hour)), &env); err != nil {
			t.Fatal(err)
		}
		batch = append(batch, env)
	}
	if err := rec.Publish(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	r, err := rec.report(start, end)
	if err != nil {
		t.Fatal(err)
	}
	k, ok := r.KPI(kpi.KeyDwellTime)
	if want := 49.0 / 24; !ok || k.Value == nil || math.Abs(*k.Value-want) > 1e-3 || k.N != 1 || k.Parts["entry_unknown"] != 1 {
		t.Fatalf("dwell %+v (value %v), want %.4f days over 1 box and 1 with its entry unknown", k, deref(k.Value), want)
	}
}
