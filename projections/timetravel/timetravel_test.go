package timetravel

import (
	"context"
	"errors"
	"math/rand/v2"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/projections"
)

var t0 = time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)

func minutes(n float64) time.Time { return t0.Add(time.Duration(n * float64(time.Minute))) }

// inOrder stores n facts one minute apart, each recorded a second after it happened.
func inOrder(t testing.TB, s *memStore, from, n int) {
	t.Helper()
	facts := make([]fact, n)
	for i := range facts {
		at := minutes(float64(from + i))
		facts[i] = fact{event: held(from + i), time: at, recorded: at.Add(time.Second)}
	}
	appendFacts(t, s, facts...)
}

func view(t testing.TB, v *Views, at, asOf time.Time) View {
	t.Helper()
	w, err := v.View(context.Background(), at, asOf)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestAsOfFoldsThePrefixRecordedBefore(t *testing.T) {
	s := newMemStore()
	// 100 events in commits of three, each commit recorded a minute after the one before; their
	// event times are scrambled, which as_of must not care about.
	var facts []fact
	for i := range 100 {
		facts = append(facts, fact{event: held(i), time: minutes(float64((i * 37) % 100)), recorded: minutes(float64(i / 3))})
	}
	appendFacts(t, s, facts...)
	v := newViews(t, s, 10, Config{})
	feed(t, s, v)
	log := s.envelopes()

	for _, asOf := range []time.Time{minutes(-1), minutes(0), minutes(0.5), minutes(7), minutes(16.9), minutes(33), minutes(99), {}} {
		w := view(t, v, time.Time{}, asOf)
		want := expected(log, time.Time{}, asOf)
		if got := ids(t, w); !slices.Equal(got, want) {
			t.Errorf("as_of %s: folded %d events %v, want %d", asOf.Format(time.Kitchen), len(got), got, len(want))
		}
		if w.AsOf != uint64(len(want)) || w.Position != uint64(len(want)) {
			t.Errorf("as_of %s: view at %d (as of %d), want the prefix 1..%d", asOf.Format(time.Kitchen), w.Position, w.AsOf, len(want))
		}
	}
}

func TestAtIncludesLateReportsAsKnownNow(t *testing.T) {
	s := newMemStore()
	inOrder(t, s, 0, 60) // minutes 0..59
	late := fact{event: held(1000), time: minutes(10.5), recorded: minutes(61)}
	appendFacts(t, s, late) // position 61: what happened at 10:30 reached the twin at 61:00
	v := newViews(t, s, 8, Config{})
	feed(t, s, v)
	log := s.envelopes()

	tests := []struct {
		name         string
		giveAt       time.Time
		giveAsOf     time.Time
		wantLate     bool
		wantEvents   int
		wantPosition uint64
	}{
		{name: "at the late fact's time, known now", giveAt: minutes(10.5), wantLate: true, wantEvents: 12, wantPosition: 61},
		{name: "just before it", giveAt: minutes(10.4), wantEvents: 11, wantPosition: 11},
		{name: "later, known now", giveAt: minutes(30), wantLate: true, wantEvents: 32, wantPosition: 61},
		{name: "at its time, as known before it was recorded", giveAt: minutes(10.5), giveAsOf: minutes(60.5), wantEvents: 11, wantPosition: 11},
		{name: "at its time, as known once recorded", giveAt: minutes(10.5), giveAsOf: minutes(61), wantLate: true, wantEvents: 12, wantPosition: 61},
		{name: "as of before it, no cut on time", giveAsOf: minutes(60.5), wantEvents: 60, wantPosition: 60},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := view(t, v, tt.giveAt, tt.giveAsOf)
			got := ids(t, w)
			if !slices.Equal(got, expected(log, tt.giveAt, tt.giveAsOf)) {
				t.Fatalf("folded %v, want %v", got, expected(log, tt.giveAt, tt.giveAsOf))
			}
			if len(got) != tt.wantEvents || slices.Contains(got, "ev-61") != tt.wantLate || w.Position != tt.wantPosition {
				t.Fatalf("folded %d events ending at %d, late fact in: %v", len(got), w.Position, slices.Contains(got, "ev-61"))
			}
			if tt.wantLate && got[len(got)-1] != "ev-61" {
				t.Fatalf("the late fact is folded in log order, last: %v", got)
			}
		})
	}
}

// randomLog stores n facts: event times mostly in order a minute apart, one in a hundred reported up
// to two hours late, commits of one to five events recorded a few seconds after the newest fact.
func randomLog(t testing.TB, s *memStore, rng *rand.Rand, n int) {
	t.Helper()
	var facts []fact
	rec := t0
	for i := range n {
		at := minutes(float64(i))
		if rng.IntN(100) == 0 {
			at = at.Add(-time.Duration(rng.IntN(120)+1) * time.Minute)
		}
		if rng.IntN(3) == 0 {
			rec = minutes(float64(i)).Add(time.Duration(rng.IntN(30)) * time.Second)
		}
		facts = append(facts, fact{event: held(i), time: at, recorded: rec})
	}
	appendFacts(t, s, facts...)
}

// randomMoment is a time in or around the log's span, or zero.
func randomMoment(rng *rand.Rand, n int) time.Time {
	if rng.IntN(6) == 0 {
		return time.Time{}
	}
	return minutes(float64(rng.IntN(n+40)-20) + float64(rng.IntN(4))/4)
}

func TestBitemporalViewsMatchBruteForce(t *testing.T) {
	const n = 3000
	rng := rand.New(rand.NewPCG(1, 2))
	s := newMemStore()
	randomLog(t, s, rng, n)
	v := newViews(t, s, 200, Config{MaxSnapshots: 8})
	feed(t, s, v)
	log := s.envelopes()
	for range 300 {
		at, asOf := randomMoment(rng, n), randomMoment(rng, n)
		w := view(t, v, at, asOf)
		want := expected(log, at, asOf)
		if got := ids(t, w); !slices.Equal(got, want) {
			t.Fatalf("at %v as of %v: folded %d events, want %d", at, asOf, len(got), len(want))
		}
		if wantPos := lastPosition(log, want); w.Position != wantPos {
			t.Fatalf("at %v as of %v: position %d, want %d", at, asOf, w.Position, wantPos)
		}
	}
	if st := v.Stats(); st.Snapshots != 8 {
		t.Errorf("stats = %+v: want 8 snapshots kept", st)
	}
}

// lastPosition is the position of the last of ids in log, 0 for none.
func lastPosition(log []es.Envelope, ids []string) uint64 {
	if len(ids) == 0 {
		return 0
	}
	for _, e := range log {
		if e.ID == ids[len(ids)-1] {
			return e.Position
		}
	}
	return 0
}

func TestSnapshotsSpareMostOfTheFold(t *testing.T) {
	s := newMemStore()
	inOrder(t, s, 0, 20_000)
	v := newViews(t, s, 1000, Config{Cache: -1})
	feed(t, s, v)

	for _, tt := range []struct {
		name       string
		at, asOf   time.Time
		wantPos    uint64
		wantFolded int
	}{
		{name: "as of", asOf: minutes(12_345).Add(time.Second), wantPos: 12_346, wantFolded: 346},
		{name: "at", at: minutes(12_345), wantPos: 12_346, wantFolded: 346},
		{name: "both", at: minutes(9_999), asOf: minutes(12_345).Add(time.Second), wantPos: 10_000, wantFolded: 0},
		{name: "now", wantPos: 20_000, wantFolded: 0},
	} {
		s.read.Store(0)
		w := view(t, v, tt.at, tt.asOf)
		if w.Position != tt.wantPos || w.Folded != tt.wantFolded {
			t.Errorf("%s: view at %d folded %d events from the snapshot at %d, want %d folding %d", tt.name, w.Position, w.Folded, w.From, tt.wantPos, tt.wantFolded)
		}
		// The store is read for the folded events, the block where Recorded passes as_of, and
		// the next blocks of 16 in case they hold late reports.
		if r := s.read.Load(); r > int64(tt.wantFolded)+64 {
			t.Errorf("%s: read %d events from the store to fold %d", tt.name, r, tt.wantFolded)
		}
	}
}

func TestSnapshotsStayWithinBounds(t *testing.T) {
	tests := []struct {
		name      string
		giveCfg   Config
		wantCount int
	}{
		{name: "by count", giveCfg: Config{MaxSnapshots: 6}, wantCount: 6},
		{name: "by bytes", giveCfg: Config{MaxBytes: 20_000}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newMemStore()
			inOrder(t, s, 0, 5000)
			v := newViews(t, s, 100, tt.giveCfg)
			feed(t, s, v)
			st := v.Stats()
			if tt.wantCount > 0 && st.Snapshots != tt.wantCount {
				t.Fatalf("%d snapshots kept at %v, want %d", st.Snapshots, st.SnapshotAt, tt.wantCount)
			}
			if tt.giveCfg.MaxBytes > 0 && (st.SnapshotBytes > tt.giveCfg.MaxBytes || st.Snapshots < 2) {
				t.Fatalf("%d snapshots of %d bytes in all, want at most %d bytes", st.Snapshots, st.SnapshotBytes, tt.giveCfg.MaxBytes)
			}
			if st.SnapshotAt[len(st.SnapshotAt)-1] != 5000 || st.Thinned+st.Snapshots != 50 {
				t.Fatalf("snapshots at %v, %d thinned out of 50", st.SnapshotAt, st.Thinned)
			}
			// Thinning keeps them spread over the log: no gap more than twice another, but for the
			// one before the newest, which is kept whatever its distance.
			gaps := []uint64{st.SnapshotAt[0]}
			for i := 1; i < len(st.SnapshotAt)-1; i++ {
				gaps = append(gaps, st.SnapshotAt[i]-st.SnapshotAt[i-1])
			}
			if slices.Max(gaps) > 2*slices.Min(gaps) {
				t.Errorf("snapshots at %v are unevenly spread", st.SnapshotAt)
			}
			log := s.envelopes()
			for _, at := range []time.Time{minutes(1), minutes(2500), minutes(4321)} {
				if got := ids(t, view(t, v, at, time.Time{})); !slices.Equal(got, expected(log, at, time.Time{})) {
					t.Fatalf("at %v: folded %d events", at, len(got))
				}
			}
		})
	}
}

func TestEmptyBeforeTheFirstEventAndLiveAfterTheLast(t *testing.T) {
	s := newMemStore()
	v := newViews(t, s, 10, Config{})
	if w := view(t, v, minutes(5), time.Time{}); w.Position != 0 || len(ids(t, w)) != 0 {
		t.Fatalf("empty log: view at %d with %v", w.Position, ids(t, w))
	}
	inOrder(t, s, 0, 50)
	live := newTrace()
	feed(t, s, v, live)

	tests := []struct {
		name     string
		at, asOf time.Time
	}{
		{name: "at before the first event", at: minutes(-0.5)},
		{name: "as of before the first was recorded", asOf: minutes(0)},
		{name: "both", at: minutes(-1), asOf: minutes(-1)},
	}
	for _, tt := range tests {
		if w := view(t, v, tt.at, tt.asOf); w.Position != 0 || len(ids(t, w)) != 0 || w.Model == nil {
			t.Errorf("%s: view at %d with %v, want an empty model", tt.name, w.Position, ids(t, w))
		}
	}
	want := live.(*trace).IDs()
	for _, w := range []View{view(t, v, time.Time{}, time.Time{}), view(t, v, minutes(1e6), time.Time{}), view(t, v, minutes(1e6), minutes(1e6))} {
		if got := ids(t, w); w.Position != 50 || !slices.Equal(got, want) {
			t.Errorf("view after the last event is at %d with %d events, want the live picture of 50", w.Position, len(got))
		}
	}
}

func TestCachedViewsServeTheSameQuestionAgain(t *testing.T) {
	s := newMemStore()
	inOrder(t, s, 0, 500)
	v := newViews(t, s, 100, Config{})
	feed(t, s, v)

	first := view(t, v, minutes(250), time.Time{})
	if first.Cached || first.Position != 251 {
		t.Fatalf("first answer: %+v", first)
	}
	for _, at := range []time.Time{minutes(250), minutes(250.9)} { // the same events: times are whole minutes
		if w := view(t, v, at, time.Time{}); !w.Cached || w.Model != first.Model {
			t.Fatalf("at %v: not answered from the cache", at)
		}
	}
	// The log goes on with later events: the past moment is still answered from the cache.
	inOrder(t, s, 500, 100)
	feed(t, s, v)
	if w := view(t, v, minutes(250), time.Time{}); !w.Cached || w.AsOf != 600 || w.Position != 251 {
		t.Fatalf("after later events: %+v", w)
	}
	// A late report about that moment arrives: the answer changes.
	appendFacts(t, s, fact{event: held(9999), time: minutes(200), recorded: minutes(601)})
	feed(t, s, v)
	w := view(t, v, minutes(250), time.Time{})
	if w.Cached || w.Position != 601 || !slices.Contains(ids(t, w), "ev-601") {
		t.Fatalf("after a late report: cached %v, at %d", w.Cached, w.Position)
	}
	// The present moves on: the as_of view of now is folded again.
	if w := view(t, v, time.Time{}, time.Time{}); w.Cached || w.Position != 601 {
		t.Fatalf("now: %+v", w)
	}
}

func TestConcurrentQuestionsWhileTheLogGrows(t *testing.T) {
	const n = 4000
	s := newMemStore()
	v := newViews(t, s, 150, Config{MaxSnapshots: 10, Cache: 3})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	runner := projections.NewRunner(s, v.reg, nil, projections.RunnerConfig{}, nil, v, v.live)
	ran := make(chan error, 1)
	go func() { ran <- runner.Run(ctx) }()

	var wg sync.WaitGroup
	wg.Go(func() {
		rng := rand.New(rand.NewPCG(3, 4))
		for i := 0; i < n; i += 40 {
			var facts []fact
			for j := i; j < i+40; j++ {
				at := minutes(float64(j))
				if rng.IntN(50) == 0 {
					at = at.Add(-time.Duration(rng.IntN(90)) * time.Minute)
				}
				facts = append(facts, fact{event: held(j), time: at, recorded: minutes(float64(j))})
			}
			appendFacts(t, s, facts...)
		}
	})
	for q := range 4 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(5, uint64(q)))
			for range 60 {
				at, asOf := randomMoment(rng, n), randomMoment(rng, n)
				if rng.IntN(3) == 0 {
					at = minutes(100) // a page polling one moment
				}
				w, err := v.View(ctx, at, asOf)
				if err != nil {
					t.Error(err)
					return
				}
				log := s.envelopes()[:w.AsOf]
				if got, want := ids(t, w), expected(log, at, asOf); !slices.Equal(got, want) {
					t.Errorf("at %v as of %v (up to %d): folded %d events, want %d", at, asOf, w.AsOf, len(got), len(want))
					return
				}
			}
		})
	}
	wg.Wait()
	for v.Applied() < n {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-ran; err != nil {
		t.Fatal(err)
	}
	if st := v.Stats(); st.Queries != 240 {
		t.Errorf("stats: %+v", st)
	}
}

func TestRecordedSteppingBackIsCounted(t *testing.T) {
	s := newMemStore()
	appendFacts(t, s,
		fact{event: held(1), time: minutes(1), recorded: minutes(1)},
		fact{event: held(2), time: minutes(2), recorded: minutes(5)},
		fact{event: held(3), time: minutes(3), recorded: minutes(3)}, // the clock stepped back
		fact{event: held(4), time: minutes(4), recorded: minutes(6)},
	)
	v := newViews(t, s, 10, Config{})
	feed(t, s, v)
	if st := v.Stats(); st.RecordedRegressions != 1 {
		t.Fatalf("regressions = %d, want 1", st.RecordedRegressions)
	}
	// As of minute 4: the longest prefix recorded by then is the first event alone.
	if got := ids(t, view(t, v, time.Time{}, minutes(4))); !slices.Equal(got, []string{"ev-1"}) {
		t.Fatalf("as of 4: %v", got)
	}
}

func TestCancelledQuestion(t *testing.T) {
	s := newMemStore()
	inOrder(t, s, 0, 100)
	v := newViews(t, s, 10, Config{})
	feed(t, s, v)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := v.At(ctx, minutes(50), time.Time{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	m, pos, err := v.At(context.Background(), minutes(50), time.Time{})
	if err != nil || pos != 51 || !reflect.DeepEqual(m.(*trace).IDs(), expected(s.envelopes(), minutes(50), time.Time{})) {
		t.Fatalf("At = %v, %d, %v", m, pos, err)
	}
}
