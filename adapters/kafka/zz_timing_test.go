package kafka

import (
	"context"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
)

func TestZZTiming(t *testing.T) {
	brokers := startCluster(t, 4)
	pub := newTestPublisher(t, brokers)
	for _, group := range []string{"g1", ""} {
		topic := newTopic("timing")
		start := time.Now()
		for i := 0; i < 20; i++ {
			if err := pub.Publish(topic, message.NewMessage(watermill.NewUUID(), []byte("x"))); err != nil {
				t.Fatal(err)
			}
		}
		t.Logf("group=%q publish 20 sequential: %s", group, time.Since(start))
		for round := 0; round < 3; round++ {
			s, _ := NewSubscriber(testSubscriberConfig(brokers, group), testLogger())
			start = time.Now()
			ch, err := s.Subscribe(context.Background(), topic)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("  subscribe: %s", time.Since(start))
			start = time.Now()
			receive(t, ch, 5, 30*time.Second)
			t.Logf("  first 5: %s", time.Since(start))
			start = time.Now()
			s.Close()
			t.Logf("  close: %s", time.Since(start))
		}
	}
}
