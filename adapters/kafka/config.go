package kafka

import (
	"errors"
	"fmt"
	"strings"
	"time"

	kafkago "github.com/segmentio/kafka-go"
)

// Defaults applied by NewPublisher and NewSubscriber to zero fields. See DESIGN.md, "Numbers that
// matter", for where they come from.
const (
	DefaultBatchTimeout      = 5 * time.Millisecond // kafka-go's own 1 s makes a synchronous Publish take 1 s
	DefaultCommitInterval    = time.Second          // ~125 k/s; a commit per message caps near 23 k/s
	DefaultSessionTimeout    = 30 * time.Second
	DefaultHeartbeatInterval = 3 * time.Second
	DefaultRebalanceTimeout  = 30 * time.Second
	DefaultMaxWait           = 500 * time.Millisecond
	DefaultMinBytes          = 1
	DefaultMaxBytes          = 10 << 20 // 10 MiB per fetch
	DefaultNackResendSleep   = 100 * time.Millisecond
	DefaultBatchLinger       = 2 * time.Millisecond
	DefaultCloseGrace        = 20 * time.Second

	// minSessionTimeout is the smallest group session timeout Kafka (group.min.session.timeout.ms)
	// and kfake accept by default; a smaller one fails every JoinGroup.
	minSessionTimeout = 6 * time.Second
)

// PublisherConfig configures a Publisher. Zero fields take the defaults named on each field.
type PublisherConfig struct {
	// Brokers are the bootstrap addresses, host:port. At least one is required.
	Brokers []string

	// BatchTimeout is how long the writer waits to fill a batch before sending it, so it is also
	// the added latency of a lone synchronous Publish. Zero means DefaultBatchTimeout (5 ms).
	BatchTimeout time.Duration

	// RequiredAcks is how many replicas must acknowledge a write before Publish returns.
	// Zero means kafkago.RequireAll. kafkago.RequireOne is allowed; kafkago.RequireNone (fire and
	// forget) cannot be chosen, because it loses events silently.
	RequiredAcks kafkago.RequiredAcks

	// Balancer picks the partition from the message key. Nil means kafkago.Murmur2Balancer{},
	// which places keys where Java producers (the terminals' systems) put them.
	Balancer kafkago.Balancer

	// AutoCreateTopics lets the broker create a topic on first write (if the broker allows it).
	AutoCreateTopics bool

	// Transport carries TLS and SASL settings. Nil means a plain-TCP transport owned by the
	// Publisher and closed with it; a given Transport is shared and not closed.
	Transport *kafkago.Transport
}

// SubscriberConfig configures a Subscriber. Zero fields take the defaults named on each field.
type SubscriberConfig struct {
	// Brokers are the bootstrap addresses, host:port. At least one is required.
	Brokers []string

	// ConsumerGroup is the Kafka consumer group. Subscribers in one group split a topic's
	// partitions and resume from the group's committed offsets. Empty means no group: every
	// subscription reads every partition, starting at StartOffset each time, and commits nothing
	// (see doc.go). Renaming a group makes it start again from StartOffset.
	ConsumerGroup string

	// MinBytes and MaxBytes bound one fetch. Zero means DefaultMinBytes (1) and
	// DefaultMaxBytes (10 MiB).
	MinBytes int
	MaxBytes int

	// MaxWait is how long the broker may hold a fetch waiting for MinBytes. Zero means
	// DefaultMaxWait (500 ms). kafka-go does not interrupt a fetch under way, so this is also
	// how long Close may wait for an idle reader.
	MaxWait time.Duration

	// CommitInterval batches offset commits: acked offsets are committed at most this long after
	// the ack, and on Close. Zero means DefaultCommitInterval (1 s); a negative value commits
	// each message synchronously on ack (slow: about 23 k/s on two cores).
	CommitInterval time.Duration

	// SessionTimeout is how long the group coordinator waits for a silent member before it
	// rebalances. Zero means DefaultSessionTimeout (30 s); less than 6 s is rejected, because
	// Kafka and kfake refuse it by default.
	SessionTimeout time.Duration

	// HeartbeatInterval is how often a member heartbeats, which is also how soon it notices a
	// rebalance. Zero means DefaultHeartbeatInterval (3 s). Must be below SessionTimeout.
	HeartbeatInterval time.Duration

	// RebalanceTimeout is how long the coordinator waits for members to rejoin during a
	// rebalance. Zero means DefaultRebalanceTimeout (30 s).
	RebalanceTimeout time.Duration

	// StartOffset is where a group with no committed offset, or a group-less subscription,
	// starts: kafkago.FirstOffset (the default for zero) or kafkago.LastOffset.
	StartOffset int64

	// InitializeTopics makes Subscribe (and SubscribeInitialize) create the topic if it is
	// missing, with TopicPartitions partitions and TopicReplicationFactor replicas.
	InitializeTopics bool

	// TopicPartitions and TopicReplicationFactor are used by InitializeTopics. Zero means the
	// broker's defaults (num.partitions, default.replication.factor).
	TopicPartitions        int32
	TopicReplicationFactor int16

	// NackResendSleep is the pause before a nacked message is delivered again. Zero means
	// DefaultNackResendSleep (100 ms); a negative value means no pause.
	NackResendSleep time.Duration

	// BatchRecords, above 1, delivers up to that many consecutive records of one partition as one
	// message, so that a consumer can store them with one write: see "Batches" in the package doc.
	// Zero or one delivers one record per message.
	BatchRecords int
	// BatchLinger is how long a batch waits for another record once it has one; zero means
	// DefaultBatchLinger (2 ms).
	BatchLinger time.Duration

	// CloseGrace is how long Close waits for the answer (ack or nack) to a message already handed
	// to the handler, so that a batch being stored when the process stops is committed too. Zero
	// means DefaultCloseGrace (20 s); a negative value means Close does not wait.
	CloseGrace time.Duration

	// Dialer carries TLS and SASL settings for readers and topic creation. Nil means
	// kafkago.DefaultDialer.
	Dialer *kafkago.Dialer
}

func (c PublisherConfig) withDefaults() PublisherConfig {
	c.Brokers = append([]string(nil), c.Brokers...)
	if c.BatchTimeout == 0 {
		c.BatchTimeout = DefaultBatchTimeout
	}
	if c.RequiredAcks == kafkago.RequireNone {
		c.RequiredAcks = kafkago.RequireAll
	}
	if c.Balancer == nil {
		c.Balancer = kafkago.Murmur2Balancer{}
	}
	return c
}

// Validate reports the first invalid field of c after defaults are applied.
func (c PublisherConfig) Validate() error {
	c = c.withDefaults()
	if err := validateBrokers(c.Brokers); err != nil {
		return err
	}
	if c.BatchTimeout < 0 {
		return fmt.Errorf("kafka: batch timeout: %s is negative", c.BatchTimeout)
	}
	if c.RequiredAcks != kafkago.RequireAll && c.RequiredAcks != kafkago.RequireOne {
		return fmt.Errorf("kafka: required acks: %d is not RequireAll (-1) or RequireOne (1)", c.RequiredAcks)
	}
	return nil
}

func (c SubscriberConfig) withDefaults() SubscriberConfig {
	c.Brokers = append([]string(nil), c.Brokers...)
	if c.MinBytes == 0 {
		c.MinBytes = DefaultMinBytes
	}
	if c.MaxBytes == 0 {
		c.MaxBytes = DefaultMaxBytes
	}
	if c.MaxWait == 0 {
		c.MaxWait = DefaultMaxWait
	}
	if c.CommitInterval == 0 {
		c.CommitInterval = DefaultCommitInterval
	}
	if c.SessionTimeout == 0 {
		c.SessionTimeout = DefaultSessionTimeout
	}
	if c.HeartbeatInterval == 0 {
		c.HeartbeatInterval = DefaultHeartbeatInterval
	}
	if c.RebalanceTimeout == 0 {
		c.RebalanceTimeout = DefaultRebalanceTimeout
	}
	if c.StartOffset == 0 {
		c.StartOffset = kafkago.FirstOffset
	}
	if c.NackResendSleep == 0 {
		c.NackResendSleep = DefaultNackResendSleep
	}
	if c.BatchLinger == 0 {
		c.BatchLinger = DefaultBatchLinger
	}
	if c.CloseGrace == 0 {
		c.CloseGrace = DefaultCloseGrace
	}
	return c
}

// Validate reports the first invalid field of c after defaults are applied.
func (c SubscriberConfig) Validate() error {
	c = c.withDefaults()
	if err := validateBrokers(c.Brokers); err != nil {
		return err
	}
	switch {
	case c.MinBytes < 0:
		return fmt.Errorf("kafka: min bytes: %d is negative", c.MinBytes)
	case c.MaxBytes < c.MinBytes:
		return fmt.Errorf("kafka: max bytes: %d is below min bytes %d", c.MaxBytes, c.MinBytes)
	case c.MaxWait < 0:
		return fmt.Errorf("kafka: max wait: %s is negative", c.MaxWait)
	case c.SessionTimeout < minSessionTimeout:
		return fmt.Errorf("kafka: session timeout: %s is below the brokers' default minimum of %s", c.SessionTimeout, minSessionTimeout)
	case c.HeartbeatInterval < 0 || c.HeartbeatInterval >= c.SessionTimeout:
		return fmt.Errorf("kafka: heartbeat interval: %s must be positive and below the session timeout %s", c.HeartbeatInterval, c.SessionTimeout)
	case c.RebalanceTimeout < 0:
		return fmt.Errorf("kafka: rebalance timeout: %s is negative", c.RebalanceTimeout)
	case c.StartOffset != kafkago.FirstOffset && c.StartOffset != kafkago.LastOffset:
		return fmt.Errorf("kafka: start offset: %d is not kafkago.FirstOffset (-2) or kafkago.LastOffset (-1)", c.StartOffset)
	case c.TopicPartitions < 0:
		return fmt.Errorf("kafka: topic partitions: %d is negative", c.TopicPartitions)
	case c.TopicReplicationFactor < 0:
		return fmt.Errorf("kafka: topic replication factor: %d is negative", c.TopicReplicationFactor)
	case c.BatchRecords < 0 || c.BatchRecords > maxBatchRecords:
		return fmt.Errorf("kafka: batch records: %d is outside 0..%d", c.BatchRecords, maxBatchRecords)
	case c.BatchLinger < 0:
		return fmt.Errorf("kafka: batch linger: %s is negative", c.BatchLinger)
	}
	return nil
}

// maxBatchRecords bounds a batch; the ingest takes at most 10,000 events per message.
const maxBatchRecords = 10_000

func validateBrokers(brokers []string) error {
	if len(brokers) == 0 {
		return errors.New("kafka: brokers: at least one broker is required")
	}
	for i, b := range brokers {
		if strings.TrimSpace(b) == "" {
			return fmt.Errorf("kafka: brokers: broker %d is empty", i)
		}
	}
	return nil
}

// SplitBrokers reads a comma-separated list of host:port bootstrap addresses, as flags and
// environment variables give them.
func SplitBrokers(s string) []string {
	var out []string
	for _, b := range strings.Split(s, ",") {
		if b = strings.TrimSpace(b); b != "" {
			out = append(out, b)
		}
	}
	return out
}
