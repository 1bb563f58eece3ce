package main

import (
	"context"
	"fmt"
	"time"

	"github.com/ThreeDotsLabs/watermill"
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
	return fx.Provide(ingest.AsSource(newKafkaSource))
}

func newKafkaSource(lc fx.Lifecycle, f serveFlags, logger watermill.LoggerAdapter) (ingest.Source, error) {
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
	}, logger)
	if err != nil {
		return ingest.Source{}, fmt.Errorf("--kafka-brokers: %w", err)
	}
	pub, err := kafka.NewPublisher(kafka.PublisherConfig{Brokers: kafka.SplitBrokers(f.KafkaBrokers), AutoCreateTopics: true}, logger)
	if err != nil {
		_ = sub.Close()
		return ingest.Source{}, fmt.Errorf("--kafka-brokers: %w", err)
	}
	// The router closes the subscriber; the dead-letter publisher closes after it.
	lc.Append(fx.StopHook(func(context.Context) error { return pub.Close() }))
	return ingest.Source{
		Topic: f.KafkaTopic, Subscriber: sub, Consumers: f.KafkaConsumers,
		DeadLetters: pub, DeadLetterTopic: f.KafkaTopic + ".dlq",
	}, nil
}
