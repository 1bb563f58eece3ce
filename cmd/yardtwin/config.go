package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/spf13/pflag"
)

// Settings come from flags, environment variables and an optional YAML config file, in that order of
// precedence, over the defaults. This file is the only place that reads the environment.
//
// "serve" declares its settings through a settings set (below), which also lists them for the README
// table, checks the config file's keys and redacts secrets in the start-up log. The smaller commands
// use envString and friends: a flag whose default comes from the environment.

// source is where a setting's value came from.
type source string

const (
	fromDefault source = "default"
	fromFile    source = "file"
	fromEnv     source = "env"
	fromFlag    source = "flag"
)

// setting is one setting of a command: the flag, the environment variable and the config-file key
// (the flag's name), whether it is a secret, and where its value came from.
type setting struct {
	Flag   string
	Env    string
	Secret bool
	// File says whether the setting can be in the config file (--config itself cannot).
	File   bool
	source source
}

// settings registers a command's settings on its flag set and resolves them.
type settings struct {
	fs      *pflag.FlagSet
	list    []*setting
	envErrs []error
}

func newSettings(fs *pflag.FlagSet) *settings { return &settings{fs: fs} }

// add registers an already defined flag with its variable: an environment value becomes the flag's
// default (so that --help shows it), a malformed one an error naming the variable.
func (s *settings) add(name, env string, secret, file bool) {
	st := &setting{Flag: name, Env: env, Secret: secret, File: file, source: fromDefault}
	s.list = append(s.list, st)
	fl := s.fs.Lookup(name)
	fl.Usage += " ($" + env + ")"
	v, ok := os.LookupEnv(env)
	if !ok {
		return
	}
	var err error
	if sv, isList := fl.Value.(pflag.SliceValue); isList {
		err = sv.Replace(splitList(v)) // so that a flag given too replaces the list, not extends it
	} else {
		err = fl.Value.Set(v)
	}
	if err != nil {
		s.envErrs = append(s.envErrs, fmt.Errorf("$%s: %s", env, badValue(fl, v, secret)))
		return
	}
	if !secret {
		fl.DefValue = fl.Value.String()
	}
	st.source = fromEnv
}

// String registers a string setting.
func (s *settings) String(p *string, name, env, def, usage string) {
	s.fs.StringVar(p, name, def, usage)
	s.add(name, env, false, true)
}

// Secret registers a string setting that is never printed.
func (s *settings) Secret(p *string, name, env, usage string) {
	s.fs.StringVar(p, name, "", usage)
	s.add(name, env, true, true)
}

// Tokens registers a comma-separated list of secrets.
func (s *settings) Tokens(p *[]string, name, env, usage string) {
	s.fs.StringSliceVar(p, name, nil, usage)
	s.add(name, env, true, true)
}

// Int registers a whole-number setting.
func (s *settings) Int(p *int, name, env string, def int, usage string) {
	s.fs.IntVar(p, name, def, usage)
	s.add(name, env, false, true)
}

// Float registers a number setting.
func (s *settings) Float(p *float64, name, env string, def float64, usage string) {
	s.fs.Float64Var(p, name, def, usage)
	s.add(name, env, false, true)
}

// Duration registers a duration setting such as "30s".
func (s *settings) Duration(p *time.Duration, name, env string, def time.Duration, usage string) {
	s.fs.DurationVar(p, name, def, usage)
	s.add(name, env, false, true)
}

// Bool registers a true/false setting.
func (s *settings) Bool(p *bool, name, env string, def bool, usage string) {
	s.fs.BoolVar(p, name, def, usage)
	s.add(name, env, false, true)
}

// Size registers a size in bytes such as "16MiB".
func (s *settings) Size(p *int64, name, env string, def int64, usage string) {
	*p = def
	s.fs.Var((*byteSize)(p), name, usage)
	s.add(name, env, false, true)
}

// ConfigFile registers --config, the one setting that cannot be in the file.
func (s *settings) ConfigFile(p *string, name, env, usage string) {
	s.fs.StringVar(p, name, "", usage)
	s.add(name, env, false, false)
}

// Resolve applies the config file (if path is not empty) under the flags and the environment, and
// reports every malformed environment value and file entry at once.
func (s *settings) Resolve(path string) error {
	errs := slices.Clone(s.envErrs)
	for _, st := range s.list {
		if s.fs.Changed(st.Flag) {
			st.source = fromFlag
		}
	}
	if path != "" {
		errs = append(errs, s.applyFile(path)...)
	}
	return errors.Join(errs...)
}

// applyFile sets, from the YAML file at path, each setting given neither as a flag nor in the
// environment. Keys are the flags' names; a list may stand for a comma-separated value.
func (s *settings) applyFile(path string) []error {
	data, err := os.ReadFile(path)
	if err != nil {
		return []error{fmt.Errorf("--config: %w", err)}
	}
	var values map[string]any
	if err := yaml.UnmarshalWithOptions(data, &values, yaml.Strict()); err != nil {
		return []error{fmt.Errorf("config file %s: %s", path, yaml.FormatError(err, false, true))}
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var errs []error
	for _, key := range keys {
		st := s.lookup(key)
		if st == nil || !st.File {
			errs = append(errs, fmt.Errorf("config file %s: unknown key %q%s", path, key, s.suggest(key)))
			continue
		}
		if st.source == fromFlag || st.source == fromEnv {
			continue // a flag or a variable wins over the file
		}
		text, err := scalar(values[key])
		if err != nil {
			errs = append(errs, fmt.Errorf("config file %s: %s: %w", path, key, err))
			continue
		}
		fl := s.fs.Lookup(st.Flag)
		if sv, ok := fl.Value.(pflag.SliceValue); ok {
			err = sv.Replace(splitList(text))
		} else {
			err = fl.Value.Set(text)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("config file %s: %s: %s", path, key, badValue(fl, text, st.Secret)))
			continue
		}
		st.source = fromFile
	}
	return errs
}

func (s *settings) lookup(flag string) *setting {
	for _, st := range s.list {
		if st.Flag == flag {
			return st
		}
	}
	return nil
}

// suggest names the closest known key to a misspelt one.
func (s *settings) suggest(key string) string {
	best, dist := "", 4
	for _, st := range s.list {
		if d := editDistance(key, st.Flag); st.File && d < dist {
			best, dist = st.Flag, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// scalar renders a YAML value as a flag would receive it: a list joins with commas.
func scalar(v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	case bool, int, int64, uint64, float64:
		return fmt.Sprint(v), nil
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			p, err := scalar(e)
			if err != nil {
				return "", err
			}
			if _, ok := e.([]any); ok || strings.Contains(p, ",") {
				return "", fmt.Errorf("list item %d must be a plain value without commas", i+1)
			}
			parts[i] = p
		}
		return strings.Join(parts, ","), nil
	}
	return "", fmt.Errorf("a %T is not a value: give a string, a number, true/false or a list", v)
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// badValue says why v is not a value of flag fl, without showing a secret.
func badValue(fl *pflag.Flag, v string, secret bool) string {
	shown := strconv.Quote(v)
	if secret {
		shown = "the value"
	}
	want := map[string]string{
		"int": "a whole number", "float64": "a number", "duration": "a duration such as 30s or 1m30s",
		"bool": "true or false", "size": "a size such as 16MiB, 512KiB or 1048576",
	}[fl.Value.Type()]
	if want == "" {
		return shown + " is not valid"
	}
	return shown + " is not " + want
}

// Dump is every setting with its value and where it came from, secrets redacted, for the start-up
// log.
func (s *settings) Dump() []any {
	attrs := make([]any, 0, len(s.list))
	for _, st := range s.list {
		fl := s.fs.Lookup(st.Flag)
		val := fl.Value.String()
		if st.Secret {
			val = redacted(fl.Value)
		}
		attrs = append(attrs, slog.Group(st.Flag, "value", val, "from", string(st.source)))
	}
	return attrs
}

// redacted describes a secret without showing it: set or not, and how many for a list.
func redacted(v pflag.Value) string {
	if sv, ok := v.(pflag.SliceValue); ok {
		if n := len(sv.GetSlice()); n > 0 {
			return fmt.Sprintf("[%d redacted]", n)
		}
		return ""
	}
	if v.String() == "" {
		return ""
	}
	return "[redacted]"
}

// byteSize is a size in bytes, written with an optional binary or decimal unit.
type byteSize int64

func (b *byteSize) String() string {
	n := int64(*b)
	for _, u := range []struct {
		name string
		size int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n >= u.size && n%u.size == 0 {
			return strconv.FormatInt(n/u.size, 10) + u.name
		}
	}
	return strconv.FormatInt(n, 10)
}

func (b *byteSize) Type() string { return "size" }

func (b *byteSize) Set(s string) error {
	n, err := parseSize(s)
	if err != nil {
		return err
	}
	*b = byteSize(n)
	return nil
}

func parseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	i := strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	num, unit := s, ""
	if i >= 0 {
		num, unit = s[:i], strings.TrimSpace(s[i:])
	}
	mult, ok := map[string]float64{
		"": 1, "B": 1,
		"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30,
		"kB": 1e3, "KB": 1e3, "MB": 1e6, "GB": 1e9,
	}[unit]
	f, err := strconv.ParseFloat(num, 64)
	if !ok || err != nil || f <= 0 || f*mult > 1<<40 {
		return 0, fmt.Errorf("%q is not a size such as 16MiB", s)
	}
	return int64(f * mult), nil
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// envString registers a string flag whose default comes from env when set.
func envString(fs *pflag.FlagSet, p *string, name, env, def, usage string) {
	if v, ok := os.LookupEnv(env); ok {
		def = v
	}
	fs.StringVar(p, name, def, usage+" ($"+env+")")
}

// envFloat registers a float flag whose default comes from env when set; a malformed env value is
// reported when the command runs.
func envFloat(fs *pflag.FlagSet, p *float64, name, env string, def float64, usage string, bad *[]error) {
	if v, ok := os.LookupEnv(env); ok {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			*bad = append(*bad, fmt.Errorf("$%s: %q is not a number", env, v))
		} else {
			def = f
		}
	}
	fs.Float64Var(p, name, def, usage+" ($"+env+")")
}

// envInt is envFloat for integers.
func envInt(fs *pflag.FlagSet, p *int, name, env string, def int, usage string, bad *[]error) {
	if v, ok := os.LookupEnv(env); ok {
		n, err := strconv.Atoi(v)
		if err != nil {
			*bad = append(*bad, fmt.Errorf("$%s: %q is not a whole number", env, v))
		} else {
			def = n
		}
	}
	fs.IntVar(p, name, def, usage+" ($"+env+")")
}
