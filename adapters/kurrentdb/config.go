package kurrentdb

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/kurrent-io/KurrentDB-Client-Go/kurrentdb"

	"github.com/yardtwin/yardtwin/domain/es"
)

// Schemes are the URL schemes Open accepts, the official client's: KurrentDB connection strings
// (kurrentdb, and its short forms kurrent and kdb) and the EventStoreDB ones they grew from (esdb).
// "+discover" asks the client to find the cluster's nodes by gossip.
var Schemes = []string{
	"kurrentdb", "kurrentdb+discover", "kurrent", "kurrent+discover",
	"kdb", "kdb+discover", "esdb", "esdb+discover",
}

// DefaultStream is the KurrentDB stream that holds the twin's log when Options.Stream is empty.
const DefaultStream = "yardtwin-log"

// Defaults of Options.
const (
	DefaultCallTimeout = 10 * time.Second
	DefaultMaxAppend   = 1 << 20 // KurrentDB's own MaxAppendSize default
	DefaultRetries     = 50
	DefaultBackoffMin  = 100 * time.Millisecond
	DefaultBackoffMax  = 5 * time.Second
)

// Options tune a Store. The zero value uses every default.
type Options struct {
	// Stream is the KurrentDB stream that holds the log (default DefaultStream). Twins that share
	// one KurrentDB keep apart by naming different streams; so does the contract suite.
	Stream string
	// CallTimeout bounds every call to the server: an append, one page of a read, Head, and
	// setting up a subscription (default 10 s). Opening reads the log in pages, each with it.
	CallTimeout time.Duration
	// MaxAppendBytes refuses, before sending, an Append whose events and metadata exceed it
	// (default 1 MiB, the server's MaxAppendSize default; raise both together).
	MaxAppendBytes int
	// Retries bounds how many times an Append is decided again after another process appended
	// first (default 50).
	Retries int
	// BackoffMin and BackoffMax bound the wait before a dropped subscription is set up again; the
	// wait doubles after each failed try (defaults 100 ms and 5 s).
	BackoffMin, BackoffMax time.Duration
	// Logger receives resubscriptions, retries and the client's own messages (default
	// slog.Default()). The connection string is never logged.
	Logger *slog.Logger
	// Retention is the twin's retention policy for telemetry, as the embedded store takes it. This
	// adapter applies none of it (the log stream holds business events too; see the package doc,
	// Retention) and logs each rule it leaves unapplied, with the reason, when it opens.
	Retention es.Retention
}

func (o Options) withDefaults() Options {
	if o.Stream == "" {
		o.Stream = DefaultStream
	}
	if o.CallTimeout <= 0 {
		o.CallTimeout = DefaultCallTimeout
	}
	if o.MaxAppendBytes <= 0 {
		o.MaxAppendBytes = DefaultMaxAppend
	}
	if o.Retries <= 0 {
		o.Retries = DefaultRetries
	}
	if o.BackoffMin <= 0 {
		o.BackoffMin = DefaultBackoffMin
	}
	if o.BackoffMax < o.BackoffMin {
		o.BackoffMax = max(DefaultBackoffMax, o.BackoffMin)
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// streamName is what KurrentDB accepts as the log's name here: not a system stream ($…), no
// spaces or control characters.
var streamName = regexp.MustCompile(`^[^$\s\x00-\x1f\x7f][^\s\x00-\x1f\x7f]*$`)

// Validate reports options a store cannot use, naming the field.
func (o Options) Validate() error {
	if o.Stream != "" && !streamName.MatchString(o.Stream) {
		return fmt.Errorf("kurrentdb: options: stream %q: must not start with $ or contain spaces or control characters", o.Stream)
	}
	if len(o.Stream) > 1024 {
		return fmt.Errorf("kurrentdb: options: stream: %d bytes, at most 1024", len(o.Stream))
	}
	if err := o.Retention.Validate(); err != nil {
		return fmt.Errorf("kurrentdb: options: %w", err)
	}
	return nil
}

// ParseURL checks a connection string as given to --store and returns the client's configuration
// for it. Errors name what is wrong and never repeat a password.
func ParseURL(raw string) (*kurrentdb.Configuration, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, errors.New("kurrentdb: store url: empty; want e.g. kurrentdb://localhost:2113?tls=false")
	}
	scheme, _, ok := strings.Cut(raw, "://")
	if !ok {
		return nil, fmt.Errorf("kurrentdb: store url %q: no scheme; want %s://host:port", redact(raw), Schemes[0])
	}
	if !slices.Contains(Schemes, strings.ToLower(scheme)) {
		return nil, fmt.Errorf("kurrentdb: store url %q: scheme %q is not one of %s", redact(raw), scheme, strings.Join(Schemes, ", "))
	}
	cfg, err := kurrentdb.ParseConnectionString(raw)
	if err != nil {
		return nil, fmt.Errorf("kurrentdb: store url %q: %s", redact(raw), scrub(err.Error(), raw))
	}
	// The client sends no credentials over a plain connection (configuration.go,
	// resolveRequestCredentials): a login with tls=false would be dropped without a word.
	if cfg.DisableTLS && (cfg.Username != "" || cfg.Password != "") {
		return nil, fmt.Errorf("kurrentdb: store url %q: a user and password with tls=false would never be sent (the client sends credentials over TLS only); drop them for an insecure server or turn TLS on", redact(raw))
	}
	return cfg, nil
}

// redact returns the connection string with its password, if any, replaced by "xxxxx".
func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	// Cluster strings (host1,host2) do not parse as URLs: cut out what lies between :// and @.
	scheme, rest, ok := strings.Cut(raw, "://")
	if at := strings.LastIndex(rest, "@"); ok && at >= 0 {
		user, _, _ := strings.Cut(rest[:at], ":")
		return scheme + "://" + user + ":xxxxx@" + rest[at+1:]
	}
	return raw
}

// scrub removes the password of raw from a message that may quote it.
func scrub(msg, raw string) string {
	if u, err := url.Parse(strings.ReplaceAll(raw, ",", "/")); err == nil && u.User != nil {
		if p, ok := u.User.Password(); ok && p != "" {
			msg = strings.ReplaceAll(msg, p, "xxxxx")
		}
	}
	return msg
}
