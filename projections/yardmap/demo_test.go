package yardmap

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/domain/contract"
	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/yard"
	"github.com/yardtwin/yardtwin/projections"
	"github.com/yardtwin/yardtwin/scenarios"
	"github.com/yardtwin/yardtwin/simulator"
)

// errEnough stops a demo feed once a sink has what it wants.
var errEnough = errors.New("enough events")

// demoFeed returns the shipped demo scenario's feed (scenarios/tangermed/demo.yaml, its seed and
// its start) and the layout it runs on. The same call always gives the same events.
func demoFeed(tb testing.TB) (*simulator.Feed, *yard.Layout) {
	tb.Helper()
	sc, err := simulator.LoadScenario(scenarios.FS, "tangermed/demo.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	l, err := sc.ReadLayout(scenarios.FS)
	if err != nil {
		tb.Fatal(err)
	}
	f, err := simulator.NewFeed(sc, l, simulator.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return f, l
}

// runDemo runs feed until simulated time until (or until each returns errEnough), handing each
// batch to each decoded and numbered from position next+1 on, as the runner would. It returns the
// position of the last event handed over.
func runDemo(tb testing.TB, f *simulator.Feed, until time.Time, next uint64, each func([]projections.Item) error) uint64 {
	tb.Helper()
	reg := contract.NewRegistry()
	err := f.Run(context.Background(), simulator.SinkFunc(func(_ context.Context, batch []es.Envelope) error {
		for i := range batch {
			next++
			batch[i].Position = next
			batch[i].Recorded = batch[i].Time
		}
		return each(projections.Decode(reg, batch))
	}), until)
	if err != nil && !errors.Is(err, errEnough) {
		tb.Fatal(err)
	}
	return next
}
