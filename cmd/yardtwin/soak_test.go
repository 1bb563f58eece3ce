//go:build soak

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/yardtwin/yardtwin/adapters/httpapi/httpapitest"
	"github.com/yardtwin/yardtwin/domain/contract"
)

// The soak's settings: go test -tags soak -bench Soak ./cmd/yardtwin -args -soak.events 12000000.
var (
	soakEvents = flag.Int("soak.events", 12_000_000, "events to feed (the demo's mix; a simulated year is about 12 M)")
	soakChunk  = flag.Int("soak.chunk", 1_000_000, "events between two reports")
	soakVia    = flag.String("soak.via", "http", "how the events reach the twin: http (POST in batches) or kafka (an in-process broker)")
	soakOut    = flag.String("soak.out", "out/soak.tsv", "file the per-chunk figures are written to (tab-separated)")
)

// BenchmarkSoak feeds the demo terminal's events, a simulated year of them, into "yardtwin serve"
// run as a process on its embedded defaults, and reports after every chunk (a million events) the
// rates at which they were stored and projected, the process's anonymous and file-backed RSS and
// its Go heap, beside the rate at which encoding/json decodes the same events on one goroutine (the
// baseline, measured on the same chunk in the same run). At the end it kills the process with
// SIGKILL and times the restart to /readyz, asks for the yard at 50 random moments of the log (the
// first query after the restart included), and times a rebuild from zero on the same store (the
// checkpoints removed). Each chunk is generated and encoded before its timing starts, so the
// simulator never competes with the twin for the two cores.
func BenchmarkSoak(b *testing.B) {
	if b.N > 1 {
		b.Skip("one run is the whole soak: use -benchtime 1x")
	}
	gen := newDemoMix(b)
	defer gen.feed.Close()
	reg := contract.NewRegistry()

	var via soakSender
	// A year of the demo is fed in minutes, so its events run far ahead of the twin's clock.
	// Its heap profile is saved after every chunk (go tool pprof -diff_base shows what grew).
	pprofAddr := freeLoopback(b)
	flags := []string{"--checkpoint-every", "30s", "--time-ahead", "0", "--pprof", pprofAddr}
	switch *soakVia {
	case "http":
		via = &httpSender{client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: benchClients}}}
	case "kafka":
		broker := startKafka(b)
		ks := &kafkaSender{writer: &kafkago.Writer{Addr: kafkago.TCP(broker), Topic: "yard.events", Balancer: &kafkago.Murmur2Balancer{},
			BatchSize: 1000, BatchTimeout: 5 * time.Millisecond, RequiredAcks: kafkago.RequireAll, AllowAutoTopicCreation: true}}
		defer ks.writer.Close()
		via = ks
		flags = append(flags, "--kafka-brokers", broker, "--kafka-topic", "yard.events", "--kafka-group", "soak")
	default:
		b.Fatalf("-soak.via %q is not http or kafka", *soakVia)
	}

	bin := buildBinary(b)
	dir := b.TempDir()
	cmd, base := startProcess(b, bin, dir, flags...)
	via.setBase(base)

	out, err := createSoakOut(*soakOut)
	if err != nil {
		b.Fatal(err)
	}
	defer out.Close()
	fmt.Fprintln(out, "events\tstored_per_s\tprojected_per_s\tdecode_per_s\tratio\trss_anon_mib\trss_file_mib\tgo_heap_mib\tbytes_per_event")
	progressf("soak: %d events of the demo's mix via %s, reports every %d; figures also in %s", *soakEvents, *soakVia, *soakChunk, *soakOut)

	var fed int
	var first, last soakChunkFigures
	var chunks []soakChunkFigures
	for fed < *soakEvents {
		n := min(*soakChunk, *soakEvents-fed)
		events, size := gen.next(b, n)
		decode := decodeRate(b, reg, events)
		start := time.Now()
		via.send(b, events)
		waitHealth(b, base, uint64(fed+n), false)
		storedIn := time.Since(start)
		waitHealth(b, base, uint64(fed+n), true)
		projectedIn := time.Since(start)
		fed += n
		mem := processMemory(b, cmd.Process.Pid)
		saveHeapProfile(b, pprofAddr, fmt.Sprintf("%s-heap-%02dM.pb.gz", strings.TrimSuffix(*soakOut, ".tsv"), fed/1_000_000))
		heap := scrapeSamples(b, base)["go_memstats_heap_inuse_bytes"]
		f := soakChunkFigures{
			events: fed, stored: float64(n) / storedIn.Seconds(), projected: float64(n) / projectedIn.Seconds(),
			decode: decode, rssAnon: mem.anon, rssFile: mem.file, heap: heap, size: float64(size) / float64(n),
		}
		if first.events == 0 {
			first = f
		}
		last = f
		chunks = append(chunks, f)
		if err := plotSoak(strings.TrimSuffix(*soakOut, ".tsv")+".svg", *soakVia, chunks); err != nil {
			b.Fatal(err)
		}
		fmt.Fprintf(out, "%d\t%.0f\t%.0f\t%.0f\t%.3f\t%.1f\t%.1f\t%.1f\t%.0f\n", f.events, f.stored, f.projected, f.decode, f.projected/f.decode, mib(f.rssAnon), mib(f.rssFile), mib(f.heap), f.size)
		progressf("%5.1f M events: stored %6.0f/s, projected %6.0f/s (decode %6.0f/s, ratio %.3f); RSS anon %6.1f MiB, file %7.1f MiB; Go heap %6.1f MiB; %.0f bytes/event",
			float64(f.events)/1e6, f.stored, f.projected, f.decode, f.projected/f.decode, mib(f.rssAnon), mib(f.rssFile), mib(f.heap), f.size)
	}
	span := [2]time.Time{gen.feed.Start(), gen.feed.Now()}
	progressf("fed %d events; now: kill -9, restart, 50 questions about the past, a rebuild from zero", fed)

	// kill -9, then the time to /readyz.
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		b.Fatal(err)
	}
	_ = cmd.Wait()
	began := time.Now()
	restarted, base := startProcess(b, bin, dir, flags...)
	waitReady(b, base)
	restart := time.Since(began)
	progressf("ready %.2f s after the restart; RSS anon %.1f MiB", restart.Seconds(), mib(processMemory(b, restarted.Process.Pid).anon))
	saveHeapProfile(b, pprofAddr, strings.TrimSuffix(*soakOut, ".tsv")+"-heap-restarted.pb.gz")

	// The yard at 50 random moments, the first query after the restart included.
	rng := rand.New(rand.NewPCG(1, 2))
	latencies := make([]time.Duration, 50)
	for i := range latencies {
		at := span[0].Add(time.Duration(rng.Int64N(int64(span[1].Sub(span[0])))))
		t0 := time.Now()
		resp, err := http.Get(base + "api/v1/yard?at=" + url.QueryEscape(at.Format(time.RFC3339)))
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("GET yard?at=%s: %s", at.Format(time.RFC3339), resp.Status)
		}
		latencies[i] = time.Since(t0)
	}
	firstQuery := latencies[0]
	slices.Sort(latencies)

	// Rebuild from zero: the same store, no checkpoints.
	if err := restarted.Process.Signal(syscall.SIGTERM); err != nil {
		b.Fatal(err)
	}
	_ = restarted.Wait()
	if err := os.RemoveAll(filepath.Join(dir, "projections")); err != nil {
		b.Fatal(err)
	}
	began = time.Now()
	rebuilt, base := startProcess(b, bin, dir, flags...)
	waitHealth(b, base, uint64(fed/2), true) // half way: the rebuild's memory, and where it goes
	progressf("rebuild half way: RSS anon %.1f MiB", mib(processMemory(b, rebuilt.Process.Pid).anon))
	saveHeapProfile(b, pprofAddr, strings.TrimSuffix(*soakOut, ".tsv")+"-heap-rebuilding.pb.gz")
	waitHealth(b, base, uint64(fed), true)
	rebuild := float64(fed) / time.Since(began).Seconds()
	progressf("rebuilt: RSS anon %.1f MiB", mib(processMemory(b, rebuilt.Process.Pid).anon))
	_ = rebuilt.Process.Signal(syscall.SIGTERM)
	_ = rebuilt.Wait()

	progressf("after %d events: restart after kill -9 to /readyz %.2f s; yard?at= p50 %.3f s, p99 %.3f s (first after the restart %.3f s); rebuild from zero %.0f events/s",
		fed, restart.Seconds(), pct(latencies, 0.50).Seconds(), pct(latencies, 0.99).Seconds(), firstQuery.Seconds(), rebuild)
	progressf("last chunk against the first: projected rate × %.2f, RSS anon × %.2f, Go heap × %.2f",
		last.projected/first.projected, last.rssAnon/first.rssAnon, last.heap/first.heap)
	fmt.Fprintf(out, "# restart_to_ready_s\t%.2f\n# at_p50_s\t%.3f\n# at_p99_s\t%.3f\n# at_first_s\t%.3f\n# rebuild_per_s\t%.0f\n",
		restart.Seconds(), pct(latencies, 0.50).Seconds(), pct(latencies, 0.99).Seconds(), firstQuery.Seconds(), rebuild)
	b.ReportMetric(first.projected, "first-M-projected-events/s")
	b.ReportMetric(last.projected, "last-M-projected-events/s")
	b.ReportMetric(last.projected/last.decode, "last-M-ratio-to-decode")
	b.ReportMetric(last.rssAnon/first.rssAnon, "rss-anon-last/first")
	b.ReportMetric(restart.Seconds(), "restart-s")
	b.ReportMetric(pct(latencies, 0.99).Seconds(), "at-p99-s")
	b.ReportMetric(rebuild, "rebuild-events/s")
}

// plotSoak draws the rates and the memory of every chunk against the log's length, as SVG.
func plotSoak(path, via string, chunks []soakChunkFigures) error {
	series := func(get func(soakChunkFigures) float64) plotter.XYs {
		xy := make(plotter.XYs, len(chunks))
		for i, c := range chunks {
			xy[i] = plotter.XY{X: float64(c.events) / 1e6, Y: get(c)}
		}
		return xy
	}
	rates := plot.New()
	rates.Title.Text = "yardtwin soak (" + via + "): rates per chunk"
	rates.X.Label.Text = "events in the log (millions)"
	rates.Y.Label.Text = "events/s"
	rates.Y.Min = 0
	if err := plotutil.AddLinePoints(rates,
		"stored", series(func(c soakChunkFigures) float64 { return c.stored }),
		"projected", series(func(c soakChunkFigures) float64 { return c.projected }),
		"encoding/json decode, 1 goroutine", series(func(c soakChunkFigures) float64 { return c.decode })); err != nil {
		return err
	}
	memory := plot.New()
	memory.Title.Text = "memory after each chunk"
	memory.X.Label.Text = "events in the log (millions)"
	memory.Y.Label.Text = "MiB"
	memory.Y.Min = 0
	if err := plotutil.AddLinePoints(memory,
		"RSS anonymous", series(func(c soakChunkFigures) float64 { return mib(c.rssAnon) }),
		"RSS file-backed", series(func(c soakChunkFigures) float64 { return mib(c.rssFile) }),
		"Go heap in use", series(func(c soakChunkFigures) float64 { return mib(c.heap) })); err != nil {
		return err
	}
	// Room above the lines for the legend; the x axis from 0, so a flat line reads as flat.
	for _, p := range []*plot.Plot{rates, memory} {
		p.Legend.Top, p.Legend.Left = true, true
		p.X.Min = 0
		p.Y.Max *= 1.35
	}
	const w, h = 17 * vg.Centimeter, 8 * vg.Centimeter
	canvas := vgsvg.New(w, 2*h)
	dc := draw.New(canvas)
	top := draw.Crop(dc, 0, 0, h, 0)
	bottom := draw.Crop(dc, 0, 0, 0, -h)
	rates.Draw(top)
	memory.Draw(bottom)
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := canvas.WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// freeLoopback is a loopback address with a port free now.
func freeLoopback(b *testing.B) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// saveHeapProfile writes the twin's heap profile to path.
func saveHeapProfile(b *testing.B, addr, path string) {
	resp, err := http.Get("http://" + addr + "/debug/pprof/heap")
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if _, err := io.Copy(f, resp.Body); err != nil {
		b.Fatal(err)
	}
}

// progressf prints a line of the soak's progress as it goes (a benchmark's own log shows only at
// its end).
func progressf(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }

// soakChunkFigures are the figures of one chunk, taken when it was projected.
type soakChunkFigures struct {
	events                    int
	stored, projected, decode float64 // events/s
	rssAnon, rssFile, heap    float64 // bytes
	size                      float64 // bytes per event, as sent
}

// soakSender delivers a chunk of events to the twin.
type soakSender interface {
	setBase(base string)
	send(b *testing.B, events []json.RawMessage)
}

// httpSender POSTs batches of benchBatch from benchClients clients.
type httpSender struct {
	client *http.Client
	base   string
}

func (s *httpSender) setBase(base string) { s.base = base }

func (s *httpSender) send(b *testing.B, events []json.RawMessage) {
	var wg sync.WaitGroup
	batches := make(chan []json.RawMessage)
	for range benchClients {
		wg.Go(func() {
			for batch := range batches {
				status, answer, err := post(context.Background(), s.client, s.base, batch)
				if err != nil || status != http.StatusAccepted {
					b.Errorf("POST = %d %.200s %v", status, answer, err)
				}
			}
		})
	}
	for lo := 0; lo < len(events); lo += benchBatch {
		batches <- events[lo:min(lo+benchBatch, len(events))]
	}
	close(batches)
	wg.Wait()
}

// kafkaSender produces the events to the topic the twin consumes, keyed by stream.
type kafkaSender struct{ writer *kafkago.Writer }

func (s *kafkaSender) setBase(string) {}

func (s *kafkaSender) send(b *testing.B, events []json.RawMessage) {
	msgs := make([]kafkago.Message, len(events))
	for i, raw := range events {
		var head struct {
			Subject string `json:"subject"`
		}
		_ = json.Unmarshal(raw, &head)
		msgs[i] = kafkago.Message{Key: []byte(head.Subject), Value: raw}
	}
	for lo := 0; lo < len(msgs); lo += 10_000 {
		if err := s.writer.WriteMessages(context.Background(), msgs[lo:min(lo+10_000, len(msgs))]...); err != nil {
			b.Fatalf("produce: %v", err)
		}
	}
}

// waitHealth waits until the store holds n events, and with projected until the projections have
// folded them too; the soak has no deadline of its own (go test's -timeout is the bound).
func waitHealth(b *testing.B, base string, n uint64, projected bool) {
	for {
		var h struct{ Stored, Projected uint64 }
		getJSON(b, base+"healthz", &h)
		if h.Stored >= n && (!projected || h.Projected >= n) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitReady waits for /readyz to answer ready.
func waitReady(b *testing.B, base string) {
	for {
		resp, err := http.Get(base + "readyz")
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// processMemory is a process's resident memory split as the kernel counts it.
type memory struct{ anon, file float64 }

func processMemory(b *testing.B, pid int) memory {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var m memory
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		name, value, ok := strings.Cut(lines.Text(), ":")
		if !ok {
			continue
		}
		kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 64)
		if err != nil {
			continue
		}
		switch name {
		case "RssAnon":
			m.anon = kb * 1024
		case "RssFile":
			m.file = kb * 1024
		}
	}
	return m
}

// scrapeSamples reads /metrics.
func scrapeSamples(b *testing.B, base string) map[string]float64 {
	resp, err := http.Get(base + "metrics")
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	samples, err := httpapitest.Samples(resp.Body)
	if err != nil {
		b.Fatal(err)
	}
	return samples
}

func createSoakOut(path string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	return os.Create(path)
}

func mib(bytes float64) float64 { return bytes / (1 << 20) }

// pct is the q-quantile of sorted durations (nearest rank).
func pct(sorted []time.Duration, q float64) time.Duration {
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}
