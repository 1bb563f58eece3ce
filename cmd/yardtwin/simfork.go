package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/yardtwin/yardtwin/domain/iso6346"
	"github.com/yardtwin/yardtwin/domain/yard"
	"github.com/yardtwin/yardtwin/projections/kpi"
	"github.com/yardtwin/yardtwin/simulator"
	"github.com/yardtwin/yardtwin/simulator/report"
)

// simForkFlags are the settings of "yardtwin sim fork".
type simForkFlags struct {
	simRunFlags
	From  string // the twin's base URL
	At    string // RFC 3339; "" is now
	Token string // viewer token, when the twin asks for one
}

func newSimFork() *cobra.Command {
	var f simForkFlags
	cmd := &cobra.Command{
		Use:   "fork --from URL [--at TIME] SCENARIO",
		Short: "A what-if from the live twin's yard: run the scenario from the yard as it stood at a moment",
		Long: `Read the yard of the twin at --from as it stood at --at (event time, RFC 3339; default now): every
box in every block with its slot, size-type, category, reefer flag and holds, through the twin's
time-travel API (GET /api/v1/yard?at= and /api/v1/blocks/{id}?at=). Run SCENARIO from that yard,
starting at --at, over its horizon (or --horizon), with its arrivals and policies, and write
events.ndjson, report.json and report.html into --out as "sim run" does.

Where the twin's log already holds what really happened over the same window (GET /api/v1/kpis),
the report puts the simulated and the actual KPIs side by side.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := simFork(cmd.Context(), args[0], f, cmd.OutOrStdout(), cmd.ErrOrStderr())
			return err
		},
	}
	simFlags(cmd, &f.simRunFlags)
	fs := cmd.Flags()
	fs.StringVar(&f.Out, "out", "", "directory to write events.ndjson, report.json and report.html into (default sim-fork-SCENARIO-AT)")
	fs.StringVar(&f.From, "from", "", "base URL of the live twin, e.g. http://127.0.0.1:8080/")
	fs.StringVar(&f.At, "at", "", "event time to fork at, RFC 3339 (default: now)")
	envString(fs, &f.Token, "token", "YARDTWIN_TOKEN", "", "viewer token for a twin that requires one (Authorization: Bearer)")
	return cmd
}

// twinClient reads the twin's HTTP API.
type twinClient struct {
	base  *url.URL
	token string
	http  *http.Client
}

func newTwinClient(from, token string) (*twinClient, error) {
	if from == "" {
		return nil, fmt.Errorf("--from: the twin's base URL is required, e.g. http://127.0.0.1:8080/")
	}
	u, err := url.Parse(from)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("--from: %q is not an http(s) URL of a twin", from)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return &twinClient{base: u, token: token, http: &http.Client{Timeout: 60 * time.Second}}, nil
}

// get decodes the answer to GET path?query into v and returns the answer's headers.
func (c *twinClient) get(ctx context.Context, path string, query url.Values, v any) (http.Header, error) {
	u := c.base.ResolveReference(&url.URL{Path: path, RawQuery: query.Encode()})
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return nil, fmt.Errorf("GET %s: %s: %s", u, resp.Status, strings.TrimSpace(string(body)))
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		return nil, fmt.Errorf("GET %s: decode: %w", u, err)
	}
	return resp.Header, nil
}

// twinYard is the yard read from the twin at a moment.
type twinYard struct {
	Position string // X-Yardtwin-Position of the yard summary
	Blocks   int
	Boxes    []simulator.InitialBox
}

// withEntry counts the boxes whose entry into the terminal the twin knew.
func (y twinYard) withEntry() int {
	n := 0
	for _, b := range y.Boxes {
		if !b.Entered.IsZero() {
			n++
		}
	}
	return n
}

// The parts of the twin's answers the fork reads (yardmap.Summary and yardmap.BlockView on the wire).
type (
	yardAnswer struct {
		Blocks []struct {
			Block string `json:"block"`
		} `json:"blocks"`
	}
	blockAnswer struct {
		Stacks []struct {
			Bay   int `json:"bay"`
			Row   int `json:"row"`
			Boxes []struct {
				Tier      int                 `json:"tier"`
				Container iso6346.ContainerID `json:"container"`
				SizeType  iso6346.SizeType    `json:"size_type"`
				Category  yard.Category       `json:"category"`
				Reefer    bool                `json:"reefer"`
				Holds     []string            `json:"holds"`
				Entered   time.Time           `json:"entered"`
			} `json:"boxes"`
		} `json:"stacks"`
	}
)

// readYard reads every box in every block of the twin as it stood at at: the block list, then
// each block's stacks, all with the same ?at= so that they reflect one log position.
func (c *twinClient) readYard(ctx context.Context, at time.Time) (twinYard, error) {
	q := url.Values{"at": {at.UTC().Format(time.RFC3339Nano)}}
	var y yardAnswer
	h, err := c.get(ctx, "api/v1/yard", q, &y)
	if err != nil {
		return twinYard{}, err
	}
	out := twinYard{Position: h.Get("X-Yardtwin-Position"), Blocks: len(y.Blocks)}
	for _, b := range y.Blocks {
		var v blockAnswer
		if _, err := c.get(ctx, "api/v1/blocks/"+url.PathEscape(b.Block), q, &v); err != nil {
			return twinYard{}, err
		}
		for _, st := range v.Stacks {
			for _, tb := range st.Boxes {
				out.Boxes = append(out.Boxes, simulator.InitialBox{
					Container: tb.Container, SizeType: tb.SizeType, Category: tb.Category, Reefer: tb.Reefer,
					Slot: yard.Slot{Block: b.Block, Bay: st.Bay, Row: st.Row, Tier: tb.Tier}, Holds: tb.Holds,
					Entered: tb.Entered,
				})
			}
		}
	}
	return out, nil
}

// simFork is "sim fork".
func simFork(ctx context.Context, path string, f simForkFlags, stdout, stderr io.Writer) (*report.Run, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	twin, err := newTwinClient(f.From, f.Token)
	if err != nil {
		return nil, err
	}
	at := time.Now().UTC().Truncate(time.Second)
	if f.At != "" {
		if at, err = time.Parse(time.RFC3339Nano, f.At); err != nil {
			return nil, fmt.Errorf("--at: %q is not an RFC 3339 time such as 2026-03-02T06:00:00Z", f.At)
		}
		at = at.UTC()
	}
	s, err := loadSimScenario(path, f.simRunFlags)
	if err != nil {
		return nil, err
	}
	pols, err := policySet(f.Policies)
	if err != nil {
		return nil, err
	}
	y, err := twin.readYard(ctx, at)
	if err != nil {
		return nil, fmt.Errorf("read the twin's yard at %s: %w", at.Format(time.RFC3339), err)
	}
	dir := f.Out
	if dir == "" {
		dir = fmt.Sprintf("sim-fork-%s-%s", s.sc.Name, at.Format("20060102T150405Z"))
	}
	ev, err := createEventLog(dir)
	if err != nil {
		return nil, err
	}
	defer ev.Close()
	// An empty yard is still a yard: the run starts from it rather than from the scenario's fill.
	initial := y.Boxes
	if initial == nil {
		initial = []simulator.InitialBox{}
	}
	bar := simBar(stderr, s.sc.Horizon, "simulating "+s.sc.Name+" from the twin", f.Quiet)
	began := time.Now()
	r, err := simOnce(ctx, s, simRunOptions{Policies: pols, Events: ev, Initial: initial, Start: at, Progress: bar.at})
	bar.done()
	if err != nil {
		return nil, err
	}
	if err := ev.Close(); err != nil {
		return nil, fmt.Errorf("write events.ndjson: %w", err)
	}
	st, _ := r.Counts.Feed.(simulator.Stats)
	r.Fork = &report.Fork{
		From: twin.base.String(), At: at, Position: y.Position, Blocks: y.Blocks,
		InitialBoxes: len(y.Boxes), Taken: st.InitialBoxes, Skipped: st.InitialSkipped, WithEntry: y.withEntry(),
	}
	if r.Actual, err = twin.actual(ctx, r.Start, r.End); err != nil {
		return nil, err
	}
	if err := writeRunReport(dir, r); err != nil {
		return nil, err
	}
	printRun(stdout, r, dir, time.Since(began))
	if a := r.Actual; a != nil {
		fmt.Fprintf(stdout, "actual over %s to %s (%d events%s): see report.html\n", a.From.Format(time.RFC3339), a.To.Format(time.RFC3339), a.Events,
			map[bool]string{true: "", false: ", the twin's log ends at " + a.AsOf.Format(time.RFC3339)}[a.Complete])
	} else {
		fmt.Fprintln(stdout, "the twin holds nothing after the fork yet: no actual figures to compare")
	}
	return r, nil
}

// actual reads the twin's KPIs over the run's window; nil when the twin holds nothing after from.
func (c *twinClient) actual(ctx context.Context, from, to time.Time) (*report.Actual, error) {
	q := url.Values{"from": {from.UTC().Format(time.RFC3339)}, "to": {to.UTC().Format(time.RFC3339)}}
	var kr kpi.Report
	if _, err := c.get(ctx, "api/v1/kpis", q, &kr); err != nil {
		return nil, fmt.Errorf("read the twin's KPIs: %w", err)
	}
	if !kr.AsOf.After(from) {
		return nil, nil
	}
	return &report.Actual{
		From: kr.From, To: kr.To, AsOf: kr.AsOf, Events: kr.Events, Complete: !kr.AsOf.Before(to),
		KPIs: fromKPIs(kr.KPIs),
		Note: "Both columns come from the same KPI projection over the same whole hours. Boxes already in the yard " +
			"at the fork keep the entry time the twin knows, so both dwells run from the same entries; a box the twin " +
			"saw only in a slot (never discharged or gated in) has no known entry in either. The gate queue is the " +
			"report's own figure and the twin has no actual for it.",
	}, nil
}
