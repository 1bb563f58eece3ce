package kafka

import (
	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"go.uber.org/fx"
)

// Module provides a message.Publisher and a message.Subscriber on Kafka from a PublisherConfig and
// a SubscriberConfig supplied by the application (cmd reads them from flags and the environment).
// It uses a watermill.LoggerAdapter from the graph if there is one. Both are closed when the app
// stops; the Subscriber's Close commits acked offsets and leaves the group.
var Module = fx.Module("kafka",
	fx.Provide(providePublisher, provideSubscriber),
)

type moduleParams struct {
	fx.In

	Lifecycle fx.Lifecycle
	Logger    watermill.LoggerAdapter `optional:"true"`
}

func providePublisher(p moduleParams, cfg PublisherConfig) (message.Publisher, error) {
	pub, err := NewPublisher(cfg, p.Logger)
	if err != nil {
		return nil, err
	}
	p.Lifecycle.Append(fx.StopHook(pub.Close))
	return pub, nil
}

func provideSubscriber(p moduleParams, cfg SubscriberConfig) (message.Subscriber, error) {
	sub, err := NewSubscriber(cfg, p.Logger)
	if err != nil {
		return nil, err
	}
	p.Lifecycle.Append(fx.StopHook(sub.Close))
	return sub, nil
}
