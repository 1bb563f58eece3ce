package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/gochannel"
	"github.com/spf13/cobra"
	"go.uber.org/fx"
	"go.uber.org/fx/fxevent"

	"github.com/yardtwin/yardtwin/adapters/bolt"
	"github.com/yardtwin/yardtwin/adapters/httpapi"
	"github.com/yardtwin/yardtwin/adapters/httpapi/web"
	"github.com/yardtwin/yardtwin/adapters/ingest"
	"github.com/yardtwin/yardtwin/domain/contract"
	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/projections"
	"github.com/yardtwin/yardtwin/projections/checkpoint"
	"github.com/yardtwin/yardtwin/projections/deadletters"
	"github.com/yardtwin/yardtwin/projections/kpi"
	"github.com/yardtwin/yardtwin/projections/yardmap"
)

// serveFlags are the settings of "yardtwin serve".
type serveFlags struct {
	HTTP     string
	Data     string
	Layout   string
	Demo     string
	Speed    float64
	Seed     int
	Lanes    int
	LogLevel string
	// CheckpointEvery is how often projection snapshots are saved while events flow.
	CheckpointEvery time.Duration
	// Kafka: comma-separated bootstrap brokers (empty: no Kafka), the topic and the consumer group.
	KafkaBrokers string
	KafkaTopic   string
	KafkaGroup   string
	// KafkaConsumers is how many group members one serve runs side by side.
	KafkaConsumers int
	// ReadyLag is how many events the projections may trail the store by while /readyz answers ready.
	ReadyLag int
	envErrs  []error
}

func newServe() *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the twin: ingest events over HTTP, keep the yard picture, serve the API and the map",
		Long: `Run the twin on its embedded defaults: events posted to /api/v1/events (or produced by the demo
feed) go through the in-process bus into the durable store under --data, the yard projection follows
the store, and the API and the live map are served on --http.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := errors.Join(f.envErrs...); err != nil {
				return err
			}
			app := fx.New(serveOptions(f), fx.WithLogger(fxLogger(f.LogLevel)))
			app.Run() // returns on SIGINT/SIGTERM or a component's shutdown request
			return app.Err()
		},
	}
	fs := cmd.Flags()
	envString(fs, &f.HTTP, "http", "YARDTWIN_HTTP", ":8080", "address the API and the map listen on")
	envString(fs, &f.Data, "data", "YARDTWIN_DATA", bolt.DefaultDir, "directory of the durable event store and projection checkpoints")
	envString(fs, &f.Layout, "layout", "YARDTWIN_LAYOUT", "", "terminal layout GeoJSON file (default: the demo scenario's layout, else the embedded Tanger Med-like terminal)")
	envString(fs, &f.Demo, "demo", "YARDTWIN_DEMO", "", "scenario file feeding the twin with simulated terminal events (e.g. scenarios/tangermed/demo.yaml)")
	envFloat(fs, &f.Speed, "speed", "YARDTWIN_SPEED", 0, "demo clock speed, × real time (default: the scenario's)", &f.envErrs)
	envInt(fs, &f.Seed, "seed", "YARDTWIN_SEED", 0, "demo random seed (default: the scenario's)", &f.envErrs)
	envInt(fs, &f.Lanes, "ingest-lanes", "YARDTWIN_INGEST_LANES", 4, "in-process bus topics handled in parallel", &f.envErrs)
	envString(fs, &f.KafkaBrokers, "kafka-brokers", "YARDTWIN_KAFKA_BROKERS", "", "Kafka bootstrap brokers, host:port[,host:port]; consume events from Kafka too")
	envString(fs, &f.KafkaTopic, "kafka-topic", "YARDTWIN_KAFKA_TOPIC", "yard.events", "Kafka topic integrators publish events to; refused records go to <topic>.dlq")
	envString(fs, &f.KafkaGroup, "kafka-group", "YARDTWIN_KAFKA_GROUP", "yardtwin", "Kafka consumer group; serve processes in one group split the partitions")
	envInt(fs, &f.KafkaConsumers, "kafka-consumers", "YARDTWIN_KAFKA_CONSUMERS", 1, "consumer-group members per process, each with its own partitions (more overlap checking and storing)", &f.envErrs)
	envDuration(fs, &f.CheckpointEvery, "checkpoint-every", "YARDTWIN_CHECKPOINT_EVERY", 30*time.Second, "how often projection snapshots are saved", &f.envErrs)
	envInt(fs, &f.ReadyLag, "ready-lag", "YARDTWIN_READY_LAG", 10_000, "events the projections may trail the store by while /readyz answers ready", &f.envErrs)
	envString(fs, &f.LogLevel, "log-level", "YARDTWIN_LOG_LEVEL", "info", "debug, info, warn or error")
	return cmd
}

// serveOptions is the whole application of "serve" on embedded defaults.
func serveOptions(f serveFlags) fx.Option {
	return fx.Options(
		fx.Supply(
			f,
			bolt.Config{Dir: f.Data},
			ingest.Config{Lanes: f.Lanes},
			projections.RunnerConfig{CheckpointEvery: f.CheckpointEvery},
			httpapi.Config{},
			httpapiListen(f.HTTP, os.Stdout),
		),
		fx.Provide(
			newLogger,
			newWatermillLogger,
			newBus,
			contract.NewRegistry,
			loadServeTerminal,
			newChecker,
			newCheckpoints,
			newYard,
			projections.AsProjection(func(m *yardmap.Model) *yardmap.Model { return m }),
			newKPIs,
			newPastYard,
			projections.AsProjection((*pastYard).projection),
			projections.AsProjection(func(m *kpi.Model) *kpi.Model { return m }),
			deadletters.New,
			projections.AsProjection(func(m *deadletters.Model) *deadletters.Model { return m }),
			newHTTPDeps,
		),
		fx.Invoke(speakDCSA),
		bolt.Module,
		ingest.Module,
		projections.Module,
		httpapi.Module,
		demoModule(f),
		kafkaModule(f),
	)
}

func newLogger(f serveFlags) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(f.LogLevel)); err != nil {
		return nil, fmt.Errorf("--log-level: %q is not debug, info, warn or error", f.LogLevel)
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})), nil
}

// newWatermillLogger logs watermill's routine messages (handlers added, started) at debug level.
func newWatermillLogger(log *slog.Logger) watermill.LoggerAdapter {
	return watermill.NewSlogLoggerWithLevelMapping(log, map[slog.Level]slog.Level{slog.LevelInfo: slog.LevelDebug})
}

// fxLogger keeps fx's own start-up chatter out of the log unless debugging.
func fxLogger(level string) func(*slog.Logger) fxevent.Logger {
	return func(log *slog.Logger) fxevent.Logger {
		if strings.EqualFold(level, "debug") {
			return &fxevent.SlogLogger{Logger: log}
		}
		return fxevent.NopLogger
	}
}

// newBus is the in-process bus of embedded mode.
func newBus(logger watermill.LoggerAdapter) (message.Publisher, message.Subscriber, *gochannel.GoChannel) {
	bus := gochannel.NewGoChannel(gochannel.Config{OutputChannelBuffer: 64}, logger)
	return bus, bus, bus
}

func newChecker(reg *es.Registry, t terminal) *contract.Checker {
	return contract.NewChecker(reg, t.Layout)
}

func newCheckpoints(f serveFlags) (projections.Checkpoints, error) {
	return checkpoint.Open(filepath.Join(f.Data, "projections"))
}

func newYard(t terminal) *yardmap.Model { return yardmap.New(t.Layout) }

func newKPIs(t terminal) *kpi.Model { return kpi.New(t.Layout) }

// progress tells how far the store and the projections are.
type progress struct {
	store  es.Store
	runner *projections.Runner
}

func (p progress) Head(ctx context.Context) (uint64, error) { return p.store.Head(ctx) }
func (p progress) Projected() uint64                        { return p.runner.Position() }

func newHTTPDeps(f serveFlags, gw *ingest.Gateway, m *yardmap.Model, past *pastYard, k *kpi.Model, dl *deadletters.Model, checker *contract.Checker, store es.Store, reg *es.Registry, runner *projections.Runner, counters *ingest.Counters, t terminal, log *slog.Logger) httpapi.Deps {
	return httpapi.Deps{
		Submit:        gw,
		Yard:          m,
		DeadLetters:   dl,
		KPIs:          k,
		PastYard:      past.At,
		Types:         checker.Types(),
		Events:        store,
		Registry:      reg,
		Progress:      progress{store: store, runner: runner},
		Stats:         counters.Snapshot,
		LayoutGeoJSON: t.GeoJSON,
		Web:           web.Handler(),
		ReadyLag:      uint64(max(f.ReadyLag, 0)),
		Log:           log,
	}
}

// httpapiListen is the listen config of serve, announcing the address to announce.
func httpapiListen(addr string, announce io.Writer) httpapi.ListenConfig {
	return httpapi.ListenConfig{Addr: addr, Announce: announce}
}
