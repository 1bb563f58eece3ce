package main

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/spf13/pflag"
)

// Settings are read from flags, each with an environment variable that sets its default. This file
// is the only place that reads the environment.

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

// envDuration is envFloat for durations such as "30s".
func envDuration(fs *pflag.FlagSet, p *time.Duration, name, env string, def time.Duration, usage string, bad *[]error) {
	if v, ok := os.LookupEnv(env); ok {
		d, err := time.ParseDuration(v)
		if err != nil {
			*bad = append(*bad, fmt.Errorf("$%s: %q is not a duration such as 30s", env, v))
		} else {
			def = d
		}
	}
	fs.DurationVar(p, name, def, usage+" ($"+env+")")
}
