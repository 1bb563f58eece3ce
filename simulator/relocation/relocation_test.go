package relocation

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// dataDir is the shared benchmark, relative to this package.
const dataDir = "../../../shared/data/brp/instances"

func loadClass(t *testing.T, class string) map[string]Bay {
	t.Helper()
	dir := filepath.Join(dataDir, class)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("benchmark class %s not available at %s: %v", class, dir, err)
	}
	out := map[string]Bay{}
	for i := 1; i <= 40; i++ {
		name := fmt.Sprintf("data%s-%d.dat", class, i)
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		b, err := ParseInstance(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = b
	}
	return out
}

func TestRelocationParseExample(t *testing.T) {
	b, err := ParseInstance(strings.NewReader("3 9\n3 3 7 1\n3 2 6 5\n3 8 9 4\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := [][]int{{3, 7, 1}, {2, 6, 5}, {8, 9, 4}}
	if !reflect.DeepEqual(b.Stacks, want) {
		t.Fatalf("stacks = %v, want %v", b.Stacks, want)
	}
	if b.Tiers() != 3 || b.Boxes() != 9 {
		t.Fatalf("tiers %d boxes %d", b.Tiers(), b.Boxes())
	}
	if got := loadClass(t, "3-3")["data3-3-1.dat"]; !reflect.DeepEqual(got.Stacks, want) {
		t.Fatalf("data3-3-1.dat = %v, want %v", got.Stacks, want)
	}
}

func TestRelocationParseErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "empty instance"},
		{"3\n", "line 1: header"},
		{"2 3\n2 1 x\n", `line 2: "x" is not a whole number`},
		{"2 3\n2 1 2\n2 3\n", "line 3: stack 2 declares 2 boxes but lists 1"},
		{"2 3\n2 1 2\n", "line 3: end of input, want stack 2 of 2"},
		{"2 3\n2 1 2\n1 2\n", "priority 2 appears twice"},
		{"2 3\n2 1 2\n1 3\n1 4\n", "line 4: unexpected"},
		{"2 4\n2 1 2\n1 3\n", "header declares 4 boxes, the stacks hold 3"},
	} {
		_, err := ParseInstance(strings.NewReader(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseInstance(%q) = %v, want an error containing %q", tc.in, err, tc.want)
		}
	}
}

// replay applies moves to b, checking heights and that each move is legal, and that every box leaves.
func replay(t *testing.T, name string, b Bay, moves []Move, h int) {
	t.Helper()
	b = b.Clone()
	next, m := 1, 0
	for b.Boxes() > 0 {
		retrieved := false
		for i, s := range b.Stacks {
			if len(s) > 0 && s[len(s)-1] == next {
				b.Stacks[i] = s[:len(s)-1]
				next++
				retrieved = true
			}
		}
		if retrieved {
			continue
		}
		if m == len(moves) {
			t.Fatalf("%s: moves run out with boxes %v left", name, b.Stacks)
		}
		mv := moves[m]
		m++
		from := b.Stacks[mv.From]
		if len(from) == 0 || from[len(from)-1] != mv.Box {
			t.Fatalf("%s: move %+v: box is not on top of %v", name, mv, from)
		}
		b.Stacks[mv.From] = from[:len(from)-1]
		b.Stacks[mv.To] = append(b.Stacks[mv.To], mv.Box)
		if len(b.Stacks[mv.To]) > h {
			t.Fatalf("%s: move %+v exceeds height %d", name, mv, h)
		}
	}
	if m != len(moves) {
		t.Fatalf("%s: %d moves left over", name, len(moves)-m)
	}
}

func TestRelocationHeuristics(t *testing.T) {
	for _, class := range []string{"3-3", "4-4", "5-5", "6-10", "10-10"} {
		for name, b := range loadClass(t, class) {
			h := b.Tiers() + 2
			for _, p := range []Policy{Lowest{}, MinMax{}} {
				n, moves, err := Solve(b, p, Options{MaxHeight: h, Restricted: true})
				if err != nil {
					t.Fatalf("%s %s: %v", name, p.Name(), err)
				}
				if n != len(moves) {
					t.Fatalf("%s %s: %d relocations, %d moves", name, p.Name(), n, len(moves))
				}
				replay(t, name+" "+p.Name(), b, moves, h)
			}
		}
	}
}

// bruteForce is an exhaustive breadth-first search over every sequence of relocations (no
// symmetry or dominance pruning), with the one standard rule that the next box leaves as soon as it
// is on top. It returns the least number of relocations.
func bruteForce(b Bay, h int, restricted bool) int {
	key := func(b Bay) string { return fmt.Sprint(b.Stacks) }
	settle := func(b Bay) Bay {
		for next := 1; ; {
			done := true
			for i, s := range b.Stacks {
				for _, x := range s {
					if x < next {
						panic("box left twice")
					}
				}
				if len(s) > 0 && s[len(s)-1] == minBox(b) {
					b.Stacks[i] = s[:len(s)-1]
					done = false
					next++
					break
				}
			}
			if done {
				return b
			}
		}
	}
	level := []Bay{settle(b.Clone())}
	seen := map[string]bool{key(level[0]): true}
	for depth := 0; ; depth++ {
		var nextLevel []Bay
		for _, cur := range level {
			if cur.Boxes() == 0 {
				return depth
			}
			low := minBox(cur)
			for from, s := range cur.Stacks {
				if len(s) == 0 || restricted && !contains(s, low) {
					continue
				}
				for to := range cur.Stacks {
					if to == from || len(cur.Stacks[to]) >= h {
						continue
					}
					c := cur.Clone()
					c.Stacks[from] = c.Stacks[from][:len(s)-1]
					c.Stacks[to] = append(c.Stacks[to], s[len(s)-1])
					c = settle(c)
					if k := key(c); !seen[k] {
						seen[k] = true
						nextLevel = append(nextLevel, c)
					}
				}
			}
		}
		if len(nextLevel) == 0 {
			return -1
		}
		level = nextLevel
	}
}

func minBox(b Bay) int {
	m := 1 << 30
	for _, s := range b.Stacks {
		for _, x := range s {
			m = min(m, x)
		}
	}
	return m
}

func contains(s []int, x int) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

func TestRelocationExactAgreesWithBruteForce(t *testing.T) {
	for _, tc := range []struct {
		class      string
		restricted bool
	}{{"3-3", true}, {"3-4", true}, {"3-3", false}} { // unrestricted 3-4 takes minutes by brute force
		for name, b := range loadClass(t, tc.class) {
			h := b.Tiers() + 2
			want := bruteForce(b, h, tc.restricted)
			got, err := Exact(b, Options{MaxHeight: h, Restricted: tc.restricted})
			if err != nil {
				t.Fatalf("%s restricted=%v: %v", name, tc.restricted, err)
			}
			if got != want {
				t.Errorf("%s restricted=%v: Exact = %d, brute force = %d", name, tc.restricted, got, want)
			}
		}
	}
}

func TestRelocationExactBeatsHeuristics(t *testing.T) {
	for _, class := range []string{"3-3", "3-4", "4-4", "5-5"} {
		solved := 0
		for name, b := range loadClass(t, class) {
			o := Options{MaxHeight: b.Tiers() + 2, Restricted: true, Nodes: 100_000}
			opt, err := Exact(b, o)
			if errors.Is(err, ErrBudget) {
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			solved++
			// The unrestricted search is much wider; check it on the small classes only.
			if b.Boxes() <= 12 {
				if un, err := Exact(b, Options{MaxHeight: o.MaxHeight, Nodes: 200_000}); err == nil && un > opt {
					t.Errorf("%s: unrestricted optimum %d above restricted %d", name, un, opt)
				}
			}
			for _, p := range []Policy{Lowest{}, MinMax{}} {
				n, _, err := Solve(b, p, o)
				if err != nil {
					t.Fatal(err)
				}
				if opt > n {
					t.Errorf("%s: Exact = %d above %s = %d", name, opt, p.Name(), n)
				}
			}
		}
		if class == "3-3" && solved != 40 {
			t.Errorf("Exact solved %d of the 40 instances of 3-3", solved)
		}
		t.Logf("class %s: Exact solved %d/40 within 100000 nodes", class, solved)
	}
}

func TestRelocationBudget(t *testing.T) {
	b := loadClass(t, "5-5")["data5-5-1.dat"]
	_, err := Exact(b, Options{MaxHeight: 7, Restricted: true, Nodes: 3})
	if !errors.Is(err, ErrBudget) {
		t.Fatalf("Exact with 3 nodes = %v, want ErrBudget", err)
	}
}

// TestRelocationMinMaxEmptyStack: an empty stack blocks nothing, however many boxes have left.
func TestRelocationMinMaxEmptyStack(t *testing.T) {
	b := Bay{Stacks: [][]int{{9}, {}, {8}}}
	if got := (MinMax{}).Destination(b, 8, 0, []int{1, 2}); got != 1 {
		t.Fatalf("MinMax sent box 9 to stack %d, want the empty stack 1", got)
	}
	if got := (Lowest{}).Destination(b, 8, 0, []int{1, 2}); got != 1 {
		t.Fatalf("Lowest sent box 9 to stack %d, want the empty stack 1", got)
	}
}
