package policy

import (
	"math"
	"math/rand/v2"
	"time"
)

// The built-in baselines. Each is registered under its name in init; ties go to the first option
// (the feed lists options in a fixed order), unless the policy says it draws.

func init() {
	Register(KindStacking, "lowest", func(env Env) any { return LowestStacking{Rand: env.Rand} })
	Register(KindStacking, "random", func(env Env) any { return RandomStacking{Rand: env.Rand} })
	Register(KindStacking, "nearest", func(Env) any { return NearestStacking{} })
	Register(KindStacking, "category-dwell", func(Env) any { return CategoryDwellStacking{} })

	Register(KindRelocation, "lowest", func(Env) any { return LowestRelocation{} })
	Register(KindRelocation, "minmax", func(Env) any { return MinMaxRelocation{} })

	Register(KindQuaySequence, "fifo", func(Env) any { return FIFOQuay{} })
	Register(KindQuaySequence, "nearest", func(Env) any { return NearestBay{} })

	Register(KindYardSequence, "fifo", func(Env) any { return FIFOYard{} })
	Register(KindYardSequence, "nearest", func(Env) any { return NearestYard{} })

	Register(KindDispatch, "fifo", func(Env) any { return FIFODispatch{} })
	Register(KindDispatch, "nearest", func(Env) any { return NearestDispatch{} })
}

// LowestStacking is the first demo's rule and the default: the least filled block, then the lowest
// stack of the block, ties drawn at random (spreading boxes over the block).
type LowestStacking struct{ Rand *rand.Rand }

func (LowestStacking) Block(_ Arrival, opts []BlockOption) (int, error) {
	return argmin(len(opts), func(i int) float64 { return opts[i].Fill }), nil
}

func (p LowestStacking) Slot(_ Arrival, opts []SlotOption) (int, error) {
	best, ties := 0, 0
	for i, o := range opts {
		switch {
		case o.Tier < opts[best].Tier:
			best, ties = i, 1
		case o.Tier == opts[best].Tier:
			ties++
			if i != best && p.Rand.IntN(ties) == 0 {
				best = i
			}
		}
	}
	return best, nil
}

// RandomStacking draws the block and the stack uniformly among the options.
type RandomStacking struct{ Rand *rand.Rand }

func (p RandomStacking) Block(_ Arrival, opts []BlockOption) (int, error) {
	return p.Rand.IntN(len(opts)), nil
}

func (p RandomStacking) Slot(_ Arrival, opts []SlotOption) (int, error) {
	return p.Rand.IntN(len(opts)), nil
}

// NearestStacking takes the block with the shortest drive, then the stack nearest the truck's stop,
// lower tiers first among stacks as near.
type NearestStacking struct{}

func (NearestStacking) Block(_ Arrival, opts []BlockOption) (int, error) {
	return argmin(len(opts), func(i int) float64 { return opts[i].DistanceM }), nil
}

func (NearestStacking) Slot(_ Arrival, opts []SlotOption) (int, error) {
	return argmin(len(opts), func(i int) float64 { return opts[i].DistanceM*100 + float64(opts[i].Tier) }), nil
}

// CategoryDwellStacking keeps boxes of a category together and sets a box only on boxes expected to
// leave after it: the block holding most of the box's category (least filled among equals), then,
// among the stacks whose earliest leaver is due no sooner than the box (so the box will not have to
// be dug over), the one due soonest (a tight fit keeps empty ground for later); an empty ground slot
// when no stack fits; failing that, the stack whose earliest leaver is due latest. A box of unknown
// due time goes to the lowest stack.
type CategoryDwellStacking struct{}

func (CategoryDwellStacking) Block(_ Arrival, opts []BlockOption) (int, error) {
	return argmin(len(opts), func(i int) float64 {
		o := opts[i]
		share := float64(o.SameCategory) / float64(max(o.Boxes, 1))
		return o.Fill - 0.5*share
	}), nil
}

func (CategoryDwellStacking) Slot(a Arrival, opts []SlotOption) (int, error) {
	if a.Box.Due.IsZero() {
		return argmin(len(opts), func(i int) float64 { return float64(opts[i].Tier) }), nil
	}
	return argmin(len(opts), func(i int) float64 {
		return dueScore(a.Box, opts[i]) + 0.001*float64(opts[i].Tier)
	}), nil
}

// dueScore ranks a stack for a box by due times (smaller is better): stacks with every box due no
// sooner, tightest first (0..1e6); then empty ground (2e6); then stacks the box would block, the
// latest earliest leaver first (3e6 and up).
func dueScore(b Box, o SlotOption) float64 {
	const hour = float64(time.Hour)
	if o.MinDue.IsZero() {
		return 2e6
	}
	slack := float64(o.MinDue.Sub(b.Due)) / hour
	if slack >= 0 && (o.TopCategory == "" || o.TopCategory == b.Category) {
		return math.Min(slack, 1e6-1)
	}
	if slack >= 0 { // fits by time, but on another category
		return 1e6 + math.Min(slack, 1e6-1)
	}
	return 3e6 - slack // slack < 0: the later the earliest leaver, the smaller
}

// LowestRelocation is the default: the lowest stack, ties to the stack nearest the box's bay (a
// short gantry move), then the first.
type LowestRelocation struct{}

func (LowestRelocation) Slot(_ Rehandle, opts []SlotOption) (int, error) {
	return argmin(len(opts), func(i int) float64 { return float64(opts[i].Tier)*1e6 + opts[i].DistanceM }), nil
}

// MinMaxRelocation is the MinMax rule of Caserta, Schwarze and Voß (2012) on due times (a box due
// sooner leaves sooner): among the stacks whose earliest leaver is due no sooner than the moved box
// (it will block nothing there; an empty stack counts as due never), the one due soonest; failing
// that, the stack whose earliest leaver is due latest, which postpones the box's next relocation
// longest. Ties go to the lower tier, then the nearer stack. Without a due time on the box it acts
// as LowestRelocation.
type MinMaxRelocation struct{}

func (MinMaxRelocation) Slot(r Rehandle, opts []SlotOption) (int, error) {
	if r.Box.Due.IsZero() {
		return LowestRelocation{}.Slot(r, opts)
	}
	const never = math.MaxFloat64 / 4
	due := func(o SlotOption) float64 {
		if o.MinDue.IsZero() {
			return never
		}
		return float64(o.MinDue.Sub(r.Box.Due))
	}
	tie := func(o SlotOption) float64 { return float64(o.Tier)*1e4 + o.DistanceM }
	good := argminWhere(len(opts), func(i int) bool { return due(opts[i]) >= 0 },
		func(i int) float64 { return due(opts[i]) }, func(i int) float64 { return tie(opts[i]) })
	if good >= 0 {
		return good, nil
	}
	return argminWhere(len(opts), func(int) bool { return true },
		func(i int) float64 { return -due(opts[i]) }, func(i int) float64 { return tie(opts[i]) }), nil
}

// FIFOQuay takes the next move of the plan (discharge) or the truck that came first (load).
type FIFOQuay struct{}

func (FIFOQuay) Next(QuayCrane, []QuayJob) (int, error) { return 0, nil }

// NearestBay takes the move whose vessel bay is nearest the bay the crane stands over (the shortest
// gantry travel along the hull), ties to the first.
type NearestBay struct{}

func (NearestBay) Next(c QuayCrane, jobs []QuayJob) (int, error) {
	return argmin(len(jobs), func(i int) float64 { return math.Abs(float64(jobs[i].Bay - c.Bay)) }), nil
}

// FIFOYard takes the job that has waited longest.
type FIFOYard struct{}

func (FIFOYard) Next(YardCrane, []YardJob) (int, error) { return 0, nil }

// NearestYard takes the job with the shortest gantry travel, ties to the one waiting longest.
type NearestYard struct{}

func (NearestYard) Next(_ YardCrane, jobs []YardJob) (int, error) {
	return argmin(len(jobs), func(i int) float64 { return jobs[i].DistanceM }), nil
}

// FIFODispatch gives the truck the job that has waited longest.
type FIFODispatch struct{}

func (FIFODispatch) Next(Truck, []TruckJob) (int, error) { return 0, nil }

// NearestDispatch gives the truck the job nearest to it, ties to the one waiting longest.
type NearestDispatch struct{}

func (NearestDispatch) Next(_ Truck, jobs []TruckJob) (int, error) {
	return argmin(len(jobs), func(i int) float64 { return jobs[i].DistanceM }), nil
}

var (
	_ Stacking     = LowestStacking{}
	_ Stacking     = RandomStacking{}
	_ Stacking     = NearestStacking{}
	_ Stacking     = CategoryDwellStacking{}
	_ Relocation   = LowestRelocation{}
	_ Relocation   = MinMaxRelocation{}
	_ QuaySequence = FIFOQuay{}
	_ QuaySequence = NearestBay{}
	_ YardSequence = FIFOYard{}
	_ YardSequence = NearestYard{}
	_ Dispatch     = FIFODispatch{}
	_ Dispatch     = NearestDispatch{}
)

// argmin returns the index of the smallest key, the first of equals; 0 for n == 0.
func argmin(n int, key func(int) float64) int {
	best, bk := 0, math.Inf(1)
	for i := range n {
		if k := key(i); k < bk {
			best, bk = i, k
		}
	}
	return best
}

// argminWhere returns the index among those ok accepts with the smallest key, ties by the smallest
// tie, then the first; -1 when none is accepted.
func argminWhere(n int, ok func(int) bool, key, tie func(int) float64) int {
	best := -1
	var bk, bt float64
	for i := range n {
		if !ok(i) {
			continue
		}
		k, t := key(i), tie(i)
		if best < 0 || k < bk || (k == bk && t < bt) {
			best, bk, bt = i, k, t
		}
	}
	return best
}
