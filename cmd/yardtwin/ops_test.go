package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/sasl/scram"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/yardtwin/yardtwin/adapters/kafka"
	"github.com/yardtwin/yardtwin/projections/kpi"
	"github.com/yardtwin/yardtwin/projections/yardmap"
)

// lockedBuffer is a log destination tests can read while the twin writes.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestNoSecretInTheLog starts the twin at debug level with JSON logs, publisher and viewer tokens and
// a SASL password from the environment, against a broker that wants SCRAM; it posts with the
// right token and a wrong one, consumes a record over SASL, and stops. No secret appears anywhere in
// the log, every line is JSON, and the settings line shows the secrets as redacted.
func TestNoSecretInTheLog(t *testing.T) {
	const (
		publisher = "pub-SECRET-0123456789abcdef"
		viewer    = "view-SECRET-0123456789abcdef"
		password  = "kafka-SECRET-password"
		wrong     = "wrong-SECRET-0123456789abcdef"
	)
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation(), kfake.DefaultNumPartitions(2),
		kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-256", "twin", password))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Close)
	broker := cluster.ListenAddrs()[0]

	t.Setenv("YARDTWIN_PUBLISHER_TOKENS", publisher)
	t.Setenv("YARDTWIN_VIEWER_TOKENS", viewer)
	t.Setenv("YARDTWIN_KAFKA_SASL_PASSWORD", password)
	f, err := parseServe(t, "kafka-sasl-mechanism: SCRAM-SHA-256\nkafka-sasl-user: twin\n",
		"--data", t.TempDir(), "--kafka-brokers", broker, "--kafka-topic", "yard.events", "--kafka-group", "twin",
		"--log-level", "debug", "--log-format", "json")
	if err != nil {
		t.Fatal(err)
	}
	var log lockedBuffer
	f.LogOutput = &log
	f.Clock = onTestDay
	base, stop := runAppStop(t, f)

	at := testDay
	if status, body := send(t, http.DefaultClient, "POST", base+"api/v1/events", publisher, stackEvent("log-1", box("LOG", 1), 0, at)); status != 202 {
		t.Fatalf("POST = %d %s", status, body)
	}
	if status, _ := send(t, http.DefaultClient, "POST", base+"api/v1/events", wrong, stackEvent("log-2", box("LOG", 2), 1, at)); status != 401 {
		t.Fatalf("POST with a wrong token = %d", status)
	}
	mech, err := scram.Mechanism(scram.SHA256, "twin", password)
	if err != nil {
		t.Fatal(err)
	}
	w := &kafkago.Writer{Addr: kafkago.TCP(broker), Topic: "yard.events", BatchTimeout: 5 * time.Millisecond,
		RequiredAcks: kafkago.RequireAll, Transport: &kafkago.Transport{SASL: mech}}
	if err := w.WriteMessages(context.Background(), kafkago.Message{Key: []byte("container-x"), Value: stackEvent("log-3", box("LOG", 3), 2, at)}); err != nil {
		t.Fatalf("produce over SASL: %v", err)
	}
	_ = w.Close()
	waitStored(t, base, 2)
	stop()

	text := log.String()
	if strings.Contains(text, "SECRET") {
		for _, line := range strings.Split(text, "\n") {
			if strings.Contains(line, "SECRET") {
				t.Errorf("a secret in the log: %s", line)
			}
		}
	}
	var settings map[string]any
	lines := bufio.NewScanner(strings.NewReader(text))
	lines.Buffer(nil, 1<<20)
	n := 0
	for lines.Scan() {
		n++
		var rec map[string]any
		if err := json.Unmarshal(lines.Bytes(), &rec); err != nil {
			t.Fatalf("log line %d is not JSON: %s", n, lines.Text())
		}
		if rec["msg"] == "settings" {
			settings = rec
		}
	}
	if n < 3 || settings == nil {
		t.Fatalf("%d log lines, settings line %v:\n%s", n, settings, text)
	}
	for key, want := range map[string]string{"publisher-tokens": "[1 redacted]", "viewer-tokens": "[1 redacted]", "kafka-sasl-password": "[redacted]", "kafka-sasl-user": "twin"} {
		got, _ := settings[key].(map[string]any)
		if got["value"] != want {
			t.Errorf("settings %s = %v, want value %q", key, settings[key], want)
		}
	}
}

// TestConsumerLag reads the group's lag from a real broker: everything before the group commits,
// what is left after it commits part of a partition.
func TestConsumerLag(t *testing.T) {
	broker := startKafka(t) // 4 partitions
	const topic, group = "yard.events", "lag-test"
	produce(t, broker, topic, stackRecords("lag", "LAG", 40))
	lagOf := consumerLagOf(serveFlags{KafkaBrokers: broker, KafkaTopic: topic, KafkaGroup: group}, kafka.Security{})
	defer lagOf.transport.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sum := func() int64 {
		lags, err := lagOf.lags(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var s int64
		for _, l := range lags {
			s += l
		}
		if len(lags) != 4 {
			t.Fatalf("lag of %d partitions, want 4", len(lags))
		}
		return s
	}
	if got := sum(); got != 40 {
		t.Fatalf("lag before any commit = %d, want 40", got)
	}
	r := kafkago.NewReader(kafkago.ReaderConfig{Brokers: []string{broker}, GroupID: group, Topic: topic, MaxWait: 100 * time.Millisecond})
	defer r.Close()
	var msgs []kafkago.Message
	for range 7 {
		m, err := r.FetchMessage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, m)
	}
	if err := r.CommitMessages(ctx, msgs...); err != nil {
		t.Fatal(err)
	}
	if got := sum(); got != 33 {
		t.Fatalf("lag after committing 7 = %d, want 33", got)
	}
}

// TestKafkaMetricsOfARunningTwin: a twin consuming Kafka reports the group's lag per partition, down
// to zero once everything is stored and committed, and each projection's position.
func TestKafkaMetricsOfARunningTwin(t *testing.T) {
	broker := startKafka(t)
	produce(t, broker, "yard.events", stackRecords("met", "KMT", 100))
	base := startTwinWith(t, serveFlags{Data: t.TempDir(), KafkaBrokers: broker, KafkaTopic: "yard.events", KafkaGroup: "twin", Clock: onTestDay})
	waitStored(t, base, 100)
	deadline := time.Now().Add(30 * time.Second)
	for {
		got := scrapeTwin(t, base)
		var lag float64
		partitions := 0
		for name, v := range got {
			if strings.HasPrefix(name, "yardtwin_kafka_consumer_lag_records{") && strings.Contains(name, `group="twin"`) {
				lag += v
				partitions++
			}
		}
		if partitions == 4 && lag == 0 {
			if got[`yardtwin_projection_position{projection="`+yardmap.Name+`"}`] != 100 || got[`yardtwin_projection_lag_events{projection="`+kpi.Name+`"}`] != 0 {
				t.Errorf("projection metrics: %v", filterMetrics(got, "yardtwin_projection_"))
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("consumer lag over %d partitions is %v after 30 s", partitions, lag)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func filterMetrics(m map[string]float64, prefix string) map[string]float64 {
	out := map[string]float64{}
	for k, v := range m {
		if strings.HasPrefix(k, prefix) {
			out[k] = v
		}
	}
	return out
}
