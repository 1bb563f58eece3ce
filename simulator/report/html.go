package report

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// WriteRunHTML writes the run's page to path: one self-contained HTML file (inline SVG plots and
// styles, no script, nothing fetched when viewed).
func WriteRunHTML(path string, r *Run) error {
	var buf bytes.Buffer
	if err := RunHTML(&buf, r); err != nil {
		return err
	}
	return writeFile(path, buf.Bytes())
}

// WriteCompareHTML writes the comparison's page to path, self-contained as WriteRunHTML's.
func WriteCompareHTML(path string, c *Comparison) error {
	var buf bytes.Buffer
	if err := CompareHTML(&buf, c); err != nil {
		return err
	}
	return writeFile(path, buf.Bytes())
}

type figure struct {
	SVG     template.HTML
	Caption string
}

// RunHTML renders the run's page.
func RunHTML(w io.Writer, r *Run) error {
	var figs []figure
	add := func(p *plot.Plot, h vg.Length, caption string) error {
		s, err := svg(p, plotWidth, h)
		if err != nil {
			return err
		}
		figs = append(figs, figure{SVG: s, Caption: caption})
		return nil
	}
	crane, err := cranePlot(r.Series)
	if err != nil {
		return err
	}
	if err := add(crane, plotHeight, "Moves of every quay crane in each window over the cranes' gross working time in it (first to last move of each crane visit), as the KPI projection reports qc_gross_moves_per_hour for that window."); err != nil {
		return err
	}
	heat, scale, overall, err := fillPlot(r.Series)
	if err != nil {
		return err
	}
	rows := vg.Length(max(len(r.Series.BlockFill.Blocks), 8)) * 0.32 * vg.Centimeter
	if err := add(heat, rows+3*vg.Centimeter, "Each row is a block (layout order); colour is its TEU over its capacity at each sample."); err != nil {
		return err
	}
	if scale != nil {
		if err := add(scale, 3*vg.Centimeter, "Colour scale of the block fill."); err != nil {
			return err
		}
	}
	if err := add(overall, plotHeight, "The KPI projection's yard_utilisation series."); err != nil {
		return err
	}
	turn, queue, err := truckPlots(r.Series)
	if err != nil {
		return err
	}
	if err := add(turn, plotHeight, "gate.TruckArrived to gate.TruckLeft of each road truck, by the hour it left (KPI projection)."); err != nil {
		return err
	}
	if err := add(queue, plotHeight, "Trucks that arrived at the in-gate and were not yet served: no gate-in of their box, not yet driven off the lane, not left."); err != nil {
		return err
	}
	dwell, err := dwellPlot(r.Series)
	if err != nil {
		return err
	}
	if err := add(dwell, plotHeight, "Boxes that entered and left within the run (boxes of the initial yard have no known entry and are not measured)."); err != nil {
		return err
	}
	type kpiRow struct {
		KPI
		Actual   *KPI
		HasFork  bool
		ValueStr string
		ActStr   string
	}
	var kpis []kpiRow
	for _, k := range r.KPIs {
		row := kpiRow{KPI: k, ValueStr: num(k.Value), HasFork: r.Actual != nil}
		if r.Actual != nil {
			for _, a := range r.Actual.KPIs {
				if a.Key == k.Key {
					a := a
					row.Actual = &a
					row.ActStr = num(a.Value)
				}
			}
		}
		kpis = append(kpis, row)
	}
	return runPage.Execute(w, map[string]any{"R": r, "Figures": figs, "KPIs": kpis})
}

// CompareHTML renders the comparison's page.
func CompareHTML(w io.Writer, c *Comparison) error {
	var figs []figure
	for v := 1; v < len(c.Variants); v++ {
		p, err := diffPlot(c, v)
		if err != nil {
			return err
		}
		s, err := svg(p, plotWidth, 9*vg.Centimeter)
		if err != nil {
			return err
		}
		figs = append(figs, figure{SVG: s, Caption: "Dots: mean paired difference over the seeds; bars: its confidence interval (Student t). A bar that crosses the dashed line at 0 is no significant difference."})
	}
	return comparePage.Execute(w, map[string]any{"C": c, "Figures": figs})
}

// num writes a KPI value for people: null as "–", else up to 4 significant decimals.
func num(v *float64) string {
	if v == nil {
		return "–"
	}
	return strconv.FormatFloat(*v, 'g', 5, 64)
}

var funcs = template.FuncMap{
	"num":  num,
	"f":    func(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) },
	"time": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
	"pct":  func(v float64) string { return fmt.Sprintf("%.0f %%", 100*v) },
	"at":   func(vs []*float64, i int) string { return num(vs[i]) },
}

const style = `<style>
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#222}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5rem 0;font-size:14px}td,th{border:1px solid #ddd;padding:.25rem .5rem;vertical-align:top}
th{background:#f4f4f4;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
details{font-size:13px;color:#444}figure{margin:1rem 0}figcaption{font-size:13px;color:#555}
.win{font-weight:600}.none{color:#777}svg{max-width:100%;height:auto}
</style>`

var runPage = template.Must(template.New("run").Funcs(funcs).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>yardtwin run: {{.R.Scenario}} seed {{.R.Seed}}</title>` + style + `</head><body>
<h1>Simulated run: {{.R.Scenario}}</h1>
<table>
<tr><th>terminal</th><td>{{.R.Terminal}}</td></tr>
<tr><th>scenario file</th><td>{{.R.ScenarioFile}}</td></tr>
<tr><th>seed</th><td>{{.R.Seed}}</td></tr>
<tr><th>simulated time</th><td>{{time .R.Start}} to {{time .R.End}} ({{.R.Horizon}})</td></tr>
<tr><th>policies</th><td>{{range $k, $v := .R.Policies}}{{$k}}={{$v}} {{end}}</td></tr>
<tr><th>events</th><td>{{.R.Counts.Events}}</td></tr>
{{with .R.Fork}}<tr><th>forked from</th><td>{{.From}} at {{time .At}} (log position {{.Position}}): {{.InitialBoxes}} boxes in {{.Blocks}} blocks read, {{.Taken}} taken, {{.Skipped}} left out, {{.WithEntry}} with a known entry</td></tr>{{end}}
</table>

<h2>KPIs</h2>
{{with .R.Actual}}<p>Simulated beside what the twin recorded over {{time .From}} to {{time .To}}{{if not .Complete}} (the twin's log ends at {{time .AsOf}}: the actual figures cover less time){{end}}. {{.Note}}</p>{{end}}
<table>
<tr><th>KPI</th><th>unit</th><th>{{if .R.Actual}}simulated{{else}}value{{end}}</th>{{if .R.Actual}}<th>actual</th>{{end}}<th>n</th><th>better</th><th>definition</th></tr>
{{range .KPIs}}<tr><td>{{.Name}}<br><code>{{.Key}}</code></td><td>{{.Unit}}</td><td class="n">{{.ValueStr}}{{with .Distribution}}<br><small>p50 {{f .P50}}, p90 {{f .P90}}, max {{f .Max}}</small>{{end}}</td>
{{if .HasFork}}<td class="n">{{.ActStr}}</td>{{end}}
<td class="n">{{.N}} {{.Of}}</td><td>{{.Better}}</td><td><details><summary>{{.Source}}</summary>{{.Definition}}</details></td></tr>
{{end}}</table>

<h2 id="plots">Plots</h2>
{{range .Figures}}<figure>{{.SVG}}<figcaption>{{.Caption}}</figcaption></figure>
{{end}}
<p><small>Written by yardtwin sim. The same figures, with every definition and the projection's full report, are in report.json beside this file; the event log is events.ndjson.</small></p>
</body></html>
`))

var comparePage = template.Must(template.New("compare").Funcs(funcs).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>yardtwin compare: {{.C.Scenario}}</title>` + style + `</head><body>
<h1>Policies compared: {{.C.Scenario}}</h1>
<table>
<tr><th>terminal</th><td>{{.C.Terminal}}</td></tr>
<tr><th>horizon</th><td>{{.C.Horizon}}</td></tr>
<tr><th>varied</th><td>{{.C.Kind}}</td></tr>
<tr><th>variants</th><td>{{range $i, $v := .C.Variants}}{{if $i}}, {{end}}<b>{{$v.Label}}</b>{{if not $i}} (baseline){{end}}{{end}}</td></tr>
<tr><th>policies of every variant</th><td>{{with index .C.Variants 0}}{{range $k, $v := .Policies}}{{$k}}={{$v}} {{end}}{{end}}</td></tr>
<tr><th>seeds</th><td>{{len .C.Seeds}} (common random numbers: every variant runs on each seed)</td></tr>
<tr><th>confidence</th><td>{{pct .C.Level}}, Student t on the paired differences</td></tr>
</table>
<h2>Which wins where</h2>
<table>
<tr><th>KPI</th><th>unit</th><th>better</th>{{range .C.Variants}}<th>mean {{.Label}}</th>{{end}}{{range slice .C.Variants 1}}<th>{{.Label}} − baseline [CI]</th><th>verdict</th>{{end}}</tr>
{{range .C.KPIs}}<tr><td>{{.Name}}<br><code>{{.Key}}</code></td><td>{{.Unit}}</td><td>{{.Better}}</td>
{{$k := .}}{{range $i, $v := .Means}}<td class="n">{{at $k.Means $i}}</td>{{end}}
{{range .Diffs}}<td class="n">{{with .Paired}}{{f .Diff}} [{{f .Low}}, {{f .High}}]{{else}}–{{end}}</td><td class="{{if eq .Verdict "none" "unknown"}}none{{else}}win{{end}}">{{.Winner}}</td>{{end}}</tr>
{{end}}</table>
<h2>Differences</h2>
{{range .Figures}}<figure>{{.SVG}}<figcaption>{{.Caption}}</figcaption></figure>
{{end}}
<p><small>Written by yardtwin sim compare; every seed's value of every KPI is in compare.json beside this file.</small></p>
</body></html>
`))
