package main

import (
	"bytes"
	"context"
	"net"
	"strings"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"
)

// TestDevbroker runs the development broker on a free port, produces and consumes a message with
// kafka-go, and stops it.
func TestDevbroker(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out bytes.Buffer
	ready := make(chan string, 1)
	done := make(chan error, 1)
	f := devbrokerFlags{Listen: "127.0.0.1:0", Topic: "yard.events", Partitions: 3}
	go func() { done <- runDevbroker(ctx, f, &out, func(addr string) { ready <- addr }) }()

	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("devbroker: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("devbroker did not start within 10 s")
	}

	ioCtx, ioCancel := context.WithTimeout(ctx, 20*time.Second)
	defer ioCancel()
	conn, err := kafkago.DialLeader(ioCtx, "tcp", addr, "yard.events", 2)
	if err != nil {
		t.Fatal(err)
	}
	parts, err := conn.ReadPartitions("yard.events", "yard.events.dlq")
	if err != nil || len(parts) != 6 {
		t.Fatalf("partitions of yard.events and yard.events.dlq: %d, %v; want 3 each", len(parts), err)
	}
	if _, err := conn.WriteMessages(kafkago.Message{Key: []byte("block-B07"), Value: []byte(`{"id":"dev-1"}`)}); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	r := kafkago.NewReader(kafkago.ReaderConfig{Brokers: []string{addr}, Topic: "yard.events", Partition: 2, MaxWait: 100 * time.Millisecond})
	m, err := r.ReadMessage(ioCtx)
	r.Close()
	if err != nil || string(m.Key) != "block-B07" || string(m.Value) != `{"id":"dev-1"}` {
		t.Fatalf("read %q=%q, %v", m.Key, m.Value, err)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("devbroker: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("devbroker did not stop within 10 s of its context")
	}
	for _, want := range []string{"KEEPS NOTHING", "bootstrap address: " + addr, "yardtwin serve --kafka-brokers " + addr, "kcat -b " + addr + " -t yard.events -P -K:", "stopped"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestDevbrokerAdvertisesLoopback checks the address a broker bound to every interface gives
// its clients.
func TestDevbrokerAdvertisesLoopback(t *testing.T) {
	tests := []struct {
		give string
		want string
	}{
		{give: "0.0.0.0:9092", want: "127.0.0.1:9092"},
		{give: "[::]:9092", want: "127.0.0.1:9092"},
		{give: "127.0.0.1:9092", want: "127.0.0.1:9092"},
		{give: "192.0.2.7:9092", want: "192.0.2.7:9092"},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			addr, err := net.ResolveTCPAddr("tcp", tt.give)
			if err != nil {
				t.Fatal(err)
			}
			if got := advertiseLoopback(addrListener{addr}).Addr().String(); got != tt.want {
				t.Fatalf("advertised %s, want %s", got, tt.want)
			}
		})
	}
}

// addrListener is a listener that only has an address.
type addrListener struct{ addr net.Addr }

func (l addrListener) Accept() (net.Conn, error) { return nil, net.ErrClosed }
func (l addrListener) Close() error              { return nil }
func (l addrListener) Addr() net.Addr            { return l.addr }

func TestDevbrokerAddressInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	f := devbrokerFlags{Listen: ln.Addr().String(), Topic: "yard.events", Partitions: 1}
	err = runDevbroker(context.Background(), f, new(bytes.Buffer), nil)
	if err == nil || !strings.Contains(err.Error(), "another Kafka") {
		t.Fatalf("error = %v", err)
	}
}
