package es

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Retention is a store's retention policy: which event types are thinned once they are old, and
// how. Types it does not name are kept for ever, and so the zero Retention keeps everything. It is
// meant for telemetry (equipment.PositionReported), never for business events: a rule removes
// facts from the log for good.
type Retention []RetentionRule

// RetentionRule thins the events of one type once their event Time is more than Full before the
// store's clock. Past Full, one event per stream per Every of event time is kept (intervals aligned
// on Every since the zero time, the first event of each interval in log order kept), or none when
// Every is 0. A store keeps the last event of every stream whatever the rule says, so that a
// machine's last known position is never lost.
type RetentionRule struct {
	// Type is the wire name of the events the rule thins, e.g. "equipment.PositionReported".
	Type string
	// Full is how long after its Time an event is kept whatever happens; more than 0.
	Full time.Duration
	// Every is the interval of event time of which one event per stream is kept past Full; 0 keeps
	// none of them.
	Every time.Duration
}

// Rule returns the rule for an event type, if the policy has one.
func (r Retention) Rule(eventType string) (RetentionRule, bool) {
	for _, rule := range r {
		if rule.Type == eventType {
			return rule, true
		}
	}
	return RetentionRule{}, false
}

// Validate reports a policy a store cannot apply: an empty type, a type named twice, a Full that is
// not positive or an Every that is negative.
func (r Retention) Validate() error {
	seen := map[string]bool{}
	for _, rule := range r {
		switch {
		case strings.TrimSpace(rule.Type) == "" || strings.ContainsAny(rule.Type, "=/;, \t"):
			return fmt.Errorf("es: retention: event type %q is empty or holds a separator", rule.Type)
		case seen[rule.Type]:
			return fmt.Errorf("es: retention: %s has two rules", rule.Type)
		case rule.Full <= 0:
			return fmt.Errorf("es: retention: %s: full-rate period %s is not positive", rule.Type, rule.Full)
		case rule.Every < 0:
			return fmt.Errorf("es: retention: %s: interval %s is negative", rule.Type, rule.Every)
		}
		seen[rule.Type] = true
	}
	return nil
}

// ParseRetention reads a policy written as rules separated by ";", each TYPE=FULL/EVERY with Go
// durations: "equipment.PositionReported=168h/1m" keeps positions at full rate for 7 days of event
// time, then one per machine per minute; EVERY 0 keeps none past FULL
// ("equipment.PositionReported=720h/0"). The empty string is the policy that keeps everything.
func ParseRetention(s string) (Retention, error) {
	var out Retention
	for part := range strings.SplitSeq(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		typ, spec, ok := strings.Cut(part, "=")
		full, every, ok2 := strings.Cut(spec, "/")
		if !ok || !ok2 {
			return nil, fmt.Errorf("es: retention: %q is not TYPE=FULL/EVERY (equipment.PositionReported=168h/1m)", part)
		}
		rule := RetentionRule{Type: strings.TrimSpace(typ)}
		var err error
		if rule.Full, err = time.ParseDuration(strings.TrimSpace(full)); err != nil {
			return nil, fmt.Errorf("es: retention: %s: full-rate period: %w", rule.Type, err)
		}
		if e := strings.TrimSpace(every); e != "0" {
			if rule.Every, err = time.ParseDuration(e); err != nil {
				return nil, fmt.Errorf("es: retention: %s: interval: %w", rule.Type, err)
			}
		}
		out = append(out, rule)
	}
	if err := out.Validate(); err != nil {
		return nil, err
	}
	return out, nil
}

// String gives the policy back in the form ParseRetention reads.
func (r Retention) String() string {
	parts := make([]string, 0, len(r))
	for _, rule := range r {
		every := "0"
		if rule.Every > 0 {
			every = rule.Every.String()
		}
		parts = append(parts, rule.Type+"="+rule.Full.String()+"/"+every)
	}
	return strings.Join(parts, ";")
}

// Types returns the event types the policy thins, sorted.
func (r Retention) Types() []string {
	out := make([]string, 0, len(r))
	for _, rule := range r {
		out = append(out, rule.Type)
	}
	slices.Sort(out)
	return out
}

// Scavenger is the capability of a Store that removes events under a Retention policy. Below its
// watermark, positions may skip (the removed events leave gaps; positions are never reused) and
// streams' versions may skip, but every event of a type the policy does not name is there. Above
// it, nothing has been removed. A reader that must know what it no longer knows (time travel to a
// moment inside the scavenged stretch) asks for the watermark; one that only folds the log need not
// care: it already moves from one event's position to the next one's, not by counting.
type Scavenger interface {
	// Scavenged returns the watermark: the policy has been applied to every event at a position ≤
	// it, 0 when nothing has been scavenged. It only grows.
	Scavenged(ctx context.Context) (uint64, error)
	// Retention returns the policy the store applies (empty: it keeps everything).
	Retention() Retention
}
