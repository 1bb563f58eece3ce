package kurrentdb

import (
	"context"

	"go.uber.org/fx"

	"github.com/yardtwin/yardtwin/domain/es"
)

// Config is what the application supplies to Module: the connection string and the options.
type Config struct {
	// URL is the KurrentDB connection string, as given to --store (see Schemes).
	URL     string
	Options Options
}

// New opens the store that cfg describes, giving Open up to Options.CallTimeout per read. It is
// Open for fx.
func New(cfg Config) (*Store, error) {
	return Open(context.Background(), cfg.URL, cfg.Options)
}

// Module provides the KurrentDB store as es.Store (and *Store) from a Config supplied by the
// application, and closes it when the application stops.
var Module = fx.Module("kurrentdb",
	fx.Provide(
		fx.Annotate(New, fx.OnStop(func(_ context.Context, s *Store) error { return s.Close() })),
		func(s *Store) es.Store { return s },
	),
)
