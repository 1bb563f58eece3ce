package stats

import (
	"errors"
	"math"
	"testing"
)

func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

// TestTQuantile checks the 0.975 quantile against printed tables (e.g. NIST/SEMATECH e-Handbook,
// table 1.3.6.7.2).
func TestTQuantile(t *testing.T) {
	tests := []struct {
		giveDF int
		want   float64
	}{
		{1, 12.706204736},
		{2, 4.302652730},
		{3, 3.182446305},
		{9, 2.262157163},
		{29, 2.045229642},
		{1000, 1.962339081},
	}
	for _, tt := range tests {
		if got := TQuantile(0.975, tt.giveDF); !near(got, tt.want, 1e-6) {
			t.Errorf("t(0.975, %d) = %.9f, want %.9f", tt.giveDF, got, tt.want)
		}
	}
}

// TestCompareByHand checks an interval worked out by hand: differences 2, 3, 1, 3 have mean 2.25,
// sample standard deviation √(2.75/3) = 0.957427 and standard error 0.478714; with t(0.975, 3) =
// 3.182446 the 95 % interval is 2.25 ± 1.523480 = [0.726520, 3.773480].
func TestCompareByHand(t *testing.T) {
	a := []float64{10, 12, 11, 13}
	b := []float64{12, 15, 12, 16}
	p, err := Compare(a, b, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want float64
	}{
		{"mean A", p.MeanA, 11.5},
		{"mean B", p.MeanB, 13.75},
		{"diff", p.Diff, 2.25},
		{"sd", p.SD, 0.957427108},
		{"t", p.T, 3.182446305},
		{"low", p.Low, 0.726519819},
		{"high", p.High, 3.773480181},
	}
	for _, c := range checks {
		if !near(c.got, c.want, 1e-6) {
			t.Errorf("%s = %.9f, want %.9f", c.name, c.got, c.want)
		}
	}
	if p.N != 4 || !p.Significant() {
		t.Errorf("n %d, significant %v; want 4, true", p.N, p.Significant())
	}
	// B is higher: better when higher is better, worse when lower is.
	if v := p.Verdict(Higher); v != VerdictB {
		t.Errorf("verdict (higher is better) %q, want B", v)
	}
	if v := p.Verdict(Lower); v != VerdictA {
		t.Errorf("verdict (lower is better) %q, want A", v)
	}
	if v := p.Verdict(Neither); v != VerdictHigher {
		t.Errorf("verdict (no direction) %q, want higher", v)
	}
}

// TestCompareNoDifference: differences of both signs give an interval spanning 0.
func TestCompareNoDifference(t *testing.T) {
	p, err := Compare([]float64{5, 5, 5}, []float64{6, 4, 5.5}, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	if p.Significant() || p.Low >= 0 || p.High <= 0 {
		t.Errorf("interval [%g, %g] should span 0", p.Low, p.High)
	}
	for _, dir := range []Better{Higher, Lower, Neither} {
		if v := p.Verdict(dir); v != VerdictNone {
			t.Errorf("verdict %s: %q, want none", dir, v)
		}
	}
}

// TestCompareLower: B lower and lower is better.
func TestCompareLower(t *testing.T) {
	p, err := Compare([]float64{30, 32, 31}, []float64{25, 26, 26}, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	if p.Verdict(Lower) != VerdictB || p.Verdict(Higher) != VerdictA || p.Verdict(Neither) != VerdictLower {
		t.Errorf("verdicts %q %q %q, want B A lower", p.Verdict(Lower), p.Verdict(Higher), p.Verdict(Neither))
	}
}

// TestCompareIdenticalRuns: equal values give a zero-width interval at 0, not a difference.
func TestCompareIdenticalRuns(t *testing.T) {
	p, err := Compare([]float64{1, 2, 3}, []float64{1, 2, 3}, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	if p.Diff != 0 || p.Low != 0 || p.High != 0 || p.Verdict(Higher) != VerdictNone {
		t.Errorf("%+v, verdict %q", p, p.Verdict(Higher))
	}
}

func TestCompareRefuses(t *testing.T) {
	if _, err := Compare([]float64{1}, []float64{2}, 0.95); !errors.Is(err, ErrTooFewPairs) {
		t.Errorf("one pair: %v, want ErrTooFewPairs", err)
	}
	if _, err := Compare([]float64{1, 2}, []float64{2}, 0.95); err == nil {
		t.Error("unequal lengths accepted")
	}
	if _, err := Compare([]float64{1, 2}, []float64{2, 3}, 1.5); err == nil {
		t.Error("level 1.5 accepted")
	}
	if _, err := Compare([]float64{1, math.NaN()}, []float64{2, 3}, 0.95); err == nil {
		t.Error("NaN accepted")
	}
}
