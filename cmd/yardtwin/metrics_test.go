package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/yardtwin/yardtwin/adapters/httpapi/httpapitest"
)

// TestMetricsOfARunningTwin posts events to the twin, one of them twice, and reads the ingest counters
// and the projections' lag back from /metrics once the yard has caught up; /readyz then answers ready.
func TestMetricsOfARunningTwin(t *testing.T) {
	base := startTwinWith(t, serveFlags{Data: t.TempDir(), Clock: onTestDay})
	at := testDay
	var events []json.RawMessage
	for i := range 3 {
		events = append(events, stackEvent(fmt.Sprintf("ev-%d", i), box("MET", i), i, at))
	}
	for _, batch := range [][]json.RawMessage{events, events[:1]} { // the second is a duplicate
		if status, answer, err := post(context.Background(), http.DefaultClient, base, batch); err != nil || status != http.StatusAccepted {
			t.Fatalf("POST = %d %s %v", status, answer, err)
		}
	}
	waitProjected(t, base)

	got := scrapeTwin(t, base)
	for name, want := range map[string]float64{
		"yardtwin_events_received_total":   4,
		"yardtwin_events_stored_total":     3,
		"yardtwin_events_duplicates_total": 1,
		"yardtwin_events_rejected_total":   0,
		"yardtwin_store_head_position":     3,
		"yardtwin_projections_position":    3,
		"yardtwin_projections_lag_events":  0,
		`yardtwin_http_request_duration_seconds_count{code="2xx",route="POST /api/v1/events"}`: 2,
	} {
		if g, ok := got[name]; !ok || g != want {
			t.Errorf("%s = %v (present: %t), want %v", name, g, ok, want)
		}
	}

	var ready struct {
		Ready bool
		Lag   uint64
	}
	if s := getJSON(t, base+"readyz", &ready); s != http.StatusOK || !ready.Ready || ready.Lag != 0 {
		t.Fatalf("GET /readyz = %d %+v", s, ready)
	}
}

// TestReadyLagSetting checks the --ready-lag default and its variable.
func TestReadyLagSetting(t *testing.T) {
	if got := newServe().Flags().Lookup("ready-lag").DefValue; got != "10000" {
		t.Errorf("--ready-lag defaults to %s, want 10000", got)
	}
	t.Setenv("YARDTWIN_READY_LAG", "250")
	if got := newServe().Flags().Lookup("ready-lag").DefValue; got != "250" {
		t.Errorf("--ready-lag with YARDTWIN_READY_LAG=250 defaults to %s", got)
	}
}

// scrapeTwin reads /metrics into samples by name and labels as written.
func scrapeTwin(t *testing.T, base string) map[string]float64 {
	t.Helper()
	resp, err := http.Get(base + "metrics")
	if err != nil {
		t.Fatalf("GET /metrics: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %s", resp.Status)
	}
	samples, err := httpapitest.Samples(resp.Body)
	if err != nil {
		t.Fatalf("GET /metrics: %v", err)
	}
	return samples
}
