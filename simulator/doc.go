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
// # Terminal model (demo feed)
//
// Vessels arrive (exponential interarrival), wait for a free berth and quay cranes, and are worked by
// gangs: each quay crane with a few internal trucks discharges its share of the boxes announced for
// the call, then loads boxes picked from the yard. Internal trucks drive between the quay and the
// blocks, reporting positions on the way. Each block's yard cranes (a block without its own crane
// borrows the nearest ones) stack arriving boxes by a simple rule (purpose of the block, least
// filled block, lowest stack first, never above the block's tiers, never floating) and dig boxes
// out for loading or delivery, relocating the boxes above first (rehandles). Road trucks arrive at
// the gate to deliver exports or collect imports. Holds are put on some imports and released later,
// and a small share of container numbers is misreported with a wrong check digit.
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
