package kafka

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
)

// TestBatchesKeepOrderAndRedeliverWhole publishes events on one key, reads them in batches, nacks
// the first batch once, and checks every event arrives in order, batched, with its offsets.
func TestBatchesKeepOrderAndRedeliverWhole(t *testing.T) {
	brokers := startCluster(t, 4)
	topic, n := newTopic("batched"), 500
	pub := newTestPublisher(t, brokers)
	msgs := make([]*message.Message, n)
	for i := range msgs {
		msgs[i] = message.NewMessage(watermill.NewUUID(), []byte(fmt.Sprintf(`{"n":%d}`, i)))
		msgs[i].Metadata.Set(KeyMetadata, "container-MSCU1234566")
	}
	if err := pub.Publish(topic, msgs...); err != nil {
		t.Fatal(err)
	}

	cfg := testSubscriberConfig(brokers, "batch-test")
	cfg.BatchRecords = 100
	sub := newTestSubscriber(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ch, err := sub.Subscribe(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	nacked, batches := false, 0
	for len(got) < n {
		var msg *message.Message
		select {
		case msg = <-ch:
		case <-ctx.Done():
			t.Fatalf("only %d of %d events arrived", len(got), n)
		}
		if !nacked {
			nacked = true
			msg.Nack()
			continue
		}
		var values []json.RawMessage
		if msg.Metadata.Get(BatchMetadata) == "true" {
			if err := json.Unmarshal(msg.Payload, &values); err != nil {
				t.Fatal(err)
			}
		} else {
			values = []json.RawMessage{json.RawMessage(msg.Payload)}
		}
		if offsets := strings.Split(msg.Metadata.Get(PositionsMetadata), ","); len(offsets) != len(values) {
			t.Fatalf("%d positions for %d values", len(offsets), len(values))
		}
		for _, v := range values {
			var e struct{ N int }
			if err := json.Unmarshal(v, &e); err != nil {
				t.Fatal(err)
			}
			got = append(got, e.N)
		}
		batches++
		msg.Ack()
	}
	for i, v := range got {
		if v != i {
			t.Fatalf("event %d arrived as number %d: order or redelivery broken", v, i)
		}
	}
	if batches >= n/2 {
		t.Fatalf("%d events came in %d messages: not batched", n, batches)
	}
}
