package httpapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"go.uber.org/fx"
)

// ListenConfig says where the server listens.
type ListenConfig struct {
	// Addr is host:port; ":8080" listens on every interface, "127.0.0.1:0" on a free loopback port.
	Addr string
	// Announce, when set, receives one line with the address to open once the server listens.
	Announce io.Writer
}

// Module provides the *Server from a Config and Deps, and serves it on ListenConfig.Addr while the
// application runs.
var Module = fx.Module("httpapi",
	fx.Provide(New),
	fx.Invoke(listen),
)

func listen(lc fx.Lifecycle, sd fx.Shutdowner, cfg ListenConfig, s *Server, log *slog.Logger) {
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	lc.Append(fx.Hook{
		OnStart: func(context.Context) error {
			ln, err := net.Listen("tcp", cfg.Addr)
			if err != nil {
				return fmt.Errorf("http: listen on %s: %w", cfg.Addr, err)
			}
			url := BrowseURL(ln.Addr())
			log.Info("serving", "url", url)
			if cfg.Announce != nil {
				fmt.Fprintf(cfg.Announce, "yardtwin is serving the live yard at %s\n", url)
			}
			go func() {
				if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
					log.Error("http server stopped", "err", err)
					_ = sd.Shutdown(fx.ExitCode(1))
				}
			}()
			return nil
		},
		OnStop: func(ctx context.Context) error {
			if err := srv.Shutdown(ctx); err != nil {
				return fmt.Errorf("http: shutdown: %w", err)
			}
			return nil
		},
	})
}

// BrowseURL is the address a person opens for a listener: an unspecified host becomes localhost.
func BrowseURL(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok || tcp.IP.IsUnspecified() {
		if ok {
			return fmt.Sprintf("http://localhost:%d/", tcp.Port)
		}
		return "http://" + addr.String() + "/"
	}
	return "http://" + tcp.String() + "/"
}
