package kafka

import (
	"testing"

	"github.com/ThreeDotsLabs/watermill/message"
	wmtests "github.com/ThreeDotsLabs/watermill/pubsub/tests"
)

// TestContract runs watermill's universal Pub/Sub suite against kfake, three ways. The suite's
// short message counts are used unless YARDTWIN_KAFKA_FULL=1 (and -short is not given).
//
//   - partitioned: 4 partitions, keys spread messages over them. Order holds per key only,
//     which the suite cannot express, so GuaranteedOrder is false (TestKeyedOrder covers it).
//   - ordered: 1 partition, so per-partition order is topic order: GuaranteedOrder is true and
//     the suite also checks that a subscriber holds back the next message until an ack.
//   - nogroup: no consumer group, every subscriber reads the topic from the start.
func TestContract(t *testing.T) {
	tests := []struct {
		name       string
		partitions int
		features   wmtests.Features
		group      string
	}{
		{
			name:       "partitioned",
			partitions: 4,
			group:      "test",
			features: wmtests.Features{
				ConsumerGroups:      true,
				ExactlyOnceDelivery: false,
				GuaranteedOrder:     false,
				Persistent:          true,
			},
		},
		{
			name:       "ordered",
			partitions: 1,
			group:      "test",
			features: wmtests.Features{
				ConsumerGroups:      true,
				ExactlyOnceDelivery: false,
				GuaranteedOrder:     true,
				Persistent:          true,
			},
		},
		{
			name:       "nogroup",
			partitions: 4,
			features: wmtests.Features{
				ConsumerGroups:                   false,
				ExactlyOnceDelivery:              false,
				GuaranteedOrder:                  false,
				Persistent:                       true,
				NewSubscriberReceivesOldMessages: true,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			brokers := startCluster(t, tt.partitions)
			features := tt.features
			features.ForceShort = !fullRun()

			newPubSub := func(t *testing.T) (message.Publisher, message.Subscriber) {
				pub, err := NewPublisher(testPublisherConfig(brokers), testLogger())
				if err != nil {
					t.Fatal(err)
				}
				cfg := testSubscriberConfig(brokers, tt.group)
				if tt.group == "" {
					sub, err := NewSubscriber(cfg, testLogger())
					if err != nil {
						t.Fatal(err)
					}
					return pub, sub
				}
				return pub, &groupPerTopic{cfg: cfg}
			}
			var newGroupPubSub wmtests.ConsumerGroupPubSubConstructor
			if features.ConsumerGroups {
				newGroupPubSub = func(t *testing.T, group string) (message.Publisher, message.Subscriber) {
					pub, err := NewPublisher(testPublisherConfig(brokers), testLogger())
					if err != nil {
						t.Fatal(err)
					}
					sub, err := NewSubscriber(testSubscriberConfig(brokers, group), testLogger())
					if err != nil {
						t.Fatal(err)
					}
					return pub, sub
				}
			}
			wmtests.TestPubSub(t, features, newPubSub, newGroupPubSub)
		})
	}
}
