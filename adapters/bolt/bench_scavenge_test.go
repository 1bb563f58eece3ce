package bolt

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/domain/es"
)

// BenchmarkScavenge thins a log of telemetry as the default-on policy of a real terminal would:
// scavengeMachines machines reporting their position every scavengePing for scavengeHours, with a
// business event every hundred positions, thinned to one position per machine per minute. It
// reports the events walked per second and the longest scavenge transaction, which is how long an
// append may wait for the scavenge. Writing the log is not timed.
const (
	scavengeMachines = 300
	scavengePing     = 2 * time.Second
	scavengeHours    = 1
)

func BenchmarkScavenge(b *testing.B) {
	for range b.N {
		b.StopTimer()
		clk := &testClock{}
		clk.set(day0.Add(time.Hour))
		s, err := Open(b.TempDir(), WithClock(clk.now), WithScavengeEvery(0), WithRetention(thinMinutes))
		if err != nil {
			b.Fatal(err)
		}
		s.db.NoSync = true
		n := 0
		pos := json.RawMessage(`{"equipment":"RTG01","lat":35.8912345,"lon":-5.5012345,"heading":271.5,"speed_mps":1.25}`)
		for at := day0; at.Before(day0.Add(scavengeHours * time.Hour)); at = at.Add(scavengePing) {
			batch := make([]es.StreamEvents, 0, scavengeMachines+1)
			for m := range scavengeMachines {
				n++
				batch = append(batch, es.StreamEvents{Stream: fmt.Sprintf("equipment-M%03d", m), Expected: es.AnyVersion, Events: []es.Envelope{
					{SpecVersion: es.SpecVersion, ID: fmt.Sprintf("p-%09d", n), Source: "urn:tos:tc1", Type: typePosition, Time: at.Add(time.Duration(m) * time.Millisecond), Data: pos},
				}})
				if n%100 == 0 {
					batch = append(batch, es.StreamEvents{Stream: fmt.Sprintf("container-MSCU%07d", n), Expected: es.AnyVersion, Events: []es.Envelope{
						{SpecVersion: es.SpecVersion, ID: fmt.Sprintf("b-%09d", n), Source: "urn:tos:tc1", Type: typeStacked, Time: at, Data: json.RawMessage(`{}`)},
					}})
				}
			}
			if _, err := s.Append(context.Background(), batch...); err != nil {
				b.Fatal(err)
			}
		}
		// An append with the clock past the log makes the index take every event in.
		clk.set(day0.Add(30 * 24 * time.Hour))
		s.db.NoSync = false
		for i := range s.indexLag + 1 {
			if i%1000 == 0 {
				if _, err := s.Append(context.Background(), es.StreamEvents{Stream: "gate-G1", Expected: es.AnyVersion, Events: []es.Envelope{
					{SpecVersion: es.SpecVersion, ID: fmt.Sprintf("g-%d", i), Source: "urn:tos:tc1", Type: typeStacked, Time: clk.now(), Data: json.RawMessage(`{}`)},
				}}); err != nil {
					b.Fatal(err)
				}
			}
		}
		total, _ := s.Head(context.Background())
		horizon := clk.now().Add(-longestFull(s.retention))

		b.StartTimer()
		start := time.Now()
		var walked, removed, steps int
		var longest time.Duration
		for {
			t0 := time.Now()
			st, done, err := s.scavengeStep(horizon)
			longest = max(longest, time.Since(t0))
			if err != nil {
				b.Fatal(err)
			}
			walked += st.Walked
			removed += st.Removed
			steps++
			if done {
				break
			}
		}
		elapsed := time.Since(start)
		b.StopTimer()
		b.Logf("log of %d events: walked %d, removed %d in %d transactions, %s", total, walked, removed, steps, elapsed.Round(time.Millisecond))
		b.ReportMetric(float64(walked)/elapsed.Seconds(), "walked/s")
		b.ReportMetric(float64(longest.Microseconds())/1000, "max-tx-ms")
		b.ReportMetric(float64(removed)/float64(walked), "removed/walked")
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
