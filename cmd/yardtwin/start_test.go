package main

import (
	"net/url"
	"strings"
	"testing"

	"go.uber.org/fx"
)

// TestStartFailuresSayWhy starts a second twin where a first one already runs, on its port and on
// its data directory: each refusal is one line naming the setting and what to do.
func TestStartFailuresSayWhy(t *testing.T) {
	dir := t.TempDir()
	base := startTwin(t, dir)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		giveHTTP string
		giveData string
		want     string
	}{
		{name: "port in use", giveHTTP: u.Host, giveData: t.TempDir(), want: "--http " + u.Host + ": address already in use; is another yardtwin running? use --http to pick another port"},
		{name: "data directory in use", giveHTTP: "127.0.0.1:0", giveData: dir, want: "--data " + dir + ": the event store is in use by another process"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := serveFlags{HTTP: tt.giveHTTP, Data: tt.giveData, Lanes: 4, KafkaConsumers: 1, LogLevel: "error", Clock: onTestDay}
			err := runUntilStopped(fx.New(serveOptions(f), fx.WithLogger(fxLogger(f.LogLevel))), f)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("start = %v, want one line starting %q", err, tt.want)
			}
		})
	}
}
