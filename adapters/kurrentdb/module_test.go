package kurrentdb

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"go.uber.org/fx"

	"github.com/yardtwin/yardtwin/domain/es"
)

func TestModuleValidates(t *testing.T) {
	err := fx.ValidateApp(
		fx.Supply(Config{URL: "kurrentdb://127.0.0.1:2113?tls=false"}),
		Module,
		fx.Invoke(func(es.Store, *Store) {}),
	)
	if err != nil {
		t.Fatalf("validate: %v", err)
	}
}

// TestModuleFailsToStartWithoutServer starts an app whose store cannot reach its server: the app
// refuses to start with the store's error, instead of starting without a store.
func TestModuleFailsToStartWithoutServer(t *testing.T) {
	var store es.Store
	app := fx.New(
		fx.NopLogger,
		fx.Supply(Config{
			URL:     "kurrentdb://" + deadAddr(t) + "?tls=false",
			Options: Options{CallTimeout: time.Second, Logger: slog.New(slog.DiscardHandler)},
		}),
		Module,
		fx.Populate(&store),
	)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	err := app.Start(ctx)
	if err == nil {
		_ = app.Stop(ctx)
		t.Fatal("app started with no server")
	}
	if !strings.Contains(err.Error(), "kurrentdb: open") {
		t.Errorf("start = %v, want the store's open error", err)
	}
}
