package yardmap

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/yardtwin/yardtwin/domain/equipment"
	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/quay"
	"github.com/yardtwin/yardtwin/domain/yard"
	"github.com/yardtwin/yardtwin/projections"
)

// TestHistoryFollowsTheBox: the box's own stream, folded by ContainerFromStream, gives its moves
// and the same record as the live model; the live model holds no history.
func TestHistoryFollowsTheBox(t *testing.T) {
	m := newModel(t)
	items := log(
		announced(boxA),
		quay.ContainerDischarged{Container: boxA, Visit: "V1", Crane: "QC01", Truck: "IT01"},
		stacked(boxA, 3, 2, 1),
		stacked(boxB, 3, 2, 2), // another box's fact, not in boxA's stream
		lifted(boxA, 3, 2, 1),
	)
	m.Apply(items)
	live, _ := m.Container(boxA)
	if live.History != nil {
		t.Fatalf("the live model holds a history: %+v", live.History)
	}
	stream := append(items[:3:3], items[4])
	loc, ok := ContainerFromStream(boxA, stream)
	if !ok || len(loc.History) != 4 {
		t.Fatalf("history = %+v", loc.History)
	}
	wantWhere := []string{AtAnnounced, AtTruck, AtYard, AtTruck}
	wantPosition := []uint64{1, 2, 3, 5}
	for i, mv := range loc.History {
		if mv.Where != wantWhere[i] || mv.Position != wantPosition[i] {
			t.Errorf("move %d = %+v, want where %s", i, mv, wantWhere[i])
		}
	}
	if loc.History[2].Slot == nil || loc.History[2].Crane != "RTG01" || loc.Entered.IsZero() {
		t.Errorf("stack move = %+v, entered %v", loc.History[2], loc.Entered)
	}
	loc.History = nil
	if !reflect.DeepEqual(loc, live.Box) {
		t.Errorf("from the stream:\n%+v\nlive:\n%+v", loc, live.Box)
	}
	if _, ok := ContainerFromStream(boxB, stream); ok {
		t.Error("boxB found in boxA's stream")
	}
}

// TestOutOfOrderAndLateReports: a fact older than one already applied to the box, and a fact
// recorded long after it happened, are applied and flagged.
func TestOutOfOrderAndLateReports(t *testing.T) {
	m := newModel(t)
	items := log(stacked(boxA, 3, 2, 1), lifted(boxA, 3, 2, 1))
	items[1].Time = items[0].Time.Add(-time.Hour) // the lift says it happened before the stack
	items[0].Recorded = items[0].Time.Add(2 * time.Hour)
	m.Apply(items)
	sum := m.Summary()
	if sum.Anomalies[OutOfOrder] != 1 || sum.Anomalies[LateReport] != 1 {
		t.Fatalf("anomalies = %v", sum.Anomalies)
	}
	if loc, _ := m.Container(boxA); loc.Where != AtTruck {
		t.Fatalf("the out-of-order lift was not applied: %s", loc.Where)
	}
}

func TestEquipmentDistanceAndJob(t *testing.T) {
	m := newModel(t)
	blk, _ := m.Layout().Block("A01")
	a := blk.SlotCentre(1, 1)
	b := orb.Point{a[0] + 300, a[1] + 400} // 500 m away
	report := func(p orb.Point) es.Event {
		w := m.Layout().ToWGS84(p)
		return equipment.PositionReported{Equipment: "IT01", Kind: equipment.Truck, Lon: w[0], Lat: w[1]}
	}
	m.Apply(log(report(a), report(b), quay.ContainerDischarged{Container: boxA, Visit: "V1", Crane: "QC01", Truck: "IT01"}))
	var truck Machine
	for _, mc := range m.Machines() {
		if mc.ID == "IT01" {
			truck = mc
		}
	}
	if truck.DistanceM < 499 || truck.DistanceM > 501 || truck.Job != boxA {
		t.Fatalf("truck = %+v", truck)
	}
	m.Apply([]projections.Item{{Envelope: es.Envelope{Position: 4, Time: t0.Add(time.Hour)}, Event: yard.ContainerStacked{Container: boxA, Block: "A01", Bay: 1, Row: 1, Tier: 1, Crane: "RTG01", Truck: "IT01"}}})
	for _, mc := range m.Machines() {
		if mc.ID == "IT01" && mc.Job != "" {
			t.Fatalf("the truck still carries %s after it was stacked", mc.Job)
		}
	}
}

func TestVisitProgress(t *testing.T) {
	m := newModel(t)
	items := log(
		quay.VesselArrived{Visit: "V1", Vessel: "MSC AMBRA", PlannedDischarge: 3, PlannedLoad: 1},
		quay.VesselBerthed{Visit: "V1", Berth: "B1", QuayFromM: 10, QuayToM: 300},
		quay.ContainerDischarged{Container: boxA, Visit: "V1", Crane: "QC01"},
		quay.ContainerDischarged{Container: boxB, Visit: "V1", Crane: "QC01"},
	)
	items[3].Time = items[1].Time.Add(30 * time.Minute) // two moves in half an hour alongside
	m.Apply(items)
	v := m.Visits()[0]
	if v.Remaining != 2 || v.MovesPerHour != 4 {
		t.Fatalf("visit = %+v", v)
	}
}

func TestBlockViewAndNear(t *testing.T) {
	m := newModel(t)
	m.Apply(log(announced(boxA), stacked(boxA, 3, 2, 1), stacked(boxB, 3, 2, 2), stacked(badBox, 20, 5, 1)))
	v, ok := m.Block("A01")
	if !ok || len(v.Stacks) != 2 || v.Stacks[0].Bay != 3 || len(v.Stacks[0].Boxes) != 2 || v.Stacks[0].Boxes[1].Container != boxB {
		t.Fatalf("block view = %+v", v)
	}
	if v.BySize["40"] != 1 || v.BySize["?"] != 2 || v.FreeTEU != v.Capacity-v.TEU {
		t.Fatalf("fill = %+v", v.BlockFill)
	}
	if _, ok := m.Block("ZZ9"); ok {
		t.Fatal("an unknown block has a view")
	}
	blk, _ := m.Layout().Block("A01")
	near := m.Near(blk.SlotCentre(3, 2), 10, 10)
	if len(near) != 2 || near[0].Point == nil {
		t.Fatalf("near = %+v", near)
	}
	if far := m.Near(blk.SlotCentre(3, 2), 10, 1); len(far) != 1 {
		t.Fatalf("limit not kept: %d", len(far))
	}
}

// TestLateDetail: the late report's detail reads as fmt would write it.
func TestLateDetail(t *testing.T) {
	for _, late := range []time.Duration{0, 1500 * time.Millisecond, 16 * time.Minute, 3*time.Hour + 2*time.Second, 49 * time.Hour, -90 * time.Second} {
		want := fmt.Sprintf("%s happened at %s but reached the twin %s later", "yard.ContainerStacked", t0.Format(time.RFC3339), late.Round(time.Second))
		if got := lateDetail("yard.ContainerStacked", t0, late); got != want {
			t.Errorf("got  %q\nwant %q", got, want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { _ = lateDetail("yard.ContainerStacked", t0, time.Hour) }); n != 1 {
		t.Errorf("%v allocations, want 1", n)
	}
}
