package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/yardtwin/yardtwin/adapters/httpapi/httpapitest"
	"github.com/yardtwin/yardtwin/adapters/ingest"
)

// fakeProgress is a store head and a projected position a test sets.
type fakeProgress struct {
	head, projected atomic.Uint64
	err             error
}

func (p *fakeProgress) Head(context.Context) (uint64, error) { return p.head.Load(), p.err }
func (p *fakeProgress) Projected() uint64                    { return p.projected.Load() }

// scrape gets /metrics and returns its samples by name and labels as written, e.g.
// `yardtwin_http_request_duration_seconds_count{code="2xx",route="GET /healthz"}`.
func scrape(t *testing.T, s http.Handler) map[string]float64 {
	t.Helper()
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics: %d %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Fatalf("GET /metrics: Content-Type %q, want the text format", ct)
	}
	samples, err := httpapitest.Samples(rec.Body)
	if err != nil {
		t.Fatalf("GET /metrics: %v", err)
	}
	return samples
}

func TestMetrics(t *testing.T) {
	counters := &ingest.Counters{}
	counters.Received.Store(7)
	counters.Stored.Store(4)
	counters.Duplicates.Store(1)
	counters.Rejected.Store(2)
	counters.Failed.Store(3)
	p := &fakeProgress{}
	p.head.Store(120)
	p.projected.Store(100)
	s := New(Config{}, Deps{Submit: &countingSubmitter{}, Progress: p, Stats: counters.Snapshot})

	for _, req := range []*http.Request{
		httptest.NewRequest(http.MethodGet, "/healthz", nil),
		httptest.NewRequest(http.MethodGet, "/healthz", nil),
		httptest.NewRequest(http.MethodPost, "/api/v1/events", strings.NewReader(`{"id":"a"}`)),
		httptest.NewRequest(http.MethodPost, "/api/v1/events", strings.NewReader(`{"id":`)),
		httptest.NewRequest(http.MethodGet, "/nowhere", nil),
	} {
		s.ServeHTTP(httptest.NewRecorder(), req)
	}
	counters.Stored.Add(1) // read at scrape time, not when the server was built

	got := scrape(t, s)
	want := map[string]float64{
		"yardtwin_events_received_total":                                                       7,
		"yardtwin_events_stored_total":                                                         5,
		"yardtwin_events_duplicates_total":                                                     1,
		"yardtwin_events_rejected_total":                                                       2,
		"yardtwin_events_dead_lettered_total":                                                  0,
		"yardtwin_ingest_failures_total":                                                       3,
		"yardtwin_store_head_position":                                                         120,
		"yardtwin_projections_position":                                                        100,
		"yardtwin_projections_lag_events":                                                      20,
		`yardtwin_http_request_duration_seconds_count{code="2xx",route="GET /healthz"}`:        2,
		`yardtwin_http_request_duration_seconds_count{code="2xx",route="POST /api/v1/events"}`: 1,
		`yardtwin_http_request_duration_seconds_count{code="4xx",route="POST /api/v1/events"}`: 1,
		`yardtwin_http_request_duration_seconds_count{code="4xx",route="unmatched"}`:           1,
	}
	for name, v := range want {
		if g, ok := got[name]; !ok || g != v {
			t.Errorf("%s = %v (present: %t), want %v", name, g, ok, v)
		}
	}
	for name := range got {
		if strings.Contains(name, `route="GET /metrics"`) {
			t.Errorf("scrapes are observed: %s", name)
		}
	}
	for _, name := range []string{"go_goroutines", "process_start_time_seconds"} {
		if _, ok := got[name]; !ok {
			t.Errorf("%s missing: no runtime or process collector", name)
		}
	}
}

// TestMetricsWithoutProgress checks that a server built with few deps still serves /metrics and
// leaves out what it cannot read, and that a store failing to tell its head drops only head and lag.
func TestMetricsWithoutProgress(t *testing.T) {
	got := scrape(t, New(Config{}, Deps{}))
	for _, name := range []string{"yardtwin_events_received_total", "yardtwin_store_head_position"} {
		if _, ok := got[name]; ok {
			t.Errorf("%s present without its source", name)
		}
	}

	p := &fakeProgress{err: errors.New("disk gone")}
	p.projected.Store(5)
	got = scrape(t, New(Config{}, Deps{Progress: p}))
	if got["yardtwin_projections_position"] != 5 {
		t.Errorf("yardtwin_projections_position = %v, want 5", got["yardtwin_projections_position"])
	}
	for _, name := range []string{"yardtwin_store_head_position", "yardtwin_projections_lag_events"} {
		if _, ok := got[name]; ok {
			t.Errorf("%s present though the head is unknown", name)
		}
	}
}

func TestReadyFlipsWithLag(t *testing.T) {
	tests := []struct {
		name            string
		head, projected uint64
		err             error
		wantStatus      int
		wantReady       bool
		wantLag         uint64
	}{
		{name: "caught up", head: 500, projected: 500, wantStatus: http.StatusOK, wantReady: true},
		{name: "at the threshold", head: 600, projected: 500, wantStatus: http.StatusOK, wantReady: true, wantLag: 100},
		{name: "one past the threshold", head: 601, projected: 500, wantStatus: http.StatusServiceUnavailable, wantLag: 101},
		{name: "rebuilding from zero", head: 50_000, wantStatus: http.StatusServiceUnavailable, wantLag: 50_000},
		{name: "store failing", head: 500, projected: 500, err: errors.New("disk gone"), wantStatus: http.StatusServiceUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &fakeProgress{err: tt.err}
			p.head.Store(tt.head)
			p.projected.Store(tt.projected)
			s := New(Config{}, Deps{Progress: p, ReadyLag: 100})
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
			var ans struct {
				Ready bool   `json:"ready"`
				Lag   uint64 `json:"lag"`
				Error string `json:"error"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &ans); err != nil {
				t.Fatalf("answer is not JSON: %v: %s", err, rec.Body)
			}
			if rec.Code != tt.wantStatus || ans.Ready != tt.wantReady || ans.Lag != tt.wantLag {
				t.Fatalf("status %d ready %t lag %d, want %d %t %d: %s", rec.Code, ans.Ready, ans.Lag, tt.wantStatus, tt.wantReady, tt.wantLag, rec.Body)
			}
			if (tt.err != nil) != (ans.Error != "") {
				t.Fatalf("error %q with store error %v", ans.Error, tt.err)
			}
		})
	}
}

// TestLaggingTwinIsAliveButNotReady checks that a lagging twin is not ready but still alive.
func TestLaggingTwinIsAliveButNotReady(t *testing.T) {
	p := &fakeProgress{}
	p.head.Store(1000)
	s := New(Config{}, Deps{Progress: p, ReadyLag: 10})
	for path, want := range map[string]int{"/readyz": http.StatusServiceUnavailable, "/healthz": http.StatusOK} {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != want {
			t.Errorf("GET %s: %d, want %d", path, rec.Code, want)
		}
	}
}
