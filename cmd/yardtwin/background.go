package main

import (
	"context"
	"fmt"

	"go.uber.org/fx"
)

// background runs loop in a goroutine from the application's start until its stop, which cancels
// loop's context and waits for it. A loop that returns an error while the application runs calls
// failed (nil: ignore) with it.
func background(lc fx.Lifecycle, name string, loop func(context.Context) error, failed func(error)) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	lc.Append(fx.Hook{
		OnStart: func(context.Context) error {
			go func() {
				defer close(done)
				if err := loop(ctx); err != nil && ctx.Err() == nil && failed != nil {
					failed(err)
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
				return fmt.Errorf("stop %s: %w", name, stop.Err())
			}
		},
	})
}
