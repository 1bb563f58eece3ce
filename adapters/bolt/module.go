package bolt

import (
	"context"

	"go.uber.org/fx"

	"github.com/yardtwin/yardtwin/domain/es"
)

// Module provides the embedded store as es.Store (and *Store) from a Config supplied by the
// application, and closes it when the application stops.
var Module = fx.Module("bolt",
	fx.Provide(
		fx.Annotate(New, fx.OnStop(func(_ context.Context, s *Store) error { return s.Close() })),
		func(s *Store) es.Store { return s },
	),
)
