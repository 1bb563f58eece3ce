package httpapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/quay"
	"github.com/yardtwin/yardtwin/projections"
	"github.com/yardtwin/yardtwin/projections/kpi"
)

// windowRecorder remembers the window it was asked for.
type windowRecorder struct {
	calls    int
	from, to time.Time
}

func (v *windowRecorder) Report(from, to time.Time) kpi.Report {
	v.calls++
	v.from, v.to = from, to
	return kpi.Report{From: from, To: to, KPIs: []kpi.KPI{}}
}

func TestGetKPIsWindow(t *testing.T) {
	tests := []struct {
		name      string
		giveQuery string
		wantFrom  time.Time
		wantTo    time.Time
	}{
		{name: "whole log", giveQuery: ""},
		{
			name: "both bounds", giveQuery: "from=2026-03-02T06:00:00Z&to=2026-03-03T06:00:00Z",
			wantFrom: time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC), wantTo: time.Date(2026, 3, 3, 6, 0, 0, 0, time.UTC),
		},
		{
			name: "an offset and fractions of a second, read as UTC", giveQuery: "from=2026-03-02T07:30:00.5%2B01:00",
			wantFrom: time.Date(2026, 3, 2, 6, 30, 0, 5e8, time.UTC),
		},
		{name: "to only", giveQuery: "to=2026-03-03T00:00:00Z", wantTo: time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)},
		{name: "empty values are open bounds", giveQuery: "from=&to="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			view := &windowRecorder{}
			rec := getKPIs(t, view, tt.giveQuery)
			if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/json" {
				t.Fatalf("status %d (%s): %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
			}
			if view.calls != 1 || !view.from.Equal(tt.wantFrom) || !view.to.Equal(tt.wantTo) {
				t.Fatalf("asked for %s – %s (%d calls), want %s – %s", view.from, view.to, view.calls, tt.wantFrom, tt.wantTo)
			}
			if view.from.Location() != time.UTC || view.to.Location() != time.UTC {
				t.Fatal("bounds are not in UTC")
			}
		})
	}
}

func TestGetKPIsRefusesMalformedWindows(t *testing.T) {
	tests := []struct {
		name      string
		giveQuery string
		wantError string // part of the error text
	}{
		{name: "from not a time", giveQuery: "from=yesterday", wantError: `from: "yesterday" is not an RFC 3339 time`},
		{name: "to without a zone", giveQuery: "to=2026-03-03T00:00:00", wantError: `to: "2026-03-03T00:00:00" is not`},
		{name: "an unescaped plus", giveQuery: "from=2026-03-02T07:30:00+01:00", wantError: "from: \"2026-03-02T07:30:00 01:00\" is not an RFC 3339 time such as 2026-03-02T06:00:00Z (a + in a URL query reads as a space: write it %2B)"},
		{name: "to before from", giveQuery: "from=2026-03-03T00:00:00Z&to=2026-03-02T00:00:00Z", wantError: "to: 2026-03-02T00:00:00Z is not after from (2026-03-03T00:00:00Z)"},
		{name: "an empty window", giveQuery: "from=2026-03-03T00:00:00Z&to=2026-03-03T00:00:00Z", wantError: "to: 2026-03-03T00:00:00Z is not after from"},
		{name: "an unknown parameter", giveQuery: "form=2026-03-03T00:00:00Z", wantError: "form: unknown parameter; KPIs take from, to, at"},
		{name: "a parameter twice", giveQuery: "to=2026-03-03T00:00:00Z&to=2026-03-04T00:00:00Z", wantError: "to: given 2 times"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			view := &windowRecorder{}
			rec := getKPIs(t, view, tt.giveQuery)
			var body struct{ Error string }
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != http.StatusBadRequest || !strings.Contains(body.Error, tt.wantError) {
				t.Fatalf("status %d, error %q (%v); want 400 saying %q", rec.Code, body.Error, err, tt.wantError)
			}
			if view.calls != 0 {
				t.Fatal("the model was asked for a report of a malformed window")
			}
		})
	}
}

// getKPIs asks a server answering from view for GET /api/v1/kpis?query.
func getKPIs(t *testing.T, view KPIView, query string) *httptest.ResponseRecorder {
	t.Helper()
	s := New(Config{}, Deps{KPIs: view})
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/kpis?"+query, nil))
	return rec
}

func TestGetKPIsFromTheModel(t *testing.T) {
	m := kpi.New(nil)
	t0 := time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC)
	var items []projections.Item
	for i := range 4 {
		ev := quay.ContainerDischarged{Container: "MSCU1234566", Visit: "V1", Crane: "QC01"}
		items = append(items, projections.Item{
			Envelope: es.Envelope{Type: ev.EventType(), Time: t0.Add(time.Duration(i) * 20 * time.Minute), Position: uint64(i + 1)},
			Event:    ev,
		})
	}
	m.Apply(items)
	s := New(Config{}, Deps{KPIs: m})
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/kpis", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var r kpi.Report
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	k, ok := r.KPI(kpi.KeyCraneGrossMovesPerHour)
	if !ok || k.Value == nil || *k.Value != 4 || k.Definition == "" || !r.From.Equal(t0) || r.Position != 4 {
		t.Fatalf("report = %+v, %s = %+v", r, kpi.KeyCraneGrossMovesPerHour, k)
	}
}

func TestGetKPIsWithoutAModel(t *testing.T) {
	s := New(Config{}, Deps{})
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/kpis", nil))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "KPIs") {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
}

// TestKPIsAtAndAsOf: at= ends the window at that moment; as_of= is refused with the reason.
func TestKPIsAtAndAsOf(t *testing.T) {
	var got [2]time.Time
	s := New(Config{}, Deps{KPIs: kpiFunc(func(from, to time.Time) kpi.Report { got = [2]time.Time{from, to}; return kpi.Report{} })})
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/kpis?to=2026-11-22T00:00:00Z&at=2026-11-21T12:00:00Z", nil))
	if rec.Code != http.StatusOK || !got[1].Equal(time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)) {
		t.Fatalf("at: %d, window %v", rec.Code, got)
	}
	rec = httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/kpis?as_of=2026-11-21T12:00:00Z", nil))
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "as_of") {
		t.Fatalf("as_of: %d %s", rec.Code, rec.Body)
	}
}

type kpiFunc func(from, to time.Time) kpi.Report

func (f kpiFunc) Report(from, to time.Time) kpi.Report { return f(from, to) }
