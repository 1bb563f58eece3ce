package relocation

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Policy chooses where a relocated box goes. Destination is called with the bay before the move,
// the next box to leave (next), the stack it sits in (from; the box to relocate is the top of that
// stack) and the stacks that may receive it (open: every other stack below the maximum height, in
// increasing order, never empty). It returns one of open.
//
// The interface sees the whole bay so that look-ahead policies fit; the bay must not be modified.
type Policy interface {
	Name() string
	Destination(b Bay, next, from int, open []int) int
}

// Lowest moves the box to the lowest open stack, ties to the leftmost.
type Lowest struct{}

func (Lowest) Name() string { return "lowest" }

func (Lowest) Destination(b Bay, _, _ int, open []int) int {
	best := open[0]
	for _, s := range open[1:] {
		if len(b.Stacks[s]) < len(b.Stacks[best]) {
			best = s
		}
	}
	return best
}

// MinMax is the rule of Caserta, Schwarze and Voß (2012): among the open stacks whose smallest
// priority is larger than the moved box's (the box will not block anything there; an empty stack
// counts as +∞), take the one with the smallest such minimum; if there is none, take the stack with
// the largest minimum, which postpones the next relocation of the box the longest. Ties go to the
// leftmost stack.
type MinMax struct{}

func (MinMax) Name() string { return "minmax" }

func (MinMax) Destination(b Bay, _, from int, open []int) int {
	box := b.Stacks[from][len(b.Stacks[from])-1]
	const inf = math.MaxInt // an empty stack blocks nothing
	lo := func(s int) int {
		if len(b.Stacks[s]) == 0 {
			return inf
		}
		return slices.Min(b.Stacks[s])
	}
	good, bad := -1, -1
	for _, s := range open {
		m := lo(s)
		if m > box {
			if good < 0 || m < lo(good) {
				good = s
			}
		} else if bad < 0 || m > lo(bad) {
			bad = s
		}
	}
	if good >= 0 {
		return good
	}
	return bad
}

// Policies are the built-in heuristics by name.
var Policies = map[string]Policy{"lowest": Lowest{}, "minmax": MinMax{}}

// PolicyNames lists the built-in heuristics in order.
func PolicyNames() []string {
	names := make([]string, 0, len(Policies))
	for n := range Policies {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Solve retrieves boxes 1..N in order from a copy of b, relocating the boxes above each one where the
// policy says, and returns the number of relocations and the moves. It fails if a box must be
// relocated and no other stack has room, or if the policy answers a stack that is not open.
func Solve(b Bay, p Policy, o Options) (int, []Move, error) {
	if err := b.Validate(); err != nil {
		return 0, nil, err
	}
	h := o.height(b)
	for i, s := range b.Stacks {
		if len(s) > h {
			return 0, nil, fmt.Errorf("stack %d holds %d boxes, above the maximum height %d", i+1, len(s), h)
		}
	}
	b = b.Clone()
	where := make([]int, b.Boxes()+1)
	for i, s := range b.Stacks {
		for _, x := range s {
			where[x] = i
		}
	}
	var moves []Move
	open := make([]int, 0, len(b.Stacks))
	for next := 1; next < len(where); next++ {
		from := where[next]
		for {
			st := b.Stacks[from]
			top := st[len(st)-1]
			if top == next {
				b.Stacks[from] = st[:len(st)-1]
				break
			}
			open = open[:0]
			for s := range b.Stacks {
				if s != from && len(b.Stacks[s]) < h {
					open = append(open, s)
				}
			}
			if len(open) == 0 {
				return len(moves), moves, fmt.Errorf("box %d must be relocated to reach box %d, but every other stack is at the maximum height %d", top, next, h)
			}
			to := p.Destination(b, next, from, open)
			if !slices.Contains(open, to) {
				return len(moves), moves, fmt.Errorf("policy %s chose stack %d for box %d; open stacks are %s", p.Name(), to, top, fmtInts(open))
			}
			b.Stacks[from] = st[:len(st)-1]
			b.Stacks[to] = append(b.Stacks[to], top)
			where[top] = to
			moves = append(moves, Move{Box: top, From: from, To: to})
		}
	}
	return len(moves), moves, nil
}

func fmtInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprint(x)
	}
	return "[" + strings.Join(s, " ") + "]"
}
