package kafka

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/twmb/franz-go/pkg/kfake"
)

// fullRun reports whether the long variants (the universal suite's full message counts) run.
// They take about a minute and a half more, too much for every CI run.
func fullRun() bool { return os.Getenv("YARDTWIN_KAFKA_FULL") == "1" }

// startCluster starts an in-process Kafka (kfake) with one broker, auto-created topics of the
// given partition count, and returns its bootstrap addresses. It stops with the test.
func startCluster(tb testing.TB, partitions int, opts ...kfake.Opt) []string {
	tb.Helper()
	opts = append([]kfake.Opt{
		kfake.NumBrokers(1),
		kfake.AllowAutoTopicCreation(),
		kfake.DefaultNumPartitions(partitions),
	}, opts...)
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		tb.Fatalf("start kfake: %v", err)
	}
	tb.Cleanup(c.Close)
	return c.ListenAddrs()
}

// testLogger is quiet unless YARDTWIN_KAFKA_DEBUG=1.
func testLogger() watermill.LoggerAdapter {
	if os.Getenv("YARDTWIN_KAFKA_DEBUG") == "1" {
		return watermill.NewStdLogger(true, false)
	}
	return watermill.NopLogger{}
}

func testPublisherConfig(brokers []string) PublisherConfig {
	return PublisherConfig{Brokers: brokers, AutoCreateTopics: true}
}

// testSubscriberConfig uses a short heartbeat, so that rebalances settle in well under a second
// instead of the production 3 s, and a short fetch wait, so that Close is quick; the rest is
// the default.
func testSubscriberConfig(brokers []string, group string) SubscriberConfig {
	return SubscriberConfig{
		Brokers:           brokers,
		ConsumerGroup:     group,
		SessionTimeout:    minSessionTimeout,
		HeartbeatInterval: 200 * time.Millisecond,
		RebalanceTimeout:  10 * time.Second,
		MaxWait:           100 * time.Millisecond,
		InitializeTopics:  true,
		NackResendSleep:   10 * time.Millisecond,
		// The universal suite closes subscribers holding messages that no handler will answer.
		CloseGrace: time.Second,
	}
}

func newTestPublisher(tb testing.TB, brokers []string) *Publisher {
	tb.Helper()
	p, err := NewPublisher(testPublisherConfig(brokers), testLogger())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = p.Close() })
	return p
}

func newTestSubscriber(tb testing.TB, cfg SubscriberConfig) *Subscriber {
	tb.Helper()
	s, err := NewSubscriber(cfg, testLogger())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

// groupPerTopic is a message.Subscriber that gives each topic its own consumer group,
// prefix.topic. The universal suite uses one subscriber constructor for all its parallel tests,
// each on its own topic; with one shared group every join in any test would rebalance the
// members of all the others.
type groupPerTopic struct {
	cfg    SubscriberConfig
	mu     sync.Mutex
	subs   map[string]*Subscriber
	closed bool
}

func (g *groupPerTopic) subscriber(topic string) (*Subscriber, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return nil, ErrSubscriberClosed
	}
	if s, ok := g.subs[topic]; ok {
		return s, nil
	}
	cfg := g.cfg
	cfg.ConsumerGroup = fmt.Sprintf("%s.%s", g.cfg.ConsumerGroup, topic)
	s, err := NewSubscriber(cfg, testLogger())
	if err != nil {
		return nil, err
	}
	if g.subs == nil {
		g.subs = map[string]*Subscriber{}
	}
	g.subs[topic] = s
	return s, nil
}

func (g *groupPerTopic) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	s, err := g.subscriber(topic)
	if err != nil {
		return nil, err
	}
	return s.Subscribe(ctx, topic)
}

func (g *groupPerTopic) SubscribeInitialize(topic string) error {
	s, err := g.subscriber(topic)
	if err != nil {
		return err
	}
	return s.SubscribeInitialize(topic)
}

func (g *groupPerTopic) Close() error {
	g.mu.Lock()
	g.closed = true
	subs := g.subs
	g.mu.Unlock()
	var wg sync.WaitGroup
	for _, s := range subs {
		wg.Go(func() { _ = s.Close() })
	}
	wg.Wait()
	return nil
}

// receive reads n messages from ch, acking each, or fails the test after timeout.
func receive(tb testing.TB, ch <-chan *message.Message, n int, timeout time.Duration) []*message.Message {
	tb.Helper()
	var got []*message.Message
	deadline := time.After(timeout)
	for len(got) < n {
		select {
		case m, ok := <-ch:
			if !ok {
				tb.Fatalf("channel closed after %d of %d messages", len(got), n)
			}
			got = append(got, m)
			m.Ack()
		case <-deadline:
			tb.Fatalf("received %d of %d messages in %s", len(got), n, timeout)
		}
	}
	return got
}

func newTopic(prefix string) string { return prefix + "-" + watermill.NewShortUUID() }
