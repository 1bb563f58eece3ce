package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"go.uber.org/fx"

	"github.com/yardtwin/yardtwin/adapters/bolt"
	"github.com/yardtwin/yardtwin/adapters/kurrentdb"
	"github.com/yardtwin/yardtwin/domain/equipment"
	"github.com/yardtwin/yardtwin/domain/es"
)

// storeKind is the technology behind --store.
type storeKind int

const (
	storeBolt      storeKind = iota // the embedded file: one process owns it
	storeKurrentDB                  // KurrentDB (EventStoreDB): shared by every serve process
)

// storeLocation is a parsed --store.
type storeLocation struct {
	kind storeKind
	// dir is the embedded store's directory (bolt).
	dir string
	// url is the connection string as given (kurrentdb); it may hold a password: never log it,
	// log redactedURL instead.
	url string
}

// shared says whether several serve processes can use the store at once.
func (l storeLocation) shared() bool { return l.kind == storeKurrentDB }

// String names the store for logs, without credentials.
func (l storeLocation) String() string {
	if l.kind == storeBolt {
		return "bolt://" + l.dir
	}
	return redactedURL(l.url)
}

// parseStore reads --store: empty means the embedded file under data; "bolt://DIR" or a plain
// directory is the embedded file in DIR; the schemes of the official client (kurrentdb://, kurrent://,
// kdb://, esdb://, each also +discover) are a KurrentDB (EventStoreDB) connection string.
func parseStore(raw, data string) (storeLocation, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return storeLocation{kind: storeBolt, dir: data}, nil
	}
	scheme, rest, hasScheme := strings.Cut(raw, "://")
	if !hasScheme {
		scheme, rest = "bolt", raw
	}
	switch strings.ToLower(scheme) {
	case "bolt", "file":
		if rest == "" {
			return storeLocation{}, errors.New("--store: bolt:// needs a directory, e.g. bolt://./data")
		}
		dir := filepath.Clean(rest)
		if filepath.Base(dir) == bolt.FileName { // the file itself was named: take its directory
			dir = filepath.Dir(dir)
		}
		return storeLocation{kind: storeBolt, dir: dir}, nil
	case "kurrentdb", "kurrentdb+discover", "kurrent", "kurrent+discover", "kdb", "kdb+discover", "esdb", "esdb+discover":
		u, err := url.Parse(raw)
		if err != nil {
			return storeLocation{}, fmt.Errorf("--store: %s", redactErr(err, raw))
		}
		if u.Host == "" {
			return storeLocation{}, fmt.Errorf("--store: %s:// names no host, e.g. kurrentdb://kurrentdb:2113?tls=false", scheme)
		}
		return storeLocation{kind: storeKurrentDB, url: raw}, nil
	}
	return storeLocation{}, fmt.Errorf("--store: scheme %q is not bolt:// (the embedded file) or kurrentdb:// (esdb://)", scheme)
}

// storeModule provides the es.Store --store names, thinning telemetry as retention says.
func storeModule(loc storeLocation, retention es.Retention, scavengeEvery time.Duration) fx.Option {
	switch loc.kind {
	case storeKurrentDB:
		return fx.Options(fx.Supply(loc, retention), fx.Provide(openKurrentDB))
	default:
		return fx.Options(fx.Supply(bolt.Config{Dir: loc.dir, Retention: retention, ScavengeEvery: scavengeEvery}), bolt.Module)
	}
}

// thinnable are the event types --retention may name: telemetry, which arrives far faster than
// business events and is not needed for ever at full rate. A business event (a discharge, a
// stack, a gate move) is a fact the twin keeps for ever, so a rule naming one is refused rather
// than trusted.
var thinnable = []string{equipment.TypePositionReported}

// parseRetention reads --retention and refuses rules on anything but telemetry.
func parseRetention(raw string) (es.Retention, error) {
	r, err := es.ParseRetention(raw)
	if err != nil {
		return nil, fmt.Errorf("--retention: %w", err)
	}
	for _, rule := range r {
		if !slices.Contains(thinnable, rule.Type) {
			return nil, fmt.Errorf("--retention: %s is not telemetry; only %s may be thinned, business events are kept for ever", rule.Type, strings.Join(thinnable, ", "))
		}
	}
	return r, nil
}

// openKurrentDB connects to the KurrentDB store (reading its log to index it) and closes it with the
// application.
func openKurrentDB(lc fx.Lifecycle, loc storeLocation, retention es.Retention, log *slog.Logger) (es.Store, error) {
	ctx, cancel := context.WithTimeout(context.Background(), kurrentOpenTimeout)
	defer cancel()
	s, err := kurrentdb.Open(ctx, loc.url, kurrentdb.Options{Logger: log, Retention: retention})
	if err != nil {
		return nil, fmt.Errorf("kurrentdb store %s: %s", loc, redactErr(err, loc.url))
	}
	lc.Append(fx.StopHook(s.Close))
	return s, nil
}

// kurrentOpenTimeout bounds connecting to KurrentDB and indexing its log at start.
const kurrentOpenTimeout = 10 * time.Minute

// redactedURL is a connection string with its password replaced, for logs and errors.
func redactedURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable connection string)"
	}
	return u.Redacted()
}

// redactErr is err with raw's password taken out of its text.
func redactErr(err error, raw string) string {
	msg := err.Error()
	if u, perr := url.Parse(raw); perr == nil && u.User != nil {
		if p, ok := u.User.Password(); ok && p != "" {
			msg = strings.ReplaceAll(msg, p, "xxxxx")
		}
	}
	if strings.Contains(raw, "@") {
		msg = strings.ReplaceAll(msg, raw, "(the connection string)")
	}
	return msg
}
