package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb"

	"github.com/yardtwin/yardtwin/domain/equipment"
	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/yard"
	"github.com/yardtwin/yardtwin/projections"
)

// EventFeed is the log GET /api/v1/stream follows. es.Store satisfies it.
type EventFeed interface {
	// Head returns the position of the last stored event, 0 for an empty log.
	Head(ctx context.Context) (uint64, error)
	// Subscribe calls handle with every event from position from onwards, in log order and in
	// batches, first catching up and then following appends, until ctx ends or handle fails. It
	// reads the next batch only after handle has returned.
	Subscribe(ctx context.Context, from uint64, handle func(ctx context.Context, batch []es.Envelope) error) error
}

var _ EventFeed = es.Store(nil)

const (
	// streamHeartbeat is how long a stream may stay silent before it sends a ": ping" comment, so
	// that proxies and load balancers (which often drop a connection after 30-60 s of silence) keep it.
	streamHeartbeat = 15 * time.Second
	// streamWriteTimeout bounds each write to a stream's client. A client that stops reading without
	// closing the connection is dropped after it instead of holding its goroutine for ever.
	streamWriteTimeout = 30 * time.Second
)

// streamParams are the query parameters GET /api/v1/stream knows; any other is refused, so that a
// misspelt filter ("blocks=") is not silently ignored.
var streamParams = []string{"from", "block", "bbox", "type"}

// eventStream serves GET /api/v1/stream: the stored events as server-sent events, as they are
// appended. Each message is
//
//	id: <global position>
//	event: <wire name>, e.g. yard.ContainerStacked
//	data: <the stored envelope as one line of JSON, with recordedtime, position and streamversion>
//
// Where it starts: after the position in the Last-Event-ID header (sent by a reconnecting
// EventSource, so it wins over ?from), else at ?from=<position> (the first position sent; ?from=1
// replays the whole log), else at the head: only events appended after the request are sent.
//
// Filters, each optional, all of them applying together (AND): ?block=A01,B02 keeps events that
// place or lift a box in one of those blocks and equipment positions inside them; ?bbox=minLon,
// minLat,maxLon,maxLat (WGS84, edges included) keeps equipment positions and slot events whose
// ground slot's centre lies inside; ?type=yard.ContainerStacked,equipment. keeps the types named,
// where a name ending in a dot ("yard.") stands for every type of that context. A filter on place
// drops every event that has no place (holds, vessel and gate events). block and type may be
// repeated (?type=a&type=b is ?type=a,b).
//
// The stream sends a ": ping" comment after heartbeat of silence, flushes after each batch, and
// ends when the client goes away, the http.Server that carries it shuts down, or the feed ends
// (the store closes or fails; a client then reconnects with Last-Event-ID). Each client holds at
// most one batch of the subscription (up to 1,000 events from the embedded store) in memory: the
// next is read only once the last is written.
type eventStream struct {
	s    *Server // for the layout and the log
	feed EventFeed
	reg  *es.Registry
	// heartbeat is the longest silence before a ping; writeTimeout bounds each write.
	heartbeat, writeTimeout time.Duration

	mu    sync.Mutex
	stops map[*http.Server]*stopSignal
}

// eventStream returns the handler of GET /api/v1/stream, following feed and decoding payloads with
// reg (needed for the type, block and bbox filters). With a nil feed or registry it answers 503.
func (s *Server) eventStream(feed EventFeed, reg *es.Registry) *eventStream {
	return &eventStream{s: s, feed: feed, reg: reg, heartbeat: streamHeartbeat, writeTimeout: streamWriteTimeout,
		stops: map[*http.Server]*stopSignal{}}
}

func (h *eventStream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.feed == nil || h.reg == nil {
		writeError(w, http.StatusServiceUnavailable, "the event stream is not available in this process")
		return
	}
	var layout *yard.Layout
	if h.s.Yard != nil {
		layout = h.s.Yard.Layout()
	}
	q, perr := parseStreamQuery(r.URL.Query(), r.Header.Values("Last-Event-ID"), h.reg, layout)
	if perr != nil {
		writeError(w, http.StatusBadRequest, "%s", perr)
		return
	}
	ctx := r.Context()
	head, err := h.feed.Head(ctx)
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, "store: %v", err)
		return
	}
	if perr := q.start.check(head); perr != nil {
		writeError(w, http.StatusBadRequest, "%s", perr)
		return
	}
	from := q.start.from(head)

	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Accel-Buffering", "no") // nginx: pass each message on, do not buffer the stream
	w.WriteHeader(http.StatusOK)
	out := &sseWriter{w: w, rc: http.NewResponseController(w), timeout: h.writeTimeout}
	// A keep-alive connection must not keep our deadline for its next request.
	defer func() { _ = out.rc.SetWriteDeadline(time.Time{}) }()
	if err := out.flush(); err != nil {
		h.logger().Debug("stream: client gone before the first event", "err", err)
		return
	}
	sent, err := h.follow(ctx, r, out, from, &q.filter)
	h.logger().Debug("stream ended", "from", from, "sent", sent, "err", err)
}

// follow writes the feed's events from position from through f to out until ctx ends, the server
// shuts down, a write fails or the feed ends. It returns how many events it sent and why it stopped
// (nil for a shutdown).
func (h *eventStream) follow(ctx context.Context, r *http.Request, out *sseWriter, from uint64, f *streamFilter) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// The subscription runs in its own goroutine so that this one can send heartbeats while it waits
	// for appends. It hands each batch over and waits until the batch is written before reading the
	// next: one batch in memory per client.
	batches := make(chan []es.Envelope)
	written := make(chan struct{})
	subDone := make(chan error, 1)
	go func() {
		defer close(batches)
		subDone <- h.feed.Subscribe(ctx, from, func(ctx context.Context, batch []es.Envelope) error {
			select {
			case batches <- batch:
			case <-ctx.Done():
				return ctx.Err()
			}
			select {
			case <-written:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	// Whatever ends the loop, stop the subscription and wait for it: the handler must not return
	// while the goroutine still runs.
	defer func() {
		cancel()
		for range batches {
		}
	}()

	ping := time.NewTicker(h.heartbeat)
	defer ping.Stop()
	stop := h.stopped(r)
	sent := 0
	for {
		select {
		case batch, ok := <-batches:
			if !ok {
				err := <-subDone
				if errors.Is(err, es.ErrClosed) {
					return sent, nil // the store closed: the process is stopping
				}
				if ctx.Err() == nil {
					h.logger().Warn("stream: subscription failed", "err", err)
				}
				return sent, err
			}
			n, err := h.writeBatch(out, f, batch)
			sent += n
			if err != nil {
				return sent, err
			}
			if n > 0 {
				ping.Reset(h.heartbeat)
			}
			select {
			case written <- struct{}{}:
			case <-ctx.Done():
				return sent, ctx.Err()
			}
		case <-ping.C:
			if err := out.ping(); err != nil {
				return sent, err
			}
		case <-stop:
			return sent, nil
		case <-ctx.Done():
			return sent, ctx.Err()
		}
	}
}

// writeBatch writes the events of batch that f keeps, and flushes if it wrote any.
func (h *eventStream) writeBatch(out *sseWriter, f *streamFilter, batch []es.Envelope) (int, error) {
	keep := batch
	if f.types != nil {
		keep = make([]es.Envelope, 0, len(batch))
		for _, env := range batch {
			if f.wantType(env.Type) {
				keep = append(keep, env)
			}
		}
	}
	if f.placed() && len(keep) > 0 {
		items := projections.Decode(h.reg, keep)
		keep = keep[:0:0]
		for _, it := range items {
			if f.wantPlace(it.Event) {
				keep = append(keep, it.Envelope)
			}
		}
	}
	if len(keep) == 0 {
		return 0, nil
	}
	for i, env := range keep {
		if err := out.event(env); err != nil {
			return i, err
		}
	}
	return len(keep), out.flush()
}

func (h *eventStream) logger() *slog.Logger {
	if h.s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return h.s.Log
}

// stopSignal is closed once, by the first Shutdown of an http.Server.
type stopSignal struct {
	once sync.Once
	ch   chan struct{}
}

// stopped returns a channel that is closed when the http.Server serving r starts to shut down, or nil
// (never ready) when r did not come through an http.Server. http.Server.Shutdown does not cancel the
// contexts of requests in flight; it waits for them, and a stream never finishes by itself, so the
// stream registers (once per server) to be told.
func (h *eventStream) stopped(r *http.Request) <-chan struct{} {
	srv, _ := r.Context().Value(http.ServerContextKey).(*http.Server)
	if srv == nil {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	sig, ok := h.stops[srv]
	if !ok {
		sig = &stopSignal{ch: make(chan struct{})}
		h.stops[srv] = sig
		srv.RegisterOnShutdown(func() { sig.once.Do(func() { close(sig.ch) }) })
	}
	return sig.ch
}

// sseWriter writes server-sent events to one client.
type sseWriter struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	timeout time.Duration
	buf     bytes.Buffer
}

// event writes env as one message (without flushing).
func (o *sseWriter) event(env es.Envelope) error {
	o.buf.Reset()
	fmt.Fprintf(&o.buf, "id: %d\nevent: %s\ndata: ", env.Position, env.Type)
	enc := json.NewEncoder(&o.buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(env); err != nil { // Encode ends the line; JSON has no raw newlines in it
		return fmt.Errorf("stream: encode event %d: %w", env.Position, err)
	}
	o.buf.WriteByte('\n')
	return o.write()
}

// ping writes a heartbeat comment and flushes it.
func (o *sseWriter) ping() error {
	o.buf.Reset()
	o.buf.WriteString(": ping\n\n")
	if err := o.write(); err != nil {
		return err
	}
	return o.flush()
}

func (o *sseWriter) write() error {
	o.deadline()
	if _, err := o.w.Write(o.buf.Bytes()); err != nil {
		return fmt.Errorf("stream: write: %w", err)
	}
	return nil
}

func (o *sseWriter) flush() error {
	o.deadline()
	if err := o.rc.Flush(); err != nil {
		return fmt.Errorf("stream: flush: %w", err)
	}
	return nil
}

// deadline moves the write deadline timeout ahead. A writer that has none (a test recorder) is fine:
// it cannot block.
func (o *sseWriter) deadline() {
	_ = o.rc.SetWriteDeadline(time.Now().Add(o.timeout))
}

// streamQuery is a parsed GET /api/v1/stream request.
type streamQuery struct {
	start  streamStart
	filter streamFilter
}

// streamStart says where a stream starts.
type streamStart struct {
	// param is the header or parameter that set after; empty means start at the head.
	param string
	// after is the last position the client has: the stream starts at after+1.
	after uint64
}

// check refuses a start beyond the log, which would wait silently for events the client has
// already seen in some other log (a twin started afresh, another installation).
func (st streamStart) check(head uint64) *paramError {
	switch {
	case st.param == "from" && st.after > head:
		return &paramError{"from", fmt.Sprintf("%d is beyond the next position, %d", st.after+1, head+1)}
	case st.param != "" && st.after > head:
		return &paramError{st.param, fmt.Sprintf("%d is beyond the last stored position, %d: is this the same twin?", st.after, head)}
	}
	return nil
}

// from is the first position to send.
func (st streamStart) from(head uint64) uint64 {
	if st.param == "" {
		return head + 1
	}
	return st.after + 1
}

// paramError says which query parameter (or header) is malformed and why.
type paramError struct {
	param, reason string
}

func (e *paramError) Error() string { return e.param + ": " + e.reason }

// parseStreamQuery reads the stream's parameters. layout is needed only by block and bbox.
func parseStreamQuery(v url.Values, lastEventID []string, reg *es.Registry, layout *yard.Layout) (streamQuery, *paramError) {
	var q streamQuery
	for name := range v {
		if !slices.Contains(streamParams, name) {
			return q, &paramError{name, fmt.Sprintf("unknown parameter; the stream takes %s", strings.Join(streamParams, ", "))}
		}
	}
	switch {
	case len(lastEventID) > 1:
		return q, &paramError{"Last-Event-ID", "header given more than once"}
	case len(lastEventID) == 1 && strings.TrimSpace(lastEventID[0]) != "":
		n, err := parsePosition(lastEventID[0])
		if err != nil {
			return q, &paramError{"Last-Event-ID", err.Error()}
		}
		q.start = streamStart{param: "Last-Event-ID", after: n}
	case v.Has("from"):
		s, perr := single(v, "from")
		if perr != nil {
			return q, perr
		}
		n, err := parsePosition(s)
		if err != nil {
			return q, &paramError{"from", err.Error()}
		}
		q.start = streamStart{param: "from", after: max(n, 1) - 1} // from is the first position wanted
	}
	var perr *paramError
	if v.Has("type") {
		if q.filter.types, q.filter.prefixes, perr = parseTypes(list(v["type"]), reg); perr != nil {
			return q, perr
		}
	}
	if (v.Has("block") || v.Has("bbox")) && layout == nil {
		return q, &paramError{firstOf(v, "block", "bbox"), "no terminal layout is loaded to place events in"}
	}
	q.filter.layout = layout
	if v.Has("block") {
		if q.filter.blocks, perr = parseBlocks(list(v["block"]), layout); perr != nil {
			return q, perr
		}
	}
	if v.Has("bbox") {
		s, perr := single(v, "bbox")
		if perr != nil {
			return q, perr
		}
		b, perr := parseBBox(s)
		if perr != nil {
			return q, perr
		}
		q.filter.bbox = &b
	}
	return q, nil
}

func parsePosition(s string) (uint64, error) {
	n, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a log position (a whole number, from 1)", s)
	}
	return n, nil
}

// single returns the one value of a parameter that may be given only once.
func single(v url.Values, name string) (string, *paramError) {
	if n := len(v[name]); n > 1 {
		return "", &paramError{name, fmt.Sprintf("given %d times, at most once allowed", n)}
	}
	return v.Get(name), nil
}

func firstOf(v url.Values, names ...string) string {
	for _, n := range names {
		if v.Has(n) {
			return n
		}
	}
	return names[0]
}

// list splits comma-separated values; repeated parameters add up. Empty entries are kept, for the
// parsers to refuse.
func list(values []string) []string {
	var out []string
	for _, v := range values {
		out = append(out, strings.Split(v, ",")...)
	}
	return out
}

// parseTypes reads wire names ("yard.ContainerStacked") and context prefixes ending in a dot ("yard.").
// Each must name at least one registered type: a misspelt filter would otherwise send nothing, for ever.
func parseTypes(names []string, reg *es.Registry) (map[string]bool, []string, *paramError) {
	known := reg.Types()
	types := map[string]bool{}
	var prefixes []string
	for _, n := range names {
		n = strings.TrimSpace(n)
		switch {
		case n == "":
			return nil, nil, &paramError{"type", "empty entry; give wire names such as yard.ContainerStacked, or yard. for a whole context, separated by commas"}
		case strings.HasSuffix(n, "."):
			if !slices.ContainsFunc(known, func(k string) bool { return strings.HasPrefix(k, n) }) {
				return nil, nil, &paramError{"type", fmt.Sprintf("no event type starts with %q; contexts are %s", n, strings.Join(contexts(known), ", "))}
			}
			prefixes = append(prefixes, n)
		case slices.Contains(known, n):
			types[n] = true
		default:
			return nil, nil, &paramError{"type", fmt.Sprintf("unknown event type %q (a whole context is written with its dot, e.g. yard.)", n)}
		}
	}
	return types, prefixes, nil
}

// contexts returns the context prefixes of wire names, with their dots, sorted.
func contexts(types []string) []string {
	var out []string
	for _, t := range types {
		if c, _, ok := strings.Cut(t, "."); ok && !slices.Contains(out, c+".") {
			out = append(out, c+".")
		}
	}
	slices.Sort(out)
	return out
}

func parseBlocks(ids []string, layout *yard.Layout) (map[string]*yard.Block, *paramError) {
	blocks := map[string]*yard.Block{}
	for _, id := range ids {
		id = strings.TrimSpace(id)
		if id == "" {
			return nil, &paramError{"block", "empty entry; give block ids separated by commas, e.g. A01,B02"}
		}
		b, ok := layout.Block(id)
		if !ok {
			return nil, &paramError{"block", fmt.Sprintf("unknown block %q", id)}
		}
		blocks[id] = b
	}
	return blocks, nil
}

// parseBBox reads minLon,minLat,maxLon,maxLat (WGS84 degrees).
func parseBBox(s string) (orb.Bound, *paramError) {
	bad := func(format string, args ...any) (orb.Bound, *paramError) {
		return orb.Bound{}, &paramError{"bbox", fmt.Sprintf(format, args...)}
	}
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return bad("%d numbers, want 4: minLon,minLat,maxLon,maxLat (WGS84 degrees)", len(parts))
	}
	var f [4]float64
	for i, p := range parts {
		x, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return bad("%q is not a number", p)
		}
		f[i] = x
	}
	minLon, minLat, maxLon, maxLat := f[0], f[1], f[2], f[3]
	switch {
	case minLon < -180 || maxLon > 180:
		return bad("longitudes must lie in -180..180")
	case minLat < -90 || maxLat > 90:
		return bad("latitudes must lie in -90..90")
	case minLon > maxLon:
		return bad("minLon %g is east of maxLon %g (boxes across the antimeridian are not supported)", minLon, maxLon)
	case minLat > maxLat:
		return bad("minLat %g is north of maxLat %g", minLat, maxLat)
	}
	return orb.Bound{Min: orb.Point{minLon, minLat}, Max: orb.Point{maxLon, maxLat}}, nil
}

// streamFilter is what a stream keeps. Nil or empty fields keep everything.
type streamFilter struct {
	types    map[string]bool // exact wire names; nil: any type
	prefixes []string        // context prefixes with their dot, "yard."
	blocks   map[string]*yard.Block
	bbox     *orb.Bound // WGS84
	layout   *yard.Layout
}

func (f *streamFilter) wantType(t string) bool {
	if f.types == nil || f.types[t] {
		return true
	}
	for _, p := range f.prefixes {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	return false
}

// placed reports whether the filter looks at where events happen, which needs their payloads.
func (f *streamFilter) placed() bool { return f.blocks != nil || f.bbox != nil }

// wantPlace reports whether ev happened in the blocks and the box asked for. An event without a place
// (or whose payload did not decode, ev nil) is not kept.
func (f *streamFilter) wantPlace(ev es.Event) bool {
	switch e := ev.(type) {
	case equipment.PositionReported:
		p := orb.Point{e.Lon, e.Lat} // WGS84
		if f.bbox != nil && !f.bbox.Contains(p) {
			return false
		}
		if f.blocks != nil {
			local := f.layout.ToLocal(p)
			for _, b := range f.blocks {
				if b.Contains(local) {
					return true
				}
			}
			return false
		}
		return true
	case interface{ Slot() yard.Slot }:
		s := e.Slot()
		if f.blocks != nil && f.blocks[s.Block] == nil {
			return false
		}
		if f.bbox != nil {
			b, ok := f.layout.Block(s.Block)
			if !ok {
				return false // a block this layout no longer has: no point to test
			}
			return f.bbox.Contains(f.layout.ToWGS84(b.SlotCentre(s.Bay, s.Row)))
		}
		return true
	}
	return false
}
