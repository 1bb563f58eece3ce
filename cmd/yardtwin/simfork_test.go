package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/domain/es/estest"
	"github.com/yardtwin/yardtwin/domain/gate"
	"github.com/yardtwin/yardtwin/domain/yard"
	"github.com/yardtwin/yardtwin/projections/kpi"
	"github.com/yardtwin/yardtwin/simulator/report"
)

// TestSimForkFromLiveTwin starts a twin fed by the demo at 3,000 times real time, waits until its
// log holds two simulated hours past the fork, forks one hour into the demo, runs an hour, and
// checks that the run started from the twin's yard and carries the twin's actual KPIs beside its own.
func TestSimForkFromLiveTwin(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a twin and feeds it a simulated demo")
	}
	base := startTwinWith(t, serveFlags{Data: t.TempDir(), Demo: demoScenarioFile, Speed: 3000})
	// The demo starts when the twin has started, on the twin's clock: t0 is the first event time
	// seen, at or after the demo's start (its opening yard is stacked at the start).
	var t0, at, end time.Time
	deadline := time.Now().Add(90 * time.Second)
	for {
		var k kpi.Report
		getJSON(t, base+"api/v1/kpis", &k)
		if t0.IsZero() && !k.AsOf.IsZero() {
			t0 = k.AsOf.Truncate(time.Second)
			at, end = t0.Add(time.Hour), t0.Add(2*time.Hour)
		}
		if !t0.IsZero() && k.AsOf.After(end.Add(10*time.Minute)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the demo reached %s, not past %s, within 90 s", k.AsOf, end)
		}
		time.Sleep(200 * time.Millisecond)
	}
	waitProjected(t, base)

	dir := t.TempDir()
	var out bytes.Buffer
	f := simForkFlags{simRunFlags: simRunFlags{Horizon: time.Hour, Out: dir, Quiet: true}, From: base, At: at.Format(time.RFC3339)}
	r, err := simFork(context.Background(), demoScenarioFile, f, &out, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Fork == nil || r.Fork.InitialBoxes < 1000 || r.Fork.Taken == 0 || r.Fork.Position == "" {
		t.Fatalf("fork %+v: want the twin's yard of thousands of boxes at a log position", r.Fork)
	}
	// The demo's initial fill was only ever seen in slots: no entry time (TestSimForkKeepsEntryTimes
	// checks the boxes that have one).
	if r.Fork.WithEntry >= r.Fork.InitialBoxes {
		t.Errorf("fork: %d of %d boxes with a known entry; the initial fill has none", r.Fork.WithEntry, r.Fork.InitialBoxes)
	}
	if r.Fork.Taken+r.Fork.Skipped != r.Fork.InitialBoxes {
		t.Errorf("fork: %d taken + %d skipped != %d read", r.Fork.Taken, r.Fork.Skipped, r.Fork.InitialBoxes)
	}
	if !r.Start.Equal(at) || !r.End.Equal(end) {
		t.Errorf("run %s..%s, want %s..%s", r.Start, r.End, at, end)
	}
	// The simulated yard starts where the twin's was: its first fill sample counts the primed boxes.
	var filled bool
	for _, b := range r.Series.BlockFill.Blocks {
		filled = filled || (len(b.Fill) > 0 && b.Fill[0] > 0)
	}
	if !filled {
		t.Error("the fork's yard starts empty; it should start from the twin's")
	}
	if r.Actual == nil {
		t.Fatalf("no actual figures although the twin holds the hour after the fork:\n%s", out.String())
	}
	if !r.Actual.Complete || r.Actual.Events == 0 {
		t.Errorf("actual %+v: want the complete window with events", *r.Actual)
	}
	if k, ok := actualKPI(r.Actual.KPIs, kpi.KeyYardUtilisation); !ok || k.Value == nil || *k.Value < 0.1 {
		t.Errorf("actual yard utilisation %+v, want the twin's level", k)
	}
	if sim, ok := r.KPI(kpi.KeyYardUtilisation); !ok || sim.Value == nil || *sim.Value < 0.1 {
		t.Errorf("simulated yard utilisation %+v: the fork's KPIs must start from the twin's yard", sim)
	}

	var vout bytes.Buffer
	if err := validateEvents(filepath.Join(dir, "events.ndjson"), validateFlags{Layout: demoLayoutFile}, nil, &vout); err != nil {
		t.Fatalf("events validate: %v\n%s", err, vout.String())
	}
	html := string(readFile(t, filepath.Join(dir, "report.html")))
	if !strings.Contains(html, "<th>actual</th>") || !strings.Contains(html, "forked from") {
		t.Error("report.html does not show the actual KPIs beside the simulated ones")
	}
}

// TestSimForkKeepsEntryTimes forks from a twin holding two boxes: one gated in two days before
// the fork, one only seen stacked. The fork takes the first with its entry and the second without.
func TestSimForkKeepsEntryTimes(t *testing.T) {
	at := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	base := startTwinWith(t, serveFlags{Data: t.TempDir(), Clock: estest.ClockAt(at)})
	in, seen := box("ENT", 1), box("ENT", 2)
	entered := at.Add(-48 * time.Hour)
	events := []json.RawMessage{
		eventJSON("ent-1", yard.ContainerAnnounced{Container: in, SizeType: "22G1", WeightKg: 12000, Category: yard.Import}, entered),
		eventJSON("ent-2", gate.ContainerGatedIn{Container: in, Truck: "TRK1"}, entered),
		eventJSON("ent-3", slotted(in, 1), entered.Add(10*time.Minute)),
		eventJSON("ent-4", yard.ContainerAnnounced{Container: seen, SizeType: "22G1", WeightKg: 12000, Category: yard.Export}, entered),
		eventJSON("ent-5", slotted(seen, 2), entered),
	}
	if code, body, err := post(context.Background(), http.DefaultClient, base, events); err != nil || code != http.StatusAccepted {
		t.Fatalf("POST: %d %s %v", code, body, err)
	}
	waitProjected(t, base)

	f := simForkFlags{simRunFlags: simRunFlags{Horizon: time.Hour, Out: t.TempDir(), Quiet: true}, From: base, At: at.Format(time.RFC3339)}
	r, err := simFork(context.Background(), demoScenarioFile, f, &bytes.Buffer{}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Fork.InitialBoxes != 2 || r.Fork.Taken != 2 || r.Fork.WithEntry != 1 {
		t.Fatalf("fork %+v: want both boxes taken, one with a known entry", r.Fork)
	}
}

func actualKPI(ks []report.KPI, key string) (report.KPI, bool) {
	for _, k := range ks {
		if k.Key == key {
			return k, true
		}
	}
	return report.KPI{}, false
}
