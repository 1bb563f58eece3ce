package ring

import (
	"slices"
	"testing"
)

func TestRingKeepsTheNewest(t *testing.T) {
	tests := []struct {
		name       string
		giveCap    int
		givePushes int
		want       []int
	}{
		{name: "empty", giveCap: 3, givePushes: 0, want: nil},
		{name: "not full", giveCap: 3, givePushes: 2, want: []int{0, 1}},
		{name: "full", giveCap: 3, givePushes: 3, want: []int{0, 1, 2}},
		{name: "wrapped", giveCap: 3, givePushes: 7, want: []int{4, 5, 6}},
		{name: "keeps none", giveCap: 0, givePushes: 4, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := New[int](tt.giveCap)
			for i := range tt.givePushes {
				r.Push(i)
			}
			if got := r.Slice(); !slices.Equal(got, tt.want) {
				t.Fatalf("Slice = %v, want %v", got, tt.want)
			}
			newest := slices.Clone(tt.want)
			slices.Reverse(newest)
			if got := r.Newest(len(tt.want) + 5); !slices.Equal(got, newest) && len(newest) > 0 {
				t.Fatalf("Newest = %v, want %v", got, newest)
			}
			var copied Ring[int]
			copied.cap = tt.giveCap
			copied.Reset(r.Slice())
			if got := copied.Slice(); !slices.Equal(got, tt.want) {
				t.Fatalf("after Reset: %v, want %v", got, tt.want)
			}
		})
	}
}

func TestResetKeepsTheNewestCap(t *testing.T) {
	r := New[int](2)
	r.Reset([]int{1, 2, 3, 4})
	if got := r.Slice(); !slices.Equal(got, []int{3, 4}) {
		t.Fatalf("Slice = %v", got)
	}
	if got := r.Newest(1); !slices.Equal(got, []int{4}) {
		t.Fatalf("Newest(1) = %v", got)
	}
}

func TestPushDoesNotAllocateOnceFull(t *testing.T) {
	r := New[int](100)
	for i := range 100 {
		r.Push(i)
	}
	if n := testing.AllocsPerRun(1000, func() { r.Push(1) }); n != 0 {
		t.Fatalf("%v allocations per push", n)
	}
}
