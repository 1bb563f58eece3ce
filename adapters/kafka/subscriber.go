package kafka

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	kafkago "github.com/segmentio/kafka-go"
)

// ErrSubscriberClosed is returned by Subscribe after Close.
var ErrSubscriberClosed = errors.New("kafka: subscriber closed")

var (
	_ message.Subscriber           = (*Subscriber)(nil)
	_ message.SubscribeInitializer = (*Subscriber)(nil)
)

// fetchRetryPause is the pause after a failed fetch before the next try; kafka-go has already
// retried inside the fetch.
const fetchRetryPause = 500 * time.Millisecond

// Subscriber reads watermill messages from Kafka. Each Subscribe call is its own kafka-go reader
// (with a group: its own group member) and delivers one message at a time; see doc.go for the
// guarantees. It is safe for concurrent use.
type Subscriber struct {
	cfg       SubscriberConfig
	logger    watermill.LoggerAdapter
	transport *kafkago.Transport // topic creation and metadata only; readers dial with cfg.Dialer
	admin     *kafkago.Client

	closing chan struct{}
	mu      sync.Mutex // guards closed and the wg.Add that follows the check
	closed  bool
	subs    sync.WaitGroup
}

// NewSubscriber validates cfg, applies its defaults and returns a Subscriber. It does not dial:
// Subscribe does. A nil logger logs nothing. The caller closes the Subscriber.
func NewSubscriber(cfg SubscriberConfig, logger watermill.LoggerAdapter) (*Subscriber, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	if logger == nil {
		logger = watermill.NopLogger{}
	}
	transport := &kafkago.Transport{}
	if d := cfg.Dialer; d != nil {
		transport = &kafkago.Transport{
			Dial: d.DialFunc, DialTimeout: d.Timeout, ClientID: d.ClientID, TLS: d.TLS, SASL: d.SASLMechanism,
		}
	}
	return &Subscriber{
		cfg:       cfg,
		logger:    logger,
		transport: transport,
		admin:     &kafkago.Client{Addr: kafkago.TCP(cfg.Brokers...), Transport: transport},
		closing:   make(chan struct{}),
	}, nil
}

// Subscribe starts reading topic and returns the channel of its messages. The next message is
// sent only after the previous one is acked or nacked; an ack commits its offset (batched by
// CommitInterval), a nack sends the same message again after NackResendSleep. The channel is
// closed when ctx is done or the Subscriber is closed.
func (s *Subscriber) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	if topic == "" {
		return nil, errors.New("kafka: subscribe: topic is empty")
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, ErrSubscriberClosed
	}
	s.subs.Add(1)
	s.mu.Unlock()

	ctx, cancel := context.WithCancel(ctx)
	go func() { // Close ends the subscription, even one still being opened
		select {
		case <-s.closing:
			cancel()
		case <-ctx.Done():
		}
	}()
	src, err := s.open(ctx, topic)
	if err != nil {
		cancel()
		s.subs.Done()
		return nil, err
	}

	out := make(chan *message.Message)
	go func() {
		defer s.subs.Done()
		defer close(out)
		defer src.close() // after the last commit: closing a reader flushes its pending commits
		defer cancel()
		s.consume(ctx, topic, src, out)
	}()
	return out, nil
}

// SubscribeInitialize creates topic with TopicPartitions partitions and TopicReplicationFactor
// replicas, whether or not InitializeTopics is set. An existing topic is left as it is.
func (s *Subscriber) SubscribeInitialize(topic string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return s.createTopic(ctx, topic)
}

// Close stops every subscription, commits the offsets of acked messages, leaves the groups and
// waits for all of it. Messages delivered but not yet acked are not committed and will be
// delivered again to whoever reads the partition next. Close is idempotent.
func (s *Subscriber) Close() error {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.closing)
	}
	s.mu.Unlock()
	s.subs.Wait()
	s.transport.CloseIdleConnections()
	return nil
}

// source is where one subscription's records come from: a group reader, or one reader per
// partition merged.
type source interface {
	fetch(ctx context.Context) (kafkago.Message, error)
	commit(m kafkago.Message) error
	close()
}

func (s *Subscriber) open(ctx context.Context, topic string) (source, error) {
	if s.cfg.InitializeTopics {
		if err := s.createTopic(ctx, topic); err != nil {
			return nil, err
		}
	}
	if s.cfg.ConsumerGroup != "" {
		rc := s.readerConfig(topic)
		rc.GroupID = s.cfg.ConsumerGroup
		rc.WatchPartitionChanges = true
		if err := rc.Validate(); err != nil { // kafkago.NewReader panics on an invalid config
			return nil, fmt.Errorf("kafka: subscribe %s: %w", topic, err)
		}
		// Commits outlive the subscription's context: an ack that raced with Close must still
		// be committed. They give up a session timeout after it, when the member has lost its
		// partitions anyway.
		commitCtx, cancelCommits := context.WithCancel(context.WithoutCancel(ctx))
		context.AfterFunc(ctx, func() { time.AfterFunc(s.cfg.SessionTimeout, cancelCommits) })
		g := &groupSource{
			r:           kafkago.NewReader(rc),
			commitCtx:   commitCtx,
			syncCommits: s.cfg.CommitInterval < 0,
			logger:      s.logger,
			fields:      watermill.LogFields{"topic": topic, "consumer_group": s.cfg.ConsumerGroup},
			pending:     map[int]kafkago.Message{},
			stop:        make(chan struct{}),
			done:        make(chan struct{}),
		}
		if g.syncCommits {
			close(g.done)
		} else {
			go g.handLoop()
		}
		return g, nil
	}
	return s.openPartitions(ctx, topic)
}

func (s *Subscriber) readerConfig(topic string) kafkago.ReaderConfig {
	commitInterval := s.cfg.CommitInterval
	if commitInterval < 0 {
		commitInterval = 0 // kafka-go: zero commits synchronously
	}
	return kafkago.ReaderConfig{
		Brokers:           s.cfg.Brokers,
		Topic:             topic,
		Dialer:            s.cfg.Dialer,
		MinBytes:          s.cfg.MinBytes,
		MaxBytes:          s.cfg.MaxBytes,
		MaxWait:           s.cfg.MaxWait,
		CommitInterval:    commitInterval,
		SessionTimeout:    s.cfg.SessionTimeout,
		HeartbeatInterval: s.cfg.HeartbeatInterval,
		RebalanceTimeout:  s.cfg.RebalanceTimeout,
		StartOffset:       s.cfg.StartOffset,
		ErrorLogger:       errorLogger(s.logger),
	}
}

// consume fetches, delivers and commits until ctx is done.
func (s *Subscriber) consume(ctx context.Context, topic string, src source, out chan<- *message.Message) {
	fields := watermill.LogFields{"topic": topic, "consumer_group": s.cfg.ConsumerGroup}
	var held *kafkago.Message // a record fetched while filling a batch that could not join it
	for {
		var km kafkago.Message
		if held != nil {
			km, held = *held, nil
		} else {
			var err error
			km, err = src.fetch(ctx)
			if err != nil {
				if ctx.Err() != nil || errors.Is(err, io.EOF) {
					return
				}
				s.logger.Error("kafka: fetch failed, retrying", err, fields)
				if !sleep(ctx, fetchRetryPause) {
					return
				}
				continue
			}
		}
		batch := []kafkago.Message{km}
		if s.cfg.BatchRecords > 1 {
			batch, held = s.fill(ctx, src, batch)
		}
		if !s.deliver(ctx, batch, out) {
			return
		}
		for _, last := range lastPerPartition(batch) {
			if err := src.commit(last); err != nil {
				// Not fatal: a later commit covers this offset, and if none comes the message is
				// delivered again (at-least-once).
				s.logger.Error("kafka: commit failed", err, fields.Add(watermill.LogFields{
					"partition": last.Partition, "offset": last.Offset,
				}))
			}
		}
	}
}

// fill adds to batch the records that are already there or come within BatchLinger, while they
// carry the first record's headers and hold a JSON object. Records of several partitions may share
// a batch: they stay in the order fetched, which keeps each partition's offset order. The record
// that stops the batch is returned as held, to start the next one.
func (s *Subscriber) fill(ctx context.Context, src source, batch []kafkago.Message) ([]kafkago.Message, *kafkago.Message) {
	first := batch[0]
	if !jsonObject(first.Value) {
		return batch, nil
	}
	for len(batch) < s.cfg.BatchRecords {
		lctx, cancel := context.WithTimeout(ctx, s.cfg.BatchLinger)
		next, err := src.fetch(lctx) // a fetch that times out loses nothing: it reads a channel
		cancel()
		if err != nil {
			return batch, nil
		}
		if !sameHeaders(first.Headers, next.Headers) || !jsonObject(next.Value) {
			return batch, &next
		}
		batch = append(batch, next)
	}
	return batch, nil
}

// lastPerPartition returns the last record of each partition in batch, whose commit covers the rest.
func lastPerPartition(batch []kafkago.Message) []kafkago.Message {
	if len(batch) == 1 {
		return batch
	}
	last := map[int]kafkago.Message{}
	for _, m := range batch {
		last[m.Partition] = m
	}
	out := make([]kafkago.Message, 0, len(last))
	for _, m := range last {
		out = append(out, m)
	}
	return out
}

// jsonObject reports whether v is one JSON object, the form one event takes.
func jsonObject(v []byte) bool {
	v = bytes.TrimLeft(v, " \t\r\n")
	return len(v) > 0 && v[0] == '{' && json.Valid(v)
}

// sameHeaders reports whether two records carry the same headers, the watermill UUID aside.
func sameHeaders(a, b []kafkago.Header) bool {
	count := func(hs []kafkago.Header) int {
		n := 0
		for _, h := range hs {
			if h.Key != UUIDHeader {
				n++
			}
		}
		return n
	}
	if count(a) != count(b) {
		return false
	}
	for _, h := range a {
		if h.Key == UUIDHeader {
			continue
		}
		found := false
		for _, g := range b {
			if g.Key == h.Key && string(g.Value) == string(h.Value) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// deliver sends a batch of records as one watermill message until it is acked (true) or ctx is
// done (false). Each attempt is a fresh message, as watermill messages cannot be acked twice. When
// the subscription closes while the handler holds a message, the message's context is cancelled (as
// watermill's contract asks) and deliver waits up to CloseGrace for the handler's answer, so that a
// batch the handler goes on storing is committed.
func (s *Subscriber) deliver(ctx context.Context, batch []kafkago.Message, out chan<- *message.Message) bool {
	km := batch[0]
	posCtx := context.WithValue(ctx, positionKey{}, Position{Topic: km.Topic, Partition: km.Partition, Offset: km.Offset})
	for {
		msg := fromKafka(km)
		if s.cfg.BatchRecords > 1 {
			markBatch(msg, batch)
		}
		msgCtx, cancel := context.WithCancel(posCtx)
		msg.SetContext(msgCtx)
		select {
		case out <- msg:
		case <-ctx.Done():
			cancel()
			return false
		}
		select {
		case <-msg.Acked():
			cancel()
			return true
		case <-msg.Nacked():
			cancel()
			if s.cfg.NackResendSleep > 0 && !sleep(ctx, s.cfg.NackResendSleep) {
				return false
			}
		case <-ctx.Done():
			acked := s.awaitAnswer(msg)
			cancel()
			return acked
		}
	}
}

// awaitAnswer waits up to CloseGrace for the handler's answer to msg, once the subscription is
// closing: true if it acked.
func (s *Subscriber) awaitAnswer(msg *message.Message) bool {
	if s.cfg.CloseGrace < 0 {
		select {
		case <-msg.Acked():
			return true
		default:
			return false
		}
	}
	grace := time.NewTimer(s.cfg.CloseGrace)
	defer grace.Stop()
	select {
	case <-msg.Acked():
		return true
	case <-msg.Nacked():
		return false
	case <-grace.C:
		return false
	}
}

func (s *Subscriber) createTopic(ctx context.Context, topic string) error {
	tc := kafkago.TopicConfig{Topic: topic, NumPartitions: -1, ReplicationFactor: -1} // -1: broker default (KIP-464)
	if s.cfg.TopicPartitions > 0 {
		tc.NumPartitions = int(s.cfg.TopicPartitions)
	}
	if s.cfg.TopicReplicationFactor > 0 {
		tc.ReplicationFactor = int(s.cfg.TopicReplicationFactor)
	}
	resp, err := s.admin.CreateTopics(ctx, &kafkago.CreateTopicsRequest{Topics: []kafkago.TopicConfig{tc}})
	if err == nil {
		err = resp.Errors[topic]
	}
	if err != nil && !errors.Is(err, kafkago.TopicAlreadyExists) {
		return fmt.Errorf("kafka: create topic %s: %w", topic, err)
	}
	return nil
}

// handInterval is how often acked offsets are handed to the kafka-go reader, which commits them
// every CommitInterval, on Close and when the group rebalances. Handing acks over one by one
// costs a goroutine switch per message and about a third of the throughput.
const handInterval = 20 * time.Millisecond

// groupSource reads through one consumer-group reader, which merges the partitions that the
// group assigns to it and owns the offset commits.
type groupSource struct {
	r           *kafkago.Reader
	commitCtx   context.Context
	syncCommits bool // CommitInterval < 0: each ack commits before the next fetch
	logger      watermill.LoggerAdapter
	fields      watermill.LogFields

	mu      sync.Mutex
	pending map[int]kafkago.Message // newest acked record per partition, not yet handed over
	stop    chan struct{}
	done    chan struct{}
}

func (g *groupSource) fetch(ctx context.Context) (kafkago.Message, error) {
	return g.r.FetchMessage(ctx)
}

func (g *groupSource) commit(m kafkago.Message) error {
	if g.syncCommits {
		return g.r.CommitMessages(g.commitCtx, m)
	}
	// Acks come in order within a subscription, so the newest is the highest offset.
	g.mu.Lock()
	g.pending[m.Partition] = m
	g.mu.Unlock()
	return nil
}

func (g *groupSource) handLoop() {
	defer close(g.done)
	t := time.NewTicker(handInterval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			g.hand()
		case <-g.stop:
			return
		}
	}
}

// hand passes the pending offsets to the reader's commit queue.
func (g *groupSource) hand() {
	g.mu.Lock()
	if len(g.pending) == 0 {
		g.mu.Unlock()
		return
	}
	msgs := make([]kafkago.Message, 0, len(g.pending))
	for _, m := range g.pending {
		msgs = append(msgs, m)
	}
	clear(g.pending)
	g.mu.Unlock()
	if err := g.r.CommitMessages(g.commitCtx, msgs...); err != nil {
		g.logger.Error("kafka: commit failed", err, g.fields)
	}
}

// close hands over the last acks, then closes the reader, which commits them and leaves the group.
func (g *groupSource) close() {
	if !g.syncCommits {
		close(g.stop)
		<-g.done
		g.hand()
	}
	_ = g.r.Close() // kafka-go's Close always returns nil
}

// partitionSource reads every partition of a topic without a group: one reader per partition,
// merged into one channel. Partitions added to the topic later are not read.
type partitionSource struct {
	readers []*kafkago.Reader
	msgs    chan kafkago.Message
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

func (s *Subscriber) openPartitions(ctx context.Context, topic string) (source, error) {
	md, err := s.admin.Metadata(ctx, &kafkago.MetadataRequest{Topics: []string{topic}})
	if err != nil {
		return nil, fmt.Errorf("kafka: subscribe %s: read partitions: %w", topic, err)
	}
	if len(md.Topics) != 1 || md.Topics[0].Error != nil || len(md.Topics[0].Partitions) == 0 {
		var terr error = errors.New("no partitions")
		if len(md.Topics) == 1 && md.Topics[0].Error != nil {
			terr = md.Topics[0].Error
		}
		return nil, fmt.Errorf("kafka: subscribe %s: read partitions: %w", topic, terr)
	}
	rc := s.readerConfig(topic)
	if err := rc.Validate(); err != nil { // kafkago.NewReader panics on an invalid config
		return nil, fmt.Errorf("kafka: subscribe %s: %w", topic, err)
	}
	ctx, cancel := context.WithCancel(context.Background()) // lives until close, not Subscribe's ctx
	p := &partitionSource{msgs: make(chan kafkago.Message), cancel: cancel}
	for _, part := range md.Topics[0].Partitions {
		rc.Partition = part.ID
		r := kafkago.NewReader(rc)
		if s.cfg.StartOffset == kafkago.LastOffset {
			_ = r.SetOffset(kafkago.LastOffset) // errors only on a group reader or a closed one
		}
		p.readers = append(p.readers, r)
		p.wg.Add(1)
		go p.pump(ctx, r, s.logger, watermill.LogFields{"topic": topic, "partition": part.ID})
	}
	return p, nil
}

func (p *partitionSource) pump(ctx context.Context, r *kafkago.Reader, logger watermill.LoggerAdapter, fields watermill.LogFields) {
	defer p.wg.Done()
	for {
		m, err := r.FetchMessage(ctx)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, io.EOF) {
				return
			}
			logger.Error("kafka: fetch failed, retrying", err, fields)
			if !sleep(ctx, fetchRetryPause) {
				return
			}
			continue
		}
		select {
		case p.msgs <- m:
		case <-ctx.Done():
			return
		}
	}
}

func (p *partitionSource) fetch(ctx context.Context) (kafkago.Message, error) {
	select {
	case m := <-p.msgs:
		return m, nil
	case <-ctx.Done():
		return kafkago.Message{}, ctx.Err()
	}
}

func (p *partitionSource) commit(kafkago.Message) error { return nil } // no group, nothing to commit to

func (p *partitionSource) close() {
	p.cancel()
	p.wg.Wait()
	var wg sync.WaitGroup
	for _, r := range p.readers {
		wg.Go(func() { _ = r.Close() }) // each may wait out a fetch (MaxWait): in parallel
	}
	wg.Wait()
}

// sleep waits for d and reports whether ctx is still live.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
