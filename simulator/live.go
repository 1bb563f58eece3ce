package simulator

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// LiveOption tunes RunLive.
type LiveOption func(*liveConfig)

type liveConfig struct {
	tick     time.Duration
	until    time.Time
	progress time.Duration
}

// WithTick sets how often (wall-clock time) RunLive publishes what has become due; 200 ms by
// default, so a map refreshes smoothly without a batch per event.
func WithTick(d time.Duration) LiveOption { return func(c *liveConfig) { c.tick = d } }

// WithUntil stops RunLive when simulated time reaches t; by default it runs until ctx ends.
func WithUntil(t time.Time) LiveOption { return func(c *liveConfig) { c.until = t } }

// WithProgress sets how often (wall-clock time) RunLive logs its progress; 1 minute by default.
func WithProgress(d time.Duration) LiveOption { return func(c *liveConfig) { c.progress = d } }

// RunLive runs the model paced against the wall clock at speed × real time (60: a simulated minute
// a second), publishing to sink every tick what has become due, in batches of at most MaxBatch. If
// the sink falls behind, simulated time catches up at the next tick rather than slowing down. It
// returns nil when ctx ends (that is how a live feed stops) or the WithUntil time is reached, and
// the sink's error if publishing fails.
func (f *Feed) RunLive(ctx context.Context, sink Sink, speed float64, opts ...LiveOption) error {
	if !(speed > 0) {
		return fmt.Errorf("simulator: live speed %g: want more than 0", speed)
	}
	cfg := liveConfig{tick: 200 * time.Millisecond, progress: time.Minute}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.tick <= 0 {
		cfg.tick = 200 * time.Millisecond
	}
	wall0, sim0 := time.Now(), f.Now()
	f.log.Info("simulator live", "scenario", f.sc.Name, "speed", speed, "sim_time", sim0.Format(time.RFC3339))
	ticker := time.NewTicker(cfg.tick)
	defer ticker.Stop()
	lastLog := wall0
	for {
		target := sim0.Add(time.Duration(float64(time.Since(wall0)) * speed))
		done := !cfg.until.IsZero() && !target.Before(cfg.until)
		if done {
			target = cfg.until
		}
		if err := f.Run(ctx, sink, target); err != nil {
			if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
				break
			}
			return err
		}
		if time.Since(lastLog) >= cfg.progress {
			lastLog = time.Now()
			f.log.Info("simulator progress", f.progress()...)
		}
		if done {
			break
		}
		select {
		case <-ctx.Done():
			f.log.Info("simulator stopped", f.progress()...)
			return nil
		case <-ticker.C:
		}
	}
	f.log.Info("simulator stopped", f.progress()...)
	return nil
}
