// Package kurrentdb is the event store on a KurrentDB (formerly EventStoreDB) server, through the
// official Go client, with the semantics of the embedded store (adapters/bolt) as the contract in
// domain/es/estest pins them.
//
// # One stream holds the log
//
// Every event the twin stores is one event of a single KurrentDB stream, the log (Options.Stream,
// "yardtwin-log" by default). Our positions are its revisions, our streams live in each event's
// metadata:
//
//	position (es, from 1)        = log revision (KurrentDB, from 0) + 1
//	Head                         = last log revision + 1, 0 when the log does not exist
//	ReadAll(from, n)             = read the log forwards from revision from-1, n events
//	stream version (es, from 1)  = metadata "version", counted by this adapter
//	Recorded                     = the server's created date of the log event (100 ns ticks, UTC)
//	KurrentDB event type         = Envelope.Type, so $et-<type> streams work
//	KurrentDB event id           = a random UUID per append attempt; the envelope id is in the
//	                               metadata (see Idempotency)
//
// Why one stream. The port appends a batch to several streams atomically, with an expected version
// for each, and numbers every stored event with a dense global position (1, 2, 3 … without gaps).
// KurrentDB appends atomically to one stream only (AppendToStream), and its $all positions are
// byte offsets with gaps, shared with system events and with everything else on the server. One
// log stream gives all three at once: a batch is one append, so it is atomic; its revisions are
// dense and ours alone; and the append expects the log's exact revision, so the decision taken
// against the index (versions, duplicates) and the write are one step, also across processes: a
// process whose index is stale is refused by the server (wrong expected version), catches up and
// decides again. The multi-stream append of KurrentDB 25.1 (client's MultiStreamAppend) was not
// chosen: it still gives neither dense positions nor lasting idempotency, needs a 25.1 server, and
// would have to write the log stream too.
//
// # Versions and expected versions
//
// es.NoStream (0) and es.AnyVersion, and every other expected version, are checked by this adapter
// against its index, never sent to KurrentDB: the server only ever sees the log's own expected
// revision, NoStream for an empty log and Revision(head-1) otherwise (logState), never Any. Our
// stream versions are not KurrentDB revisions of any stream; they count a stream's events from 1,
// and the metadata carries them.
//
// # Idempotency
//
// KurrentDB's own idempotency is per stream and partial: it recognises an append re-sent at the
// same expected revision, and otherwise only ids appended "in quick succession" (its documentation;
// an in-memory cache of recent writes), so it cannot keep "an event id is stored at most once" for
// ever, across streams. The index does: it holds every stored id, and duplicates are filtered
// before the version check exactly as in the embedded store. It is built
// when the store opens, by reading the whole log (a page of 4,096 events per call), and caught up
// with the log before every stream read, and before an append is decided again: when the server
// refuses it because the log moved on, or when the index finds a conflict (which must stand
// against the log as it is). Ids are kept as 128-bit hashes (see idKey). Its cost is memory,
// about 95 bytes of heap per stored event whatever the ids' length (BenchmarkIndex: 95 MB for a
// million events), and the time to read the whole log at start.
//
// The server's idempotency is kept out of the way on purpose: each append attempt gives its events
// new random KurrentDB event ids. Were they derived from our ids, an append decided against a
// trailing index could meet events with the same ids written by another process at the same
// revisions, and the server would answer success without writing, for events placed in streams
// and versions this process did not choose. With new ids it answers wrong expected version, and
// the append is decided again as a duplicate.
//
// # Reading a stream
//
// ReadStream takes the stream's positions from the index and reads each run of consecutive
// positions from the log in one call: cheap for a block whose events came together, one call per
// event for a container whose events are spread over days. Nothing in the twin reads streams on a
// hot path. Per-aggregate streams (block-B07) do not exist on the server; a server-side
// projection could link them from the metadata, but none ships.
//
// # Subscriptions
//
// Subscribe reads the log in pages until it is caught up, then subscribes to the log stream after
// its last revision (KurrentDB starts a stream subscription after the revision given) and hands
// over what arrives, in batches. A sequencer drops events already delivered and, when a position is
// missing, goes back to reading. A dropped subscription is set up again after a wait that doubles
// from Options.BackoffMin to BackoffMax, starting from the last event delivered, for as long as the
// errors are ones that waiting can mend.
//
// # Retention
//
// The twin's retention policy (es.Retention, Options.Retention) thins telemetry once it is old:
// equipment.PositionReported at full rate for N days, then one per machine per minute, or none.
// KurrentDB removes events only through stream metadata, read by its scavenge: $maxAge (older than
// a duration, by the server's created date, our Recorded), $maxCount (all but the last n) and $tb
// (before a revision), each for a whole stream. PlanRetention maps a policy onto that where it can:
//
//	rule                                   stream holding only its type   stream holding others too
//	keep none past Full (Every 0)          $maxAge = Full                 not expressible
//	one per stream per Every past Full     not expressible                not expressible
//
// Thinning to one per interval is never expressible: no metadata removes every n-th event in time.
// And this adapter keeps the whole log in one stream that holds every type (see One stream holds
// the log), so no rule maps onto it: $maxAge on the log would remove business events with the
// telemetry. Open logs every rule it leaves unapplied, with the reason; the events are kept, and
// Scavenged says 0 (es.Scavenger: no gaps). Per-machine position streams, where $maxAge would
// apply, would need telemetry outside the log, giving up a dense position and an atomic append
// across business events and positions; that trade has not been made. KurrentDB's $et- and $ce-
// streams are links: metadata on them trims the links, never the events.
//
// # Deadlines and errors
//
// Every call to the server runs under context.WithTimeout(ctx, Options.CallTimeout): an append,
// each page of a read, Head, setting up a subscription. A wrong expected version of the log is
// contention and is retried (Options.Retries); a conflict on one of our streams is an
// *es.ConflictError; other client errors come back wrapped with what was being done. Close ends
// subscriptions with es.ErrClosed, waits for the calls in flight and closes the connection.
//
// The client closes itself for good when it once fails to find the server (after an outage made
// it look again), and calls made while it looks can wait for ever, whatever their context. So
// every call runs in a goroutine of its own and is given up at its deadline, and a client that
// closed itself is replaced by a new one for the next call (see conn).
package kurrentdb
