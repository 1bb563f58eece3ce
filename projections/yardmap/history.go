package yardmap

import (
	"github.com/yardtwin/yardtwin/domain/iso6346"
	"github.com/yardtwin/yardtwin/projections"
)

// ContainerFromStream returns what the facts of container id's own stream say of it, with its
// whole History: items are the stream yard.ContainerStream(id) as read from the store, oldest
// first, decoded. ok is false when they say nothing of the box.
//
// The live model holds no histories (they grow with the log), and forgets boxes that left a while
// ago (package doc), so the HTTP API answers a box's history, and a box no longer held, from here.
// Only the box's own facts are folded: a displacement by another box's report (slot_conflict),
// which the live model records as "unknown", is not seen here, and the moves say where each fact
// of the box itself left it. No anomaly is raised.
func ContainerFromStream(id iso6346.ContainerID, items []projections.Item) (Box, bool) {
	m := NewWith(nil, Config{LateAfter: -1})
	m.history = true
	for _, it := range items {
		if it.Event == nil {
			continue
		}
		if c, ok := containerOf(it.Event); !ok || c != id {
			continue
		}
		m.apply(it)
	}
	b, ok := m.boxes[id]
	if !ok {
		return Box{}, false
	}
	return *b, true
}
