package main

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/yardtwin/yardtwin/projections/kpi"
	"github.com/yardtwin/yardtwin/simulator/policy"
	"github.com/yardtwin/yardtwin/simulator/report"
	"github.com/yardtwin/yardtwin/simulator/report/stats"
)

// TestSimCompareThreeSeeds compares two stacking policies on three seeds of the teaching day and
// checks the statistics against the per-seed values it reports, and those values against
// independent runs of the same seeds.
func TestSimCompareThreeSeeds(t *testing.T) {
	dir := t.TempDir()
	f := simCompareFlags{
		simRunFlags: simRunFlags{Policies: []string{"stacking=lowest", "stacking=nearest", "dispatch=nearest"}, Out: dir, Quiet: true},
		Seeds:       3, Jobs: 2,
	}
	var out bytes.Buffer
	c, err := simCompare(context.Background(), teachingScenarioFile, f, &out, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Kind != policy.KindStacking || len(c.Variants) != 2 || c.Variants[0].Label != "stacking=lowest" || c.Variants[1].Label != "stacking=nearest" {
		t.Fatalf("variants %+v of kind %q", c.Variants, c.Kind)
	}
	for _, v := range c.Variants {
		if v.Policies[policy.KindDispatch] != "nearest" {
			t.Errorf("variant %s: dispatch %q, want the shared nearest", v.Label, v.Policies[policy.KindDispatch])
		}
	}
	if !slices.Equal(c.Seeds, []uint64{1, 2, 3}) {
		t.Errorf("seeds %v, want 1..3", c.Seeds)
	}
	var k *report.KPIPairs
	for i := range c.KPIs {
		if c.KPIs[i].Key == kpi.KeyCraneGrossMovesPerHour {
			k = &c.KPIs[i]
		}
	}
	if k == nil {
		t.Fatal("no qc_gross_moves_per_hour in the comparison")
	}
	d := k.Diffs[0]
	if d.Paired == nil || d.Paired.N != 3 {
		t.Fatalf("crane productivity: %+v, want an interval over 3 pairs", d)
	}
	// The interval is the t interval of the reported per-seed differences.
	var diffs []float64
	for s := range c.Seeds {
		diffs = append(diffs, *k.Values[1][s]-*k.Values[0][s])
	}
	mean := (diffs[0] + diffs[1] + diffs[2]) / 3
	var ss float64
	for _, x := range diffs {
		ss += (x - mean) * (x - mean)
	}
	half := stats.TQuantile(0.975, 2) * math.Sqrt(ss/2) / math.Sqrt(3)
	if math.Abs(d.Paired.Diff-mean) > 1e-9 || math.Abs(d.Paired.Low-(mean-half)) > 1e-9 || math.Abs(d.Paired.High-(mean+half)) > 1e-9 {
		t.Errorf("interval %.6f [%.6f, %.6f], want %.6f [%.6f, %.6f]", d.Paired.Diff, d.Paired.Low, d.Paired.High, mean, mean-half, mean+half)
	}
	if math.Abs(d.Paired.T-4.302652730) > 1e-6 {
		t.Errorf("t quantile %.9f, want t(0.975, 2) = 4.302652730", d.Paired.T)
	}
	if d.Winner == "" || d.Verdict == "" {
		t.Errorf("no verdict: %+v", d)
	}
	// Seed 2 of the second variant is the run "sim run --seed 2" makes with those policies.
	_, r := runShort(t, simRunFlags{Seed: 2, Policies: []string{"stacking=nearest", "dispatch=nearest"}})
	one, _ := r.KPI(kpi.KeyCraneGrossMovesPerHour)
	if one.Value == nil || *one.Value != *k.Values[1][1] {
		t.Errorf("seed 2, stacking=nearest: sim run gives %v, compare recorded %v", deref(one.Value), *k.Values[1][1])
	}

	for _, name := range []string{"compare.json", "compare.html"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Error(err)
		}
	}
	if html := string(readFile(t, filepath.Join(dir, "compare.html"))); !strings.Contains(html, "<svg") || !strings.Contains(html, "stacking=nearest") {
		t.Error("compare.html lacks its plot or the variants")
	}
	if !strings.Contains(out.String(), "95% CI") || !strings.Contains(out.String(), "qc_gross_moves_per_hour") {
		t.Errorf("table:\n%s", out.String())
	}
}

func TestVariants(t *testing.T) {
	tests := []struct {
		give       []string
		wantKind   string
		wantLabels []string
		wantErr    string
	}{
		{give: []string{"stacking=lowest", "stacking=nearest"}, wantKind: "stacking", wantLabels: []string{"stacking=lowest", "stacking=nearest"}},
		{give: []string{"relocation=minmax", "stacking=random", "relocation=lowest", "stacking=random"}, wantErr: "must differ"},
		{give: []string{"dispatch=nearest", "relocation=minmax", "relocation=lowest", "stacking=nearest"}, wantKind: "relocation", wantLabels: []string{"relocation=minmax", "relocation=lowest"}},
		{give: []string{"stacking=lowest", "stacking=nearest", "relocation=lowest", "relocation=minmax"}, wantErr: "vary one kind"},
		{give: []string{"stacking=lowest"}, wantErr: "twice"},
		{give: nil, wantErr: "twice"},
		{give: []string{"stacking=lowest", "stacking=bogus"}, wantErr: "bogus"},
	}
	for _, tt := range tests {
		kind, sets, labels, err := variants(tt.give)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%v: %v, want an error mentioning %q", tt.give, err, tt.wantErr)
			}
			continue
		}
		if err != nil || kind != tt.wantKind || !slices.Equal(labels, tt.wantLabels) || len(sets) != len(labels) {
			t.Errorf("%v: %q %v %v, want %q %v", tt.give, kind, labels, err, tt.wantKind, tt.wantLabels)
			continue
		}
		for i, s := range sets {
			for _, spec := range tt.give {
				k, name, _ := cutSpec(spec)
				if k != kind && s.Name(k) != name {
					t.Errorf("%v: variant %d has %s=%s, want the shared %s", tt.give, i, k, s.Name(k), name)
				}
			}
		}
	}
}

func TestSimCompareRefusesSeeds(t *testing.T) {
	tests := []struct {
		giveSeeds int
		giveSeed  uint64
		wantErr   string
	}{
		{giveSeeds: 1, wantErr: "--seeds"},
		{giveSeeds: 5, giveSeed: 3, wantErr: "--seed:"},
	}
	for _, tt := range tests {
		f := simCompareFlags{simRunFlags: simRunFlags{Policies: []string{"stacking=lowest", "stacking=nearest"}, Seed: tt.giveSeed, Out: t.TempDir(), Quiet: true}, Seeds: tt.giveSeeds, Jobs: 1}
		if _, err := simCompare(context.Background(), teachingScenarioFile, f, &bytes.Buffer{}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("--seeds %d --seed %d: %v, want an error mentioning %q", tt.giveSeeds, tt.giveSeed, err, tt.wantErr)
		}
	}
}
