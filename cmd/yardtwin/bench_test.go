package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/yardtwin/yardtwin/adapters/bolt"
	"github.com/yardtwin/yardtwin/domain/contract"
	"github.com/yardtwin/yardtwin/domain/equipment"
	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/es/estest"
	"github.com/yardtwin/yardtwin/domain/yard"
	"github.com/yardtwin/yardtwin/projections"
	"github.com/yardtwin/yardtwin/scenarios/synthetic"
	"github.com/yardtwin/yardtwin/scenarios/tangermed"
	"github.com/yardtwin/yardtwin/simulator"
)

// Ingest workload: batches of benchBatch events from benchClients concurrent HTTP clients.
const (
	benchEvents  = 200_000
	benchBatch   = 1_000
	benchClients = 4
)

// BenchmarkIngestHTTP measures events/s from POST /api/v1/events until stored and projected, on the
// embedded defaults, with the demo terminal's realistic mix of events, and in the same run the
// baseline: encoding/json decoding the same events (the envelope and its data, into their Go
// types) on one goroutine. It reports both rates and their ratio.
func BenchmarkIngestHTTP(b *testing.B) {
	mix := newDemoMix(b)
	defer mix.feed.Close()
	reg := contract.NewRegistry()
	for run := 0; run < b.N; run++ {
		b.StopTimer()
		events, _ := mix.next(b, benchEvents)
		decodeRate := decodeRate(b, reg, events)
		base := startTwinWith(b, serveFlags{Data: b.TempDir()})
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: benchClients}}
		b.StartTimer()

		start := time.Now()
		var wg sync.WaitGroup
		batches := make(chan []json.RawMessage)
		for range benchClients {
			wg.Go(func() {
				for batch := range batches {
					status, answer, err := post(context.Background(), client, base, batch)
					if err != nil || status != http.StatusAccepted {
						b.Errorf("POST = %d %s %v", status, answer[:min(len(answer), 200)], err)
					}
				}
			})
		}
		for lo := 0; lo < len(events); lo += benchBatch {
			batches <- events[lo:min(lo+benchBatch, len(events))]
		}
		close(batches)
		wg.Wait()
		stored := time.Since(start)
		waitProjected(b, base)
		projected := time.Since(start)

		b.StopTimer()
		rate := float64(len(events)) / projected.Seconds()
		b.ReportMetric(float64(len(events))/stored.Seconds(), "stored-events/s")
		b.ReportMetric(rate, "projected-events/s")
		b.ReportMetric(decodeRate, "baseline-decode-events/s")
		b.ReportMetric(rate/decodeRate, "ratio-to-decode")
		b.StartTimer()
	}
}

// newDemoMix starts the demo scenario's simulator, its horizon lifted, with events from the twin's
// now on (a terminal reporting on time, not a late log).
func newDemoMix(b testing.TB) *demoMix {
	sc, err := simulator.LoadScenario(os.DirFS(filepath.Dir(demoScenarioFile)), filepath.Base(demoScenarioFile))
	if err != nil {
		b.Fatal(err)
	}
	sc.Horizon = 10 * 365 * 24 * time.Hour // callers stop when they have enough events
	layout, err := tangermed.Layout()
	if err != nil {
		b.Fatal(err)
	}
	feed, err := simulator.NewFeed(sc, layout, simulator.Options{Start: estest.Now().Truncate(time.Second)})
	if err != nil {
		b.Fatal(err)
	}
	return &demoMix{feed: feed, until: feed.Start()}
}

// demoMix runs the demo terminal's simulator a day at a time and hands out its events as JSON: the
// realistic mix of types (about 355 bytes each) the ingest benchmarks feed.
type demoMix struct {
	feed    *simulator.Feed
	until   time.Time
	pending []json.RawMessage
}

// next returns the next n events and their total size.
func (g *demoMix) next(b testing.TB, n int) ([]json.RawMessage, int) {
	sink := simulator.SinkFunc(func(_ context.Context, batch []es.Envelope) error {
		for _, env := range batch {
			raw, err := json.Marshal(env)
			if err != nil {
				return err
			}
			g.pending = append(g.pending, raw)
		}
		return nil
	})
	for len(g.pending) < n {
		g.until = g.until.Add(24 * time.Hour)
		if err := g.feed.Run(context.Background(), sink, g.until); err != nil {
			b.Fatal(err)
		}
	}
	out := g.pending[:n:n]
	g.pending = slices.Clone(g.pending[n:])
	size := 0
	for _, raw := range out {
		size += len(raw)
	}
	return out, size
}

// decodeRate is the rate at which encoding/json decodes the events, envelope and data into the
// newest Go type of each, on one goroutine: the baseline of the chunk.
func decodeRate(b testing.TB, reg *es.Registry, events []json.RawMessage) float64 {
	start := time.Now()
	for _, raw := range events {
		var env es.Envelope
		if err := json.Unmarshal(raw, &env); err != nil {
			b.Fatal(err)
		}
		if _, err := reg.Decode(env); err != nil {
			b.Fatal(err)
		}
	}
	return float64(len(events)) / time.Since(start).Seconds()
}

// rebuildLog is a store holding a generated log, made once per test process and removed by TestMain.
var rebuildLog struct {
	once sync.Once
	dir  string
	n    uint64
	err  error
}

const rebuildEvents = 1_000_000

// TestMain removes the generated rebuild log after the run.
func TestMain(m *testing.M) {
	code := m.Run()
	if rebuildLog.dir != "" {
		os.RemoveAll(rebuildLog.dir)
	}
	os.Exit(code)
}

// BenchmarkRebuild measures folding the whole log from the embedded store into fresh projections
// (read, decode, apply to yardmap, kpi and deadletters), as "yardtwin replay" does, on a log of 1 M
// events.
func BenchmarkRebuild(b *testing.B) {
	rebuildLog.once.Do(func() { rebuildLog.dir, rebuildLog.n, rebuildLog.err = writeLog(rebuildEvents) })
	if rebuildLog.err != nil {
		b.Fatal(rebuildLog.err)
	}
	layout, err := tangermed.Layout()
	if err != nil {
		b.Fatal(err)
	}
	store, err := bolt.Open(rebuildLog.dir)
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	reg := contract.NewRegistry()
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		models := readModels(terminal{Layout: layout})
		ps := make([]projections.Projection, len(models))
		for i, m := range models {
			ps[i] = m
		}
		runner := projections.NewRunner(store, reg, nil, projections.RunnerConfig{}, nil, ps...)
		if err := runner.CatchUp(context.Background(), nil); err != nil {
			b.Fatal(err)
		}
		if runner.Position() != rebuildLog.n {
			b.Fatalf("folded to %d, want %d", runner.Position(), rebuildLog.n)
		}
		b.ReportMetric(float64(rebuildLog.n)/time.Since(start).Seconds(), "events/s")
	}
}

// writeLog stores n events of a realistic mix: each box is announced, stacked, and half of them
// lifted again, with a crane position report every few moves.
func writeLog(n int) (string, uint64, error) {
	dir, err := os.MkdirTemp("", "yardtwin-rebuild-")
	if err != nil {
		return "", 0, err
	}
	store, err := bolt.Open(dir)
	if err != nil {
		return "", 0, err
	}
	defer store.Close()
	at := testDay
	var batch []es.StreamEvents
	for k := 0; k < n; k++ {
		c := box("REB", k/4)
		var ev es.Event
		switch k % 4 {
		case 0:
			ev = yard.ContainerAnnounced{Container: c, SizeType: "45G1", WeightKg: 21000, Category: yard.Transhipment}
		case 1:
			ev = slotted(c, k/4)
		case 2:
			if (k/4)%2 == 0 {
				ev = yard.ContainerLifted(slotted(c, k/4))
			} else {
				ev = yard.ContainerHeld{Container: c, Hold: "customs"}
			}
		case 3:
			ev = craneReport(k)
		}
		data, _ := json.Marshal(ev)
		env := es.Envelope{SpecVersion: es.SpecVersion, ID: fmt.Sprint("reb-", k), Source: "urn:bench", Type: ev.EventType(), Time: at.Add(time.Duration(k) * time.Second), SchemaVersion: 1, Data: data}
		batch = append(batch, es.StreamEvents{Stream: ev.Stream(), Expected: es.AnyVersion, Events: []es.Envelope{env}})
		if len(batch) == 10_000 || k == n-1 {
			if _, err := store.Append(context.Background(), batch...); err != nil {
				return "", 0, err
			}
			batch = batch[:0]
		}
	}
	head, err := store.Head(context.Background())
	return dir, head, err
}

// craneReport is a position report of one of eight quay cranes moving along the quay.
func craneReport(k int) equipment.PositionReported {
	return equipment.PositionReported{
		Equipment: fmt.Sprintf("QC%02d", 1+k%8), Kind: equipment.QuayCrane,
		Lon: -5.5090 + float64(k%1000)*0.000006, Lat: 35.8860 + float64(k%1000)*0.000002,
	}
}

// BenchmarkIngestKafka measures events/s from a Kafka topic (an in-process kfake broker, 4
// partitions) until stored and projected, timed from the first event settled (after the twin has
// joined the consumer group), and in the same run the baseline: a bare kafka-go
// consumer-group reader fetching the same messages and committing in batches. It reports both
// rates and their ratio.
func BenchmarkIngestKafka(b *testing.B) {
	for run := 0; run < b.N; run++ {
		b.StopTimer()
		broker := startKafka(b)
		topic := fmt.Sprintf("bench-%d", run)
		produce(b, broker, topic, stackRecords(fmt.Sprintf("kb%d", run), "KBE", benchEvents))
		raw := rawConsumeRate(b, broker, topic, benchEvents)
		b.StartTimer()

		base := startTwinWith(b, serveFlags{Data: b.TempDir(), KafkaBrokers: broker, KafkaTopic: topic, KafkaGroup: "twin", Clock: onTestDay})
		waitIngested(b, base, 1) // the group is joined: time the consumption, not the join
		start := time.Now()
		waitIngested(b, base, benchEvents)
		stored := time.Since(start)
		waitProjected(b, base)
		projected := time.Since(start)

		b.StopTimer()
		rate := benchEvents / projected.Seconds()
		b.ReportMetric(benchEvents/stored.Seconds(), "stored-events/s")
		b.ReportMetric(rate, "projected-events/s")
		b.ReportMetric(raw, "baseline-kafka-go-events/s")
		b.ReportMetric(rate/raw, "ratio-to-kafka-go")
		b.StartTimer()
	}
}

// rawConsumeRate reads n messages of topic with a bare kafka-go group reader (FetchMessage, commits
// every second) and returns messages/s.
func rawConsumeRate(b *testing.B, broker, topic string, n int) float64 {
	r := kafkago.NewReader(kafkago.ReaderConfig{
		Brokers: []string{broker}, Topic: topic, GroupID: "raw-baseline", StartOffset: kafkago.FirstOffset,
		CommitInterval: time.Second, MaxWait: 100 * time.Millisecond, SessionTimeout: 10 * time.Second,
	})
	defer r.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	start := time.Now()
	for i := 0; i < n; i++ {
		m, err := r.FetchMessage(ctx)
		if err != nil {
			b.Fatalf("raw consume: %v after %d", err, i)
		}
		if err := r.CommitMessages(ctx, m); err != nil {
			b.Fatal(err)
		}
	}
	return float64(n) / time.Since(start).Seconds()
}

// BenchmarkQueryLatency measures, over real HTTP against the running twin with 50,000 boxes in the
// yard of a synthetic terminal, the latency of the point query (GET /api/v1/containers/{id}) and of
// the spatial query (GET /api/v1/containers?near=lon,lat&radius=30), p50 and p99 over 2,000 each.
func BenchmarkQueryLatency(b *testing.B) {
	const boxes, queries = 50_000, 2_000
	blocks := (boxes + 1199) / 1200
	data, err := synthetic.Layout(blocks)
	if err != nil {
		b.Fatal(err)
	}
	layoutFile := filepath.Join(b.TempDir(), "layout.geojson")
	if err := os.WriteFile(layoutFile, data, 0o644); err != nil {
		b.Fatal(err)
	}
	layout, err := yard.ParseLayout(data)
	if err != nil {
		b.Fatal(err)
	}
	base := startTwinWith(b, serveFlags{Data: b.TempDir(), Layout: layoutFile, Clock: onTestDay})
	at := testDay
	events := make([]json.RawMessage, 0, 2*boxes)
	for i := range boxes {
		c, s := box("LAT", i), synthetic.Slot(blocks, i)
		for _, ev := range []es.Event{
			yard.ContainerAnnounced{Container: c, SizeType: "45G1", WeightKg: 20000, Category: yard.Transhipment},
			yard.ContainerStacked{Container: c, Block: s.Block, Bay: s.Bay, Row: s.Row, Tier: s.Tier, Crane: "RTG01"},
		} {
			d, _ := json.Marshal(ev)
			env, _ := json.Marshal(es.Envelope{SpecVersion: es.SpecVersion, ID: fmt.Sprintf("lat-%d", len(events)), Source: "urn:bench", Type: ev.EventType(), Time: at, Data: d})
			events = append(events, env)
		}
	}
	for lo := 0; lo < len(events); lo += benchBatch {
		if status, answer, err := post(context.Background(), http.DefaultClient, base, events[lo:min(lo+benchBatch, len(events))]); err != nil || status != http.StatusAccepted {
			b.Fatalf("POST = %d %.200s %v", status, answer, err)
		}
	}
	waitProjected(b, base)
	rng := rand.New(rand.NewPCG(1, 2))
	b.ResetTimer()
	for range b.N {
		point := latencies(b, queries, func() string { return base + "api/v1/containers/" + string(box("LAT", rng.IntN(boxes))) })
		spatial := latencies(b, queries, func() string {
			s := synthetic.Slot(blocks, rng.IntN(boxes))
			blk, _ := layout.Block(s.Block)
			p := layout.ToWGS84(blk.SlotCentre(s.Bay, s.Row))
			return fmt.Sprintf("%sapi/v1/containers?near=%.7f,%.7f&radius=30", base, p[0], p[1])
		})
		b.ReportMetric(ms(point[len(point)/2]), "point-p50-ms")
		b.ReportMetric(ms(point[len(point)*99/100]), "point-p99-ms")
		b.ReportMetric(ms(spatial[len(spatial)/2]), "spatial-p50-ms")
		b.ReportMetric(ms(spatial[len(spatial)*99/100]), "spatial-p99-ms")
	}
}

// latencies runs n GETs of the URLs url makes and returns their durations, sorted.
func latencies(b *testing.B, n int, url func() string) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		u := url()
		start := time.Now()
		resp, err := http.Get(u)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		out[i] = time.Since(start)
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("GET %s = %d", u, resp.StatusCode)
		}
	}
	slices.Sort(out)
	return out
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
