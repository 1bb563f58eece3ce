package kafka

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	kafkago "github.com/segmentio/kafka-go"
)

// Benchmarks run against kfake on loopback with ~300-byte events on a 4-partition topic, keyed
// by 1,000 stream IDs. Compare BenchmarkSubscribe with BenchmarkRawKafkaGoRead for the cost of
// the watermill layer (one message in flight per subscription, an ack per message).
//
//	go test -run '^$' -bench . -benchtime 200000x ./adapters/kafka/

const (
	benchPartitions = 4
	benchBatch      = 1000
)

var benchPayload = make([]byte, 300)

func benchMessages(n int) []*message.Message {
	msgs := make([]*message.Message, n)
	for i := range msgs {
		msgs[i] = message.NewMessage(watermill.NewUUID(), benchPayload)
		msgs[i].Metadata.Set(KeyMetadata, "block-B"+strconv.Itoa(i%1000))
	}
	return msgs
}

// fill publishes n messages to a new topic and returns the topic.
func fill(b *testing.B, brokers []string, n int) string {
	b.Helper()
	topic := newTopic("bench")
	pub := newTestPublisher(b, brokers)
	msgs := benchMessages(n)
	for i := 0; i < n; i += benchBatch {
		if err := pub.Publish(topic, msgs[i:min(i+benchBatch, n)]...); err != nil {
			b.Fatal(err)
		}
	}
	return topic
}

func reportRate(b *testing.B, start time.Time) {
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
}

func BenchmarkPublish(b *testing.B) {
	b.Run("batch=1000", func(b *testing.B) {
		brokers := startCluster(b, benchPartitions)
		pub := newTestPublisher(b, brokers)
		topic := newTopic("bench")
		msgs := benchMessages(b.N)
		b.SetBytes(int64(len(benchPayload)))
		b.ResetTimer()
		start := time.Now()
		for i := 0; i < b.N; i += benchBatch {
			if err := pub.Publish(topic, msgs[i:min(i+benchBatch, b.N)]...); err != nil {
				b.Fatal(err)
			}
		}
		reportRate(b, start)
	})
	// One message per Publish from many goroutines: batching happens across calls.
	b.Run("single/parallel", func(b *testing.B) {
		brokers := startCluster(b, benchPartitions)
		pub := newTestPublisher(b, brokers)
		topic := newTopic("bench")
		b.SetBytes(int64(len(benchPayload)))
		b.SetParallelism(64)
		b.ResetTimer()
		start := time.Now()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := pub.Publish(topic, benchMessages(1)...); err != nil {
					b.Error(err)
					return
				}
			}
		})
		reportRate(b, start)
	})
}

func BenchmarkSubscribe(b *testing.B) {
	brokers := startCluster(b, benchPartitions)
	topic := fill(b, brokers, b.N)
	sub := newTestSubscriber(b, SubscriberConfig{Brokers: brokers, ConsumerGroup: "bench"})
	b.SetBytes(int64(len(benchPayload)))
	b.ResetTimer()
	start := time.Now()
	ch, err := sub.Subscribe(context.Background(), topic)
	if err != nil {
		b.Fatal(err)
	}
	for range b.N {
		m := <-ch
		m.Ack()
	}
	reportRate(b, start)
	b.StopTimer()
}

// BenchmarkRawKafkaGoRead is the baseline: a bare kafka-go group reader, FetchMessage and a
// CommitMessages per 1,000 messages, with the same fetch and commit settings as the Subscriber.
func BenchmarkRawKafkaGoRead(b *testing.B) {
	brokers := startCluster(b, benchPartitions)
	topic := fill(b, brokers, b.N)
	cfg := SubscriberConfig{Brokers: brokers, ConsumerGroup: "bench"}.withDefaults()
	r := kafkago.NewReader(kafkago.ReaderConfig{
		Brokers:        brokers,
		GroupID:        cfg.ConsumerGroup,
		Topic:          topic,
		MinBytes:       cfg.MinBytes,
		MaxBytes:       cfg.MaxBytes,
		MaxWait:        cfg.MaxWait,
		CommitInterval: cfg.CommitInterval,
		StartOffset:    kafkago.FirstOffset,
	})
	defer r.Close()
	b.SetBytes(int64(len(benchPayload)))
	ctx := context.Background()
	batch := make([]kafkago.Message, 0, benchBatch)
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		m, err := r.FetchMessage(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if batch = append(batch, m); len(batch) == benchBatch || i == b.N-1 {
			if err := r.CommitMessages(ctx, batch...); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	reportRate(b, start)
	b.StopTimer()
}
