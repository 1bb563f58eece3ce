package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/yardtwin/yardtwin/domain/es"
)

// PositionHeader carries, on an answer about the past, the log position the answer reflects.
const PositionHeader = "X-Yardtwin-Position"

// yardFor is the yard a read request asks about: the live one, or with ?at= (the yard as it was at
// that event time) and/or ?as_of= (as it was known at that recorded time), RFC 3339, a past one.
// On false the answer has been written.
func (s *Server) yardFor(w http.ResponseWriter, r *http.Request) (YardView, bool) {
	y, _, ok := s.yardAt(w, r)
	return y, ok
}

// pastCut is the set of events a past yard was folded from: those up to Position with Time ≤ At
// and Recorded ≤ AsOf (zero bounds cut nothing). The zero pastCut is the live yard: everything.
type pastCut struct {
	past     bool
	at, asOf time.Time
	position uint64
}

// keep returns the envelopes of envs inside the cut, in their order.
func (c pastCut) keep(envs []es.Envelope) []es.Envelope {
	if !c.past {
		return envs
	}
	out := envs[:0:0]
	for _, e := range envs {
		if e.Position <= c.position && (c.at.IsZero() || !e.Time.After(c.at)) && (c.asOf.IsZero() || !e.Recorded.After(c.asOf)) {
			out = append(out, e)
		}
	}
	return out
}

// yardAt is yardFor, with the cut of the log the yard answered reflects.
func (s *Server) yardAt(w http.ResponseWriter, r *http.Request) (YardView, pastCut, bool) {
	q := r.URL.Query()
	if q.Get("at") == "" && q.Get("as_of") == "" {
		return s.Yard, pastCut{}, true
	}
	var moments [2]time.Time
	for i, name := range []string{"at", "as_of"} {
		v := q.Get(name)
		if v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			writeError(w, http.StatusBadRequest, "%s: %q is not an RFC 3339 time such as 2026-11-21T08:30:00Z (write + as %%2B)", name, v)
			return nil, pastCut{}, false
		}
		moments[i] = t
	}
	if s.PastYard == nil {
		writeError(w, http.StatusNotImplemented, "this twin keeps no past views: at and as_of are not available")
		return nil, pastCut{}, false
	}
	y, pos, err := s.PastYard(r.Context(), moments[0], moments[1])
	switch {
	case errors.Is(err, context.Canceled):
		return nil, pastCut{}, false // the client went away
	case err != nil:
		writeError(w, http.StatusInternalServerError, "past yard: %v", err)
		return nil, pastCut{}, false
	}
	w.Header().Set(PositionHeader, strconv.FormatUint(pos, 10))
	return y, pastCut{past: true, at: moments[0], asOf: moments[1], position: pos}, true
}
