// Package simulator is a terminal that does not exist: a seeded discrete-event model of a container
// terminal that emits the same facts, in the same contract (CloudEvents envelopes of domain events),
// that a real terminal's systems would send to the twin.
//
// # Determinism
//
// Everything random draws from a *rand.Rand (math/rand/v2, PCG) built from the scenario's seed, one
// stream per model (vessels, boxes, gate, yard), so adding a model later does not shift the draws of
// the others. Everything temporal reads the virtual Clock that the Engine advances; nothing reads the
// wall clock except RunLive, which only decides how much simulated time is due. The same scenario,
// seed and start time give byte-identical envelopes, ids included.
//
// # Engine
//
// The Engine is a heap of actions keyed by simulated time, with a sequence number so that actions
// due at the same instant run in the order they were scheduled. Models are small types whose
// processes are chains of scheduled callbacks; a state change and the fact reporting it happen in
// the same action, so the order of the emitted facts is always an order in which they could have
// happened.
//
// # Terminal model
//
// Vessels arrive by the scenario's interarrival distribution or schedule, wait for a free berth and
// quay cranes, and are worked by gangs: each quay crane takes a section of the hull, bay by bay, with
// a few internal trucks; it discharges its share of the call, then loads boxes picked from the yard.
// Internal trucks drive between the quay and the blocks around the blocks (route.go: a visibility
// graph over points off the blocks' corners), reporting positions on the way. Each block's yard
// cranes (a block without its own crane borrows the nearest ones) stack arriving boxes and dig boxes
// out for loading or delivery, relocating the boxes above first (rehandles), one job at a time.
// Road trucks arrive at the gate by an hourly profile, queue for a lane (one truck at a time per
// lane), deliver exports or collect imports, and queue again to leave. Every box gets a due time
// (stacking plus a dwell drawn for its category); loads and collections go in due order. Holds are
// put on some imports and released later, and a small share of container numbers is misreported
// with a wrong check digit. Every time and speed is drawn from a distribution the scenario names
// (dist.go).
//
// # Policies
//
// Five decisions are policies (package policy): the block and slot of a box entering the yard, where
// a dug-over box is relocated, a quay crane's and a yard crane's next job, and a free truck's next
// transport. policies.go builds the read-only views the policies see and checks their answers; an
// external policy that fails stops the run (Run returns its error after the current action). Which
// blocks may take a box (reefer plugs, the purpose of the block, a working fill of 85 %) is the
// terminal's rule, not the policy's; the initial fill always uses the default rule, so that every
// policy starts from the same yard.
//
// A 20-ft box stands on one ground slot; a 40-ft box on two consecutive bays and is addressed by the
// lower one. The stacking rule only puts a 20-ft box on a 20-ft box of the same bay and a 40-ft box
// on a 40-ft box of the same two bays, so the twin's own floating check (slot below, same bay) holds.
//
// # Starting from a yard
//
// A feed starts either from an empty yard that it fills to the scenario's initial fill (emitting the
// announcements and stackings at the start time), or from a given yard (Options.Initial), typically
// the live twin's, which it takes as already known and does not re-emit.
package simulator
