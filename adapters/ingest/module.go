package ingest

import (
	"context"
	"errors"
	"fmt"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"go.uber.org/fx"
)

// Module provides the ingest pipeline: the handler, its counters, the router (started with the
// application, stopped with it) and the Gateway in-process senders submit through. It needs a Config,
// an es.Store, a *contract.Checker, the bus's message.Publisher and message.Subscriber and a
// watermill.LoggerAdapter.
var Module = fx.Module("ingest",
	fx.Provide(
		NewReplies,
		func() *Counters { return &Counters{} },
		NewHandler,
		newPipeline,
	),
)

// newPipeline starts the router with the application and returns the gateway once the router runs,
// so that nothing is published before a handler listens.
func newPipeline(lc fx.Lifecycle, sd fx.Shutdowner, cfg Config, h *Handler, pub message.Publisher, sub message.Subscriber, replies *Replies, logger watermill.LoggerAdapter) (*Gateway, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	router, err := NewRouter(cfg, h, sub, logger)
	if err != nil {
		return nil, err
	}
	done := make(chan struct{})
	lc.Append(fx.Hook{
		OnStart: func(ctx context.Context) error {
			go func() {
				defer close(done)
				if err := router.Run(context.Background()); err != nil {
					logger.Error("ingest router stopped", err, nil)
					_ = sd.Shutdown(fx.ExitCode(1))
				}
			}()
			select {
			case <-router.Running():
				return nil
			case <-done:
				return errors.New("ingest router did not start")
			case <-ctx.Done():
				return fmt.Errorf("start ingest router: %w", ctx.Err())
			}
		},
		OnStop: func(ctx context.Context) error {
			if err := router.Close(); err != nil {
				return fmt.Errorf("stop ingest router: %w", err)
			}
			select {
			case <-done:
				return nil
			case <-ctx.Done():
				return fmt.Errorf("stop ingest router: %w", ctx.Err())
			}
		},
	})
	return NewGateway(pub, replies, cfg.Lanes), nil
}
