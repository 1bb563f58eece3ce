package kafka

import (
	"context"
	"strconv"

	"github.com/ThreeDotsLabs/watermill/message"
	kafkago "github.com/segmentio/kafka-go"
)

// KeyMetadata is the metadata key whose value becomes the Kafka message key, and so picks the
// partition. Set it to the stream ID (block-B07) to keep each aggregate in order. A message
// without it is keyed by its UUID. On receipt it holds the Kafka key.
const KeyMetadata = "partition_key"

// UUIDHeader is the Kafka header carrying the watermill message UUID. The name is the one
// watermill's Sarama-based Kafka Pub/Sub uses, so the two interoperate.
const UUIDHeader = "_watermill_message_uuid"

// toKafka maps a watermill message to a Kafka record: payload as value, UUID and every
// metadata entry as headers, key from KeyMetadata or else the UUID.
func toKafka(topic string, msg *message.Message) kafkago.Message {
	key := msg.Metadata.Get(KeyMetadata)
	if key == "" {
		key = msg.UUID
	}
	headers := make([]kafkago.Header, 0, len(msg.Metadata)+1)
	headers = append(headers, kafkago.Header{Key: UUIDHeader, Value: []byte(msg.UUID)})
	for k, v := range msg.Metadata {
		headers = append(headers, kafkago.Header{Key: k, Value: []byte(v)})
	}
	return kafkago.Message{Topic: topic, Key: []byte(key), Value: msg.Payload, Headers: headers}
}

// fromKafka maps a Kafka record back to a watermill message. A record written by another
// producer (kcat, a terminal's Java client) has no UUID header; it gets a UUID made from its
// position, topic/partition/offset, which is the same on every redelivery. Its key is put under
// KeyMetadata unless a header already carries that name.
func fromKafka(m kafkago.Message) *message.Message {
	var uuid string
	md := make(message.Metadata, len(m.Headers)+1)
	for _, h := range m.Headers {
		if h.Key == UUIDHeader {
			uuid = string(h.Value)
			continue
		}
		md[h.Key] = string(h.Value)
	}
	if uuid == "" {
		uuid = m.Topic + "/" + strconv.Itoa(m.Partition) + "/" + strconv.FormatInt(m.Offset, 10)
	}
	if _, ok := md[KeyMetadata]; !ok && len(m.Key) > 0 {
		md[KeyMetadata] = string(m.Key)
	}
	msg := message.NewMessage(uuid, m.Value)
	msg.Metadata = md
	return msg
}

// Position is where a delivered message sits in Kafka. Offsets start at 0 in each partition.
type Position struct {
	Topic     string
	Partition int
	Offset    int64
}

type positionKey struct{}

// PositionFromContext returns the Kafka position of the message whose Context is ctx, for logs
// and dead-letter reasons. It reports false for a context that did not come from a Subscriber.
func PositionFromContext(ctx context.Context) (Position, bool) {
	p, ok := ctx.Value(positionKey{}).(Position)
	return p, ok
}

// Metadata a Subscriber with BatchRecords above 1 adds to every message it delivers.
const (
	// TopicMetadata is the topic the message's records come from.
	TopicMetadata = "kafka_topic"
	// PositionsMetadata lists where the message's records sit, "partition/offset" comma-separated,
	// in order.
	PositionsMetadata = "kafka_positions"
	// BatchMetadata is "true" when the payload is a JSON array holding each record's value.
	BatchMetadata = "kafka_batch"
)

// markBatch sets msg's payload to the JSON array of the batch's values, when there is more than
// one, and records where they come from.
func markBatch(msg *message.Message, batch []kafkago.Message) {
	positions := make([]byte, 0, 10*len(batch))
	for i, m := range batch {
		if i > 0 {
			positions = append(positions, ',')
		}
		positions = strconv.AppendInt(positions, int64(m.Partition), 10)
		positions = append(positions, '/')
		positions = strconv.AppendInt(positions, m.Offset, 10)
	}
	msg.Metadata.Set(TopicMetadata, batch[0].Topic)
	msg.Metadata.Set(PositionsMetadata, string(positions))
	if len(batch) == 1 {
		return
	}
	n := 2
	for _, m := range batch {
		n += len(m.Value) + 1
	}
	payload := make([]byte, 0, n)
	payload = append(payload, '[')
	for i, m := range batch {
		if i > 0 {
			payload = append(payload, ',')
		}
		payload = append(payload, m.Value...)
	}
	msg.Payload = append(payload, ']')
	msg.Metadata.Set(BatchMetadata, "true")
}
