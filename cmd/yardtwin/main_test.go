package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.uber.org/fx"
)

const demoScenarioFile = "../../scenarios/tangermed/demo.yaml"

func TestServeWiring(t *testing.T) {
	tests := []struct {
		name     string
		giveDemo string
	}{
		{name: "embedded defaults"},
		{name: "with the demo feed", giveDemo: demoScenarioFile},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := serveFlags{HTTP: "127.0.0.1:0", Data: t.TempDir(), Lanes: 4, LogLevel: "info", Demo: tt.giveDemo}
			if err := fx.ValidateApp(serveOptions(f), fx.NopLogger); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestDemoFillsTheYard runs serve --demo as make run does and waits for the simulated terminal to put
// boxes in the yard, through the bus, the store and the projection.
func TestDemoFillsTheYard(t *testing.T) {
	base := startTwinWith(t, serveFlags{Data: t.TempDir(), Demo: demoScenarioFile, Speed: 600})
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		var y struct {
			InYard    int            `json:"in_yard"`
			Equipment int            `json:"equipment"`
			Anomalies map[string]int `json:"anomalies"`
		}
		getJSON(t, base+"api/v1/yard", &y)
		if y.InYard > 1000 && y.Equipment > 0 {
			for kind := range y.Anomalies {
				if kind != "bad_check_digit" {
					t.Fatalf("the demo raised %s anomalies: %v", kind, y.Anomalies)
				}
			}
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("the demo put no boxes in the yard within 60 s")
}

// TestTimeAhead: with --time-ahead 24h, an event dated a day and a minute ahead of the twin's clock
// is refused naming time, with the rest of its batch; one dated 23 hours ahead is stored.
func TestTimeAhead(t *testing.T) {
	base := startTwinWith(t, serveFlags{Data: t.TempDir(), Clock: onTestDay, TimeAhead: 24 * time.Hour})
	tooFar := []json.RawMessage{stackEvent("ahead-1", box("AHD", 1), 0, testDay), stackEvent("ahead-2", box("AHD", 2), 1, testDay.Add(24*time.Hour+time.Minute))}
	status, answer, err := post(context.Background(), http.DefaultClient, base, tooFar)
	if err != nil || status != http.StatusBadRequest || !strings.Contains(string(answer), `"field":"time"`) || !strings.Contains(string(answer), "ahead of the twin's clock") {
		t.Fatalf("POST of an event a day ahead = %d %s %v, want 400 naming time", status, answer, err)
	}
	status, answer, err = post(context.Background(), http.DefaultClient, base, []json.RawMessage{stackEvent("ahead-3", box("AHD", 3), 2, testDay.Add(23*time.Hour))})
	if err != nil || status != http.StatusAccepted {
		t.Fatalf("POST of an event 23 h ahead = %d %s %v, want 202", status, answer, err)
	}
}

func TestPostedEventsReachTheYard(t *testing.T) {
	base := startTwinWith(t, serveFlags{Data: t.TempDir(), Clock: onTestDay})
	at := testDay
	c := box("TST", 1)
	status, answer, err := post(context.Background(), http.DefaultClient, base, []json.RawMessage{stackEvent("ev-1", c, 0, at)})
	if err != nil || status != http.StatusAccepted {
		t.Fatalf("POST = %d %s %v", status, answer, err)
	}
	waitProjected(t, base)

	var yard struct {
		InYard int `json:"in_yard"`
		Blocks []struct {
			Block string
			Boxes int
		}
	}
	getJSON(t, base+"api/v1/yard", &yard)
	if yard.InYard != 1 || yard.Blocks[0].Block != "A01" || yard.Blocks[0].Boxes != 1 {
		t.Fatalf("yard = %+v", yard)
	}
	var loc struct {
		Where string
		Slot  struct{ Block string }
		Point []float64
	}
	if s := getJSON(t, base+"api/v1/containers/"+string(c), &loc); s != http.StatusOK || loc.Where != "yard" || loc.Slot.Block != "A01" || len(loc.Point) != 2 {
		t.Fatalf("container = %d %+v", s, loc)
	}
	var geo struct {
		Type     string
		Features []struct {
			Properties map[string]any
		}
	}
	getJSON(t, base+"api/v1/yard.geojson", &geo)
	if geo.Type != "FeatureCollection" || len(geo.Features) < 20 || geo.Features[0].Properties["boxes"] != 1.0 {
		t.Fatalf("geojson: %s with %d features, first %v", geo.Type, len(geo.Features), geo.Features[0].Properties)
	}
}

func TestAPIAnswers(t *testing.T) {
	base := startTwinWith(t, serveFlags{Data: t.TempDir(), Clock: onTestDay})
	at := testDay
	good := stackEvent("ev-1", box("TST", 1), 0, at)
	malformed := json.RawMessage(`{"specversion":"1.0","id":"ev-2","source":"s","type":"yard.ContainerStacked","time":"2026-11-21T08:00:00Z","data":{"container":"TSTU0000010","block":"A01","bay":1,"row":1,"tier":0,"crane":"RTG01"}}`)
	tests := []struct {
		name       string
		give       []json.RawMessage
		wantStatus int
		wantAnswer string
	}{
		{name: "malformed event refuses the batch", give: []json.RawMessage{good, malformed}, wantStatus: http.StatusBadRequest, wantAnswer: `"field":"data.tier"`},
		{name: "stored", give: []json.RawMessage{good}, wantStatus: http.StatusAccepted, wantAnswer: `"status":"stored"`},
		{name: "sent again", give: []json.RawMessage{good}, wantStatus: http.StatusAccepted, wantAnswer: `"status":"duplicate"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, answer, err := post(context.Background(), http.DefaultClient, base, tt.give)
			if err != nil || status != tt.wantStatus || !json.Valid(answer) || !strings.Contains(string(answer), tt.wantAnswer) {
				t.Fatalf("POST = %d %s %v; want %d with %s", status, answer, err, tt.wantStatus, tt.wantAnswer)
			}
		})
	}
	var e struct{ Error string }
	if s := getJSON(t, base+"api/v1/containers/MSCU1234566", &e); s != http.StatusNotFound || e.Error == "" {
		t.Fatalf("unknown container = %d %q", s, e.Error)
	}
	if s := getJSON(t, base+"api/v1/containers/NOT-A-BOX", &e); s != http.StatusBadRequest || e.Error == "" {
		t.Fatalf("malformed container = %d %q", s, e.Error)
	}
}

func TestHealthCommand(t *testing.T) {
	base := startTwin(t, t.TempDir())
	var out strings.Builder
	if err := health(context.Background(), base+"healthz", time.Second, &out); err != nil || !strings.Contains(out.String(), `"status":"ok"`) {
		t.Fatalf("health = %v, %q", err, out.String())
	}
	if err := health(context.Background(), base+"nowhere", time.Second, &out); err == nil {
		t.Fatal("a 404 passed the health check")
	}
}

func TestSchemaEndpoints(t *testing.T) {
	base := startTwin(t, t.TempDir())
	var idx struct {
		Envelope string
		Types    []struct{ Type, URL string }
	}
	getJSON(t, base+"api/v1/schema", &idx)
	if len(idx.Types) < 16 {
		t.Fatalf("schema index lists %d types", len(idx.Types))
	}
	for _, typ := range idx.Types {
		var sch struct {
			ID string `json:"$id"`
		}
		if s := getJSON(t, strings.TrimSuffix(base, "/")+typ.URL, &sch); s != http.StatusOK || !strings.HasSuffix(sch.ID, typ.Type+".v1.json") {
			t.Errorf("%s: %d, $id %q", typ.URL, s, sch.ID)
		}
	}
	var e struct{ Error string }
	if s := getJSON(t, base+"api/v1/schema/nothing.json", &e); s != http.StatusNotFound || e.Error == "" {
		t.Fatalf("unknown schema = %d %q", s, e.Error)
	}
}

func TestYardQueries(t *testing.T) {
	base := startTwinWith(t, serveFlags{Data: t.TempDir(), Clock: onTestDay})
	at := testDay
	events := []json.RawMessage{stackEvent("q-1", box("QRY", 1), 0, at), stackEvent("q-2", box("QRY", 2), 8, at)} // A01 bays 1 and 2
	if status, answer, err := post(context.Background(), http.DefaultClient, base, events); err != nil || status != http.StatusAccepted {
		t.Fatalf("POST = %d %s %v", status, answer, err)
	}
	waitProjected(t, base)

	var block struct {
		Boxes  int
		Stacks []struct{ Bay, Row int }
	}
	if s := getJSON(t, base+"api/v1/blocks/A01", &block); s != http.StatusOK || block.Boxes != 2 || len(block.Stacks) != 2 {
		t.Fatalf("block = %d %+v", s, block)
	}
	var e struct{ Error string }
	if s := getJSON(t, base+"api/v1/blocks/ZZ9", &e); s != http.StatusNotFound || e.Error == "" {
		t.Fatalf("unknown block = %d %+v", s, e)
	}
	var slots struct {
		Features []struct{ Properties map[string]any }
	}
	getJSON(t, base+"api/v1/blocks/A01/slots.geojson", &slots)
	if len(slots.Features) != 240 {
		t.Fatalf("%d slot features, want 40 bays × 6 rows", len(slots.Features))
	}
	var loc struct{ Point []float64 }
	getJSON(t, base+"api/v1/containers/"+string(box("QRY", 1)), &loc)
	var near struct {
		Count      int
		Containers []struct{ Container string }
	}
	url := fmt.Sprintf("%sapi/v1/containers?near=%f,%f&radius=5", base, loc.Point[0], loc.Point[1])
	if s := getJSON(t, url, &near); s != http.StatusOK || near.Count != 1 || near.Containers[0].Container != string(box("QRY", 1)) {
		t.Fatalf("near = %d %+v", s, near)
	}
	if s := getJSON(t, base+"api/v1/containers?near=500,1", &e); s != http.StatusBadRequest || !strings.Contains(e.Error, "near") {
		t.Fatalf("bad near = %d %+v", s, e)
	}
	var berths struct {
		Features []struct{ Properties map[string]any }
	}
	getJSON(t, base+"api/v1/berths.geojson", &berths)
	if len(berths.Features) != 3 {
		t.Fatalf("%d berths", len(berths.Features))
	}
}
