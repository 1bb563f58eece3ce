package kafka

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	kafkago "github.com/segmentio/kafka-go"
)

// keyedMessages returns n messages whose payload is their index and whose key cycles through
// keys stream IDs, block-B00 … block-B(keys-1).
func keyedMessages(n, keys int) []*message.Message {
	msgs := make([]*message.Message, n)
	for i := range msgs {
		msgs[i] = message.NewMessage(watermill.NewUUID(), []byte(strconv.Itoa(i)))
		msgs[i].Metadata.Set(KeyMetadata, fmt.Sprintf("block-B%02d", i%keys))
	}
	return msgs
}

// TestResumeAfterRestart closes a group member in mid-stream, with one message delivered but not
// acked, and checks that its successor in the group starts exactly after the acked messages:
// nothing lost, nothing acked twice, the unacked message delivered again.
func TestResumeAfterRestart(t *testing.T) {
	t.Parallel()
	brokers := startCluster(t, 3)
	topic := newTopic("resume")
	const total, firstRun = 300, 120
	if err := newTestPublisher(t, brokers).Publish(topic, keyedMessages(total, 10)...); err != nil {
		t.Fatal(err)
	}
	cfg := testSubscriberConfig(brokers, "resume")

	sub1 := newTestSubscriber(t, cfg)
	ch1, err := sub1.Subscribe(context.Background(), topic)
	if err != nil {
		t.Fatal(err)
	}
	acked := map[string]bool{}
	for _, m := range receive(t, ch1, firstRun, 30*time.Second) {
		if acked[m.UUID] {
			t.Fatalf("first member delivered %s twice", m.UUID)
		}
		acked[m.UUID] = true
	}
	var held *message.Message
	select {
	case held = <-ch1: // delivered, never acked
	case <-time.After(10 * time.Second):
		t.Fatal("no message after the acked ones")
	}
	if err := sub1.Close(); err != nil {
		t.Fatal(err)
	}
	if _, open := <-ch1; open {
		t.Fatal("channel still open after Close")
	}

	sub2 := newTestSubscriber(t, cfg)
	ch2, err := sub2.Subscribe(context.Background(), topic)
	if err != nil {
		t.Fatal(err)
	}
	second := map[string]bool{}
	for _, m := range receive(t, ch2, total-firstRun, 30*time.Second) {
		switch {
		case acked[m.UUID]:
			t.Errorf("message %s acked by the first member was delivered again", m.UUID)
		case second[m.UUID]:
			t.Errorf("second member delivered %s twice", m.UUID)
		}
		second[m.UUID] = true
	}
	if !second[held.UUID] {
		t.Errorf("unacked message %s was not delivered again", held.UUID)
	}
	select {
	case m := <-ch2:
		t.Errorf("unexpected extra message %s (payload %s)", m.UUID, m.Payload)
	case <-time.After(300 * time.Millisecond):
	}
}

// TestCloseWaitsForTheHandler: a message the handler holds when the subscriber closes has its
// context cancelled (watermill's contract), yet Close waits for the handler's answer, and an ack
// that comes within CloseGrace is committed: the next member starts after it.
func TestCloseWaitsForTheHandler(t *testing.T) {
	t.Parallel()
	brokers := startCluster(t, 1)
	topic := newTopic("grace")
	if err := newTestPublisher(t, brokers).Publish(topic, keyedMessages(3, 1)...); err != nil {
		t.Fatal(err)
	}
	cfg := testSubscriberConfig(brokers, "grace")
	cfg.CloseGrace = 30 * time.Second

	sub1 := newTestSubscriber(t, cfg)
	ch1, err := sub1.Subscribe(context.Background(), topic)
	if err != nil {
		t.Fatal(err)
	}
	first := receive(t, ch1, 1, 30*time.Second)[0]
	var held *message.Message
	select {
	case held = <-ch1:
	case <-time.After(10 * time.Second):
		t.Fatal("no second message")
	}
	closed := make(chan error, 1)
	go func() { closed <- sub1.Close() }()
	select {
	case <-held.Context().Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the held message's context was not cancelled by Close")
	}
	select { // the handler takes its time: Close must wait for it
	case err := <-closed:
		t.Fatalf("Close returned (%v) while the handler still held a message", err)
	case <-time.After(300 * time.Millisecond):
	}
	held.Ack()
	if err := <-closed; err != nil {
		t.Fatal(err)
	}

	sub2 := newTestSubscriber(t, cfg)
	ch2, err := sub2.Subscribe(context.Background(), topic)
	if err != nil {
		t.Fatal(err)
	}
	next := receive(t, ch2, 1, 30*time.Second)[0]
	if next.UUID == first.UUID || next.UUID == held.UUID {
		t.Fatalf("the next member got %s again: the ack given during Close was not committed", next.UUID)
	}
}

// keyForPartition returns a key that the default balancer puts on partition p of n.
func keyForPartition(p, n int) string {
	parts := make([]int, n)
	for i := range parts {
		parts[i] = i
	}
	for i := 0; ; i++ {
		k := "block-B" + strconv.Itoa(i)
		if (kafkago.Murmur2Balancer{}).Balance(kafkago.Message{Key: []byte(k)}, parts...) == p {
			return k
		}
	}
}

// TestGroupSplitsPartitions runs two subscribers in one group on a 4-partition topic and checks
// that, once both have joined, each partition is read by exactly one of them and each reads some.
func TestGroupSplitsPartitions(t *testing.T) {
	t.Parallel()
	const partitions = 4
	brokers := startCluster(t, partitions)
	topic := newTopic("split")
	pub := newTestPublisher(t, brokers)
	cfg := testSubscriberConfig(brokers, "split")

	type delivery struct {
		sub   int
		pos   Position
		phase string
	}
	deliveries := make(chan delivery, 10_000)
	for i := range 2 {
		ch, err := newTestSubscriber(t, cfg).Subscribe(context.Background(), topic)
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			for m := range ch {
				pos, ok := PositionFromContext(m.Context())
				if !ok {
					t.Error("message without a Kafka position")
				}
				deliveries <- delivery{sub: i, pos: pos, phase: m.Metadata.Get("phase")}
				m.Ack()
			}
		}()
	}
	publishRound := func(phase string, perPartition int) {
		var msgs []*message.Message
		for p := range partitions {
			for range perPartition {
				m := message.NewMessage(watermill.NewUUID(), []byte("x"))
				m.Metadata.Set(KeyMetadata, keyForPartition(p, partitions))
				m.Metadata.Set("phase", phase)
				msgs = append(msgs, m)
			}
		}
		if err := pub.Publish(topic, msgs...); err != nil {
			t.Fatal(err)
		}
	}

	// Warm up until both members have been assigned something.
	var seen [2]bool
	deadline := time.After(30 * time.Second)
	for !seen[0] || !seen[1] {
		publishRound("warmup", 1)
		tick := time.After(100 * time.Millisecond)
	drain:
		for {
			select {
			case d := <-deliveries:
				seen[d.sub] = true
			case <-tick:
				break drain
			case <-deadline:
				t.Fatalf("both members never received messages: %v", seen)
			}
		}
	}

	const perPartition = 100
	publishRound("measure", perPartition)
	owners := map[int]map[int]bool{} // partition → subscribers
	count := map[int]int{}
	deadline = time.After(30 * time.Second)
	for n := 0; n < partitions*perPartition; {
		select {
		case d := <-deliveries:
			if d.phase != "measure" {
				continue
			}
			n++
			count[d.pos.Partition]++
			if owners[d.pos.Partition] == nil {
				owners[d.pos.Partition] = map[int]bool{}
			}
			owners[d.pos.Partition][d.sub] = true
		case <-deadline:
			t.Fatalf("received %d of %d messages", n, partitions*perPartition)
		}
	}
	perSub := map[int]int{}
	for p := range partitions {
		if len(owners[p]) != 1 {
			t.Errorf("partition %d read by %d members, want 1", p, len(owners[p]))
		}
		if count[p] != perPartition {
			t.Errorf("partition %d: %d messages, want %d", p, count[p], perPartition)
		}
		for s := range owners[p] {
			perSub[s]++
		}
	}
	if perSub[0] == 0 || perSub[1] == 0 {
		t.Errorf("partitions per member = %v, want both members to read some", perSub)
	}
}

// TestKeyedOrder checks that messages with the same key arrive in publish order, and that each
// key stays on the partition that a Java producer (murmur2) would pick.
func TestKeyedOrder(t *testing.T) {
	t.Parallel()
	const partitions, keys, total = 4, 20, 2000
	brokers := startCluster(t, partitions)
	topic := newTopic("order")
	pub := newTestPublisher(t, brokers)
	msgs := keyedMessages(total, keys)
	for i := 0; i < total; i += 100 {
		if err := pub.Publish(topic, msgs[i:i+100]...); err != nil {
			t.Fatal(err)
		}
	}
	ch, err := newTestSubscriber(t, testSubscriberConfig(brokers, "order")).Subscribe(context.Background(), topic)
	if err != nil {
		t.Fatal(err)
	}
	last := map[string]int{}
	partitionOf := map[string]int{}
	for _, m := range receive(t, ch, total, 30*time.Second) {
		key := m.Metadata.Get(KeyMetadata)
		seq, err := strconv.Atoi(string(m.Payload))
		if err != nil {
			t.Fatal(err)
		}
		if prev, ok := last[key]; ok && seq <= prev {
			t.Errorf("key %s: message %d after %d", key, seq, prev)
		}
		last[key] = seq
		pos, _ := PositionFromContext(m.Context())
		want := (kafkago.Murmur2Balancer{}).Balance(kafkago.Message{Key: []byte(key)}, 0, 1, 2, 3)
		if pos.Partition != want {
			t.Errorf("key %s on partition %d, murmur2 says %d", key, pos.Partition, want)
		}
		if p, ok := partitionOf[key]; ok && p != pos.Partition {
			t.Errorf("key %s on partitions %d and %d", key, p, pos.Partition)
		}
		partitionOf[key] = pos.Partition
	}
	if len(last) != keys {
		t.Errorf("got %d keys, want %d", len(last), keys)
	}
}

// TestNackRedelivers checks that a nacked message comes back, the same record, before anything
// after it.
func TestNackRedelivers(t *testing.T) {
	t.Parallel()
	brokers := startCluster(t, 1)
	topic := newTopic("nack")
	msgs := keyedMessages(3, 1)
	if err := newTestPublisher(t, brokers).Publish(topic, msgs...); err != nil {
		t.Fatal(err)
	}
	ch, err := newTestSubscriber(t, testSubscriberConfig(brokers, "nack")).Subscribe(context.Background(), topic)
	if err != nil {
		t.Fatal(err)
	}
	next := func() *message.Message {
		select {
		case m := <-ch:
			return m
		case <-time.After(10 * time.Second):
			t.Fatal("no message")
			return nil
		}
	}
	for attempt := range 3 {
		m := next()
		if m.UUID != msgs[0].UUID {
			t.Fatalf("attempt %d: got %s, want the nacked %s", attempt, m.UUID, msgs[0].UUID)
		}
		if pos, _ := PositionFromContext(m.Context()); pos.Offset != 0 {
			t.Fatalf("attempt %d: offset %d, want 0", attempt, pos.Offset)
		}
		if attempt < 2 {
			m.Nack()
		} else {
			m.Ack()
		}
	}
	for _, want := range msgs[1:] {
		m := next()
		if m.UUID != want.UUID {
			t.Fatalf("got %s, want %s", m.UUID, want.UUID)
		}
		m.Ack()
	}
}

// TestForeignRecord reads a record written by a plain producer (no watermill headers), as a
// terminal's system would send it.
func TestForeignRecord(t *testing.T) {
	t.Parallel()
	brokers := startCluster(t, 1)
	topic := newTopic("foreign")
	w := &kafkago.Writer{Addr: kafkago.TCP(brokers...), AllowAutoTopicCreation: true, BatchTimeout: time.Millisecond}
	defer w.Close()
	err := w.WriteMessages(context.Background(), kafkago.Message{
		Topic:   topic,
		Key:     []byte("block-B07"),
		Value:   []byte(`{"type":"yard.ContainerStacked"}`),
		Headers: []kafkago.Header{{Key: "ce_type", Value: []byte("yard.ContainerStacked")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg := testSubscriberConfig(brokers, "")
	ch, err := newTestSubscriber(t, cfg).Subscribe(context.Background(), topic)
	if err != nil {
		t.Fatal(err)
	}
	m := receive(t, ch, 1, 10*time.Second)[0]
	if want := topic + "/0/0"; m.UUID != want {
		t.Errorf("UUID = %q, want %q", m.UUID, want)
	}
	if got := m.Metadata.Get(KeyMetadata); got != "block-B07" {
		t.Errorf("%s = %q, want block-B07", KeyMetadata, got)
	}
	if got := m.Metadata.Get("ce_type"); got != "yard.ContainerStacked" {
		t.Errorf("ce_type = %q", got)
	}
}

func TestClosed(t *testing.T) {
	t.Parallel()
	brokers := []string{"127.0.0.1:1"} // never dialled
	pub, err := NewPublisher(testPublisherConfig(brokers), nil)
	if err != nil {
		t.Fatal(err)
	}
	sub, err := NewSubscriber(testSubscriberConfig(brokers, "g"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // Close is idempotent
		if err := pub.Close(); err != nil {
			t.Fatal(err)
		}
		if err := sub.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if err := pub.Publish("t", message.NewMessage("1", nil)); err != ErrPublisherClosed {
		t.Errorf("Publish after Close = %v, want ErrPublisherClosed", err)
	}
	if _, err := sub.Subscribe(context.Background(), "t"); err != ErrSubscriberClosed {
		t.Errorf("Subscribe after Close = %v, want ErrSubscriberClosed", err)
	}
}
