package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/yardtwin/yardtwin/adapters/ingest"
)

// metrics is the server's private Prometheus registry and its request-duration histogram.
type metrics struct {
	reg      *prometheus.Registry
	duration *prometheus.HistogramVec
}

// newMetrics registers the ingest counters, the store and projection positions, and the Go runtime and
// process collectors. Every value is read at scrape time from its owner, so nothing is counted twice;
// a nil Stats or Progress leaves its metrics out. extra collectors are registered as they are.
func newMetrics(stats func() ingest.Stats, p Progress, extra ...prometheus.Collector) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "yardtwin_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route pattern and status class.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "code"}),
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.duration,
	)
	if stats != nil {
		counter := func(name, help string, read func(ingest.Stats) uint64) prometheus.Collector {
			return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help},
				func() float64 { return float64(read(stats())) })
		}
		m.reg.MustRegister(
			counter("yardtwin_events_received_total", "Events settled by ingestion: stored + duplicates + rejected + dead-lettered.",
				func(s ingest.Stats) uint64 { return s.Received }),
			counter("yardtwin_events_stored_total", "Events newly appended to the store.",
				func(s ingest.Stats) uint64 { return s.Stored }),
			counter("yardtwin_events_duplicates_total", "Events already stored under the same id.",
				func(s ingest.Stats) uint64 { return s.Duplicates }),
			counter("yardtwin_events_rejected_total", "Events refused to a waiting sender.",
				func(s ingest.Stats) uint64 { return s.Rejected }),
			counter("yardtwin_events_dead_lettered_total", "Malformed bus records kept as dead letters.",
				func(s ingest.Stats) uint64 { return s.DeadLettered }),
			counter("yardtwin_ingest_failures_total", "Store or dead-letter failures; the events were retried or answered with the error.",
				func(s ingest.Stats) uint64 { return s.Failed }),
		)
	}
	if p != nil {
		m.reg.MustRegister(progressCollector{p})
	}
	m.reg.MustRegister(extra...)
	return m
}

var (
	headDesc = prometheus.NewDesc("yardtwin_store_head_position",
		"Position of the last event in the store.", nil, nil)
	projectedDesc = prometheus.NewDesc("yardtwin_projections_position",
		"Position every projection has folded.", nil, nil)
	lagDesc = prometheus.NewDesc("yardtwin_projections_lag_events",
		"Events stored but not yet folded by every projection: head - position.", nil, nil)
)

// progressCollector reads the head and the projected position once per scrape, so that the three
// gauges agree with each other. A store that cannot tell its head leaves the head and the lag out.
type progressCollector struct{ p Progress }

func (c progressCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- headDesc
	ch <- projectedDesc
	ch <- lagDesc
}

func (c progressCollector) Collect(ch chan<- prometheus.Metric) {
	_, headOnly := c.p.(storeOnly)
	var projected uint64
	if !headOnly {
		projected = c.p.Projected() // before the head, so the lag is never negative
		ch <- prometheus.MustNewConstMetric(projectedDesc, prometheus.GaugeValue, float64(projected))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	head, err := c.p.Head(ctx)
	if err != nil {
		return
	}
	ch <- prometheus.MustNewConstMetric(headDesc, prometheus.GaugeValue, float64(head))
	if !headOnly {
		ch <- prometheus.MustNewConstMetric(lagDesc, prometheus.GaugeValue, float64(lag(head, projected)))
	}
}

// storeOnly is the progress of a process that folds no projections (--role ingest): only its store
// head means something.
type storeOnly struct{ Progress }

func lag(head, projected uint64) uint64 {
	if projected >= head {
		return 0
	}
	return head - projected
}

// handler serves the registry in the Prometheus text format.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// instrument observes the duration of every request next answers, by the route pattern the mux
// matched (r.Pattern, "unmatched" when none did) and the status class ("2xx"). Scrapes of /metrics and
// the long-lived event stream are left out: they would only blur the histogram.
func (m *metrics) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		route := r.Pattern // set by the mux on this request
		switch route {
		case "GET /metrics", "GET /api/v1/stream":
			return
		case "":
			route = "unmatched"
		}
		m.duration.WithLabelValues(route, statusClass(sw.status)).Observe(time.Since(start).Seconds())
	})
}

func statusClass(code int) string {
	if code == 0 {
		code = http.StatusOK // nothing written: net/http answers 200
	}
	return strconv.Itoa(code/100) + "xx"
}

// statusWriter remembers the status a handler answered with. Unwrap lets http.ResponseController
// reach the connection's Flush and deadlines.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// readiness is the body of GET /readyz.
type readiness struct {
	Ready     bool   `json:"ready"`
	Stored    uint64 `json:"stored"`
	Projected uint64 `json:"projected"`
	Lag       uint64 `json:"lag"`
	MaxLag    uint64 `json:"max_lag"`
	Error     string `json:"error,omitempty"`
}

// ready answers 200 when the projections trail the store head by at most ReadyLag events, else 503.
// /healthz stays the liveness check: a twin catching up is alive but not ready. A process that folds
// no projections (--role ingest) is ready when its store answers.
func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	maxLag := s.ReadyLag
	if !s.cfg.Role.queries() {
		head, err := s.Progress.Head(r.Context())
		if err != nil {
			writeJSON(w, http.StatusServiceUnavailable, readiness{Error: "store: " + err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, readiness{Ready: true, Stored: head})
		return
	}
	projected := s.Progress.Projected()
	head, err := s.Progress.Head(r.Context())
	if err != nil {
		writeJSON(w, http.StatusServiceUnavailable, readiness{Projected: projected, MaxLag: maxLag, Error: "store: " + err.Error()})
		return
	}
	ans := readiness{Stored: head, Projected: projected, Lag: lag(head, projected), MaxLag: maxLag}
	ans.Ready = ans.Lag <= maxLag
	if !ans.Ready {
		writeJSON(w, http.StatusServiceUnavailable, ans)
		return
	}
	writeJSON(w, http.StatusOK, ans)
}
