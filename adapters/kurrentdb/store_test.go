package kurrentdb

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kurrent-io/KurrentDB-Client-Go/kurrentdb"

	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/es/estest"
)

// urlEnv names the KurrentDB server the contract suite runs against.
const urlEnv = "YARDTWIN_KURRENTDB_URL"

// serverURL returns the server to test against, or skips the test saying how to get one.
func serverURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv(urlEnv)
	if testing.Short() || u == "" {
		t.Skip(urlEnv + " is not set, so there is no KurrentDB server to run the store contract against. Start one with\n" +
			"  docker run --rm -d --name kurrentdb -p 127.0.0.1:2113:2113 -e KURRENTDB_INSECURE=true docker.kurrent.io/kurrent-latest/kurrentdb:25.1.4\n" +
			"(or make up, whose compose file starts the same server) " +
			"and run\n" +
			"  " + urlEnv + "='kurrentdb://127.0.0.1:2113?tls=false' go test -race -count=1 ./adapters/kurrentdb/")
	}
	return u
}

// TestContract runs the store contract on a real server. Every sub-test gets a log stream of its
// own, so that it starts empty; RunDurable's reopened stores find theirs by their directory.
func TestContract(t *testing.T) {
	u := serverURL(t)
	open := func(t *testing.T, stream string) *Store {
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		s, err := Open(ctx, u, Options{Stream: stream, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		return s
	}
	estest.Run(t, func(t *testing.T) es.Store {
		s := open(t, "estest"+randomHex(t)+"-log")
		t.Cleanup(func() { _ = s.Close() })
		return s
	})
	estest.RunDurable(t, func(t *testing.T, dir string) es.Store {
		sum := sha256.Sum256([]byte(dir))
		return open(t, "estest"+hex.EncodeToString(sum[:8])+"-log")
	})
}

func randomHex(t *testing.T) string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// deadAddr returns a loopback address on which nothing listens: a port that was just free.
func deadAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

// unreachable returns a store whose client points at a loopback port where no server listens:
// every call meets a real connection failure from the real client.
func unreachable(t *testing.T, opts Options) *Store {
	t.Helper()
	cfg, err := ParseURL("kurrentdb://" + deadAddr(t) + "?tls=false")
	if err != nil {
		t.Fatal(err)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	s, err := connect(cfg, opts.withDefaults())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestOpenUnreachableServer(t *testing.T) {
	url := "kurrentdb://yard:s3cret-pw@" + deadAddr(t) // TLS on: the client sends a login over TLS only
	start := time.Now()
	_, err := Open(t.Context(), url, Options{CallTimeout: 2 * time.Second, Logger: slog.New(slog.DiscardHandler)})
	if err == nil {
		t.Fatal("open succeeded with no server listening")
	}
	if took := time.Since(start); took > 30*time.Second {
		t.Errorf("open took %s to fail, want about the 2 s call timeout", took)
	}
	if strings.Contains(err.Error(), "s3cret-pw") {
		t.Errorf("error repeats the password: %v", err)
	}
	for _, want := range []string{"kurrentdb: open", "read the log yardtwin-log"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	// The real client's error for a server it cannot reach comes through the wrapping, classified
	// as one to wait out.
	var kerr *kurrentdb.Error
	if !errors.As(err, &kerr) || kerr.Code() != kurrentdb.ErrorUnavailable {
		t.Errorf("open = %v, want a *kurrentdb.Error with code ErrorUnavailable inside", err)
	}
	if k := kindOf(err); k != kindTransient {
		t.Errorf("kind of %v = %d, want transient", err, k)
	}
}

func TestCallsOnUnreachableServerFailWithinTheirDeadline(t *testing.T) {
	s := unreachable(t, Options{CallTimeout: 300 * time.Millisecond})
	ctx := t.Context()
	_, errAppend := s.Append(ctx, estest.To("block-B07", es.NoStream, "e1"))
	_, errStream := s.ReadStream(ctx, "block-B07", 0)
	_, errAll := s.ReadAll(ctx, 1, 10)
	_, errHead := s.Head(ctx)
	for name, err := range map[string]error{"Append": errAppend, "ReadStream": errStream, "ReadAll": errAll, "Head": errHead} {
		switch {
		case err == nil:
			t.Errorf("%s succeeded with no server", name)
		case errors.Is(err, es.ErrConflict), errors.Is(err, es.ErrClosed):
			t.Errorf("%s = %v, want a connection error, not a conflict or a closed store", name, err)
		case !strings.HasPrefix(err.Error(), "kurrentdb: "):
			t.Errorf("%s = %v, want it wrapped with the adapter's prefix", name, err)
		}
	}
	// The failed append was not indexed: nothing is known of e1.
	if s.idx.head != 0 || len(s.idx.ids) != 0 {
		t.Errorf("index after failed calls: head %d, %d ids; want it empty", s.idx.head, len(s.idx.ids))
	}
}

// recordingHandler counts the log records at warning level and above.
type recordingHandler struct {
	mu    sync.Mutex
	warns []string
}

func (h *recordingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *recordingHandler) Handle(_ context.Context, r slog.Record) error {
	if r.Level >= slog.LevelWarn {
		h.mu.Lock()
		h.warns = append(h.warns, r.Message)
		h.mu.Unlock()
	}
	return nil
}
func (h *recordingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *recordingHandler) WithGroup(string) slog.Handler      { return h }

func (h *recordingHandler) count(msg string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, w := range h.warns {
		if w == msg {
			n++
		}
	}
	return n
}

func TestSubscribeKeepsRetryingUntilCtxEnds(t *testing.T) {
	h := &recordingHandler{}
	s := unreachable(t, Options{CallTimeout: 200 * time.Millisecond, BackoffMin: 10 * time.Millisecond, BackoffMax: 40 * time.Millisecond, Logger: slog.New(h)})
	ctx, cancel := context.WithTimeout(t.Context(), 1500*time.Millisecond)
	defer cancel()
	calls := 0
	err := s.Subscribe(ctx, 1, func(context.Context, []es.Envelope) error { calls++; return nil })
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("subscribe = %v, want ctx's deadline", err)
	}
	if calls != 0 {
		t.Errorf("handler called %d times with no server", calls)
	}
	if n := h.count("subscription dropped; subscribing again"); n < 2 {
		t.Errorf("%d retries logged in 1.5 s, want at least 2", n)
	}
}

func TestSubscribeEndsWithErrClosedWhenStoreCloses(t *testing.T) {
	s := unreachable(t, Options{CallTimeout: 200 * time.Millisecond, BackoffMin: 10 * time.Millisecond})
	done := make(chan error, 1)
	go func() {
		done <- s.Subscribe(t.Context(), 1, func(context.Context, []es.Envelope) error { return nil })
	}()
	time.Sleep(100 * time.Millisecond)
	if err := s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	select {
	case err := <-done:
		if !errors.Is(err, es.ErrClosed) {
			t.Errorf("subscribe = %v, want es.ErrClosed", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("subscription still running 10 s after Close")
	}
}

func TestClosedStoreRefusesEverything(t *testing.T) {
	s := unreachable(t, Options{})
	if err := s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second close: %v", err)
	}
	ctx := t.Context()
	_, errAppend := s.Append(ctx, estest.To("block-B07", es.AnyVersion, "e1"))
	_, errEmpty := s.Append(ctx)
	_, errStream := s.ReadStream(ctx, "block-B07", 0)
	_, errAll := s.ReadAll(ctx, 1, 10)
	_, errHead := s.Head(ctx)
	errSub := s.Subscribe(ctx, 1, func(context.Context, []es.Envelope) error { return nil })
	for name, err := range map[string]error{
		"Append": errAppend, "empty Append": errEmpty, "ReadStream": errStream, "ReadAll": errAll, "Head": errHead, "Subscribe": errSub,
	} {
		if !errors.Is(err, es.ErrClosed) {
			t.Errorf("%s on a closed store = %v, want es.ErrClosed", name, err)
		}
	}
}

func TestAppendRefusesMalformedBatchesBeforeCallingTheServer(t *testing.T) {
	s := unreachable(t, Options{MaxAppendBytes: 4096})
	big := estest.Event("big")
	big.Data = []byte(`"` + strings.Repeat("x", 5000) + `"`)
	tests := []struct {
		name      string
		giveBatch []es.StreamEvents
		wantErr   string
	}{
		{"EmptyStream", []es.StreamEvents{estest.To("", es.AnyVersion, "e1")}, "kurrentdb: append: empty stream name"},
		{"EmptyID", []es.StreamEvents{estest.To("block-B07", es.AnyVersion, "")}, "kurrentdb: append block-B07: event 0 has no id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Append(t.Context(), tt.giveBatch...)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("append = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
	// The size is checked after deciding, which needs the server (a catch-up) first: check the
	// rule itself on what decide places.
	p, err := newIndex().decide([]es.StreamEvents{{Stream: "block-B07", Expected: es.AnyVersion, Events: []es.Envelope{big}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.encodeAll(p.write); err == nil || !strings.Contains(err.Error(), "more than one append may carry (4096") {
		t.Errorf("encodeAll of %d bytes with a 4096-byte limit = %v, want refused", len(big.Data), err)
	}
	got, err := s.Append(t.Context())
	if err != nil || len(got) != 0 {
		t.Errorf("append of nothing = %v, %v; want nothing, nil", got, err)
	}
}

func TestKindOfClientErrors(t *testing.T) {
	tests := []struct {
		give kurrentdb.ErrorCode
		want kind
	}{
		{kurrentdb.ErrorCodeWrongExpectedVersion, kindWrongVersion},
		{kurrentdb.ErrorCodeStreamRevisionConflict, kindWrongVersion},
		{kurrentdb.ErrorCodeResourceNotFound, kindNotFound},
		{kurrentdb.ErrorCodeDeadlineExceeded, kindTransient},
		{kurrentdb.ErrorUnavailable, kindTransient},
		{kurrentdb.ErrorAborted, kindTransient},
		{kurrentdb.ErrorCodeNotLeader, kindTransient},
		{kurrentdb.ErrorCodeConnectionClosed, kindTransient},
		{kurrentdb.ErrorCodeInternalServer, kindTransient},
		{kurrentdb.ErrorCodeUnknown, kindTransient},
		{kurrentdb.ErrorCodeUnauthenticated, kindFatal},
		{kurrentdb.ErrorCodeAccessDenied, kindFatal},
		{kurrentdb.ErrorCodeStreamDeleted, kindFatal},
		{kurrentdb.ErrorCodeStreamTombstoned, kindFatal},
		{kurrentdb.ErrorCodeAppendRecordSizeExceeded, kindFatal},
		{kurrentdb.ErrorCodeAppendTransactionSizeExceeded, kindFatal},
		{kurrentdb.ErrorCodeUnsupportedFeature, kindFatal},
		{kurrentdb.ErrorCodeParsing, kindFatal},
		{kurrentdb.ErrorCodeInternalClient, kindFatal},
	}
	for _, tt := range tests {
		if got := kindOfCode(tt.give); got != tt.want {
			t.Errorf("kindOfCode(%d) = %d, want %d", tt.give, got, tt.want)
		}
	}
}

func TestKindOfOtherErrors(t *testing.T) {
	tests := []struct {
		name string
		give error
		want kind
	}{
		{"ForeignEventInLog", errors.Join(errors.New("read yardtwin-log"), errForeign), kindFatal},
		{"DamagedLog", errors.Join(errors.New("read yardtwin-log"), errDamaged), kindFatal},
		{"NetworkError", &net.OpError{Op: "dial", Err: errors.New("connection refused")}, kindTransient},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := kindOf(tt.give); got != tt.want {
				t.Errorf("kindOf(%v) = %d, want %d", tt.give, got, tt.want)
			}
		})
	}
}

func TestClientLogger(t *testing.T) {
	var got []string
	h := &levelRecorder{got: &got}
	log := clientLogger(slog.New(h))
	log(kurrentdb.LogError, "subscription has dropped. Reason: %v", []any{context.Canceled})
	log(kurrentdb.LogWarn, "Unknown setting: %s", "foo")
	log(kurrentdb.LogDebug, "connected to %s:%d", "db1", 2113)
	want := []string{
		"INFO kurrentdb client: subscription has dropped. Reason: context canceled",
		"INFO kurrentdb client: Unknown setting: foo",
		"DEBUG kurrentdb client: connected to db1:2113",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("logged:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// levelRecorder keeps "LEVEL message" of every record.
type levelRecorder struct{ got *[]string }

func (h *levelRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (h *levelRecorder) Handle(_ context.Context, r slog.Record) error {
	*h.got = append(*h.got, r.Level.String()+" "+r.Message)
	return nil
}
func (h *levelRecorder) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *levelRecorder) WithGroup(string) slog.Handler      { return h }
