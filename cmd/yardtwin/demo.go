package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"go.uber.org/fx"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/yardtwin/yardtwin/adapters/ingest"
	"github.com/yardtwin/yardtwin/adapters/kafka"
	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/yard"
	"github.com/yardtwin/yardtwin/projections"
	"github.com/yardtwin/yardtwin/projections/yardmap"
	"github.com/yardtwin/yardtwin/simulator"
)

// demoModule feeds the twin with the simulated terminal of the --demo scenario: through the same bus
// and ingest handler as HTTP clients, or (--demo-via kafka) as records on the integrators' Kafka
// topic, which the twin consumes like any other producer's.
func demoModule(f serveFlags) fx.Option {
	if f.Demo == "" {
		return fx.Options()
	}
	sink := fx.Provide(busSink)
	if f.DemoVia == "kafka" {
		sink = fx.Provide(kafkaSink)
	}
	return fx.Options(
		fx.Provide(loadDemoScenario),
		sink,
		fx.Invoke(runDemo),
	)
}

// busSink hands the demo's events to the in-process gateway.
func busSink(gw *ingest.Gateway) simulator.Sink {
	return simulator.SinkFunc(func(ctx context.Context, batch []es.Envelope) error {
		return submit(ctx, gw, batch)
	})
}

// kafkaSink publishes the demo's events to the Kafka topic, keyed by stream, and closes the
// publisher with the application.
func kafkaSink(lc fx.Lifecycle, f serveFlags, sec kafka.Security, logger watermill.LoggerAdapter) (simulator.Sink, error) {
	pub, err := kafka.NewPublisher(kafka.PublisherConfig{Brokers: kafka.SplitBrokers(f.KafkaBrokers), Transport: sec.Transport()}, logger)
	if err != nil {
		return nil, fmt.Errorf("--demo-via kafka: %w", err)
	}
	lc.Append(fx.StopHook(pub.Close))
	return simulator.SinkFunc(func(_ context.Context, batch []es.Envelope) error {
		msgs := make([]*message.Message, len(batch))
		for i, env := range batch {
			raw, err := json.Marshal(env)
			if err != nil {
				return fmt.Errorf("demo: encode %s: %w", env.ID, err)
			}
			msgs[i] = message.NewMessage(watermill.NewUUID(), raw)
			msgs[i].Metadata.Set(kafka.KeyMetadata, env.Subject)
		}
		if err := pub.Publish(f.KafkaTopic, msgs...); err != nil {
			return fmt.Errorf("demo: publish to %s: %w", f.KafkaTopic, err)
		}
		return nil
	}), nil
}

// demoScenario is the scenario and the file system its relative paths resolve in.
type demoScenario struct {
	*simulator.Scenario
	fsys fs.FS
}

func loadDemoScenario(f serveFlags) (demoScenario, error) {
	fsys := os.DirFS(filepath.Dir(f.Demo))
	sc, err := simulator.LoadScenario(fsys, filepath.Base(f.Demo))
	if err != nil {
		return demoScenario{}, fmt.Errorf("--demo: %w", err)
	}
	if f.Seed != 0 {
		sc.Seed = uint64(f.Seed)
	}
	if f.Speed != 0 {
		sc.Speed = f.Speed
	}
	if sc.Speed <= 0 {
		return demoScenario{}, fmt.Errorf("--speed: %g is not a positive multiple of real time", sc.Speed)
	}
	return demoScenario{Scenario: sc, fsys: fsys}, nil
}

// loadServeTerminal picks the layout of "serve": --layout, else the demo scenario's, else the
// embedded default.
func loadServeTerminal(f serveFlags) (terminal, error) {
	if f.Layout != "" || f.Demo == "" {
		return loadTerminal(f.Layout)
	}
	sc, err := loadDemoScenario(f)
	if err != nil {
		return terminal{}, err
	}
	return loadTerminal(filepath.Join(filepath.Dir(f.Demo), filepath.FromSlash(sc.LayoutPath)))
}

// runDemo starts the feed once the projection has folded what is already stored, so that the
// simulated terminal continues from the twin's yard instead of stacking into taken slots.
func runDemo(lc fx.Lifecycle, sd fx.Shutdowner, sc demoScenario, t terminal, sink simulator.Sink, store es.Store, runner *projections.Runner, model *yardmap.Model, clock es.Clock, log *slog.Logger) {
	background(lc, "demo feed", func(ctx context.Context) error {
		return feedDemo(ctx, sc, t.Layout, sink, store, runner, model, clock, log)
	}, func(err error) {
		log.Error("demo feed stopped", "err", err)
		_ = sd.Shutdown(fx.ExitCode(1))
	})
}

func feedDemo(ctx context.Context, sc demoScenario, layout *yard.Layout, sink simulator.Sink, store es.Store, runner *projections.Runner, model *yardmap.Model, clock es.Clock, log *slog.Logger) error {
	head, err := store.Head(ctx)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	for runner.Position() < head {
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(50 * time.Millisecond):
		}
	}
	initial := initialYard(model)
	feed, err := simulator.NewFeed(sc.Scenario, layout, simulator.Options{Start: clock().UTC(), Initial: initial, Logger: log})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	log.Info("demo feed started", "scenario", sc.Name, "speed", sc.Speed, "boxes in yard", len(initial))
	err = feed.RunLive(ctx, sink, sc.Speed)
	if ctx.Err() != nil {
		return nil // stopped with the application
	}
	return err
}

// initialYard hands the twin's yard to the simulator: every box standing in a slot, with the entry
// time the twin knows (its dwell runs on from there). An empty yard is nil, so that the simulator
// fills it as its scenario says.
func initialYard(m *yardmap.Model) []simulator.InitialBox {
	boxes := m.InYard()
	if len(boxes) == 0 {
		return nil
	}
	out := make([]simulator.InitialBox, 0, len(boxes))
	for _, b := range boxes {
		out = append(out, simulator.InitialBox{
			Container: b.Container, SizeType: b.SizeType, Category: b.Category, Reefer: b.Reefer,
			WeightKg: b.WeightKg, Slot: *b.Slot, Holds: b.Holds, Entered: b.Entered,
		})
	}
	return out
}

// submit sends simulated events through the gateway like any other client; a refused event is a bug
// in the simulator, so it stops the feed.
func submit(ctx context.Context, gw *ingest.Gateway, batch []es.Envelope) error {
	raws := make([]json.RawMessage, len(batch))
	for i, env := range batch {
		raw, err := json.Marshal(env)
		if err != nil {
			return fmt.Errorf("demo: encode %s: %w", env.ID, err)
		}
		raws[i] = raw
	}
	rc, err := gw.Submit(ctx, "", raws)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if rc.Err != nil {
		return fmt.Errorf("demo: %w", rc.Err)
	}
	if rc.Rejected {
		for _, r := range rc.Results {
			if r.Status == ingest.StatusInvalid {
				return fmt.Errorf("demo: the twin refused simulated event %s (%s): %+v", r.ID, r.Type, r.Errors)
			}
		}
	}
	return nil
}
