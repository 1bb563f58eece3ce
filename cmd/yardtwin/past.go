package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"time"

	"go.uber.org/fx"

	"github.com/yardtwin/yardtwin/adapters/httpapi"
	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/projections"
	"github.com/yardtwin/yardtwin/projections/timetravel"
	"github.com/yardtwin/yardtwin/projections/yardmap"
)

// timeTravelFile is the sidecar file of the time-travel snapshots, in the checkpoint directory.
const timeTravelFile = "timetravel.db"

// pastYard is the yard at any past moment (?at=, ?as_of=): time-travel views of the log, which
// write the live yard model's state to disk every so many events (no second fold) and answer from
// the nearest snapshot plus a short fold of the events after it.
type pastYard struct{ views *timetravel.Views }

// newPastYard opens the views' file under --data; they join the live runner (as a trailer, it
// hands them the live yard at each of their stops) and are closed after the runner stops.
func newPastYard(lc fx.Lifecycle, store es.Store, reg *es.Registry, t terminal, live *yardmap.Model, f serveFlags, log *slog.Logger) (*pastYard, error) {
	path := filepath.Join(f.Data, "projections", timeTravelFile)
	v, err := timetravel.Open(path, store, reg, live, func() projections.Snapshotter { return yardmap.New(t.Layout) }, timetravel.Config{Log: log})
	if err != nil {
		return nil, err
	}
	// Appended before the runner's hook (the runner is built from this projection), so it runs
	// after the runner has stopped.
	lc.Append(fx.StopHook(v.Close))
	return &pastYard{views: v}, nil
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
