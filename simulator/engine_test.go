package simulator

import (
	"slices"
	"testing"
	"time"
)

func TestEngineRunsInTimeThenSchedulingOrder(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC)
	e := NewEngine(t0)
	var got []string
	note := func(s string) Action {
		return func() { got = append(got, s+"@"+e.Now().Sub(t0).String()) }
	}
	e.After(2*time.Minute, note("c"))
	e.After(time.Minute, note("a"))
	e.After(time.Minute, note("b")) // same time: after a, scheduled first
	e.After(time.Minute, func() {
		got = append(got, "d@"+e.Now().Sub(t0).String())
		e.After(0, note("e"))                // now: after what is already due now
		e.At(t0, note("f"))                  // the past means now
		e.After(time.Hour, note("too late")) // beyond RunUntil
	})
	if n := e.RunUntil(t0.Add(30 * time.Minute)); n != 6 {
		t.Errorf("ran %d actions, want 6", n)
	}
	want := []string{"a@1m0s", "b@1m0s", "d@1m0s", "e@1m0s", "f@1m0s", "c@2m0s"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	if !e.Now().Equal(t0.Add(30 * time.Minute)) {
		t.Errorf("clock at %v after RunUntil", e.Now())
	}
	if at, ok := e.Next(); !ok || !at.Equal(t0.Add(61*time.Minute)) {
		t.Errorf("next at %v %v", at, ok)
	}
}

func TestEngineHeapKeepsOrderUnderLoad(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	e := NewEngine(t0)
	r := NewRand(1, "test")
	var last time.Time
	var lastSeq, n int
	for i := range 10_000 {
		d := time.Duration(r.IntN(100)) * time.Second
		seq := i
		e.After(d, func() {
			if e.Now().Before(last) || (e.Now().Equal(last) && seq < lastSeq) {
				t.Fatalf("action %d at %v ran after action %d at %v", seq, e.Now(), lastSeq, last)
			}
			last, lastSeq = e.Now(), seq
			n++
		})
	}
	for e.Step() {
	}
	if n != 10_000 || e.Steps() != 10_000 {
		t.Fatalf("ran %d (%d steps)", n, e.Steps())
	}
}

func TestVirtualClockNeverGoesBack(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := NewVirtualClock(t0)
	c.Advance(-time.Hour)
	c.AdvanceTo(t0.Add(-time.Minute))
	if !c.Now().Equal(t0) {
		t.Fatalf("clock went back to %v", c.Now())
	}
	c.Advance(time.Minute)
	if !c.Now().Equal(t0.Add(time.Minute)) {
		t.Fatalf("clock at %v", c.Now())
	}
}

func TestIMONumbersHaveTheirCheckDigit(t *testing.T) {
	r := NewRand(3, "imo")
	for range 100 {
		s := imoNumber(r)
		sum := 0
		for i := range 6 {
			sum += int(s[i]-'0') * (7 - i)
		}
		if len(s) != 7 || sum%10 != int(s[6]-'0') {
			t.Fatalf("%s has a wrong check digit", s)
		}
	}
}

func TestRoundToGivesTheShortestDecimal(t *testing.T) {
	if got := roundTo(236.10000000000002, 0.1); got != 236.1 {
		t.Errorf("got %v", got)
	}
	if got := roundTo(-5.50561234567, 1e-7); got != -5.5056123 {
		t.Errorf("got %v", got)
	}
}
