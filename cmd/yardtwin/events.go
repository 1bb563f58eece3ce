package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/yardtwin/yardtwin/adapters/kafka"
	"github.com/yardtwin/yardtwin/domain/contract"
	"github.com/yardtwin/yardtwin/domain/es"
)

// "yardtwin events" is the integrator's side of the contract: check a file of events (NDJSON, one
// CloudEvents envelope a line) with the twin's own checks, then send it over Kafka or HTTP.

// Limits and batch sizes of the events commands.
const (
	// maxEventLine is the longest line an events file may hold, in bytes, without its line ending.
	maxEventLine = 1 << 20
	// kafkaPublishBatch is how many messages one Publish call carries: enough to fill the
	// writer's batches, few enough that a failure leaves little in doubt.
	kafkaPublishBatch = 500
	// httpPublishBatch is how many events one POST carries (the API takes up to contract.MaxBatch),
	// and httpPublishBytes how large its body may grow (the API takes up to 32 MiB).
	httpPublishBatch = 1000
	httpPublishBytes = 16 << 20
	// httpPublishAttempts is how often a batch is sent before giving up on 503s or network errors.
	httpPublishAttempts = 5
	// maxShownInvalid is how many invalid events publish lists before pointing at validate.
	maxShownInvalid = 20
)

// defaultEventsTopic is the Kafka topic the twin's ingest reads unless told otherwise.
const defaultEventsTopic = "yard.events"

func newEvents() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "events",
		Short: "Check files of events against the contract and publish them to the twin (Kafka or HTTP)",
		Long: `Work with files of events as a terminal system sends them: NDJSON, one CloudEvents envelope a
line, blank lines skipped, FILE "-" for standard input. "validate" runs the twin's own checks (the
contract and the terminal layout); "publish" sends a file to Kafka or to the HTTP API.`,
	}
	cmd.AddCommand(newEventsValidate(), newEventsPublish())
	return cmd
}

// validateFlags are the settings of "yardtwin events validate".
type validateFlags struct {
	Layout string
}

func newEventsValidate() *cobra.Command {
	var f validateFlags
	cmd := &cobra.Command{
		Use:   "validate FILE",
		Short: "Check every event of an NDJSON file as the twin would, and list the ones it would refuse",
		Long: `Check every line of FILE (NDJSON; "-" reads standard input) with the twin's checks: the envelope,
the event type and its data, and the places it names (block, bay, row, tier, berth) against the
terminal layout. Each invalid event is printed as

  FILE:LINE: id=ID type=TYPE: FIELD: REASON[; FIELD: REASON...]

followed by a summary. The exit status is 1 when any event is invalid.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return validateEvents(args[0], f, cmd.InOrStdin(), cmd.OutOrStdout())
		},
	}
	envString(cmd.Flags(), &f.Layout, "layout", "YARDTWIN_LAYOUT", "", "terminal layout GeoJSON file (default: the embedded Tanger Med-like terminal)")
	return cmd
}

// validateEvents checks the events file name ("-" for stdin) and prints its invalid events and a
// summary on stdout. It returns an error when any event is invalid.
func validateEvents(name string, f validateFlags, stdin io.Reader, stdout io.Writer) error {
	t, err := loadTerminal(f.Layout)
	if err != nil {
		return err
	}
	r, label, err := openEvents(name, stdin)
	if err != nil {
		return err
	}
	defer r.Close()
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	checker := contract.NewChecker(contract.NewRegistry(), t.Layout)
	sum, err := checkEvents(r, label, checker, false, func(bad string) { fmt.Fprintln(out, bad) })
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%d events, %d valid, %d invalid\n", sum.Events, sum.Events-sum.Invalid, sum.Invalid)
	if err := out.Flush(); err != nil {
		return err
	}
	if sum.Invalid > 0 {
		return fmt.Errorf("%s: %d of %d events are invalid", label, sum.Invalid, sum.Events)
	}
	return nil
}

// publishFlags are the settings of "yardtwin events publish".
type publishFlags struct {
	Brokers    string // comma-separated host:port list; publish to Kafka when set
	Topic      string
	URL        string // base URL of the twin; publish over HTTP when set
	Layout     string
	NoValidate bool

	// retryWait is the first pause before a batch is sent again over HTTP, doubled each time;
	// zero means one second. Tests shorten it.
	retryWait time.Duration
}

func newEventsPublish() *cobra.Command {
	var f publishFlags
	cmd := &cobra.Command{
		Use:   "publish FILE (--kafka-brokers HOST:PORT[,HOST:PORT] [--kafka-topic TOPIC] | --http URL)",
		Short: "Check an NDJSON file of events, then publish it to Kafka or to the twin's HTTP API",
		Long: `Check every event of FILE (NDJSON; "-" reads standard input) as "yardtwin events validate" does,
refuse the file if any event is invalid (unless --no-validate), then publish it with a progress bar:

  --kafka-brokers  one Kafka message per event, the line as is, keyed by the event's stream
                   (container-MSCU1234566, visit-…), so that each aggregate keeps its order
  --http           POST URL/api/v1/events in NDJSON batches of 1000; batches answered 503 or lost
                   on the network are sent again (event ids make that safe)

Publishing a file again is safe: the twin recognises events it has stored by their id.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := f.pickTarget(cmd.Flags().Changed); err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return publishEvents(ctx, args[0], f, cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	fs := cmd.Flags()
	envString(fs, &f.Brokers, "kafka-brokers", "YARDTWIN_KAFKA_BROKERS", "", "publish to these Kafka brokers, host:port[,host:port]")
	envString(fs, &f.Topic, "kafka-topic", "YARDTWIN_KAFKA_TOPIC", defaultEventsTopic, "Kafka topic to publish to")
	envString(fs, &f.URL, "http", "YARDTWIN_HTTP_URL", "", "publish to the twin at this base URL, e.g. http://localhost:8080")
	envString(fs, &f.Layout, "layout", "YARDTWIN_LAYOUT", "", "terminal layout GeoJSON file the events are checked against (default: the embedded Tanger Med-like terminal)")
	fs.BoolVar(&f.NoValidate, "no-validate", false, "publish even when some events are invalid (the twin refuses them itself)")
	return cmd
}

// pickTarget makes sure exactly one of Kafka and HTTP is chosen. When both are set, a flag given on
// the command line wins over an environment variable.
func (f *publishFlags) pickTarget(changed func(flag string) bool) error {
	if f.Brokers != "" && f.URL != "" {
		switch k, h := changed("kafka-brokers"), changed("http"); {
		case k && !h:
			f.URL = ""
		case h && !k:
			f.Brokers = ""
		default:
			return errors.New("both --kafka-brokers and --http are set: publish to one of them")
		}
	}
	if f.Brokers == "" && f.URL == "" {
		return errors.New("say where to publish: --kafka-brokers HOST:PORT or --http URL")
	}
	if f.Brokers != "" && strings.TrimSpace(f.Topic) == "" {
		return errors.New("--kafka-topic is empty")
	}
	return nil
}

// publishEvents checks the events file name ("-" for stdin) and publishes it where f says. The
// progress bar and the invalid events go to stderr, the summary to stdout.
func publishEvents(ctx context.Context, name string, f publishFlags, stdin io.Reader, stdout, stderr io.Writer) error {
	if ctx == nil {
		ctx = context.Background()
	}
	t, err := loadTerminal(f.Layout)
	if err != nil {
		return err
	}
	// The file is read twice, checked and then sent, so standard input is kept in a temporary file.
	src, label, done, err := openEventsTwice(name, stdin)
	if err != nil {
		return err
	}
	defer done()

	checker := contract.NewChecker(contract.NewRegistry(), t.Layout)
	shown := 0
	sum, err := checkEvents(src, label, checker, f.Brokers != "", func(bad string) {
		if !f.NoValidate && shown < maxShownInvalid {
			fmt.Fprintln(stderr, bad)
			shown++
		}
	})
	if err != nil {
		return err
	}
	if sum.TooLong > 0 {
		return fmt.Errorf("%s: %d lines are longer than %d bytes and cannot be published: see \"yardtwin events validate %s\"", label, sum.TooLong, maxEventLine, name)
	}
	if sum.Invalid > 0 {
		if !f.NoValidate {
			more := ""
			if sum.Invalid > maxShownInvalid {
				more = fmt.Sprintf(" (the first %d are listed above)", maxShownInvalid)
			}
			return fmt.Errorf("%s: %d of %d events are invalid%s, nothing published: \"yardtwin events validate %s\" lists them all; --no-validate publishes anyway",
				label, sum.Invalid, sum.Events, more, name)
		}
		fmt.Fprintf(stderr, "%s: publishing %d invalid events anyway (--no-validate): the twin will refuse them\n", label, sum.Invalid)
	}
	if sum.Events == 0 {
		fmt.Fprintf(stdout, "%s holds no events: nothing published\n", label)
		return nil
	}
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("rewind %s: %w", label, err)
	}

	bar := progressbar.NewOptions64(int64(sum.Events),
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionSetDescription("publish"),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("events"),
		progressbar.OptionThrottle(100*time.Millisecond),
	)
	start := time.Now()
	var res publishResult
	if f.Brokers != "" {
		res, err = publishKafka(ctx, f, src, label, sum.Keys, bar)
	} else {
		res, err = publishHTTP(ctx, f, src, label, bar, stderr)
	}
	if err != nil {
		_ = bar.Exit() // leaves the bar where publishing stopped
	} else {
		_ = bar.Finish()
	}
	fmt.Fprintln(stderr)
	var refused *refusedBatchError
	switch {
	case err == nil:
	case errors.As(err, &refused):
		return fmt.Errorf("%w (%d events before that batch were published)", err, res.Published)
	case res.Published > 0 || ctx.Err() != nil:
		return fmt.Errorf("%w (%d of %d events published; publishing the file again is safe: the twin recognises events by id)", err, res.Published, sum.Events)
	default:
		return err
	}
	took := time.Since(start)
	rate := float64(res.Published) / max(took.Seconds(), 1e-9)
	if f.Brokers != "" {
		fmt.Fprintf(stdout, "published %d events to Kafka topic %s in %v (%.0f events/s), keyed by stream; the twin stores them as its ingest reads the topic\n",
			res.Published, f.Topic, took.Round(time.Millisecond), rate)
		return nil
	}
	fmt.Fprintf(stdout, "published %d events to %s in %v (%.0f events/s): %d stored, %d duplicates\n",
		res.Published, f.URL, took.Round(time.Millisecond), rate, res.Stored, res.Duplicates)
	return nil
}

// publishResult counts what was published; Stored and Duplicates come from the twin's HTTP answers.
type publishResult struct {
	Published  int
	Stored     int
	Duplicates int
}

// publishKafka sends every event of src as one message to f.Topic, keyed by keys[i], the stream of
// the i-th event ("" for an invalid one: it is keyed by its message UUID).
func publishKafka(ctx context.Context, f publishFlags, src io.Reader, label string, keys []string, bar *progressbar.ProgressBar) (publishResult, error) {
	var res publishResult
	pub, err := kafka.NewPublisher(kafka.PublisherConfig{Brokers: kafka.SplitBrokers(f.Brokers)}, nil)
	if err != nil {
		return res, err
	}
	batch := make([]*message.Message, 0, kafkaPublishBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("publish interrupted: %w", err)
		}
		// Publish returns once the brokers hold every message; the next batch goes after it, so
		// the events of one stream reach their partition in file order.
		if err := pub.Publish(f.Topic, batch...); err != nil {
			return err
		}
		res.Published += len(batch)
		_ = bar.Add(len(batch))
		batch = batch[:0]
		return nil
	}
	i := 0
	err = readEventLines(src, func(l eventLine) error {
		if i >= len(keys) {
			return fmt.Errorf("%s changed while it was published: it has more events than when checked", label)
		}
		msg := message.NewMessage(watermill.NewUUID(), bytes.Clone(l.Raw))
		if keys[i] != "" {
			msg.Metadata.Set(kafka.KeyMetadata, keys[i])
		}
		i++
		batch = append(batch, msg)
		if len(batch) == kafkaPublishBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if cerr := pub.Close(); err == nil {
		err = cerr
	}
	return res, err
}

// publishHTTP posts the events of src to f.URL in NDJSON batches.
func publishHTTP(ctx context.Context, f publishFlags, src io.Reader, label string, bar *progressbar.ProgressBar, stderr io.Writer) (publishResult, error) {
	var res publishResult
	s := httpEventSender{
		client: &http.Client{Timeout: time.Minute}, // the twin answers within its 30 s submit timeout
		url:    eventsURL(f.URL),
		wait:   f.retryWait,
	}
	if s.wait == 0 {
		s.wait = time.Second
	}
	var (
		body  bytes.Buffer
		lines []int // file line of each event in body
	)
	flush := func() error {
		if len(lines) == 0 {
			return nil
		}
		ans, err := s.send(ctx, body.Bytes())
		var refused *refusedBatchError
		if errors.As(err, &refused) {
			for _, r := range refused.answer.Results {
				if len(r.Errors) > 0 && r.Index >= 0 && r.Index < len(lines) {
					fmt.Fprintln(stderr, formatInvalid(label, lines[r.Index], r.ID, r.Type, &es.FieldErrors{Fields: r.Errors}))
				}
			}
			return fmt.Errorf("the twin refused the batch of lines %d to %d (invalid events: %d) and stored none of it: %w",
				lines[0], lines[len(lines)-1], refused.answer.Invalid, err)
		}
		if err != nil {
			return err
		}
		res.Published += len(lines)
		res.Stored += ans.Stored
		res.Duplicates += ans.Duplicates
		_ = bar.Add(len(lines))
		body.Reset()
		lines = lines[:0]
		return nil
	}
	err := readEventLines(src, func(l eventLine) error {
		if len(lines) > 0 && body.Len()+len(l.Raw)+1 > httpPublishBytes {
			if err := flush(); err != nil {
				return err
			}
		}
		body.Write(l.Raw)
		body.WriteByte('\n')
		lines = append(lines, l.No)
		if len(lines) == httpPublishBatch {
			return flush()
		}
		return nil
	})
	if err != nil {
		return res, err
	}
	return res, flush()
}

// eventsURL is the events endpoint of the twin at base, which may already name it.
func eventsURL(base string) string {
	base = strings.TrimRight(base, "/")
	if strings.HasSuffix(base, "/api/v1/events") {
		return base
	}
	return base + "/api/v1/events"
}

// httpEventSender posts batches of events to the twin, sending a batch again when the twin is
// unavailable (503) or the network fails: every event has an id, so a re-sent one is recognised.
type httpEventSender struct {
	client *http.Client
	url    string
	wait   time.Duration // first pause before a retry, doubled each time
}

// eventsAnswer is the twin's answer to POST /api/v1/events (see adapters/httpapi).
type eventsAnswer struct {
	Stored     int    `json:"stored"`
	Duplicates int    `json:"duplicates"`
	Invalid    int    `json:"invalid"`
	Error      string `json:"error"` // the answer to a body that is not a batch of events at all
	Results    []struct {
		Index  int             `json:"index"`
		ID     string          `json:"id"`
		Type   string          `json:"type"`
		Status string          `json:"status"`
		Errors []es.FieldError `json:"errors"`
	} `json:"results"`
}

// refusedBatchError is a batch the twin answered with 400: at least one event is invalid, and
// none of the batch was stored.
type refusedBatchError struct {
	answer eventsAnswer
}

func (e *refusedBatchError) Error() string {
	if e.answer.Error != "" {
		return "400 Bad Request: " + e.answer.Error
	}
	return "400 Bad Request"
}

// send posts one NDJSON batch and returns the twin's answer once it has stored the batch.
func (s httpEventSender) send(ctx context.Context, body []byte) (eventsAnswer, error) {
	wait := s.wait
	var last error
	for attempt := 1; ; attempt++ {
		ans, retry, err := s.post(ctx, body)
		if err == nil || !retry {
			return ans, err
		}
		last = err
		if attempt == httpPublishAttempts {
			return ans, fmt.Errorf("gave up after %d attempts: %w", attempt, last)
		}
		select {
		case <-ctx.Done():
			return ans, fmt.Errorf("publish interrupted: %w (last attempt: %v)", ctx.Err(), last)
		case <-time.After(wait):
		}
		wait *= 2
	}
}

// post sends body once. retry says whether sending it again may succeed.
func (s httpEventSender) post(ctx context.Context, body []byte) (ans eventsAnswer, retry bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(body))
	if err != nil {
		return ans, false, fmt.Errorf("POST %s: %w", s.url, err)
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	resp, err := s.client.Do(req)
	if err != nil {
		var ue *url.Error // says "Post URL" itself
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return ans, ctx.Err() == nil, fmt.Errorf("POST %s: %w", s.url, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return ans, ctx.Err() == nil, fmt.Errorf("POST %s: read answer: %w", s.url, err)
	}
	decodeErr := json.Unmarshal(raw, &ans)
	switch resp.StatusCode {
	case http.StatusAccepted:
		if decodeErr != nil {
			return ans, false, fmt.Errorf("POST %s: answer 202 is not the twin's JSON: %w", s.url, decodeErr)
		}
		return ans, false, nil
	case http.StatusBadRequest:
		if decodeErr != nil {
			ans.Error = strings.TrimSpace(string(raw))
		}
		return ans, false, &refusedBatchError{answer: ans}
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return ans, true, fmt.Errorf("POST %s: %s: %s", s.url, resp.Status, answerText(ans, raw))
	default:
		return ans, false, fmt.Errorf("POST %s: %s: %s", s.url, resp.Status, answerText(ans, raw))
	}
}

// answerText is what an error answer says: its "error" field, or the start of its body.
func answerText(ans eventsAnswer, raw []byte) string {
	if ans.Error != "" {
		return ans.Error
	}
	s := strings.TrimSpace(string(raw))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// checkedEvents sums up the check of an events file.
type checkedEvents struct {
	Events  int // non-blank lines
	Invalid int // of which invalid, including TooLong
	TooLong int // lines longer than maxEventLine
	// Keys holds the stream of every event in order ("" for an invalid one), when asked for.
	Keys []string
}

// checkEvents checks every event of r, whose name in messages is label, and calls bad with one
// line for each invalid event. keepKeys fills the result's Keys. The error is a read error.
func checkEvents(r io.Reader, label string, checker *contract.Checker, keepKeys bool, bad func(string)) (checkedEvents, error) {
	var sum checkedEvents
	err := readEventLines(r, func(l eventLine) error {
		sum.Events++
		var env es.Envelope
		var err error
		if l.TooLong {
			sum.TooLong++
			err = es.Invalid("", fmt.Sprintf("line is longer than %d bytes (1 MiB): an event is one line of at most that", maxEventLine))
		} else if env, err = contract.Parse(l.Raw); err == nil {
			_, err = checker.Check(&env) // sets env.Subject to the event's stream
		}
		if keepKeys {
			if err != nil {
				env.Subject = ""
			}
			sum.Keys = append(sum.Keys, env.Subject)
		}
		if err != nil {
			sum.Invalid++
			id, typ := env.ID, env.Type
			if id == "" && typ == "" && !l.TooLong {
				id, typ = identify(l.Raw)
			}
			bad(formatInvalid(label, l.No, id, typ, err))
		}
		return nil
	})
	return sum, err
}

// identify reads what it can of an event's id and type, for naming an event that does not parse.
func identify(raw []byte) (id, typ string) {
	var probe struct {
		ID   string `json:"id"`
		Type string `json:"type"`
	}
	_ = json.Unmarshal(raw, &probe) // a type error still fills the other field; broken JSON fills none
	return probe.ID, probe.Type
}

// formatInvalid is the report of one invalid event: FILE:LINE: id=ID type=TYPE: FIELD: REASON; …
// An unknown id or type is written "?".
func formatInvalid(label string, line int, id, typ string, err error) string {
	var why string
	var fe *es.FieldErrors
	if errors.As(err, &fe) {
		parts := make([]string, len(fe.Fields))
		for i, f := range fe.Fields {
			if f.Field == "" {
				parts[i] = f.Reason
			} else {
				parts[i] = f.Field + ": " + f.Reason
			}
		}
		why = strings.Join(parts, "; ")
	} else {
		why = err.Error()
	}
	return fmt.Sprintf("%s:%d: id=%s type=%s: %s", label, line, orUnknown(id), orUnknown(typ), why)
}

func orUnknown(s string) string {
	if s == "" {
		return "?"
	}
	return s
}

// eventLine is one non-blank line of an events file.
type eventLine struct {
	No      int    // line number, from 1
	Raw     []byte // the line without its line ending; valid until the next line is read
	TooLong bool   // the line is longer than maxEventLine, and Raw is empty
}

// readEventLines calls fn with each non-blank line of r, in order, and stops at fn's first error.
// A line longer than maxEventLine is skipped to its end and passed with TooLong set.
func readEventLines(r io.Reader, fn func(eventLine) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var buf []byte
	no := 0
	for {
		buf = buf[:0]
		tooLong, eof := false, false
		for {
			chunk, err := br.ReadSlice('\n')
			// Two bytes of slack for the line ending, which is trimmed below.
			if !tooLong && len(buf)+len(chunk) > maxEventLine+2 {
				tooLong, buf = true, buf[:0]
			}
			if !tooLong {
				buf = append(buf, chunk...)
			}
			if err == bufio.ErrBufferFull {
				continue
			}
			if err == io.EOF {
				eof = true
				break
			}
			if err != nil {
				return err
			}
			break
		}
		if eof && len(buf) == 0 && !tooLong {
			return nil
		}
		no++
		line := bytes.TrimSuffix(bytes.TrimSuffix(buf, []byte("\n")), []byte("\r"))
		if len(line) > maxEventLine {
			tooLong, line = true, nil
		}
		if tooLong || len(bytes.TrimSpace(line)) > 0 {
			if err := fn(eventLine{No: no, Raw: line, TooLong: tooLong}); err != nil {
				return err
			}
		}
		if eof {
			return nil
		}
	}
}

// openEvents opens the events file name for reading, "-" meaning stdin. label names it in messages.
func openEvents(name string, stdin io.Reader) (r io.ReadCloser, label string, err error) {
	if name == "-" {
		return io.NopCloser(stdin), "stdin", nil
	}
	file, err := os.Open(name)
	if err != nil {
		return nil, "", err
	}
	return file, name, nil
}

// openEventsTwice opens the events file name to be read more than once; stdin ("-") is first
// copied to a temporary file, which done removes. done closes the file.
func openEventsTwice(name string, stdin io.Reader) (file *os.File, label string, done func(), err error) {
	if name != "-" {
		file, err := os.Open(name)
		if err != nil {
			return nil, "", nil, err
		}
		return file, name, func() { _ = file.Close() }, nil
	}
	tmp, err := os.CreateTemp("", "yardtwin-events-*.ndjson")
	if err != nil {
		return nil, "", nil, fmt.Errorf("keep stdin: %w", err)
	}
	done = func() {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name())
	}
	if _, err := io.Copy(tmp, stdin); err != nil {
		done()
		return nil, "", nil, fmt.Errorf("read stdin: %w", err)
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		done()
		return nil, "", nil, fmt.Errorf("keep stdin: %w", err)
	}
	return tmp, "stdin", done, nil
}
