package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"go.uber.org/fx"

	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/projections/yardmap"
)

// runApp starts serve's application on f plus extra options (no validation of the settings, as
// runTwin) and returns its base URL; it stops with the test.
func runApp(t *testing.T, f serveFlags, extra ...fx.Option) string {
	t.Helper()
	base, _ := runAppStop(t, f, extra...)
	return base
}

// runAppStop is runApp with a stop function, for tests that look at what stopping did.
func runAppStop(t *testing.T, f serveFlags, extra ...fx.Option) (string, func()) {
	t.Helper()
	return runTwin(t, f, extra...)
}

// TestIngestAndQueryProcessesShareAStore runs an ingest twin and a query twin over one store, the
// way KurrentDB is shared between processes (here both sit in one test process around one embedded
// store, which the CLI refuses for separate processes). Events posted to the ingest twin are
// answered by the query twin; each refuses the other's work with the reason.
func TestIngestAndQueryProcessesShareAStore(t *testing.T) {
	var shared es.Store
	ingestBase := runApp(t, serveFlags{Role: "ingest", Data: t.TempDir(), Clock: onTestDay}, fx.Populate(&shared))
	queryBase := runApp(t, serveFlags{Role: "query", Data: t.TempDir(), Clock: onTestDay},
		fx.Decorate(func(es.Store) es.Store { return shared }))

	at := testDay
	var events []json.RawMessage
	for i := range 3 {
		events = append(events, stackEvent(fmt.Sprintf("role-%d", i), box("ROL", i), i, at))
	}
	if status, answer, err := post(context.Background(), http.DefaultClient, ingestBase, events); err != nil || status != http.StatusAccepted {
		t.Fatalf("POST to the ingest twin = %d %s %v", status, answer, err)
	}
	status, answer, err := post(context.Background(), http.DefaultClient, queryBase, events)
	if err != nil || status != http.StatusNotFound || !strings.Contains(string(answer), "--role query: it takes no events") {
		t.Fatalf("POST to the query twin = %d %s %v; want 404 naming the role", status, answer, err)
	}
	var e struct{ Error string }
	if s := getJSON(t, ingestBase+"api/v1/yard", &e); s != http.StatusNotFound || !strings.Contains(e.Error, "--role ingest: it answers no queries") {
		t.Fatalf("GET yard from the ingest twin = %d %q", s, e.Error)
	}

	waitProjected(t, queryBase)
	var yard struct {
		InYard int `json:"in_yard"`
	}
	if s := getJSON(t, queryBase+"api/v1/yard", &yard); s != http.StatusOK || yard.InYard != 3 {
		t.Fatalf("GET yard from the query twin = %d %+v, want 3 boxes", s, yard)
	}
	var ready struct {
		Ready  bool
		Stored uint64
	}
	if s := getJSON(t, ingestBase+"readyz", &ready); s != http.StatusOK || !ready.Ready || ready.Stored != 3 {
		t.Fatalf("ingest /readyz = %d %+v", s, ready)
	}

	ingestMetrics, queryMetrics := scrapeTwin(t, ingestBase), scrapeTwin(t, queryBase)
	if ingestMetrics["yardtwin_events_stored_total"] != 3 || ingestMetrics["yardtwin_store_head_position"] != 3 {
		t.Errorf("ingest metrics: stored %v, head %v", ingestMetrics["yardtwin_events_stored_total"], ingestMetrics["yardtwin_store_head_position"])
	}
	if _, ok := ingestMetrics["yardtwin_projections_position"]; ok {
		t.Error("the ingest twin reports projections it does not run")
	}
	if _, ok := queryMetrics["yardtwin_events_received_total"]; ok {
		t.Error("the query twin reports ingest counters")
	}
	position, lag := `yardtwin_projection_position{projection="`+yardmap.Name+`"}`, `yardtwin_projection_lag_events{projection="`+yardmap.Name+`"}`
	if queryMetrics[position] != 3 || queryMetrics[lag] != 0 {
		t.Errorf("query twin: yardmap at %v, lag %v", queryMetrics[position], queryMetrics[lag])
	}

	// The query twin's map is served; the ingest twin has none.
	for base, want := range map[string]int{queryBase: http.StatusOK, ingestBase: http.StatusNotFound} {
		resp, err := http.Get(base)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s = %d, want %d", base, resp.StatusCode, want)
		}
	}
}
