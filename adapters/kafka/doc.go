// Package kafka is the twin's watermill Publisher and Subscriber on Kafka, built on
// segmentio/kafka-go.
//
// # Records
//
// A watermill message becomes one Kafka record: the payload is the value; the UUID travels in
// the header UUIDHeader ("_watermill_message_uuid", as in watermill's Sarama-based Pub/Sub) and
// every metadata entry in a header of its own name. The key is the metadata value under
// KeyMetadata ("partition_key"), the stream ID such as block-B07, or the UUID when it is unset.
// Keys are placed with murmur2, as Java producers place them, so a terminal's producer and the
// twin put one aggregate on one partition. On receipt the Kafka key is put under KeyMetadata,
// and a record with no UUID header (kcat, a terminal's own producer) gets the UUID
// "<topic>/<partition>/<offset>", the same on every redelivery. PositionFromContext gives a
// delivered message's topic, partition and offset.
//
// # Publishing
//
// Publish is synchronous: it returns when the brokers have acknowledged every message
// (RequiredAcks, RequireAll by default) or one has failed. One kafka-go Writer serves all topics,
// and batches form both within one Publish call and across concurrent calls, waiting at most
// BatchTimeout (5 ms). A failed Publish may have written some of its messages; publishing them
// again is safe because consumers dedupe.
//
// # Delivery guarantees
//
// At-least-once, never at-most-once:
//
//   - Each Subscribe call is one kafka-go reader and delivers one message at a time: the next
//     message is sent only after the previous one is acked or nacked. Within a partition, and so
//     within a key, messages arrive in offset order, which is publish order for one publisher.
//     Across partitions there is no order.
//   - An offset is committed only after its message is acked, and in order per partition, since
//     acks come in order. Commits are batched: acks are handed to the reader every 20 ms and
//     committed every CommitInterval (1 s), on Close, and when a rebalance takes partitions
//     away (acks of the last 20 ms may miss that one and be redelivered). A negative CommitInterval commits each ack synchronously instead (slower).
//   - A nack delivers the same record again after NackResendSleep, before anything after it,
//     without committing. There is no retry limit here: poison messages are the handler's
//     business (the ingest sends them to the dead-letter topic and acks).
//   - Close commits what was acked, leaves the group and waits for all of it. A message
//     delivered but not acked when Close, a crash or a rebalance comes is delivered again, to
//     this process or to the member that takes the partition. So is anything acked within the
//     last commit interval before a crash. Consumers must therefore dedupe: the ingest
//     recognises a re-delivered event by its id.
//
// # Batches
//
// A Subscriber with BatchRecords above 1 hands its consumer up to that many records at a time, so
// that the consumer can store them with one write: the records that are already fetched or arrive
// within BatchLinger (2 ms) join the first one while they carry the same headers (the UUID aside)
// and each hold one JSON object. A batch may hold records of several partitions, in the order
// fetched, so each partition's records stay in offset order. The message has the first record's
// UUID and headers; its payload is the JSON array of the values, byte for byte (a single record's
// value is left as it is), and its metadata names the topic and each record's partition/offset
// (TopicMetadata, PositionsMetadata, and BatchMetadata "true" for an array). An ack commits the
// last offset of each partition in the batch; a nack delivers the same batch again.
//
// # Consumer groups
//
// With a ConsumerGroup, subscribers in the group split a topic's partitions (range assignment)
// and resume from the group's committed offsets; a group with none starts at StartOffset
// (FirstOffset by default, so a new group reads the topic's history). Partitions added to the
// topic are picked up. kafka-go does not interrupt a fetch under way, so closing a reader can
// take up to MaxWait (500 ms), and closing one while its group is rebalancing can take up to the
// session timeout.
//
// Without a group (ConsumerGroup empty), every subscription reads every partition that exists
// when it starts, from StartOffset (FirstOffset: the whole retained history), commits nothing
// and remembers nothing: a restart reads from StartOffset again. Acks still pace delivery and
// nacks still redeliver. This suits replays, debugging and tools; the ingest uses a group.
//
// # Tests
//
// The package's tests run against an in-process kfake cluster, including watermill's universal
// Pub/Sub suite (pubsub_test.go). They use the suite's short message counts unless
// YARDTWIN_KAFKA_FULL=1 is set and -short is not given; the full run takes about a minute more.
package kafka
