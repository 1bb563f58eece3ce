package kurrentdb

import (
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/kurrent-io/KurrentDB-Client-Go/kurrentdb"

	"github.com/yardtwin/yardtwin/domain/es"
	"github.com/yardtwin/yardtwin/domain/es/estest"
)

func TestPositionRevisionMapping(t *testing.T) {
	tests := []struct {
		givePos uint64
		wantRev uint64
	}{
		{1, 0},
		{2, 1},
		{1_000_000, 999_999},
		{1 << 63, 1<<63 - 1},
	}
	for _, tt := range tests {
		if got := revOf(tt.givePos); got != tt.wantRev {
			t.Errorf("revOf(%d) = %d, want %d", tt.givePos, got, tt.wantRev)
		}
		if got := posOf(tt.wantRev); got != tt.givePos {
			t.Errorf("posOf(%d) = %d, want %d", tt.wantRev, got, tt.givePos)
		}
	}
}

func TestLogState(t *testing.T) {
	tests := []struct {
		giveHead uint64
		want     kurrentdb.StreamState
	}{
		{0, kurrentdb.NoStream{}},
		{1, kurrentdb.Revision(0)},
		{2, kurrentdb.Revision(1)},
		{12_345, kurrentdb.Revision(12_344)},
	}
	for _, tt := range tests {
		if got := logState(tt.giveHead); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("logState(%d) = %#v, want %#v", tt.giveHead, got, tt.want)
		}
	}
}

func TestSubscribeFrom(t *testing.T) {
	tests := []struct {
		giveHead uint64
		want     kurrentdb.StreamPosition
	}{
		{0, kurrentdb.Start{}},
		{1, kurrentdb.Revision(0)},
		{10, kurrentdb.Revision(9)},
	}
	for _, tt := range tests {
		if got := subscribeFrom(tt.giveHead); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("subscribeFrom(%d) = %#v, want %#v", tt.giveHead, got, tt.want)
		}
	}
}

// indexed returns an index that has seen the given appends, as the log would replay them.
func indexed(t *testing.T, batches ...[]es.StreamEvents) *index {
	t.Helper()
	x := newIndex()
	for _, b := range batches {
		p, err := x.decide(b)
		if err != nil {
			t.Fatalf("decide %v: %v", b, err)
		}
		for _, e := range p.write {
			if err := x.add(e.ID, e.Subject, e.Position, e.Version); err != nil {
				t.Fatalf("add %s: %v", e.ID, err)
			}
		}
	}
	return x
}

func batch(ses ...es.StreamEvents) []es.StreamEvents { return ses }

func TestDecide(t *testing.T) {
	to := estest.To
	tests := []struct {
		name        string
		giveBefore  [][]es.StreamEvents
		giveBatch   []es.StreamEvents
		wantResults []es.Appended
		wantWrite   []string // ids written, in log order
	}{
		{
			name:        "NoStream",
			giveBatch:   batch(to("block-B07", es.NoStream, "e1", "e2")),
			wantResults: []es.Appended{{ID: "e1", Position: 1, Version: 1}, {ID: "e2", Position: 2, Version: 2}},
			wantWrite:   []string{"e1", "e2"},
		},
		{
			name:        "ExpectedVersion",
			giveBefore:  [][]es.StreamEvents{batch(to("block-B07", es.NoStream, "e1", "e2"))},
			giveBatch:   batch(to("block-B07", 2, "e3")),
			wantResults: []es.Appended{{ID: "e3", Position: 3, Version: 3}},
			wantWrite:   []string{"e3"},
		},
		{
			name:       "AnyVersionAcrossStreams",
			giveBefore: [][]es.StreamEvents{batch(to("crane-STS01", es.AnyVersion, "e1"))},
			giveBatch:  batch(to("crane-STS01", es.AnyVersion, "e2", "e3"), to("crane-STS02", es.AnyVersion, "e4")),
			wantResults: []es.Appended{
				{ID: "e2", Position: 2, Version: 2}, {ID: "e3", Position: 3, Version: 3}, {ID: "e4", Position: 4, Version: 1},
			},
			wantWrite: []string{"e2", "e3", "e4"},
		},
		{
			name:        "DuplicateAcrossCalls",
			giveBefore:  [][]es.StreamEvents{batch(to("block-B07", es.NoStream, "e1", "e2"))},
			giveBatch:   batch(to("block-B08", es.AnyVersion, "e2", "e3")),
			wantResults: []es.Appended{{ID: "e2", Position: 2, Version: 2, Duplicate: true}, {ID: "e3", Position: 3, Version: 1}},
			wantWrite:   []string{"e3"},
		},
		{
			name:      "DuplicateInOneBatch",
			giveBatch: batch(to("block-B07", es.NoStream, "e1", "e1"), to("block-B08", es.NoStream, "e1", "e2")),
			wantResults: []es.Appended{
				{ID: "e1", Position: 1, Version: 1},
				{ID: "e1", Position: 1, Version: 1, Duplicate: true},
				{ID: "e1", Position: 1, Version: 1, Duplicate: true},
				{ID: "e2", Position: 2, Version: 1},
			},
			wantWrite: []string{"e1", "e2"},
		},
		{
			name: "ResendWithStaleExpectedIsNotChecked",
			giveBefore: [][]es.StreamEvents{
				batch(to("block-B07", es.NoStream, "e1", "e2")),
				batch(to("block-B07", 2, "e3")),
			},
			giveBatch:   batch(to("block-B07", es.NoStream, "e1", "e2")),
			wantResults: []es.Appended{{ID: "e1", Position: 1, Version: 1, Duplicate: true}, {ID: "e2", Position: 2, Version: 2, Duplicate: true}},
		},
		{
			name:       "PartialResendIsChecked",
			giveBefore: [][]es.StreamEvents{batch(to("block-B07", es.NoStream, "e1", "e2"))},
			giveBatch:  batch(to("block-B07", 2, "e1", "e2", "e3")),
			wantResults: []es.Appended{
				{ID: "e1", Position: 1, Version: 1, Duplicate: true},
				{ID: "e2", Position: 2, Version: 2, Duplicate: true},
				{ID: "e3", Position: 3, Version: 3},
			},
			wantWrite: []string{"e3"},
		},
		{
			name:       "OneStreamTwiceInABatch",
			giveBefore: [][]es.StreamEvents{batch(to("block-B07", es.NoStream, "e1"))},
			giveBatch:  batch(to("block-B07", 1, "e2"), to("block-B08", es.NoStream, "e3"), to("block-B07", 2, "e4")),
			wantResults: []es.Appended{
				{ID: "e2", Position: 2, Version: 2}, {ID: "e3", Position: 3, Version: 1}, {ID: "e4", Position: 4, Version: 3},
			},
			wantWrite: []string{"e2", "e3", "e4"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := indexed(t, tt.giveBefore...)
			p, err := x.decide(tt.giveBatch)
			if err != nil {
				t.Fatalf("decide: %v", err)
			}
			if !slices.Equal(p.results, tt.wantResults) {
				t.Errorf("results:\n got  %+v\n want %+v", p.results, tt.wantResults)
			}
			var ids []string
			for i, e := range p.write {
				ids = append(ids, e.ID)
				if want := x.head + 1 + uint64(i); e.Position != want {
					t.Errorf("%s written at position %d, want %d", e.ID, e.Position, want)
				}
				if e.Subject == "" || e.Version == 0 {
					t.Errorf("%s written without stream or version: %q v%d", e.ID, e.Subject, e.Version)
				}
			}
			if !slices.Equal(ids, tt.wantWrite) {
				t.Errorf("written %v, want %v", ids, tt.wantWrite)
			}
		})
	}
}

func TestDecideConflicts(t *testing.T) {
	to := estest.To
	before := batch(to("block-B07", es.NoStream, "e1", "e2"), to("block-B08", es.NoStream, "e3"))
	tests := []struct {
		name      string
		giveBatch []es.StreamEvents
		want      es.ConflictError
	}{
		{"NoStreamOnExisting", batch(to("block-B07", es.NoStream, "x1")), es.ConflictError{Stream: "block-B07", Expected: 0, Actual: 2}},
		{"Behind", batch(to("block-B07", 1, "x1")), es.ConflictError{Stream: "block-B07", Expected: 1, Actual: 2}},
		{"Ahead", batch(to("block-B07", 3, "x1")), es.ConflictError{Stream: "block-B07", Expected: 3, Actual: 2}},
		{"VersionOnMissing", batch(to("block-B99", 1, "x1")), es.ConflictError{Stream: "block-B99", Expected: 1, Actual: 0}},
		{"PartialResendWithNoStream", batch(to("block-B07", es.NoStream, "e1", "e2", "x1")), es.ConflictError{Stream: "block-B07", Expected: 0, Actual: 2}},
		{
			"LastStreamOfBatch",
			batch(to("block-B07", 2, "x1", "x2"), to("block-B09", es.NoStream, "x3"), to("block-B08", es.NoStream, "x4"), to("block-B10", es.AnyVersion, "x5")),
			es.ConflictError{Stream: "block-B08", Expected: 0, Actual: 1},
		},
		{
			"SecondShareOfAStreamSeesTheFirst",
			batch(to("block-B07", 2, "x1"), to("block-B07", 2, "x2")),
			es.ConflictError{Stream: "block-B07", Expected: 2, Actual: 3},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := indexed(t, before)
			snapshot := indexed(t, before)
			_, err := x.decide(tt.giveBatch)
			if !errors.Is(err, es.ErrConflict) {
				t.Fatalf("decide = %v, want a conflict", err)
			}
			var ce *es.ConflictError
			if !errors.As(err, &ce) || *ce != tt.want {
				t.Errorf("conflict = %+v, want %+v", ce, tt.want)
			}
			// Deciding never changes the index: the refused ids are not remembered.
			if !reflect.DeepEqual(x, snapshot) {
				t.Errorf("index changed by a refused decision")
			}
		})
	}
}

func TestIndexAddRefusesWhatTheLogNeverHolds(t *testing.T) {
	tests := []struct {
		name       string
		giveID     string
		giveStream string
		givePos    uint64
		giveVer    uint64
	}{
		{"PositionGap", "e9", "block-B07", 4, 3},
		{"PositionRepeated", "e9", "block-B07", 2, 3},
		{"VersionGap", "e9", "block-B07", 3, 4},
		{"VersionOnNewStream", "e9", "block-B99", 3, 2},
		{"IDStoredTwice", "e1", "block-B08", 3, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := indexed(t, batch(estest.To("block-B07", es.NoStream, "e1", "e2")))
			if err := x.add(tt.giveID, tt.giveStream, tt.givePos, tt.giveVer); !errors.Is(err, errDamaged) {
				t.Errorf("add = %v, want errDamaged", err)
			}
			if x.head != 2 {
				t.Errorf("head = %d after a refused add, want 2", x.head)
			}
		})
	}
}

func TestPositionsFrom(t *testing.T) {
	x := indexed(t,
		batch(estest.To("block-B1", es.NoStream, "a1", "a2"), estest.To("block-B10", es.NoStream, "b1")),
		batch(estest.To("block-B1", 2, "a3")),
	)
	tests := []struct {
		name       string
		giveStream string
		giveFrom   uint64
		want       []uint64
	}{
		{"FromZero", "block-B1", 0, []uint64{1, 2, 4}},
		{"FromOne", "block-B1", 1, []uint64{1, 2, 4}},
		{"FromLast", "block-B1", 3, []uint64{4}},
		{"PastEnd", "block-B1", 4, nil},
		{"FarPastEnd", "block-B1", 1 << 40, nil},
		{"OtherStream", "block-B10", 0, []uint64{3}},
		{"Missing", "block-B", 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := x.positionsFrom(tt.giveStream, tt.giveFrom); !slices.Equal(got, tt.want) {
				t.Errorf("positionsFrom(%s, %d) = %v, want %v", tt.giveStream, tt.giveFrom, got, tt.want)
			}
		})
	}
}

func TestRuns(t *testing.T) {
	tests := []struct {
		name string
		give []uint64
		want []run
	}{
		{"None", nil, nil},
		{"One", []uint64{7}, []run{{7, 1}}},
		{"Consecutive", []uint64{3, 4, 5}, []run{{3, 3}}},
		{"Spread", []uint64{1, 2, 4, 9, 10, 11, 20}, []run{{1, 2}, {4, 1}, {9, 3}, {20, 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := runs(tt.give); !slices.Equal(got, tt.want) {
				t.Errorf("runs(%v) = %v, want %v", tt.give, got, tt.want)
			}
		})
	}
}
