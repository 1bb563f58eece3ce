package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/yardtwin/yardtwin/adapters/httpapi"
	"github.com/yardtwin/yardtwin/adapters/ingest"
	"github.com/yardtwin/yardtwin/domain/es/estest"
)

// dcsaAnswer is the part of a POST answer the DCSA tests read.
type dcsaAnswer struct {
	Accepted   bool
	Stored     int
	Duplicates int
	Invalid    int
	NotMapped  int `json:"not_mapped"`
	Results    []ingest.Result
}

func postDCSA(t *testing.T, base string, body []byte) (int, dcsaAnswer) {
	t.Helper()
	resp, err := http.Post(base+"api/v1/dcsa/tnt/v3/events", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var a dcsaAnswer
	if err := json.Unmarshal(raw, &a); err != nil {
		t.Fatalf("answer %s: %v", raw, err)
	}
	return resp.StatusCode, a
}

// afterTheCall is a twin clock set just after the vessel call of the DCSA fixture (14 and 15 March
// 2026): the events refused as not mapped become dead letters dated then, not today, when the
// departed call would long have been forgotten by the yard's read model.
var afterTheCall = estest.ClockAt(time.Date(2026, 3, 16, 0, 0, 0, 0, time.UTC))

// TestDCSAOverHTTP posts a Tanger Med call in DCSA Track & Trace: the actual moves are stored as
// canonical events, the plans and stripping/inspection events are kept and reported as not mapped,
// and a re-send stores nothing twice.
func TestDCSAOverHTTP(t *testing.T) {
	base := startTwinWith(t, serveFlags{Data: t.TempDir(), Clock: afterTheCall})
	call, err := os.ReadFile("../../adapters/dcsa/testdata/ours/maptm-call.v2.json")
	if err != nil {
		t.Fatal(err)
	}
	status, a := postDCSA(t, base, call)
	if status != http.StatusAccepted || a.Stored != 6 || a.NotMapped != 3 || a.Invalid != 0 {
		t.Fatalf("first post: %d %+v", status, a)
	}
	for _, r := range a.Results {
		if r.Status == ingest.StatusNotMapped && r.Unmapped == "" {
			t.Errorf("result %d is not mapped but says not why", r.Index)
		}
	}
	status, a = postDCSA(t, base, call)
	if status != http.StatusAccepted || a.Stored != 0 || a.Duplicates != 6 {
		t.Fatalf("second post: %d %+v", status, a)
	}
	waitProjected(t, base)
	var v struct {
		Vessels []struct{ Visit, State string }
	}
	getJSON(t, base+"api/v1/vessels", &v)
	if len(v.Vessels) != 1 || v.Vessels[0].Visit != "9632181-611W" || v.Vessels[0].State != "departed" {
		t.Fatalf("vessels = %+v", v)
	}
	var dl struct{ Total int }
	getJSON(t, base+"api/v1/deadletters", &dl)
	if dl.Total != 3 {
		t.Fatalf("%d events kept as not mapped, want 3 (kept once, though sent twice)", dl.Total)
	}

	// DCSA's own published example: other ports, plans and shipment events, all kept and reported.
	example, err := os.ReadFile("../../adapters/dcsa/testdata/dcsaorg/Conformance-Gateway/tnt-220-response.json")
	if err != nil {
		t.Fatal(err)
	}
	status, a = postDCSA(t, base, example)
	if status != http.StatusAccepted || a.NotMapped+a.Stored+a.Duplicates != len(a.Results) || len(a.Results) == 0 {
		t.Fatalf("DCSA example: %d %+v", status, a)
	}

	broken := []byte(`[{"eventID":"x","eventClassifierCode":"ACT","eventDateTime":"2026-03-14T05:20:00Z","eventCreatedDateTime":"2026-03-14T05:20:00Z"}]`)
	status, a = postDCSA(t, base, broken)
	if status != http.StatusBadRequest || len(a.Results) != 1 || len(a.Results[0].Errors) == 0 || !strings.Contains(a.Results[0].Errors[0].Field, "eventType") {
		t.Fatalf("broken DCSA: %d %+v", status, a)
	}
}

// TestDCSAOverKafka: a record with the dialect header is read as DCSA.
func TestDCSAOverKafka(t *testing.T) {
	broker := startKafka(t)
	base := startTwinWith(t, serveFlags{Data: t.TempDir(), KafkaBrokers: broker, KafkaTopic: "yard.events", KafkaGroup: "twin", Clock: afterTheCall})
	call, err := os.ReadFile("../../adapters/dcsa/testdata/ours/maptm-call.v2.json")
	if err != nil {
		t.Fatal(err)
	}
	var events []json.RawMessage
	if err := json.Unmarshal(call, &events); err != nil {
		t.Fatal(err)
	}
	msgs := make([]kafkago.Message, len(events))
	for i, e := range events {
		msgs[i] = kafkago.Message{Key: []byte("9632181-611W"), Value: e, Headers: []kafkago.Header{{Key: ingest.DialectMetadata, Value: []byte(httpapi.DialectDCSA)}}}
	}
	produce(t, broker, "yard.events", msgs)
	s := waitIngested(t, base, 9)
	if s.Stored != 6 || s.DeadLettered != 3 {
		t.Fatalf("counters = %+v", s)
	}
}
