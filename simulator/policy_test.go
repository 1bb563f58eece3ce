package simulator_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/simulator"
	"github.com/yardtwin/yardtwin/simulator/policy"
)

// TestEveryBuiltInPolicyRuns runs the test terminal with each built-in policy in turn: the run
// keeps the yard physical and conserves boxes, the same seed gives the same bytes, and a policy
// other than the default changes the run.
func TestEveryBuiltInPolicyRuns(t *testing.T) {
	t.Parallel()
	l := testLayout(t)
	def, _ := run(t, testScenario(), l, simulator.Options{}, 24*time.Hour)
	defBytes := marshalAll(t, def)
	var zero policy.Set
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
				same := bytes.Equal(marshalAll(t, a), defBytes)
				if isDefault := zero.Names()[kind] == name; same != isDefault {
					t.Errorf("log the same as the defaults' %v, default policy %v", same, isDefault)
				}
				if got := f.Policies().Names()[kind]; got != name {
					t.Errorf("%s in force, want %s", got, name)
				}
			})
		}
	}
}
