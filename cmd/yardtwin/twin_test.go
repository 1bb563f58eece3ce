package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/fx"

	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/es/estest"
	"github.com/yardtwin/yardtwin/domain/iso6346"
	"github.com/yardtwin/yardtwin/domain/yard"
)

// urlWriter catches the line "serve" announces its address with.
type urlWriter struct{ url chan string }

func (w urlWriter) Write(p []byte) (int, error) {
	if i := bytes.Index(p, []byte("http://")); i >= 0 {
		w.url <- strings.TrimSpace(string(p[i:]))
	}
	return len(p), nil
}

// testDay is when the events the twin tests build happen. A twin fed such events runs on a clock
// started there (Clock: onTestDay), so that they reach it on time whatever day the tests run; a
// twin that pins no clock runs on estest.WallClock, which make test moves a year ahead once.
var testDay = time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)

// onTestDay is the clock setting of a twin whose test builds events on testDay.
var onTestDay = estest.ClockAt(testDay)

// startTwin runs "serve" in process on a free loopback port with its data in dir, and returns the
// base URL (ending in /). The twin stops when the test ends.
func startTwin(t testing.TB, dir string) string {
	t.Helper()
	return startTwinWith(t, serveFlags{Data: dir})
}

// startTwinWith is startTwin with more settings; HTTP, Lanes and LogLevel are set here.
func startTwinWith(t testing.TB, f serveFlags) string {
	t.Helper()
	base, _ := runTwin(t, f)
	return base
}

// runTwin starts the twin and returns its base URL and a stop function; the twin also stops when
// the test ends, if it has not been stopped before. HTTP is a free loopback port; Lanes, Kafka
// consumers and the log level get defaults when not set; extra options are added to the app.
func runTwin(t testing.TB, f serveFlags, extra ...fx.Option) (string, func()) {
	t.Helper()
	f.HTTP = "127.0.0.1:0"
	if f.Clock == "" { // a test that pins no clock runs the twin on the (possibly shifted) wall clock
		f.Clock = estest.ClockSetting()
	}
	f.Lanes = max(f.Lanes, 4)
	f.KafkaConsumers = max(f.KafkaConsumers, 1)
	if f.LogLevel == "" {
		f.LogLevel = "warn"
	}
	announce := urlWriter{url: make(chan string, 1)}
	opts := append([]fx.Option{serveOptions(f), fx.Replace(httpapiListen(f.HTTP, announce)), fx.WithLogger(fxLogger(f.LogLevel))}, extra...)
	app := fx.New(opts...)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := app.Start(ctx); err != nil {
		t.Fatalf("start twin: %v", err)
	}
	var once sync.Once
	stop := func() {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := app.Stop(ctx); err != nil {
				t.Errorf("stop twin: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return <-announce.url, stop
}

// box is the n-th test container of an owner, with a correct check digit.
func box(owner string, n int) iso6346.ContainerID {
	first := fmt.Sprintf("%sU%06d", owner, n%1_000_000)
	d, err := iso6346.CheckDigit(first)
	if err != nil {
		panic(err) // owner codes in tests are three letters
	}
	return iso6346.ContainerID(fmt.Sprintf("%s%d", first, d))
}

// stackEvent is a valid report of container c stacked in a slot derived from n, with event id id.
func stackEvent(id string, c iso6346.ContainerID, n int, at time.Time) json.RawMessage {
	return eventJSON(id, slotted(c, n), at)
}

// eventJSON is event e in its contract envelope, with id id and event time at.
func eventJSON(id string, e es.Event, at time.Time) json.RawMessage {
	data, _ := json.Marshal(e)
	env, _ := json.Marshal(es.Envelope{SpecVersion: es.SpecVersion, ID: id, Source: "urn:yardtwin:test", Type: e.EventType(), Time: at, Data: data})
	return env
}

// slotted is box c stacked in the n-th slot of eight blocks, filling tier by tier.
func slotted(c iso6346.ContainerID, n int) yard.ContainerStacked {
	blocks := []string{"A01", "A02", "A03", "B01", "B02", "B03", "C01", "C02"}
	return yard.ContainerStacked{
		Container: c, Block: blocks[n%len(blocks)],
		Bay: 1 + (n/8)%40, Row: 1 + (n/320)%6, Tier: 1 + (n/1920)%5, Crane: "RTG01",
	}
}

// post sends events as one NDJSON body.
func post(ctx context.Context, client *http.Client, base string, events []json.RawMessage) (int, []byte, error) {
	var body bytes.Buffer
	for _, e := range events {
		body.Write(e)
		body.WriteByte('\n')
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"api/v1/events", &body)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	return resp.StatusCode, answer, err
}

// getJSON decodes a GET answer into v and returns the status.
func getJSON(t testing.TB, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(bufio.NewReader(resp.Body)).Decode(v); err != nil {
		t.Fatalf("GET %s: decode: %v", url, err)
	}
	return resp.StatusCode
}

// waitProjected waits until the projections have folded everything stored.
func waitProjected(t testing.TB, base string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		var h struct{ Stored, Projected uint64 }
		if getJSON(t, base+"healthz", &h) == http.StatusOK && h.Projected == h.Stored {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("projections did not catch up within 30 s")
}
