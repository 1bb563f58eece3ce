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

// AsSource annotates a constructor of a Source so that the pipeline consumes it.
func AsSource(f any) any { return fx.Annotate(f, fx.ResultTags(`group:"ingest_sources"`)) }

// pipelineIn is what the pipeline is built from.
type pipelineIn struct {
	fx.In
	Lifecycle  fx.Lifecycle
	Shutdowner fx.Shutdowner
	Config     Config
	Handler    *Handler
	Publisher  message.Publisher
	Subscriber message.Subscriber
	Replies    *Replies
	Logger     watermill.LoggerAdapter
	Sources    []Source `group:"ingest_sources"`
}

// newPipeline starts the router with the application and returns the gateway once the router runs,
// so that nothing is published before a handler listens.
func newPipeline(in pipelineIn) (*Gateway, error) {
	if err := in.Config.Validate(); err != nil {
		return nil, err
	}
	cfg := in.Config.withDefaults()
	router, err := NewRouter(cfg, in.Handler, in.Subscriber, in.Logger, in.Sources...)
	if err != nil {
		return nil, err
	}
	done := make(chan struct{})
	in.Lifecycle.Append(fx.Hook{
		OnStart: func(ctx context.Context) error {
			go func() {
				defer close(done)
				if err := router.Run(context.Background()); err != nil {
					in.Logger.Error("ingest router stopped", err, nil)
					_ = in.Shutdowner.Shutdown(fx.ExitCode(1))
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
	return NewGateway(in.Publisher, in.Replies, cfg.Lanes), nil
}
