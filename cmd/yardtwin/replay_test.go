package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/projections/deadletters"
	"github.com/yardtwin/yardtwin/projections/kpi"
	"github.com/yardtwin/yardtwin/projections/yardmap"
)

// TestReplayEqualsLive: rebuilding every projection from the first event gives the state the live
// twin had built, and the checkpoints it saves are what serve starts from.
func TestReplayEqualsLive(t *testing.T) {
	dir := t.TempDir()
	base, stop := runTwin(t, serveFlags{Data: dir, Demo: demoScenarioFile, Speed: 3000})
	deadline := time.Now().Add(30 * time.Second)
	var live yardmap.Summary
	for time.Now().Before(deadline) { // let the demo run for a while: vessels, gate, anomalies
		getJSON(t, base+"api/v1/yard", &live)
		if live.Position > 20_000 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	stop() // the store is opened exclusively

	var out, errs bytes.Buffer
	if err := replay(context.Background(), replayFlags{Data: dir, Summary: true}, &out, &errs); err != nil {
		t.Fatalf("replay: %v\n%s", err, errs.String())
	}
	var rebuilt yardmap.Summary
	if err := json.Unmarshal(out.Bytes(), &rebuilt); err != nil {
		t.Fatal(err)
	}
	if rebuilt.Position < live.Position {
		t.Fatalf("replay folded to %d, the live twin had %d", rebuilt.Position, live.Position)
	}
	if !strings.Contains(errs.String(), yardmap.Name+", "+kpi.Name+", "+deadletters.Name) {
		t.Fatalf("replay did not rebuild every projection: %s", errs.String())
	}

	// The restarted twin starts from those checkpoints and shows the same yard.
	base = startTwin(t, dir)
	waitProjected(t, base)
	var restarted yardmap.Summary
	getJSON(t, base+"api/v1/yard", &restarted)
	if !reflect.DeepEqual(restarted, rebuilt) {
		t.Fatalf("restarted yard differs from the replay:\\n got %+v\\nwant %+v", restarted, rebuilt)
	}
	var k struct{ KPIs []struct{ Key string } }
	if s := getJSON(t, base+"api/v1/kpis", &k); s != http.StatusOK || len(k.KPIs) == 0 {
		t.Fatalf("kpis = %d %+v", s, k)
	}

	if err := replay(context.Background(), replayFlags{Data: dir, Projections: []string{"nothing"}}, &out, &errs); err == nil || !strings.Contains(err.Error(), "--projection") {
		t.Fatalf("unknown projection: %v", err)
	}
}
