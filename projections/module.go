package projections

import (
	"context"
	"fmt"
	"log/slog"

	"go.uber.org/fx"

	"github.com/yardtwin/yardtwin/domain/es"
)

// Module provides the Runner, fed with every Projection in the "projections" value group, started
// with the application and checkpointed when it stops. It needs an es.Store, an *es.Registry,
// Checkpoints, a RunnerConfig and a *slog.Logger.
var Module = fx.Module("projections",
	fx.Provide(fx.Annotate(newRunner, fx.ParamTags(``, ``, ``, ``, ``, ``, ``, `group:"projections"`))),
)

// AsProjection annotates a constructor so that its result joins the runner's projections.
func AsProjection(f any) any {
	return fx.Annotate(f, fx.As(new(Projection)), fx.ResultTags(`group:"projections"`))
}

func newRunner(lc fx.Lifecycle, sd fx.Shutdowner, store es.Store, reg *es.Registry, cps Checkpoints, cfg RunnerConfig, log *slog.Logger, ps []Projection) *Runner {
	r := NewRunner(store, reg, cps, cfg, log, ps...)
	Follow(lc, sd, r, log)
	return r
}

// Follow restores r's projections when the application starts and has r follow the store until it
// stops; a runner that fails shuts the application down.
func Follow(lc fx.Lifecycle, sd fx.Shutdowner, r *Runner, log *slog.Logger) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	lc.Append(fx.Hook{
		OnStart: func(context.Context) error {
			if err := r.Restore(); err != nil {
				cancel()
				return fmt.Errorf("restore projections: %w", err)
			}
			go func() {
				defer close(done)
				if err := r.Run(ctx); err != nil {
					log.Error("projections stopped", "err", err)
					_ = sd.Shutdown(fx.ExitCode(1))
				}
			}()
			return nil
		},
		OnStop: func(stop context.Context) error {
			cancel()
			select {
			case <-done:
				return nil
			case <-stop.Done():
				return fmt.Errorf("stop projections: %w", stop.Err())
			}
		},
	})
}
