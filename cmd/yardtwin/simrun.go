package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/yardtwin/yardtwin/domain/contract"
	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/yard"
	"github.com/yardtwin/yardtwin/projections"
	"github.com/yardtwin/yardtwin/projections/kpi"
	"github.com/yardtwin/yardtwin/simulator"
	"github.com/yardtwin/yardtwin/simulator/policy"
	"github.com/yardtwin/yardtwin/simulator/report"
)

// simRunFlags are the settings of "yardtwin sim run" (and, less Out, of compare and fork).
type simRunFlags struct {
	Policies []string      // KIND=NAME, each
	Seed     uint64        // 0: the scenario's
	Horizon  time.Duration // 0: the scenario's
	Out      string        // "": sim-<scenario>-<seed>
	Quiet    bool          // no progress bar
}

func newSimRun() *cobra.Command {
	var f simRunFlags
	cmd := &cobra.Command{
		Use:   "run SCENARIO",
		Short: "Run a scenario as fast as possible and write its event log, KPIs and plots",
		Long: `Run the scenario file SCENARIO (YAML, e.g. scenarios/tangermed/demo.yaml) over its horizon as fast
as the machine allows, and write into --out:

  events.ndjson  every event, one CloudEvents envelope per line, in the integrator contract
                 (what "yardtwin events validate" checks and "events publish" sends);
  report.json    every KPI with its definition, unit and better direction, computed by the
                 twin's own KPI projection, with the scenario, seed, policies, horizon, counts
                 and the series behind the plots;
  report.html    one self-contained page: crane productivity, yard fill per block, truck turn
                 time, gate queue and dwell over the run.

--policy KIND=NAME (repeatable) picks the policy of a kind of decision; a NAME that is an http(s)
URL calls an external policy. The same scenario, seed, policies and horizon give a
byte-identical events.ndjson.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := simRun(cmd.Context(), args[0], f, cmd.OutOrStdout(), cmd.ErrOrStderr())
			return err
		},
	}
	simFlags(cmd, &f)
	cmd.Flags().StringVar(&f.Out, "out", "", "directory to write events.ndjson, report.json and report.html into (default sim-SCENARIO-SEED)")
	return cmd
}

// simFlags declares the flags sim run, compare and fork share.
func simFlags(cmd *cobra.Command, f *simRunFlags) {
	fs := cmd.Flags()
	fs.StringArrayVar(&f.Policies, "policy", nil, "KIND=NAME: the policy deciding one kind (repeatable); kinds: "+kindList())
	fs.Uint64Var(&f.Seed, "seed", 0, "seed of the run (default: the scenario's)")
	fs.DurationVar(&f.Horizon, "horizon", 0, "simulated time to run, e.g. 24h (default: the scenario's)")
	fs.BoolVar(&f.Quiet, "quiet", false, "no progress bar")
}

func kindList() string { return strings.Join(policy.Kinds(), ", ") }

// simScenario is a scenario file loaded with its layout.
type simScenario struct {
	file   string
	sc     *simulator.Scenario
	layout *yard.Layout
}

// loadSimScenario reads the scenario at path and its layout, and applies --seed and --horizon.
func loadSimScenario(path string, f simRunFlags) (simScenario, error) {
	fsys := os.DirFS(filepath.Dir(path))
	sc, err := simulator.LoadScenario(fsys, filepath.Base(path))
	if err != nil {
		return simScenario{}, err
	}
	layout, err := sc.ReadLayout(fsys)
	if err != nil {
		return simScenario{}, err
	}
	if f.Seed != 0 {
		sc.Seed = f.Seed
	}
	if f.Horizon < 0 {
		return simScenario{}, fmt.Errorf("--horizon: %s is negative", f.Horizon)
	}
	if f.Horizon > 0 {
		sc.Horizon = f.Horizon
	}
	return simScenario{file: path, sc: sc, layout: layout}, nil
}

// policySet reads --policy flags into a set; a kind given twice is an error here (compare reads
// its variants itself).
func policySet(specs []string) (policy.Set, error) {
	var s policy.Set
	seen := map[string]string{}
	for _, spec := range specs {
		if err := s.Use(spec); err != nil {
			return policy.Set{}, fmt.Errorf("--policy: %w", err)
		}
		kind, _, _ := cutSpec(spec)
		if prev, dup := seen[kind]; dup {
			return policy.Set{}, fmt.Errorf("--policy: %s given twice (%s and %s); sim compare runs two policies of a kind side by side", kind, prev, spec)
		}
		seen[kind] = spec
	}
	return s, nil
}

// simRunOptions say how one run is made and what it writes.
type simRunOptions struct {
	Policies policy.Set
	// Events receives the event log as NDJSON; nil writes none.
	Events io.Writer
	// Initial and Start fork the run from a yard (see simulator.Options). Its boxes are folded
	// into the KPIs and the timeline first (recorder.prime), without being written to Events.
	Initial []simulator.InitialBox
	Start   time.Time
	// Progress, when not nil, is told now and then the simulated time reached and how much of
	// the horizon is done.
	Progress func(now time.Time, done time.Duration)
}

// simOnce runs one scenario and returns its report (Fork and Actual left for the caller).
func simOnce(ctx context.Context, s simScenario, o simRunOptions) (*report.Run, error) {
	feed, err := simulator.NewFeed(s.sc, s.layout, simulator.Options{Policies: o.Policies, Initial: o.Initial, Start: o.Start})
	if err != nil {
		return nil, err
	}
	defer feed.Close()
	start, end := feed.Start(), feed.End()
	rec := newRecorder(s.layout, o.Events, start, end)
	rec.prime(start, o.Initial)
	// Run in slices of simulated time so that progress shows even when nothing happens; a run
	// continued slice by slice emits exactly what one call would.
	step := max(s.sc.Horizon/200, time.Minute)
	for t := start; t.Before(end); {
		t = earliest(t.Add(step), end)
		if err := feed.Run(ctx, rec, t); err != nil {
			return nil, err
		}
		if o.Progress != nil {
			o.Progress(t, t.Sub(start))
		}
	}
	if err := rec.flush(); err != nil {
		return nil, err
	}
	r, err := rec.report(start, end)
	if err != nil {
		return nil, err
	}
	r.Scenario, r.ScenarioFile, r.Terminal, r.Seed = s.sc.Name, s.file, s.layout.Name, s.sc.Seed
	r.Policies = feed.Policies().Names()
	r.Horizon = end.Sub(start).String()
	r.Counts.Feed = feed.Stats()
	return r, nil
}

// simRun is "sim run": one run, its three files, a summary on stdout.
func simRun(ctx context.Context, path string, f simRunFlags, stdout, stderr io.Writer) (*report.Run, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	s, err := loadSimScenario(path, f)
	if err != nil {
		return nil, err
	}
	pols, err := policySet(f.Policies)
	if err != nil {
		return nil, err
	}
	dir := f.Out
	if dir == "" {
		dir = fmt.Sprintf("sim-%s-%d", s.sc.Name, s.sc.Seed)
	}
	ev, err := createEventLog(dir)
	if err != nil {
		return nil, err
	}
	defer ev.Close()
	bar := simBar(stderr, s.sc.Horizon, "simulating "+s.sc.Name, f.Quiet)
	began := time.Now()
	r, err := simOnce(ctx, s, simRunOptions{Policies: pols, Events: ev, Progress: bar.at})
	bar.done()
	if err != nil {
		return nil, err
	}
	if err := ev.Close(); err != nil {
		return nil, fmt.Errorf("write events.ndjson: %w", err)
	}
	if err := writeRunReport(dir, r); err != nil {
		return nil, err
	}
	printRun(stdout, r, dir, time.Since(began))
	return r, nil
}

// writeRunReport writes report.json and report.html into dir.
func writeRunReport(dir string, r *report.Run) error {
	if err := report.WriteJSON(filepath.Join(dir, "report.json"), r); err != nil {
		return err
	}
	return report.WriteRunHTML(filepath.Join(dir, "report.html"), r)
}

func printRun(w io.Writer, r *report.Run, dir string, took time.Duration) {
	fmt.Fprintf(w, "%s seed %d, %s simulated in %s: %d events\n", r.Scenario, r.Seed, r.Horizon, took.Round(time.Millisecond), r.Counts.Events)
	for _, k := range r.KPIs {
		fmt.Fprintf(w, "  %-26s %12s %s\n", k.Key, valueText(k.Value), k.Unit)
	}
	fmt.Fprintf(w, "wrote %s\n", filepath.Join(dir, "{events.ndjson,report.json,report.html}"))
}

func valueText(v *float64) string {
	if v == nil {
		return "-"
	}
	return fmt.Sprintf("%.4g", *v)
}

// simProgress is a progress bar over simulated time, or nothing.
type simProgress struct {
	bar *progressbar.ProgressBar
	w   io.Writer
}

func simBar(w io.Writer, horizon time.Duration, what string, quiet bool) *simProgress {
	if quiet {
		return &simProgress{}
	}
	return &simProgress{w: w, bar: progressbar.NewOptions64(int64(horizon/time.Minute),
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(what),
		progressbar.OptionSetItsString("sim min"),
		progressbar.OptionShowIts(),
		progressbar.OptionThrottle(100*time.Millisecond),
	)}
}

// at shows the simulated time reached.
func (p *simProgress) at(now time.Time, done time.Duration) {
	if p.bar == nil {
		return
	}
	p.bar.Describe("simulated to " + now.UTC().Format("2006-01-02 15:04"))
	_ = p.bar.Set64(int64(done / time.Minute))
}

func (p *simProgress) done() {
	if p.bar != nil {
		_ = p.bar.Finish()
		fmt.Fprintln(p.w)
	}
}

// recorder is the sink of a run: it writes each envelope to the event log as it comes, and folds
// it through the twin's KPI projection and the report's timeline, so that no run, however long,
// holds its events in memory.
type recorder struct {
	out      *bufio.Writer
	reg      *es.Registry
	kpis     *kpi.Model
	timeline *report.Timeline
	pos      uint64
	events   int
	byType   map[string]int
}

var _ simulator.Sink = (*recorder)(nil)

func newRecorder(layout *yard.Layout, events io.Writer, start, end time.Time) *recorder {
	r := &recorder{
		reg:      contract.NewRegistry(),
		kpis:     kpi.New(layout),
		timeline: report.NewTimeline(layout, start, end, report.FillStep(end.Sub(start))),
		byType:   map[string]int{},
	}
	if events != nil {
		r.out = bufio.NewWriterSize(events, 1<<20)
	}
	return r
}

// Publish implements simulator.Sink.
func (r *recorder) Publish(_ context.Context, batch []es.Envelope) error {
	for i := range batch {
		if r.out != nil {
			line, err := json.Marshal(batch[i])
			if err != nil {
				return fmt.Errorf("encode %s: %w", batch[i].ID, err)
			}
			r.out.Write(line)
			if err := r.out.WriteByte('\n'); err != nil {
				return fmt.Errorf("write events.ndjson: %w", err)
			}
		}
		r.events++
		r.byType[batch[i].Type]++
		// Positions are the log's, as the store would number them; set after the line is written
		// because a terminal's envelope carries none.
		r.pos++
		batch[i].Position = r.pos
	}
	r.fold(projections.Decode(r.reg, batch))
	return nil
}

func (r *recorder) fold(items []projections.Item) {
	r.kpis.Apply(items)
	for _, it := range items {
		r.timeline.Observe(it.Time, it.Event)
	}
}

// prime folds the facts of a forked run's starting yard, at its start, into the KPIs and the
// timeline (not into the event log): the boxes the twin holds, announced and stacked, each with
// the entry time the twin knew, so that its dwell runs from there when it leaves in the run.
func (r *recorder) prime(at time.Time, boxes []simulator.InitialBox) {
	if len(boxes) == 0 {
		return
	}
	items := make([]projections.Item, 0, 2*len(boxes))
	add := func(ev es.Event) {
		r.pos++
		items = append(items, projections.Item{Envelope: es.Envelope{Type: ev.EventType(), Time: at, Position: r.pos}, Event: ev})
	}
	for _, b := range boxes {
		add(yard.ContainerAnnounced{Container: b.Container, SizeType: b.SizeType, Category: b.Category, Reefer: b.Reefer})
		add(yard.ContainerStacked{Container: b.Container, Block: b.Slot.Block, Bay: b.Slot.Bay, Row: b.Slot.Row, Tier: b.Slot.Tier})
		if !b.Entered.IsZero() && !b.Entered.After(at) {
			r.kpis.EnteredBefore(b.Container, b.Entered)
		}
	}
	r.fold(items)
}

func (r *recorder) flush() error {
	if r.out == nil {
		return nil
	}
	if err := r.out.Flush(); err != nil {
		return fmt.Errorf("write events.ndjson: %w", err)
	}
	return nil
}

// craneWindow is the width of the windows of the crane productivity series: a whole number of
// hours, about 48 windows a run.
func craneWindow(horizon time.Duration) time.Duration {
	return max((horizon / 48).Truncate(time.Hour), time.Hour)
}

// report reads the run's KPIs over [start, end) and its series.
func (r *recorder) report(start, end time.Time) (*report.Run, error) {
	kr := r.kpis.Report(start, end)
	details, err := json.Marshal(kr)
	if err != nil {
		return nil, fmt.Errorf("encode KPI report: %w", err)
	}
	run := &report.Run{
		Start: start, End: end,
		Counts:  report.Counts{Events: r.events, ByType: r.byType},
		KPIs:    fromKPIs(kr.KPIs),
		Details: details,
	}
	fill, queue := r.timeline.Finish()
	mean, peak := report.QueueSummary(queue)
	run.KPIs = append(run.KPIs, queueKPIs(mean, peak, len(queue))...)

	s := &run.Series
	w := craneWindow(end.Sub(start))
	s.CraneWindow = report.Hours(w)
	for t := start.Truncate(time.Hour); t.Before(end); t = t.Add(w) {
		pt := report.Point{At: t}
		if k, ok := r.kpis.Report(t, earliest(t.Add(w), end)).KPI(kpi.KeyCraneGrossMovesPerHour); ok {
			pt.Value, pt.N = k.Value, k.N
		}
		s.Crane = append(s.Crane, pt)
	}
	for _, u := range kr.Utilisation {
		v := u.Utilisation
		s.Utilisation = append(s.Utilisation, report.Point{At: u.At, Value: &v})
	}
	s.BlockFill = fill
	for _, th := range kr.TruckHours {
		tp := report.TurnPoint{At: th.Hour, Left: th.Left}
		if th.Turn != nil {
			tp.Mean, tp.P90 = th.Turn.Mean, th.Turn.P90
		}
		s.TruckTurn = append(s.TruckTurn, tp)
	}
	s.GateQueue = queue
	for _, d := range kr.Dwell {
		dc := report.DwellCategory{Category: d.Category, Measured: d.Measured}
		for _, b := range d.Histogram {
			dc.Buckets = append(dc.Buckets, report.Bucket{Label: b.Label, Count: b.Count})
		}
		s.Dwell = append(s.Dwell, dc)
	}
	return run, nil
}

// fromKPIs copies the projection's KPIs into the report's, adding their source and direction.
func fromKPIs(ks []kpi.KPI) []report.KPI {
	out := make([]report.KPI, 0, len(ks))
	for _, k := range ks {
		rk := report.KPI{
			Key: k.Key, Name: k.Name, Unit: k.Unit, Definition: k.Definition,
			Source: report.SourceProjection, Better: report.Direction(k.Key),
			Value: k.Value, N: k.N, Of: k.Of, Parts: k.Parts,
		}
		if d := k.Distribution; d != nil {
			rk.Distribution = &report.Distribution{N: d.N, Mean: d.Mean, P50: d.P50, P90: d.P90, Max: d.Max}
		}
		out = append(out, rk)
	}
	return out
}

// queueKPIs are the gate queue's figures over the run, from the timeline.
func queueKPIs(mean float64, peak, hours int) []report.KPI {
	const def = "Road trucks waiting at the in-gate: a truck queues from its gate.TruckArrived until the first of a " +
		"gate.ContainerGatedIn naming it, a position report of it away from where it was first reported after " +
		"arriving (it drove off the lane), or its gate.TruckLeft. Folded from the event log by the report's timeline " +
		"(no projection keeps it). "
	m, p := mean, float64(peak)
	return []report.KPI{
		{
			Key: report.KeyGateQueueMean, Name: "Gate queue, mean", Unit: "trucks", Source: report.SourceTimeline,
			Better: report.Direction(report.KeyGateQueueMean), Value: &m, N: hours, Of: "hours",
			Definition: def + "The value is the time-weighted mean number of trucks queuing over the run.",
		},
		{
			Key: report.KeyGateQueueMax, Name: "Gate queue, maximum", Unit: "trucks", Source: report.SourceTimeline,
			Better: report.Direction(report.KeyGateQueueMax), Value: &p, N: hours, Of: "hours",
			Definition: def + "The value is the largest number of trucks queuing at once during the run.",
		},
	}
}

// earliest returns the earlier of a and b.
func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// cutSpec splits "KIND=NAME".
func cutSpec(spec string) (kind, name string, ok bool) {
	kind, name, ok = strings.Cut(spec, "=")
	return strings.TrimSpace(kind), strings.TrimSpace(name), ok
}

// createEventLog makes the output directory dir and creates events.ndjson in it.
func createEventLog(dir string) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("--out: %w", err)
	}
	ev, err := os.Create(filepath.Join(dir, "events.ndjson"))
	if err != nil {
		return nil, fmt.Errorf("--out: %w", err)
	}
	return ev, nil
}
