package simulator_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/simulator"
	"github.com/yardtwin/yardtwin/simulator/policy"
)

// TestEveryBuiltInPolicyRuns runs the test terminal with each built-in policy in turn: the run
// keeps the yard physical and conserves boxes, and the same seed gives the same bytes.
func TestEveryBuiltInPolicyRuns(t *testing.T) {
	t.Parallel()
	l := testLayout(t)
	for _, kind := range policy.Kinds() {
		for _, name := range policy.Available(kind) {
			t.Run(kind+"="+name, func(t *testing.T) {
				t.Parallel()
				var ps policy.Set
				if err := ps.Use(kind + "=" + name); err != nil {
					t.Fatal(err)
				}
				sc := testScenario()
				opts := simulator.Options{Policies: ps}
				a, f := run(t, sc, l, opts, 24*time.Hour)
				fd := newFold(t, l)
				fd.apply(a)
				checkConservation(t, fd, f)
				b, _ := run(t, sc, l, opts, 24*time.Hour)
				if !bytes.Equal(marshalAll(t, a), marshalAll(t, b)) {
					t.Fatal("two runs with the same seed and policies differ")
				}
				if got := f.Policies().Names()[kind]; got != name {
					t.Errorf("%s in force, want %s", got, name)
				}
			})
		}
	}
}
