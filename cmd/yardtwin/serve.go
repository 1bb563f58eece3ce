package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/gochannel"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
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

// serveFlags are the settings of "yardtwin serve"; the README's Settings table lists them all.
type serveFlags struct {
	// Config is the optional YAML file of settings (keys are the flags' names).
	Config string
	// Role is what this process does: ingest, query or all.
	Role string
	// Store is the event store: empty or bolt://DIR for the embedded file, kurrentdb://… for KurrentDB.
	Store  string
	HTTP   string
	Data   string
	Layout string
	Demo   string
	// DemoVia is how the demo's events reach the twin: "bus" (in process) or "kafka" (published to
	// KafkaTopic and consumed back, like any producer's).
	DemoVia  string
	Speed    float64
	Seed     int
	Lanes    int
	LogLevel string
	// LogFormat is text or json.
	LogFormat string
	// CheckpointEvery is how often projection snapshots are saved while events flow.
	CheckpointEvery time.Duration
	// CheckpointEvents is how many events folded also trigger a snapshot (negative: by time only),
	// so that the tail a restart folds is bounded whatever the ingest rate.
	CheckpointEvents int
	// Kafka: comma-separated bootstrap brokers (empty: no Kafka), the topic and the consumer group.
	KafkaBrokers string
	KafkaTopic   string
	KafkaGroup   string
	// KafkaConsumers is how many group members one serve runs side by side.
	KafkaConsumers int
	// Kafka TLS: on with system roots, or with a CA file, a client certificate and its key.
	KafkaTLS           bool
	KafkaTLSCA         string
	KafkaTLSCert       string
	KafkaTLSKey        string
	KafkaTLSServerName string
	KafkaTLSInsecure   bool
	// Kafka SASL: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 with a user and a password (a secret).
	KafkaSASLMechanism string
	KafkaSASLUser      string
	KafkaSASLPassword  string
	// Clock is the twin's wall clock (es.ParseClockSetting): empty for the system clock, an instant
	// to start from, or a shift. Tests on fixed dates set it; so do replays of a past day's traffic.
	Clock string
	// TimeAhead is how far ahead of the twin's clock an event may be dated; 0 accepts any time up
	// to contract.Latest. A demo runs its simulated clock ahead of real time, so with Demo it is off.
	TimeAhead time.Duration
	// Retention thins telemetry in the store (es.ParseRetention); empty keeps every event.
	Retention string
	// ScavengeEvery is how often the embedded store applies Retention.
	ScavengeEvery time.Duration
	// ReadyLag is how many events the projections may trail the store by while /readyz answers ready.
	ReadyLag int
	// MaxBody is the largest request body accepted, in bytes.
	MaxBody int64
	// PublisherTokens may post events; ViewerTokens may read (secrets).
	PublisherTokens []string
	ViewerTokens    []string

	// Pprof is the address Go's profiles are served on; empty: not served.
	Pprof string

	// LogOutput receives the log; nil means standard error (tests set it).
	LogOutput io.Writer
	// resolved lists every setting with its source, secrets redacted, for the start-up log.
	resolved []any
}

func newServe() *cobra.Command {
	var f serveFlags
	var set *settings
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the twin: ingest events over HTTP or Kafka, keep the yard picture, serve the API and the map",
		Long: `Run the twin. On its embedded defaults, events posted to /api/v1/events (or produced by the demo
feed, or consumed from Kafka) go through the in-process bus into the durable store under --data, the
projections follow the store, and the API and the live map are served on --http.

Beyond one machine, --store kurrentdb://… shares one store between processes, each with a --role:
ingest processes (one Kafka consumer group) store events, query processes follow the store and answer
reads. Settings come from flags, then environment variables, then the --config YAML file.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := prepareServe(set, &f); err != nil {
				return err
			}
			app := fx.New(serveOptions(f), fx.WithLogger(fxLogger(f.LogLevel)))
			return runUntilStopped(app, f) // returns on SIGINT/SIGTERM or a component's shutdown request
		},
	}
	set = serveSettings(cmd.Flags(), &f)
	return cmd
}

// prepareServe resolves the settings (flags over variables over the file) and validates them.
func prepareServe(set *settings, f *serveFlags) error {
	if err := set.Resolve(f.Config); err != nil {
		return err
	}
	if err := f.validate(); err != nil {
		return err
	}
	f.resolved = set.Dump()
	return nil
}

// serveSettings declares every setting of serve: flag, variable, default and meaning.
func serveSettings(fs *pflag.FlagSet, f *serveFlags) *settings {
	s := newSettings(fs)
	s.ConfigFile(&f.Config, "config", "YARDTWIN_CONFIG", "YAML file of settings, keys named as the flags; flags and variables win over it")
	s.String(&f.Role, "role", "YARDTWIN_ROLE", "all", "ingest (store events), query (follow the store, answer reads) or all; ingest and query need a shared --store")
	s.String(&f.Store, "store", "YARDTWIN_STORE", "", "event store: bolt://DIR (the embedded file, default: in --data) or kurrentdb://host:2113?tls=false")
	s.String(&f.HTTP, "http", "YARDTWIN_HTTP", ":8080", "address the API and the map listen on")
	s.String(&f.Data, "data", "YARDTWIN_DATA", bolt.DefaultDir, "directory of the embedded store and of the projection checkpoints")
	s.String(&f.Layout, "layout", "YARDTWIN_LAYOUT", "", "terminal layout GeoJSON file (default: the demo scenario's layout, else the embedded Tanger Med-like terminal)")
	s.String(&f.Demo, "demo", "YARDTWIN_DEMO", "", "scenario file feeding the twin with simulated terminal events (e.g. scenarios/tangermed/demo.yaml)")
	s.String(&f.DemoVia, "demo-via", "YARDTWIN_DEMO_VIA", "bus", "how the demo's events reach the twin: bus (in process) or kafka (published to --kafka-topic, consumed back)")
	s.Float(&f.Speed, "speed", "YARDTWIN_SPEED", 0, "demo clock speed, × real time (default: the scenario's)")
	s.Int(&f.Seed, "seed", "YARDTWIN_SEED", 0, "demo random seed (default: the scenario's)")
	s.Int(&f.Lanes, "ingest-lanes", "YARDTWIN_INGEST_LANES", 4, "in-process bus topics handled in parallel")
	s.Duration(&f.CheckpointEvery, "checkpoint-every", "YARDTWIN_CHECKPOINT_EVERY", 30*time.Second, "how often projection snapshots are saved")
	s.String(&f.Clock, "clock", "YARDTWIN_CLOCK", "", "the twin's wall clock: empty for the system clock, an instant to start from (2026-11-22T08:00:00Z: replaying a past day's traffic) or a shift (+8760h)")
	s.Int(&f.CheckpointEvents, "checkpoint-events", "YARDTWIN_CHECKPOINT_EVENTS", 250_000, "events folded between two projection snapshots as well (a restart folds at most about this many); -1 saves by time only")
	s.Duration(&f.TimeAhead, "time-ahead", "YARDTWIN_TIME_AHEAD", 24*time.Hour, "refuse events dated more than this ahead of the twin's clock (a sender's clock or time zone gone wrong); 0 accepts any time up to the year 2200; off with --demo, whose simulated clock runs ahead")
	s.String(&f.Retention, "retention", "YARDTWIN_RETENTION", "", "thin telemetry in the store, TYPE=FULL/EVERY[;…]: equipment.PositionReported=168h/1m keeps every position for 7 days of event time, then one per machine per minute (default: keep everything)")
	s.Duration(&f.ScavengeEvery, "scavenge-every", "YARDTWIN_SCAVENGE_EVERY", time.Minute, "how often the embedded store applies --retention in the background")
	s.Int(&f.ReadyLag, "ready-lag", "YARDTWIN_READY_LAG", 10_000, "events the projections may trail the store by while /readyz answers ready")
	s.String(&f.KafkaBrokers, "kafka-brokers", "YARDTWIN_KAFKA_BROKERS", "", "Kafka bootstrap brokers, host:port[,host:port]; consume events from Kafka too")
	s.String(&f.KafkaTopic, "kafka-topic", "YARDTWIN_KAFKA_TOPIC", "yard.events", "Kafka topic integrators publish events to; refused records go to <topic>.dlq")
	s.String(&f.KafkaGroup, "kafka-group", "YARDTWIN_KAFKA_GROUP", "yardtwin", "Kafka consumer group; serve processes in one group split the partitions")
	s.Int(&f.KafkaConsumers, "kafka-consumers", "YARDTWIN_KAFKA_CONSUMERS", 1, "consumer-group members per process, each with its own partitions (more overlap checking and storing)")
	s.Bool(&f.KafkaTLS, "kafka-tls", "YARDTWIN_KAFKA_TLS", false, "talk TLS to the brokers (implied by the other --kafka-tls-* settings)")
	s.String(&f.KafkaTLSCA, "kafka-tls-ca", "YARDTWIN_KAFKA_TLS_CA", "", "PEM file of the CA that signed the brokers' certificates (default: the system's roots)")
	s.String(&f.KafkaTLSCert, "kafka-tls-cert", "YARDTWIN_KAFKA_TLS_CERT", "", "PEM client certificate, for brokers that want mutual TLS (with --kafka-tls-key)")
	s.String(&f.KafkaTLSKey, "kafka-tls-key", "YARDTWIN_KAFKA_TLS_KEY", "", "PEM private key of --kafka-tls-cert")
	s.String(&f.KafkaTLSServerName, "kafka-tls-server-name", "YARDTWIN_KAFKA_TLS_SERVER_NAME", "", "name the brokers' certificates are checked against (default: each broker's host)")
	s.Bool(&f.KafkaTLSInsecure, "kafka-tls-insecure-skip-verify", "YARDTWIN_KAFKA_TLS_INSECURE_SKIP_VERIFY", false, "accept any broker certificate (throw-away test brokers only)")
	s.String(&f.KafkaSASLMechanism, "kafka-sasl-mechanism", "YARDTWIN_KAFKA_SASL_MECHANISM", "", "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (empty: no SASL)")
	s.String(&f.KafkaSASLUser, "kafka-sasl-user", "YARDTWIN_KAFKA_SASL_USER", "", "SASL user name")
	s.Secret(&f.KafkaSASLPassword, "kafka-sasl-password", "YARDTWIN_KAFKA_SASL_PASSWORD", "SASL password (secret: prefer the variable or the file to the flag)")
	s.Tokens(&f.PublisherTokens, "publisher-tokens", "YARDTWIN_PUBLISHER_TOKENS", "tokens that may post events (comma-separated secrets); set, ingestion needs one")
	s.Tokens(&f.ViewerTokens, "viewer-tokens", "YARDTWIN_VIEWER_TOKENS", "tokens that may read (comma-separated secrets); set, reads and the map need one (publisher tokens read too)")
	s.Size(&f.MaxBody, "max-body", "YARDTWIN_MAX_BODY", httpapi.DefaultMaxBody, "largest request body accepted (e.g. 16MiB); larger ones are answered 413")
	s.String(&f.LogLevel, "log-level", "YARDTWIN_LOG_LEVEL", "info", "debug, info, warn or error")
	s.String(&f.Pprof, "pprof", "YARDTWIN_PPROF", "", "serve Go's profiles (net/http/pprof) on this address, e.g. 127.0.0.1:6060; keep it on loopback (default: off)")
	s.String(&f.LogFormat, "log-format", "YARDTWIN_LOG_FORMAT", "text", "text or json")
	return s
}

// serveOptions is the whole application of "serve", by role: ingest, query, or all of it.
func serveOptions(f serveFlags) fx.Option {
	role, err := httpapi.ParseRole(f.Role)
	if err != nil {
		return fx.Error(fmt.Errorf("--role: %w", err))
	}
	loc, err := parseStore(f.Store, f.Data)
	if err != nil {
		return fx.Error(err)
	}
	retention, err := parseRetention(f.Retention)
	if err != nil {
		return fx.Error(err)
	}
	setting, err := es.ParseClockSetting(f.Clock)
	if err != nil {
		return fx.Error(fmt.Errorf("--clock: %w", err))
	}
	clock := setting.Clock(time.Now)
	common := fx.Options(
		fx.Supply(
			f, role, clock,
			httpapi.Config{MaxBody: f.MaxBody, Role: role, Access: httpapi.Access{PublisherTokens: f.PublisherTokens, ViewerTokens: f.ViewerTokens}},
			httpapiListen(f.HTTP, os.Stdout),
		),
		fx.Provide(
			newLogger,
			newWatermillLogger,
			contract.NewRegistry,
			loadServeTerminal,
			newChecker,
			newHTTPDeps,
		),
		fx.Invoke(logStart),
		storeModule(loc, retention, f.ScavengeEvery),
		httpapi.Module,
		pprofModule(f.Pprof),
	)
	ingesting := fx.Options(
		fx.Supply(ingest.Config{Lanes: f.Lanes}),
		fx.Provide(newBus),
		fx.Invoke(speakDCSA),
		ingest.Module,
		kafkaModule(f),
	)
	querying := fx.Options(
		fx.Supply(projections.RunnerConfig{CheckpointEvery: f.CheckpointEvery, CheckpointEvents: f.CheckpointEvents, Clock: clock}),
		fx.Provide(
			newCheckpoints,
			newYard,
			projections.AsProjection(func(m *yardmap.Model) *yardmap.Model { return m }),
			newKPIs,
			newPastYard,
			projections.AsProjection((*pastYard).projection),
			projections.AsProjection(func(m *kpi.Model) *kpi.Model { return m }),
			deadletters.New,
			projections.AsProjection(func(m *deadletters.Model) *deadletters.Model { return m }),
			asMetrics(newProjectionMetrics),
		),
		projections.Module,
	)
	switch role {
	case httpapi.RoleIngest:
		return fx.Options(common, ingesting)
	case httpapi.RoleQuery:
		return fx.Options(common, querying)
	}
	return fx.Options(common, ingesting, querying, demoModule(f))
}

// validate checks the settings together before anything starts, naming each bad one and why.
func (f serveFlags) validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	role, err := httpapi.ParseRole(f.Role)
	if err != nil {
		bad("--role: %v", err)
	}
	loc, err := parseStore(f.Store, f.Data)
	if err != nil {
		errs = append(errs, err)
	}
	if err == nil && role != httpapi.RoleAll && !loc.shared() {
		bad("--role %s: the embedded store (%s) is one file that one process opens; split ingest and query only over a shared store (--store kurrentdb://…), or run --role all", role, loc)
	}
	if role == httpapi.RoleQuery && f.KafkaBrokers != "" {
		bad("--kafka-brokers: a --role query process consumes no Kafka; give the brokers to the ingest processes")
	}
	if role != httpapi.RoleAll && role != "" && f.Demo != "" {
		bad("--demo: the demo feed needs --role all (it ingests and reads the yard)")
	}
	switch f.DemoVia {
	case "", "bus":
	case "kafka":
		if f.KafkaBrokers == "" {
			bad("--demo-via: kafka needs --kafka-brokers (the demo publishes to --kafka-topic and the twin consumes it)")
		}
	default:
		bad("--demo-via: %q is not bus or kafka", f.DemoVia)
	}
	if _, err := parseLevel(f.LogLevel); err != nil {
		errs = append(errs, err)
	}
	if f.LogFormat != "text" && f.LogFormat != "json" {
		bad("--log-format: %q is not text or json", f.LogFormat)
	}
	if f.Lanes < 1 || f.Lanes > 64 {
		bad("--ingest-lanes: %d is outside 1..64", f.Lanes)
	}
	if _, err := es.ParseClockSetting(f.Clock); err != nil {
		bad("--clock: %v", err)
	}
	if _, err := parseRetention(f.Retention); err != nil {
		errs = append(errs, err)
	}
	if f.TimeAhead < 0 {
		bad("--time-ahead: %s is negative (0 turns the check off)", f.TimeAhead)
	}
	if f.ScavengeEvery < 0 {
		bad("--scavenge-every: %s is negative", f.ScavengeEvery)
	}
	if f.ReadyLag < 0 {
		bad("--ready-lag: %d is negative", f.ReadyLag)
	}
	if f.CheckpointEvents == 0 || f.CheckpointEvents < -1 {
		bad("--checkpoint-events: %d is not a positive number of events (or -1: by time only)", f.CheckpointEvents)
	}
	if f.CheckpointEvery <= 0 {
		bad("--checkpoint-every: %s is not a positive duration", f.CheckpointEvery)
	}
	if f.MaxBody < 1024 {
		bad("--max-body: %d bytes is too small for one event (at least 1KiB)", f.MaxBody)
	}
	if f.Speed < 0 {
		bad("--speed: %g is negative", f.Speed)
	}
	if len(f.ViewerTokens) > 0 && len(f.PublisherTokens) == 0 {
		bad("--viewer-tokens: set without --publisher-tokens, ingestion would stay open while reads are closed; set --publisher-tokens too")
	}
	for _, list := range []struct {
		name   string
		tokens []string
	}{{"--publisher-tokens", f.PublisherTokens}, {"--viewer-tokens", f.ViewerTokens}} {
		for i, t := range list.tokens {
			if len(t) < minTokenLength {
				bad("%s: token %d is %d characters long, shorter than %d: too easy to guess", list.name, i+1, len(t), minTokenLength)
			}
		}
	}
	if f.KafkaBrokers != "" {
		if f.KafkaTopic == "" {
			bad("--kafka-topic: a topic is required with --kafka-brokers")
		}
		if f.KafkaGroup == "" {
			bad("--kafka-group: a consumer group is required with --kafka-brokers")
		}
		if f.KafkaConsumers < 1 || f.KafkaConsumers > 16 {
			bad("--kafka-consumers: %d is outside 1..16", f.KafkaConsumers)
		}
		if _, err := f.kafkaSecurity(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// minTokenLength is the shortest token accepted: 16 characters of a random string are out of reach
// of guessing over HTTP.
const minTokenLength = 16

// logStart writes the settings as resolved (secrets redacted) and the security posture once.
func logStart(f serveFlags, role httpapi.Role, log *slog.Logger) {
	if len(f.resolved) > 0 {
		log.Info("settings", f.resolved...)
	}
	if role != httpapi.RoleQuery && len(f.PublisherTokens) == 0 && !loopback(f.HTTP) {
		log.Warn("ingestion is open to anyone who reaches the port: set --publisher-tokens", "http", f.HTTP)
	}
}

// loopback says whether addr listens on this machine only.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func parseLevel(s string) (slog.Level, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(s)); err != nil {
		return level, fmt.Errorf("--log-level: %q is not debug, info, warn or error", s)
	}
	return level, nil
}

func newLogger(f serveFlags) (*slog.Logger, error) {
	level, err := parseLevel(f.LogLevel)
	if err != nil {
		return nil, err
	}
	out := f.LogOutput
	if out == nil {
		out = os.Stderr
	}
	opts := &slog.HandlerOptions{Level: level}
	if f.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(out, opts)), nil
	}
	return slog.New(slog.NewTextHandler(out, opts)), nil
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

// newChecker is the contract check of everything ingested: the layout's places, and event times no
// further ahead of the twin's clock than --time-ahead (except under a demo, whose simulated clock
// runs ahead of real time by design).
func newChecker(reg *es.Registry, t terminal, f serveFlags, clock es.Clock) *contract.Checker {
	k := contract.NewChecker(reg, t.Layout)
	if f.Demo != "" {
		return k
	}
	return k.WithTimeWindow(clock, f.TimeAhead)
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
func (p progress) Projected() uint64 {
	if p.runner == nil { // --role ingest folds nothing
		return 0
	}
	return p.runner.Position()
}

// httpDeps is what the API answers from; what a role does not run is absent.
type httpDeps struct {
	fx.In
	Flags      serveFlags
	Checker    *contract.Checker
	Store      es.Store
	Registry   *es.Registry
	Terminal   terminal
	Log        *slog.Logger
	Collectors []prometheus.Collector `group:"metrics"`

	Gateway     *ingest.Gateway     `optional:"true"`
	Counters    *ingest.Counters    `optional:"true"`
	Yard        *yardmap.Model      `optional:"true"`
	Past        *pastYard           `optional:"true"`
	KPIs        *kpi.Model          `optional:"true"`
	DeadLetters *deadletters.Model  `optional:"true"`
	Runner      *projections.Runner `optional:"true"`
}

func newHTTPDeps(in httpDeps) httpapi.Deps {
	d := httpapi.Deps{
		Types:         in.Checker.Types(),
		Events:        in.Store,
		Registry:      in.Registry,
		Progress:      progress{store: in.Store, runner: in.Runner},
		LayoutGeoJSON: in.Terminal.GeoJSON,
		ReadyLag:      uint64(max(in.Flags.ReadyLag, 0)),
		Collectors:    in.Collectors,
		Log:           in.Log,
	}
	if in.Gateway != nil {
		d.Submit, d.Stats = in.Gateway, in.Counters.Snapshot
	}
	if in.Yard != nil {
		d.Yard, d.KPIs, d.DeadLetters, d.PastYard, d.Web = in.Yard, in.KPIs, in.DeadLetters, in.Past.At, web.Handler()
	}
	return d
}

// httpapiListen is the listen config of serve, announcing the address to announce.
func httpapiListen(addr string, announce io.Writer) httpapi.ListenConfig {
	return httpapi.ListenConfig{Addr: addr, Announce: announce}
}

// asMetrics annotates a constructor of a Prometheus collector so that /metrics serves it.
func asMetrics(f any) any {
	return fx.Annotate(f, fx.As(new(prometheus.Collector)), fx.ResultTags(`group:"metrics"`))
}

var (
	projectionPositionDesc = prometheus.NewDesc("yardtwin_projection_position",
		"Position of the last event a projection has folded, by projection (its checkpoint name).", []string{"projection"}, nil)
	projectionLagDesc = prometheus.NewDesc("yardtwin_projection_lag_events",
		"Events stored but not yet folded by a projection: store head - its position.", []string{"projection"}, nil)
)

// projectionMetrics reports each projection's position and lag, read at scrape time.
type projectionMetrics struct {
	store       es.Store
	projections []projections.Projection
}

type projectionMetricsIn struct {
	fx.In
	Store       es.Store
	Projections []projections.Projection `group:"projections"`
}

func newProjectionMetrics(in projectionMetricsIn) *projectionMetrics {
	return &projectionMetrics{store: in.Store, projections: in.Projections}
}

func (m *projectionMetrics) Describe(ch chan<- *prometheus.Desc) {
	ch <- projectionPositionDesc
	ch <- projectionLagDesc
}

func (m *projectionMetrics) Collect(ch chan<- prometheus.Metric) {
	positions := make([]uint64, len(m.projections))
	for i, p := range m.projections {
		positions[i] = p.Position() // before the head, so that no lag is negative
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	head, err := m.store.Head(ctx)
	for i, p := range m.projections {
		ch <- prometheus.MustNewConstMetric(projectionPositionDesc, prometheus.GaugeValue, float64(positions[i]), p.Name())
		if err == nil {
			ch <- prometheus.MustNewConstMetric(projectionLagDesc, prometheus.GaugeValue, float64(head-min(head, positions[i])), p.Name())
		}
	}
}
