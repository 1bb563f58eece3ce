package kpi_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/domain/iso6346"
	"github.com/yardtwin/yardtwin/domain/quay"
	"github.com/yardtwin/yardtwin/domain/yard"
	"github.com/yardtwin/yardtwin/projections/kpi"
	"github.com/yardtwin/yardtwin/scenarios/tangermed"
)

// TestOldHoursAreForgotten: hours and departed visits older than the retention are dropped, and
// the yard's level carries on from them: the last day reads the same as in a model that keeps all.
func TestOldHoursAreForgotten(t *testing.T) {
	l, err := tangermed.Layout()
	if err != nil {
		t.Fatal(err)
	}
	var facts []fact
	boxes := []string{"MSCU1234566", "CSQU3054383", "MAEU1234561", "TGHU0000001", "MSCU0000013"}
	facts = append(facts,
		at(0, quay.VesselArrived{Visit: "V1", Vessel: "MSC AMBRA"}),
		at(time.Hour, quay.VesselBerthed{Visit: "V1", Berth: "B1"}),
		at(2*time.Hour, quay.VesselDeparted{Visit: "V1"}),
	)
	for day, c := range boxes { // a box stacked each day, for five days: the level only grows
		facts = append(facts, at(time.Duration(day)*24*time.Hour+3*time.Hour, yard.ContainerStacked{Container: iso6346.ContainerID(c), Block: "A01", Bay: 1 + day, Row: 1, Tier: 1}))
	}
	items := log(facts...)
	all := kpi.NewWith(l, kpi.Config{Retention: -1})
	kept := kpi.NewWith(l, kpi.Config{Retention: 48 * time.Hour})
	all.Apply(items)
	kept.Apply(items)

	lastDay := t0.Add(4 * 24 * time.Hour)
	a, k := all.Report(lastDay, time.Time{}), kept.Report(lastDay, time.Time{})
	if !reflect.DeepEqual(a.Utilisation, k.Utilisation) || len(k.Utilisation) == 0 || k.Utilisation[len(k.Utilisation)-1].TEU != len(boxes) {
		t.Fatalf("utilisation of the last day:\nkept %+v\n all %+v", k.Utilisation, a.Utilisation)
	}
	whole := kept.Report(time.Time{}, time.Time{})
	if !whole.From.After(t0.Add(24*time.Hour)) || len(whole.Visits) != 0 {
		t.Fatalf("the whole log still reaches %s with visits %+v", whole.From, whole.Visits)
	}
	if got := all.Report(time.Time{}, time.Time{}); !got.From.Equal(t0) || len(got.Visits) != 1 {
		t.Fatalf("keeping all: from %s, visits %+v", got.From, got.Visits)
	}
}
