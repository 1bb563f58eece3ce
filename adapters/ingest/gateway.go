package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync/atomic"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/yardtwin/yardtwin/domain/contract"
)

// Topic is the bus topic in-process senders publish to; Lanes topics "<Topic>.<n>" share the load the
// way Kafka partitions do, each with its own handler, so that checking runs on every core.
const Topic = "yard.events.local"

// LaneTopics names the n in-process topics.
func LaneTopics(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = Topic + "." + strconv.Itoa(i)
	}
	return out
}

// AtomicMetadata marks a message whose events are one batch, all stored or none, with an answer
// for a waiting sender. Messages without it (from Kafka) are taken record by record, and a
// malformed record becomes a dead letter.
const AtomicMetadata = "yardtwin_atomic"

// Gateway submits batches to the bus and waits for their receipts.
type Gateway struct {
	pub     message.Publisher
	replies *Replies
	topics  []string
	next    atomic.Uint64
}

// NewGateway returns a gateway publishing to pub over lanes topics.
func NewGateway(pub message.Publisher, replies *Replies, lanes int) *Gateway {
	return &Gateway{pub: pub, replies: replies, topics: LaneTopics(lanes)}
}

// Submit sends events as one batch and waits until it is stored or refused. dialect names the
// standard they are written in ("" for the contract, else one the handler Speaks). Lanes are taken
// in turn: a sender that waits for each answer before the next batch keeps its order.
func (g *Gateway) Submit(ctx context.Context, dialect string, events []json.RawMessage) (Receipt, error) {
	msg := message.NewMessage(watermill.NewUUID(), contract.JoinBatch(events))
	msg.Metadata.Set(AtomicMetadata, "true")
	if dialect != "" {
		msg.Metadata.Set(DialectMetadata, dialect)
	}
	receipt, done := g.replies.expect(msg.UUID)
	defer done()
	if err := g.pub.Publish(g.topics[g.next.Add(1)%uint64(len(g.topics))], msg); err != nil {
		return Receipt{}, fmt.Errorf("publish batch of %d: %w", len(events), err)
	}
	select {
	case rc := <-receipt:
		return rc, nil
	case <-ctx.Done():
		return Receipt{}, fmt.Errorf("wait for batch of %d: %w", len(events), ctx.Err())
	}
}
