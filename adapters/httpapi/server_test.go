package httpapi

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/yardtwin/yardtwin/adapters/ingest"
)

// countingSubmitter answers every event as stored and remembers how many it saw.
type countingSubmitter struct{ events int }

func (s *countingSubmitter) Submit(_ context.Context, _ string, events []json.RawMessage) (ingest.Receipt, error) {
	s.events += len(events)
	rc := ingest.Receipt{}
	for i := range events {
		rc.Results = append(rc.Results, ingest.Result{Index: i, Status: ingest.StatusStored, Position: uint64(i + 1)})
	}
	return rc, nil
}

func TestPostEventsForms(t *testing.T) {
	tests := []struct {
		name       string
		give       string
		wantStatus int
		wantEvents int
	}{
		{name: "one object", give: `{"id":"a"}`, wantStatus: http.StatusAccepted, wantEvents: 1},
		{name: "array", give: `[{"id":"a"},{"id":"b"}]`, wantStatus: http.StatusAccepted, wantEvents: 2},
		{name: "NDJSON", give: "{\"id\":\"a\"}\n\n{\"id\":\"b\"}\n{\"id\":\"c\"}\n", wantStatus: http.StatusAccepted, wantEvents: 3},
		{name: "empty body", give: "", wantStatus: http.StatusBadRequest},
		{name: "broken JSON", give: `{"id":`, wantStatus: http.StatusBadRequest},
		{name: "too large", give: `{"id":"` + strings.Repeat("x", 2000) + `"}`, wantStatus: http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub := &countingSubmitter{}
			s := New(Config{MaxBody: 1024}, Deps{Submit: sub})
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/api/v1/events", strings.NewReader(tt.give)))
			if rec.Code != tt.wantStatus || sub.events != tt.wantEvents {
				t.Fatalf("status %d with %d events, want %d with %d: %s", rec.Code, sub.events, tt.wantStatus, tt.wantEvents, rec.Body)
			}
			if !json.Valid(rec.Body.Bytes()) {
				t.Fatalf("answer is not JSON: %s", rec.Body)
			}
		})
	}
}

func TestBrowseURL(t *testing.T) {
	tests := []struct {
		give net.Addr
		want string
	}{
		{give: &net.TCPAddr{IP: net.IPv6unspecified, Port: 8080}, want: "http://localhost:8080/"},
		{give: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 9000}, want: "http://127.0.0.1:9000/"},
	}
	for _, tt := range tests {
		if got := BrowseURL(tt.give); got != tt.want {
			t.Errorf("BrowseURL(%v) = %s, want %s", tt.give, got, tt.want)
		}
	}
}
