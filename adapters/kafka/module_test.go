package kafka

import (
	"context"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"
)

func TestModuleValidates(t *testing.T) {
	if err := fx.ValidateApp(Module, fx.Supply(PublisherConfig{}, SubscriberConfig{}), fx.Invoke(func(message.Publisher, message.Subscriber) {})); err != nil {
		t.Fatal(err)
	}
}

// TestModule starts the module against kfake, passes one message through and stops it.
func TestModule(t *testing.T) {
	brokers := startCluster(t, 1)
	var (
		pub message.Publisher
		sub message.Subscriber
	)
	configs := fx.Supply(testPublisherConfig(brokers), testSubscriberConfig(brokers, "module-test"))
	app := fxtest.New(t, Module, configs, fx.Supply(fx.Annotate(watermill.NopLogger{}, fx.As(new(watermill.LoggerAdapter)))), fx.Populate(&pub, &sub))
	app.RequireStart()
	defer app.RequireStop()

	topic := newTopic("module")
	ch, err := sub.Subscribe(context.Background(), topic)
	if err != nil {
		t.Fatal(err)
	}
	want := message.NewMessage(watermill.NewUUID(), []byte("hello"))
	if err := pub.Publish(topic, want); err != nil {
		t.Fatal(err)
	}
	if got := receive(t, ch, 1, 15*time.Second)[0]; got.UUID != want.UUID {
		t.Errorf("got %s, want %s", got.UUID, want.UUID)
	}
}
