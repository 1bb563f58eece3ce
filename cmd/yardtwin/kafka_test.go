package main

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/yardtwin/yardtwin/adapters/bolt"
	"github.com/yardtwin/yardtwin/adapters/ingest"
	"github.com/yardtwin/yardtwin/domain/intake"
	"github.com/yardtwin/yardtwin/domain/yard"
)

// startKafka starts an in-process Kafka wire peer and returns its bootstrap address.
func startKafka(t testing.TB) string {
	t.Helper()
	return startKafkaCluster(t).ListenAddrs()[0]
}

// startKafkaCluster starts an in-process Kafka wire peer of one broker whose topics get four
// partitions, for tests that also watch the requests it serves.
func startKafkaCluster(t testing.TB) *kfake.Cluster {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation(), kfake.DefaultNumPartitions(4))
	if err != nil {
		t.Fatalf("kfake: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

// produce writes values to topic keyed as a terminal's producer would: by the event's stream.
func produce(t testing.TB, broker, topic string, msgs []kafkago.Message) {
	t.Helper()
	w := &kafkago.Writer{
		Addr: kafkago.TCP(broker), Topic: topic, Balancer: &kafkago.Murmur2Balancer{},
		BatchTimeout: 5 * time.Millisecond, RequiredAcks: kafkago.RequireAll, AllowAutoTopicCreation: true,
	}
	defer w.Close()
	for lo := 0; lo < len(msgs); lo += 1000 {
		if err := w.WriteMessages(context.Background(), msgs[lo:min(lo+1000, len(msgs))]...); err != nil {
			t.Fatalf("produce: %v", err)
		}
	}
}

// stackRecords are n good stacking events as Kafka records, keyed by their stream, with ids prefix-k.
func stackRecords(prefix, owner string, n int) []kafkago.Message {
	at := testDay
	out := make([]kafkago.Message, n)
	for k := range out {
		c := box(owner, k)
		out[k] = kafkago.Message{Key: []byte(yard.ContainerStream(c)), Value: stackEvent(fmt.Sprintf("%s-%d", prefix, k), c, k, at.Add(time.Duration(k)*time.Second))}
	}
	return out
}

// waitIngested waits until the twin has settled n events from its buses.
func waitIngested(t testing.TB, base string, n uint64) ingest.Stats {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	var s ingest.Stats
	for time.Now().Before(deadline) {
		getJSON(t, base+"api/v1/ingest", &s)
		if s.Received >= n {
			return s
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("only %d of %d events settled within 60 s: %+v", s.Received, n, s)
	return s
}

// TestKafkaIngest feeds the twin from Kafka: good events are stored, a malformed record is kept as
// a dead letter (listed, and published to the DLQ topic with its bytes and reasons) while the
// records after it are stored, and a re-sent event is stored once.
func TestKafkaIngest(t *testing.T) {
	broker := startKafka(t)
	const topic = "yard.events"
	base := startTwinWith(t, serveFlags{Data: t.TempDir(), KafkaBrokers: broker, KafkaTopic: topic, KafkaGroup: "twin", Clock: onTestDay})

	good := stackRecords("k", "KAF", 200)
	malformed := kafkago.Message{Key: []byte("container-KAFU0000000"), Value: []byte(`{"specversion":"1.0","id":"bad-1","source":"s","type":"yard.ContainerStacked","time":"2026-11-21T08:00:00Z","data":{"container":"KAFU0000000","block":"A01","bay":1,"row":1,"tier":0,"crane":"RTG01"}}`),
		Headers: []kafkago.Header{{Key: "producer", Value: []byte("tos-tc3")}}}
	msgs := append(append(append([]kafkago.Message{}, good[:100]...), malformed), good[100:]...)
	msgs = append(msgs, good[7]) // sent again
	produce(t, broker, topic, msgs)

	s := waitIngested(t, base, uint64(len(msgs)))
	if s.Stored != 200 || s.DeadLettered != 1 || s.Duplicates != 1 || s.Received != s.Stored+s.Duplicates+s.DeadLettered+s.Rejected {
		t.Fatalf("counters = %+v", s)
	}
	var dl struct {
		Total   int `json:"total"`
		Letters []struct {
			Origin   string            `json:"origin"`
			EventID  string            `json:"event_id"`
			Payload  string            `json:"payload"`
			Headers  map[string]string `json:"headers"`
			Errors   []ingest.FieldError
			Position string `json:"position"`
		} `json:"dead_letters"`
	}
	waitProjected(t, base)
	getJSON(t, base+"api/v1/deadletters", &dl)
	if dl.Total != 1 || dl.Letters[0].EventID != "bad-1" || dl.Letters[0].Payload != string(malformed.Value) ||
		dl.Letters[0].Errors[0].Field != "data.tier" || dl.Letters[0].Headers["producer"] != "tos-tc3" || dl.Letters[0].Position == "" {
		t.Fatalf("dead letters = %+v", dl)
	}

	var dlq []kafkago.Message
	for p := range 4 {
		dlq = append(dlq, readPartition(t, broker, topic+".dlq", p)...)
	}
	if len(dlq) != 1 {
		t.Fatalf("the DLQ topic holds %d records, want 1", len(dlq))
	}
	if m := dlq[0]; string(m.Value) != string(malformed.Value) || header(m, ingest.RefusedFieldHeader) != "data.tier" ||
		header(m, "producer") != "tos-tc3" || string(m.Key) != "container-KAFU0000000" {
		t.Fatalf("DLQ record = %+v", m)
	}

	var y struct {
		InYard int `json:"in_yard"`
	}
	getJSON(t, base+"api/v1/yard", &y)
	if y.InYard != 200 {
		t.Fatalf("in yard = %d, want 200", y.InYard)
	}
}

func header(m kafkago.Message, key string) string {
	for _, h := range m.Headers {
		if h.Key == key {
			return string(h.Value)
		}
	}
	return ""
}

// TestKafkaKill9LosesNothing kills serve with SIGKILL while it consumes a topic, restarts it, and
// checks that every message produced ends up stored exactly once or kept exactly once as a dead
// letter: offsets are committed only after the events are stored, and ids absorb redelivery.
func TestKafkaKill9LosesNothing(t *testing.T) { kafkaKill9(t, 1) }

// TestKafkaKill9TwoConsumersLoseNothing is the same with --kafka-consumers 2: the killed process
// leaves two dead members in the group, which the broker expires before the restarted process's
// two members share the partitions.
func TestKafkaKill9TwoConsumersLoseNothing(t *testing.T) { kafkaKill9(t, 2) }

func kafkaKill9(t *testing.T, consumers int) {
	if testing.Short() {
		t.Skip("process-level crash test: skipped in -short mode")
	}
	cluster := startKafkaCluster(t)
	broker := cluster.ListenAddrs()[0]
	var paired <-chan struct{}
	if consumers == 2 {
		paired = watchPairing(cluster)
	}
	const topic, n, every = "yard.events", 20_000, 1_000
	msgs := stackRecords("kill", "KIL", n)
	malformed := 0
	for k := every / 2; k < n; k += every { // every thousandth record is broken JSON
		msgs[k].Value = []byte(fmt.Sprintf(`{"specversion":"1.0","id":"broken-%d",`, k))
		malformed++
	}
	produce(t, broker, topic, msgs)

	bin := buildBinary(t)
	dir := t.TempDir()
	flags := []string{"--kafka-brokers", broker, "--kafka-topic", topic, "--kafka-consumers", fmt.Sprint(consumers), "--clock", onTestDay}
	cmd, base := startProcess(t, bin, dir, flags...)
	if paired != nil {
		// Killed while its second member's first JoinGroup is still waiting, a process leaves
		// kfake a member that never expires (a defect of the test broker: Kafka expires it after
		// the session timeout), and the partitions given to it are never read. Kill once both
		// members are in.
		select {
		case <-paired:
		case <-time.After(60 * time.Second):
			t.Fatal("the two consumers never formed one group of two")
		}
	}
	waitStored(t, base, n/4)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	restarted, base := startProcess(t, bin, dir, flags...)
	waitStored(t, base, n) // n-malformed events and malformed dead letters
	if err := restarted.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := restarted.Wait(); err != nil {
		t.Fatalf("serve after SIGTERM: %v", err)
	}

	store, err := bolt.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	events, dead := map[string]int{}, 0
	for from := uint64(1); ; {
		batch, err := store.ReadAll(context.Background(), from, 10_000)
		if err != nil {
			t.Fatal(err)
		}
		if len(batch) == 0 {
			break
		}
		for _, e := range batch {
			if e.Type == intake.TypeMessageRefused {
				dead++
			} else {
				events[e.ID]++
			}
		}
		from = batch[len(batch)-1].Position + 1
	}
	if dead != malformed || len(events) != n-malformed {
		t.Fatalf("store holds %d events and %d dead letters, want %d and %d", len(events), dead, n-malformed, malformed)
	}
	for id, c := range events {
		if c != 1 {
			t.Errorf("event %s stored %d times", id, c)
		}
	}
}

// waitStored waits until the store holds at least n events and the projections have caught up.
func waitStored(t *testing.T, base string, n uint64) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	var h struct{ Stored, Projected uint64 }
	for time.Now().Before(deadline) {
		getJSON(t, base+"healthz", &h)
		if h.Stored >= n && h.Projected == h.Stored {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%d of %d events stored (%d projected) after 90 s", h.Stored, n, h.Projected)
}
