package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/domain/contract"
	"github.com/yardtwin/yardtwin/domain/es"
	gatefacts "github.com/yardtwin/yardtwin/domain/gate"
	"github.com/yardtwin/yardtwin/domain/iso6346"
	"github.com/yardtwin/yardtwin/domain/yard"
	"github.com/yardtwin/yardtwin/projections"
	"github.com/yardtwin/yardtwin/projections/yardmap"
	"github.com/yardtwin/yardtwin/scenarios/tangermed"
)

// streams is a store of streams in memory, as far as GET /api/v1/containers/{id} reads one.
type streams map[string][]es.Envelope

func (s streams) ReadStream(_ context.Context, stream string, from uint64) ([]es.Envelope, error) {
	var out []es.Envelope
	for _, e := range s[stream] {
		if e.Version >= from {
			out = append(out, e)
		}
	}
	return out, nil
}

const historyBox iso6346.ContainerID = "MSCU1234566"

var historyStart = time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)

// historyLog is a box's life in four facts, an hour apart, stored in its stream and decoded.
func historyLog(t *testing.T) (streams, []projections.Item) {
	t.Helper()
	evs := []es.Event{
		yard.ContainerAnnounced{Container: historyBox, SizeType: "45G1", Category: yard.Export},
		yard.ContainerStacked{Container: historyBox, Block: "A01", Bay: 3, Row: 2, Tier: 1, Crane: "RTG01"},
		yard.ContainerLifted{Container: historyBox, Block: "A01", Bay: 3, Row: 2, Tier: 1, Crane: "RTG01", Truck: "TRK1"},
		gatefacts.ContainerGatedOut{Container: historyBox, Truck: "TRK1", Lane: "OUT1"},
	}
	st := streams{}
	var envs []es.Envelope
	for i, ev := range evs {
		data, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		at := historyStart.Add(time.Duration(i) * time.Hour)
		env := es.Envelope{
			SpecVersion: es.SpecVersion, ID: ev.EventType() + "-1", Type: ev.EventType(), Subject: ev.Stream(),
			Time: at, Recorded: at, SchemaVersion: 1, Data: data, Position: uint64(10 * (i + 1)), Version: uint64(i + 1),
		}
		st[ev.Stream()] = append(st[ev.Stream()], env)
		envs = append(envs, env)
	}
	return st, projections.Decode(contract.NewRegistry(), envs)
}

// getContainer asks s for the history box and decodes the answer.
func getContainer(t *testing.T, s *Server, query string) (yardmap.Location, *httptest.ResponseRecorder) {
	t.Helper()
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/containers/"+string(historyBox)+query, nil))
	var loc yardmap.Location
	if rec.Code == http.StatusOK {
		if err := json.Unmarshal(rec.Body.Bytes(), &loc); err != nil {
			t.Fatal(err)
		}
	}
	return loc, rec
}

func newYardModel(t *testing.T) *yardmap.Model {
	t.Helper()
	l, err := tangermed.Layout()
	if err != nil {
		t.Fatal(err)
	}
	return yardmap.New(l)
}

// TestContainerHistoryFromTheStore: the history is read from the box's stream; the read model
// holds none.
func TestContainerHistoryFromTheStore(t *testing.T) {
	st, items := historyLog(t)
	m := newYardModel(t)
	m.Apply(items)
	loc, rec := getContainer(t, New(Config{}, Deps{Yard: m, Streams: st, Registry: contract.NewRegistry()}), "")
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	want := []string{yardmap.AtAnnounced, yardmap.AtYard, yardmap.AtTruck, yardmap.AtGone}
	if loc.Where != yardmap.AtGone || len(loc.History) != len(want) {
		t.Fatalf("answer = %+v", loc)
	}
	for i, mv := range loc.History {
		if mv.Where != want[i] || mv.Position != uint64(10*(i+1)) {
			t.Errorf("move %d = %+v, want where %s", i, mv, want[i])
		}
	}
}

// TestForgottenContainerIsAnsweredFromTheStore: a box the read model no longer holds (it left
// long ago) is still found, from its stream.
func TestForgottenContainerIsAnsweredFromTheStore(t *testing.T) {
	st, _ := historyLog(t)
	loc, rec := getContainer(t, New(Config{}, Deps{Yard: newYardModel(t), Streams: st, Registry: contract.NewRegistry()}), "")
	if rec.Code != http.StatusOK || loc.Where != yardmap.AtGone || len(loc.History) != 4 || loc.SizeType != "45G1" {
		t.Fatalf("status %d, answer %+v", rec.Code, loc)
	}
	if _, rec := getContainer(t, New(Config{}, Deps{Yard: newYardModel(t), Streams: streams{}, Registry: contract.NewRegistry()}), ""); rec.Code != http.StatusNotFound {
		t.Fatalf("a box with no stream: status %d", rec.Code)
	}
}

// TestPastContainerHistoryStopsThen: asked about a past moment, the history ends at it.
func TestPastContainerHistoryStopsThen(t *testing.T) {
	st, items := historyLog(t)
	past := newYardModel(t)
	past.Apply(items[:2])
	s := New(Config{}, Deps{
		Yard: newYardModel(t), Streams: st, Registry: contract.NewRegistry(),
		PastYard: func(context.Context, time.Time, time.Time) (YardView, uint64, error) { return past, 20, nil },
	})
	loc, rec := getContainer(t, s, "?at="+historyStart.Add(90*time.Minute).Format(time.RFC3339))
	if rec.Code != http.StatusOK || loc.Where != yardmap.AtYard || len(loc.History) != 2 {
		t.Fatalf("status %d, answer %+v", rec.Code, loc)
	}
}

// TestContainerWithoutAStore: with no stream to read, the answer is the read model's, with no
// history.
func TestContainerWithoutAStore(t *testing.T) {
	_, items := historyLog(t)
	m := newYardModel(t)
	m.Apply(items[:2])
	loc, rec := getContainer(t, New(Config{}, Deps{Yard: m}), "")
	if rec.Code != http.StatusOK || loc.Where != yardmap.AtYard || loc.History != nil {
		t.Fatalf("status %d, answer %+v", rec.Code, loc)
	}
}
