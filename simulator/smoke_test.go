package simulator_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/yardtwin/yardtwin/scenarios"
	"github.com/yardtwin/yardtwin/simulator"
)

func TestSmoke(t *testing.T) {
	sc, err := simulator.LoadScenario(scenarios.FS, "tangermed/demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	l, err := sc.ReadLayout(scenarios.FS)
	if err != nil {
		t.Fatal(err)
	}
	f, err := simulator.NewFeed(sc, l, simulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	envs, err := f.Collect(context.Background(), f.End())
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, e := range envs {
		counts[e.Type]++
	}
	fmt.Printf("%d events %+v\n%+v\n", len(envs), counts, f.Stats())
	for _, e := range envs[len(envs)-5:] {
		fmt.Println(e.ID, e.Time, e.Type, string(e.Data))
	}
}
