package bolt

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/es/estest"
)

// TestContract runs the contract with the index buckets written in every commit, trailing the log
// by a few events (so that most reads combine buckets and tail, and reopening replays a tail), and
// with the default lag (nothing reaches the buckets in these small tests); each with the default
// cache of stream versions and with one of two streams, so that most versions are looked up in the
// tail or the streams bucket.
func TestContract(t *testing.T) {
	for _, lag := range []int{0, 3, 50_000} {
		for _, heads := range []int{200_000, 2} {
			t.Run(fmt.Sprintf("IndexLag%d/HeadCache%d", lag, heads), func(t *testing.T) {
				contract(t, WithIndexLag(lag), WithHeadCache(heads))
			})
		}
	}
}

func contract(t *testing.T, opts ...Option) {
	estest.Run(t, func(t *testing.T) es.Store {
		return mustOpen(t, t.TempDir(), opts...)
	})
	estest.RunDurable(t, func(t *testing.T, dir string) es.Store {
		s, err := Open(dir, opts...)
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		return s
	})
}

func TestOpenRefusesForeignFiles(t *testing.T) {
	tests := []struct {
		name    string
		give    func(t *testing.T, path string)
		wantErr error
	}{
		{"Text", func(t *testing.T, path string) {
			writeFile(t, path, []byte("container,slot\nMSCU1234565,B07-03-02-1\n"))
		}, ErrNotStore},
		{"Garbage", func(t *testing.T, path string) { writeFile(t, path, garbage(64<<10)) }, ErrNotStore},
		{"OtherBolt", func(t *testing.T, path string) {
			db, err := bbolt.Open(path, 0o600, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := db.Update(func(tx *bbolt.Tx) error {
				_, err := tx.CreateBucket([]byte("widgets"))
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}, ErrNotStore},
		{"DamagedMeta", func(t *testing.T, path string) {
			s := mustOpen(t, filepath.Dir(path))
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			// Both meta pages (the first two pages) garbled.
			copy(data, garbage(2*os.Getpagesize()))
			writeFile(t, path, data)
		}, ErrNotStore},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			tt.give(t, filepath.Join(dir, FileName))
			s, err := Open(dir)
			if err == nil {
				s.Close()
				t.Fatalf("open succeeded on a foreign file")
			}
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("open = %v, want an error matching %v", err, tt.wantErr)
			}
			t.Logf("open: %v", err)
		})
	}
}

func TestOpenRefusesNewerFormat(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, dir)
	if err := s.db.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(metaFormat, []byte{fileFormat + 1})
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	_, err := Open(dir)
	if err == nil {
		t.Fatalf("open succeeded on a file of format %d", fileFormat+1)
	}
	t.Logf("open: %v", err)
}

func TestOpenLockedFile(t *testing.T) {
	dir := t.TempDir()
	mustOpen(t, dir)
	_, err := Open(dir, WithLockTimeout(50_000_000))
	if err == nil {
		t.Fatalf("a second Open on the same directory succeeded")
	}
	t.Logf("open: %v", err)
}

func TestConfig(t *testing.T) {
	tests := []struct {
		name    string
		give    Config
		wantErr bool
	}{
		{"Default", Config{}, false},
		{"Relative", Config{Dir: "data/events"}, false},
		{"Spaces", Config{Dir: " data"}, true},
		{"FileItself", Config{Dir: "data/events.db"}, true},
		{"Retention", Config{Retention: es.Retention{{Type: "equipment.PositionReported", Full: time.Hour, Every: time.Minute}}}, false},
		{"RetentionWithoutFullRate", Config{Retention: es.Retention{{Type: "equipment.PositionReported"}}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.give.Validate(); (err != nil) != tt.wantErr {
				t.Errorf("validate = %v, want error %v", err, tt.wantErr)
			}
		})
	}
	if got := (Config{}).withDefaults().Dir; got != DefaultDir {
		t.Errorf("default dir = %q, want %q", got, DefaultDir)
	}
}

func TestNew(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "data")
	s, err := New(Config{Dir: dir}, nil)
	if err != nil {
		t.Fatalf("new: %v", err)
	}
	defer s.Close()
	if _, err := os.Stat(filepath.Join(dir, FileName)); err != nil {
		t.Errorf("store file: %v", err)
	}
	if p := s.Retention(); len(p) != 0 {
		t.Errorf("default retention %v, want none", p)
	}
}

// TestNewWithRetention checks that New hands Config's retention to the store.
func TestNewWithRetention(t *testing.T) {
	policy := es.Retention{{Type: "equipment.PositionReported", Full: 168 * time.Hour, Every: time.Minute}}
	s, err := New(Config{Dir: t.TempDir(), Retention: policy, ScavengeEvery: time.Hour, HeadCache: 10}, nil)
	if err != nil {
		t.Fatalf("new: %v", err)
	}
	defer s.Close()
	if got := s.Retention(); got.String() != policy.String() {
		t.Errorf("retention %v, want %v", got, policy)
	}
	if s.heads.limit != 10 {
		t.Errorf("head cache of %d streams, want 10", s.heads.limit)
	}
}

func mustOpen(t *testing.T, dir string, opts ...Option) *Store {
	t.Helper()
	s, err := Open(dir, opts...)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// garbage returns n bytes of deterministic noise.
func garbage(n int) []byte {
	b := make([]byte, n)
	x := uint32(2463534242)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}
