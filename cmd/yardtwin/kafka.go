package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/prometheus/client_golang/prometheus"
	kafkago "github.com/segmentio/kafka-go"
	"go.uber.org/fx"

	"github.com/yardtwin/yardtwin/adapters/ingest"
	"github.com/yardtwin/yardtwin/adapters/kafka"
)

// kafkaBatchRecords is how many records of one partition the ingest stores with one write.
const kafkaBatchRecords = 1000

// kafkaSessionTimeout is how long the group waits for a silent member (a crashed serve) before
// giving its partitions to the others: Kafka's classic default.
const kafkaSessionTimeout = 10 * time.Second

// kafkaModule consumes the integrators' Kafka topic through the same ingest handler as HTTP, when
// --kafka-brokers is set. Malformed records are kept in the store and sent to <topic>.dlq.
func kafkaModule(f serveFlags) fx.Option {
	if f.KafkaBrokers == "" {
		return fx.Options()
	}
	return fx.Options(
		fx.Provide(
			fx.Private,
			func(f serveFlags) (kafka.Security, error) { return f.kafkaSecurity() },
		),
		fx.Provide(
			ingest.AsSource(newKafkaSource),
			asMetrics(newConsumerLag),
		),
	)
}

// kafkaSecurity is the TLS and SASL of the Kafka settings.
func (f serveFlags) kafkaSecurity() (kafka.Security, error) {
	var sec kafka.Security
	if f.KafkaTLS || f.KafkaTLSCA != "" || f.KafkaTLSCert != "" || f.KafkaTLSKey != "" || f.KafkaTLSServerName != "" || f.KafkaTLSInsecure {
		cfg, err := kafka.TLSFiles{
			CAFile: f.KafkaTLSCA, CertFile: f.KafkaTLSCert, KeyFile: f.KafkaTLSKey,
			ServerName: f.KafkaTLSServerName, InsecureSkipVerify: f.KafkaTLSInsecure,
		}.Config()
		if err != nil {
			return sec, fmt.Errorf("--kafka-tls-*: %w", err)
		}
		sec.TLS = cfg
	}
	switch {
	case f.KafkaSASLMechanism != "":
		m, err := kafka.NewSASL(f.KafkaSASLMechanism, f.KafkaSASLUser, f.KafkaSASLPassword)
		if err != nil {
			return sec, fmt.Errorf("--kafka-sasl-*: %w", err)
		}
		sec.SASL = m
	case f.KafkaSASLUser != "" || f.KafkaSASLPassword != "":
		return sec, fmt.Errorf("--kafka-sasl-mechanism: a SASL user or password is set but no mechanism (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512)")
	}
	return sec, nil
}

func newKafkaSource(lc fx.Lifecycle, f serveFlags, sec kafka.Security, logger watermill.LoggerAdapter) (ingest.Source, error) {
	if f.KafkaConsumers < 1 || f.KafkaConsumers > 16 {
		return ingest.Source{}, fmt.Errorf("--kafka-consumers: %d is outside 1..16", f.KafkaConsumers)
	}
	if f.KafkaTopic == "" {
		return ingest.Source{}, fmt.Errorf("--kafka-topic: a topic is required with --kafka-brokers")
	}
	sub, err := kafka.NewSubscriber(kafka.SubscriberConfig{
		Brokers:          kafka.SplitBrokers(f.KafkaBrokers),
		ConsumerGroup:    f.KafkaGroup,
		InitializeTopics: true,
		BatchRecords:     kafkaBatchRecords,
		SessionTimeout:   kafkaSessionTimeout,
		Dialer:           sec.Dialer(),
	}, logger)
	if err != nil {
		return ingest.Source{}, fmt.Errorf("--kafka-brokers: %w", err)
	}
	transport := sec.Transport()
	pub, err := kafka.NewPublisher(kafka.PublisherConfig{Brokers: kafka.SplitBrokers(f.KafkaBrokers), AutoCreateTopics: true, Transport: transport}, logger)
	if err != nil {
		_ = sub.Close()
		return ingest.Source{}, fmt.Errorf("--kafka-brokers: %w", err)
	}
	// The router closes the subscriber; the dead-letter publisher closes after it.
	lc.Append(fx.StopHook(func(context.Context) error {
		err := pub.Close()
		transport.CloseIdleConnections()
		return err
	}))
	return ingest.Source{
		Topic: f.KafkaTopic, Subscriber: sub, Consumers: f.KafkaConsumers,
		DeadLetters: pub, DeadLetterTopic: f.KafkaTopic + ".dlq",
	}, nil
}

var consumerLagDesc = prometheus.NewDesc("yardtwin_kafka_consumer_lag_records",
	"Records of the topic not yet committed by the consumer group, by partition: last offset - committed offset.",
	[]string{"topic", "group", "partition"}, nil)

// consumerLag asks the brokers, at scrape time, how far the consumer group trails each partition of
// the topic. Offsets are committed once events are stored, so this is the backlog not yet stored.
// Every ingest process of the group reports the same group-wide figures.
type consumerLag struct {
	client       *kafkago.Client
	transport    *kafkago.Transport
	topic, group string
}

func newConsumerLag(lc fx.Lifecycle, f serveFlags, sec kafka.Security) *consumerLag {
	c := consumerLagOf(f, sec)
	lc.Append(fx.StopHook(c.transport.CloseIdleConnections))
	return c
}

// consumerLagOf asks the brokers of f, through sec, for the lag of f's group on f's topic.
func consumerLagOf(f serveFlags, sec kafka.Security) *consumerLag {
	transport := sec.Transport()
	return &consumerLag{
		client:    &kafkago.Client{Addr: kafkago.TCP(kafka.SplitBrokers(f.KafkaBrokers)...), Transport: transport, Timeout: 5 * time.Second},
		transport: transport,
		topic:     f.KafkaTopic, group: f.KafkaGroup,
	}
}

func (c *consumerLag) Describe(ch chan<- *prometheus.Desc) { ch <- consumerLagDesc }

// Collect reports nothing when the brokers do not answer: a missing series is better than a wrong one.
func (c *consumerLag) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	lags, err := c.lags(ctx)
	if err != nil {
		return
	}
	for p, lag := range lags {
		ch <- prometheus.MustNewConstMetric(consumerLagDesc, prometheus.GaugeValue, float64(lag), c.topic, c.group, strconv.Itoa(p))
	}
}

// lags is the group's lag on each partition of the topic. A partition without a committed offset
// lags by everything it holds.
func (c *consumerLag) lags(ctx context.Context) (map[int]int64, error) {
	meta, err := c.client.Metadata(ctx, &kafkago.MetadataRequest{Topics: []string{c.topic}})
	if err != nil {
		return nil, fmt.Errorf("consumer lag: metadata: %w", err)
	}
	var partitions []int
	for _, t := range meta.Topics {
		if t.Name == c.topic && t.Error == nil {
			for _, p := range t.Partitions {
				partitions = append(partitions, p.ID)
			}
		}
	}
	if len(partitions) == 0 {
		return nil, fmt.Errorf("consumer lag: topic %s has no partitions yet", c.topic)
	}
	requests := make([]kafkago.OffsetRequest, 0, 2*len(partitions))
	for _, p := range partitions {
		requests = append(requests, kafkago.FirstOffsetOf(p), kafkago.LastOffsetOf(p))
	}
	offsets, err := c.client.ListOffsets(ctx, &kafkago.ListOffsetsRequest{Topics: map[string][]kafkago.OffsetRequest{c.topic: requests}})
	if err != nil {
		return nil, fmt.Errorf("consumer lag: list offsets: %w", err)
	}
	committed, err := c.client.OffsetFetch(ctx, &kafkago.OffsetFetchRequest{GroupID: c.group, Topics: map[string][]int{c.topic: partitions}})
	if err != nil {
		return nil, fmt.Errorf("consumer lag: committed offsets: %w", err)
	}
	if committed.Error != nil && !errors.Is(committed.Error, kafkago.GroupIdNotFound) { // no group yet: nothing committed
		return nil, fmt.Errorf("consumer lag: committed offsets: %w", committed.Error)
	}
	done := map[int]int64{}
	for _, p := range committed.Topics[c.topic] {
		if p.Error == nil {
			done[p.Partition] = p.CommittedOffset
		}
	}
	out := map[int]int64{}
	for _, p := range offsets.Topics[c.topic] {
		if p.Error != nil {
			continue
		}
		from, ok := done[p.Partition]
		if !ok || from < 0 {
			from = p.FirstOffset
		}
		out[p.Partition] = max(p.LastOffset-from, 0)
	}
	return out, nil
}
