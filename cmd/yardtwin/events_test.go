package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/yardtwin/yardtwin/domain/contract"
)

// Lines of the events files below: one good report, and reports each wrong in one way.
const (
	goodStacked     = `{"specversion":"1.0","id":"ev-1","source":"urn:test","type":"yard.ContainerStacked","time":"2026-11-21T08:30:12Z","data":{"container":"MSCU1234566","block":"A01","bay":7,"row":3,"tier":2,"crane":"RTG01"}}`
	noCraneStacked  = `{"specversion":"1.0","id":"ev-2","source":"urn:test","type":"yard.ContainerStacked","time":"2026-11-21T08:30:12Z","data":{"container":"MSCU1234566","block":"A01","bay":7,"row":3,"tier":2}}`
	brokenJSON      = `{"specversion":"1.0","id":"ev-3","source":"urn:test","type":`
	bay41Stacked    = `{"specversion":"1.0","id":"ev-4","source":"urn:test","type":"yard.ContainerStacked","time":"2026-11-21T08:30:12Z","data":{"container":"MSCU1234566","block":"A01","bay":41,"row":3,"tier":2,"crane":"RTG01"}}`
	twoFaultsNoID   = `{"specversion":"1.0","source":"urn:test","type":"yard.ContainerStacked","time":"yesterday","data":{"container":"MSCU1234566","block":"A01","bay":7,"row":3,"tier":2,"crane":"RTG01"}}`
	goodHeldWithCRL = `{"specversion":"1.0","id":"ev-6","source":"urn:test","type":"yard.ContainerHeld","time":"2026-11-21T08:31:00Z","data":{"container":"MSCU1234566","hold":"customs"}}` + "\r"
)

// eventsCLI runs the yardtwin command line with args and stdin, as main does, and returns what it
// wrote.
func eventsCLI(t *testing.T, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	root := newRoot()
	var out, errOut bytes.Buffer
	root.SetArgs(args)
	root.SetIn(strings.NewReader(stdin))
	root.SetOut(&out)
	root.SetErr(&errOut)
	err = root.ExecuteContext(context.Background())
	return out.String(), errOut.String(), err
}

// writeEventsFile writes lines as an NDJSON file in a temporary directory and returns its path.
func writeEventsFile(t *testing.T, lines ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "events.ndjson")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestEventsValidate(t *testing.T) {
	tests := []struct {
		name      string
		giveLines []string
		wantOut   []string // FILE stands for the file's path
		wantErr   string   // "" when none
	}{
		{
			name:      "all good",
			giveLines: []string{goodStacked, "", goodHeldWithCRL},
			wantOut:   []string{"2 events, 2 valid, 0 invalid"},
		},
		{
			name:      "broken, missing field, impossible slot",
			giveLines: []string{goodStacked, "", noCraneStacked, brokenJSON, "   ", bay41Stacked, twoFaultsNoID, goodHeldWithCRL},
			wantOut: []string{
				"FILE:3: id=ev-2 type=yard.ContainerStacked: data.crane: is required",
				"FILE:4: id=? type=?: broken JSON: unexpected EOF",
				"FILE:6: id=ev-4 type=yard.ContainerStacked: data.bay: 41 is impossible: block A01 has bays 1 to 40",
				`FILE:7: id=? type=yard.ContainerStacked: id: is required; time: "yesterday" is not an RFC 3339 time such as 2026-11-21T08:30:00Z`,
				"6 events, 2 valid, 4 invalid",
			},
			wantErr: "FILE: 4 of 6 events are invalid",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeEventsFile(t, tt.giveLines...)
			stdout, _, err := eventsCLI(t, "", "events", "validate", path)
			want := strings.ReplaceAll(strings.Join(tt.wantOut, "\n")+"\n", "FILE", path)
			if stdout != want {
				t.Errorf("output:\n%s\nwant:\n%s", stdout, want)
			}
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if wantErr := strings.ReplaceAll(tt.wantErr, "FILE", path); gotErr != wantErr {
				t.Errorf("error = %q, want %q", gotErr, wantErr)
			}
		})
	}
}

func TestEventsValidateStdin(t *testing.T) {
	stdout, _, err := eventsCLI(t, goodStacked+"\n"+noCraneStacked, "events", "validate", "-")
	want := "stdin:2: id=ev-2 type=yard.ContainerStacked: data.crane: is required\n2 events, 1 valid, 1 invalid\n"
	if stdout != want || err == nil || err.Error() != "stdin: 1 of 2 events are invalid" {
		t.Fatalf("output:\n%s\nerror %v\nwant:\n%s", stdout, err, want)
	}
}

// TestEventsValidateLongLines checks that a line of up to 1 MiB is read whole, and that a longer
// one is reported as an invalid event without stopping the check of the lines after it.
func TestEventsValidateLongLines(t *testing.T) {
	padded := strings.Replace(goodStacked, `"specversion"`, strings.Repeat(" ", maxEventLine-len(goodStacked))+`"specversion"`, 1)
	if len(padded) != maxEventLine {
		t.Fatalf("padded line is %d bytes", len(padded))
	}
	tooLong := strings.Replace(goodStacked, `"specversion"`, strings.Repeat(" ", maxEventLine)+`"specversion"`, 1)
	path := writeEventsFile(t, padded, tooLong, noCraneStacked)
	stdout, _, err := eventsCLI(t, "", "events", "validate", path)
	want := path + ":2: id=? type=?: line is longer than 1048576 bytes (1 MiB): an event is one line of at most that\n" +
		path + ":3: id=ev-2 type=yard.ContainerStacked: data.crane: is required\n" +
		"3 events, 1 valid, 2 invalid\n"
	if stdout != want || err == nil {
		t.Fatalf("output:\n%s\nerror %v\nwant:\n%s", stdout, err, want)
	}
}

func TestEventsPublishTarget(t *testing.T) {
	tests := []struct {
		name        string
		giveFlags   publishFlags
		giveChanged []string // flags given on the command line; the others come from the environment
		wantBrokers string
		wantURL     string
		wantErr     bool
	}{
		{name: "kafka", giveFlags: publishFlags{Brokers: "k:9092", Topic: "t"}, wantBrokers: "k:9092"},
		{name: "http", giveFlags: publishFlags{URL: "http://twin", Topic: "t"}, wantURL: "http://twin"},
		{name: "neither", giveFlags: publishFlags{Topic: "t"}, wantErr: true},
		{
			name:        "both as flags",
			giveFlags:   publishFlags{Brokers: "k:9092", URL: "http://twin", Topic: "t"},
			giveChanged: []string{"kafka-brokers", "http"},
			wantBrokers: "k:9092", wantURL: "http://twin", wantErr: true,
		},
		{
			name:        "both from env",
			giveFlags:   publishFlags{Brokers: "k:9092", URL: "http://twin", Topic: "t"},
			wantBrokers: "k:9092", wantURL: "http://twin", wantErr: true,
		},
		{
			name:        "a flag beats the environment",
			giveFlags:   publishFlags{Brokers: "k:9092", URL: "http://twin", Topic: "t"},
			giveChanged: []string{"http"},
			wantURL:     "http://twin",
		},
		{name: "kafka without topic", giveFlags: publishFlags{Brokers: "k:9092"}, wantBrokers: "k:9092", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.giveFlags
			err := f.pickTarget(func(flag string) bool { return slices.Contains(tt.giveChanged, flag) })
			if (err != nil) != tt.wantErr || f.Brokers != tt.wantBrokers || f.URL != tt.wantURL {
				t.Fatalf("pickTarget: brokers %q, url %q, error %v", f.Brokers, f.URL, err)
			}
		})
	}
}

// TestEventsPublishRefusesInvalid checks that a file with an invalid event is not published at all.
func TestEventsPublishRefusesInvalid(t *testing.T) {
	var posts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		posts.Add(1)
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	path := writeEventsFile(t, goodStacked, bay41Stacked)
	_, stderr, err := eventsCLI(t, "", "events", "publish", path, "--http", srv.URL)
	if err == nil || !strings.Contains(err.Error(), "1 of 2 events are invalid, nothing published") || !strings.Contains(err.Error(), "events validate") {
		t.Fatalf("error = %v", err)
	}
	if want := path + ":2: id=ev-4 "; !strings.Contains(stderr, want) {
		t.Fatalf("stderr does not list the invalid event (%q):\n%s", want, stderr)
	}
	if n := posts.Load(); n != 0 {
		t.Fatalf("%d POSTs to the twin", n)
	}
}

// stackedFile writes n valid ContainerStacked reports, one box each, and returns the file's path.
func stackedFile(t *testing.T, n int) string {
	t.Helper()
	at := testDay
	lines := make([]string, n)
	for i := range lines {
		lines[i] = string(stackEvent(fmt.Sprintf("pub-%d", i), box("PUB", i), i, at.Add(time.Duration(i)*time.Second)))
	}
	return writeEventsFile(t, lines...)
}

// TestEventsPublishHTTP publishes a file to a running twin twice: the first time stores every
// event, the second finds them all stored. A file the twin refuses is reported line by line.
func TestEventsPublishHTTP(t *testing.T) {
	base := startTwinWith(t, serveFlags{Data: t.TempDir(), Clock: onTestDay}) // stackedFile's events happen on testDay
	const n = 2500                                                            // batches of 1000, 1000 and 500
	path := stackedFile(t, n)

	tests := []struct {
		name    string
		wantOut string
	}{
		{name: "first time", wantOut: fmt.Sprintf(": %d stored, 0 duplicates\n", n)},
		{name: "again", wantOut: fmt.Sprintf(": 0 stored, %d duplicates\n", n)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, err := eventsCLI(t, "", "events", "publish", path, "--http", base)
			if err != nil {
				t.Fatalf("publish: %v\n%s", err, stderr)
			}
			if want := fmt.Sprintf("published %d events to %s in ", n, base); !strings.HasPrefix(stdout, want) || !strings.HasSuffix(stdout, tt.wantOut) {
				t.Fatalf("output %q, want %q…%q", stdout, want, tt.wantOut)
			}
		})
	}

	waitProjected(t, base)
	var yard struct {
		InYard int `json:"in_yard"`
	}
	if getJSON(t, base+"api/v1/yard", &yard); yard.InYard != n {
		t.Fatalf("%d boxes in the yard, want %d", yard.InYard, n)
	}

	t.Run("refused by the twin", func(t *testing.T) {
		bad := writeEventsFile(t, goodStacked, bay41Stacked)
		var stdout, stderr bytes.Buffer
		err := publishEvents(context.Background(), bad, publishFlags{URL: base, NoValidate: true}, nil, &stdout, &stderr)
		if err == nil || !strings.Contains(err.Error(), "the twin refused the batch of lines 1 to 2 (invalid events: 1) and stored none of it") {
			t.Fatalf("error = %v", err)
		}
		want := bad + ":2: id=ev-4 type=yard.ContainerStacked: data.bay: 41 is impossible: block A01 has bays 1 to 40\n"
		if !strings.Contains(stderr.String(), want) {
			t.Fatalf("stderr does not hold %q:\n%s", want, stderr.String())
		}
	})
}

// TestEventsPublishHTTPRetries checks that a batch answered 503 is sent again, whole.
func TestEventsPublishHTTPRetries(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.URL.Path != "/api/v1/events" || r.Header.Get("Content-Type") != "application/x-ndjson" {
			t.Errorf("POST %s %s", r.URL.Path, r.Header.Get("Content-Type"))
		}
		if calls.Add(1) <= 2 {
			http.Error(w, `{"error":"events not stored, send them again: disk full"}`, http.StatusServiceUnavailable)
			return
		}
		events, err := contract.SplitBatch(body)
		if err != nil {
			t.Errorf("body: %v", err)
		}
		w.WriteHeader(http.StatusAccepted)
		_ = json.NewEncoder(w).Encode(map[string]int{"stored": len(events), "duplicates": 0})
	}))
	defer srv.Close()

	path := stackedFile(t, 3)
	var stdout, stderr bytes.Buffer
	f := publishFlags{URL: srv.URL + "/", retryWait: time.Millisecond}
	if err := publishEvents(context.Background(), path, f, nil, &stdout, &stderr); err != nil {
		t.Fatalf("publish: %v", err)
	}
	if !strings.HasSuffix(stdout.String(), ": 3 stored, 0 duplicates\n") || calls.Load() != 3 {
		t.Fatalf("%d calls, output %q", calls.Load(), stdout.String())
	}
}

func TestEventsPublishHTTPGivesUp(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"error":"store down"}`, http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	var stdout, stderr bytes.Buffer
	f := publishFlags{URL: srv.URL, retryWait: time.Millisecond}
	err := publishEvents(context.Background(), stackedFile(t, 3), f, nil, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "gave up after 5 attempts") || !strings.Contains(err.Error(), "store down") {
		t.Fatalf("error = %v", err)
	}
}

// TestEventsPublishKafka publishes a file from standard input to an in-process Kafka and reads the
// topic back: every line arrives once, as is, keyed by its stream, and each stream's events are
// in file order on one partition.
func TestEventsPublishKafka(t *testing.T) {
	const (
		topic      = "yard.events"
		partitions = 6
		boxes      = 40
		perBox     = 30 // 1200 events: three Publish calls of 500, 500 and 200
	)
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(partitions, topic))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	addr := cluster.ListenAddrs()[0]

	// The boxes take turns, so that each batch mixes every stream.
	at := testDay
	var stdin strings.Builder
	lineOf := map[string]string{} // event id → line
	for seq := range perBox {
		for b := range boxes {
			id := fmt.Sprintf("%03d-%03d", b, seq)
			line := string(stackEvent(id, box("KFK", b), seq*boxes+b, at.Add(time.Duration(seq)*time.Minute)))
			lineOf[id] = line
			stdin.WriteString(line + "\n")
		}
	}

	stdout, stderr, err := eventsCLI(t, stdin.String(), "events", "publish", "-", "--kafka-brokers", addr, "--kafka-topic", topic)
	if err != nil {
		t.Fatalf("publish: %v\n%s", err, stderr)
	}
	if want := fmt.Sprintf("published %d events to Kafka topic %s in ", boxes*perBox, topic); !strings.HasPrefix(stdout, want) {
		t.Fatalf("output %q, want %q…", stdout, want)
	}

	seen := map[string]bool{}
	partitionOf := map[string]int{} // key → partition
	lastSeq := map[string]int{}     // key → last sequence number read
	for p := range partitions {
		for _, m := range readPartition(t, addr, topic, p) {
			var env struct {
				ID string `json:"id"`
			}
			if err := json.Unmarshal(m.Value, &env); err != nil {
				t.Fatalf("partition %d offset %d: %v", p, m.Offset, err)
			}
			if seen[env.ID] {
				t.Fatalf("event %s arrived twice", env.ID)
			}
			seen[env.ID] = true
			if string(m.Value) != lineOf[env.ID] {
				t.Fatalf("event %s arrived as %s, want the line as is: %s", env.ID, m.Value, lineOf[env.ID])
			}
			var b, seq int
			if _, err := fmt.Sscanf(env.ID, "%03d-%03d", &b, &seq); err != nil {
				t.Fatal(err)
			}
			key := string(m.Key)
			if want := "container-" + string(box("KFK", b)); key != want {
				t.Fatalf("event %s has key %q, want its stream %q", env.ID, key, want)
			}
			if q, ok := partitionOf[key]; ok && q != p {
				t.Fatalf("stream %s is on partitions %d and %d", key, q, p)
			}
			partitionOf[key] = p
			if last, ok := lastSeq[key]; ok && seq != last+1 || !ok && seq != 0 {
				t.Fatalf("stream %s: event %d follows %d (ok %v)", key, seq, last, ok)
			}
			lastSeq[key] = seq
		}
	}
	if len(seen) != boxes*perBox {
		t.Fatalf("%d events arrived, want %d", len(seen), boxes*perBox)
	}
}

// readPartition reads every message of one partition, from the first to the last offset.
func readPartition(t *testing.T, addr, topic string, partition int) []kafkago.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, err := kafkago.DialLeader(ctx, "tcp", addr, topic, partition)
	if err != nil {
		t.Fatal(err)
	}
	last, err := conn.ReadLastOffset()
	conn.Close()
	if err != nil {
		t.Fatal(err)
	}
	r := kafkago.NewReader(kafkago.ReaderConfig{Brokers: []string{addr}, Topic: topic, Partition: partition, MaxWait: 100 * time.Millisecond})
	defer r.Close()
	var out []kafkago.Message
	for int64(len(out)) < last {
		m, err := r.ReadMessage(ctx)
		if errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("partition %d: read %d of %d messages", partition, len(out), last)
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}
