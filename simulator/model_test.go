package simulator_test

import (
	"context"
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/yardtwin/yardtwin/domain/contract"
	"github.com/yardtwin/yardtwin/domain/equipment"
	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/gate"
	"github.com/yardtwin/yardtwin/domain/quay"
	"github.com/yardtwin/yardtwin/domain/yard"
	"github.com/yardtwin/yardtwin/simulator"
)

type interval struct{ start, end time.Time }

// observed runs a feed for d and returns what each resource did, by resource.
func observed(t *testing.T, sc *simulator.Scenario, l *yard.Layout, opts simulator.Options, d time.Duration) (map[string][]interval, []es.Envelope) {
	t.Helper()
	f, err := simulator.NewFeed(sc, l, opts)
	if err != nil {
		t.Fatal(err)
	}
	work := map[string][]interval{}
	simulator.SetObserver(f, func(r string, s, e time.Time) { work[r] = append(work[r], interval{s, e}) })
	envs, err := f.Collect(context.Background(), f.Start().Add(d))
	if err != nil {
		t.Fatal(err)
	}
	return work, envs
}

// overlapping returns the first two pieces of work of one resource that overlap in time.
func overlapping(iv []interval) (a, b interval, ok bool) {
	iv = slices.Clone(iv)
	slices.SortFunc(iv, func(a, b interval) int { return a.start.Compare(b.start) })
	for i := 1; i < len(iv); i++ {
		if iv[i].start.Before(iv[i-1].end) {
			return iv[i-1], iv[i], true
		}
	}
	return interval{}, interval{}, false
}

// TestOneLaneServesOneTruckAtATime runs a gate with one lane each way and more trucks than it can
// serve: trucks queue, and no lane ever serves two at once. Seen from the log, gate-ins on the lane
// are at least the (fixed) service time apart.
func TestOneLaneServesOneTruckAtATime(t *testing.T) {
	t.Parallel()
	l := testLayout(t)
	sc := testScenario()
	sc.Gate = simulator.GateDemand{
		TrucksPerHour: 50, ImportShare: 0, LanesIn: 1, LanesOut: 1,
		Service: simulator.FixedDist(90), ExitService: simulator.FixedDist(30),
	}
	work, envs := observed(t, sc, l, simulator.Options{}, 8*time.Hour)
	var lanes []string
	queued := 0
	for r, iv := range work {
		if !strings.HasPrefix(r, "lane ") {
			continue
		}
		lanes = append(lanes, r)
		if a, b, ok := overlapping(iv); ok {
			t.Errorf("%s serves two trucks at once: %v–%v and %v–%v", r, a.start, a.end, b.start, b.end)
		}
		for i := 1; i < len(iv); i++ {
			if iv[i].start.Equal(iv[i-1].end) {
				queued++ // the next truck was waiting
			}
		}
	}
	if len(lanes) != 2 {
		t.Fatalf("lanes at work %v, want one in and one out", lanes)
	}
	if queued < 50 {
		t.Errorf("only %d trucks waited for the lane: the gate is not loaded enough to test", queued)
	}
	var last time.Time
	var lane string
	n := 0
	for _, e := range envs {
		if e.Type != gate.TypeContainerGatedIn {
			continue
		}
		ev := decodeOne(t, e).(gate.ContainerGatedIn)
		if lane != "" && ev.Lane != lane {
			t.Fatalf("gate-ins on lanes %s and %s with one lane open", lane, ev.Lane)
		}
		if !last.IsZero() && e.Time.Sub(last) < 90*time.Second {
			t.Fatalf("gate-ins %v apart on lane %s, less than the 90 s service", e.Time.Sub(last), ev.Lane)
		}
		last, lane = e.Time, ev.Lane
		n++
	}
	if n < 200 {
		t.Errorf("only %d gate-ins in 8 h at 50 trucks an hour", n)
	}
}

// TestCranesMakeOneMoveAtATime checks every quay and yard crane over a day of the test terminal.
func TestCranesMakeOneMoveAtATime(t *testing.T) {
	t.Parallel()
	l := testLayout(t)
	work, _ := observed(t, testScenario(), l, simulator.Options{}, 24*time.Hour)
	quay, yardMoves := 0, 0
	for r, iv := range work {
		if !strings.HasPrefix(r, "crane ") {
			continue
		}
		if strings.HasPrefix(r, "crane QC") {
			quay += len(iv)
		} else {
			yardMoves += len(iv)
		}
		if a, b, ok := overlapping(iv); ok {
			t.Errorf("%s makes two moves at once: %v–%v and %v–%v", r, a.start, a.end, b.start, b.end)
		}
	}
	if quay < 200 || yardMoves < 400 {
		t.Errorf("%d quay crane and %d yard crane moves in a day: too few to test", quay, yardMoves)
	}
}

// TestTrucksDriveAroundBlocks folds every truck's reported positions on the Tanger Med-like layout
// and checks that no position lies in a block and no stretch between two reports crosses one
// (sampled every half metre, independently of the router's own test).
func TestTrucksDriveAroundBlocks(t *testing.T) {
	t.Parallel()
	sc, l := shipped(t, "tangermed/demo.yaml")
	envs, _ := run(t, sc, l, simulator.Options{}, 12*time.Hour)
	blocks := l.Blocks()
	// in reports whether p is inside a block by more than tol metres.
	in := func(p orb.Point, tol float64) string {
		for _, b := range blocks {
			dx, dy := p[0]-b.Corner[0], p[1]-b.Corner[1]
			s, u := dx*b.BayAxis[0]+dy*b.BayAxis[1], dx*b.RowAxis[0]+dy*b.RowAxis[1]
			if s > tol && s < b.Length-tol && u > tol && u < b.Width-tol {
				return b.ID
			}
		}
		return ""
	}
	last := map[string]orb.Point{}
	stretches, turns := 0, 0
	for _, e := range envs {
		if e.Type != equipment.TypePositionReported {
			continue
		}
		ev := decodeOne(t, e).(equipment.PositionReported)
		if ev.Kind != equipment.Truck {
			continue
		}
		p := l.ToLocal(orb.Point{ev.Lon, ev.Lat})
		if b := in(p, 0.3); b != "" {
			t.Fatalf("%s reported inside block %s at %v", ev.Equipment, b, p)
		}
		if q, ok := last[ev.Equipment]; ok && q != p {
			stretches++
			n := int(math.Ceil(dist(p, q) / 0.5))
			for i := 1; i < n; i++ {
				f := float64(i) / float64(n)
				if b := in(orb.Point{q[0] + f*(p[0]-q[0]), q[1] + f*(p[1]-q[1])}, 0.3); b != "" {
					t.Fatalf("%s drove across block %s from %v to %v", ev.Equipment, b, q, p)
				}
			}
			if ev.SpeedMPS != nil && *ev.SpeedMPS > 0 && ev.HeadingDeg != nil {
				turns++
			}
		}
		last[ev.Equipment] = p
	}
	if stretches < 1000 {
		t.Errorf("only %d stretches driven", stretches)
	}
	t.Logf("%d stretches, %d reported under way", stretches, turns)
}

func dist(a, b orb.Point) float64 { return math.Hypot(a[0]-b[0], a[1]-b[1]) }

func decodeOne(t *testing.T, e es.Envelope) es.Event {
	t.Helper()
	ev, err := contract.NewRegistry().Decode(e)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// TestCallTimesFollowTheScenario fixes a call's pilotage, setup and unberthing in the scenario and
// reads them back off the log: a vessel berths the pilotage after it arrives (once a berth is free:
// never sooner), makes its first move no sooner than the setup after berthing, and leaves the
// unberthing after its last move.
func TestCallTimesFollowTheScenario(t *testing.T) {
	t.Parallel()
	l := testLayout(t)
	sc := testScenario()
	const pilotage, setup, unberth = 3 * time.Hour, 45 * time.Minute, 2 * time.Hour
	sc.Vessels.Pilotage = simulator.FixedDist(simulator.Secs(pilotage))
	sc.Vessels.Setup = simulator.FixedDist(simulator.Secs(setup))
	sc.Vessels.Unberth = simulator.FixedDist(simulator.Secs(unberth))
	envs, _ := run(t, sc, l, simulator.Options{}, 48*time.Hour)

	type call struct{ arrived, berthed, first, last, departed time.Time }
	calls := map[string]*call{}
	at := func(visit string) *call {
		if calls[visit] == nil {
			calls[visit] = &call{}
		}
		return calls[visit]
	}
	for _, e := range envs {
		var d struct {
			Visit string `json:"visit"`
		}
		if err := json.Unmarshal(e.Data, &d); err != nil || d.Visit == "" {
			continue
		}
		c := at(d.Visit)
		switch e.Type {
		case quay.TypeVesselArrived:
			c.arrived = e.Time
		case quay.TypeVesselBerthed:
			c.berthed = e.Time
		case quay.TypeContainerDischarged, quay.TypeContainerLoaded:
			if c.first.IsZero() {
				c.first = e.Time
			}
			c.last = e.Time
		case quay.TypeVesselDeparted:
			c.departed = e.Time
		}
	}
	exact := 0
	for visit, c := range calls {
		if c.arrived.IsZero() || c.berthed.IsZero() || c.first.IsZero() || c.departed.IsZero() {
			continue // still at sea, at anchor or at work when the run ended, or an initial-fill visit
		}
		if got := c.berthed.Sub(c.arrived); got < pilotage {
			t.Errorf("%s berthed %v after arriving, want at least the pilotage %v", visit, got, pilotage)
		} else if got == pilotage {
			exact++
		}
		if got := c.first.Sub(c.berthed); got < setup {
			t.Errorf("%s made its first move %v after berthing, want at least the setup %v", visit, got, setup)
		}
		if got := c.departed.Sub(c.last); got != unberth {
			t.Errorf("%s left %v after its last move, want the unberthing %v", visit, got, unberth)
		}
	}
	if exact == 0 {
		t.Errorf("no call berthed exactly the pilotage after arriving: %d calls", len(calls))
	}
}
