package yardmap

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/gate"
	"github.com/yardtwin/yardtwin/domain/iso6346"
	"github.com/yardtwin/yardtwin/domain/quay"
	"github.com/yardtwin/yardtwin/domain/yard"
	"github.com/yardtwin/yardtwin/projections"
	"github.com/yardtwin/yardtwin/scenarios/tangermed"
)

// timed is one event at an offset from t0.
type timed struct {
	after time.Duration
	ev    es.Event
}

// logAt numbers events from position from+1, each at its offset from t0.
func logAt(from uint64, events ...timed) []projections.Item {
	items := make([]projections.Item, len(events))
	for i, e := range events {
		at := t0.Add(e.after)
		items[i] = projections.Item{
			Envelope: es.Envelope{ID: fmt.Sprint("e", from+uint64(i)+1), Type: e.ev.EventType(), Subject: e.ev.Stream(), Time: at, Recorded: at, Position: from + uint64(i) + 1},
			Event:    e.ev,
		}
	}
	return items
}

func newModelWith(t *testing.T, cfg Config) *Model {
	t.Helper()
	l, err := tangermed.Layout()
	if err != nil {
		t.Fatal(err)
	}
	return NewWith(l, cfg)
}

func held(m *Model, id iso6346.ContainerID) bool {
	_, ok := m.Container(id)
	return ok
}

// TestGoneBoxIsForgottenAfterTheWindow: a box that left is held for DepartedFor of event time
// after it left, then forgotten; the window runs on event time, not on the number of events.
func TestGoneBoxIsForgottenAfterTheWindow(t *testing.T) {
	m := newModel(t)
	m.Apply(logAt(0,
		timed{0, stacked(boxA, 3, 2, 1)},
		timed{time.Minute, lifted(boxA, 3, 2, 1)},
		timed{2 * time.Minute, gate.ContainerGatedOut{Container: boxA, Truck: "TRK1", Lane: "OUT1"}},
		timed{DefaultDepartedFor, stacked(boxB, 3, 2, 1)}, // 1 min before the window ends
	))
	if !held(m, boxA) {
		t.Fatal("a box that left within the window is forgotten")
	}
	m.Apply(logAt(4, timed{DefaultDepartedFor + 3*time.Minute, lifted(boxB, 3, 2, 1)}))
	if held(m, boxA) {
		t.Fatal("a box that left more than DepartedFor ago is still held")
	}
	if s := m.Summary(); s.Containers != 1 || s.ByWhere[AtGone] != 0 {
		t.Fatalf("summary = %+v", s)
	}
}

// TestBoxThatCameBackIsNotForgotten: the queue entry of a box's first departure does not evict it
// once it has come back; its new departure starts a new window.
func TestBoxThatCameBackIsNotForgotten(t *testing.T) {
	m := newModel(t)
	m.Apply(logAt(0,
		timed{0, gate.ContainerGatedOut{Container: boxA, Truck: "TRK1", Lane: "OUT1"}},
		timed{time.Hour, gate.ContainerGatedIn{Container: boxA, Truck: "TRK2", Lane: "IN1"}},
		timed{2 * time.Hour, stacked(boxA, 3, 2, 1)},
		timed{3 * DefaultDepartedFor, stacked(boxB, 4, 2, 1)},
	))
	if loc, ok := m.Container(boxA); !ok || loc.Where != AtYard {
		t.Fatalf("the box back in the yard = %+v, %v", loc, ok)
	}
}

// TestDepartedBoxesAreCapped: beyond MaxDeparted, the box that left first is forgotten first.
func TestDepartedBoxesAreCapped(t *testing.T) {
	m := newModelWith(t, Config{MaxDeparted: 2})
	var evs []timed
	for i := range 4 {
		evs = append(evs, timed{time.Duration(i) * time.Minute, quay.ContainerLoaded{Container: boxNumber(i), Visit: "V1", Crane: "QC01"}})
	}
	m.Apply(logAt(0, evs...))
	for i, want := range []bool{false, false, true, true} {
		if got := held(m, boxNumber(i)); got != want {
			t.Errorf("box %d held = %v, want %v", i, got, want)
		}
	}
	if h := m.Held(); h.Boxes != 2 || h.Departed != 2 {
		t.Fatalf("held = %+v", h)
	}
}

// TestExpectedBoxIsForgottenWithoutNews: an announcement never followed by the box is forgotten
// after ExpectedFor.
func TestExpectedBoxIsForgottenWithoutNews(t *testing.T) {
	m := newModel(t)
	m.Apply(logAt(0,
		timed{0, announced(boxA)},
		timed{DefaultExpectedFor + time.Hour, stacked(boxB, 3, 2, 1)},
	))
	if held(m, boxA) {
		t.Fatal("an announcement without news for longer than ExpectedFor is held")
	}
}

// TestRoadTruckLeavesThePicture: a road truck that gated out is no longer a machine of the yard.
func TestRoadTruckLeavesThePicture(t *testing.T) {
	m := newModel(t)
	blk, _ := m.Layout().Block("A01")
	p := m.Layout().ToWGS84(blk.SlotCentre(1, 1))
	m.Apply(logAt(0,
		timed{0, gate.TruckArrived{Truck: "TRK1", Lane: "IN1"}},
		timed{time.Minute, equipmentAt("TRK1", p)},
		timed{2 * time.Minute, equipmentAt("RTG01", p)},
		timed{3 * time.Minute, gate.TruckLeft{Truck: "TRK1", Lane: "OUT1"}},
	))
	got := m.Machines()
	if len(got) != 1 || got[0].ID != "RTG01" {
		t.Fatalf("machines = %+v", got)
	}
}

// TestDepartedVisitsAreForgotten: a departed visit is held for VisitsFor, an open one for ever.
func TestDepartedVisitsAreForgotten(t *testing.T) {
	m := newModel(t)
	m.Apply(logAt(0,
		timed{0, quay.VesselArrived{Visit: "V1", Vessel: "MSC AMBRA"}},
		timed{time.Hour, quay.VesselDeparted{Visit: "V1"}},
		timed{2 * time.Hour, quay.VesselArrived{Visit: "V2", Vessel: "MAERSK ESSEN"}},
		timed{DefaultVisitsFor + 2*time.Hour, stacked(boxA, 3, 2, 1)},
	))
	v := m.Visits()
	if len(v) != 1 || v[0].Visit != "V2" {
		t.Fatalf("visits = %+v", v)
	}
}

// TestAnomaliesAreARing: the newest Config.Anomalies are kept in full, every one is counted.
func TestAnomaliesAreARing(t *testing.T) {
	m := newModelWith(t, Config{Anomalies: 3})
	var evs []timed
	for i := range 5 {
		evs = append(evs, timed{time.Duration(i) * time.Minute, lifted(boxNumber(i), 3, 2, 1)}) // lifts of boxes not held
	}
	m.Apply(logAt(0, evs...))
	got := m.Anomalies()
	if len(got) != 3 || got[0].Container != boxNumber(2) || got[2].Container != boxNumber(4) {
		t.Fatalf("anomalies = %+v", got)
	}
	if n := m.Summary().Anomalies[LiftUnknown]; n != 5 {
		t.Fatalf("%d lift_unknown counted, want 5", n)
	}
}

// TestRestoredModelForgetsTheSame: a model restored from a snapshot taken half way forgets the
// same boxes at the same positions as one that folded the whole log, and the rebuild agrees.
func TestRestoredModelForgetsTheSame(t *testing.T) {
	cfg := Config{DepartedFor: time.Hour, MaxDeparted: 5, Anomalies: 4}
	var evs []timed
	for i := range 40 {
		c := boxNumber(i)
		at := time.Duration(i) * 10 * time.Minute
		evs = append(evs,
			timed{at, yard.ContainerAnnounced{Container: c, SizeType: "22G1", Category: yard.Export}},
			timed{at + time.Minute, gate.ContainerGatedIn{Container: c, Truck: "TRK1", Lane: "IN1"}},
			timed{at + 2*time.Minute, stacked(c, 1+i%20, 1, 1)},
			timed{at + 3*time.Minute, lifted(c, 1+i%20, 1, 1)},
			timed{at + 4*time.Minute, quay.ContainerLoaded{Container: c, Visit: "V1", Crane: "QC01"}},
		)
	}
	items := logAt(0, evs...)
	whole := newModelWith(t, cfg)
	whole.Apply(items)

	half := newModelWith(t, cfg)
	half.Apply(items[:len(items)/2])
	pos, state, err := half.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	restored := newModelWith(t, cfg)
	if err := restored.Restore(pos, state); err != nil {
		t.Fatal(err)
	}
	restored.Apply(items) // positions up to pos are skipped
	for _, m := range []*Model{restored} {
		if !reflect.DeepEqual(m.Summary(), whole.Summary()) || !reflect.DeepEqual(m.Held(), whole.Held()) {
			t.Fatalf("restored: %+v %+v\nwhole: %+v %+v", m.Summary(), m.Held(), whole.Summary(), whole.Held())
		}
		_, a, _ := m.Snapshot()
		_, b, _ := whole.Snapshot()
		if string(a) != string(b) {
			t.Fatal("restored and whole snapshots differ")
		}
	}
	if h := whole.Held(); h.Departed > cfg.MaxDeparted || h.Boxes > cfg.MaxDeparted+1 {
		t.Fatalf("held = %+v", h)
	}
}
