package yardmap

import (
	"reflect"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/yardtwin/yardtwin/domain/equipment"
	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/gate"
	"github.com/yardtwin/yardtwin/domain/iso6346"
	"github.com/yardtwin/yardtwin/domain/quay"
	"github.com/yardtwin/yardtwin/domain/yard"
	"github.com/yardtwin/yardtwin/projections"
	"github.com/yardtwin/yardtwin/scenarios/tangermed"
)

// Container numbers with correct and wrong check digits.
const (
	boxA   iso6346.ContainerID = "MSCU1234566"
	boxB   iso6346.ContainerID = "CSQU3054383"
	badBox iso6346.ContainerID = "MSCU1234565" // check digit should be 6
)

var t0 = time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)

func newModel(t *testing.T) *Model {
	t.Helper()
	l, err := tangermed.Layout()
	if err != nil {
		t.Fatal(err)
	}
	return New(l)
}

// log numbers events from position 1, one minute apart.
func log(events ...es.Event) []projections.Item {
	items := make([]projections.Item, len(events))
	for i, e := range events {
		items[i] = projections.Item{
			Envelope: es.Envelope{ID: string(rune('a' + i)), Type: e.EventType(), Subject: e.Stream(), Time: t0.Add(time.Duration(i) * time.Minute), Position: uint64(i + 1)},
			Event:    e,
		}
	}
	return items
}

func stacked(c iso6346.ContainerID, bay, row, tier int) yard.ContainerStacked {
	return yard.ContainerStacked{Container: c, Block: "A01", Bay: bay, Row: row, Tier: tier, Crane: "RTG01"}
}

func lifted(c iso6346.ContainerID, bay, row, tier int) yard.ContainerLifted {
	return yard.ContainerLifted{Container: c, Block: "A01", Bay: bay, Row: row, Tier: tier, Crane: "RTG01", Truck: "T07"}
}

func announced(c iso6346.ContainerID) yard.ContainerAnnounced {
	return yard.ContainerAnnounced{Container: c, SizeType: "45G1", WeightKg: 20000, Category: yard.Transhipment}
}

func TestStackFillsTheBlockAndPlacesTheBox(t *testing.T) {
	m := newModel(t)
	m.Apply(log(announced(boxA), stacked(boxA, 3, 2, 1)))

	loc, ok := m.Container(boxA)
	if !ok || loc.Where != AtYard || loc.Slot == nil || *loc.Slot != (yard.Slot{Block: "A01", Bay: 3, Row: 2, Tier: 1}) {
		t.Fatalf("location = %+v", loc)
	}
	blk, _ := m.Layout().Block("A01")
	if loc.Point == nil || !blk.Contains(m.Layout().ToLocal(*loc.Point)) {
		t.Fatalf("point %v is not inside block A01", loc.Point)
	}
	sum := m.Summary()
	if sum.InYard != 1 || sum.TEU != 2 || sum.Blocks[0].Boxes != 1 || sum.Blocks[0].ByCategory["transhipment"] != 1 {
		t.Fatalf("summary = %+v, block = %+v", sum, sum.Blocks[0])
	}
	if len(sum.Anomalies) != 0 {
		t.Fatalf("anomalies = %v", sum.Anomalies)
	}
	if got := m.Stack("A01", 3, 2); !reflect.DeepEqual(got, []iso6346.ContainerID{boxA}) {
		t.Fatalf("stack = %v", got)
	}
}

func TestLiftEmptiesTheSlot(t *testing.T) {
	m := newModel(t)
	m.Apply(log(stacked(boxA, 3, 2, 1), lifted(boxA, 3, 2, 1)))
	loc, _ := m.Container(boxA)
	if loc.Where != AtTruck || loc.Truck != "T07" || m.Summary().InYard != 0 {
		t.Fatalf("location = %+v, in yard %d", loc, m.Summary().InYard)
	}
}

func TestContradictionsAreAppliedAndRaised(t *testing.T) {
	tests := []struct {
		name       string
		give       []es.Event
		wantKind   string
		wantInYard int
	}{
		{
			name:       "second box in a taken slot",
			give:       []es.Event{stacked(boxA, 3, 2, 1), stacked(boxB, 3, 2, 1)},
			wantKind:   SlotConflict,
			wantInYard: 1,
		},
		{
			name:       "lift of a box the twin does not hold",
			give:       []es.Event{lifted(boxA, 3, 2, 1)},
			wantKind:   LiftUnknown,
			wantInYard: 0,
		},
		{
			name:       "lift from the wrong slot",
			give:       []es.Event{stacked(boxA, 3, 2, 1), lifted(boxA, 4, 2, 1)},
			wantKind:   LiftMismatch,
			wantInYard: 0,
		},
		{
			name:       "box above an empty tier",
			give:       []es.Event{stacked(boxA, 3, 2, 2)},
			wantKind:   Unsupported,
			wantInYard: 1,
		},
		{
			name:       "wrong check digit",
			give:       []es.Event{announced(badBox), stacked(badBox, 1, 1, 1)},
			wantKind:   BadCheckDigit,
			wantInYard: 1,
		},
		{
			name:       "loaded while still in a slot",
			give:       []es.Event{stacked(boxA, 3, 2, 1), quay.ContainerLoaded{Container: boxA, Visit: "V1", Crane: "QC01", Cell: "0120482"}},
			wantKind:   LeftFromStack,
			wantInYard: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newModel(t)
			m.Apply(log(tt.give...))
			sum := m.Summary()
			if sum.Anomalies[tt.wantKind] != 1 || total(sum.Anomalies) != 1 {
				t.Fatalf("anomalies = %v, want one %s", sum.Anomalies, tt.wantKind)
			}
			if sum.InYard != tt.wantInYard {
				t.Fatalf("in yard = %d, want %d", sum.InYard, tt.wantInYard)
			}
			a := m.Anomalies()[0]
			if a.Kind != tt.wantKind || a.Detail == "" || a.Position == 0 {
				t.Fatalf("anomaly = %+v", a)
			}
		})
	}
}

func TestSlotConflictDisplacesTheEarlierBox(t *testing.T) {
	m := newModel(t)
	m.Apply(log(stacked(boxA, 3, 2, 1), stacked(boxB, 3, 2, 1)))
	a, _ := m.Container(boxA)
	b, _ := m.Container(boxB)
	if a.Where != AtUnknown || b.Where != AtYard {
		t.Fatalf("A is %s, B is %s", a.Where, b.Where)
	}
}

// TestRedeliveryIsIdempotent feeds the same positions twice, as an at-least-once subscription may.
func TestRedeliveryIsIdempotent(t *testing.T) {
	m := newModel(t)
	items := log(stacked(boxA, 3, 2, 1), stacked(boxB, 3, 2, 2))
	m.Apply(items)
	m.Apply(items)
	m.Apply(items[1:])
	sum := m.Summary()
	if sum.InYard != 2 || len(sum.Anomalies) != 0 || sum.Position != 2 {
		t.Fatalf("summary = %+v", sum)
	}
}

func TestGateAndQuayMoves(t *testing.T) {
	m := newModel(t)
	m.Apply(log(
		quay.VesselArrived{Visit: "V1", Vessel: "MSC AMBRA"},
		quay.VesselBerthed{Visit: "V1", Berth: "B1", QuayFromM: 10, QuayToM: 300},
		quay.ContainerDischarged{Container: boxA, Visit: "V1", Crane: "QC01", Cell: "120482", Truck: "IT01"},
		stacked(boxA, 1, 1, 1),
		lifted(boxA, 1, 1, 1),
		gate.ContainerGatedOut{Container: boxA, Truck: "TRK1", Lane: "IN1"},
		gate.ContainerGatedIn{Container: boxB, Truck: "TRK2", Lane: "IN1"},
	))
	a, _ := m.Container(boxA)
	b, _ := m.Container(boxB)
	if a.Where != AtGone || b.Where != AtTruck || b.Truck != "TRK2" {
		t.Fatalf("A = %+v, B = %+v", a, b)
	}
	v := m.Visits()
	if len(v) != 1 || v[0].State != "berthed" || v[0].Berth != "B1" || v[0].Discharged != 1 {
		t.Fatalf("visits = %+v", v)
	}
}

func TestPositionReportLocatesTheMachine(t *testing.T) {
	m := newModel(t)
	blk, _ := m.Layout().Block("A01")
	centre := m.Layout().ToWGS84(blk.SlotCentre(10, 3))
	m.Apply(log(equipmentAt("RTG01", centre)))
	got := m.Machines()
	if len(got) != 1 || got[0].Place != "block A01" {
		t.Fatalf("machines = %+v", got)
	}
}

func TestSnapshotRestoresTheSamePicture(t *testing.T) {
	m := newModel(t)
	m.Apply(log(announced(boxA), stacked(boxA, 3, 2, 1), stacked(boxB, 3, 2, 1), announced(badBox)))
	pos, state, err := m.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	r := newModel(t)
	if err := r.Restore(pos, state); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m.Summary(), r.Summary()) {
		t.Fatalf("restored summary differs:\n got %+v\nwant %+v", r.Summary(), m.Summary())
	}
	if !reflect.DeepEqual(m.Anomalies(), r.Anomalies()) {
		t.Fatal("restored anomalies differ")
	}
}

// equipmentAt is a yard crane's position report at p (WGS84).
func equipmentAt(id string, p orb.Point) es.Event {
	return equipment.PositionReported{Equipment: id, Kind: equipment.YardCrane, Lon: p[0], Lat: p[1]}
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
