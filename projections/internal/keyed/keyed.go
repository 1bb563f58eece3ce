// Package keyed holds the record a model hands to time travel as one piece of its state. It sits
// below both timetravel and the models it snapshots, so that a model (yardmap, which timetravel's
// own tests fold) can implement timetravel.Incremental without importing timetravel: the two
// would import each other.
package keyed

// Record is one keyed piece of a model's state, in the model's own encoding. A nil Data in a
// change says the record is gone. timetravel.Record is this type.
type Record struct {
	Key  string
	Data []byte
}
