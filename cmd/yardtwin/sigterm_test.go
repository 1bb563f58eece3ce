package main

import (
	"context"
	"net/http"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/adapters/bolt"
	"github.com/yardtwin/yardtwin/adapters/kafka"
	"github.com/yardtwin/yardtwin/projections/checkpoint"
	"github.com/yardtwin/yardtwin/projections/yardmap"
)

// TestSIGTERMUnderHTTPLoad stops serve with SIGTERM while four clients post batches: the process
// exits 0, every batch answered 202 is stored exactly once (requests in flight finish before the
// ingest stops), and the projections leave a checkpoint the next start resumes from (at or behind
// the head: they stop without folding the last batches, which the store keeps).
func TestSIGTERMUnderHTTPLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("process-level shutdown test: skipped in -short mode")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	cmd, base := startProcess(t, bin, dir, "--clock", onTestDay) // postLoad's events happen on testDay

	// The server is stopping when it refuses (503): those batches are not acknowledged.
	load := postLoad(context.Background(), base, []string{"TRA", "TRB", "TRC", "TRD"}, 200, false, func(int, []byte) {})
	time.Sleep(1500 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("serve after SIGTERM under load: %v", err)
	}
	acked := load.wait()
	if len(acked) == 0 {
		t.Fatal("no batch was acknowledged before SIGTERM")
	}
	rebuilt := checkStoreAndRebuild(t, dir, acked)
	cps, err := checkpoint.Open(filepath.Join(dir, "projections"))
	if err != nil {
		t.Fatal(err)
	}
	pos, _, ok, err := cps.Load(yardmap.Name)
	if err != nil || !ok || pos == 0 || pos > rebuilt.Position {
		t.Fatalf("checkpoint after SIGTERM at %d (found %v, %v), want one in 1..%d", pos, ok, err, rebuilt.Position)
	}
	t.Logf("%d events acknowledged before SIGTERM, all stored once; head %d, checkpoint %d", len(acked), rebuilt.Position, pos)
}

// TestSIGTERMWhileConsumingKafka stops serve with SIGTERM in the middle of a topic: the process exits
// 0, the batch being stored at that moment is finished and committed (the subscriber waits for its
// answer), so what is committed is exactly what is stored, and a restart stores the rest, each
// event once.
func TestSIGTERMWhileConsumingKafka(t *testing.T) {
	if testing.Short() {
		t.Skip("process-level shutdown test: skipped in -short mode")
	}
	broker := startKafka(t)
	const topic, group, n = "yard.events", "yardtwin", 50_000
	produce(t, broker, topic, stackRecords("term", "TRM", n))

	bin := buildBinary(t)
	dir := t.TempDir()
	flags := []string{"--kafka-brokers", broker, "--kafka-topic", topic, "--kafka-group", group, "--clock", onTestDay}
	cmd, base := startProcess(t, bin, dir, flags...)
	waitHead(t, base, n/10)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("serve after SIGTERM: %v", err)
	}

	stored := countStored(t, dir)
	lag := consumerLagOf(serveFlags{KafkaBrokers: broker, KafkaTopic: topic, KafkaGroup: group}, kafka.Security{})
	defer lag.transport.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	lags, err := lag.lags(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var behind int64
	for _, l := range lags {
		behind += l
	}
	committed := n - int(behind)
	if committed != stored || stored >= n {
		t.Fatalf("after SIGTERM: %d records committed, %d events stored of %d; want as many committed as stored, mid-topic",
			committed, stored, n)
	}

	restarted, base := startProcess(t, bin, dir, flags...)
	waitStored(t, base, n)
	if err := restarted.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := restarted.Wait(); err != nil {
		t.Fatalf("serve after the second SIGTERM: %v", err)
	}
	if got := countStored(t, dir); got != n {
		t.Fatalf("%d events stored after the restart, want %d (each once)", got, n)
	}
	t.Logf("SIGTERM after %d of %d events stored, %d committed; the restart stored the rest once", stored, n, committed)
}

// waitHead waits until the store holds at least n events, whatever the projections do.
func waitHead(t *testing.T, base string, n uint64) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	var h struct{ Stored uint64 }
	for time.Now().Before(deadline) {
		if getJSON(t, base+"healthz", &h) == http.StatusOK && h.Stored >= n {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("%d of %d events stored after 60 s", h.Stored, n)
}

// countStored opens the store left by a stopped serve and counts its events, failing on a
// duplicate id.
func countStored(t *testing.T, dir string) int {
	t.Helper()
	store, err := bolt.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	seen := map[string]bool{}
	for from := uint64(1); ; {
		batch, err := store.ReadAll(context.Background(), from, 10_000)
		if err != nil {
			t.Fatal(err)
		}
		if len(batch) == 0 {
			return len(seen)
		}
		for _, e := range batch {
			if seen[e.ID] {
				t.Fatalf("event %s stored twice", e.ID)
			}
			seen[e.ID] = true
		}
		from = batch[len(batch)-1].Position + 1
	}
}
