package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/pubsub/gochannel"

	"github.com/yardtwin/yardtwin/adapters/bolt"
	"github.com/yardtwin/yardtwin/domain/contract"
	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/es/estest"
	"github.com/yardtwin/yardtwin/domain/yard"
	"github.com/yardtwin/yardtwin/scenarios/tangermed"
)

func newHandler(t *testing.T) (*Handler, es.Store, *Counters) {
	t.Helper()
	store, err := bolt.Open(t.TempDir(), bolt.WithClock(estest.WallClock())) // the clock make test moves a year ahead
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	l, err := tangermed.Layout()
	if err != nil {
		t.Fatal(err)
	}
	counters := &Counters{}
	return NewHandler(contract.NewChecker(contract.NewRegistry(), l), store, NewReplies(), counters, estest.WallClock()), store, counters
}

// envelope is a valid stacking report with the given id, at bay.
func envelope(id string, bay int) json.RawMessage {
	data, _ := json.Marshal(yard.ContainerStacked{Container: "MSCU1234566", Block: "A01", Bay: bay, Row: 1, Tier: 1, Crane: "RTG01"})
	env, _ := json.Marshal(es.Envelope{SpecVersion: "1.0", ID: id, Source: "urn:test", Type: yard.TypeContainerStacked, Time: time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC), Data: data})
	return env
}

func TestBatchIsStoredInOrder(t *testing.T) {
	h, store, counters := newHandler(t)
	rc := h.Ingest(context.Background(), contract.JoinBatch([]json.RawMessage{envelope("e1", 1), envelope("e2", 2)}))
	if rc.Err != nil || rc.Rejected {
		t.Fatalf("receipt = %+v", rc)
	}
	for i, r := range rc.Results {
		if r.Status != StatusStored || r.Position != uint64(i+1) || r.Stream != "container-MSCU1234566" {
			t.Fatalf("result %d = %+v", i, r)
		}
	}
	got, _ := store.ReadAll(context.Background(), 1, 10)
	if len(got) != 2 || got[0].ID != "e1" || got[1].ID != "e2" || got[1].Version != 2 {
		t.Fatalf("stored = %+v", got)
	}
	if s := counters.Snapshot(); s.Received != 2 || s.Stored != 2 {
		t.Fatalf("counters = %+v", s)
	}
}

func TestResentEventsAreDuplicates(t *testing.T) {
	h, store, counters := newHandler(t)
	batch := contract.JoinBatch([]json.RawMessage{envelope("e1", 1), envelope("e2", 2)})
	h.Ingest(context.Background(), batch)
	rc := h.Ingest(context.Background(), batch)
	for _, r := range rc.Results {
		if r.Status != StatusDuplicate {
			t.Fatalf("result = %+v", r)
		}
	}
	if head, _ := store.Head(context.Background()); head != 2 {
		t.Fatalf("head = %d, want 2", head)
	}
	s := counters.Snapshot()
	if s.Received != 4 || s.Stored != 2 || s.Duplicates != 2 || s.Received != s.Stored+s.Duplicates+s.Rejected {
		t.Fatalf("counters = %+v", s)
	}
}

// TestMalformedEventRefusesTheWholeBatch: none of a batch is half applied, and the answer names the
// event, the field and the reason.
func TestMalformedEventRefusesTheWholeBatch(t *testing.T) {
	tests := []struct {
		name      string
		give      json.RawMessage
		wantField string
	}{
		{name: "unknown type", give: json.RawMessage(`{"specversion":"1.0","id":"x","source":"s","type":"yard.ContainerTeleported","time":"2026-11-21T08:00:00Z","data":{}}`), wantField: "type"},
		{name: "missing time", give: json.RawMessage(`{"specversion":"1.0","id":"x","source":"s","type":"yard.ContainerStacked","data":{}}`), wantField: "time"},
		{name: "ill-typed tier", give: json.RawMessage(`{"specversion":"1.0","id":"x","source":"s","type":"yard.ContainerStacked","time":"2026-11-21T08:00:00Z","data":{"container":"MSCU1234566","block":"A01","bay":1,"row":1,"tier":"one","crane":"RTG01"}}`), wantField: "data.tier"},
		{name: "impossible bay", give: json.RawMessage(`{"specversion":"1.0","id":"x","source":"s","type":"yard.ContainerStacked","time":"2026-11-21T08:00:00Z","data":{"container":"MSCU1234566","block":"A01","bay":99,"row":1,"tier":1,"crane":"RTG01"}}`), wantField: "data.bay"},
		{name: "unknown block", give: json.RawMessage(`{"specversion":"1.0","id":"x","source":"s","type":"yard.ContainerStacked","time":"2026-11-21T08:00:00Z","data":{"container":"MSCU1234566","block":"ZZ9","bay":1,"row":1,"tier":1,"crane":"RTG01"}}`), wantField: "data.block"},
		{name: "missing container", give: json.RawMessage(`{"specversion":"1.0","id":"x","source":"s","type":"yard.ContainerStacked","time":"2026-11-21T08:00:00Z","data":{"block":"A01","bay":1,"row":1,"tier":1,"crane":"RTG01"}}`), wantField: "data.container"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, store, _ := newHandler(t)
			rc := h.Ingest(context.Background(), contract.JoinBatch([]json.RawMessage{envelope("good", 1), tt.give}))
			if !rc.Rejected || rc.Err != nil {
				t.Fatalf("receipt = %+v", rc)
			}
			if rc.Results[0].Status != StatusNotStored || rc.Results[1].Status != StatusInvalid {
				t.Fatalf("results = %+v", rc.Results)
			}
			errs := rc.Results[1].Errors
			if len(errs) == 0 || errs[0].Field != tt.wantField || errs[0].Reason == "" {
				t.Fatalf("errors = %+v, want field %q", errs, tt.wantField)
			}
			if head, _ := store.Head(context.Background()); head != 0 {
				t.Fatalf("head = %d: part of a refused batch was stored", head)
			}
		})
	}
}

func TestBrokenBodyIsRefusedWhole(t *testing.T) {
	h, store, counters := newHandler(t)
	rc := h.Ingest(context.Background(), []byte(`{"specversion":"1.0",`))
	if !rc.Rejected || len(rc.Results) != 1 || rc.Results[0].Status != StatusInvalid || rc.Results[0].Errors[0].Reason == "" {
		t.Fatalf("receipt = %+v", rc)
	}
	if head, _ := store.Head(context.Background()); head != 0 {
		t.Fatalf("head = %d", head)
	}
	if s := counters.Snapshot(); s.Rejected != 1 || s.Received != 1 {
		t.Fatalf("counters = %+v", s)
	}
}

// TestContradictingFactIsStored: a report the twin cannot square with its picture is a fact all the same.
func TestContradictingFactIsStored(t *testing.T) {
	h, _, _ := newHandler(t)
	bad := json.RawMessage(`{"specversion":"1.0","id":"x","source":"s","type":"yard.ContainerStacked","time":"2026-11-21T08:00:00Z","data":{"container":"MSCU1234565","block":"A01","bay":1,"row":1,"tier":3,"crane":"RTG01"}}`)
	rc := h.Ingest(context.Background(), bad)
	if rc.Rejected || rc.Results[0].Status != StatusStored {
		t.Fatalf("receipt = %+v", rc)
	}
}

// TestGatewayWaitsForTheStore sends through the bus and the router, as the HTTP API does.
func TestGatewayWaitsForTheStore(t *testing.T) {
	h, store, _ := newHandler(t)
	logger := watermill.NopLogger{}
	bus := gochannel.NewGoChannel(gochannel.Config{}, logger)
	router, err := NewRouter(Config{Lanes: 2}, h, bus, logger)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go router.Run(ctx)
	<-router.Running()
	gw := NewGateway(bus, h.replies, 2)
	for i := range 10 {
		rc, err := gw.Submit(ctx, "", []json.RawMessage{envelope(fmt.Sprint("e", i), i+1)})
		if err != nil || rc.Results[0].Status != StatusStored {
			t.Fatalf("submit %d: %+v %v", i, rc, err)
		}
	}
	if head, _ := store.Head(ctx); head != 10 {
		t.Fatalf("head = %d, want 10", head)
	}
	router.Close()
}
