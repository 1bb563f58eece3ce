package simulator_test

import (
	"context"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/simulator"
)

// BenchmarkEngine measures the discrete-event engine alone: one iteration runs a million actions,
// each scheduling the next of its chain a drawn delay ahead, with a thousand chains in the heap at
// once (a terminal has a few hundred to a few thousand pending actions).
func BenchmarkEngine(b *testing.B) {
	const chains, actions = 1000, 1_000_000
	b.ReportAllocs()
	var steps uint64
	for b.Loop() {
		start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
		e := simulator.NewEngine(start)
		r := simulator.NewRand(1, "engine")
		left := actions
		var tick simulator.Action
		tick = func() {
			if left--; left > 0 {
				e.After(time.Duration(1+r.IntN(600))*time.Second, tick)
			}
		}
		for range chains {
			e.After(time.Duration(r.IntN(3600))*time.Second, tick)
		}
		for e.Step() {
		}
		steps += e.Steps()
	}
	b.ReportMetric(float64(steps)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkDemoWeek runs a simulated week of the shipped demo as fast as it can (target: under
// 5 s on 2 cores), counting the envelopes (marshalled, as the feed always does) without keeping them.
func BenchmarkDemoWeek(b *testing.B) {
	benchmarkDemo(b, 7*24*time.Hour, "week")
}

// BenchmarkYear runs one simulated year of the Tanger Med-like demo terminal (target: under 5
// minutes on 2 cores), counting the envelopes rather than keeping them (a year is some 12 million).
func BenchmarkYear(b *testing.B) {
	benchmarkDemo(b, 365*24*time.Hour, "year")
}

// runWeekly runs f for horizon a week at a time and fails when a week ends with the terminal
// jammed: no vessel left, no box went out by the gate, or the yard is close to full. An early
// demo once locked up in its fifth week; the year's benchmark is where such a lock-up shows.
func runWeekly(b *testing.B, f *simulator.Feed, sink simulator.Sink, horizon time.Duration) simulator.Stats {
	const week = 7 * 24 * time.Hour
	var last simulator.Stats
	for done := time.Duration(0); done < horizon; {
		done = min(done+week, horizon)
		if err := f.Run(context.Background(), sink, f.Start().Add(done)); err != nil {
			b.Fatal(err)
		}
		st := f.Stats()
		if done%week == 0 && (st.VesselsDeparted == last.VesselsDeparted || st.GatedOut == last.GatedOut || st.Fill > 0.9) {
			b.Fatalf("the terminal jammed in week %d: %d vessels and %d gate-outs that week, fill %.2f",
				done/week, st.VesselsDeparted-last.VesselsDeparted, st.GatedOut-last.GatedOut, st.Fill)
		}
		last = st
	}
	return last
}

// benchmarkDemo runs the shipped demo for horizon each iteration, counting the envelopes, and
// reports events per second and per run (named per), the vessels that left and the fill at the end.
// It fails when the terminal jams in any week (runWeekly).
func benchmarkDemo(b *testing.B, horizon time.Duration, per string) {
	sc, l := shipped(b, "tangermed/demo.yaml")
	var events int
	count := simulator.SinkFunc(func(_ context.Context, batch []es.Envelope) error {
		events += len(batch)
		return nil
	})
	b.ReportAllocs()
	var st simulator.Stats
	for b.Loop() {
		f, err := simulator.NewFeed(sc, l, simulator.Options{})
		if err != nil {
			b.Fatal(err)
		}
		st = runWeekly(b, f, count, horizon)
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(events)/float64(b.N), "events/"+per)
	b.ReportMetric(float64(st.VesselsDeparted), "vessels/"+per)
	b.ReportMetric(st.Fill, "fill_at_end")
}
