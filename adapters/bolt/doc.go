// Package bolt is the embedded event store: every event in one bbolt file, <dir>/events.db, durable
// before Append returns.
//
// # File
//
// Four buckets, with all integers big-endian (see keys.go; names and layouts never change, and a
// new layout gets a new file format number in the meta bucket):
//
//	meta     "magic" → "yardtwin.events", "format" → 1, "indexed" → position (8 bytes),
//	         "scavenged" → position (8 bytes; absent means 0, see Retention)
//	log      position (8 bytes) → record (see recordFormat in record.go)
//	streams  uvarint(len(stream)) ‖ stream ‖ version (8 bytes) → position (8 bytes)
//	ids      event id → position (8 bytes) ‖ version (8 bytes)
//
// Positions and versions are stored as the es package counts them, from 1; nothing is translated.
// The log's keys grow by one per event, so an append only touches the log's last pages, and a full
// read is a cursor walk over records that decode without reflection.
//
// # The log is the truth; the indexes trail it
//
// The streams and ids buckets are what appends pay for: their keys land anywhere in their trees,
// so each event dirties a page of each (measured: log alone ~250 k events/s, with both buckets
// written in every commit ~16 k/s). So they trail the log: they hold every event up to the
// "indexed" watermark, and the events after it (at most WithIndexLag, 50,000 by default) are
// indexed in memory: their ids in a map the writer checks for duplicates, their stream entries in a
// tail that readers combine with the streams bucket. When the lag is reached, the commit of the
// append that reached it also writes all of them to the buckets, sorted by key, and moves the
// watermark, in the same transaction. Open rebuilds the in-memory part by reading the log after the
// watermark. Nothing is lost by a crash: every event is in the log before Append returns.
//
// What still grows with the log is the cost of writing the index buckets. With random ids and a
// turning-over yard, the keys of one flush land all over the trees, and bbolt writes every leaf
// page a flush touches: the share of pages touched grows with the trees, towards one page per
// event per index (BenchmarkAppendManyStreams, 2 M events of 355 bytes over ~400 k streams: 0.41
// pages written per event at 0.5 M events, 0.82 at 2 M). bbolt also holds a buffer per dirty page
// until the flush has committed and keeps them pooled until the next collections: 80 MB of heap
// at 0.5 M events, 180 MB at 2 M, transient but in the process's peak; and its free-page map,
// which lives on, holds the pages each flush frees (about 10 MB at 2 M). Bounding it needs a bounded
// idempotency window (ids kept in generations, the oldest dropped whole) or a flush spread over
// commits; neither is done yet.
//
// A reader pairs its read transaction with the tail whose base is the watermark that transaction
// sees; if the writer has just moved the watermark and not yet replaced the tail, the reader
// tries again.
//
// # Writing
//
// One goroutine writes. Append hands its batch over and waits; the writer takes every append that is
// waiting (up to WithMaxGroup events) and decides them one after the other in a single transaction,
// each against the stream versions as the appends before it left them, then commits and fsyncs once
// for all of them. A refused append (a conflict) is simply not written; the others in its group are.
//
// Deciding needs each stream's version. The versions of the streams used most recently are kept in
// memory (WithHeadCache, 200,000 streams by default, about a hundred bytes each): the active yard's
// boxes, machines, visits and blocks are decided without an index lookup. Any other stream's
// version is the last version in the tail when the tail holds its events (the tail holds a
// stream's newest ones), and otherwise the last key of the stream's range in the streams bucket,
// found by one seek in the writer's own transaction. So memory follows the yard, not the number of
// streams ever written (one per container ever seen), and Open reads no stream's version at all.
//
// # Retention
//
// A retention policy (es.Retention, WithRetention; none by default, every event kept for ever)
// thins the events of the types it names once they are old: equipment.PositionReported at full
// rate for N days of event time, then one per stream (per machine) per interval. A background
// scavenge (WithScavengeEvery, each minute by default) applies it:
//
//   - It walks the log forwards from the watermark "scavenged", at most 1,024 positions per write
//     transaction, so appends wait for it at most one such transaction at a time; each removes
//     its events from the log, the streams bucket and the ids bucket, and moves the watermark, and
//     commits all of it at once. A crash at any moment leaves a valid log, complete for what it
//     keeps, and a watermark saying how far the policy has been applied; the next run goes on
//     from there and ends where an uninterrupted run would have (TestScavengeCrash kills a process
//     mid-transaction to check it). BenchmarkScavenge (300 machines pinging every 2 s, thinned to
//     one a minute, 0.5 M events): about 18 k positions walked per second, a transaction takes
//     55 ms on average and 0.3 s at worst on a loaded 2-core machine, where its fsync meets the
//     same spikes an append's commit does. Telemetry arrives at 1–3.5 k events per second.
//   - It walks only as far as the first event recorded less than the policy's longest Full ago
//     (Recorded grows with the log), and never past the index watermark: events not yet in the
//     index buckets live in the writer's memory, which the scavenge leaves alone.
//   - Of the events walked it removes only those of the named types whose event Time is older
//     than their rule's Full, and of those, with an Every, only one whose last kept event of the
//     same type earlier in its stream (looking back at most 64 events) falls in the same interval
//     of event time (intervals aligned on the zero time). Events reported late, out of time order,
//     may keep two in an interval; nothing is ever removed that the rule does not name.
//   - It never removes a stream's last event in the streams bucket. So the last key of every
//     stream's range stays its version, the head lookup stays right (see Writing), versions are
//     never reused, and every machine's last known position survives.
//
// What a scavenged log looks like. Positions below the watermark skip where events were removed
// (positions are never renumbered or reused), a stream's versions skip likewise, and the id of a
// removed event is forgotten: the same event re-sent after it was removed is stored again, as a
// new event (a re-send that late is not expected; the policy's Full is days). Every event of any
// other type is where it was. Readers that fold the log move from one event's position to the next
// one's, so they need no change; a reader that must know what the log no longer holds asks
// Scavenged (es.Scavenger) for the watermark and Retention for the policy. The file does not shrink:
// bbolt reuses the freed pages for new events (compact it offline with bbolt compact to return them).
//
// Compatibility. The layout of buckets, keys and records is unchanged, so the format stays 1: the
// "scavenged" key is additive, and a build that predates it reads a scavenged file correctly,
// since its reads walk keys and never count positions. It would not scavenge, and it does not move
// the watermark.
//
// # Reading
//
// Reads run in bbolt read transactions, concurrently with the writer. Subscribe reads pages with
// ReadAll and, when it has caught up, waits for a channel that every commit closes and replaces.
//
// # Closing
//
// Close waits for the appends already handed over, then closes the file; every method afterwards,
// and every waiting subscription, returns es.ErrClosed. bbolt locks the file, so a second process
// (or a second Open in this one) waits for WithLockTimeout and fails.
package bolt
