package main

import (
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/gate"
	"github.com/yardtwin/yardtwin/domain/yard"
	"github.com/yardtwin/yardtwin/projections"
	"github.com/yardtwin/yardtwin/projections/yardmap"
	"github.com/yardtwin/yardtwin/scenarios/tangermed"
)

// TestInitialYardCarriesEntryTimes: a demo restarted on the twin's data hands the simulator every
// box in a slot with the entry time the twin knows, and none for a box it only saw stacked.
func TestInitialYardCarriesEntryTimes(t *testing.T) {
	layout, err := tangermed.Layout()
	if err != nil {
		t.Fatal(err)
	}
	m := yardmap.New(layout)
	at := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	in, seen := box("DEM", 1), box("DEM", 2)
	var items []projections.Item
	for i, e := range []es.Event{
		yard.ContainerAnnounced{Container: in, SizeType: "22G1", WeightKg: 12000, Category: yard.Import},
		gate.ContainerGatedIn{Container: in, Truck: "TRK1"},
		slotted(in, 1),
		yard.ContainerAnnounced{Container: seen, SizeType: "22G1", WeightKg: 12000, Category: yard.Export},
		slotted(seen, 2),
	} {
		items = append(items, projections.Item{Envelope: es.Envelope{Type: e.EventType(), Time: at, Position: uint64(i + 1)}, Event: e})
	}
	m.Apply(items)

	got := map[string]time.Time{}
	for _, b := range initialYard(m) {
		got[string(b.Container)] = b.Entered
	}
	if len(got) != 2 || !got[string(in)].Equal(at) || !got[string(seen)].IsZero() {
		t.Fatalf("initial yard entries %v: want %s entered at %s and %s with none", got, in, at, seen)
	}
}
