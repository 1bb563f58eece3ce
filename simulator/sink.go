package simulator

import (
	"context"
	"sync"

	"github.com/yardtwin/yardtwin/domain/es"
)

// Sink receives the feed's envelopes in batches, in the order they were emitted. The feed hands
// over each batch and never touches it again, so a sink may keep it. A batch never holds more than
// MaxBatch envelopes.
type Sink interface {
	Publish(ctx context.Context, batch []es.Envelope) error
}

// MaxBatch is the largest batch the feed publishes at once (the initial fill alone can be tens of
// thousands of events); it is well under contract.MaxBatch.
const MaxBatch = 1000

// SinkFunc adapts a function to a Sink.
type SinkFunc func(ctx context.Context, batch []es.Envelope) error

// Publish implements Sink.
func (f SinkFunc) Publish(ctx context.Context, batch []es.Envelope) error { return f(ctx, batch) }

// Collector is a Sink that keeps every envelope in memory, for tests and what-if runs. It is safe
// for concurrent use.
type Collector struct {
	mu   sync.Mutex
	envs []es.Envelope
}

// Publish implements Sink.
func (c *Collector) Publish(_ context.Context, batch []es.Envelope) error {
	c.mu.Lock()
	c.envs = append(c.envs, batch...)
	c.mu.Unlock()
	return nil
}

// Envelopes returns a copy of everything published so far.
func (c *Collector) Envelopes() []es.Envelope {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]es.Envelope(nil), c.envs...)
}

// Len returns how many envelopes have been published.
func (c *Collector) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.envs)
}

// publish sends envs to sink in batches of at most MaxBatch.
func publish(ctx context.Context, sink Sink, envs []es.Envelope) error {
	for len(envs) > 0 {
		n := min(len(envs), MaxBatch)
		if err := sink.Publish(ctx, envs[:n:n]); err != nil {
			return err
		}
		envs = envs[n:]
	}
	return nil
}
