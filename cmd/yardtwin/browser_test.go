package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/es/estest"
	"github.com/yardtwin/yardtwin/domain/yard"
	"github.com/yardtwin/yardtwin/scenarios/synthetic"
)

// The browser tests drive the map page in real headless Chromium through
// adapters/httpapi/web/e2e/map.e2e.mjs (playwright-core). They need Debian's chromium at
// browserPath, node on the PATH and the script's npm packages (npm ci --prefix
// adapters/httpapi/web/e2e); .ci/run installs them, and without them the tests skip.
const (
	browserPath = "/usr/bin/chromium"
	e2eDir      = "../../adapters/httpapi/web/e2e"
	e2eScript   = "map.e2e.mjs"
	// e2eOut is where the screenshots stay for a person to look at (git-ignored).
	e2eOut = "../../out/e2e"
	// e2eTimeout bounds one run of the script; it bounds itself a little below this.
	e2eTimeout = 3 * time.Minute
)

// TestBrowserMap opens the map of a twin fed by the demo in headless Chromium. The twin requires
// tokens, so the page first signs in through the sign-in form (a wrong token refused); then it loads
// and draws the blocks, a live update arrives over the stream, the search finds a box, a block opens
// from the block list, the time slider shows the past and the live button the present; it saves
// screenshots and logs the frame time measured while panning and zooming. (TestBrowserSmooth50k
// runs without tokens.)
func TestBrowserMap(t *testing.T) {
	node, out := browserPrereqs(t)
	const viewer = "viewer-token-for-the-e2e-test"
	t.Setenv("E2E_TOKEN", viewer)
	base := startTwinWith(t, serveFlags{
		Data: t.TempDir(), Demo: demoScenarioFile, Speed: 300,
		PublisherTokens: []string{"publisher-token-for-the-e2e-test"}, ViewerTokens: []string{viewer},
	})
	waitInYard(t, base, viewer, 1, 60*time.Second)
	figures := runE2E(t, node, base, out)
	if _, ok := figures["frame-time-p50-ms"]; !ok {
		t.Error("the script measured no frame time")
	}
}

// TestBrowserSmooth50k opens the map of a synthetic terminal holding 50,000 boxes, pans and zooms
// it while updates arrive, and logs the frame time and the latency from posting an event to the
// map showing it. The figures are reported, not asserted, beyond a sanity bound on responsiveness.
func TestBrowserSmooth50k(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 50,000-box yard: not in -short")
	}
	node, out := browserPrereqs(t)
	base := syntheticYard(t, 50_000)
	figures := runE2E(t, node, "--perf", base, out)
	for _, name := range []string{"frame-time-p50-ms", "frame-time-p95-ms", "update-latency-p50-ms"} {
		if _, ok := figures[name]; !ok {
			t.Errorf("the script reported no %s", name)
		}
	}
	// A correctness check, not a speed claim: a page that takes half a second for one frame in
	// twenty has stopped answering.
	if p95, err := strconv.ParseFloat(figures["frame-time-p95-ms"], 64); err == nil && p95 > 500 {
		t.Errorf("frame-time-p95-ms = %.1f: the page stalls while panning a 50,000-box yard", p95)
	}
}

// browserPrereqs skips the test unless Chromium, node and the script's packages are installed, and
// returns node's path and the screenshot directory (absolute, created).
func browserPrereqs(t *testing.T) (node, out string) {
	t.Helper()
	if _, err := os.Stat(browserPath); err != nil {
		t.Skipf("no Chromium at %s (apt-get install chromium; .ci/run does): %v", browserPath, err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skipf("node is not on the PATH (the browser tests need Node.js 20 or later): %v", err)
	}
	if _, err := os.Stat(filepath.Join(e2eDir, "node_modules", "playwright-core", "package.json")); err != nil {
		t.Skipf("playwright-core is not installed (npm ci --prefix adapters/httpapi/web/e2e; .ci/run does): %v", err)
	}
	out, err = filepath.Abs(e2eOut)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	return node, out
}

// figureLine is a figure the script prints, "name: value".
var figureLine = regexp.MustCompile(`^([a-z0-9-]+): (\S+)$`)

// runE2E runs the browser script with args, logs its output line by line as it comes, fails the
// test if it exits non-zero, and returns the figures it printed (name → value) and logs them again
// together at the end, with the screenshots' paths.
func runE2E(t *testing.T, node string, args ...string) map[string]string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), e2eTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, append([]string{e2eScript}, args...)...)
	cmd.Dir = e2eDir
	// On time-out, interrupt node rather than kill it, so that playwright closes the browser; kill
	// it if it has not gone 15 s later.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 15 * time.Second
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw

	figures := map[string]string{}
	var screenshots []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			line := sc.Text()
			t.Log(line)
			if m := figureLine.FindStringSubmatch(line); m != nil {
				if m[1] == "screenshot" {
					screenshots = append(screenshots, m[2])
				} else {
					figures[m[1]] = m[2]
				}
			}
		}
		_, _ = io.Copy(io.Discard, pr)
	}()

	start := time.Now()
	err := cmd.Start()
	if err == nil {
		err = cmd.Wait()
	}
	pw.Close()
	<-done
	took := time.Since(start).Round(100 * time.Millisecond)

	var summary strings.Builder
	fmt.Fprintf(&summary, "browser run took %s", took)
	for _, name := range []string{
		"page-load-ms", "frames", "frame-time-p50-ms", "frame-time-p95-ms", "frame-time-max-ms",
		"draw-time-p50-ms", "draw-time-p95-ms", "update-latency-p50-ms", "update-latency-max-ms",
		"machine-latency-p50-ms", "page-update-latency-p50-ms", "page-update-latency-p95-ms", "search-ms",
	} {
		if v, ok := figures[name]; ok {
			fmt.Fprintf(&summary, "\n\t%s: %s", name, v)
		}
	}
	for _, s := range screenshots {
		fmt.Fprintf(&summary, "\n\tscreenshot %s", s)
	}
	t.Log(summary.String())

	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Fatalf("the browser script did not finish within %s: %v", e2eTimeout, err)
	case errors.As(err, &exit):
		t.Fatalf("the browser script failed (exit status %d): see the FAIL lines above", exit.ExitCode())
	case err != nil:
		t.Fatalf("run the browser script: %v", err)
	}
	return figures
}

// waitInYard waits until the yard holds at least n boxes, reading with token when it is not empty.
func waitInYard(t *testing.T, base, token string, n int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		var y struct {
			InYard int `json:"in_yard"`
		}
		status, body := send(t, http.DefaultClient, http.MethodGet, base+"api/v1/yard", token, nil)
		if status != http.StatusOK {
			t.Fatalf("GET /api/v1/yard: %d %s", status, body)
		}
		if err := json.Unmarshal([]byte(body), &y); err != nil {
			t.Fatalf("GET /api/v1/yard: %v", err)
		}
		if y.InYard >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the yard holds %d boxes after %s, want %d", y.InYard, within, n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// syntheticYard starts a twin on a synthetic terminal just large enough for that many 20-ft boxes
// (blocks of 1,200 TEU), posts every box announced and stacked (as BenchmarkQueryLatency does),
// waits until they are projected and returns the base URL.
func syntheticYard(t *testing.T, boxes int) string {
	t.Helper()
	blocks := (boxes + 1199) / 1200
	data, err := synthetic.Layout(blocks)
	if err != nil {
		t.Fatal(err)
	}
	layoutFile := filepath.Join(t.TempDir(), "layout.geojson")
	if err := os.WriteFile(layoutFile, data, 0o644); err != nil {
		t.Fatal(err)
	}
	base := startTwinWith(t, serveFlags{Data: t.TempDir(), Layout: layoutFile})
	at := estest.Now().Add(-time.Minute) // recent as the twin sees it: a fact recorded 15 min late raises an anomaly
	events := make([]json.RawMessage, 0, 2*boxes)
	for i := range boxes {
		c, s := box("BRW", i), synthetic.Slot(blocks, i)
		for _, ev := range []es.Event{
			yard.ContainerAnnounced{Container: c, SizeType: "22G1", WeightKg: 20000, Category: yard.Transhipment}, // 1 TEU: the yard 99 % full
			yard.ContainerStacked{Container: c, Block: s.Block, Bay: s.Bay, Row: s.Row, Tier: s.Tier, Crane: "RTG01"},
		} {
			d, _ := json.Marshal(ev)
			env, _ := json.Marshal(es.Envelope{SpecVersion: es.SpecVersion, ID: fmt.Sprintf("brw-%d", len(events)), Source: "urn:yardtwin:test", Type: ev.EventType(), Time: at, Data: d})
			events = append(events, env)
		}
	}
	start := time.Now()
	for lo := 0; lo < len(events); lo += benchBatch {
		if status, answer, err := post(context.Background(), http.DefaultClient, base, events[lo:min(lo+benchBatch, len(events))]); err != nil || status != http.StatusAccepted {
			t.Fatalf("POST = %d %.200s %v", status, answer, err)
		}
	}
	waitProjected(t, base)
	waitInYard(t, base, "", boxes, 30*time.Second)
	t.Logf("%d boxes in %d blocks stored and projected in %s", boxes, blocks, time.Since(start).Round(100*time.Millisecond))
	return base
}
