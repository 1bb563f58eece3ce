package timetravel

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/domain/contract"
	"github.com/yardtwin/yardtwin/domain/equipment"
	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/iso6346"
	"github.com/yardtwin/yardtwin/domain/yard"
	"github.com/yardtwin/yardtwin/projections"
	"github.com/yardtwin/yardtwin/projections/yardmap"
	"github.com/yardtwin/yardtwin/scenarios/tangermed"
)

// yardFacts is n facts of a busy yard, one a second from t0, each recorded two seconds after it
// happened: every box is announced, stacked, then lifted again or put on hold, with a quay crane
// position report every four facts (the shape of cmd/yardtwin's rebuild benchmark). When lateEvery
// is positive, every lateEvery-th fact is instead a late report: a customs release of a box stacked
// a while before, happening 5 to 180 minutes before it is recorded.
func yardFacts(n, lateEvery int) []fact {
	facts := make([]fact, 0, n)
	for k := range n {
		at := t0.Add(time.Duration(k) * time.Second)
		recorded := at.Add(2 * time.Second)
		if lateEvery > 0 && k%lateEvery == lateEvery-1 {
			delay := time.Duration(5+(k/lateEvery*37)%176) * time.Minute
			earlier := max(k-int(delay/time.Second), 0)
			facts = append(facts, fact{event: yard.ContainerReleased{Container: boxID("TTY", earlier/4), Hold: "customs"}, time: recorded.Add(-delay), recorded: recorded})
			continue
		}
		c := boxID("TTY", k/4)
		var ev es.Event
		switch k % 4 {
		case 0:
			ev = yard.ContainerAnnounced{Container: c, SizeType: "45G1", WeightKg: 21000, Category: yard.Transhipment}
		case 1:
			ev = yard.ContainerStacked(placed(c, k/4))
		case 2:
			if (k/4)%2 == 0 {
				ev = yard.ContainerLifted(placed(c, k/4))
			} else {
				ev = yard.ContainerHeld{Container: c, Hold: "customs"}
			}
		case 3:
			ev = equipment.PositionReported{
				Equipment: fmt.Sprintf("QC%02d", 1+k%8), Kind: equipment.QuayCrane,
				Lon: -5.5090 + float64(k%1000)*0.000006, Lat: 35.8860 + float64(k%1000)*0.000002,
			}
		}
		facts = append(facts, fact{event: ev, time: at, recorded: recorded})
	}
	return facts
}

// placed is box c in the n-th slot of eight blocks, filling tier by tier.
func placed(c iso6346.ContainerID, n int) yard.Placement {
	blocks := []string{"A01", "A02", "A03", "B01", "B02", "B03", "C01", "C02"}
	return yard.Placement{
		Container: c, Block: blocks[n%len(blocks)],
		Bay: 1 + (n/8)%40, Row: 1 + (n/320)%6, Tier: 1 + (n/1920)%5, Crane: "RTG01",
	}
}

// The yard model writes deltas (yardmap cannot say so itself: this package's tests import it).
var _ Incremental = (*yardmap.Model)(nil)

func yardModel(t testing.TB) func() projections.Snapshotter {
	t.Helper()
	layout, err := tangermed.Layout()
	if err != nil {
		t.Fatal(err)
	}
	return func() projections.Snapshotter { return yardmap.New(layout) }
}

// TestYardViewIsTheLiveYardOfThen checks, on a log in time order, that the view at the time of an
// event, and as of when it was recorded, is the yard folded directly up to that event.
func TestYardViewIsTheLiveYardOfThen(t *testing.T) {
	const n = 6000
	s := newMemStore()
	appendFacts(t, s, yardFacts(n, 0)...)
	newModel := yardModel(t)
	v := openViews(t, filepath.Join(t.TempDir(), "tt.db"), s, newModel, Config{Every: 500, block: 64})
	feed(t, s, v)
	live := v.live
	items := projections.Decode(contract.NewRegistry(), s.envelopes())

	for _, p := range []int{1, 2, 37, 499, 500, 501, 1234, 2999, 4443, n} {
		direct := newModel().(*yardmap.Model)
		direct.Apply(items[:p])
		e := items[p-1]
		for _, tt := range []struct {
			name     string
			at, asOf time.Time
		}{
			{"at", e.Time, time.Time{}},
			{"as of", time.Time{}, e.Recorded},
			{"both", e.Time, e.Recorded.Add(time.Hour)},
		} {
			w := view(t, v, tt.at, tt.asOf)
			got := w.Model.(*yardmap.Model)
			if w.Position != uint64(p) || !reflect.DeepEqual(got.Summary(), direct.Summary()) {
				t.Fatalf("%s position %d: view at %d\n got %+v\nwant %+v", tt.name, p, w.Position, got.Summary(), direct.Summary())
			}
			if !reflect.DeepEqual(got.Anomalies(), direct.Anomalies()) || !reflect.DeepEqual(got.Machines(), direct.Machines()) {
				t.Fatalf("%s position %d: anomalies or machines differ", tt.name, p)
			}
		}
	}
	now := view(t, v, time.Time{}, time.Time{}).Model.(*yardmap.Model)
	if !reflect.DeepEqual(now.Summary(), live.(*yardmap.Model).Summary()) {
		t.Fatal("the view of now is not the live yard")
	}
}

// TestYardViewWithLateReports checks the yard at a moment, as known now, against a yard folded
// directly from the events that happened by then, in log order.
func TestYardViewWithLateReports(t *testing.T) {
	s := newMemStore()
	appendFacts(t, s, yardFacts(8000, 100)...)
	newModel := yardModel(t)
	v := openViews(t, filepath.Join(t.TempDir(), "tt.db"), s, newModel, Config{Every: 500, block: 64})
	feed(t, s, v)
	log := s.envelopes()
	for _, at := range []time.Time{t0.Add(30 * time.Minute), t0.Add(77*time.Minute + 30*time.Second), t0.Add(2 * time.Hour)} {
		var kept []es.Envelope
		for _, e := range log {
			if !e.Time.After(at) {
				kept = append(kept, e)
			}
		}
		direct := newModel().(*yardmap.Model)
		direct.Apply(projections.Decode(contract.NewRegistry(), kept))
		w, err := v.View(context.Background(), at, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if got := w.Model.(*yardmap.Model).Summary(); !reflect.DeepEqual(got, direct.Summary()) {
			t.Fatalf("at %s:\n got %+v\nwant %+v", at.Format(time.TimeOnly), got, direct.Summary())
		}
		if w.Position != kept[len(kept)-1].Position || w.Position <= uint64(at.Sub(t0)/time.Second)+1 {
			t.Fatalf("at %s: view at %d, want the late report at %d folded", at.Format(time.TimeOnly), w.Position, kept[len(kept)-1].Position)
		}
	}
}
