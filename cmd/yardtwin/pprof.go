package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"go.uber.org/fx"
)

// pprofModule serves Go's profiles (net/http/pprof: CPU, heap, goroutines…) on --pprof, a listener
// of its own so that the API's tokens and routes never expose them: an operator who wants to see
// where the time or the memory goes (go tool pprof http://127.0.0.1:6060/debug/pprof/heap) turns it
// on, on a loopback address.
func pprofModule(addr string) fx.Option {
	if addr == "" {
		return fx.Options()
	}
	return fx.Invoke(func(lc fx.Lifecycle, log *slog.Logger) {
		mux := http.NewServeMux()
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
		srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		lc.Append(fx.Hook{
			OnStart: func(context.Context) error {
				ln, err := net.Listen("tcp", addr)
				if err != nil {
					return fmt.Errorf("--pprof %s: %w", addr, err)
				}
				log.Info("profiles served", "url", "http://"+ln.Addr().String()+"/debug/pprof/")
				go func() {
					if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
						log.Warn("profiles: server stopped", "err", err)
					}
				}()
				return nil
			},
			OnStop: func(ctx context.Context) error { return srv.Shutdown(ctx) },
		})
	})
}
