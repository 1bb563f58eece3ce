package bolt

import (
	"context"
	"testing"
	"time"

	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/es/estest"
)

// TestModule starts an app with the module, appends through the es.Store it provides, stops the
// app and checks that the store was closed: the file opens again at once.
func TestModule(t *testing.T) {
	dir := t.TempDir()
	var store es.Store
	app := fxtest.New(t,
		fx.Supply(Config{Dir: dir}),
		fx.Provide(func() es.Clock { return time.Now }),
		Module,
		fx.Populate(&store),
	)
	app.RequireStart()
	if _, err := store.Append(context.Background(), estest.To("block-B07", es.NoStream, "e1")); err != nil {
		t.Fatalf("append: %v", err)
	}
	app.RequireStop()

	s, err := Open(dir, WithLockTimeout(100*time.Millisecond))
	if err != nil {
		t.Fatalf("open after the app stopped: %v", err)
	}
	defer s.Close()
	if h, _ := s.Head(context.Background()); h != 1 {
		t.Errorf("head = %d, want 1", h)
	}
}

func TestModuleValidates(t *testing.T) {
	err := fx.ValidateApp(fx.Supply(Config{Dir: t.TempDir()}), fx.Provide(func() es.Clock { return time.Now }), Module, fx.Invoke(func(es.Store) {}))
	if err != nil {
		t.Fatal(err)
	}
}
