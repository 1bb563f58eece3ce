// Package timetravel answers "what did the read model look like then?" for any projection that can
// snapshot: the yard as it was at an event time (?at=), as it was known at a recorded time
// (?as_of=), or both.
//
// # Two times, one log
//
// Every stored event has a Time (when it happened in the terminal) and a Recorded time (when the
// twin stored it), and a Position in the log. A View is a fresh model folded, in log order, from
// exactly this set of events:
//
//	as_of = A   the events with Recorded ≤ A. Positions are handed out in the order events are
//	            recorded (the embedded store stamps one Recorded per commit and commits one after
//	            the other), so this set is a prefix of the log, 1..P(A). P(A) is found by a binary
//	            search over the index of the log (below) and a scan of the one block of 1,024
//	            positions where Recorded passes A. Zero A means "now": everything the views have
//	            followed (Views.Applied).
//	at = T      among the events of that prefix, those with Time ≤ T, still folded in log order:
//	            the yard as it was at T, as known at A. With A = now, late reports (recorded after
//	            later events, about an earlier moment) are included: the picture of T as we know it
//	            today. Zero T means no cut on event time.
//
// Both bounds are inclusive. Asking for a moment before the first event gives an empty model at
// position 0; asking with neither bound gives the live picture as far as the views have followed.
//
// Should a store ever stamp a Recorded earlier than the one before it (a wall clock stepped back),
// the as_of set is the longest prefix of the log whose events were all recorded ≤ A, and the step
// is counted in Stats.RecordedRegressions.
//
// For a log in time order the view at T is the live model folded up to the last event with
// Time ≤ T; the tests check this for yardmap.
//
// # How it stays fast: one fold, snapshots on disk
//
// The log is folded once. Views is a projections.Trailer of the runner that folds the live model:
// the runner cuts its batches at every multiple of Config.Every (25,000) and hands each batch to
// the views after the live model has folded it, so that at those positions the views see the live
// model exactly as it stood there. They take its state and hand it to a writer goroutine, which
// compresses it with zstd and stores it in a bbolt file beside the store
// (<data>/projections/timetravel.db; its layout is frozen in disk.go) together with the index of the
// log up to it, in one transaction. Memory holds only a few figures per snapshot.
//
// What "its state" is depends on the model:
//
//   - a model that is Incremental hands over the records (boxes, machines, visits, …) changed since
//     the last snapshot, from its dirty set: a delta, whose cost follows the events since the last
//     snapshot, not the yard. The first snapshot after the model is made or restored is whole.
//     When more than Config.MaxChain deltas follow the newest whole snapshot, the writer merges
//     them into a new whole one, in the background.
//     The yard model (yardmap) is Incremental: its records are its boxes, machines, visits,
//     anomaly ring slots and eviction queue entries (projections/yardmap/records.go).
//   - any other model hands over its whole Snapshot, taken on the runner's goroutine (for a yard,
//     a sort and an encoding of every box: the cost Incremental removes).
//
// The index of the log, in blocks of 1,024 positions, keeps the smallest and largest event Time
// and the largest Recorded of each block, with the running maxima up to it (40 bytes a block in
// memory, 40 KB for a million events; 24 bytes a block on disk).
//
// Snapshots are bounded: at most Config.MaxSnapshots (512) and Config.MaxBytes (2 GiB) on disk.
// Past either bound the snapshot whose removal leaves the smallest gap between its neighbours goes
// (never the newest), so the kept ones thin out evenly over the log as it grows; a delta after a
// removed snapshot takes in its records. The work of a query grows with the gap: about log length
// / MaxSnapshots events at worst.
//
// Answering (at = T, as_of = A):
//
//  1. P = P(A), from the index.
//  2. When every event up to P happened at or before T (the index's running maximum of Time), the
//     cut on Time removes nothing: the view is the as_of view of P.
//  3. Start from the newest snapshot at or before P taken when every event before it had Time ≤ T
//     (its running maximum of Time ≤ T); none: an empty model. For a log in near time order that is
//     the snapshot just before T. It is read from the file (a whole snapshot, or the whole one
//     before it and the deltas up to it, merged) and restored.
//  4. Fold forward to P the events with Time ≤ T. Blocks whose smallest Time is after T are skipped
//     unread; the others are read, and only their events with Time ≤ T are decoded and applied.
//     A late report can sit in any later block, so the scan goes on to P rather than stopping at the
//     first block after T: what it costs is a read of each block from the snapshot to about T plus
//     the longest reporting delay, and one more block read for each later block holding a report
//     about a moment ≤ T. Reading a block is cheap (the embedded store reads millions of events a
//     second); decoding JSON is what costs, and only the events applied are decoded.
//  5. The snapshot is restored on one goroutine while the events are read and decoded on the others.
//     Should the snapshot be thinned out meanwhile, the question is planned again.
//
// A report timed in the future (a terminal clock far ahead) raises the running maximum of Time for
// every later snapshot, so queries about moments before that time start from the snapshots before
// the report: the cost of such a query grows with the distance to it, the answer stays exact.
//
// # What a scavenged log no longer knows
//
// A store that thins events out under a retention policy (telemetry positions kept at full rate for
// some days, then one a minute) says up to which position it has done so. A view folded across
// such positions says so in View.Thinned: it is exact for what the log still holds, coarser than it
// was for what was thinned (machine positions then). A view restored from a snapshot written at or
// after that position is exact: the snapshot was written while the whole log was there.
//
// # Answers are shared
//
// The newest answers (Config.Cache, 2) are kept. An answer stands for every (at, as_of) that
// folds the same set of events: same P, and T between the latest Time folded and the earliest Time
// left out. It is also reused for a larger P (as_of = now while the log grows) when the index shows
// that no event between the two positions happened at or before T, so a page polling a past moment
// is answered at once while the yard goes on. Concurrent identical questions fold once.
//
// The models handed out are shared by every caller of the same view and by the cache: read them,
// never Apply to them. Each cached view is a whole model in memory.
//
// # Restarts
//
// The snapshots and the index are on disk: after a restart, clean or kill -9, the views resume at
// their newest snapshot (the runner feeds them the events after it; the live model, restored from
// its own checkpoint, skips those it has folded), and the first question about any moment is as
// fast as the others: nothing is warmed up. The file names the views it belongs to
// ("timetravel.v2-" and the live model's versioned name) and their index block size; a file of
// other views is emptied on open. A new model version therefore starts the views again: they index
// the log once (read and decoded by the runner), and write their first snapshot where the live
// model is, so the past before it is folded from the start of the log until snapshots accrue.
package timetravel
