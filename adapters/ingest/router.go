package ingest

import (
	"fmt"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
)

// Config tunes the ingest pipeline.
type Config struct {
	// Lanes is how many in-process topics, each with its own handler, share the load; 0 means 4.
	// More lanes than cores buys nothing.
	Lanes int
}

func (c Config) withDefaults() Config {
	if c.Lanes == 0 {
		c.Lanes = 4
	}
	return c
}

// Validate reports a config the pipeline cannot use.
func (c Config) Validate() error {
	if c.Lanes < 0 || c.Lanes > 64 {
		return fmt.Errorf("ingest: lanes: %d is outside 1..64", c.Lanes)
	}
	return nil
}

// NewRouter returns a watermill router with one handler per lane, each consuming its lane topic
// from sub and storing through h, and one handler per source.
func NewRouter(cfg Config, h *Handler, sub message.Subscriber, logger watermill.LoggerAdapter, sources ...Source) (*message.Router, error) {
	cfg = cfg.withDefaults()
	router, err := message.NewRouter(message.RouterConfig{}, logger)
	if err != nil {
		return nil, fmt.Errorf("ingest router: %w", err)
	}
	for _, topic := range LaneTopics(cfg.Lanes) {
		router.AddConsumerHandler("ingest "+topic, topic, sub, h.Handle)
	}
	for _, src := range sources {
		for i := range max(src.Consumers, 1) {
			name := fmt.Sprintf("ingest %s #%d", src.Topic, i+1)
			router.AddConsumerHandler(name, src.Topic, src.Subscriber, h.HandlerFor(src))
		}
	}
	return router, nil
}
