package bolt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/domain/es"
)

// The retention tests run on a log of ten days at a small terminal, every day recorded an hour
// after it starts: three machines reporting their position every 20 s for an hour, and their
// status every 10 min, in their own streams (equipment-RTG0n), and boxes stacked in container
// streams. The scavenge runs on the store's clock set two hours into day 10.
const (
	typePosition = "equipment.PositionReported"
	typeStatus   = "equipment.StatusChanged"
	typeStacked  = "yard.ContainerStacked"
	logDays      = 10
)

var (
	day0        = time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	scavengeAt  = day0.Add(logDays*24*time.Hour + 2*time.Hour)
	thinMinutes = es.Retention{{Type: typePosition, Full: 72 * time.Hour, Every: time.Minute}}
)

// testClock is a clock a test sets.
type testClock struct{ ns atomic.Int64 }

func (c *testClock) set(t time.Time) { c.ns.Store(t.UnixNano()) }
func (c *testClock) now() time.Time  { return time.Unix(0, c.ns.Load()).UTC() }

// writeYardLog fills the store in dir with the ten days and closes it.
func writeYardLog(t *testing.T, dir string) {
	t.Helper()
	clk := &testClock{}
	s := mustOpen(t, dir, WithIndexLag(0), WithClock(clk.now))
	s.db.NoSync = true // only what the scavenge does with the file is tested
	n := 0
	ev := func(typ string, at time.Time, data any) es.Envelope {
		n++
		b, _ := json.Marshal(data)
		return es.Envelope{SpecVersion: es.SpecVersion, ID: fmt.Sprintf("ev-%05d", n), Source: "urn:test", Type: typ, Time: at, Data: b}
	}
	for d := range logDays {
		start := day0.Add(time.Duration(d) * 24 * time.Hour)
		clk.set(start.Add(time.Hour))
		for minute := range 60 {
			var batch []es.StreamEvents
			for m := 1; m <= 3; m++ {
				stream := fmt.Sprintf("equipment-RTG%02d", m)
				se := es.StreamEvents{Stream: stream, Expected: es.AnyVersion}
				for sec := 0; sec < 60; sec += 20 {
					at := start.Add(time.Duration(minute)*time.Minute + time.Duration(sec+m)*time.Second)
					se.Events = append(se.Events, ev(typePosition, at, map[string]any{"equipment": stream[10:], "lat": 35.89, "lon": -5.5}))
					if sec == 20 && minute%10 == 0 {
						se.Events = append(se.Events, ev(typeStatus, at, map[string]any{"equipment": stream[10:], "status": "working"}))
					}
				}
				batch = append(batch, se)
			}
			box := fmt.Sprintf("container-MSCU%07d", d*60+minute)
			batch = append(batch, es.StreamEvents{Stream: box, Expected: es.NoStream, Events: []es.Envelope{
				ev(typeStacked, start.Add(time.Duration(minute)*time.Minute), map[string]any{"container": box[10:]}),
			}})
			if _, err := s.Append(t.Context(), batch...); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// readAllEvents reads the whole log.
func readAllEvents(t *testing.T, s *Store) []es.Envelope {
	t.Helper()
	evs, err := s.ReadAll(t.Context(), 0, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// wantKept is the retention policy applied to a whole log by hand: a position of an old enough
// event is kept when it is the first of its stream in its minute, or its stream's last event.
func wantKept(all []es.Envelope, now time.Time) []uint64 {
	last := map[string]uint64{}
	for _, e := range all {
		last[e.Subject] = e.Position
	}
	seen := map[string]bool{}
	var kept []uint64
	for _, e := range all {
		if e.Type == typePosition && e.Time.Before(now.Add(-72*time.Hour)) && e.Recorded.Before(now.Add(-72*time.Hour)) {
			key := e.Subject + e.Time.Truncate(time.Minute).String()
			if seen[key] && last[e.Subject] != e.Position {
				continue
			}
			seen[key] = true
		}
		kept = append(kept, e.Position)
	}
	return kept
}

func positionsOf(evs []es.Envelope) []uint64 {
	out := make([]uint64, len(evs))
	for i, e := range evs {
		out[i] = e.Position
	}
	return out
}

// checkConsistent checks what must hold of a scavenged log at every moment: every event of
// another type than those of policy is there as it was in before (the log before any scavenge);
// every event removed is one the policy thins; each stream reads back as the log's events of that
// stream; every id still stored is recognised as a duplicate at its position.
func checkConsistent(t *testing.T, s *Store, before []es.Envelope, policy es.Retention) []es.Envelope {
	t.Helper()
	after := readAllEvents(t, s)
	byPos := map[uint64]es.Envelope{}
	for _, e := range after {
		byPos[e.Position] = e
	}
	for _, e := range before {
		got, kept := byPos[e.Position]
		_, thinned := policy.Rule(e.Type)
		switch {
		case !kept && !thinned:
			t.Fatalf("%s at %d (%s) was removed; the policy does not name its type", e.Type, e.Position, e.ID)
		case kept && got.ID != e.ID:
			t.Fatalf("position %d holds %s, was %s", e.Position, got.ID, e.ID)
		}
	}
	streams := map[string][]uint64{}
	for _, e := range after {
		streams[e.Subject] = append(streams[e.Subject], e.Position)
	}
	for stream, want := range streams {
		evs, err := s.ReadStream(t.Context(), stream, 0)
		if err != nil {
			t.Fatalf("read %s: %v", stream, err)
		}
		if got := positionsOf(evs); !slices.Equal(got, want) {
			t.Fatalf("%s reads positions %v, the log has %v", stream, got, want)
		}
	}
	var resend []es.StreamEvents
	for _, e := range after[:min(len(after), 500)] {
		e.Position, e.Version, e.Recorded = 0, 0, time.Time{}
		resend = append(resend, es.StreamEvents{Stream: e.Subject, Expected: es.AnyVersion, Events: []es.Envelope{e}})
	}
	got, err := s.Append(t.Context(), resend...)
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range got {
		if !a.Duplicate || a.Position != after[i].Position {
			t.Fatalf("re-sent %s: %+v, want a duplicate at %d", a.ID, a, after[i].Position)
		}
	}
	return after
}

func copyStore(t *testing.T, from, to string) {
	t.Helper()
	src, err := os.Open(filepath.Join(from, FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if err := os.MkdirAll(to, 0o750); err != nil {
		t.Fatal(err)
	}
	dst, err := os.Create(filepath.Join(to, FileName))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}

func openAt(t *testing.T, dir string, at time.Time, opts ...Option) *Store {
	t.Helper()
	clk := &testClock{}
	clk.set(at)
	return mustOpen(t, dir, append([]Option{WithClock(clk.now), WithScavengeEvery(0)}, opts...)...)
}

// TestScavengeThinsOnlyWhatThePolicySays runs the scavenge on the ten days and compares what it
// kept with the policy applied by hand; a second run changes nothing.
func TestScavengeThinsOnlyWhatThePolicySays(t *testing.T) {
	dir := t.TempDir()
	writeYardLog(t, dir)
	s := openAt(t, dir, scavengeAt, WithRetention(thinMinutes))
	before := readAllEvents(t, s)

	st, err := s.Scavenge(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("scavenge: %+v of %d events", st, len(before))
	after := checkConsistent(t, s, before, thinMinutes)
	if got, want := positionsOf(after), wantKept(before, scavengeAt); !slices.Equal(got, want) {
		t.Fatalf("kept %d events, the policy keeps %d", len(got), len(want))
	}
	if st.Removed == 0 || st.Removed != len(before)-len(after) {
		t.Errorf("scavenge says it removed %d, the log lost %d", st.Removed, len(before)-len(after))
	}
	if w, _ := s.Scavenged(t.Context()); w != st.Through || w == 0 {
		t.Errorf("watermark %d, the scavenge reported %d", w, st.Through)
	}
	// The watermark stops at the first event recorded within 72 h: day 7's, recorded at 01:00.
	if last := after[len(after)-1]; st.Through >= last.Position {
		t.Errorf("watermark %d reaches the end of the log (%d), past events recorded within the policy's 72 h", st.Through, last.Position)
	}

	again, err := s.Scavenge(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if again.Removed != 0 || again.Walked != 0 || again.Through != st.Through {
		t.Errorf("second scavenge = %+v, want nothing done at %d", again, st.Through)
	}
	if got := positionsOf(readAllEvents(t, s)); !slices.Equal(got, positionsOf(after)) {
		t.Errorf("second scavenge changed the log")
	}

	// Reopened, the store knows its watermark, and every stream takes its next version.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openAt(t, dir, scavengeAt, WithRetention(thinMinutes), WithHeadCache(2))
	if w, _ := s.Scavenged(t.Context()); w != st.Through {
		t.Errorf("watermark after reopening %d, want %d", w, st.Through)
	}
	heads := map[string]uint64{}
	for _, e := range after {
		heads[e.Subject] = e.Version
	}
	for stream, v := range heads {
		if _, err := s.Append(t.Context(), es.StreamEvents{Stream: stream, Expected: v, Events: []es.Envelope{
			{SpecVersion: es.SpecVersion, ID: "next-" + stream, Source: "urn:test", Type: typeStatus, Time: scavengeAt, Data: json.RawMessage(`{}`)},
		}}); err != nil {
			t.Fatalf("append to %s at its version %d: %v", stream, v, err)
		}
	}
}

// TestScavengeWithoutPolicy checks that the default keeps everything and leaves no watermark.
func TestScavengeWithoutPolicy(t *testing.T) {
	dir := t.TempDir()
	writeYardLog(t, dir)
	s := openAt(t, dir, scavengeAt.Add(1000*24*time.Hour))
	before := readAllEvents(t, s)
	st, err := s.Scavenge(t.Context())
	if err != nil || st.Removed != 0 || st.Walked != 0 {
		t.Fatalf("scavenge = %+v, %v; want nothing done", st, err)
	}
	if got := readAllEvents(t, s); len(got) != len(before) {
		t.Errorf("%d events left of %d", len(got), len(before))
	}
	if w, _ := s.Scavenged(t.Context()); w != 0 {
		t.Errorf("watermark %d without a policy", w)
	}
}

// TestScavengeStaysBehindTheIndex checks that events not yet in the index buckets are never
// scavenged: the writer's memory holds them.
func TestScavengeStaysBehindTheIndex(t *testing.T) {
	dir := t.TempDir()
	writeYardLog(t, dir)
	clk := &testClock{}
	clk.set(scavengeAt)
	s := mustOpen(t, dir, WithClock(clk.now), WithScavengeEvery(0), WithRetention(thinMinutes), WithIndexLag(1<<20))
	// This append goes to the tail, not the buckets: the index lag is large.
	if _, err := s.Append(t.Context(), es.StreamEvents{Stream: "equipment-RTG01", Expected: es.AnyVersion, Events: []es.Envelope{
		{SpecVersion: es.SpecVersion, ID: "late", Source: "urn:test", Type: typePosition, Time: day0, Data: json.RawMessage(`{}`)},
	}}); err != nil {
		t.Fatal(err)
	}
	h, _ := s.Head(t.Context())
	clk.set(scavengeAt.Add(365 * 24 * time.Hour)) // everything old, the late event included
	st, err := s.Scavenge(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if st.Through >= h {
		t.Errorf("watermark %d passed the index watermark %d", st.Through, h-1)
	}
	if evs, _ := s.ReadAll(t.Context(), h, 1); len(evs) != 1 || evs[0].ID != "late" {
		t.Errorf("the event after the index watermark is gone: %v", evs)
	}
}

func TestOpenRefusesBadRetention(t *testing.T) {
	_, err := Open(t.TempDir(), WithRetention(es.Retention{{Type: typePosition, Full: 0, Every: time.Minute}}))
	if err == nil {
		t.Fatal("open accepted a rule with no full-rate period")
	}
	t.Logf("open: %v", err)
}

// crashChildEnv names the store directory of the scavenge TestScavengeCrash kills.
const crashChildEnv = "YARDTWIN_BOLT_SCAVENGE_CRASH_DIR"

// crashAfterCommits is how many scavenge transactions commit before the child kills itself inside
// the next one, after it has removed its events and before it commits.
const crashAfterCommits = 1

// TestScavengeCrash kills a process in the middle of a scavenge (SIGKILL inside its second
// transaction) and checks that the log it leaves is consistent, holds every event of every other
// type, and that a scavenge run again ends where an uninterrupted one does.
func TestScavengeCrash(t *testing.T) {
	whole, crashed := t.TempDir(), t.TempDir()
	writeYardLog(t, whole)
	copyStore(t, whole, crashed)

	cmd := exec.Command(os.Args[0], "-test.run=^TestScavengeCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+crashed)
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("the child was to kill itself mid-scavenge; it ended with %v:\n%s", err, out)
	}

	ref := openAt(t, whole, scavengeAt, WithRetention(thinMinutes))
	before := readAllEvents(t, ref)
	if _, err := ref.Scavenge(t.Context()); err != nil {
		t.Fatal(err)
	}
	want := positionsOf(readAllEvents(t, ref))

	s := openAt(t, crashed, scavengeAt, WithRetention(thinMinutes))
	mid, _ := s.Scavenged(t.Context())
	refDone, _ := ref.Scavenged(t.Context())
	if mid == 0 || mid >= refDone {
		t.Fatalf("watermark after the crash %d; want one committed step, short of %d", mid, refDone)
	}
	halfway := checkConsistent(t, s, before, thinMinutes)
	if len(halfway) == len(before) || len(halfway) == len(want) {
		t.Fatalf("after the crash the log holds %d events (%d before, %d scavenged): not halfway", len(halfway), len(before), len(want))
	}
	// Thinned up to the watermark exactly as the whole run did, untouched after it.
	for _, p := range positionsOf(halfway) {
		if p <= mid && !slices.Contains(want, p) {
			t.Fatalf("position %d ≤ watermark %d kept after the crash but not by the whole run", p, mid)
		}
	}
	for _, e := range before {
		if e.Position > mid && !slices.Contains(positionsOf(halfway), e.Position) {
			t.Fatalf("position %d after the watermark %d is gone: the crashed transaction left a trace", e.Position, mid)
		}
	}

	if _, err := s.Scavenge(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := positionsOf(checkConsistent(t, s, before, thinMinutes)); !slices.Equal(got, want) {
		t.Errorf("resumed scavenge kept %d events, an uninterrupted one %d", len(got), len(want))
	}
}

// TestScavengeCrashChild is the process TestScavengeCrash kills; it skips unless run by it.
func TestScavengeCrashChild(t *testing.T) {
	dir := os.Getenv(crashChildEnv)
	if dir == "" {
		t.Skip("run by TestScavengeCrash in a child process")
	}
	clk := &testClock{}
	clk.set(scavengeAt)
	s, err := Open(dir, WithClock(clk.now), WithScavengeEvery(0), WithRetention(thinMinutes))
	if err != nil {
		t.Fatal(err)
	}
	steps := 0
	s.scavengeHook = func(st ScavengeStats) {
		if steps == crashAfterCommits && st.Removed > 0 {
			_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {} // the signal ends the process
		}
		steps++
	}
	_, err = s.Scavenge(context.Background())
	t.Fatalf("the scavenge ended (%v) before its transaction %d", err, crashAfterCommits+1)
}

// TestBackgroundScavenge checks that the background scavenge applies the policy while appends go
// on, and that Close stops it.
func TestBackgroundScavenge(t *testing.T) {
	dir := t.TempDir()
	writeYardLog(t, dir)
	clk := &testClock{}
	clk.set(scavengeAt)
	s, err := Open(dir, WithClock(clk.now), WithRetention(thinMinutes), WithScavengeEvery(time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		if _, err := s.Append(t.Context(), es.StreamEvents{Stream: "container-BG", Expected: es.AnyVersion, Events: []es.Envelope{
			{SpecVersion: es.SpecVersion, ID: fmt.Sprintf("bg-%d", i), Source: "urn:test", Type: typeStacked, Time: scavengeAt, Data: json.RawMessage(`{}`)},
		}}); err != nil {
			t.Fatal(err)
		}
		if r, ok := s.LastScavenge(); ok && r.Through > 0 {
			if r.Err != nil {
				t.Fatalf("background scavenge: %v", r.Err)
			}
			break
		}
		time.Sleep(time.Millisecond)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Scavenge(t.Context()); !errors.Is(err, es.ErrClosed) {
		t.Errorf("scavenge after close = %v, want es.ErrClosed", err)
	}
}
