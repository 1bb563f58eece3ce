package simulator_test

import (
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/simulator"
)

// TestDemoScenario runs the shipped demo through the contract, the twin and the physical fold, and
// checks that its pace suits a live map: tens of events per wall-clock second at its speed.
func TestDemoScenario(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two simulated days of the shipped demo")
	}
	t.Parallel()
	sc, l := shipped(t, "tangermed/demo.yaml")
	envs, f := run(t, sc, l, simulator.Options{}, 48*time.Hour)
	checkContract(t, l, sc, envs)
	checkSound(t, l, envs, f)

	// After the initial fill (a burst at the start), the rate of events at the demo's speed.
	warm := f.Start().Add(6 * time.Hour)
	n := 0
	for _, e := range envs {
		if e.Time.After(warm) {
			n++
		}
	}
	perWallSecond := float64(n) / f.Now().Sub(warm).Seconds() * sc.Speed
	if perWallSecond < 10 || perWallSecond > 200 {
		t.Errorf("%.0f events per wall-clock second at speed %g, want tens", perWallSecond, sc.Speed)
	}
	t.Logf("%d events in 48 h, %.0f per wall second at speed %g after the first 6 h; %+v", len(envs), perWallSecond, sc.Speed, f.Stats())
}
