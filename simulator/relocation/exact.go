package relocation

import (
	"errors"
	"fmt"
	"slices"
)

// ErrBudget is returned (wrapped) by Exact when the search expands more nodes than allowed.
var ErrBudget = errors.New("search budget exhausted")

// Exact returns the least number of relocations that retrieves every box of b, for the restricted
// problem (only boxes above the next to leave move) or the unrestricted one (any top box may move)
// as o.Restricted says. It is an iterative-deepening A* with the classic lower bound (the number of
// boxes sitting above a box with a smaller priority: each must move at least once), a transposition
// table per iteration (stacks compared as a multiset, since stacks are interchangeable), and two
// safe prunings: the next box is retrieved as soon as it is on top, and of several empty stacks only
// the first is tried. In the unrestricted problem a box is not moved twice in a row with no retrieval
// in between (one move would do). It is meant for small instances: beyond o.Nodes expanded nodes it
// gives up with an error wrapping ErrBudget.
func Exact(b Bay, o Options) (int, error) {
	if err := b.Validate(); err != nil {
		return 0, err
	}
	h := o.height(b)
	for i, s := range b.Stacks {
		if len(s) > h {
			return 0, fmt.Errorf("stack %d holds %d boxes, above the maximum height %d", i+1, len(s), h)
		}
	}
	budget := o.Nodes
	if budget <= 0 {
		budget = DefaultNodes
	}
	s := &search{bay: b.Clone(), h: h, restricted: o.Restricted, budget: budget, where: make([]int, b.Boxes()+1), next: 1}
	for i, st := range s.bay.Stacks {
		for _, x := range st {
			s.where[x] = i
		}
	}
	s.retrieve()
	bound := s.lower()
	for {
		s.seen = make(map[string]int)
		found, nextBound, err := s.dfs(0, bound, 0)
		if err != nil {
			return 0, err
		}
		if found {
			return bound, nil
		}
		if nextBound < 0 {
			return 0, fmt.Errorf("no plan exists with maximum height %d", h)
		}
		bound = nextBound
	}
}

type search struct {
	bay        Bay
	h          int
	restricted bool
	budget     int
	nodes      int
	where      []int // stack of each box still in the bay
	next       int   // next box to leave
	seen       map[string]int
	key        []byte
}

// retrieve removes every box that can leave now and returns the stacks they left, for undo.
func (s *search) retrieve() []int {
	var out []int
	for s.next < len(s.where) {
		st := s.bay.Stacks[s.where[s.next]]
		if st[len(st)-1] != s.next {
			break
		}
		s.bay.Stacks[s.where[s.next]] = st[:len(st)-1]
		out = append(out, s.where[s.next])
		s.next++
	}
	return out
}

func (s *search) unretrieve(from []int) {
	for i := len(from) - 1; i >= 0; i-- {
		s.next--
		s.bay.Stacks[from[i]] = append(s.bay.Stacks[from[i]], s.next)
	}
}

// lower is the number of blocking boxes: boxes above a box with a smaller priority.
func (s *search) lower() int {
	n := 0
	for _, st := range s.bay.Stacks {
		lo := len(s.where)
		for _, x := range st {
			if x > lo {
				n++
			}
			lo = min(lo, x)
		}
	}
	return n
}

// stateKey encodes the bay as a sorted multiset of stacks.
func (s *search) stateKey() string {
	order := make([]int, len(s.bay.Stacks))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return slices.Compare(s.bay.Stacks[a], s.bay.Stacks[b]) })
	s.key = s.key[:0]
	for _, i := range order {
		for _, x := range s.bay.Stacks[i] {
			s.key = append(s.key, byte(x), byte(x>>8))
		}
		s.key = append(s.key, 0, 0)
	}
	return string(s.key)
}

// dfs searches below the current state with g relocations made; it reports whether the bay can be
// emptied within bound, else the smallest f that exceeded it (-1 if none). last is the box moved by
// the previous relocation if no box was retrieved since, else 0.
func (s *search) dfs(g, bound, last int) (bool, int, error) {
	if s.next == len(s.where) {
		return true, 0, nil
	}
	f := g + s.lower()
	if f > bound {
		return false, f, nil
	}
	k := s.stateKey()
	if prev, ok := s.seen[k]; ok && prev <= g {
		return false, -1, nil
	}
	s.seen[k] = g
	s.nodes++
	if s.nodes > s.budget {
		return false, 0, fmt.Errorf("%w: %d nodes without proving the optimum (best lower bound %d)", ErrBudget, s.budget, bound)
	}
	best := -1
	try := func(from int) (bool, error) {
		st := s.bay.Stacks[from]
		box := st[len(st)-1]
		if box == last {
			return false, nil
		}
		triedEmpty := false
		for to := range s.bay.Stacks {
			if to == from || len(s.bay.Stacks[to]) >= s.h {
				continue
			}
			if len(s.bay.Stacks[to]) == 0 {
				if triedEmpty {
					continue
				}
				triedEmpty = true
			}
			s.bay.Stacks[from] = st[:len(st)-1]
			s.bay.Stacks[to] = append(s.bay.Stacks[to], box)
			s.where[box] = to
			got := s.retrieve()
			nextLast := box
			if len(got) > 0 || s.restricted {
				nextLast = 0
			}
			found, nb, err := s.dfs(g+1, bound, nextLast)
			s.unretrieve(got)
			s.bay.Stacks[to] = s.bay.Stacks[to][:len(s.bay.Stacks[to])-1]
			s.bay.Stacks[from] = append(s.bay.Stacks[from][:len(st)-1], box)
			s.where[box] = from
			if err != nil || found {
				return found, err
			}
			if nb >= 0 && (best < 0 || nb < best) {
				best = nb
			}
		}
		return false, nil
	}
	if s.restricted {
		found, err := try(s.where[s.next])
		return found, best, err
	}
	for from := range s.bay.Stacks {
		if len(s.bay.Stacks[from]) == 0 {
			continue
		}
		if found, err := try(from); err != nil || found {
			return found, best, err
		}
	}
	return false, best, nil
}
