package kafka

import (
	"strings"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"
)

func TestPublisherConfigValidate(t *testing.T) {
	brokers := []string{"localhost:9092"}
	tests := []struct {
		name    string
		give    PublisherConfig
		wantErr string // empty: valid
	}{
		{name: "defaults", give: PublisherConfig{Brokers: brokers}},
		{name: "no brokers", give: PublisherConfig{}, wantErr: "kafka: brokers: at least one broker is required"},
		{name: "empty broker", give: PublisherConfig{Brokers: []string{" "}}, wantErr: "kafka: brokers: broker 0 is empty"},
		{name: "negative batch timeout", give: PublisherConfig{Brokers: brokers, BatchTimeout: -time.Second}, wantErr: "kafka: batch timeout:"},
		{name: "require one", give: PublisherConfig{Brokers: brokers, RequiredAcks: kafkago.RequireOne}},
		{name: "bad acks", give: PublisherConfig{Brokers: brokers, RequiredAcks: 2}, wantErr: "kafka: required acks:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErr(t, tt.give.Validate(), tt.wantErr)
		})
	}
}

func TestPublisherConfigDefaults(t *testing.T) {
	c := PublisherConfig{Brokers: []string{"b:9092"}}.withDefaults()
	if c.BatchTimeout != DefaultBatchTimeout || c.RequiredAcks != kafkago.RequireAll {
		t.Errorf("defaults = %v, %v", c.BatchTimeout, c.RequiredAcks)
	}
	if _, ok := c.Balancer.(kafkago.Murmur2Balancer); !ok {
		t.Errorf("balancer = %T, want kafka.Murmur2Balancer", c.Balancer)
	}
}

func TestSubscriberConfigValidate(t *testing.T) {
	brokers := []string{"localhost:9092"}
	tests := []struct {
		name    string
		give    SubscriberConfig
		wantErr string // empty: valid
	}{
		{name: "defaults", give: SubscriberConfig{Brokers: brokers}},
		{name: "no brokers", give: SubscriberConfig{ConsumerGroup: "g"}, wantErr: "kafka: brokers: at least one broker is required"},
		{name: "max below min", give: SubscriberConfig{Brokers: brokers, MinBytes: 10, MaxBytes: 5}, wantErr: "kafka: max bytes:"},
		{name: "short session", give: SubscriberConfig{Brokers: brokers, SessionTimeout: time.Second}, wantErr: "kafka: session timeout:"},
		{name: "heartbeat too slow", give: SubscriberConfig{Brokers: brokers, SessionTimeout: 6 * time.Second, HeartbeatInterval: 6 * time.Second}, wantErr: "kafka: heartbeat interval:"},
		{name: "bad start offset", give: SubscriberConfig{Brokers: brokers, StartOffset: 42}, wantErr: "kafka: start offset:"},
		{name: "last offset", give: SubscriberConfig{Brokers: brokers, StartOffset: kafkago.LastOffset}},
		{name: "negative partitions", give: SubscriberConfig{Brokers: brokers, TopicPartitions: -1}, wantErr: "kafka: topic partitions:"},
		{name: "sync commits", give: SubscriberConfig{Brokers: brokers, CommitInterval: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErr(t, tt.give.Validate(), tt.wantErr)
		})
	}
}
func checkErr(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Errorf("unexpected error: %v", err)
	case want != "" && err == nil:
		t.Errorf("no error, want %q", want)
	case want != "" && !strings.HasPrefix(err.Error(), want):
		t.Errorf("error %q, want prefix %q", err, want)
	}
}
