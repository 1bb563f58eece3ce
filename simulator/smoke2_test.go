package simulator_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/scenarios"
	"github.com/yardtwin/yardtwin/simulator"
)

func TestSmoke2(t *testing.T) {
	sc, _ := simulator.LoadScenario(scenarios.FS, "tangermed/demo.yaml")
	l, _ := sc.ReadLayout(scenarios.FS)
	f, _ := simulator.NewFeed(sc, l, simulator.Options{})
	envs, _ := f.Collect(context.Background(), f.End())
	type call struct{ arr, berth, first, lastD, last, dep time.Time; d, lo int; cranes map[string]bool }
	calls := map[string]*call{}
	craneMoves := map[string]int{}
	for _, e := range envs {
		var d struct{ Visit, Crane string }
		json.Unmarshal(e.Data, &d)
		switch e.Type {
		case "quay.VesselArrived":
			calls[d.Visit] = &call{arr: e.Time, cranes: map[string]bool{}}
		case "quay.VesselBerthed":
			calls[d.Visit].berth = e.Time
		case "quay.ContainerDischarged":
			c := calls[d.Visit]; if c.first.IsZero() { c.first = e.Time }; c.lastD = e.Time; c.d++; c.cranes[d.Crane] = true
		case "quay.ContainerLoaded":
			c := calls[d.Visit]; c.last = e.Time; c.lo++
		case "quay.VesselDeparted":
			calls[d.Visit].dep = e.Time
		case "yard.ContainerStacked", "yard.ContainerLifted":
			if e.Time.After(f.Start()) { craneMoves[d.Crane]++ }
		}
	}
	var ks []string
	for k := range calls { ks = append(ks, k) }
	sort.Slice(ks, func(i, j int) bool { return calls[ks[i]].arr.Before(calls[ks[j]].arr) })
	for _, k := range ks {
		c := calls[k]
		fmt.Printf("%-40s arr %s wait %6.1fh disch %3d in %5.1fh load %3d in %5.1fh cranes %d\n", k, c.arr.Format("01-02 15:04"), c.berth.Sub(c.arr).Hours(), c.d, c.lastD.Sub(c.first).Hours(), c.lo, c.last.Sub(c.lastD).Hours(), len(c.cranes))
	}
	fmt.Println(craneMoves)
}
