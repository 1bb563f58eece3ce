package policy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// DefaultTimeout bounds one decision of an external policy: the request, the student's code and
// the answer.
const DefaultTimeout = 5 * time.Second

// Request is what the feed POSTs to an external policy for each decision (Content-Type
// application/json). Situation and Candidates are the view types of the kind (see doc.go).
type Request struct {
	Kind       string `json:"kind"`           // stacking, relocation, quay-sequence, yard-sequence or dispatch
	Step       string `json:"step,omitempty"` // stacking only: "block" or "slot"
	Seq        uint64 `json:"seq"`            // the decision's number in the run, from 1
	Situation  any    `json:"situation"`
	Candidates any    `json:"candidates"`
}

// Answer is what an external policy answers: the index of the chosen candidate, from 0.
type Answer struct {
	Choice *int `json:"choice"`
}

// DecisionError is an external policy that failed to answer, or answered something the feed cannot
// use. A run stops on it.
type DecisionError struct {
	URL    string
	Kind   string
	Seq    uint64
	Reason string
}

func (e *DecisionError) Error() string {
	return fmt.Sprintf("external policy %s=%s, decision %d: %s", e.Kind, e.URL, e.Seq, e.Reason)
}

// External asks a policy served over HTTP. It implements every kind's interface; Build gives it
// only the kind it was named for.
type External struct {
	kind    string
	url     string
	timeout time.Duration
	client  *http.Client
	seq     uint64
}

func newExternal(kind, url string, env Env) *External {
	t := env.Timeout
	if t <= 0 {
		t = DefaultTimeout
	}
	return &External{kind: kind, url: url, timeout: t, client: &http.Client{Transport: &http.Transport{
		MaxIdleConnsPerHost: 2, IdleConnTimeout: 30 * time.Second, DisableCompression: true,
	}}}
}

// URL returns the policy's address.
func (e *External) URL() string { return e.url }

// Close lets the policy's idle connections go.
func (e *External) Close() { e.client.CloseIdleConnections() }

// decide POSTs one decision and returns the chosen index, checked against n candidates.
func (e *External) decide(step string, situation, candidates any, n int) (int, error) {
	e.seq++
	fail := func(format string, args ...any) (int, error) {
		return 0, &DecisionError{URL: e.url, Kind: e.kind, Seq: e.seq, Reason: fmt.Sprintf(format, args...)}
	}
	body, err := json.Marshal(Request{Kind: e.kind, Step: step, Seq: e.seq, Situation: situation, Candidates: candidates})
	if err != nil {
		return fail("encode the request: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), e.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.url, bytes.NewReader(body))
	if err != nil {
		return fail("%v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return fail("no answer within %v", e.timeout)
		}
		return fail("%v", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fail("read the answer: %v", err)
	}
	if resp.StatusCode != http.StatusOK {
		return fail("HTTP %s: %s", resp.Status, snippet(raw))
	}
	var a Answer
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&a); err != nil {
		return fail("answer %s is not JSON of the form {\"choice\": N}: %v", snippet(raw), err)
	}
	if a.Choice == nil {
		return fail("answer %s has no \"choice\" (want {\"choice\": N}, N from 0 to %d)", snippet(raw), n-1)
	}
	if *a.Choice < 0 || *a.Choice >= n {
		return fail("choice %d is not one of the %d candidates (0 to %d)", *a.Choice, n, n-1)
	}
	return *a.Choice, nil
}

func snippet(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) > 200 {
		return string(b[:200]) + "…"
	}
	return string(b)
}

func (e *External) Block(a Arrival, o []BlockOption) (int, error) {
	return e.decide("block", a, o, len(o))
}
func (e *External) Slot(a Arrival, o []SlotOption) (int, error) {
	return e.decide("slot", a, o, len(o))
}

// ExternalRelocation is an External asked for relocations (its Slot differs from stacking's).
type ExternalRelocation struct{ *External }

func (e ExternalRelocation) Slot(r Rehandle, o []SlotOption) (int, error) {
	return e.decide("", r, o, len(o))
}

// ExternalQuay is an External asked for quay crane sequencing.
type ExternalQuay struct{ *External }

func (e ExternalQuay) Next(c QuayCrane, jobs []QuayJob) (int, error) {
	return e.decide("", c, jobs, len(jobs))
}

// ExternalYard is an External asked for yard crane sequencing.
type ExternalYard struct{ *External }

func (e ExternalYard) Next(c YardCrane, jobs []YardJob) (int, error) {
	return e.decide("", c, jobs, len(jobs))
}

// ExternalDispatch is an External asked for truck dispatch.
type ExternalDispatch struct{ *External }

func (e ExternalDispatch) Next(t Truck, jobs []TruckJob) (int, error) {
	return e.decide("", t, jobs, len(jobs))
}

// asKind wraps an External in the type implementing kind's interface.
func (e *External) asKind() any {
	switch e.kind {
	case KindRelocation:
		return ExternalRelocation{e}
	case KindQuaySequence:
		return ExternalQuay{e}
	case KindYardSequence:
		return ExternalYard{e}
	case KindDispatch:
		return ExternalDispatch{e}
	}
	return e
}

// Close lets go of what the policies hold (the idle connections of external policies).
func (p *Policies) Close() {
	for _, v := range []any{p.Stacking, p.Relocation, p.QuaySequence, p.YardSequence, p.Dispatch} {
		switch x := v.(type) {
		case *External:
			x.Close()
		case ExternalRelocation:
			x.Close()
		case ExternalQuay:
			x.Close()
		case ExternalYard:
			x.Close()
		case ExternalDispatch:
			x.Close()
		}
	}
}
