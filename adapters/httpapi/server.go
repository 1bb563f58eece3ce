// Package httpapi serves the twin over HTTP: event ingestion for integrators, yard queries and GeoJSON
// for planners, and the web UI. It depends on small interfaces declared here, not on the adapters and
// read models behind them.
package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/paulmach/orb"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/yardtwin/yardtwin/adapters/ingest"
	"github.com/yardtwin/yardtwin/domain/contract"
	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/iso6346"
	"github.com/yardtwin/yardtwin/domain/yard"
	"github.com/yardtwin/yardtwin/projections"
	"github.com/yardtwin/yardtwin/projections/yardmap"
)

// Submitter takes a batch of raw events, written in dialect ("" for the contract), and answers once
// they are stored or refused.
type Submitter interface {
	Submit(ctx context.Context, dialect string, events []json.RawMessage) (ingest.Receipt, error)
}

// DialectDCSA is the dialect of DCSA Track & Trace events, on HTTP and as a Kafka header value.
const DialectDCSA = "dcsa-tnt-v3"

// YardView is the read model the API answers from.
type YardView interface {
	Summary() yardmap.Summary
	Container(id iso6346.ContainerID) (yardmap.Location, bool)
	Machines() []yardmap.Machine
	Visits() []yardmap.Visit
	Anomalies() []yardmap.Anomaly
	Block(id string) (yardmap.BlockView, bool)
	Near(p orb.Point, radius float64, limit int) []yardmap.Location
	Layout() *yard.Layout
}

// StreamReader reads one stream of the store, oldest first; es.Store satisfies it. The API reads a
// container's own stream (yard.ContainerStream) to answer its history, which the read model does
// not hold.
type StreamReader interface {
	ReadStream(ctx context.Context, stream string, from uint64) ([]es.Envelope, error)
}

var _ StreamReader = es.Store(nil)

// Progress says how far the store and the projections are.
type Progress interface {
	Head(ctx context.Context) (uint64, error) // last stored position
	Projected() uint64                        // last position every projection has folded
}

// Config tunes the server.
type Config struct {
	// MaxBody is the largest request body accepted, in bytes; 0 means DefaultMaxBody. A larger body
	// is answered 413 and never read whole.
	MaxBody int64
	// Role is what this process answers; "" means RoleAll. Routes of the other role answer 404
	// with the reason.
	Role Role
	// Access holds the tokens ingestion and reads need (see Access).
	Access Access
	// SubmitTimeout bounds how long a POST waits for its events to be stored; 0 means 30 s.
	SubmitTimeout time.Duration
}

// Deps is what the server answers from.
type Deps struct {
	Submit   Submitter
	Yard     YardView
	Progress Progress
	Stats    func() ingest.Stats
	// DeadLetters lists refused bus messages.
	DeadLetters DeadLetterView
	// Types are the contract's event types, for the schema index.
	Types []contract.TypeInfo
	// LayoutGeoJSON is the terminal layout file as loaded (WGS84), served as is.
	LayoutGeoJSON []byte
	// PastYard answers ?at= (event time) and ?as_of= (recorded time) on the yard's read endpoints:
	// the yard as it was, and the log position it reflects; nil refuses them.
	PastYard func(ctx context.Context, at, asOf time.Time) (YardView, uint64, error)
	// KPIs answers the terminal's KPIs over a window of event time; nil answers 503.
	KPIs KPIView
	// Events is the log GET /api/v1/stream follows; nil answers 503 there.
	Events EventFeed
	// Streams reads a container's stream for GET /api/v1/containers/{id}: its history, and the box
	// itself once the read model has forgotten it (yardmap's package doc). Nil takes Events when
	// that reads streams too (an es.Store does); with neither, answers carry no history. Decoding
	// needs Registry.
	Streams StreamReader
	// Registry decodes event payloads for the stream's filters.
	Registry *es.Registry
	// Web serves the UI at /; nil serves no UI.
	Web http.Handler
	// ReadyLag is how many events the projections may trail the store head by while GET /readyz
	// answers ready; 0 asks them to have folded everything stored.
	ReadyLag uint64
	// Collectors are more Prometheus metrics served at /metrics (consumer lag, per-projection
	// positions), registered once in the server's own registry.
	Collectors []prometheus.Collector
	Log        *slog.Logger
}

// DefaultMaxBody is the largest request body accepted by default: 16 MiB, about 40,000 events.
const DefaultMaxBody = 16 << 20

// Server is the HTTP API.
type Server struct {
	Deps
	cfg     Config
	gate    *gate
	mux     *http.ServeMux
	metrics *metrics
	handler http.Handler // mux, observed by metrics
}

// New returns the API.
func New(cfg Config, d Deps) *Server {
	if cfg.MaxBody == 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.SubmitTimeout == 0 {
		cfg.SubmitTimeout = 30 * time.Second
	}
	if cfg.Role == "" {
		cfg.Role = RoleAll
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if sr, ok := d.Events.(StreamReader); ok && d.Streams == nil {
		d.Streams = sr
	}
	progress := d.Progress
	if !cfg.Role.queries() && progress != nil {
		progress = storeOnly{d.Progress}
	}
	s := &Server{Deps: d, cfg: cfg, gate: newGate(cfg.Access), mux: http.NewServeMux(), metrics: newMetrics(d.Stats, progress, d.Collectors...)}
	s.routes()
	s.handler = s.metrics.instrument(s.mux)
	return s
}

func (s *Server) routes() {
	open := func(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }
	ingests, queries := s.cfg.Role.ingests(), s.cfg.Role.queries()
	publish := func(pattern string, h http.HandlerFunc) {
		s.mux.Handle(pattern, s.serves(ingests, "takes no events; send them to an ingest process (--role ingest or all)", s.guard(endpointPublish, h)))
	}
	read := func(pattern string, h http.Handler) {
		s.mux.Handle(pattern, s.serves(queries, "answers no queries; ask a query process (--role query or all)", s.guard(endpointRead, h)))
	}

	open("GET /healthz", http.HandlerFunc(s.health))
	open("GET /readyz", http.HandlerFunc(s.ready))
	open("GET /metrics", s.metrics.handler())
	open("GET /login", http.HandlerFunc(s.loginPage))
	open("POST /login", http.HandlerFunc(s.login))
	publish("POST /api/v1/events", s.postEvents(""))
	publish("POST /api/v1/dcsa/tnt/v3/events", s.postEvents(DialectDCSA))
	s.mux.Handle("GET /api/v1/ingest", s.serves(ingests, "keeps no ingest counters; ask an ingest process", s.guard(endpointRead, http.HandlerFunc(s.getIngest))))
	read("GET /api/v1/yard", http.HandlerFunc(s.getYard))
	read("GET /api/v1/yard.geojson", http.HandlerFunc(s.getYardGeoJSON))
	read("GET /api/v1/layout.geojson", http.HandlerFunc(s.getLayoutGeoJSON))
	read("GET /api/v1/containers/{id}", http.HandlerFunc(s.getContainer))
	read("GET /api/v1/containers", http.HandlerFunc(s.getContainersNear))
	read("GET /api/v1/blocks/{id}", http.HandlerFunc(s.getBlock))
	read("GET /api/v1/blocks/{id}/slots.geojson", http.HandlerFunc(s.getSlotsGeoJSON))
	read("GET /api/v1/equipment.geojson", http.HandlerFunc(s.getEquipmentGeoJSON))
	read("GET /api/v1/berths.geojson", http.HandlerFunc(s.getBerthsGeoJSON))
	read("GET /api/v1/equipment", http.HandlerFunc(s.getEquipment))
	read("GET /api/v1/vessels", http.HandlerFunc(s.getVessels))
	read("GET /api/v1/anomalies", http.HandlerFunc(s.getAnomalies))
	read("GET /api/v1/kpis", http.HandlerFunc(s.getKPIs))
	read("GET /api/v1/deadletters", http.HandlerFunc(s.getDeadLetters))
	read("GET /api/v1/stream", s.eventStream(s.Events, s.Registry))
	// The contract is documentation for integrators: every role serves it, to viewers.
	s.mux.Handle("GET /api/v1/schema", s.guard(endpointRead, http.HandlerFunc(s.getSchemaIndex)))
	s.mux.Handle("GET /api/v1/schema/{file}", s.guard(endpointRead, http.HandlerFunc(s.getSchema)))
	if s.Web != nil {
		read("GET /", s.Web)
	}
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// errorBody is every error answer: what went wrong, in a sentence.
type errorBody struct {
	Error string `json:"error"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the client went away; nothing to do
}

func writeError(w http.ResponseWriter, status int, format string, args ...any) {
	writeJSON(w, status, errorBody{Error: fmt.Sprintf(format, args...)})
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	head, err := s.Progress.Head(r.Context())
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, "store: %v", err)
		return
	}
	if !s.cfg.Role.queries() {
		writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "role": s.cfg.Role, "stored": head})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "role": s.cfg.Role, "stored": head, "projected": s.Progress.Projected()})
}

// submitAnswer is the body of a POST /api/v1/events answer.
type submitAnswer struct {
	Accepted   bool            `json:"accepted"`
	Stored     int             `json:"stored"`
	Duplicates int             `json:"duplicates"`
	Invalid    int             `json:"invalid"`
	NotMapped  int             `json:"not_mapped,omitempty"`
	Results    []ingest.Result `json:"results"`
}

// postEvents takes events written in dialect.
func (s *Server) postEvents(dialect string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { s.submitEvents(w, r, dialect) }
}

func (s *Server) submitEvents(w http.ResponseWriter, r *http.Request, dialect string) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		writeError(w, http.StatusRequestEntityTooLarge, "body larger than %d bytes (the twin's --max-body): split the batch", tooBig.Limit)
		return
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "read body: %v", err)
		return
	}
	events, err := contract.SplitBatch(body)
	if err != nil {
		writeError(w, http.StatusBadRequest, "%v", err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.SubmitTimeout)
	defer cancel()
	rc, err := s.Submit.Submit(ctx, dialect, events)
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, "events not stored, send them again: %v", err)
		return
	}
	if rc.Err != nil {
		s.Log.Error("store failed", "events", len(events), "err", rc.Err)
		writeError(w, http.StatusServiceUnavailable, "events not stored, send them again: %v", rc.Err)
		return
	}
	ans := submitAnswer{Accepted: !rc.Rejected, Results: rc.Results}
	for _, res := range rc.Results {
		switch res.Status {
		case ingest.StatusStored:
			ans.Stored++
		case ingest.StatusDuplicate:
			ans.Duplicates++
		case ingest.StatusInvalid:
			ans.Invalid++
		case ingest.StatusNotMapped:
			ans.NotMapped++
		}
	}
	if rc.Rejected {
		writeJSON(w, http.StatusBadRequest, ans)
		return
	}
	writeJSON(w, http.StatusAccepted, ans)
}

func (s *Server) getYard(w http.ResponseWriter, r *http.Request) {
	y, ok := s.yardFor(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, y.Summary())
}

// getContainer answers where a box is (from the read model, live or past) and its history (from
// its own stream in the store). A box the read model has forgotten (it left a while ago) is
// answered from its stream alone.
func (s *Server) getContainer(w http.ResponseWriter, r *http.Request) {
	y, cut, ok := s.yardAt(w, r)
	if !ok {
		return
	}
	id, err := iso6346.ParseContainerID(r.PathValue("id"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "container: %v", err)
		return
	}
	loc, found := y.Container(id)
	if s.Streams != nil && s.Registry != nil {
		envs, err := s.Streams.ReadStream(r.Context(), yard.ContainerStream(id), 0)
		switch {
		case errors.Is(err, context.Canceled):
			return // the client went away
		case err != nil:
			writeError(w, http.StatusServiceUnavailable, "container %s: read its history: %v", id, err)
			return
		}
		own, known := yardmap.ContainerFromStream(id, projections.Decode(s.Registry, cut.keep(envs)))
		switch {
		case found:
			loc.History = own.History
		case known:
			loc, found = yardmap.Location{Box: own}, true
		}
	}
	if !found {
		writeError(w, http.StatusNotFound, "container %s is not known to the twin", id)
		return
	}
	writeJSON(w, http.StatusOK, loc)
}

func (s *Server) getEquipment(w http.ResponseWriter, r *http.Request) {
	y, ok := s.yardFor(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"equipment": y.Machines()})
}

func (s *Server) getVessels(w http.ResponseWriter, r *http.Request) {
	y, ok := s.yardFor(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"vessels": y.Visits()})
}

func (s *Server) getAnomalies(w http.ResponseWriter, r *http.Request) {
	y, ok := s.yardFor(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"anomalies": y.Anomalies()})
}

func (s *Server) getIngest(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.Stats())
}
