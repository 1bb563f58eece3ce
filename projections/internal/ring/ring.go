// Package ring is a fixed-capacity buffer that keeps the newest items pushed: the read models' lists
// of recent things (anomalies, dead letters) use it so that adding one costs the same whatever the
// length of the log, where trimming a slice from the front copied the whole list on every push.
package ring

// Ring keeps the newest Cap items pushed, oldest first. The zero value holds nothing and keeps
// nothing; build one with New. A Ring is not safe for concurrent use: its owner's lock guards it.
type Ring[T any] struct {
	buf   []T // grows up to cap, then is overwritten in place
	cap   int
	start int // index of the oldest item once buf is full
}

// New returns an empty ring keeping the newest capacity items; capacity < 1 keeps none.
func New[T any](capacity int) *Ring[T] {
	return &Ring[T]{cap: max(capacity, 0)}
}

// Push adds v as the newest item, dropping the oldest when the ring is full. It allocates only
// while the ring grows to its capacity.
func (r *Ring[T]) Push(v T) {
	switch {
	case r.cap == 0:
	case len(r.buf) < r.cap:
		r.buf = append(r.buf, v)
	default:
		r.buf[r.start] = v
		r.start = (r.start + 1) % r.cap
	}
}

// Len is how many items the ring holds.
func (r *Ring[T]) Len() int { return len(r.buf) }

// Cap is how many items the ring keeps at most.
func (r *Ring[T]) Cap() int { return r.cap }

// At returns the i-th item, oldest first (0 ≤ i < Len).
func (r *Ring[T]) At(i int) T { return r.buf[(r.start+i)%len(r.buf)] }

// Slice returns a copy of the items, oldest first; nil when empty.
func (r *Ring[T]) Slice() []T {
	if len(r.buf) == 0 {
		return nil
	}
	out := make([]T, 0, len(r.buf))
	out = append(out, r.buf[r.start:]...)
	return append(out, r.buf[:r.start]...)
}

// Newest returns up to n items, newest first; nil when there are none.
func (r *Ring[T]) Newest(n int) []T {
	n = min(n, len(r.buf))
	if n <= 0 {
		return nil
	}
	out := make([]T, 0, n)
	for i := len(r.buf) - 1; i >= len(r.buf)-n; i-- {
		out = append(out, r.At(i))
	}
	return out
}

// Reset empties the ring and fills it with items, oldest first; only the newest Cap are kept.
func (r *Ring[T]) Reset(items []T) {
	r.buf, r.start = nil, 0
	for _, v := range items[max(len(items)-r.cap, 0):] {
		r.Push(v)
	}
}
