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
// # How it stays fast
//
// Views is a projection of its own: the runner feeds it the decoded events like any other, and it
// folds them, on a goroutine of its own so that the runner never waits for a snapshot, into a private
// model. Every Config.Every positions (50,000) it snapshots that model, compresses the snapshot
// with zstd (about 20 times smaller for yardmap's JSON) and keeps it in memory. It also keeps an index
// of the log in blocks of 1,024 positions: the smallest and largest event Time and the largest
// Recorded of each block, with the running maxima up to it (40 bytes a block, 40 KB for a million
// events).
//
// Apply only hands the events over; up to 65,536 may wait for the follower, beyond which the runner
// waits too. So in operation the live projections never wait for a snapshot, but a rebuild from
// zero goes at the follower's pace: snapshotting a growing yard as JSON is most of its work
// (about 40,000 events a second on 2 cores over a million-event log, against about 180,000 for
// the yard alone).
//
// Snapshots are bounded: at most Config.MaxSnapshots (64) and Config.MaxBytes (256 MiB) of
// compressed state. Past either bound the snapshot whose removal leaves the smallest gap between its
// neighbours goes (never the newest), so the kept ones thin out evenly over the log as it grows, and
// the work of a query grows with the gap: about log length / MaxSnapshots events at worst.
//
// Answering (at = T, as_of = A):
//
//  1. P = P(A), from the index.
//  2. When every event up to P happened at or before T (the index's running maximum of Time), the
//     cut on Time removes nothing: the view is the as_of view of P.
//  3. Start from the newest snapshot at or before P taken when every event before it had Time ≤ T
//     (its running maximum of Time ≤ T); none: an empty model. For a log in near time order that is
//     the snapshot just before T.
//  4. Fold forward to P the events with Time ≤ T. Blocks whose smallest Time is after T are skipped
//     unread; the others are read, and only their events with Time ≤ T are decoded and applied.
//     A late report can sit in any later block, so the scan goes on to P rather than stopping at the
//     first block after T: what it costs is a read of each block from the snapshot to about T plus
//     the longest reporting delay, and one more block read for each later block holding a report
//     about a moment ≤ T. Reading a block is cheap (the embedded store reads millions of events a
//     second); decoding JSON is what costs, and only the events applied are decoded.
//  5. The snapshot is restored on one goroutine while the events are read and decoded on the others.
//
// A report timed in the future (a terminal clock far ahead) raises the running maximum of Time for
// every later snapshot, so queries about moments before that time start from the snapshots before
// the report: the cost of such a query grows with the distance to it, the answer stays exact.
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
// Views is a projections.Snapshotter. Its checkpoint is cheap: the newest snapshot it already holds
// (compressed, at its position) and the index up to it, not a new snapshot of the model. After a
// restart the runner resumes it from that snapshot, at most Every events back, and the older
// snapshots are gone until Warm folds the log from its start again in the background.
package timetravel
