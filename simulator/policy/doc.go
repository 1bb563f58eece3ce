// Package policy holds the decisions of the simulated terminal that students replace: where a box
// is stacked, where a dug-over box is relocated, which move a quay crane or a yard crane makes next,
// and which job a free internal truck takes. Each kind is a small interface fed a read-only view of
// the situation (copies, never the feed's state) and a list of candidates; it answers the index of
// one. Built-in baselines register by name; a name that is an http(s) URL is an external policy.
//
// # External policies
//
// For each decision with two or more candidates the feed POSTs a JSON Request to the URL:
//
//	{"kind": "stacking", "step": "slot", "seq": 17,
//	 "situation": {"now": "2026-03-02T06:14:05Z", "box": {...}, "from": {"x": 812.4, "y": 233.0}},
//	 "candidates": [{"block": "A03", "bay": 12, "row": 4, "tier": 2, ...}, ...]}
//
// and expects 200 OK with {"choice": N}, N the index of a candidate from 0. The situation and
// candidate shapes per kind (and step) are:
//
//	stacking, step block   Arrival     []BlockOption
//	stacking, step slot    Arrival     []SlotOption
//	relocation             Rehandle    []SlotOption
//	quay-sequence          QuayCrane   []QuayJob
//	yard-sequence          YardCrane   []YardJob
//	dispatch               Truck       []TruckJob
//
// with the JSON field names of their tags. Each call has a deadline (DefaultTimeout unless the
// run says otherwise); a timeout, a status other than 200, an answer without "choice" or a choice
// out of range stops the run with a DecisionError naming the kind, the URL and the decision. The
// feed waits for each answer, so the same seed and the same answers give the same event log.
// python/nearest_policy.py is a complete example on the Python standard library.
package policy
