package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

// parseServe reads serve's settings from args, the environment (set with t.Setenv by the caller)
// and an optional config file holding file, as "yardtwin serve" does before it starts.
func parseServe(t *testing.T, file string, args ...string) (serveFlags, error) {
	t.Helper()
	var f serveFlags
	fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
	set := serveSettings(fs, &f)
	if file != "" {
		path := filepath.Join(t.TempDir(), "yardtwin.yaml")
		if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, "--config", path)
	}
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	err := prepareServe(set, &f)
	return f, err
}

func TestSettingsPrecedence(t *testing.T) {
	file := "ready-lag: 300\ncheckpoint-every: 2m\nkafka-topic: from.file\nlog-level: warn\nmax-body: 1MiB\n"
	t.Setenv("YARDTWIN_READY_LAG", "200")
	t.Setenv("YARDTWIN_KAFKA_TOPIC", "from.env")
	f, err := parseServe(t, file, "--ready-lag", "100")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		got  any
		want any
	}{
		{name: "flag over env and file", got: f.ReadyLag, want: 100},
		{name: "env over file", got: f.KafkaTopic, want: "from.env"},
		{name: "file over default", got: f.CheckpointEvery, want: 2 * time.Minute},
		{name: "file over default (level)", got: f.LogLevel, want: "warn"},
		{name: "file size", got: f.MaxBody, want: int64(1 << 20)},
		{name: "default", got: f.KafkaGroup, want: "yardtwin"},
		{name: "default size", got: f.MaxBody == 16<<20 || f.MaxBody == 1<<20, want: true},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, tt.got, tt.want)
		}
	}
	// The start-up log says where each value came from.
	sources := map[string]string{}
	for _, a := range f.resolved {
		g := a.(interface{ String() string }).String()
		if m := regexp.MustCompile(`^([a-z-]+)=\[value=.* from=(\w+)\]$`).FindStringSubmatch(g); m != nil {
			sources[m[1]] = m[2]
		}
	}
	for flag, want := range map[string]string{"ready-lag": "flag", "kafka-topic": "env", "checkpoint-every": "file", "kafka-group": "default"} {
		if sources[flag] != want {
			t.Errorf("%s came from %q, want %s (all: %v)", flag, sources[flag], want, sources)
		}
	}
}

func TestSettingsListsFromEnvAndFile(t *testing.T) {
	t.Setenv("YARDTWIN_PUBLISHER_TOKENS", "env-token-aaaaaaaaaaaa, env-token-bbbbbbbbbbbb")
	f, err := parseServe(t, "viewer-tokens:\n  - file-token-cccccccccccc\n  - file-token-dddddddddddd\nkafka-brokers: [k1:9092, k2:9092]\n")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(f.PublisherTokens, "|") != "env-token-aaaaaaaaaaaa|env-token-bbbbbbbbbbbb" {
		t.Errorf("publisher tokens from env = %q", f.PublisherTokens)
	}
	if strings.Join(f.ViewerTokens, "|") != "file-token-cccccccccccc|file-token-dddddddddddd" {
		t.Errorf("viewer tokens from file = %q", f.ViewerTokens)
	}
	if f.KafkaBrokers != "k1:9092,k2:9092" {
		t.Errorf("brokers from a YAML list = %q", f.KafkaBrokers)
	}
	// A flag replaces the list from the environment, it does not extend it.
	f, err = parseServe(t, "", "--publisher-tokens", "flag-token-eeeeeeeeeeee")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(f.PublisherTokens, "|") != "flag-token-eeeeeeeeeeee" {
		t.Errorf("publisher tokens with a flag over env = %q", f.PublisherTokens)
	}
}

func TestSettingsErrors(t *testing.T) {
	tests := []struct {
		name     string
		giveEnv  map[string]string
		giveFile string
		giveArgs []string
		wantErr  []string // every one must appear
	}{
		{name: "unknown file key", giveFile: "kafka-broker: k:9092\n", wantErr: []string{`unknown key "kafka-broker" (did you mean "kafka-brokers"?)`}},
		{name: "config in the file", giveFile: "config: other.yaml\n", wantErr: []string{`unknown key "config"`}},
		{name: "bad duration in the file", giveFile: "checkpoint-every: soon\n", wantErr: []string{`checkpoint-every: "soon" is not a duration such as 30s`}},
		{name: "bad number in the env", giveEnv: map[string]string{"YARDTWIN_READY_LAG": "lots"}, wantErr: []string{`$YARDTWIN_READY_LAG: "lots" is not a whole number`}},
		{name: "bad size", giveArgs: []string{"--max-body", "huge"}, wantErr: []string{`invalid argument "huge" for "--max-body"`}},
		{name: "broken YAML", giveFile: "role: [ingest\n", wantErr: []string{"config file"}},
		{name: "a map where a value goes", giveFile: "role:\n  name: ingest\n", wantErr: []string{"role: a map[string]interface {} is not a value"}},
		{name: "missing config file", giveArgs: []string{"--config", "/nonexistent/yardtwin.yaml"}, wantErr: []string{"--config: open /nonexistent/yardtwin.yaml"}},
		{name: "unknown role", giveArgs: []string{"--role", "reader"}, wantErr: []string{`--role: "reader" is not ingest, query or all`}},
		{name: "split roles on the embedded store", giveArgs: []string{"--role", "query"}, wantErr: []string{"--role query: the embedded store", "--store kurrentdb://"}},
		{name: "unknown store", giveArgs: []string{"--store", "postgres://db/events"}, wantErr: []string{`--store: scheme "postgres" is not bolt://`}},
		{name: "kurrentdb without host", giveArgs: []string{"--store", "kurrentdb://"}, wantErr: []string{"--store: kurrentdb:// names no host"}},
		{name: "query with Kafka", giveArgs: []string{"--role", "query", "--store", "kurrentdb://kdb:2113", "--kafka-brokers", "k:9092"}, wantErr: []string{"--kafka-brokers: a --role query process consumes no Kafka"}},
		{name: "demo on an ingest process", giveArgs: []string{"--role", "ingest", "--store", "kurrentdb://kdb:2113", "--demo", "x.yaml"}, wantErr: []string{"--demo: the demo feed needs --role all"}},
		{name: "log format", giveArgs: []string{"--log-format", "xml"}, wantErr: []string{`--log-format: "xml" is not text or json`}},
		{name: "log level", giveEnv: map[string]string{"YARDTWIN_LOG_LEVEL": "loud"}, wantErr: []string{`--log-level: "loud" is not debug, info, warn or error`}},
		{name: "viewers without publishers", giveArgs: []string{"--viewer-tokens", "view-0123456789abcdef"}, wantErr: []string{"--viewer-tokens: set without --publisher-tokens"}},
		{name: "short token", giveArgs: []string{"--publisher-tokens", "abc"}, wantErr: []string{"--publisher-tokens: token 1 is 3 characters long, shorter than 16"}},
		{name: "tiny body limit", giveArgs: []string{"--max-body", "100"}, wantErr: []string{"--max-body: 100 bytes is too small"}},
		{name: "certificate without key", giveArgs: []string{"--kafka-brokers", "k:9092", "--kafka-tls-cert", "c.pem"}, wantErr: []string{"--kafka-tls-*: kafka: tls client certificate: a key file is needed"}},
		{name: "SASL without mechanism", giveArgs: []string{"--kafka-brokers", "k:9092", "--kafka-sasl-user", "twin"}, wantErr: []string{"--kafka-sasl-mechanism: a SASL user or password is set but no mechanism"}},
		{name: "unknown SASL mechanism", giveArgs: []string{"--kafka-brokers", "k:9092", "--kafka-sasl-mechanism", "OAUTHBEARER", "--kafka-sasl-user", "u", "--kafka-sasl-password", "p"}, wantErr: []string{`--kafka-sasl-*: kafka: sasl: "OAUTHBEARER" is not PLAIN`}},
		{name: "clock", giveArgs: []string{"--clock", "yesterday"}, wantErr: []string{`--clock: "yesterday" is neither an RFC 3339 instant`}},
		{name: "checkpoint events", giveArgs: []string{"--checkpoint-events", "0"}, wantErr: []string{"--checkpoint-events: 0 is not a positive number of events"}},
		{name: "retention of a business event", giveArgs: []string{"--retention", "yard.ContainerStacked=24h/0"}, wantErr: []string{"--retention: yard.ContainerStacked is not telemetry; only equipment.PositionReported may be thinned"}},
		{name: "retention syntax", giveEnv: map[string]string{"YARDTWIN_RETENTION": "equipment.PositionReported=7d"}, wantErr: []string{"--retention: es: retention:"}},
		{name: "several at once", giveArgs: []string{"--log-format", "xml", "--ingest-lanes", "0"}, wantErr: []string{"--log-format", "--ingest-lanes: 0 is outside 1..64"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.giveEnv {
				t.Setenv(k, v)
			}
			_, err := parseServe(t, tt.giveFile, tt.giveArgs...)
			if err == nil {
				t.Fatalf("no error, want %q", tt.wantErr)
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q\nwant it to contain %q", err, want)
				}
			}
		})
	}
}

func TestSettingsAccepted(t *testing.T) {
	tests := []struct {
		name     string
		giveArgs []string
	}{
		{name: "defaults"},
		{name: "ingest on KurrentDB with Kafka", giveArgs: []string{"--role", "ingest", "--store", "kurrentdb://kurrentdb:2113?tls=false", "--kafka-brokers", "kafka:9092"}},
		{name: "query on EventStoreDB", giveArgs: []string{"--role", "query", "--store", "esdb+discover://a:2113,b:2113"}},
		{name: "embedded store named", giveArgs: []string{"--store", "bolt:///var/lib/yardtwin"}},
		{name: "SCRAM", giveArgs: []string{"--kafka-brokers", "k:9092", "--kafka-sasl-mechanism", "scram-sha-512", "--kafka-sasl-user", "twin", "--kafka-sasl-password", "s3cret"}},
		{name: "tokens", giveArgs: []string{"--publisher-tokens", "pub-0123456789abcdef", "--viewer-tokens", "view-0123456789abcdef"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := parseServe(t, "", tt.giveArgs...); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestParseStore(t *testing.T) {
	tests := []struct {
		give       string
		wantKind   storeKind
		wantDir    string
		wantString string
	}{
		{give: "", wantKind: storeBolt, wantDir: "data-dir", wantString: "bolt://data-dir"},
		{give: "bolt://./events", wantKind: storeBolt, wantDir: "events", wantString: "bolt://events"},
		{give: "/srv/yard/events.db", wantKind: storeBolt, wantDir: "/srv/yard", wantString: "bolt:///srv/yard"},
		{give: "kurrentdb://admin:changeit@kdb:2113", wantKind: storeKurrentDB, wantString: "kurrentdb://admin:xxxxx@kdb:2113"},
		{give: "esdb://kdb:2113", wantKind: storeKurrentDB, wantString: "esdb://kdb:2113"},
	}
	for _, tt := range tests {
		loc, err := parseStore(tt.give, "data-dir")
		if err != nil || loc.kind != tt.wantKind || loc.dir != tt.wantDir || loc.String() != tt.wantString {
			t.Errorf("parseStore(%q) = %+v (%s), %v; want kind %d dir %q, shown %s", tt.give, loc, loc, err, tt.wantKind, tt.wantDir, tt.wantString)
		}
	}
}

func TestParseSize(t *testing.T) {
	for give, want := range map[string]int64{"16MiB": 16 << 20, "512KiB": 512 << 10, "1048576": 1 << 20, "2MB": 2e6, "1.5GiB": 3 << 29} {
		if got, err := parseSize(give); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", give, got, err, want)
		}
	}
	for _, give := range []string{"", "MiB", "-1", "12 parsecs", "0"} {
		if _, err := parseSize(give); err == nil {
			t.Errorf("parseSize(%q) accepted", give)
		}
	}
}

// TestSecretsStayOutOfHelpAndDump: a token or password given by the environment shows neither as a
// flag default in --help nor in the start-up settings.
func TestSecretsStayOutOfHelpAndDump(t *testing.T) {
	const token, password = "tok-SECRET-0123456789", "pw-SECRET-kafka"
	t.Setenv("YARDTWIN_PUBLISHER_TOKENS", token)
	t.Setenv("YARDTWIN_KAFKA_SASL_PASSWORD", password)
	cmd := newServe()
	if usage := cmd.Flags().FlagUsages(); strings.Contains(usage, "SECRET") {
		t.Errorf("--help shows a secret:\n%s", usage)
	}
	f, err := parseServe(t, "", "--kafka-brokers", "k:9092", "--kafka-sasl-mechanism", "PLAIN", "--kafka-sasl-user", "twin")
	if err != nil {
		t.Fatal(err)
	}
	var dump strings.Builder
	for _, a := range f.resolved {
		dump.WriteString(a.(interface{ String() string }).String() + "\n")
	}
	if strings.Contains(dump.String(), "SECRET") || !strings.Contains(dump.String(), "publisher-tokens=[value=[1 redacted] from=env]") {
		t.Errorf("settings dump:\n%s", dump.String())
	}
}

// TestREADMESettingsTable keeps the README's one table of settings complete: every setting of serve
// has a row with its flag, variable and file key, and no row names a setting that does not exist.
func TestREADMESettingsTable(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	section := string(readme)
	start := strings.Index(section, "\n## Settings\n")
	if start < 0 {
		t.Fatal("README has no Settings section")
	}
	section = section[start+1:]
	if end := strings.Index(section[3:], "\n## "); end >= 0 {
		section = section[:end+3]
	}
	rows := map[string]string{}
	for _, line := range strings.Split(section, "\n") {
		if m := regexp.MustCompile("^\\| `--([a-z-]+)`").FindStringSubmatch(line); m != nil {
			rows[m[1]] = line
		}
	}
	var f serveFlags
	set := serveSettings(pflag.NewFlagSet("serve", pflag.ContinueOnError), &f)
	for _, st := range set.list {
		row, ok := rows[st.Flag]
		if !ok {
			t.Errorf("README Settings: no row for --%s", st.Flag)
			continue
		}
		if !strings.Contains(row, "`"+st.Env+"`") {
			t.Errorf("README Settings: the row of --%s does not name $%s", st.Flag, st.Env)
		}
		if st.File && !strings.Contains(row, "`"+st.Flag+":`") {
			t.Errorf("README Settings: the row of --%s does not name its file key `%s:`", st.Flag, st.Flag)
		}
		delete(rows, st.Flag)
	}
	for flag := range rows {
		t.Errorf("README Settings: a row for --%s, which serve does not have", flag)
	}
}
