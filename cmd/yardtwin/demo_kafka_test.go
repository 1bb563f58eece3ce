package main

import (
	"context"
	"strings"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/yardtwin/yardtwin/domain/contract"
)

// TestDemoViaKafka runs the demo into a real Kafka wire peer (kfake) and the twin out of it: the
// records on the topic are the demo's events keyed by their stream, and the yard fills from what the
// twin consumed.
func TestDemoViaKafka(t *testing.T) {
	broker := startKafka(t)
	const topic = "yard.events"
	base := startTwinWith(t, serveFlags{
		Data: t.TempDir(), Demo: demoScenarioFile, DemoVia: "kafka", Speed: 600,
		KafkaBrokers: broker, KafkaTopic: topic, KafkaGroup: "twin",
	})
	waitIngested(t, base, 2000)
	var y struct {
		InYard int `json:"in_yard"`
	}
	getJSON(t, base+"api/v1/yard", &y)
	if y.InYard == 0 {
		t.Fatal("the twin consumed the demo's records but its yard is empty")
	}

	r := kafkago.NewReader(kafkago.ReaderConfig{Brokers: []string{broker}, Topic: topic, Partition: 0, MaxWait: 100 * time.Millisecond})
	defer r.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for range 20 {
		m, err := r.ReadMessage(ctx)
		if err != nil {
			t.Fatalf("read the demo's records: %v", err)
		}
		env, err := contract.Parse(m.Value)
		if err != nil {
			t.Fatalf("record at offset %d is not a contract event: %v", m.Offset, err)
		}
		if !strings.HasPrefix(env.Source, "/yardtwin/sim/") || env.Subject == "" || string(m.Key) != env.Subject {
			t.Fatalf("record at offset %d: source %q, key %q, subject %q; want the demo's event keyed by its stream", m.Offset, env.Source, m.Key, env.Subject)
		}
	}
}

// TestDemoViaKafkaNeedsBrokers: --demo-via kafka without brokers is refused at start, by name.
func TestDemoViaKafkaNeedsBrokers(t *testing.T) {
	for _, tt := range []struct{ via, brokers, want string }{
		{"kafka", "", "--demo-via: kafka needs --kafka-brokers"},
		{"carrier-pigeon", "", `--demo-via: "carrier-pigeon" is not bus or kafka`},
	} {
		f := serveFlags{Role: "all", Data: t.TempDir(), Demo: demoScenarioFile, DemoVia: tt.via, KafkaBrokers: tt.brokers,
			LogLevel: "info", LogFormat: "text", Lanes: 4, CheckpointEvery: time.Second, MaxBody: 1 << 20, KafkaConsumers: 1}
		err := f.validate()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("--demo-via %s: validate = %v, want %q", tt.via, err, tt.want)
		}
	}
}
