// Package es holds the event-sourcing core of the twin: the CloudEvents envelope every fact travels
// in, the Store port that adapters implement, and the Registry that turns stored JSON into the newest
// Go type of each event.
//
// Positions and versions. A stream's version counts its events from 1 (0 means "no stream yet"); the
// global position counts every stored event from 1 (0 means "before the first event"). Adapters own
// the translation to their engine's numbering, with a comment where they do it.
//
// Idempotency. An event id is stored at most once in a store. Appending an event whose id is already
// stored is not an error: the event is reported back as a duplicate with the position it already has,
// and it is not counted against the stream's expected version.
package es
