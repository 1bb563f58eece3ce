package kafka

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	kafkago "github.com/segmentio/kafka-go"
)

// ErrPublisherClosed is returned by Publish after Close.
var ErrPublisherClosed = errors.New("kafka: publisher closed")

var _ message.Publisher = (*Publisher)(nil)

// Publisher writes watermill messages to Kafka through one kafka-go Writer shared by all
// topics. It is safe for concurrent use; concurrent Publish calls share batches.
type Publisher struct {
	cfg       PublisherConfig
	logger    watermill.LoggerAdapter
	writer    *kafkago.Writer
	ownsTrans bool

	mu     sync.RWMutex // held for reading by each Publish, for writing by Close
	closed bool
}

// NewPublisher validates cfg, applies its defaults and returns a Publisher. It does not dial:
// the first Publish connects. A nil logger logs nothing. The caller closes the Publisher.
func NewPublisher(cfg PublisherConfig, logger watermill.LoggerAdapter) (*Publisher, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	if logger == nil {
		logger = watermill.NopLogger{}
	}
	p := &Publisher{cfg: cfg, logger: logger}
	transport := cfg.Transport
	if transport == nil {
		transport, p.ownsTrans = &kafkago.Transport{}, true
	}
	p.writer = &kafkago.Writer{
		Addr:                   kafkago.TCP(cfg.Brokers...),
		Balancer:               cfg.Balancer,
		BatchTimeout:           cfg.BatchTimeout,
		RequiredAcks:           cfg.RequiredAcks,
		AllowAutoTopicCreation: cfg.AutoCreateTopics,
		Transport:              transport,
		ErrorLogger:            errorLogger(logger),
		// Topic stays empty: each record names its own, so one writer (and its connections
		// and batches) serves every topic.
	}
	return p, nil
}

// Publish writes msgs to topic and returns once the brokers have acknowledged all of them
// (RequiredAcks) or one has failed. The messages are batched together; their order is kept
// among messages with the same key. On error some messages may have been written: publishing
// again is at-least-once, and consumers dedupe by UUID or event id.
func (p *Publisher) Publish(topic string, msgs ...*message.Message) error {
	if topic == "" {
		return errors.New("kafka: publish: topic is empty")
	}
	if len(msgs) == 0 {
		return nil
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closed {
		return ErrPublisherClosed
	}
	records := make([]kafkago.Message, len(msgs))
	for i, msg := range msgs {
		records[i] = toKafka(topic, msg)
	}
	// The messages' own contexts are ignored: one cancelled context must not abort a batch
	// that other messages share. The writer's own timeouts and retries bound the call.
	if err := p.writer.WriteMessages(context.Background(), records...); err != nil {
		return fmt.Errorf("kafka: publish %d messages to %s: %w", len(msgs), topic, err)
	}
	p.logger.Trace("kafka: published", watermill.LogFields{"topic": topic, "messages": len(msgs)})
	return nil
}

// Close waits for Publish calls under way, flushes the writer and releases its connections.
// It is idempotent; Publish after Close returns ErrPublisherClosed.
func (p *Publisher) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil
	}
	p.closed = true
	err := p.writer.Close()
	if p.ownsTrans {
		p.writer.Transport.(*kafkago.Transport).CloseIdleConnections()
	}
	if err != nil {
		return fmt.Errorf("kafka: close publisher: %w", err)
	}
	return nil
}

// errorLogger routes kafka-go's error log into watermill's logger.
func errorLogger(logger watermill.LoggerAdapter) kafkago.Logger {
	return kafkago.LoggerFunc(func(format string, args ...any) {
		logger.Error("kafka-go", errors.New(fmt.Sprintf(format, args...)), nil)
	})
}
