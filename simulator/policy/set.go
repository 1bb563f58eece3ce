package policy

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// The kinds of decision a policy makes.
const (
	KindStacking     = "stacking"      // which block, then which slot, a box entering the yard goes to
	KindRelocation   = "relocation"    // where a box dug over (a rehandle) goes within its block
	KindQuaySequence = "quay-sequence" // which move a quay crane makes next
	KindYardSequence = "yard-sequence" // which job a yard crane works next
	KindDispatch     = "dispatch"      // which job a free internal truck takes next
)

var kinds = []string{KindStacking, KindRelocation, KindQuaySequence, KindYardSequence, KindDispatch}

// defaults are the baselines in force when a Set says nothing of a kind; they keep the first demo
// feed's behaviour.
var defaults = map[string]string{
	KindStacking:     "lowest",
	KindRelocation:   "lowest",
	KindQuaySequence: "fifo",
	KindYardSequence: "fifo",
	KindDispatch:     "fifo",
}

// Kinds lists the kinds of decision, in a fixed order.
func Kinds() []string { return slices.Clone(kinds) }

func kindIndex(kind string) int { return slices.Index(kinds, kind) }

// Env is what a policy is built with for one run.
type Env struct {
	// Rand is the policy's own random stream (seeded from the run's seed and the kind), so a policy
	// that draws does not shift the model's draws.
	Rand *rand.Rand
	// Timeout bounds one decision of an external policy; 0 means DefaultTimeout.
	Timeout time.Duration
}

// Factory builds a policy of one kind for one run. It returns a value implementing the kind's
// interface (Stacking, Relocation, QuaySequence, YardSequence or Dispatch).
type Factory func(env Env) any

var (
	mu       sync.RWMutex
	registry = map[string]map[string]Factory{} // kind → name → factory
)

// Register makes a built-in policy available under name for kind, so that "KIND=NAME" selects it.
// It panics on an unknown kind, a name already taken, or a name that is a URL: registration happens
// in init functions, where a mistake is the programmer's.
func Register(kind, name string, f Factory) {
	if kindIndex(kind) < 0 {
		panic(fmt.Sprintf("policy: register %q: unknown kind %q (want one of %s)", name, kind, strings.Join(kinds, ", ")))
	}
	if name == "" || strings.Contains(name, "://") || f == nil {
		panic(fmt.Sprintf("policy: register %s: %q is not a policy name", kind, name))
	}
	mu.Lock()
	defer mu.Unlock()
	if registry[kind] == nil {
		registry[kind] = map[string]Factory{}
	}
	if _, dup := registry[kind][name]; dup {
		panic(fmt.Sprintf("policy: register %s=%s twice", kind, name))
	}
	registry[kind][name] = f
}

// Available lists the built-in policy names of kind, sorted; nil for an unknown kind.
func Available(kind string) []string {
	mu.RLock()
	defer mu.RUnlock()
	var names []string
	for n := range registry[kind] {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Set says which policy decides each kind. The zero value means every kind's baseline default
// (see Names). A Set is a value: copies are independent.
type Set struct {
	names [5]string // by kindIndex; "" is the kind's default
}

// Use puts in force the policy of spec, "KIND=NAME": a built-in name ("stacking=nearest") or the
// http(s) URL of an external policy ("stacking=http://127.0.0.1:8000/decide"). The error names the
// kind or the name at fault and lists what is valid.
func (s *Set) Use(spec string) error {
	kind, name, ok := strings.Cut(spec, "=")
	kind, name = strings.TrimSpace(kind), strings.TrimSpace(name)
	if !ok || kind == "" || name == "" {
		return fmt.Errorf("policy %q: want KIND=NAME, such as stacking=nearest (kinds: %s)", spec, strings.Join(kinds, ", "))
	}
	i := kindIndex(kind)
	if i < 0 {
		return fmt.Errorf("policy %q: unknown kind %q, want one of %s", spec, kind, strings.Join(kinds, ", "))
	}
	if strings.Contains(name, "://") {
		if err := checkURL(name); err != nil {
			return fmt.Errorf("policy %q: %w", spec, err)
		}
		s.names[i] = name
		return nil
	}
	if !slices.Contains(Available(kind), name) {
		return fmt.Errorf("policy %q: %s has no policy %q, want one of %s or an http(s) URL of an external policy",
			spec, kind, name, strings.Join(Available(kind), ", "))
	}
	s.names[i] = name
	return nil
}

func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("external policy URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("external policy URL %q: want http:// or https:// and a host", raw)
	}
	return nil
}

// Name returns the policy in force for kind: a built-in name or an external policy's URL.
func (s Set) Name(kind string) string {
	i := kindIndex(kind)
	if i < 0 {
		return ""
	}
	if s.names[i] != "" {
		return s.names[i]
	}
	return defaults[kind]
}

// Names returns every kind with the policy in force for it, defaults included.
func (s Set) Names() map[string]string {
	out := make(map[string]string, len(kinds))
	for _, k := range kinds {
		out[k] = s.Name(k)
	}
	return out
}

// String lists the policies in force as "kind=name" pairs in the order of Kinds.
func (s Set) String() string {
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = k + "=" + s.Name(k)
	}
	return strings.Join(parts, " ")
}

// IsExternal reports whether name is an external policy's URL rather than a built-in name.
func IsExternal(name string) bool { return strings.Contains(name, "://") }

// Policies are the policies of one run, built by Set.Build.
type Policies struct {
	Stacking     Stacking
	Relocation   Relocation
	QuaySequence QuaySequence
	YardSequence YardSequence
	Dispatch     Dispatch
}

// Build makes the policies of one run. rng returns the random stream of a kind (for policies that
// draw), timeout bounds each external decision (0 for DefaultTimeout).
func (s Set) Build(rng func(kind string) *rand.Rand, timeout time.Duration) (*Policies, error) {
	var p Policies
	for _, kind := range kinds {
		name := s.Name(kind)
		env := Env{Rand: rng(kind), Timeout: timeout}
		var v any
		if IsExternal(name) {
			if err := checkURL(name); err != nil {
				return nil, fmt.Errorf("policy %s: %w", kind, err)
			}
			v = newExternal(kind, name, env).asKind()
		} else {
			mu.RLock()
			f := registry[kind][name]
			mu.RUnlock()
			if f == nil {
				return nil, fmt.Errorf("policy %s: no policy %q, want one of %s", kind, name, strings.Join(Available(kind), ", "))
			}
			v = f(env)
		}
		var ok bool
		switch kind {
		case KindStacking:
			p.Stacking, ok = v.(Stacking)
		case KindRelocation:
			p.Relocation, ok = v.(Relocation)
		case KindQuaySequence:
			p.QuaySequence, ok = v.(QuaySequence)
		case KindYardSequence:
			p.YardSequence, ok = v.(YardSequence)
		case KindDispatch:
			p.Dispatch, ok = v.(Dispatch)
		}
		if !ok {
			return nil, fmt.Errorf("policy %s=%s: %T does not implement the %s interface", kind, name, v, kind)
		}
	}
	return &p, nil
}
