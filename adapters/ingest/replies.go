package ingest

import (
	"sync"
)

// Receipt is the answer to one bus message.
type Receipt struct {
	// Results has one entry per event sent, in order.
	Results []Result
	// Rejected is true when at least one event was malformed; then nothing was stored.
	Rejected bool
	// Err is set when the store failed; nothing was stored and the batch may be sent again.
	Err error
}

// Result is what became of one event.
type Result struct {
	Index    int          `json:"index"` // place in the batch, from 0
	ID       string       `json:"id,omitempty"`
	Type     string       `json:"type,omitempty"`
	Status   string       `json:"status"` // "stored", "duplicate", "invalid", "not stored" (another event was invalid) or "not mapped"
	Position uint64       `json:"position,omitempty"`
	Stream   string       `json:"stream,omitempty"`
	Errors   []FieldError `json:"errors,omitempty"`
	// Unmapped says why a foreign event, or part of it, has no canonical meaning.
	Unmapped string `json:"unmapped,omitempty"`
	// Mapped lists the canonical events a foreign event became.
	Mapped []MappedEvent `json:"mapped,omitempty"`
}

// MappedEvent is one canonical event a foreign event became.
type MappedEvent struct {
	ID       string `json:"id"`
	Type     string `json:"type"`
	Status   string `json:"status"` // "stored" or "duplicate"
	Position uint64 `json:"position"`
}

// FieldError names a field of the event at fault and why.
type FieldError struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// Result statuses.
const (
	StatusStored    = "stored"
	StatusDuplicate = "duplicate"
	StatusInvalid   = "invalid"
	StatusNotStored = "not stored"
	StatusNotMapped = "not mapped" // a foreign event with no canonical meaning, kept as a dead letter
)

// Replies connects senders waiting for a receipt with the handler that produces it.
type Replies struct {
	mu      sync.Mutex
	waiting map[string]chan Receipt
}

// NewReplies returns an empty set of waiters.
func NewReplies() *Replies { return &Replies{waiting: map[string]chan Receipt{}} }

// expect registers interest in the receipt of message uuid; done must be called when no longer waiting.
func (r *Replies) expect(uuid string) (receipt <-chan Receipt, done func()) {
	ch := make(chan Receipt, 1)
	r.mu.Lock()
	r.waiting[uuid] = ch
	r.mu.Unlock()
	return ch, func() {
		r.mu.Lock()
		delete(r.waiting, uuid)
		r.mu.Unlock()
	}
}

// waited reports whether somebody waits for message uuid.
func (r *Replies) waited(uuid string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.waiting[uuid]
	return ok
}

// deliver hands rc to whoever waits for message uuid and reports whether anybody did.
func (r *Replies) deliver(uuid string, rc Receipt) bool {
	r.mu.Lock()
	ch, ok := r.waiting[uuid]
	r.mu.Unlock()
	if ok {
		select {
		case ch <- rc: // buffered: the first receipt of a message is the one that counts
		default:
		}
	}
	return ok
}
