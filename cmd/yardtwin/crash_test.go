package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/adapters/bolt"
	"github.com/yardtwin/yardtwin/domain/contract"
	"github.com/yardtwin/yardtwin/domain/es/estest"
	"github.com/yardtwin/yardtwin/projections"
	"github.com/yardtwin/yardtwin/projections/checkpoint"
	"github.com/yardtwin/yardtwin/projections/yardmap"
	"github.com/yardtwin/yardtwin/scenarios/tangermed"
)

// buildBinary compiles yardtwin once for the process-level tests.
func buildBinary(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "yardtwin")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startProcess runs "yardtwin serve" on a free port with extra flags and returns the base URL.
func startProcess(t testing.TB, bin, dir string, flags ...string) (*exec.Cmd, string) {
	t.Helper()
	args := append([]string{"serve", "--http", "127.0.0.1:0", "--data", dir, "--log-level", "warn", "--checkpoint-every", "200ms"}, flags...)
	if c := estest.ClockSetting(); c != "" && !slices.Contains(flags, "--clock") {
		args = append(args, "--clock", c) // a test that pins no clock runs the twin on the shifted wall clock
	}
	cmd := exec.Command(bin, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		if i := strings.Index(lines.Text(), "http://"); i >= 0 {
			go func() { // keep draining so the process never blocks on a full pipe
				for lines.Scan() {
				}
			}()
			return cmd, lines.Text()[i:]
		}
	}
	t.Fatalf("serve exited before announcing its address: %v", lines.Err())
	return nil, ""
}

// clientLoad is what postLoad's clients had answered 202 when they stopped.
type clientLoad struct {
	wg    sync.WaitGroup
	mu    sync.Mutex
	acked map[string]bool
}

// wait waits for the clients to stop and returns the ids of every event answered 202.
func (l *clientLoad) wait() map[string]bool {
	l.wg.Wait()
	return l.acked
}

// postLoad starts one client per owner code, each posting batches of size stacking events of its
// own boxes (every fifth batch also re-sends the previous one when resend is set: those must be
// stored once) until ctx ends, the server is gone, or an answer is not 202, which goes to refused.
func postLoad(ctx context.Context, base string, owners []string, size int, resend bool, refused func(status int, answer []byte)) *clientLoad {
	l := &clientLoad{acked: map[string]bool{}}
	client := &http.Client{Timeout: 30 * time.Second}
	at := testDay
	for _, owner := range owners {
		l.wg.Go(func() {
			var previous []json.RawMessage
			for n := 0; ctx.Err() == nil; n++ {
				batch := make([]json.RawMessage, size)
				ids := make([]string, size)
				for i := range batch {
					k := n*size + i
					ids[i] = fmt.Sprintf("%s-%d", owner, k)
					batch[i] = stackEvent(ids[i], box(owner, k), k, at.Add(time.Duration(k)*time.Second))
				}
				if resend && n%5 == 4 {
					batch = append(batch, previous...)
				}
				status, answer, err := post(ctx, client, base, batch)
				if err != nil {
					return // the server is gone
				}
				if status != http.StatusAccepted {
					refused(status, answer)
					return
				}
				l.mu.Lock()
				for _, id := range ids {
					l.acked[id] = true
				}
				l.mu.Unlock()
				previous = batch[:size]
			}
		})
	}
	return l
}

// TestKill9LosesNothing posts events from several clients, kills the server with SIGKILL in the
// middle, and checks that every event answered 202 is stored exactly once and that the restarted
// server's yard equals a rebuild from zero.
func TestKill9LosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("process-level crash test: skipped in -short mode")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	cmd, base := startProcess(t, bin, dir, "--clock", onTestDay) // postLoad's events happen on testDay

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	load := postLoad(ctx, base, []string{"AAA", "BBB", "CCC", "DDD"}, 50, true, func(status int, answer []byte) {
		t.Errorf("POST = %d %.300s", status, answer) // the server only dies, it never refuses
	})
	time.Sleep(1500 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	cancel()
	acked := load.wait()
	if len(acked) == 0 {
		t.Fatal("no batch was acknowledged before the kill")
	}

	// Every acknowledged event is stored exactly once.
	rebuilt := checkStoreAndRebuild(t, dir, acked)

	// The restarted server resumes from its last checkpoint, folds the rest of the store, and agrees
	// with the rebuild.
	if _, err := os.Stat(filepath.Join(dir, "projections", yardmap.Name+".snap")); err != nil {
		t.Fatalf("no projection checkpoint was saved before the kill: %v", err)
	}
	restarted, base := startProcess(t, bin, dir, "--clock", onTestDay)
	waitProjected(t, base)
	var live yardmap.Summary
	getJSON(t, base+"api/v1/yard", &live)
	if !reflect.DeepEqual(live, rebuilt) {
		t.Fatalf("restarted yard differs from a rebuild from zero:\n live %+v\n want %+v", live, rebuilt)
	}
	t.Logf("%d events acknowledged before kill -9; store and restarted projection agree at position %d", len(acked), live.Position)

	// SIGTERM stops the server cleanly, with the projection checkpointed at the head of the log.
	if err := restarted.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := restarted.Wait(); err != nil {
		t.Fatalf("serve after SIGTERM: %v", err)
	}
	cps, err := checkpoint.Open(filepath.Join(dir, "projections"))
	if err != nil {
		t.Fatal(err)
	}
	if pos, _, ok, err := cps.Load(yardmap.Name); err != nil || !ok || pos != live.Position {
		t.Fatalf("checkpoint after SIGTERM at %d (found %v, %v), want %d", pos, ok, err, live.Position)
	}
}

// checkStoreAndRebuild opens the store left by the killed server, checks every acknowledged id is in
// it once, and returns the yard folded from zero.
func checkStoreAndRebuild(t *testing.T, dir string, acked map[string]bool) yardmap.Summary {
	t.Helper()
	store, err := bolt.Open(dir)
	if err != nil {
		t.Fatalf("reopen store after kill: %v", err)
	}
	defer store.Close()
	ctx := context.Background()
	seen := map[string]int{}
	for from := uint64(1); ; {
		batch, err := store.ReadAll(ctx, from, 10_000)
		if err != nil {
			t.Fatal(err)
		}
		if len(batch) == 0 {
			break
		}
		for _, e := range batch {
			seen[e.ID]++
		}
		from = batch[len(batch)-1].Position + 1
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("event %s stored %d times", id, n)
		}
	}
	for id := range acked {
		if seen[id] != 1 {
			t.Errorf("event %s was acknowledged with 202 but is not in the store", id)
		}
	}
	layout, err := tangermed.Layout()
	if err != nil {
		t.Fatal(err)
	}
	model := yardmap.New(layout)
	runner := projections.NewRunner(store, contract.NewRegistry(), nil, projections.RunnerConfig{}, nil, model)
	if err := runner.CatchUp(ctx, nil); err != nil {
		t.Fatal(err)
	}
	return model.Summary()
}
