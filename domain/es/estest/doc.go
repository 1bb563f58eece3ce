// Package estest is the contract every es.Store adapter must pass: an adapter's TestContract calls
// Run, and RunDurable too when the store keeps its events on disk.
//
// Beyond the comments on es.Store, the contract fixes these points, so that every adapter behaves
// the same way:
//
//   - Positions count every stored event from 1 without gaps; versions count a stream's events
//     from 1. ReadAll, ReadStream and Subscribe from 0 start at the first event. (A store with a
//     retention policy, es.Scavenger, leaves gaps below its scavenge watermark where it removed
//     events; the suite runs stores without one.)
//   - Time and Recorded come back equal to the nanosecond (time.Time.Equal) and in UTC, whatever
//     zone Time was given in. Recorded is set by the store, never zero.
//   - Data comes back semantically equal as JSON: a store may re-encode it (compact it, say), but
//     not change its meaning. SpecVersion, ID, Source, Type, DataContentType and SchemaVersion come
//     back exactly; Subject comes back as the stream, whatever was given.
//   - Duplicates are filtered out before the version check. A stream whose given events are all
//     already stored is not checked at all, so re-sending a whole batch after its expected version
//     went stale succeeds as a no-op, each event reported Duplicate with its original Position and
//     Version. A stream with at least one new event is checked against its current version. An id
//     given twice in one batch is stored once; the second is reported as a duplicate of the first.
//   - A conflict in any stream of a batch writes nothing of the batch, and the ids of a refused
//     batch are not remembered. The error matches es.ErrConflict and, through errors.As, is an
//     *es.ConflictError naming the stream, its version and the version expected.
//   - An empty stream name or an empty event id is refused with an error, and nothing is written.
//     An Append with no events returns no results and no error.
//   - Subscribe's error wraps ctx's error when ctx ends and the handler's error when it fails.
//   - A store that implements io.Closer returns an error matching es.ErrClosed from every method
//     once closed (checked by RunDurable).
//
// Each sub-test calls newStore for a store of its own, which must be empty: the suite counts
// positions from 1.
package estest
