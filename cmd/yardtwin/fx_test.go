package main

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/fx"

	"github.com/yardtwin/yardtwin/adapters/bolt"
)

// TestServeWiringPerMode validates the fx graph of every way serve can run: each role, on the
// embedded store and on KurrentDB, with and without Kafka (a query process consumes none). Nothing
// is started: fx.ValidateApp checks that every constructor finds what it needs, once.
func TestServeWiringPerMode(t *testing.T) {
	const kurrent = "kurrentdb://kurrentdb:2113?tls=false"
	tests := []struct {
		name      string
		giveRole  string
		giveStore string
		giveKafka string
	}{
		{name: "all, embedded", giveRole: "all"},
		{name: "all, embedded, Kafka", giveRole: "all", giveKafka: "127.0.0.1:9092"},
		{name: "all, KurrentDB, Kafka", giveRole: "all", giveStore: kurrent, giveKafka: "127.0.0.1:9092"},
		{name: "ingest, KurrentDB", giveRole: "ingest", giveStore: kurrent},
		{name: "ingest, KurrentDB, Kafka", giveRole: "ingest", giveStore: kurrent, giveKafka: "127.0.0.1:9092"},
		{name: "query, KurrentDB", giveRole: "query", giveStore: kurrent},
		{name: "query, embedded (tests only: the CLI refuses it)", giveRole: "query"},
		{name: "ingest, embedded (tests only: the CLI refuses it)", giveRole: "ingest", giveKafka: "127.0.0.1:9092"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := serveFlags{
				HTTP: "127.0.0.1:0", Data: t.TempDir(), Lanes: 4, LogLevel: "info",
				Role: tt.giveRole, Store: tt.giveStore,
				KafkaBrokers: tt.giveKafka, KafkaTopic: "yard.events", KafkaGroup: "yardtwin", KafkaConsumers: 1,
				PublisherTokens: []string{"pub-0123456789abcdef"},
			}
			if err := fx.ValidateApp(serveOptions(f), fx.NopLogger); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestKurrentDBStoreUnreachable: a KurrentDB store that does not answer fails the start with a
// plain reason and without the password, never by falling back to the embedded file.
func TestKurrentDBStoreUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	f := serveFlags{HTTP: "127.0.0.1:0", Data: t.TempDir(), Lanes: 4, LogLevel: "info", Store: "kurrentdb://admin:changeit@" + addr, LogOutput: &strings.Builder{}}
	app := fx.New(serveOptions(f), fx.NopLogger)
	err = app.Err()
	if err == nil || !strings.Contains(err.Error(), "kurrentdb store") {
		t.Fatalf("start = %v, want the KurrentDB store's error", err)
	}
	if strings.Contains(err.Error(), "changeit") {
		t.Fatalf("the error shows the store's password: %v", err)
	}
	if _, err := os.Stat(filepath.Join(f.Data, bolt.FileName)); !os.IsNotExist(err) {
		t.Fatalf("an embedded store was made in --data: %v", err)
	}
}

// TestBadRoleFailsTheGraph: serveOptions itself refuses what it cannot build.
func TestBadRoleFailsTheGraph(t *testing.T) {
	err := fx.ValidateApp(serveOptions(serveFlags{Role: "reader", Data: t.TempDir()}), fx.NopLogger)
	if err == nil || !strings.Contains(err.Error(), `--role: "reader" is not ingest, query or all`) {
		t.Fatalf("ValidateApp = %v", err)
	}
}
