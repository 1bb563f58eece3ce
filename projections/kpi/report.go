package kpi

import (
	"maps"
	"slices"
	"strconv"
	"time"
)

// Report is the KPIs of a window of event time, ready to be written as JSON. Slices are never nil.
type Report struct {
	// From and To bound the window, [From, To), resolved to whole hours; for an open bound, the
	// first hour and the end of the last hour with activity. Both zero when the log is empty.
	From time.Time `json:"from,omitzero"`
	To   time.Time `json:"to,omitzero"`
	// AsOf is the newest event time folded; Position the last log position folded.
	AsOf     time.Time `json:"as_of,omitzero"`
	Position uint64    `json:"position"`
	// Events is how many of the events the KPIs fold (quay, gate, and yard announcements, stacks
	// and lifts) the window holds.
	Events int `json:"events"`
	// KPIs are the headline figures, in a fixed order, each with its definition.
	KPIs []KPI `json:"kpis"`

	// CraneVisits details qc_gross_moves_per_hour per quay crane and vessel visit, Cranes per crane.
	CraneVisits []CraneVisit `json:"crane_visits"`
	Cranes      []Crane      `json:"cranes"`
	// Visits are the vessel visits that departed in the window, then, for a window that reaches the
	// newest event, those not departed yet (their times so far, not counted in the KPIs).
	Visits []Visit `json:"visits"`
	// TruckHours are road truck arrivals and turn times, hour by hour (hours with any).
	TruckHours []TruckHour `json:"truck_hours"`
	// Utilisation is the yard's level at the end of every hour with activity.
	Utilisation []UtilisationSample `json:"utilisation"`
	// Dwell is the dwell of the boxes that left in the window, by category.
	Dwell []DwellCategory `json:"dwell"`
	// InTerminal is the boxes in the terminal at AsOf and their dwell so far; only for a window
	// that reaches the newest event.
	InTerminal *InTerminal `json:"in_terminal,omitempty"`
	// Unmatched counts the contradictory facts of the window that were skipped.
	Unmatched Unmatched `json:"unmatched"`
}

// KPI is one indicator with what it means.
type KPI struct {
	Key        string `json:"key"` // stable, see the Key… constants
	Name       string `json:"name"`
	Unit       string `json:"unit"`
	Definition string `json:"definition"`
	// Value is null when the window holds nothing to measure.
	Value *float64 `json:"value"`
	// N is how many observations the value rests on, and Of says what they are ("crane visits").
	N  int    `json:"n"`
	Of string `json:"n_of"`
	// Distribution, for durations, in Unit.
	Distribution *Distribution `json:"distribution,omitempty"`
	// Parts are the named components of the value (e.g. rehandles within and between blocks).
	Parts map[string]float64 `json:"parts,omitempty"`
}

// Distribution summarises durations. Percentiles are nearest-rank; those read from per-hour
// sketches are within 1 % of the exact values (the mean and the maximum are exact).
type Distribution struct {
	N    int     `json:"n"`
	Mean float64 `json:"mean"`
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	Max  float64 `json:"max"`
}

// CraneVisit is one quay crane's work on one vessel visit, within the window.
type CraneVisit struct {
	Visit      string    `json:"visit"`
	Vessel     string    `json:"vessel,omitempty"`
	Crane      string    `json:"crane"`
	Moves      int       `json:"moves"`
	Discharges int       `json:"discharges"`
	Loads      int       `json:"loads"`
	First      time.Time `json:"first_move"`
	Last       time.Time `json:"last_move"`
	GrossHours float64   `json:"gross_hours"`
	// MovesPerHour is Moves / GrossHours; null for a single move.
	MovesPerHour *float64 `json:"moves_per_hour"`
}

// Crane is one quay crane's work over its visits in the window.
type Crane struct {
	Crane        string   `json:"crane"`
	Visits       int      `json:"visits"`
	Moves        int      `json:"moves"`
	GrossHours   float64  `json:"gross_hours"`
	MovesPerHour *float64 `json:"moves_per_hour"` // over the visits with gross time
}

// Visit is a vessel visit's times and moves. Hours are null when a milestone is missing.
type Visit struct {
	Visit    string    `json:"visit"`
	Vessel   string    `json:"vessel,omitempty"`
	Berth    string    `json:"berth,omitempty"`
	State    string    `json:"state"` // "departed", "alongside" or "arrived"
	Arrived  time.Time `json:"arrived,omitzero"`
	Berthed  time.Time `json:"berthed,omitzero"`
	Departed time.Time `json:"departed,omitzero"`
	// BerthHours and PortStayHours run to AsOf for a visit not departed yet.
	BerthHours    *float64 `json:"berth_hours"`
	PortStayHours *float64 `json:"port_stay_hours"`
	Discharges    int      `json:"discharges"`
	Loads         int      `json:"loads"`
	Moves         int      `json:"moves"`
	Cranes        int      `json:"cranes"`
	// BerthMovesPerHour is Moves / BerthHours (berth productivity).
	BerthMovesPerHour *float64 `json:"berth_moves_per_hour"`
	// OperationHours runs from the first to the last move of any crane; OperationMovesPerHour is
	// Moves over it.
	OperationHours        *float64 `json:"operation_hours"`
	OperationMovesPerHour *float64 `json:"operation_moves_per_hour"`
}

// TruckHour is one hour of road trucks: those that came in, and the turn times of those that left.
type TruckHour struct {
	Hour     time.Time     `json:"hour"` // start of the hour
	Arrivals int           `json:"arrivals"`
	Left     int           `json:"left"`           // truck visits completed in the hour
	Turn     *Distribution `json:"turn,omitempty"` // minutes
}

// UtilisationSample is the yard's level at the end of an hour.
type UtilisationSample struct {
	At          time.Time `json:"at"` // end of the hour
	TEU         int       `json:"teu"`
	Utilisation float64   `json:"utilisation"` // TEU / capacity
}

// DwellCategory is the dwell of the boxes of one category: in Report.Dwell, of those that left in
// the window; in InTerminal, of those in the terminal, so far.
type DwellCategory struct {
	Category string `json:"category"`
	// Measured counts the boxes whose entry is known, EntryUnknown the others (not measured).
	Measured     int           `json:"measured"`
	EntryUnknown int           `json:"entry_unknown"`
	Dwell        *Distribution `json:"dwell,omitempty"` // days
	Histogram    []Bucket      `json:"histogram"`
}

// Bucket is a histogram bucket of dwell, [FromDays, ToDays); ToDays is null for the last.
type Bucket struct {
	Label    string   `json:"label"`
	FromDays float64  `json:"from_days"`
	ToDays   *float64 `json:"to_days"`
	Count    int      `json:"count"`
}

// InTerminal is the boxes in the terminal at AsOf.
type InTerminal struct {
	AsOf       time.Time       `json:"as_of"`
	Boxes      int             `json:"boxes"`
	ByCategory []DwellCategory `json:"by_category"`
}

// Unmatched counts contradictory facts that were skipped.
type Unmatched struct {
	TruckLeft         int `json:"truck_left"`          // gate.TruckLeft with no open arrival
	TruckArrivals     int `json:"truck_arrivals"`      // gate.TruckArrived never closed
	TruckTurnNegative int `json:"truck_turn_negative"` // TruckLeft timed before its arrival
	DwellNegative     int `json:"dwell_negative"`      // a box left before its entry time
	// VisitNotBerthed counts departures with no berthing; VisitTimesBackwards departures timed
	// before the berthing or the arrival.
	VisitNotBerthed     int `json:"visit_not_berthed"`
	VisitTimesBackwards int `json:"visit_times_backwards"`
}

// KPI returns the indicator with the given key.
func (r Report) KPI(key string) (KPI, bool) {
	for _, k := range r.KPIs {
		if k.Key == key {
			return k, true
		}
	}
	return KPI{}, false
}

// Report returns the KPIs of the window [from, to) of event time, resolved to whole hours; a zero
// bound is open (the start or the end of the log).
func (m *Model) Report(from, to time.Time) Report {
	m.mu.RLock()
	defer m.mu.RUnlock()
	lo, hi := m.window(from, to)
	r := Report{
		AsOf: m.newest, Position: m.position,
		CraneVisits: []CraneVisit{}, Cranes: []Crane{}, Visits: []Visit{}, TruckHours: []TruckHour{},
		Utilisation: []UtilisationSample{}, Dwell: []DwellCategory{},
	}
	if hi > lo {
		r.From, r.To = hourStart(lo), hourStart(hi)
	}
	present := !m.newest.IsZero() && lo <= hourOf(m.newest) && hourOf(m.newest) < hi

	w := m.scanHours(lo, hi, &r)
	cranes := m.reportCranes(lo, hi, &r)
	visits := m.reportVisits(lo, hi, present, &r)
	if present {
		r.InTerminal = m.inTerminal()
	}
	r.KPIs = kpis(w, cranes, visits, m.capacity)
	return r
}

// window resolves [from, to) to hours [lo, hi); hi <= lo is an empty window.
func (m *Model) window(from, to time.Time) (lo, hi int64) {
	if len(m.hourKeys) > 0 {
		lo, hi = m.hourKeys[0], m.hourKeys[len(m.hourKeys)-1]+1
	}
	if !from.IsZero() {
		lo = hourOf(from)
	}
	if !to.IsZero() {
		hi = hourOf(to)
		if !hourStart(hi).Equal(to) {
			hi++
		}
	}
	return lo, hi
}

// hourTotals is what the hours of a window add up to.
type hourTotals struct {
	discharges, loads, gateIns, gateOuts int
	rehandlesIn, rehandlesX              int
	arrivals                             int
	turns                                merged
	dwell                                [nCats]merged
	dwellHist                            [nCats][nDwellBuckets]int
	entryUnknown                         [nCats]int
	dwellSeen                            [nCats]bool
	samples                              []UtilisationSample
}

// scanHours adds up the hours of the window and fills the report's hourly tables.
func (m *Model) scanHours(lo, hi int64, r *Report) *hourTotals {
	w := &hourTotals{}
	level := m.baseTEU // TEU in the yard at the end of the hour, from every hour before (dropped ones too)
	for _, h := range m.hourKeys {
		if h >= hi {
			break
		}
		a := m.hours[h]
		level += a.TEUDelta
		if h < lo {
			continue
		}
		r.Events += a.Events
		w.discharges += a.Discharges
		w.loads += a.Loads
		w.gateIns += a.GateIns
		w.gateOuts += a.GateOuts
		w.rehandlesIn += a.RehandlesIn
		w.rehandlesX += a.RehandlesX
		w.arrivals += a.TruckArrivals
		w.turns.add(&a.Turns)
		if a.TruckArrivals > 0 || a.Turns.N > 0 {
			var one merged
			one.add(&a.Turns)
			r.TruckHours = append(r.TruckHours, TruckHour{Hour: hourStart(h), Arrivals: a.TruckArrivals, Left: a.Turns.N, Turn: one.distribution(60)})
		}
		for c, d := range a.Dwell {
			if d == nil {
				continue
			}
			w.dwellSeen[c] = true
			w.dwell[c].add(&d.Left)
			w.entryUnknown[c] += d.EntryUnknown
			for i, n := range d.Hist {
				w.dwellHist[c][i] += n
			}
		}
		u := &r.Unmatched
		u.TruckLeft += a.Unmatched.TruckLeft
		u.TruckArrivals += a.Unmatched.TruckArrivals
		u.TruckTurnNegative += a.Unmatched.TurnNegative
		u.DwellNegative += a.Unmatched.DwellNegative

		teu := max(level, 0) // a lift timed before its stack can take the level below zero for a while
		s := UtilisationSample{At: hourStart(h + 1), TEU: teu}
		if m.capacity > 0 {
			s.Utilisation = round(float64(teu) / float64(m.capacity))
		}
		w.samples = append(w.samples, s)
	}
	r.Utilisation = append(r.Utilisation, w.samples...)
	for c := range nCats {
		if c == catUnknown && !w.dwellSeen[c] {
			continue // shown only when boxes were never announced
		}
		r.Dwell = append(r.Dwell, DwellCategory{
			Category: catNames[c], Measured: w.dwell[c].n, EntryUnknown: w.entryUnknown[c],
			Dwell: w.dwell[c].distribution(86400), Histogram: histogram(w.dwellHist[c]),
		})
	}
	return w
}

func histogram(counts [nDwellBuckets]int) []Bucket {
	out := make([]Bucket, nDwellBuckets)
	from := 0.0
	for i := range out {
		out[i] = Bucket{FromDays: from, Count: counts[i]}
		if i < len(dwellEdges) {
			to := dwellEdges[i]
			out[i].ToDays = &to
			if i == 0 {
				out[i].Label = "<1d"
			} else {
				out[i].Label = fmtDays(from) + "-" + fmtDays(to) + "d"
			}
			from = to
		} else {
			out[i].Label = ">=" + fmtDays(from) + "d"
		}
	}
	return out
}

func fmtDays(d float64) string { return strconv.FormatFloat(d, 'f', -1, 64) }

// craneTotals is what the crane visits of a window add up to.
type craneTotals struct {
	moves      int // of the crane visits with gross time
	grossHours float64
	n          int // crane visits with gross time
}

// reportCranes fills the crane tables from the cranes' spans in the window.
func (m *Model) reportCranes(lo, hi int64, r *Report) craneTotals {
	var t craneTotals
	byCrane := map[string]*Crane{}
	for _, id := range slices.Sorted(maps.Keys(m.visits)) {
		v := m.visits[id]
		for _, crane := range slices.Sorted(maps.Keys(v.Cranes)) {
			if crane == "" {
				continue // moves reported without a crane count for the visit only
			}
			cv := CraneVisit{Visit: id, Vessel: v.Vessel, Crane: crane}
			for _, s := range v.Cranes[crane] {
				if s.Hour < lo || s.Hour >= hi {
					continue
				}
				if cv.Moves == 0 || s.First.Before(cv.First) {
					cv.First = s.First
				}
				if cv.Moves == 0 || s.Last.After(cv.Last) {
					cv.Last = s.Last
				}
				cv.Discharges += s.Discharges
				cv.Loads += s.Loads
				cv.Moves += s.Discharges + s.Loads
			}
			if cv.Moves == 0 {
				continue
			}
			gross := cv.Last.Sub(cv.First).Hours()
			cv.GrossHours = round(gross)
			c := byCrane[crane]
			if c == nil {
				c = &Crane{Crane: crane}
				byCrane[crane] = c
			}
			c.Visits++
			if gross > 0 {
				cv.MovesPerHour = ptr(round(float64(cv.Moves) / gross))
				c.Moves += cv.Moves
				c.GrossHours += gross
				t.moves += cv.Moves
				t.grossHours += gross
				t.n++
			}
			r.CraneVisits = append(r.CraneVisits, cv)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(byCrane)) {
		c := byCrane[id]
		if c.GrossHours > 0 {
			c.MovesPerHour = ptr(round(float64(c.Moves) / c.GrossHours))
		}
		c.GrossHours = round(c.GrossHours)
		r.Cranes = append(r.Cranes, *c)
	}
	return t
}

// visitTotals is what the visits that departed in a window add up to.
type visitTotals struct {
	berth, stay []float64 // seconds
	moves       int       // of the visits with a berth time
}

// reportVisits fills the visits table: departed in the window, then (present) those not departed.
func (m *Model) reportVisits(lo, hi int64, present bool, r *Report) visitTotals {
	var t visitTotals
	var open []Visit
	for _, id := range slices.Sorted(maps.Keys(m.visits)) {
		v := m.visits[id]
		departed := !v.Departed.IsZero()
		if departed {
			if h := hourOf(v.Departed); h < lo || h >= hi {
				continue
			}
		} else if !present || (v.Arrived.IsZero() && v.Berthed.IsZero()) {
			continue // moves for a visit never reported arriving nor berthing: nothing to show open
		}
		row := m.visitRow(id, v)
		if !departed {
			open = append(open, row)
			continue
		}
		switch {
		case v.Berthed.IsZero():
			r.Unmatched.VisitNotBerthed++
		case v.Departed.Before(v.Berthed):
			r.Unmatched.VisitTimesBackwards++
		default:
			t.berth = append(t.berth, v.Departed.Sub(v.Berthed).Seconds())
			t.moves += row.Moves
		}
		if !v.Arrived.IsZero() {
			if v.Departed.Before(v.Arrived) {
				r.Unmatched.VisitTimesBackwards++
			} else {
				t.stay = append(t.stay, v.Departed.Sub(v.Arrived).Seconds())
			}
		}
		r.Visits = append(r.Visits, row)
	}
	slices.SortStableFunc(r.Visits, func(a, b Visit) int { return a.Departed.Compare(b.Departed) })
	r.Visits = append(r.Visits, open...)
	return t
}

func (m *Model) visitRow(id string, v *visit) Visit {
	row := Visit{
		Visit: id, Vessel: v.Vessel, Berth: v.Berth, Arrived: v.Arrived, Berthed: v.Berthed, Departed: v.Departed,
		Discharges: v.Discharges, Loads: v.Loads, Moves: v.Discharges + v.Loads,
	}
	end := v.Departed
	switch {
	case !v.Departed.IsZero():
		row.State = "departed"
	case !v.Berthed.IsZero():
		row.State, end = "alongside", m.newest
	default:
		row.State, end = "arrived", m.newest
	}
	if !v.Berthed.IsZero() && !end.Before(v.Berthed) {
		bh := end.Sub(v.Berthed).Hours()
		row.BerthHours = ptr(round(bh))
		if bh > 0 {
			row.BerthMovesPerHour = ptr(round(float64(row.Moves) / bh))
		}
	}
	if !v.Arrived.IsZero() && !end.Before(v.Arrived) {
		row.PortStayHours = ptr(round(end.Sub(v.Arrived).Hours()))
	}
	var first, last time.Time
	for crane, spans := range v.Cranes {
		if crane != "" {
			row.Cranes++
		}
		for _, s := range spans {
			if first.IsZero() || s.First.Before(first) {
				first = s.First
			}
			if s.Last.After(last) {
				last = s.Last
			}
		}
	}
	if !first.IsZero() {
		oh := last.Sub(first).Hours()
		row.OperationHours = ptr(round(oh))
		if oh > 0 {
			row.OperationMovesPerHour = ptr(round(float64(row.Moves) / oh))
		}
	}
	return row
}

// inTerminal measures the dwell so far of the boxes in the terminal at the newest event.
func (m *Model) inTerminal() *InTerminal {
	it := &InTerminal{AsOf: m.newest, ByCategory: []DwellCategory{}}
	var dwell [nCats][]float64
	var unknown [nCats]int
	var hist [nCats][nDwellBuckets]int
	for _, b := range m.boxes {
		if !b.Present {
			continue
		}
		it.Boxes++
		if b.Entered.IsZero() || m.newest.Before(b.Entered) {
			unknown[b.Cat]++
			continue
		}
		s := m.newest.Sub(b.Entered).Seconds()
		dwell[b.Cat] = append(dwell[b.Cat], s)
		hist[b.Cat][dwellBucket(s)]++
	}
	for c := range nCats {
		if c == catUnknown && len(dwell[c]) == 0 && unknown[c] == 0 {
			continue
		}
		it.ByCategory = append(it.ByCategory, DwellCategory{
			Category: catNames[c], Measured: len(dwell[c]), EntryUnknown: unknown[c],
			Dwell: exactDistribution(dwell[c], 86400), Histogram: histogram(hist[c]),
		})
	}
	return it
}

// kpis makes the headline figures from the window's totals, in the order of definitions.
func kpis(w *hourTotals, cranes craneTotals, visits visitTotals, capacity int) []KPI {
	out := make([]KPI, 0, len(definitions))
	productive := w.discharges + w.loads + w.gateIns + w.gateOuts
	rehandles := w.rehandlesIn + w.rehandlesX
	for _, d := range definitions {
		k := KPI{Key: d.key, Name: d.name, Unit: d.unit, Definition: d.text, Of: d.of}
		switch d.key {
		case KeyCraneGrossMovesPerHour:
			k.N = cranes.n
			if cranes.grossHours > 0 {
				k.Value = ptr(round(float64(cranes.moves) / cranes.grossHours))
			}
			k.Parts = map[string]float64{"moves": float64(cranes.moves), "gross_hours": round(cranes.grossHours)}
		case KeyBerthProductivity:
			k.N = len(visits.berth)
			hours := 0.0
			for _, s := range visits.berth {
				hours += s / 3600
			}
			if hours > 0 {
				k.Value = ptr(round(float64(visits.moves) / hours))
			}
			k.Parts = map[string]float64{"moves": float64(visits.moves), "berth_hours": round(hours)}
		case KeyBerthTime:
			k.Distribution = exactDistribution(slices.Clone(visits.berth), 3600)
		case KeyPortStay:
			k.Distribution = exactDistribution(slices.Clone(visits.stay), 3600)
		case KeyTruckTurnTime:
			k.Distribution = w.turns.distribution(60)
			k.Parts = map[string]float64{"arrivals": float64(w.arrivals)}
		case KeyProductiveMoves:
			k.N, k.Value = productive, ptr(float64(productive))
			k.Parts = map[string]float64{
				"discharges": float64(w.discharges), "loads": float64(w.loads),
				"gate_ins": float64(w.gateIns), "gate_outs": float64(w.gateOuts),
			}
		case KeyRehandles:
			k.N, k.Value = rehandles, ptr(float64(rehandles))
			k.Parts = map[string]float64{"within_block": float64(w.rehandlesIn), "between_blocks": float64(w.rehandlesX)}
		case KeyRehandleRatio:
			k.N = productive
			if productive > 0 {
				k.Value = ptr(round(float64(rehandles) / float64(productive)))
			}
			k.Parts = map[string]float64{"rehandles": float64(rehandles), "productive_moves": float64(productive)}
		case KeyYardUtilisation:
			k.N = len(w.samples)
			k.Parts = map[string]float64{"capacity_teu": float64(capacity)}
			if len(w.samples) > 0 && capacity > 0 {
				sum, hi := 0.0, 0.0
				for _, s := range w.samples {
					sum += s.Utilisation
					hi = max(hi, s.Utilisation)
				}
				last := w.samples[len(w.samples)-1]
				k.Value = ptr(round(sum / float64(len(w.samples))))
				k.Parts["max"], k.Parts["last"], k.Parts["last_teu"] = hi, last.Utilisation, float64(last.TEU)
			}
		case KeyDwellTime:
			var all merged
			unknown := 0
			for c := range nCats {
				all.merge(&w.dwell[c])
				unknown += w.entryUnknown[c]
			}
			k.Distribution = all.distribution(86400)
			k.Parts = map[string]float64{"entry_unknown": float64(unknown)}
		}
		if k.Distribution != nil {
			k.N, k.Value = k.Distribution.N, ptr(k.Distribution.Mean)
		}
		out = append(out, k)
	}
	return out
}

func ptr[T any](v T) *T { return &v }
