package bolt

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/es/estest"
)

// TestCommitDecidesEachAppend commits a group of appends in one transaction, as the writer does
// when appends arrive together, and checks that each is decided against the ones before it.
func TestCommitDecidesEachAppend(t *testing.T) {
	s := mustOpen(t, t.TempDir())
	if _, err := s.Append(t.Context(), estest.To("block-B07", es.NoStream, "e1")); err != nil {
		t.Fatal(err)
	}

	// The writer goroutine is idle (nothing is appending), so the test may call commit itself.
	group := []*request{
		newRequest(estest.To("block-B07", 1, "e2")),
		newRequest(estest.To("block-B07", 1, "x1")), // stale: the append before moved the stream to 2
		newRequest(estest.To("block-B07", 2, "e3"), estest.To("block-B08", es.NoStream, "e2", "e4")),
		newRequest(estest.To("block-B09", es.NoStream, "x1")),       // x1 was refused above, so it is new
		newRequest(estest.To("block-B07", es.NoStream, "e1", "e2")), // all duplicates: not checked
	}
	s.commit(group)

	tests := []struct {
		name         string
		giveRequest  *request
		wantAppended []es.Appended
		wantConflict *es.ConflictError
	}{
		{"First", group[0], []es.Appended{{ID: "e2", Position: 2, Version: 2}}, nil},
		{"Stale", group[1], nil, &es.ConflictError{Stream: "block-B07", Expected: 1, Actual: 2}},
		{"AfterFirst", group[2], []es.Appended{
			{ID: "e3", Position: 3, Version: 3},
			{ID: "e2", Position: 2, Version: 2, Duplicate: true},
			{ID: "e4", Position: 4, Version: 1},
		}, nil},
		{"RefusedIDIsNew", group[3], []es.Appended{{ID: "x1", Position: 5, Version: 1}}, nil},
		{"Resend", group[4], []es.Appended{
			{ID: "e1", Position: 1, Version: 1, Duplicate: true},
			{ID: "e2", Position: 2, Version: 2, Duplicate: true},
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := <-tt.giveRequest.done
			if !slices.Equal(res.appended, tt.wantAppended) {
				t.Errorf("appended = %+v, want %+v", res.appended, tt.wantAppended)
			}
			var ce *es.ConflictError
			switch {
			case tt.wantConflict == nil && res.err != nil:
				t.Errorf("err = %v", res.err)
			case tt.wantConflict != nil && (!errors.As(res.err, &ce) || *ce != *tt.wantConflict):
				t.Errorf("err = %v, want %v", res.err, tt.wantConflict)
			}
		})
	}

	if h, _ := s.Head(t.Context()); h != 5 {
		t.Errorf("head = %d, want 5", h)
	}
	for stream, want := range map[string]uint64{"block-B07": 3, "block-B08": 1, "block-B09": 1} {
		if got, _ := s.heads.get(stream); got != want {
			t.Errorf("%s at version %d in memory, want %d", stream, got, want)
		}
	}
	// The appends after the group see what it committed.
	got, err := s.Append(context.Background(), estest.To("block-B07", 3, "e5"))
	if err != nil || !slices.Equal(got, []es.Appended{{ID: "e5", Position: 6, Version: 4}}) {
		t.Errorf("append after the group = %+v, %v", got, err)
	}
}

func newRequest(batch ...es.StreamEvents) *request {
	n, err := checkBatch(batch)
	if err != nil {
		panic("test batch is malformed: " + err.Error())
	}
	return &request{batch: batch, events: n, done: make(chan result, 1)}
}

// TestGroupCommitMergesConcurrentAppends checks that appends waiting together share transactions.
func TestGroupCommitMergesConcurrentAppends(t *testing.T) {
	s := mustOpen(t, t.TempDir())
	if _, err := s.Append(t.Context(), estest.To("gate-G0", es.NoStream, "first")); err != nil {
		t.Fatal(err)
	}
	const writers, rounds = 8, 20
	errs := make(chan error, writers)
	for w := range writers {
		go func() {
			for r := range rounds {
				if _, err := s.Append(context.Background(), estest.To("gate-G1", es.AnyVersion, fmt.Sprintf("w%d-r%d", w, r))); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range writers {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	commits := s.commits.Load() - 1 // the first is the test's own
	t.Logf("%d appends in %d commits", writers*rounds, commits)
	if commits >= writers*rounds {
		t.Errorf("%d appends took %d commits: none were grouped", writers*rounds, commits)
	}
	if h, _ := s.Head(t.Context()); h != writers*rounds+1 {
		t.Errorf("head = %d, want %d", h, writers*rounds+1)
	}
}
