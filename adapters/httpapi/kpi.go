package httpapi

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/yardtwin/yardtwin/projections/kpi"
)

// KPIView is the read model the KPIs are answered from.
type KPIView interface {
	// Report returns the KPIs of [from, to) in event time; a zero bound is open.
	Report(from, to time.Time) kpi.Report
}

// kpiParams are the query parameters of GET /api/v1/kpis.
var kpiParams = []string{"from", "to", "at"}

// getKPIs answers GET /api/v1/kpis?from=&to=: the KPIs of a window of event time. Both bounds are
// optional RFC 3339 times (from inclusive, to exclusive; left out, the start or the end of the
// log); the model resolves them to whole hours and says so in the answer's from and to.
func (s *Server) getKPIs(w http.ResponseWriter, r *http.Request) {
	if s.KPIs == nil {
		writeError(w, http.StatusServiceUnavailable, "KPIs are not computed by this server")
		return
	}
	q := r.URL.Query()
	for name, vs := range q {
		switch {
		case name == "as_of":
			writeError(w, http.StatusBadRequest, "as_of: KPIs are computed from everything known now; ask for a window of event time with from and to (at= is the window ending then)")
			return
		case name != "from" && name != "to" && name != "at":
			writeError(w, http.StatusBadRequest, "%s: unknown parameter; KPIs take %s", name, strings.Join(kpiParams, ", "))
			return
		case len(vs) > 1:
			writeError(w, http.StatusBadRequest, "%s: given %d times, give it once", name, len(vs))
			return
		}
	}
	from, err := rfc3339Param(q.Get("from"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "from: %v", err)
		return
	}
	to, err := rfc3339Param(q.Get("to"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "to: %v", err)
		return
	}
	// at= asks for the KPIs as they stood at that moment: the window ends there.
	at, err := rfc3339Param(q.Get("at"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "at: %v", err)
		return
	}
	if !at.IsZero() && (to.IsZero() || at.Before(to)) {
		to = at
	}
	if !from.IsZero() && !to.IsZero() && !to.After(from) {
		writeError(w, http.StatusBadRequest, "to: %s is not after from (%s)", to.Format(time.RFC3339Nano), from.Format(time.RFC3339Nano))
		return
	}
	writeJSON(w, http.StatusOK, s.KPIs.Report(from, to))
}

// rfc3339Param reads an optional time parameter; empty is the zero time.
func rfc3339Param(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		hint := ""
		if strings.Contains(v, " ") {
			hint = " (a + in a URL query reads as a space: write it %2B)"
		}
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time such as 2026-03-02T06:00:00Z%s", v, hint)
	}
	return t.UTC(), nil
}
