// Package relocation is the block relocation problem (BRP) of a single bay: boxes with retrieval
// priorities 1..N stacked in S stacks, retrieved in priority order by a crane that may only lift the
// top box of a stack, so every box above the next one to leave has to be relocated first. It reads the
// Caserta–Schwarze–Voß benchmark format, runs relocation heuristics (Policy) and solves small
// instances optimally (Exact), so that yard-crane policies can be compared with the literature.
//
// Conventions follow the literature: stacks are indexed from 0 (stack 1 of a file is index 0), boxes
// are listed bottom to top, box 1 leaves first, retrievals are free and happen as soon as the next box
// is on top, and the cost of a plan is its number of relocations.
package relocation

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Bay is one bay: Stacks[i] holds the priorities of stack i from bottom to top.
type Bay struct {
	Stacks [][]int
}

// Boxes is the number of boxes in the bay.
func (b Bay) Boxes() int {
	n := 0
	for _, s := range b.Stacks {
		n += len(s)
	}
	return n
}

// Tiers is the height of the tallest stack (T of a T-S benchmark instance, whose stacks are all full).
func (b Bay) Tiers() int {
	t := 0
	for _, s := range b.Stacks {
		t = max(t, len(s))
	}
	return t
}

// Clone returns a deep copy.
func (b Bay) Clone() Bay {
	c := Bay{Stacks: make([][]int, len(b.Stacks))}
	for i, s := range b.Stacks {
		c.Stacks[i] = append(make([]int, 0, len(s)+4), s...)
	}
	return c
}

// Validate checks that the bay holds each of the priorities 1..N exactly once.
func (b Bay) Validate() error {
	n := b.Boxes()
	seen := make([]bool, n+1)
	for i, s := range b.Stacks {
		for _, p := range s {
			if p < 1 || p > n {
				return fmt.Errorf("stack %d: priority %d is outside 1..%d", i+1, p, n)
			}
			if seen[p] {
				return fmt.Errorf("stack %d: priority %d appears twice", i+1, p)
			}
			seen[p] = true
		}
	}
	return nil
}

// ParseInstance reads an instance in the benchmark format: a header line "S N" (stacks, boxes), then
// one line per stack "h p1 … ph" with the priorities from bottom to top. Blank lines are ignored.
func ParseInstance(r io.Reader) (Bay, error) {
	sc := bufio.NewScanner(r)
	line := 0
	next := func() ([]int, bool, error) {
		for sc.Scan() {
			line++
			fields := strings.Fields(sc.Text())
			if len(fields) == 0 {
				continue
			}
			nums := make([]int, len(fields))
			for i, f := range fields {
				n, err := strconv.Atoi(f)
				if err != nil {
					return nil, false, fmt.Errorf("line %d: %q is not a whole number", line, f)
				}
				nums[i] = n
			}
			return nums, true, nil
		}
		if err := sc.Err(); err != nil {
			return nil, false, fmt.Errorf("line %d: %w", line+1, err)
		}
		return nil, false, nil
	}
	head, ok, err := next()
	if err != nil {
		return Bay{}, err
	}
	if !ok {
		return Bay{}, errors.New("empty instance: want a header line \"S N\"")
	}
	if len(head) != 2 || head[0] < 1 || head[1] < 0 {
		return Bay{}, fmt.Errorf("line %d: header must be \"S N\" (stacks ≥ 1, boxes ≥ 0), got %v", line, head)
	}
	stacks, boxes := head[0], head[1]
	b := Bay{Stacks: make([][]int, stacks)}
	for i := range stacks {
		nums, ok, err := next()
		if err != nil {
			return Bay{}, err
		}
		if !ok {
			return Bay{}, fmt.Errorf("line %d: end of input, want stack %d of %d", line+1, i+1, stacks)
		}
		if nums[0] < 0 || len(nums)-1 != nums[0] {
			return Bay{}, fmt.Errorf("line %d: stack %d declares %d boxes but lists %d", line, i+1, nums[0], len(nums)-1)
		}
		b.Stacks[i] = nums[1:]
	}
	if extra, ok, err := next(); err != nil {
		return Bay{}, err
	} else if ok {
		return Bay{}, fmt.Errorf("line %d: unexpected %v after the %d stacks", line, extra, stacks)
	}
	if b.Boxes() != boxes {
		return Bay{}, fmt.Errorf("header declares %d boxes, the stacks hold %d", boxes, b.Boxes())
	}
	if err := b.Validate(); err != nil {
		return Bay{}, err
	}
	return b, nil
}

// Options are the rules of the problem.
type Options struct {
	// MaxHeight is the largest number of boxes a stack may hold; 0 means the Tiers of the bay + 2.
	MaxHeight int
	// Restricted allows relocating only the boxes above the next box to leave (the BRP-II of the
	// literature). Heuristic plans are always restricted; the option matters to Exact.
	Restricted bool
	// Nodes bounds the search of Exact (nodes expanded); 0 means DefaultNodes.
	Nodes int
}

// DefaultNodes is the search budget of Exact when Options.Nodes is 0.
const DefaultNodes = 2_000_000

func (o Options) height(b Bay) int {
	if o.MaxHeight > 0 {
		return o.MaxHeight
	}
	return b.Tiers() + 2
}

// Move is one relocation: Box from stack From to stack To (0-based).
type Move struct {
	Box, From, To int
}
