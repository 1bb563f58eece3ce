// Package ingest is the one writer of the event store: a watermill handler that decodes, checks and
// durably appends the events arriving on the bus, and a Gateway through which in-process senders
// (the HTTP API, the demo feed) submit batches and wait for the answer.
//
// A bus message carries one event or a JSON array of events (a batch). A batch is all or nothing:
// when any event is malformed none is stored, and the answer names every malformed event with its
// field and reason. Stored events are appended in the order they were sent, each to its own stream
// with AnyVersion (the twin mirrors reported facts); the store drops ids it already holds and says so.
//
// Answers travel back through Replies, keyed by the bus message's UUID: the sender registers before it
// publishes and the handler delivers after the append is durable, so a sender that has an answer knows
// its events are on disk. A message nobody waits for (from Kafka) that fails to store is nacked and
// redelivered; one somebody waits for is answered with the error and acked, since the sender retries.
package ingest
