package main

import (
	"context"
	"log/slog"
	"time"

	"go.uber.org/fx"

	"github.com/yardtwin/yardtwin/adapters/httpapi"
	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/projections"
	"github.com/yardtwin/yardtwin/projections/timetravel"
	"github.com/yardtwin/yardtwin/projections/yardmap"
)

// pastYard is the yard at any past moment (?at=, ?as_of=): time-travel views of the log, followed by
// a runner of their own, so that building their snapshots never holds back the live projections.
type pastYard struct{ views *timetravel.Views }

// newPastYard builds the views; they join the live runner (asPastYardProjection), which hands them
// the events it has decoded anyway: they queue them and fold in the background, so they never hold
// back the live projections.
func newPastYard(lc fx.Lifecycle, store es.Store, reg *es.Registry, t terminal, log *slog.Logger) *pastYard {
	v := timetravel.New(store, reg, func() projections.Snapshotter { return yardmap.New(t.Layout) }, timetravel.Config{Log: log})

	// After a restart only the newest snapshot comes back from the checkpoint; Warm rebuilds the
	// older ones in the background so that far-past queries get fast again.
	background(lc, "time travel warm-up", v.Warm, func(err error) {
		log.Warn("time travel: warm-up stopped", "err", err)
	})
	return &pastYard{views: v}
}

// projection is the views as the live runner sees them.
func (p *pastYard) projection() *timetravel.Views { return p.views }

// At is the yard at event time at as known at recorded time asOf (either may be zero).
func (p *pastYard) At(ctx context.Context, at, asOf time.Time) (httpapi.YardView, uint64, error) {
	m, pos, err := p.views.At(ctx, at, asOf)
	if err != nil {
		return nil, 0, err
	}
	return m.(*yardmap.Model), pos, nil
}
