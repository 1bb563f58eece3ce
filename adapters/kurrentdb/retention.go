package kurrentdb

import (
	"context"
	"fmt"
	"slices"

	"github.com/kurrent-io/KurrentDB-Client-Go/kurrentdb"

	"github.com/yardtwin/yardtwin/domain/es"
)

var _ es.Scavenger = (*Store)(nil)

// StreamRetention is a retention rule that KurrentDB can apply by itself: the metadata to set on
// one stream (with Client.SetStreamMetadata), after which the server's scavenge removes what it
// says.
type StreamRetention struct {
	Stream   string
	Metadata kurrentdb.StreamMetadata
	Rule     es.RetentionRule
}

// Unmapped is a retention rule that KurrentDB cannot apply, and why.
type Unmapped struct {
	Rule   es.RetentionRule
	Reason string
}

// PlanRetention maps policy onto stream metadata, given the event types each stream can hold
// (holds[stream]; nil means any type). A rule maps only where KurrentDB's own truncation removes
// exactly what it says and nothing else (see the package doc, Retention):
//
//   - a rule with Every 0 (keep none past Full) maps to $maxAge = Full on every stream that holds
//     only its type; on a stream that holds other types too, or any type, $maxAge would remove
//     those as well, so it is unmapped there;
//   - a rule with an Every (one per stream per interval past Full) never maps: KurrentDB removes
//     events by age ($maxAge), count ($maxCount) or revision ($tb), never every n-th one in time.
//
// A rule that maps nowhere is reported unmapped once per stream that stands in its way, and once
// alone when no stream was given.
func PlanRetention(policy es.Retention, holds map[string][]string) ([]StreamRetention, []Unmapped) {
	var mapped []StreamRetention
	var unmapped []Unmapped
	streams := make([]string, 0, len(holds))
	for stream := range holds {
		streams = append(streams, stream)
	}
	slices.Sort(streams)
	for _, rule := range policy {
		if rule.Every > 0 {
			unmapped = append(unmapped, Unmapped{Rule: rule, Reason: fmt.Sprintf(
				"keeping one %s per stream per %s is not expressible in KurrentDB stream metadata ($maxAge, $maxCount and $tb remove by age, count or revision, never every n-th event); the events are kept",
				rule.Type, rule.Every)})
			continue
		}
		done := false
		for _, stream := range streams {
			types := holds[stream]
			if !slices.Contains(types, rule.Type) && types != nil {
				continue // the rule's events never go there
			}
			done = true
			if len(types) != 1 {
				unmapped = append(unmapped, Unmapped{Rule: rule, Reason: fmt.Sprintf(
					"stream %s holds other event types than %s too (%s); $maxAge there would remove them with it; the events are kept",
					stream, rule.Type, holdsString(types))})
				continue
			}
			var md kurrentdb.StreamMetadata
			md.SetMaxAge(rule.Full) // measured by the server from each event's created date, our Recorded
			mapped = append(mapped, StreamRetention{Stream: stream, Metadata: md, Rule: rule})
		}
		if !done {
			unmapped = append(unmapped, Unmapped{Rule: rule, Reason: fmt.Sprintf("no stream holds %s", rule.Type)})
		}
	}
	return mapped, unmapped
}

func holdsString(types []string) string {
	if types == nil {
		return "every type"
	}
	return fmt.Sprint(types)
}

// planRetention is PlanRetention for this adapter's own layout: one log stream that holds every
// type. It logs the rules it cannot apply. With that layout nothing maps (see the package doc).
func (s *Store) planRetention() {
	mapped, unmapped := PlanRetention(s.opts.Retention, map[string][]string{s.stream: nil})
	for _, u := range unmapped {
		s.log.Warn("retention rule not applied", "type", u.Rule.Type, "full", u.Rule.Full, "every", u.Rule.Every, "reason", u.Reason)
	}
	if len(mapped) > 0 {
		// Cannot happen: the log holds every type, and PlanRetention maps no rule onto such a stream.
		panic("kurrentdb: a retention rule mapped onto the log stream, which holds business events")
	}
}

// Retention returns the part of Options.Retention the store applies: none, since the log stream
// holds every type (see the package doc, Retention).
func (s *Store) Retention() es.Retention { return nil }

// Scavenged returns 0: this adapter removes no events, so its log has no gaps.
func (s *Store) Scavenged(ctx context.Context) (uint64, error) {
	if err := s.begin(); err != nil {
		return 0, fmt.Errorf("kurrentdb: scavenged: %w", err)
	}
	s.ops.Done()
	return 0, nil
}
