package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/yardtwin/yardtwin/simulator/policy"
	"github.com/yardtwin/yardtwin/simulator/report"
)

// simCompareFlags are the settings of "yardtwin sim compare".
type simCompareFlags struct {
	simRunFlags
	Seeds int
	Jobs  int
}

func newSimCompare() *cobra.Command {
	var f simCompareFlags
	cmd := &cobra.Command{
		Use:   "compare SCENARIO --policy KIND=A --policy KIND=B --seeds N",
		Short: "Compare policies on the same seeds: mean, paired difference and 95 % interval per KPI",
		Long: `Run the scenario with each policy variant on seeds 1..N (every variant on every seed: common random
numbers, so that each seed's difference is paired), then, per KPI, print each variant's mean, the mean
paired difference from the baseline with its 95 % confidence interval (Student t, N-1 degrees of
freedom), and which variant wins: the better one by the KPI's direction when the interval excludes
0, else "no significant difference". Writes compare.json and compare.html into --out.

The variants are the --policy flags of one kind given more than once, in order: the first is the
baseline (A), each other is compared with it. A kind given once is in force in every variant:

  --policy stacking=lowest --policy stacking=nearest --policy dispatch=nearest

compares lowest and nearest stacking, both with nearest truck dispatch. Only one kind may vary.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := simCompare(cmd.Context(), args[0], f, cmd.OutOrStdout(), cmd.ErrOrStderr())
			return err
		},
	}
	simFlags(cmd, &f.simRunFlags)
	cmd.Flags().Lookup("seed").Hidden = true // compare runs seeds 1..N
	cmd.Flags().IntVar(&f.Seeds, "seeds", 10, "run every variant on seeds 1..N (at least 2)")
	cmd.Flags().IntVar(&f.Jobs, "jobs", runtime.GOMAXPROCS(0), "runs side by side")
	cmd.Flags().StringVar(&f.Out, "out", "", "directory to write compare.json and compare.html into (default sim-compare-SCENARIO-KIND)")
	return cmd
}

// variants reads the --policy flags: the kind given more than once defines the variants, in the
// order given; the others are shared by all.
func variants(specs []string) (kind string, sets []policy.Set, labels []string, err error) {
	byKind := map[string][]string{}
	var order []string
	for _, spec := range specs {
		var probe policy.Set
		if err := probe.Use(spec); err != nil {
			return "", nil, nil, fmt.Errorf("--policy: %w", err)
		}
		k, name, _ := cutSpec(spec)
		if _, seen := byKind[k]; !seen {
			order = append(order, k)
		}
		if slices.Contains(byKind[k], name) {
			return "", nil, nil, fmt.Errorf("--policy: %s=%s given twice: the variants of a kind must differ", k, name)
		}
		byKind[k] = append(byKind[k], name)
	}
	for _, k := range order {
		if len(byKind[k]) < 2 {
			continue
		}
		if kind != "" {
			return "", nil, nil, fmt.Errorf("--policy: both %s and %s are given more than once; vary one kind at a time (give the other once to hold it fixed)", kind, k)
		}
		kind = k
	}
	if kind == "" {
		return "", nil, nil, errNoVariants
	}
	for _, name := range byKind[kind] {
		var s policy.Set
		for _, k := range order {
			n := byKind[k][0]
			if k == kind {
				n = name
			}
			if err := s.Use(k + "=" + n); err != nil {
				return "", nil, nil, fmt.Errorf("--policy: %w", err)
			}
		}
		sets = append(sets, s)
		labels = append(labels, kind+"="+name)
	}
	return kind, sets, labels, nil
}

// simCompare is "sim compare".
func simCompare(ctx context.Context, path string, f simCompareFlags, stdout, stderr io.Writer) (*report.Comparison, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if f.Seeds < 2 {
		return nil, fmt.Errorf("--seeds: %d; a confidence interval needs at least 2 seeds", f.Seeds)
	}
	if f.Seed != 0 {
		return nil, fmt.Errorf("--seed: compare runs every variant on seeds 1..N; give --seeds N instead")
	}
	if f.Jobs < 1 {
		return nil, fmt.Errorf("--jobs: %d is not positive", f.Jobs)
	}
	kind, sets, labels, err := variants(f.Policies)
	if err != nil {
		return nil, err
	}
	base, err := loadSimScenario(path, f.simRunFlags)
	if err != nil {
		return nil, err
	}
	dir := f.Out
	if dir == "" {
		dir = fmt.Sprintf("sim-compare-%s-%s", base.sc.Name, kind)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("--out: %w", err)
	}
	seeds := make([]uint64, f.Seeds)
	for i := range seeds {
		seeds[i] = uint64(i + 1)
	}
	type job struct{ v, s int }
	runs := make([][]*report.Run, len(sets))
	for v := range runs {
		runs[v] = make([]*report.Run, len(seeds))
	}
	var bar *progressbar.ProgressBar
	if !f.Quiet {
		bar = progressbar.NewOptions(len(sets)*len(seeds),
			progressbar.OptionSetWriter(stderr),
			progressbar.OptionSetDescription(fmt.Sprintf("%d variants × %d seeds", len(sets), len(seeds))),
			progressbar.OptionShowCount(),
			progressbar.OptionThrottle(100*time.Millisecond),
		)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan job)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	began := time.Now()
	for range min(f.Jobs, len(sets)*len(seeds)) {
		wg.Go(func() {
			for j := range jobs {
				// Each run has its own copy of the scenario: only the seed differs.
				s := base
				sc := *base.sc
				sc.Seed = seeds[j.s]
				s.sc = &sc
				r, err := simOnce(ctx, s, simRunOptions{Policies: sets[j.v]})
				mu.Lock()
				if err != nil && first == nil {
					first = fmt.Errorf("%s, seed %d: %w", labels[j.v], seeds[j.s], err)
					cancel()
				}
				runs[j.v][j.s] = r
				if bar != nil {
					_ = bar.Add(1)
				}
				mu.Unlock()
			}
		})
	}
	// Seed by seed, so that the first results of every variant come early.
feed:
	for s := range seeds {
		for v := range sets {
			select {
			case jobs <- job{v, s}:
			case <-ctx.Done():
				break feed
			}
		}
	}
	close(jobs)
	wg.Wait()
	if bar != nil {
		_ = bar.Finish()
		fmt.Fprintln(stderr)
	}
	if first != nil {
		return nil, first
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c := report.Comparison{
		Scenario: base.sc.Name, ScenarioFile: path, Terminal: base.layout.Name, Horizon: base.sc.Horizon.String(),
		Kind: kind, Seeds: seeds, Level: 0.95,
	}
	for v, s := range sets {
		c.Variants = append(c.Variants, report.Variant{Label: labels[v], Policies: s.Names()})
	}
	cmp, err := report.Compare(c, runs)
	if err != nil {
		return nil, err
	}
	if err := report.WriteJSON(filepath.Join(dir, "compare.json"), cmp); err != nil {
		return nil, err
	}
	if err := report.WriteCompareHTML(filepath.Join(dir, "compare.html"), cmp); err != nil {
		return nil, err
	}
	printComparison(stdout, cmp, time.Since(began))
	fmt.Fprintf(stdout, "wrote %s\n", filepath.Join(dir, "{compare.json,compare.html}"))
	return cmp, nil
}

// printComparison writes the table: per KPI, each variant's mean, then each difference from the
// baseline with its interval and the verdict.
func printComparison(w io.Writer, c *report.Comparison, took time.Duration) {
	fmt.Fprintf(w, "%s, %s, %d seeds, %d runs in %s; baseline %s; %.0f %% intervals (Student t, paired)\n",
		c.Scenario, c.Horizon, len(c.Seeds), len(c.Seeds)*len(c.Variants), took.Round(time.Millisecond), c.Variants[0].Label, 100*c.Level)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	head := []string{"KPI", "unit", "better"}
	for _, v := range c.Variants {
		head = append(head, "mean "+v.Label)
	}
	for _, v := range c.Variants[1:] {
		head = append(head, "diff "+v.Label, "95% CI", "winner")
	}
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for _, k := range c.KPIs {
		row := []string{k.Key, k.Unit, string(k.Better)}
		for _, m := range k.Means {
			row = append(row, valueText(m))
		}
		for _, d := range k.Diffs {
			if d.Paired == nil {
				row = append(row, "-", "-", d.Winner)
				continue
			}
			row = append(row, fmt.Sprintf("%+.4g", d.Paired.Diff), fmt.Sprintf("[%.4g, %.4g]", d.Paired.Low, d.Paired.High), d.Winner)
		}
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	tw.Flush()
}

var errNoVariants = errors.New("--policy: give the kind to compare twice, e.g. --policy stacking=lowest --policy stacking=nearest")
