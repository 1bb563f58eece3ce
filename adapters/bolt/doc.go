// Package bolt is the embedded event store: every event in one bbolt file, <dir>/events.db, durable
// before Append returns.
//
// # File
//
// Four buckets, with all integers big-endian (see keys.go; names and layouts never change, and a
// new layout gets a new file format number in the meta bucket):
//
//	meta     "magic" → "yardtwin.events", "format" → 1, "indexed" → position (8 bytes)
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
