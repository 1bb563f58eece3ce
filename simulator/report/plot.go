package report

import (
	"bytes"
	"fmt"
	"html/template"
	"image/color"
	"math"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Plots are drawn with gonum.org/v1/plot and written as SVG straight into the page: the page then
// needs no script, no network and no plotting code of ours, and the plots stay sharp when zoomed
// or printed. Fonts are referenced by name (Liberation), not embedded, to keep pages small; a
// browser without them substitutes a similar font.

// Okabe–Ito colours, distinguishable with the common colour-vision deficiencies (as the map uses).
var okabeIto = []color.Color{
	color.RGBA{0, 114, 178, 255},   // blue
	color.RGBA{230, 159, 0, 255},   // orange
	color.RGBA{0, 158, 115, 255},   // bluish green
	color.RGBA{204, 121, 167, 255}, // reddish purple
	color.RGBA{86, 180, 233, 255},  // sky blue
	color.RGBA{213, 94, 0, 255},    // vermillion
	color.RGBA{240, 228, 66, 255},  // yellow
	color.RGBA{0, 0, 0, 255},       // black
}

const (
	plotWidth  = 17 * vg.Centimeter
	plotHeight = 7 * vg.Centimeter
)

// newPlot returns a plot with a title, axis labels, a time axis when timed, and a light grid.
func newPlot(title, x, y string, timed bool) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = x
	p.Y.Label.Text = y
	if timed {
		p.X.Tick.Marker = timeTicks{}
	}
	p.Add(plotter.NewGrid())
	p.Legend.Top = true
	return p
}

// svg renders p at the given size as inline SVG (no XML declaration).
func svg(p *plot.Plot, w, h vg.Length) (template.HTML, error) {
	wt, err := p.WriterTo(w, h, "svg")
	if err != nil {
		return "", fmt.Errorf("plot %q: %w", p.Title.Text, err)
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return "", fmt.Errorf("plot %q: %w", p.Title.Text, err)
	}
	s := buf.String()
	if i := strings.Index(s, "<svg"); i > 0 {
		s = s[i:]
	}
	return template.HTML(s), nil // the SVG is written by vgsvg from our numbers and labels, escaped by it
}

func unix(t time.Time) float64 { return float64(t.Unix()) }

// line adds a named line (with points when few) to p.
func line(p *plot.Plot, name string, xys plotter.XYs, c int) error {
	if len(xys) == 0 {
		return nil
	}
	l, err := plotter.NewLine(xys)
	if err != nil {
		return fmt.Errorf("plot %q, %s: %w", p.Title.Text, name, err)
	}
	l.Color = okabeIto[c%len(okabeIto)]
	l.Width = vg.Points(1.2)
	p.Add(l)
	if name != "" {
		p.Legend.Add(name, l)
	}
	if len(xys) <= 60 {
		s, err := plotter.NewScatter(xys)
		if err != nil {
			return err
		}
		s.Color = l.Color
		s.GlyphStyle.Radius = vg.Points(2)
		s.GlyphStyle.Shape = draw.CircleGlyph{}
		p.Add(s)
	}
	return nil
}

// cranePlot is quay crane gross productivity per window.
func cranePlot(s Series) (*plot.Plot, error) {
	p := newPlot("Quay crane gross productivity (per "+s.CraneWindow+")", "simulated time (UTC)", "moves per crane-hour", true)
	// A window where no crane worked breaks the line rather than bridging it.
	var xys plotter.XYs
	for i, pt := range s.Crane {
		if pt.Value != nil {
			xys = append(xys, plotter.XY{X: unix(pt.At), Y: *pt.Value})
		}
		if pt.Value == nil || i == len(s.Crane)-1 {
			if err := line(p, "", xys, 0); err != nil {
				return nil, err
			}
			xys = nil
		}
	}
	p.Y.Min = 0
	return p, nil
}

// fillPlot is the fill of every block over time as a heat map (one row per block), and the
// yard's overall utilisation.
func fillPlot(s Series) (heat, scale, overall *plot.Plot, err error) {
	bf := s.BlockFill
	heat = plot.New()
	heat.Title.Text = "Yard fill per block (TEU / capacity, every " + bf.Every + ")"
	heat.X.Label.Text, heat.Y.Label.Text = "simulated time (UTC)", "block"
	heat.X.Tick.Marker = timeTicks{}
	if len(bf.At) > 0 && len(bf.Blocks) > 0 {
		step := 3600.0
		if len(bf.At) > 1 {
			step = unix(bf.At[1]) - unix(bf.At[0])
		}
		g := fillGrid{bf: bf, step: step}
		pal := moreland.Kindlmann()
		pal.SetMin(0)
		pal.SetMax(1)
		hm := plotter.NewHeatMap(g, pal.Palette(100))
		scale = plot.New()
		scale.X.Label.Text = "fill (TEU / capacity)"
		scale.HideY()
		bar := plotter.NewHeatMap(scaleGrid{}, pal.Palette(100))
		bar.Min, bar.Max = 0, 1
		scale.Add(bar)
		hm.Min, hm.Max = 0, 1
		heat.Add(hm)
		names := make([]string, len(bf.Blocks))
		for i, b := range bf.Blocks {
			names[i] = b.Block
		}
		heat.Y.Tick.Marker = blockTicks(names)
		heat.Y.Min, heat.Y.Max = -0.5, float64(len(names))-0.5
		heat.X.Min, heat.X.Max = unix(bf.At[0]), unix(bf.At[len(bf.At)-1])+step
	}
	overall = newPlot("Yard utilisation (TEU / capacity, end of each hour)", "simulated time (UTC)", "utilisation", true)
	var xys plotter.XYs
	for _, pt := range s.Utilisation {
		if pt.Value != nil {
			xys = append(xys, plotter.XY{X: unix(pt.At), Y: *pt.Value})
		}
	}
	overall.Y.Min, overall.Y.Max = 0, 1
	return heat, scale, overall, line(overall, "", xys, 0)
}

// scaleGrid is the colour scale from 0 to 1 as a one-row heat map.
type scaleGrid struct{}

func (scaleGrid) Dims() (c, r int)   { return 101, 1 }
func (scaleGrid) Z(c, _ int) float64 { return float64(c) / 100 }
func (scaleGrid) X(c int) float64    { return float64(c) / 100 }
func (scaleGrid) Y(int) float64      { return 0 }

// fillGrid is BlockFill as a heat map grid: columns are samples, rows blocks.
type fillGrid struct {
	bf   BlockFill
	step float64
}

func (g fillGrid) Dims() (c, r int)   { return len(g.bf.At), len(g.bf.Blocks) }
func (g fillGrid) Z(c, r int) float64 { return g.bf.Blocks[r].Fill[c] }
func (g fillGrid) X(c int) float64    { return unix(g.bf.At[c]) + g.step/2 }
func (g fillGrid) Y(r int) float64    { return float64(r) }

// blockTicks labels rows with block ids, thinned to about 25 labels.
type blockTicks []string

func (b blockTicks) Ticks(lo, hi float64) []plot.Tick {
	every := max(1, (len(b)+24)/25)
	var ts []plot.Tick
	for i, name := range b {
		t := plot.Tick{Value: float64(i)}
		if i%every == 0 {
			t.Label = name
		}
		ts = append(ts, t)
	}
	return ts
}

// truckPlots are road truck turn time and the in-gate queue, hour by hour.
func truckPlots(s Series) (turn, queue *plot.Plot, err error) {
	turn = newPlot("Road truck turn time (trucks that left in each hour)", "simulated time (UTC)", "minutes", true)
	var mean, p90 plotter.XYs
	for _, pt := range s.TruckTurn {
		if pt.Left == 0 {
			continue
		}
		mean = append(mean, plotter.XY{X: unix(pt.At), Y: pt.Mean})
		p90 = append(p90, plotter.XY{X: unix(pt.At), Y: pt.P90})
	}
	turn.Y.Min = 0
	if err := line(turn, "mean", mean, 0); err != nil {
		return nil, nil, err
	}
	if err := line(turn, "p90", p90, 1); err != nil {
		return nil, nil, err
	}
	queue = newPlot("Road trucks queuing at the in-gate", "simulated time (UTC)", "trucks", true)
	var qm, qx plotter.XYs
	for _, pt := range s.GateQueue {
		qm = append(qm, plotter.XY{X: unix(pt.At), Y: pt.Mean})
		qx = append(qx, plotter.XY{X: unix(pt.At), Y: float64(pt.Max)})
	}
	queue.Y.Min = 0
	if err := line(queue, "hourly mean (time-weighted)", qm, 0); err != nil {
		return nil, nil, err
	}
	return turn, queue, line(queue, "hourly maximum", qx, 5)
}

// dwellPlot is the dwell histogram, one group of bars per category.
func dwellPlot(s Series) (*plot.Plot, error) {
	p := newPlot("Dwell of the boxes that left, by category", "dwell", "boxes", false)
	var cats []DwellCategory
	for _, c := range s.Dwell {
		if c.Measured > 0 {
			cats = append(cats, c)
		}
	}
	if len(cats) == 0 {
		return p, nil
	}
	w := vg.Points(min(14, 60/float64(len(cats))))
	for i, c := range cats {
		vs := make(plotter.Values, len(c.Buckets))
		for j, b := range c.Buckets {
			vs[j] = float64(b.Count)
		}
		bars, err := plotter.NewBarChart(vs, w)
		if err != nil {
			return nil, fmt.Errorf("plot dwell, %s: %w", c.Category, err)
		}
		bars.Color = okabeIto[i%len(okabeIto)]
		bars.LineStyle.Width = 0
		bars.Offset = w * vg.Length(float64(i)-float64(len(cats)-1)/2)
		p.Add(bars)
		p.Legend.Add(c.Category, bars)
	}
	labels := make([]string, len(cats[0].Buckets))
	for j, b := range cats[0].Buckets {
		labels[j] = b.Label
	}
	p.NominalX(labels...)
	p.Legend.Left = false
	return p, nil
}

// diffPlot is each KPI's mean paired difference (B − A) as a percentage of A's mean, with its
// confidence interval as error bars.
func diffPlot(c *Comparison, v int) (*plot.Plot, error) {
	name := c.Variants[v].Label
	p := newPlot(fmt.Sprintf("%s − %s, %% of %s's mean, %.0f %% CI over %d seeds", name, c.Variants[0].Label, c.Variants[0].Label, 100*c.Level, len(c.Seeds)), "", "difference (%)", false)
	var pts plotter.XYs
	var errs plotter.YErrors
	var labels []string
	for _, k := range c.KPIs {
		d := k.Diffs[v-1]
		if d.Paired == nil || k.MeanA == nil || *k.MeanA == 0 {
			continue
		}
		scale := 100 / math.Abs(*k.MeanA)
		x := float64(len(labels))
		pts = append(pts, plotter.XY{X: x, Y: d.Paired.Diff * scale})
		errs = append(errs, struct{ Low, High float64 }{Low: (d.Paired.Diff - d.Paired.Low) * scale, High: (d.Paired.High - d.Paired.Diff) * scale})
		labels = append(labels, k.Key)
	}
	if len(pts) == 0 {
		return p, nil
	}
	s, err := plotter.NewScatter(pts)
	if err != nil {
		return nil, err
	}
	s.Color = okabeIto[0]
	s.GlyphStyle.Radius = vg.Points(3)
	s.GlyphStyle.Shape = draw.CircleGlyph{}
	eb, err := plotter.NewYErrorBars(struct {
		plotter.XYer
		plotter.YErrorer
	}{pts, errs})
	if err != nil {
		return nil, err
	}
	eb.Color = okabeIto[0]
	zero := plotter.NewFunction(func(float64) float64 { return 0 })
	zero.Color = color.Gray{Y: 90}
	zero.Dashes = []vg.Length{vg.Points(3), vg.Points(3)}
	p.Add(zero, eb, s)
	p.NominalX(labels...)
	p.X.Tick.Label.Rotation = math.Pi / 6
	p.X.Tick.Label.XAlign = draw.XRight
	p.X.Min, p.X.Max = -0.5, float64(len(labels))-0.5
	return p, nil
}

// timeTicks marks a time axis (Unix seconds, UTC) at whole steps of 1, 3, 6 or 12 hours, or of
// days or weeks, about six majors to an axis, labelled with the date and, under a day, the hour.
type timeTicks struct{}

var tickSteps = []time.Duration{time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour, 2 * 24 * time.Hour, 7 * 24 * time.Hour, 14 * 24 * time.Hour, 28 * 24 * time.Hour}

func (timeTicks) Ticks(lo, hi float64) []plot.Tick {
	span := time.Duration((hi - lo) * float64(time.Second))
	step := tickSteps[len(tickSteps)-1]
	for _, s := range tickSteps {
		if span/s <= 7 {
			step = s
			break
		}
	}
	format := "Jan 2"
	if step < 24*time.Hour {
		format = "Jan 2\n15:04"
	}
	start := time.Unix(int64(lo), 0).UTC().Truncate(step)
	var ts []plot.Tick
	for t := start; unix(t) <= hi; t = t.Add(step) {
		if unix(t) >= lo {
			ts = append(ts, plot.Tick{Value: unix(t), Label: t.Format(format)})
		}
	}
	return ts
}
