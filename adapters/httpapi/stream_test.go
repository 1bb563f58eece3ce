package httpapi

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/yardtwin/yardtwin/adapters/bolt"
	"github.com/yardtwin/yardtwin/domain/contract"
	"github.com/yardtwin/yardtwin/domain/equipment"
	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/es/estest"
	"github.com/yardtwin/yardtwin/domain/iso6346"
	"github.com/yardtwin/yardtwin/domain/yard"
	"github.com/yardtwin/yardtwin/projections/yardmap"
	"github.com/yardtwin/yardtwin/scenarios/tangermed"
)

// testHeartbeat replaces the 15 s heartbeat in tests. The tests also use a ping as proof that
// everything before it was written: a stream writes a whole batch before it can ping again.
const testHeartbeat = 20 * time.Millisecond

// wait bounds every wait of these tests; nothing takes nearly as long when it works.
const wait = 5 * time.Second

// streamEnv is a running server with the stream route on a real store and the demo layout.
type streamEnv struct {
	store  *bolt.Store
	layout *yard.Layout
	stream *eventStream
	ts     *httptest.Server
	// live counts stream handlers running; ended receives once per handler that returned.
	live  atomic.Int64
	ended chan struct{}
}

func newStreamEnv(t *testing.T) *streamEnv {
	t.Helper()
	store, err := bolt.Open(t.TempDir(), bolt.WithClock(estest.WallClock())) // the clock make test moves a year ahead
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return serveStream(t, store, store)
}

// serveStream serves feed's stream; store may be nil when the test appends nothing.
func serveStream(t *testing.T, feed EventFeed, store *bolt.Store) *streamEnv {
	t.Helper()
	l, err := tangermed.Layout()
	if err != nil {
		t.Fatal(err)
	}
	s := New(Config{}, Deps{Yard: yardmap.New(l)})
	e := &streamEnv{store: store, layout: l, stream: s.eventStream(feed, contract.NewRegistry()), ended: make(chan struct{}, 64)}
	e.stream.heartbeat = testHeartbeat
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/stream", func(w http.ResponseWriter, r *http.Request) {
		e.live.Add(1)
		defer func() {
			e.live.Add(-1)
			select {
			case e.ended <- struct{}{}:
			default: // nobody waits for that many: waitEnded would fail, not hang
			}
		}()
		e.stream.ServeHTTP(w, r)
	})
	e.ts = httptest.NewServer(mux)
	t.Cleanup(func() {
		e.ts.Close() // waits for the handlers: every test ends its clients first
		if n := e.live.Load(); n != 0 {
			t.Errorf("%d stream handlers still running", n)
		}
	})
	return e
}

// append stores each event in its own append, so positions follow the order given.
func (e *streamEnv) append(t *testing.T, envs ...es.Envelope) {
	t.Helper()
	for _, env := range envs {
		if _, err := e.store.Append(context.Background(), es.StreamEvents{Stream: env.Subject, Expected: es.AnyVersion, Events: []es.Envelope{env}}); err != nil {
			t.Fatal(err)
		}
	}
}

// get requests the stream; query is a raw query string, lastID the Last-Event-ID header ("" for
// none). The caller closes the body, or cancels with the returned function.
func (e *streamEnv) get(t *testing.T, query, lastID string) (*http.Response, context.CancelFunc) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.ts.URL+"/api/v1/stream?"+query, nil)
	if err != nil {
		t.Fatal(err)
	}
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := e.ts.Client().Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	return resp, cancel
}

// open starts reading a stream that must answer 200; the test's cleanup ends it.
func (e *streamEnv) open(t *testing.T, query, lastID string) *sseClient {
	t.Helper()
	resp, cancel := e.get(t, query, lastID)
	t.Cleanup(func() { cancel(); resp.Body.Close() })
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET ?%s: status %d: %s", query, resp.StatusCode, body)
	}
	c := &sseClient{resp: resp, cancel: cancel, msgs: make(chan sseMessage, 1024)}
	go readSSE(resp.Body, c.msgs)
	return c
}

// sseMessage is one parsed server-sent event, or a comment (ping).
type sseMessage struct {
	id, event, data string
	comment         string
	isComment       bool
}

type sseClient struct {
	resp   *http.Response
	cancel context.CancelFunc
	msgs   chan sseMessage // closed at the end of the stream
}

// readSSE parses the text/event-stream format (fields "id", "event", "data", comments, messages
// ended by a blank line) into out, and closes out at the end of the stream.
func readSSE(r io.Reader, out chan<- sseMessage) {
	defer close(out)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var m sseMessage
	var dataLines []string
	pending := false
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			if pending {
				m.data = strings.Join(dataLines, "\n")
				out <- m
			}
			m, dataLines, pending = sseMessage{}, nil, false
			continue
		}
		if c, ok := strings.CutPrefix(line, ":"); ok {
			out <- sseMessage{comment: strings.TrimSpace(c), isComment: true}
			continue
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		pending = true
		switch field {
		case "id":
			m.id = value
		case "event":
			m.event = value
		case "data":
			dataLines = append(dataLines, value)
		}
	}
}

// next returns the next event, skipping comments.
func (c *sseClient) next(t *testing.T) sseMessage {
	t.Helper()
	for {
		m := c.nextAny(t)
		if !m.isComment {
			return m
		}
	}
}

// nextAny returns the next event or comment.
func (c *sseClient) nextAny(t *testing.T) sseMessage {
	t.Helper()
	select {
	case m, ok := <-c.msgs:
		if !ok {
			t.Fatal("stream ended")
		}
		return m
	case <-time.After(wait):
		t.Fatal("no message within", wait)
	}
	panic("unreachable")
}

// expect reads events until it has len(want) of them and checks their positions, then checks that a
// ping follows: the stream wrote nothing else before falling silent.
func (c *sseClient) expect(t *testing.T, want ...uint64) {
	t.Helper()
	var got []uint64
	for range want {
		m := c.next(t)
		n, err := strconv.ParseUint(m.id, 10, 64)
		if err != nil {
			t.Fatalf("id %q: %v", m.id, err)
		}
		got = append(got, n)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("positions %v, want %v", got, want)
	}
	if m := c.nextAny(t); !m.isComment {
		t.Fatalf("after %v got event %s (%s), want only those", want, m.id, m.event)
	}
}

// ended waits for one stream handler to return.
func (e *streamEnv) waitEnded(t *testing.T) {
	t.Helper()
	select {
	case <-e.ended:
	case <-time.After(wait):
		t.Fatal("stream handler still running")
	}
}

var testTime = time.Date(2026, 3, 14, 7, 31, 5, 0, time.UTC)

// envelope wraps ev as an integrator would send it.
func envelope(id string, ev es.Event) es.Envelope {
	data, err := json.Marshal(ev)
	if err != nil {
		panic(err)
	}
	return es.Envelope{SpecVersion: es.SpecVersion, ID: id, Source: "urn:test", Type: ev.EventType(), Time: testTime, Subject: ev.Stream(), Data: data}
}

func stacked(id string, c iso6346.ContainerID, block string, bay, row int) es.Envelope {
	return envelope(id, yard.ContainerStacked{Container: c, Block: block, Bay: bay, Row: row, Tier: 1, Crane: "RTG01"})
}

func lifted(id string, c iso6346.ContainerID, block string, bay, row int) es.Envelope {
	return envelope(id, yard.ContainerLifted{Container: c, Block: block, Bay: bay, Row: row, Tier: 1, Crane: "RTG01"})
}

// position is a position fix at p (WGS84).
func position(id, machine string, p orb.Point) es.Envelope {
	return envelope(id, equipment.PositionReported{Equipment: machine, Kind: equipment.Truck, Lon: p[0], Lat: p[1]})
}

// slotCentre is the WGS84 centre of a ground slot.
func (e *streamEnv) slotCentre(t *testing.T, block string, bay, row int) orb.Point {
	t.Helper()
	b, ok := e.layout.Block(block)
	if !ok {
		t.Fatalf("no block %s in the demo layout", block)
	}
	return e.layout.ToWGS84(b.SlotCentre(bay, row))
}

// around is a bbox parameter of about 2 m each way around p (WGS84), smaller than a slot.
func around(p orb.Point) string {
	const d = 0.00002 // degrees
	return fmt.Sprintf("bbox=%.7f,%.7f,%.7f,%.7f", p[0]-d, p[1]-d, p[0]+d, p[1]+d)
}

func TestStreamStartsAtHeadAndFollows(t *testing.T) {
	e := newStreamEnv(t)
	e.append(t, stacked("e1", "MSCU1234566", "A01", 1, 1), stacked("e2", "MSCU1234566", "A01", 2, 1))
	c := e.open(t, "", "")
	if ct := c.resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("Content-Type %q", ct)
	}
	if cc := c.resp.Header.Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("Cache-Control %q", cc)
	}
	e.append(t, lifted("e3", "MSCU1234566", "A01", 2, 1))
	m := c.next(t)
	if m.id != "3" || m.event != yard.TypeContainerLifted {
		t.Fatalf("first message id=%s event=%s, want the first event appended after the request (3, %s)", m.id, m.event, yard.TypeContainerLifted)
	}
	var env es.Envelope
	if err := json.Unmarshal([]byte(m.data), &env); err != nil {
		t.Fatalf("data is not an envelope: %v\n%s", err, m.data)
	}
	if env.ID != "e3" || env.Position != 3 || env.Version != 3 || env.Recorded.IsZero() || env.Subject != "container-MSCU1234566" {
		t.Fatalf("envelope = %+v", env)
	}
	for _, field := range []string{`"recordedtime":`, `"position":3`, `"streamversion":3`} {
		if !strings.Contains(m.data, field) {
			t.Errorf("data lacks %s: %s", field, m.data)
		}
	}
	e.append(t, stacked("e4", "MSCU1234566", "B02", 1, 1), stacked("e5", "MSCU1234566", "B02", 1, 2))
	c.expect(t, 4, 5)
}

func TestStreamResumes(t *testing.T) {
	tests := []struct {
		name       string
		giveQuery  string
		giveLastID string
		want       []uint64
	}{
		{name: "Last-Event-ID", giveLastID: "3", want: []uint64{4, 5}},
		{name: "Last-Event-ID 0", giveLastID: "0", want: []uint64{1, 2, 3, 4, 5}},
		{name: "from", giveQuery: "from=4", want: []uint64{4, 5}},
		{name: "from 1 replays all", giveQuery: "from=1", want: []uint64{1, 2, 3, 4, 5}},
		{name: "from 0 replays all", giveQuery: "from=0", want: []uint64{1, 2, 3, 4, 5}},
		{name: "Last-Event-ID wins over from", giveQuery: "from=1", giveLastID: "4", want: []uint64{5}},
		{name: "blank Last-Event-ID is absent", giveQuery: "from=2", giveLastID: " ", want: []uint64{2, 3, 4, 5}},
	}
	e := newStreamEnv(t)
	for bay := 1; bay <= 5; bay++ {
		e.append(t, stacked(fmt.Sprint("e", bay), "MSCU1234566", "A01", bay, 1))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.open(t, tt.giveQuery, tt.giveLastID).expect(t, tt.want...)
		})
	}
}

func TestStreamResumesAtHeadWithNothingMissed(t *testing.T) {
	e := newStreamEnv(t)
	e.append(t, stacked("e1", "MSCU1234566", "A01", 1, 1), stacked("e2", "MSCU1234566", "A01", 2, 1))
	c := e.open(t, "", "2")
	if m := c.nextAny(t); !m.isComment {
		t.Fatalf("got event %s, want nothing until an append", m.id)
	}
	e.append(t, stacked("e3", "MSCU1234566", "A01", 3, 1))
	c.expect(t, 3)
}

func TestStreamFilters(t *testing.T) {
	e := newStreamEnv(t)
	a11 := e.slotCentre(t, "A01", 1, 1)
	a406 := e.slotCentre(t, "A01", 40, 6)
	b02 := e.slotCentre(t, "B02", 10, 3)
	far := e.layout.ToWGS84(orb.Point{-2000, -2000}) // in no block
	e.append(t,
		stacked("e1", "MSCU1234566", "A01", 1, 1),                                     // 1: A01, in the box round A01 1/1
		stacked("e2", "OOLU7654321", "A01", 40, 6),                                    // 2: A01, far end
		stacked("e3", "MSKU9045510", "B02", 10, 3),                                    // 3: B02
		position("e4", "IT-1", a11),                                                   // 4: in A01 and the box
		position("e5", "IT-2", b02),                                                   // 5: in B02
		position("e6", "IT-3", far),                                                   // 6: nowhere
		envelope("e7", yard.ContainerHeld{Container: "MSCU1234566", Hold: "customs"}), // 7: no place
		lifted("e8", "MSCU1234566", "A01", 1, 1),                                      // 8: A01, in the box
		envelope("e9", equipment.StatusChanged{Equipment: "IT-1", Kind: equipment.Truck, Status: equipment.Idle}), // 9: no place
	)
	tests := []struct {
		name      string
		giveQuery string
		want      []uint64
	}{
		{name: "none", want: []uint64{1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{name: "one block", giveQuery: "block=A01", want: []uint64{1, 2, 4, 8}},
		{name: "two blocks", giveQuery: "block=A01,B02", want: []uint64{1, 2, 3, 4, 5, 8}},
		{name: "block repeated", giveQuery: "block=B02&block=A01", want: []uint64{1, 2, 3, 4, 5, 8}},
		{name: "bbox round a slot", giveQuery: around(a11), want: []uint64{1, 4, 8}},
		{name: "bbox round the far slot", giveQuery: around(a406), want: []uint64{2}},
		{name: "bbox round nowhere", giveQuery: around(far), want: []uint64{6}},
		{name: "type", giveQuery: "type=yard.ContainerStacked", want: []uint64{1, 2, 3}},
		{name: "type is exact", giveQuery: "type=equipment.PositionReported", want: []uint64{4, 5, 6}},
		{name: "context prefix", giveQuery: "type=yard.", want: []uint64{1, 2, 3, 7, 8}},
		{name: "type and prefix", giveQuery: "type=yard.ContainerLifted,equipment.", want: []uint64{4, 5, 6, 8, 9}},
		{name: "block and type", giveQuery: "block=A01&type=equipment.PositionReported", want: []uint64{4}},
		{name: "all three", giveQuery: "block=A01,B02&" + around(a11) + "&type=yard.ContainerStacked", want: []uint64{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := "from=1"
			if tt.giveQuery != "" {
				q += "&" + tt.giveQuery
			}
			e.open(t, q, "").expect(t, tt.want...)
		})
	}
}

func TestStreamFiltersLiveEvents(t *testing.T) {
	e := newStreamEnv(t)
	c := e.open(t, "block=B02&type=yard.", "")
	e.append(t,
		stacked("e1", "MSCU1234566", "A01", 1, 1),
		position("e2", "IT-2", e.slotCentre(t, "B02", 1, 1)),
		stacked("e3", "OOLU7654321", "B02", 1, 1),
	)
	c.expect(t, 3)
}

func TestStreamRefusesMalformedParameters(t *testing.T) {
	tests := []struct {
		name       string
		giveQuery  string
		giveLastID string
		wantParam  string
	}{
		{name: "from not a number", giveQuery: "from=abc", wantParam: "from"},
		{name: "from negative", giveQuery: "from=-1", wantParam: "from"},
		{name: "from twice", giveQuery: "from=1&from=2", wantParam: "from"},
		{name: "from beyond the log", giveQuery: "from=5", wantParam: "from"},
		{name: "Last-Event-ID not a number", giveLastID: "x", wantParam: "Last-Event-ID"},
		{name: "Last-Event-ID beyond the log", giveLastID: "4", wantParam: "Last-Event-ID"},
		{name: "unknown block", giveQuery: "block=Z99", wantParam: "block"},
		{name: "empty block", giveQuery: "block=", wantParam: "block"},
		{name: "empty block entry", giveQuery: "block=A01,,B02", wantParam: "block"},
		{name: "bbox of three", giveQuery: "bbox=1,2,3", wantParam: "bbox"},
		{name: "bbox not numbers", giveQuery: "bbox=a,b,c,d", wantParam: "bbox"},
		{name: "bbox NaN", giveQuery: "bbox=NaN,0,1,1", wantParam: "bbox"},
		{name: "bbox reversed", giveQuery: "bbox=-5.50,35.88,-5.51,35.89", wantParam: "bbox"},
		{name: "bbox south above north", giveQuery: "bbox=-5.51,35.89,-5.50,35.88", wantParam: "bbox"},
		{name: "bbox longitude", giveQuery: "bbox=179,0,181,1", wantParam: "bbox"},
		{name: "bbox latitude", giveQuery: "bbox=0,-91,1,0", wantParam: "bbox"},
		{name: "bbox twice", giveQuery: "bbox=0,0,1,1&bbox=0,0,1,1", wantParam: "bbox"},
		{name: "unknown type", giveQuery: "type=yard.ContainerStackd", wantParam: "type"},
		{name: "context without dot", giveQuery: "type=yard", wantParam: "type"},
		{name: "unknown context", giveQuery: "type=rail.", wantParam: "type"},
		{name: "empty type", giveQuery: "type=", wantParam: "type"},
		{name: "unknown parameter", giveQuery: "blocks=A01", wantParam: "blocks"},
	}
	e := newStreamEnv(t)
	e.append(t, stacked("e1", "MSCU1234566", "A01", 1, 1), stacked("e2", "MSCU1234566", "A01", 2, 1), stacked("e3", "MSCU1234566", "A01", 3, 1))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, cancel := e.get(t, tt.giveQuery, tt.giveLastID)
			defer cancel()
			defer resp.Body.Close()
			var body errorBody
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				t.Fatalf("status %d, body not JSON: %v", resp.StatusCode, err)
			}
			if resp.StatusCode != http.StatusBadRequest || !strings.HasPrefix(body.Error, tt.wantParam+": ") {
				t.Fatalf("status %d %q, want 400 naming %s", resp.StatusCode, body.Error, tt.wantParam)
			}
			e.waitEnded(t)
		})
	}
}

func TestStreamPingsWhenIdle(t *testing.T) {
	e := newStreamEnv(t)
	c := e.open(t, "", "")
	for range 2 {
		if m := c.nextAny(t); !m.isComment || m.comment != "ping" {
			t.Fatalf("got %+v, want a ping", m)
		}
	}
}

func TestStreamEndsWhenClientGoes(t *testing.T) {
	e := newStreamEnv(t)
	c := e.open(t, "", "")
	c.nextAny(t) // streaming
	c.cancel()
	e.waitEnded(t)
}

func TestStreamEndsOnShutdown(t *testing.T) {
	e := newStreamEnv(t)
	c := e.open(t, "", "")
	c.nextAny(t)
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := e.ts.Config.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown waited for the stream: %v", err)
	}
	e.waitEnded(t)
	for range c.msgs { // the client sees the end of the stream
	}
}

func TestStreamEndsWhenStoreCloses(t *testing.T) {
	e := newStreamEnv(t)
	c := e.open(t, "", "")
	c.nextAny(t)
	if err := e.store.Close(); err != nil {
		t.Fatal(err)
	}
	e.waitEnded(t)
	for range c.msgs {
	}
}

func TestStreamWithoutFeedIsUnavailable(t *testing.T) {
	s := New(Config{}, Deps{})
	rec := httptest.NewRecorder()
	s.eventStream(nil, nil).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/stream", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
}

// endlessFeed hands out batches of size events for ever, as fast as they are taken.
type endlessFeed struct {
	size    int
	offered atomic.Int64 // batches handed to handle
	handled atomic.Int64 // batches handle returned from
}

func (f *endlessFeed) Head(context.Context) (uint64, error) { return 0, nil }

func (f *endlessFeed) Subscribe(ctx context.Context, from uint64, handle func(context.Context, []es.Envelope) error) error {
	data := json.RawMessage(`{"container":"MSCU1234566","hold":"customs","reason":"` + strings.Repeat("x", 1000) + `"}`)
	for pos := from; ; {
		batch := make([]es.Envelope, f.size)
		for i := range batch {
			batch[i] = es.Envelope{Type: yard.TypeContainerHeld, Position: pos, Data: data}
			pos++
		}
		f.offered.Add(1)
		if err := handle(ctx, batch); err != nil {
			return err
		}
		f.handled.Add(1)
	}
}

// gatedWriter is a ResponseWriter whose body writes wait until the test closes gate. It says on
// blocked when the first write waits.
type gatedWriter struct {
	header  http.Header
	gate    chan struct{}
	blocked chan struct{}
	once    atomic.Bool
}

func (w *gatedWriter) Header() http.Header { return w.header }
func (w *gatedWriter) WriteHeader(int)     {}
func (w *gatedWriter) Flush()              {}
func (w *gatedWriter) Write(b []byte) (int, error) {
	if w.once.CompareAndSwap(false, true) {
		close(w.blocked)
	}
	<-w.gate
	return len(b), nil
}

// While a batch is being written, the subscription holds it and reads no further: one batch per
// client in memory.
func TestStreamTakesNoBatchBeforeTheLastIsWritten(t *testing.T) {
	feed := &endlessFeed{size: 10}
	e := serveStream(t, feed, nil)
	w := &gatedWriter{header: http.Header{}, gate: make(chan struct{}), blocked: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.stream.ServeHTTP(w, httptest.NewRequestWithContext(ctx, http.MethodGet, "/api/v1/stream", nil))
	}()
	select {
	case <-w.blocked:
	case <-time.After(wait):
		t.Fatal("the stream wrote nothing")
	}
	time.Sleep(50 * time.Millisecond) // room for a stream that reads ahead to do so
	if o, h := feed.offered.Load(), feed.handled.Load(); o != 1 || h != 0 {
		t.Errorf("while the first batch is written: %d batches offered, %d handled; want 1 and 0", o, h)
	}
	cancel()
	close(w.gate)
	select {
	case <-done:
	case <-time.After(wait):
		t.Fatal("stream handler still running")
	}
}

// A client that stops reading without closing the connection is dropped after the write timeout,
// and the stream has not read the feed ahead of what the connection took.
func TestStreamDropsAClientThatStopsReading(t *testing.T) {
	feed := &endlessFeed{size: 1000} // ~1 MB a batch
	e := serveStream(t, feed, nil)
	e.stream.writeTimeout = 300 * time.Millisecond
	resp, cancel := e.get(t, "", "")
	defer cancel()
	defer resp.Body.Close() // never read
	e.waitEnded(t)
	// Socket buffers take a few MB; a stream without back-pressure would run to thousands.
	if n := feed.offered.Load(); n > 64 {
		t.Fatalf("%d batches of 1,000 events taken for a client that reads nothing", n)
	}
}

// The query examples of the doc comment are accepted as written.
func TestStreamDocumentedQueries(t *testing.T) {
	e := newStreamEnv(t)
	for _, q := range []string{
		"block=A01,B02",
		"bbox=" + url.QueryEscape("-5.51,35.88,-5.50,35.89"),
		"type=yard.ContainerStacked,equipment.PositionReported",
		"type=yard.",
		"from=1",
	} {
		c := e.open(t, q, "")
		c.cancel()
		e.waitEnded(t)
	}
}
