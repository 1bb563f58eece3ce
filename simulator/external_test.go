package simulator_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/simulator"
	"github.com/yardtwin/yardtwin/simulator/policy"
)

// startPython starts the Python example policy on a free port and returns its URL.
func startPython(t *testing.T) string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed: the external policy example cannot run")
	}
	cmd := exec.Command(py, filepath.Join("policy", "python", "nearest_policy.py"), "--port", "0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	line := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(out)
		if s.Scan() {
			line <- s.Text()
		}
		close(line)
	}()
	select {
	case l, ok := <-line:
		url, found := strings.CutPrefix(l, "listening on ")
		if !ok || !found {
			t.Fatalf("the Python policy said %q; stderr: %s", l, stderr.String())
		}
		return url
	case <-time.After(20 * time.Second):
		t.Fatalf("the Python policy did not start; stderr: %s", stderr.String())
	}
	return ""
}

// TestPythonPolicyDecides runs a day of the test terminal with the Python example deciding every
// kind, then checks that for the kinds where the example's rule is the built-in "nearest" the log is
// byte for byte the one the built-ins give: the protocol carries the situation and the answer
// faithfully, and a run with an external policy is as deterministic as one without.
func TestPythonPolicyDecides(t *testing.T) {
	url := startPython(t)
	l := testLayout(t)
	sc := testScenario()
	d := 12 * time.Hour

	var all policy.Set
	for _, k := range policy.Kinds() {
		if err := all.Use(k + "=" + url); err != nil {
			t.Fatal(err)
		}
	}
	envs, f := run(t, sc, l, simulator.Options{Policies: all}, d)
	fd := newFold(t, l)
	fd.apply(envs)
	checkConservation(t, fd, f)
	if st := f.Stats(); st.Discharged == 0 || st.Loaded == 0 {
		t.Fatalf("nothing happened: %+v", st)
	}

	var ext, builtin policy.Set
	for _, k := range []string{"stacking", "quay-sequence", "yard-sequence", "dispatch"} {
		if err := ext.Use(k + "=" + url); err != nil {
			t.Fatal(err)
		}
		if err := builtin.Use(k + "=nearest"); err != nil {
			t.Fatal(err)
		}
	}
	a, _ := run(t, sc, l, simulator.Options{Policies: ext}, d)
	b, _ := run(t, sc, l, simulator.Options{Policies: builtin}, d)
	if !bytes.Equal(marshalAll(t, a), marshalAll(t, b)) {
		t.Fatal("the Python nearest policy and the built-in nearest policies give different logs")
	}
	def, _ := run(t, sc, l, simulator.Options{}, d)
	if bytes.Equal(marshalAll(t, a), marshalAll(t, def)) {
		t.Fatal("the nearest policies change nothing against the defaults")
	}
}

// TestExternalPolicyFailuresStopTheRun checks the answers the feed refuses.
func TestExternalPolicyFailuresStopTheRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    string
		timeout time.Duration // only the slow case needs a short one; the others must not race it on a busy CI machine
	}{
		{"choice out of range", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `{"choice": 100000}`) }, "choice 100000 is not one of the", 0},
		{"no choice", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `{"pick": 1}`) }, `has no "choice"`, 0},
		{"not json", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `nearest`) }, "is not JSON", 0},
		{"server error", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "KeyError: 'bay'", 500) }, "HTTP 500 Internal Server Error: KeyError: 'bay'", 0},
		{"too slow", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(2 * time.Second):
			}
			fmt.Fprint(w, `{"choice": 0}`)
		}, "no answer within 50ms", 50 * time.Millisecond},
	}
	l := testLayout(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			var ps policy.Set
			if err := ps.Use("stacking=" + srv.URL); err != nil {
				t.Fatal(err)
			}
			f, err := simulator.NewFeed(testScenario(), l, simulator.Options{Policies: ps, PolicyTimeout: tt.timeout})
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			_, err = f.Collect(context.Background(), f.Start().Add(12*time.Hour))
			var de *policy.DecisionError
			if !errors.As(err, &de) || !strings.Contains(err.Error(), tt.want) || de.Kind != "stacking" {
				t.Fatalf("got %v\nwant a stacking DecisionError saying %q", err, tt.want)
			}
		})
	}
}
