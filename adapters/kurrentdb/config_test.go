package kurrentdb

import (
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		name        string
		give        string
		wantAddress string
		wantSeeds   int
		wantTLS     bool
		wantUser    string
	}{
		{"KurrentDBInsecure", "kurrentdb://localhost:2113?tls=false", "localhost:2113", 0, false, ""},
		{"DefaultPort", "kurrentdb://db.terminal.example", "db.terminal.example:2113", 0, true, ""},
		{"ESDB", "esdb://admin:changeit@127.0.0.1:2113", "127.0.0.1:2113", 0, true, "admin"},
		{"Cluster", "kurrentdb+discover://admin:changeit@db1:2113,db2:2113,db3:2113?nodePreference=leader", "", 3, true, "admin"},
		{"ESDBCluster", "esdb://db1:2113,db2:2113?tls=false", "", 2, false, ""},
		{"UpperCaseScheme", "KurrentDB://localhost:2113?tls=false", "localhost:2113", 0, false, ""},
		{"ShortScheme", "kurrent://localhost:2113?tls=false", "localhost:2113", 0, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := ParseURL(tt.give)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if cfg.Address != tt.wantAddress || len(cfg.GossipSeeds) != tt.wantSeeds {
				t.Errorf("address %q with %d gossip seeds, want %q with %d", cfg.Address, len(cfg.GossipSeeds), tt.wantAddress, tt.wantSeeds)
			}
			if cfg.DisableTLS == tt.wantTLS {
				t.Errorf("TLS = %v, want %v", !cfg.DisableTLS, tt.wantTLS)
			}
			if cfg.Username != tt.wantUser {
				t.Errorf("user = %q, want %q", cfg.Username, tt.wantUser)
			}
		})
	}
}

func TestParseURLErrors(t *testing.T) {
	tests := []struct {
		name    string
		give    string
		wantErr string
	}{
		{"Empty", "", "store url: empty; want e.g. kurrentdb://localhost:2113?tls=false"},
		{"Blank", "  ", "store url: empty"},
		{"NoScheme", "localhost:2113", `no scheme; want kurrentdb://host:port`},
		{"HTTP", "http://localhost:2113", `scheme "http" is not one of kurrentdb, kurrentdb+discover, kurrent, kurrent+discover, kdb, kdb+discover, esdb, esdb+discover`},
		{"Bolt", "bolt://./data", `scheme "bolt" is not one of`},
		{"BadPort", "kurrentdb://localhost:21x3", `invalid port ":21x3"`},
		{"NoHost", "kurrentdb://?tls=false", "doesn't have an host"},
		{"Path", "kurrentdb://localhost:2113/yard", "unsupported URL path"},
		{"EmptyUser", "esdb://:s3cret-pw@localhost:2113", "empty username"},
		{"BadTLS", "kurrentdb://localhost:2113?tls=maybe", "must be either true or false"},
		{"LoginWithoutTLS", "kurrentdb://admin:s3cret-pw@localhost:2113?tls=false", "a user and password with tls=false would never be sent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseURL(tt.give)
			if err == nil {
				t.Fatalf("parse %q succeeded, want an error", tt.give)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not say %q", err, tt.wantErr)
			}
			if !strings.HasPrefix(err.Error(), "kurrentdb: store url") {
				t.Errorf("error %q does not start with kurrentdb: store url", err)
			}
			if strings.Contains(err.Error(), "s3cret-pw") {
				t.Errorf("error repeats the password: %v", err)
			}
		})
	}
}

func TestRedact(t *testing.T) {
	tests := []struct {
		give string
		want string
	}{
		{"kurrentdb://admin:changeit@db:2113?tls=true", "kurrentdb://admin:xxxxx@db:2113?tls=true"},
		{"esdb://admin:changeit@db1:2113,db2:2113", "esdb://admin:xxxxx@db1:2113,db2:2113"},
		{"kurrentdb://db:2113?tls=false", "kurrentdb://db:2113?tls=false"},
	}
	for _, tt := range tests {
		if got := redact(tt.give); got != tt.want {
			t.Errorf("redact(%q) = %q, want %q", tt.give, got, tt.want)
		}
	}
}

func TestOptionsValidate(t *testing.T) {
	tests := []struct {
		name    string
		give    Options
		wantErr string
	}{
		{"Zero", Options{}, ""},
		{"Named", Options{Stream: "yardtwin-tc1-log"}, ""},
		{"SystemStream", Options{Stream: "$all"}, `stream "$all": must not start with $`},
		{"Space", Options{Stream: "yard log"}, "must not start with $ or contain spaces"},
		{"Control", Options{Stream: "yard\nlog"}, "control characters"},
		{"Long", Options{Stream: strings.Repeat("y", 1025)}, "1025 bytes, at most 1024"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.give.Validate()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("validate = %v, want nil", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("validate = %v, want an error saying %q", err, tt.wantErr)
			}
		})
	}
}

func TestOpenRefusesBadInputBeforeConnecting(t *testing.T) {
	tests := []struct {
		name     string
		giveURL  string
		giveOpts Options
		wantErr  string
	}{
		{"BadScheme", "postgres://localhost", Options{}, "scheme"},
		{"BadStream", "kurrentdb://localhost:2113?tls=false", Options{Stream: "$all"}, "stream"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			_, err := Open(t.Context(), tt.giveURL, tt.giveOpts)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("open = %v, want an error about the %s", err, tt.wantErr)
			}
			if time.Since(start) > time.Second {
				t.Errorf("open took %s: it tried to connect", time.Since(start))
			}
		})
	}
}

func TestOptionsDefaults(t *testing.T) {
	got := Options{}.withDefaults()
	if got.Stream != DefaultStream || got.CallTimeout != DefaultCallTimeout || got.MaxAppendBytes != DefaultMaxAppend ||
		got.Retries != DefaultRetries || got.BackoffMin != DefaultBackoffMin || got.BackoffMax != DefaultBackoffMax || got.Logger == nil {
		t.Errorf("defaults = %+v", got)
	}
	kept := Options{Stream: "s", CallTimeout: time.Second, MaxAppendBytes: 10, Retries: 3, BackoffMin: time.Second, BackoffMax: 2 * time.Second, Logger: slog.Default()}
	if got := kept.withDefaults(); !reflect.DeepEqual(got, kept) {
		t.Errorf("withDefaults changed set options: %+v", got)
	}
	// A maximum below the minimum is raised to the default maximum, or the minimum if larger.
	if got := (Options{BackoffMin: 10 * time.Second, BackoffMax: time.Second}).withDefaults(); got.BackoffMax != 10*time.Second {
		t.Errorf("BackoffMax = %s, want 10s", got.BackoffMax)
	}
}
