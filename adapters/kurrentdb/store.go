package kurrentdb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/kurrent-io/KurrentDB-Client-Go/kurrentdb"

	"github.com/yardtwin/yardtwin/domain/es"
)

var _ es.Store = (*Store)(nil)

// readPage is how many events one read call asks for; each page has its own deadline.
const readPage = 4096

// Store is the event store on a KurrentDB server: the twin's whole log in one KurrentDB stream
// (see the package doc). It is safe for concurrent use, and several processes may share one log.
// Close it when done: Close closes the connection.
type Store struct {
	cfg    *kurrentdb.Configuration
	opts   Options
	stream string
	log    *slog.Logger

	// connMu guards conn, which mend replaces when the client has closed itself.
	connMu sync.Mutex
	conn   *conn

	// mu serialises appends and the index's catch-up with the log.
	mu  sync.Mutex
	idx *index

	// closeMu guards closed; ops counts the calls in flight, which Close waits for.
	closeMu sync.RWMutex
	closed  bool
	ops     sync.WaitGroup
	// closing ends when Close is called, and with it every subscription.
	closing   context.Context
	stopAll   context.CancelFunc
	closeOnce sync.Once
	closeErr  error
}

// Open connects to the KurrentDB server that url names and reads the log (Options.Stream) to build
// the index appends decide against. url is a KurrentDB connection string with one of Schemes, e.g.
// kurrentdb://localhost:2113?tls=false or esdb://admin:changeit@db1:2113,db2:2113?tls=true. ctx
// bounds the whole of Open; each read has Options.CallTimeout too. The store owns the connection
// and closes it on Close.
func Open(ctx context.Context, url string, opts Options) (*Store, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	opts = opts.withDefaults()
	cfg, err := ParseURL(url)
	if err != nil {
		return nil, err
	}
	s, err := connect(cfg, opts)
	if err != nil {
		return nil, fmt.Errorf("kurrentdb: open %s: %w", redact(url), err)
	}
	if err := s.catchUp(ctx); err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("kurrentdb: open %s: read the log %s: %w", redact(url), opts.Stream, err)
	}
	s.log.Debug("log indexed", "events", s.idx.head, "streams", len(s.idx.streams))
	s.planRetention()
	return s, nil
}

// connect makes the client and the store around it, with an empty index. The client connects on
// its first call.
func connect(cfg *kurrentdb.Configuration, opts Options) (*Store, error) {
	cfg.Logger = clientLogger(opts.Logger)
	client, err := kurrentdb.NewClient(cfg)
	if err != nil {
		return nil, err
	}
	closing, stopAll := context.WithCancel(context.Background())
	return &Store{
		cfg:     cfg,
		conn:    &conn{client: client},
		opts:    opts,
		stream:  opts.Stream,
		log:     opts.Logger.With("store", "kurrentdb", "stream", opts.Stream),
		idx:     newIndex(),
		closing: closing,
		stopAll: stopAll,
	}, nil
}

// clientLogger passes the client's messages to l: its errors and warnings at info, the rest at
// debug. The client reports every subscription it is asked to end as an error, and the adapter
// logs what matters (a dropped subscription, a dropped index) at warning or error itself.
func clientLogger(l *slog.Logger) kurrentdb.LoggingFunc {
	return func(level kurrentdb.LogLevel, format string, args ...any) {
		// The client hands some arguments over as one slice.
		if len(args) == 1 {
			if inner, ok := args[0].([]any); ok {
				args = inner
			}
		}
		lv := slog.LevelDebug
		if level == kurrentdb.LogError || level == kurrentdb.LogWarn {
			lv = slog.LevelInfo
		}
		l.Log(context.Background(), lv, "kurrentdb client: "+fmt.Sprintf(format, args...))
	}
}

// Close ends every subscription with es.ErrClosed, waits for the calls in flight (each bounded by
// its deadline) and closes the connection. Every method afterwards returns es.ErrClosed. Closing
// twice is harmless.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.closeMu.Lock()
		s.closed = true
		s.closeMu.Unlock()
		s.stopAll()
		s.ops.Wait()
		if err := s.closeConn(); err != nil {
			s.closeErr = fmt.Errorf("kurrentdb: close: %w", err)
		}
	})
	return s.closeErr
}

// begin counts a call in flight, unless the store is closed; the caller calls s.ops.Done.
func (s *Store) begin() error {
	s.closeMu.RLock()
	defer s.closeMu.RUnlock()
	if s.closed {
		return es.ErrClosed
	}
	s.ops.Add(1)
	return nil
}

// checkBatch refuses what must never reach the log, and counts the events.
func checkBatch(batch []es.StreamEvents) (int, error) {
	n := 0
	for _, se := range batch {
		if se.Stream == "" {
			return 0, errors.New("kurrentdb: append: empty stream name")
		}
		for i, e := range se.Events {
			if e.ID == "" {
				return 0, fmt.Errorf("kurrentdb: append %s: event %d has no id", se.Stream, i)
			}
		}
		n += len(se.Events)
	}
	return n, nil
}

// Append stores the batch atomically and durably: its new events go to the log in one KurrentDB
// append, which expects the log at the revision the index has reached. When another process
// appended first, the server refuses it; the index catches up and the batch is decided again (at
// most Options.Retries times). A conflict found in the index is confirmed against the caught-up
// index before it is returned. An append whose reply is lost (a deadline) may or may not be
// stored: sent again, its events come back as duplicates if it was.
func (s *Store) Append(ctx context.Context, batch ...es.StreamEvents) ([]es.Appended, error) {
	n, err := checkBatch(batch)
	if err != nil {
		return nil, err
	}
	if err := s.begin(); err != nil {
		return nil, fmt.Errorf("kurrentdb: append: %w", err)
	}
	defer s.ops.Done()
	if n == 0 {
		return []es.Appended{}, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	caughtUp := false
	for try := 0; ; try++ {
		p, err := s.idx.decide(batch)
		if errors.Is(err, es.ErrConflict) && !caughtUp {
			// The index may trail the log (another process appended): a conflict stands only
			// against the log as it is.
			if err := s.catchUp(ctx); err != nil {
				return nil, fmt.Errorf("kurrentdb: append: catch up with %s: %w", s.stream, err)
			}
			caughtUp = true
			p, err = s.idx.decide(batch)
		}
		if err != nil {
			return nil, fmt.Errorf("kurrentdb: append: %w", err)
		}
		if len(p.write) == 0 {
			// Stored ids stay stored: duplicates found in a trailing index are duplicates.
			return p.results, nil
		}
		evs, err := s.encodeAll(p.write)
		if err != nil {
			return nil, err
		}
		head := s.idx.head
		cctx, cancel := context.WithTimeout(ctx, s.opts.CallTimeout)
		res, err := call(cctx, s, func(c *kurrentdb.Client) (*kurrentdb.WriteResult, error) {
			return c.AppendToStream(cctx, s.stream, appendOptions(head, s.opts.CallTimeout), evs...)
		})
		cancel()
		switch {
		case err == nil:
			if err := s.learn(p.write, res.NextExpectedVersion); err != nil {
				// The events are stored; only the index is in doubt. An empty index is rebuilt
				// from the log by the next call: its first append is refused as stale, and
				// reads catch up first.
				s.log.Error("index dropped; the next call rebuilds it from the log", "err", err)
				s.idx = newIndex()
			}
			return p.results, nil
		case kindOf(err) == kindWrongVersion && ctx.Err() == nil:
			if try >= s.opts.Retries {
				return nil, fmt.Errorf("kurrentdb: append: other writers appended to %s first %d times in a row: %w", s.stream, try+1, err)
			}
			s.log.Debug("another writer appended first; deciding again", "try", try+1)
			if err := s.catchUp(ctx); err != nil {
				return nil, fmt.Errorf("kurrentdb: append: catch up with %s: %w", s.stream, err)
			}
			caughtUp = true
		default:
			return nil, fmt.Errorf("kurrentdb: append %d events to %s after position %d: %w", len(evs), s.stream, head, err)
		}
	}
}

// appendOptions are the options of an append to a log of head events. The client gives an append
// its own deadline of 10 s unless told one (kurrentdb/options.go, configureGrpcCall), which would
// cut a CallTimeout above it short: the append is told CallTimeout.
func appendOptions(head uint64, timeout time.Duration) kurrentdb.AppendToStreamOptions {
	return kurrentdb.AppendToStreamOptions{StreamState: logState(head), Deadline: &timeout}
}

// learn indexes the events of an append the server took, whose last revision it says is last.
func (s *Store) learn(write []es.Envelope, last uint64) error {
	for _, e := range write {
		if err := s.idx.add(e.ID, e.Subject, e.Position, e.Version); err != nil {
			return err
		}
	}
	if want := revOf(s.idx.head); last != want {
		return fmt.Errorf("the server put the append's last event at revision %d, not %d", last, want)
	}
	return nil
}

// encodeAll encodes the events of one append and checks that they fit in one.
func (s *Store) encodeAll(write []es.Envelope) ([]kurrentdb.EventData, error) {
	evs := make([]kurrentdb.EventData, len(write))
	size := 0
	for i, e := range write {
		d, err := encode(e)
		if err != nil {
			return nil, fmt.Errorf("kurrentdb: append: %w", err)
		}
		evs[i] = d
		size += len(d.Data) + len(d.Metadata) + len(d.EventType) + 16
	}
	if size > s.opts.MaxAppendBytes {
		return nil, fmt.Errorf("kurrentdb: append: %d new events take %d bytes, more than one append may carry (%d, Options.MaxAppendBytes; the server's MaxAppendSize must allow as much)",
			len(evs), size, s.opts.MaxAppendBytes)
	}
	return evs, nil
}

// catchUp indexes the events appended to the log since the index's head. The caller holds s.mu,
// or is Open.
func (s *Store) catchUp(ctx context.Context) error {
	for {
		page, err := s.readPage(ctx, s.idx.head+1, readPage)
		if err != nil {
			return err
		}
		for _, e := range page {
			if err := s.idx.add(e.ID, e.Subject, e.Position, e.Version); err != nil {
				return err
			}
		}
		if len(page) < readPage {
			return nil
		}
	}
}

// readLog returns up to limit events of the log from position from (≥ 1), reading in pages.
func (s *Store) readLog(ctx context.Context, from, limit uint64) ([]es.Envelope, error) {
	var out []es.Envelope
	for uint64(len(out)) < limit {
		want := min(limit-uint64(len(out)), readPage)
		page, err := s.readPage(ctx, from+uint64(len(out)), want)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if uint64(len(page)) < want {
			break
		}
	}
	return out, nil
}

// readPage reads up to count events of the log from position from (≥ 1) in one call with its own
// deadline. A log that does not exist yet is empty.
func (s *Store) readPage(ctx context.Context, from, count uint64) ([]es.Envelope, error) {
	cctx, cancel := context.WithTimeout(ctx, s.opts.CallTimeout)
	defer cancel()
	page, err := call(cctx, s, func(c *kurrentdb.Client) ([]es.Envelope, error) { return s.readPageWith(cctx, c, from, count) })
	if err != nil {
		return nil, fmt.Errorf("read %s from revision %d: %w", s.stream, revOf(from), err)
	}
	return page, nil
}

// readPageWith is readPage on client c, under ctx; its errors say neither the log nor where.
func (s *Store) readPageWith(ctx context.Context, c *kurrentdb.Client, from, count uint64) ([]es.Envelope, error) {
	rs, err := c.ReadStream(ctx, s.stream, kurrentdb.ReadStreamOptions{
		Direction: kurrentdb.Forwards,
		From:      kurrentdb.Revision(revOf(from)),
	}, count)
	if err != nil {
		if kindOf(err) == kindNotFound {
			return nil, nil
		}
		return nil, err
	}
	defer rs.Close()
	out := make([]es.Envelope, 0, min(count, 256))
	for {
		r, err := rs.Recv()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			if kindOf(err) == kindNotFound {
				return nil, nil
			}
			return nil, err
		}
		e, err := decode(r.OriginalEvent())
		if err != nil {
			return nil, err
		}
		if want := from + uint64(len(out)); e.Position != want {
			return nil, fmt.Errorf("%w: revision %d where %d was due", errDamaged, revOf(e.Position), revOf(want))
		}
		out = append(out, e)
	}
}

// ReadStream returns the stream's events with version ≥ from (0 reads from 1), oldest first; a
// missing stream is empty. The index says where they are in the log; each run of consecutive
// positions is one read.
func (s *Store) ReadStream(ctx context.Context, stream string, from uint64) ([]es.Envelope, error) {
	if err := s.begin(); err != nil {
		return nil, fmt.Errorf("kurrentdb: read %s@%d: %w", stream, from, err)
	}
	defer s.ops.Done()
	s.mu.Lock()
	err := s.catchUp(ctx)
	ps := s.idx.positionsFrom(stream, from)
	s.mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("kurrentdb: read %s@%d: catch up: %w", stream, from, err)
	}
	var out []es.Envelope
	for _, r := range runs(ps) {
		evs, err := s.readLog(ctx, r.from, r.n)
		if err != nil {
			return nil, fmt.Errorf("kurrentdb: read %s@%d: %w", stream, from, err)
		}
		if uint64(len(evs)) != r.n {
			return nil, fmt.Errorf("kurrentdb: read %s@%d: %w: %d events at position %d, the index knows %d", stream, from, errDamaged, len(evs), r.from, r.n)
		}
		for _, e := range evs {
			if e.Subject != stream {
				return nil, fmt.Errorf("kurrentdb: read %s@%d: %w: position %d belongs to %s", stream, from, errDamaged, e.Position, e.Subject)
			}
		}
		out = append(out, evs...)
	}
	return out, nil
}

// run is n consecutive log positions from from.
type run struct{ from, n uint64 }

// runs groups sorted positions into runs of consecutive ones.
func runs(ps []uint64) []run {
	var out []run
	for _, p := range ps {
		if k := len(out) - 1; k >= 0 && out[k].from+out[k].n == p {
			out[k].n++
			continue
		}
		out = append(out, run{from: p, n: 1})
	}
	return out
}

// ReadAll returns up to limit events with position ≥ from (0 reads from 1), in log order: the
// log's revisions from from-1. A limit of 0 or less returns nothing.
func (s *Store) ReadAll(ctx context.Context, from uint64, limit int) ([]es.Envelope, error) {
	if err := s.begin(); err != nil {
		return nil, fmt.Errorf("kurrentdb: read all from %d: %w", from, err)
	}
	defer s.ops.Done()
	if limit <= 0 {
		return nil, nil
	}
	from = max(from, 1) // positions count from 1
	out, err := s.readLog(ctx, from, uint64(limit))
	if err != nil {
		return nil, fmt.Errorf("kurrentdb: read all from %d: %w", from, err)
	}
	return out, nil
}

// Head returns the position of the last stored event, 0 for an empty store: the log's last
// revision plus one, asked of the server, so that appends by other processes count.
func (s *Store) Head(ctx context.Context) (uint64, error) {
	if err := s.begin(); err != nil {
		return 0, fmt.Errorf("kurrentdb: head: %w", err)
	}
	defer s.ops.Done()
	h, err := s.head(ctx)
	if err != nil {
		return 0, fmt.Errorf("kurrentdb: head: %w", err)
	}
	return h, nil
}

// head reads the log's last event.
func (s *Store) head(ctx context.Context) (uint64, error) {
	cctx, cancel := context.WithTimeout(ctx, s.opts.CallTimeout)
	defer cancel()
	h, err := call(cctx, s, func(c *kurrentdb.Client) (uint64, error) { return s.headWith(cctx, c) })
	if err != nil {
		return 0, fmt.Errorf("read the end of %s: %w", s.stream, err)
	}
	return h, nil
}

// headWith is head on client c, under ctx.
func (s *Store) headWith(ctx context.Context, c *kurrentdb.Client) (uint64, error) {
	rs, err := c.ReadStream(ctx, s.stream, kurrentdb.ReadStreamOptions{
		Direction: kurrentdb.Backwards,
		From:      kurrentdb.End{},
	}, 1)
	if err != nil {
		if kindOf(err) == kindNotFound {
			return 0, nil
		}
		return 0, err
	}
	defer rs.Close()
	r, err := rs.Recv()
	switch {
	case errors.Is(err, io.EOF), err != nil && kindOf(err) == kindNotFound:
		return 0, nil
	case err != nil:
		return 0, err
	}
	return posOf(r.OriginalEvent().EventNumber), nil
}
