// Package bolt is the embedded event store: every event in one bbolt file, <dir>/events.db, durable
// before Append returns.
//
// # File
//
// Four buckets, with all integers big-endian (see keys.go; names and layouts never change, and a
// new layout gets a new file format number in the meta bucket):
//
//	meta     "magic" → "yardtwin.events", "format" → 1
//	log      position (8 bytes) → record (see recordFormat in record.go)
//	streams  uvarint(len(stream)) ‖ stream ‖ version (8 bytes) → position (8 bytes)
//	ids      event id → position (8 bytes) ‖ version (8 bytes)
//
// Positions and versions are stored as the es package counts them, from 1; nothing is translated.
// The log's keys grow by one per event, so an append only touches the log's last page, and a full
// read is a cursor walk over records that decode without reflection. The streams and ids buckets are
// what an append pays for: their keys land anywhere in their trees.
//
// # Writing
//
// One goroutine writes. Append hands its batch over and waits; the writer takes every append that is
// waiting (up to WithMaxGroup events) and decides them one after the other in a single transaction,
// each against the stream versions as the appends before it left them, then commits and fsyncs once
// for all of them. A refused append (a conflict) is simply not written; the others in its group are.
// Stream versions are kept in memory (loaded on Open, about a hundred bytes per stream) so that
// deciding needs no index lookups; duplicates are found in the ids bucket, which the transaction
// reads with its own writes included.
//
// # Reading
//
// Reads run in bbolt read transactions, concurrently with the writer. Subscribe reads pages with
// ReadAll and, when it has caught up, waits for a channel that every commit closes and replaces.
//
// # Concurrency and closing
//
// Close waits for the appends already handed over, then closes the file; every method afterwards,
// and every waiting subscription, returns es.ErrClosed. bbolt locks the file, so a second process
// (or a second Open in this one) waits for WithLockTimeout and fails.
package bolt
