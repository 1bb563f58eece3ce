package timetravel_test

import (
	"bytes"
	"compress/flate"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/domain/contract"
	"github.com/yardtwin/yardtwin/domain/equipment"
	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/iso6346"
	"github.com/yardtwin/yardtwin/domain/yard"
	"github.com/yardtwin/yardtwin/projections"
	"github.com/yardtwin/yardtwin/projections/yardmap"
	"github.com/yardtwin/yardtwin/scenarios/tangermed"
)

func sbox(n int) iso6346.ContainerID {
	first := fmt.Sprintf("TTVU%06d", n%1_000_000)
	d, _ := iso6346.CheckDigit(first)
	return iso6346.ContainerID(fmt.Sprintf("%s%d", first, d))
}
func sslot(c iso6346.ContainerID, n int) yard.ContainerStacked {
	blocks := []string{"A01", "A02", "A03", "B01", "B02", "B03", "C01", "C02"}
	return yard.ContainerStacked{Container: c, Block: blocks[n%len(blocks)], Bay: 1 + (n/8)%40, Row: 1 + (n/320)%6, Tier: 1 + (n/1920)%5, Crane: "RTG01"}
}

func TestScratch(t *testing.T) {
	reg := contract.NewRegistry()
	l, _ := tangermed.Layout()
	m := yardmap.New(l)
	at := time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)
	const n = 500_000
	envs := make([]es.Envelope, 0, n)
	for k := 0; k < n; k++ {
		c := sbox(k / 4)
		var ev es.Event
		switch k % 4 {
		case 0:
			ev = yard.ContainerAnnounced{Container: c, SizeType: "45G1", WeightKg: 21000, Category: yard.Transhipment}
		case 1:
			ev = sslot(c, k/4)
		case 2:
			if (k/4)%2 == 0 {
				ev = yard.ContainerLifted(sslot(c, k/4))
			} else {
				ev = yard.ContainerHeld{Container: c, Hold: "customs"}
			}
		case 3:
			ev = equipment.PositionReported{Equipment: fmt.Sprintf("QC%02d", 1+k%8), Kind: equipment.QuayCrane, Lon: -5.5090 + float64(k%1000)*0.000006, Lat: 35.8860 + float64(k%1000)*0.000002}
		}
		data, _ := json.Marshal(ev)
		envs = append(envs, es.Envelope{ID: fmt.Sprint(k), Type: ev.EventType(), Time: at.Add(time.Duration(k) * time.Second), Data: data, Position: uint64(k + 1)})
	}
	st := time.Now()
	items := projections.Decode(reg, envs)
	t.Logf("decode %d: %v", n, time.Since(st))
	st = time.Now()
	m.Apply(items)
	t.Logf("apply: %v", time.Since(st))
	st = time.Now()
	pos, state, _ := m.Snapshot()
	t.Logf("snapshot %d bytes at %d: %v", len(state), pos, time.Since(st))
	t.Logf("%s", state[:1500])
	var probe struct{ Boxes []json.RawMessage; Anomalies []json.RawMessage }
	json.Unmarshal(state, &probe)
	t.Logf("boxes %d anomalies %d", len(probe.Boxes), len(probe.Anomalies))
	st = time.Now()
	r := yardmap.New(l)
	r.Restore(pos, state)
	t.Logf("restore: %v", time.Since(st))
	st = time.Now()
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestSpeed)
	w.Write(state)
	w.Close()
	t.Logf("flate: %d bytes %v", buf.Len(), time.Since(st))
	st = time.Now()
	var out bytes.Buffer
	out.ReadFrom(flate.NewReader(&buf))
	t.Logf("inflate: %v", time.Since(st))
}
