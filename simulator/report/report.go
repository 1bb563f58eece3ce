// Package report is what a student reads after a simulated run: the run's KPIs with their
// definitions and units, time series for plots, and a self-contained HTML page with those plots;
// and, for policies compared over seeds, the paired differences with their confidence intervals.
//
// The KPIs themselves are computed by the twin's own KPI projection (projections/kpi), folded by
// the caller (cmd/yardtwin) from the run's envelopes exactly as the live twin folds them: this
// package may not import projections (simulator and projections stand side by side, see
// arch_test.go), so it receives the figures as plain values. What no projection keeps, the fill of
// each block over time and the queue at the in-gate, the Timeline here folds from the same decoded
// events.
package report

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/yardtwin/yardtwin/simulator/report/stats"
)

// Run is one simulated run, written as report.json.
type Run struct {
	Scenario     string `json:"scenario"`                // the scenario's name
	ScenarioFile string `json:"scenario_file,omitempty"` // as given on the command line
	Terminal     string `json:"terminal"`                // the layout's name
	Seed         uint64 `json:"seed"`
	// Policies names the policy in force for each kind of decision.
	Policies map[string]string `json:"policies"`
	// Start and End bound the simulated time; Horizon is End − Start as Go writes durations.
	Start   time.Time `json:"start"`
	End     time.Time `json:"end"`
	Horizon string    `json:"horizon"`
	// Fork says where the run started from when it was forked from a live twin.
	Fork   *Fork  `json:"fork,omitempty"`
	Counts Counts `json:"counts"`
	// KPIs are the headline figures over [Start, End), each with its definition, unit and which
	// direction is better.
	KPIs []KPI `json:"kpis"`
	// Actual is what the twin reported over the same window, for a forked run whose window the
	// twin's log covers.
	Actual *Actual `json:"actual,omitempty"`
	Series Series  `json:"series"`
	// Details is the KPI projection's full report of the run (per crane visit, per vessel visit,
	// hour by hour), as GET /api/v1/kpis answers it.
	Details json.RawMessage `json:"kpi_report,omitempty"`
}

// Counts are the run's totals.
type Counts struct {
	Events int            `json:"events"`  // envelopes emitted
	ByType map[string]int `json:"by_type"` // envelopes by event type
	// Feed is the simulator's own running totals at the end (boxes discharged, loaded, gated,
	// rehandles, vessels, …).
	Feed any `json:"feed"`
}

// Fork is where a forked run started.
type Fork struct {
	From string    `json:"from"` // the twin's base URL
	At   time.Time `json:"at"`   // event time of the yard taken
	// Position is the twin's log position the yard reflects (from X-Yardtwin-Position).
	Position     string `json:"position,omitempty"`
	Blocks       int    `json:"blocks"`
	InitialBoxes int    `json:"initial_boxes"` // boxes read from the twin
	Taken        int    `json:"taken"`         // of which the simulator placed
	Skipped      int    `json:"skipped"`       // left out (45-ft, unknown block, slot clash)
	// WithEntry counts the boxes read whose entry into the terminal the twin knew: their dwell
	// runs from it. The others were only ever seen in a slot.
	WithEntry int `json:"with_entry"`
}

// Actual is the twin's KPIs over a forked run's window.
type Actual struct {
	From   time.Time `json:"from"`
	To     time.Time `json:"to"`
	AsOf   time.Time `json:"as_of"`  // newest event time the twin had folded
	Events int       `json:"events"` // events the twin's window holds
	// Complete is false when the twin's log ends before the run's end: the actual figures then
	// cover less time than the simulated ones.
	Complete bool  `json:"complete"`
	KPIs     []KPI `json:"kpis"`
	// Note says what to keep in mind when reading the two side by side.
	Note string `json:"note,omitempty"`
}

// KPI is one indicator, as the KPI projection defines it, with the direction that is better.
type KPI struct {
	Key        string `json:"key"`
	Name       string `json:"name"`
	Unit       string `json:"unit"`
	Definition string `json:"definition"`
	// Source is the code that computed it: "projections/kpi" (the twin's projection) or
	// "simulator/report" (the Timeline).
	Source string `json:"source"`
	// Better is "higher", "lower", or "neither" for a level a planner reads rather than a goal.
	Better stats.Better `json:"better"`
	// Value is null when the run holds nothing to measure.
	Value        *float64           `json:"value"`
	N            int                `json:"n"`
	Of           string             `json:"n_of"`
	Distribution *Distribution      `json:"distribution,omitempty"`
	Parts        map[string]float64 `json:"parts,omitempty"`
}

// Distribution summarises durations in the KPI's unit.
type Distribution struct {
	N    int     `json:"n"`
	Mean float64 `json:"mean"`
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	Max  float64 `json:"max"`
}

// Sources of the KPIs.
const (
	SourceProjection = "projections/kpi"
	SourceTimeline   = "simulator/report"
)

// Keys of the KPIs computed here rather than by the projection.
const (
	KeyGateQueueMean = "gate_queue_mean"
	KeyGateQueueMax  = "gate_queue_max"
)

// better is the good direction of each KPI of the projection and of the Timeline. Utilisation and
// dwell are levels: a policy does not win by filling the yard or keeping boxes longer.
var better = map[string]stats.Better{
	"qc_gross_moves_per_hour": stats.Higher,
	"berth_productivity":      stats.Higher,
	"berth_time":              stats.Lower,
	"port_stay":               stats.Lower,
	"truck_turn_time":         stats.Lower,
	"productive_moves":        stats.Higher,
	"rehandles":               stats.Lower,
	"rehandle_ratio":          stats.Lower,
	"yard_utilisation":        stats.Neither,
	"dwell_time":              stats.Neither,
	KeyGateQueueMean:          stats.Lower,
	KeyGateQueueMax:           stats.Lower,
}

// Direction returns which direction of the KPI key is better; "neither" for a key it does not know.
func Direction(key string) stats.Better {
	if b, ok := better[key]; ok {
		return b
	}
	return stats.Neither
}

// KPI returns the indicator with the given key.
func (r *Run) KPI(key string) (KPI, bool) {
	for _, k := range r.KPIs {
		if k.Key == key {
			return k, true
		}
	}
	return KPI{}, false
}

// Series are the time series the report plots.
type Series struct {
	// CraneWindow is the width of the windows of Crane (a whole number of hours).
	CraneWindow string `json:"crane_window"`
	// Crane is quay crane gross productivity (moves/h) per window, as the KPI projection reports
	// it for that window; Value null where no crane worked.
	Crane []Point `json:"qc_gross_moves_per_hour"`
	// Utilisation is the yard's TEU over capacity at the end of every hour with activity, from the
	// KPI projection.
	Utilisation []Point `json:"yard_utilisation"`
	// BlockFill is each block's TEU over capacity, sampled at a fixed step.
	BlockFill BlockFill `json:"block_fill"`
	// TruckTurn is road truck turn time (minutes) of the trucks that left in each hour, from the
	// KPI projection.
	TruckTurn []TurnPoint `json:"truck_turn"`
	// GateQueue is the number of road trucks at the in-gate, hour by hour.
	GateQueue []QueuePoint `json:"gate_queue"`
	// Dwell is the dwell histogram of the boxes that left, by category, from the KPI projection.
	Dwell []DwellCategory `json:"dwell"`
}

// Point is a value at a time; N is how many observations it rests on.
type Point struct {
	At    time.Time `json:"at"`
	Value *float64  `json:"value"`
	N     int       `json:"n,omitempty"`
}

// BlockFill is the fill of every block over time: Blocks[i].Fill[j] is block i at At[j].
type BlockFill struct {
	Every  string        `json:"every"`
	At     []time.Time   `json:"at"`
	Blocks []BlockSeries `json:"blocks"`
}

// BlockSeries is one block's fill (TEU / capacity, 0..1) at each sample.
type BlockSeries struct {
	Block    string    `json:"block"`
	Capacity int       `json:"capacity_teu"`
	Fill     []float64 `json:"fill"`
}

// TurnPoint is the turn time of the road trucks that left in one hour, minutes.
type TurnPoint struct {
	At   time.Time `json:"at"` // start of the hour
	Left int       `json:"left"`
	Mean float64   `json:"mean"`
	P90  float64   `json:"p90"`
}

// QueuePoint is the in-gate queue over one hour: its time-weighted mean and its maximum, in trucks,
// and how many trucks arrived.
type QueuePoint struct {
	At       time.Time `json:"at"` // start of the hour
	Mean     float64   `json:"mean"`
	Max      int       `json:"max"`
	Arrivals int       `json:"arrivals"`
}

// DwellCategory is the dwell histogram of one category.
type DwellCategory struct {
	Category string   `json:"category"`
	Measured int      `json:"measured"`
	Buckets  []Bucket `json:"buckets"`
}

// Bucket is one bar of a dwell histogram.
type Bucket struct {
	Label string `json:"label"` // e.g. "1-2d"
	Count int    `json:"count"`
}

// WriteJSON writes v as indented JSON to path, atomically (a temporary file renamed over it).
func WriteJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", filepath.Base(path), err)
	}
	return writeFile(path, append(data, '\n'))
}

func writeFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644) // CreateTemp makes it private; a report is for reading
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
