package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kfake"
)

// devbrokerFlags are the settings of "yardtwin devbroker".
type devbrokerFlags struct {
	Listen     string
	Topic      string
	Partitions int
	envErrs    []error
}

func newDevbroker() *cobra.Command {
	var f devbrokerFlags
	cmd := &cobra.Command{
		Use:   "devbroker [--listen 127.0.0.1:9092] [--topic yard.events] [--partitions 6]",
		Short: "Run an in-memory Kafka for development (it keeps nothing: all is lost when it stops)",
		Long: `Run a single Kafka broker in this process (franz-go's kfake), with the events topic and its
dead-letter topic (<topic>.dlq) created, so that "serve" and "events publish" can be tried with Kafka
without installing one. It speaks the Kafka protocol to any client (kafka-go, Java, kcat).

It is a development broker: it KEEPS NOTHING. Every topic, message and consumer offset lives in
memory and is lost when it stops (Ctrl-C). Do not point a terminal's production feed at it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := errors.Join(f.envErrs...); err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runDevbroker(ctx, f, cmd.OutOrStdout(), nil)
		},
	}
	fs := cmd.Flags()
	envString(fs, &f.Listen, "listen", "YARDTWIN_DEVBROKER_LISTEN", "127.0.0.1:9092", "address the broker listens on (port 0 picks a free one)")
	envString(fs, &f.Topic, "topic", "YARDTWIN_KAFKA_TOPIC", defaultEventsTopic, "topic to create, along with <topic>.dlq")
	envInt(fs, &f.Partitions, "partitions", "YARDTWIN_DEVBROKER_PARTITIONS", 6, "partitions of each topic", &f.envErrs)
	return cmd
}

// runDevbroker runs an in-memory Kafka broker on f.Listen with f.Topic and its dead-letter topic
// until ctx is done, printing what it is and how to use it on out. ready, if not nil, is called with
// the bootstrap address once clients can connect.
func runDevbroker(ctx context.Context, f devbrokerFlags, out io.Writer, ready func(bootstrap string)) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if f.Topic == "" {
		return errors.New("devbroker: --topic is empty")
	}
	if f.Partitions < 1 {
		return fmt.Errorf("devbroker: --partitions: %d is not a positive number", f.Partitions)
	}
	ln, err := net.Listen("tcp", f.Listen)
	if err != nil {
		return fmt.Errorf("devbroker: %w (is another Kafka running there? --listen picks another address)", err)
	}
	ln = advertiseLoopback(ln)
	var once sync.Once
	cluster, err := kfake.NewCluster(
		kfake.NumBrokers(1),
		kfake.ClusterID("yardtwin-devbroker"),
		// kfake listens on 127.0.0.1 only; handing it our listener lets --listen choose the host.
		// It advertises the listener's address to clients, hence advertiseLoopback.
		kfake.ListenFn(func(string, string) (net.Listener, error) {
			var got net.Listener
			once.Do(func() { got = ln })
			if got == nil {
				return nil, errors.New("devbroker runs one broker") // NumBrokers(1): cannot happen
			}
			return got, nil
		}),
		kfake.SeedTopics(int32(f.Partitions), f.Topic, f.Topic+".dlq"),
		kfake.DefaultNumPartitions(f.Partitions),
		kfake.AllowAutoTopicCreation(),
	)
	if err != nil {
		_ = ln.Close()
		return fmt.Errorf("devbroker: %w", err)
	}
	defer cluster.Close()
	bootstrap := ln.Addr().String()

	fmt.Fprintf(out, `yardtwin devbroker: an in-memory Kafka for DEVELOPMENT ONLY.
It KEEPS NOTHING: every topic, message and offset is lost when it stops.

bootstrap address: %[1]s
topics:            %[2]s and %[2]s.dlq, %[3]d partitions each (others are created on first use)

Try:
  yardtwin serve --kafka-brokers %[1]s
  yardtwin events publish events.ndjson --kafka-brokers %[1]s
  kcat -b %[1]s -t %[2]s -P -K: -X topic.partitioner=murmur2_random -l keyed.ndjson
      (kcat: each line is STREAM:EVENT, e.g. container-MSCU1234566:{"specversion":"1.0",...};
       murmur2 puts a key on the partition yardtwin and Java producers choose)

Ctrl-C stops it.
`, bootstrap, f.Topic, f.Partitions)
	if ready != nil {
		ready(bootstrap)
	}
	<-ctx.Done()
	fmt.Fprintln(out, "yardtwin devbroker: stopped; everything it held is gone")
	return nil
}

// advertiseLoopback makes a listener bound to every interface (":9092", "0.0.0.0:9092") report the
// loopback address instead: kfake tells clients to connect to the address its listener reports,
// and a wildcard address is not one they can dial everywhere.
func advertiseLoopback(ln net.Listener) net.Listener {
	addr, ok := ln.Addr().(*net.TCPAddr)
	if !ok || !addr.IP.IsUnspecified() {
		return ln
	}
	// A wildcard listener accepts IPv4 too, so 127.0.0.1 reaches it.
	return loopbackListener{Listener: ln, addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: addr.Port}}
}

// loopbackListener is a listener reporting addr as its address.
type loopbackListener struct {
	net.Listener
	addr net.Addr
}

func (l loopbackListener) Addr() net.Addr { return l.addr }
