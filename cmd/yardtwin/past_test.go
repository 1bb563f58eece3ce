package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"go.uber.org/fx"

	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/yard"
)

// TestTimeTravel asks the yard's read endpoints about the past: at an event time, and as known at
// a recorded time.
func TestTimeTravel(t *testing.T) {
	// The twin's clock starts at t0 and is the test's too: "as known between the reports" is read
	// off the clock that stamps the reports.
	t0 := testDay
	clock := es.ClockSetting{Start: t0}.Clock(time.Now)
	base, _ := runTwin(t, serveFlags{Data: t.TempDir()}, fx.Replace(clock))
	a, b := box("TTV", 1), box("TTV", 2)
	event := func(id string, ev es.Event, at time.Time) json.RawMessage {
		d, _ := json.Marshal(ev)
		env, _ := json.Marshal(es.Envelope{SpecVersion: es.SpecVersion, ID: id, Source: "urn:test", Type: ev.EventType(), Time: at, Data: d})
		return env
	}
	send := func(events ...json.RawMessage) {
		if status, answer, err := post(context.Background(), http.DefaultClient, base, events); err != nil || status != http.StatusAccepted {
			t.Fatalf("POST = %d %s %v", status, answer, err)
		}
	}
	send(event("tt-1", yard.ContainerStacked(slotted(a, 0)), t0))
	send(event("tt-2", yard.ContainerLifted(slotted(a, 0)), t0.Add(time.Hour)), event("tt-3", yard.ContainerStacked(slotted(b, 8)), t0.Add(time.Hour)))
	time.Sleep(10 * time.Millisecond)
	between := clock()
	time.Sleep(10 * time.Millisecond)
	// A late report, recorded now, of something that happened at t0+30 min.
	send(event("tt-4", yard.ContainerHeld{Container: a, Hold: "customs"}, t0.Add(30*time.Minute)))
	waitProjected(t, base)

	where := func(c string, query url.Values) (string, int) {
		var loc struct{ Where string }
		resp, err := http.Get(base + "api/v1/containers/" + c + "?" + query.Encode())
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		_ = json.NewDecoder(resp.Body).Decode(&loc)
		return loc.Where, resp.StatusCode
	}
	tests := []struct {
		name       string
		give       url.Values
		wantA      string
		wantBFound bool
	}{
		{name: "now", give: url.Values{}, wantA: "truck", wantBFound: true},
		{name: "at t0", give: url.Values{"at": {t0.Format(time.RFC3339)}}, wantA: "yard"},
		{name: "at t0+1h", give: url.Values{"at": {t0.Add(time.Hour).Format(time.RFC3339)}}, wantA: "truck", wantBFound: true},
		{name: "as known between the reports", give: url.Values{"as_of": {between.Format(time.RFC3339Nano)}}, wantA: "truck", wantBFound: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, status := where(string(a), tt.give)
			if status != http.StatusOK || got != tt.wantA {
				t.Fatalf("%s is %q (%d), want %q", a, got, status, tt.wantA)
			}
			if _, status := where(string(b), tt.give); (status == http.StatusOK) != tt.wantBFound {
				t.Fatalf("%s answered %d", b, status)
			}
		})
	}

	// The late hold is in the yard as it was at t0+45 min as known now, not as known before it came.
	var held struct{ Holds []string }
	getJSON(t, base+"api/v1/containers/"+string(a)+"?at="+url.QueryEscape(t0.Add(45*time.Minute).Format(time.RFC3339)), &held)
	if len(held.Holds) != 1 {
		t.Fatalf("holds at t0+45m as known now = %v", held.Holds)
	}
	var before struct{ Holds []string }
	getJSON(t, base+"api/v1/containers/"+string(a)+"?at="+url.QueryEscape(t0.Add(45*time.Minute).Format(time.RFC3339))+"&as_of="+url.QueryEscape(between.Format(time.RFC3339Nano)), &before)
	if len(before.Holds) != 0 {
		t.Fatalf("holds at t0+45m as known before the late report = %v", before.Holds)
	}

	var e struct{ Error string }
	if s := getJSON(t, base+"api/v1/yard?at=yesterday", &e); s != http.StatusBadRequest || e.Error == "" {
		t.Fatalf("bad at = %d %+v", s, e)
	}
	var y struct {
		InYard int `json:"in_yard"`
	}
	getJSON(t, base+"api/v1/yard?at="+url.QueryEscape(t0.Format(time.RFC3339)), &y)
	if y.InYard != 1 {
		t.Fatalf("in yard at t0 = %d", y.InYard)
	}
}
