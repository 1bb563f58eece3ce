package main

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/yardtwin/yardtwin/domain/es/estest"
	"github.com/yardtwin/yardtwin/domain/yard"
)

// TestKafkaTwoConsumersShareTheTopic runs one twin with --kafka-consumers 2 on a topic of four
// partitions. Every box is stacked, lifted and stacked again in another slot, keyed by its stream,
// so its three facts sit in one partition in order. Both group members must commit offsets (each
// took partitions and stored their records), every event is stored once, no fact is applied out of
// order, and every box ends in its second slot.
func TestKafkaTwoConsumersShareTheTopic(t *testing.T) {
	cluster := startKafkaCluster(t)
	var mu sync.Mutex
	committers := map[string]bool{} // group members that committed an offset
	cluster.ControlKey(int16(kmsg.OffsetCommit), func(req kmsg.Request) (kmsg.Response, error, bool) {
		if r, ok := req.(*kmsg.OffsetCommitRequest); ok && len(r.Topics) > 0 {
			mu.Lock()
			committers[r.MemberID] = true
			mu.Unlock()
		}
		return nil, nil, false // observe only: the cluster commits as usual
	})
	paired := watchPairing(cluster)
	broker := cluster.ListenAddrs()[0]

	const topic, boxes = "yard.events", 300
	at := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	var msgs []kafkago.Message
	for k := range boxes {
		c := box("TWO", k)
		first, second := slotted(c, k), slotted(c, boxes+k)
		key := []byte(yard.ContainerStream(c))
		msgs = append(msgs,
			kafkago.Message{Key: key, Value: eventJSON(fmt.Sprintf("two-%d-stacked", k), first, at)},
			kafkago.Message{Key: key, Value: eventJSON(fmt.Sprintf("two-%d-lifted", k), yard.ContainerLifted(first), at.Add(time.Minute))},
			kafkago.Message{Key: key, Value: eventJSON(fmt.Sprintf("two-%d-restacked", k), second, at.Add(2*time.Minute))},
		)
	}
	base := startTwinWith(t, serveFlags{Data: t.TempDir(), KafkaBrokers: broker, KafkaTopic: topic, KafkaGroup: "pair", KafkaConsumers: 2, Clock: estest.ClockAt(at)})
	select { // records produced before the second member joins would all go to the first
	case <-paired:
	case <-time.After(60 * time.Second):
		t.Fatal("the two consumers never formed one group of two")
	}
	produce(t, broker, topic, msgs)

	s := waitIngested(t, base, uint64(len(msgs)))
	if s.Stored != uint64(len(msgs)) || s.Duplicates != 0 || s.DeadLettered != 0 || s.Rejected != 0 {
		t.Fatalf("counters = %+v, want all %d stored", s, len(msgs))
	}
	waitProjected(t, base)
	var y struct {
		InYard    int            `json:"in_yard"`
		Anomalies map[string]int `json:"anomalies"`
	}
	getJSON(t, base+"api/v1/yard", &y)
	if y.InYard != boxes || len(y.Anomalies) != 0 {
		t.Fatalf("yard holds %d boxes with anomalies %v, want %d and none", y.InYard, y.Anomalies, boxes)
	}
	for k := range boxes {
		c := box("TWO", k)
		var b struct {
			Slot *yard.Slot `json:"slot"`
		}
		if code := getJSON(t, base+"api/v1/containers/"+string(c), &b); code != http.StatusOK || b.Slot == nil || *b.Slot != slotted(c, boxes+k).Slot() {
			t.Fatalf("box %s: HTTP %d, slot %v, want %v", c, code, b.Slot, slotted(c, boxes+k).Slot())
		}
	}
	// Offsets are committed after storing; wait for both members' commits to have been seen.
	deadline := time.Now().Add(30 * time.Second)
	for {
		mu.Lock()
		n := len(committers)
		mu.Unlock()
		if n >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d group member(s) committed offsets, want both", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// watchPairing returns a channel closed once a group leader hands the cluster an assignment for
// two members: both have joined and the partitions are shared.
func watchPairing(cluster *kfake.Cluster) <-chan struct{} {
	paired := make(chan struct{})
	var once sync.Once
	cluster.ControlKey(int16(kmsg.SyncGroup), func(req kmsg.Request) (kmsg.Response, error, bool) {
		if r, ok := req.(*kmsg.SyncGroupRequest); ok && len(r.GroupAssignment) == 2 {
			once.Do(func() { close(paired) })
		}
		return nil, nil, false // observe only
	})
	return paired
}
