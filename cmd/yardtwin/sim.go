package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/yardtwin/yardtwin/simulator/relocation"
)

// newSim returns the "sim" command; its subcommands run the simulator's models offline.
func newSim() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sim",
		Short: "Run simulator models offline",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newSimRelocation(), newSimRun(), newSimCompare(), newSimFork())
	return cmd
}

type relocationFlags struct {
	Instances  string
	Policy     string
	MaxHeight  int // 0: T+2 per instance
	Restricted bool
	JSON       bool
	Nodes      int // search budget of --policy exact
}

func newSimRelocation() *cobra.Command {
	var f relocationFlags
	cmd := &cobra.Command{
		Use:   "relocation",
		Short: "Run a relocation policy on block relocation benchmark instances",
		Long: `Run a relocation policy (lowest, minmax, or exact: optimal within a node budget) on every .dat file
under --instances (the Caserta–Schwarze–Voß format), printing the relocations per instance and the mean
per class (T-S, from file names dataT-S-i.dat, else the directory). With --json, one JSON object per
instance on standard output. The maximum stack height defaults to T+2 per instance.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return simRelocation(f, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&f.Instances, "instances", "", "directory of instance files (.dat), searched recursively")
	fs.StringVar(&f.Policy, "policy", "minmax", "relocation policy: exact, "+strings.Join(relocation.PolicyNames(), ", "))
	fs.IntVar(&f.MaxHeight, "max-height", 0, "maximum stack height (default: T+2 per instance)")
	fs.BoolVar(&f.Restricted, "restricted", false, "only boxes above the next to leave may move (heuristics always obey it)")
	fs.BoolVar(&f.JSON, "json", false, "print one JSON object per instance")
	fs.IntVar(&f.Nodes, "nodes", relocation.DefaultNodes, "search budget of --policy exact, in nodes per instance")
	return cmd
}

// relocationResult is one instance's line of --json output.
type relocationResult struct {
	Instance    string  `json:"instance"`
	Class       string  `json:"class"`
	Relocations *int    `json:"relocations"` // null when the instance was not solved
	Policy      string  `json:"policy"`
	MaxHeight   int     `json:"max_height"`
	Restricted  bool    `json:"restricted"`
	MS          float64 `json:"ms"`
	Error       string  `json:"error,omitempty"`
}

var instanceName = regexp.MustCompile(`^data(\d+)-(\d+)-\d+\.dat$`)

func simRelocation(f relocationFlags, stdout, stderr io.Writer) error {
	var policy relocation.Policy
	if f.Policy != "exact" {
		p, ok := relocation.Policies[f.Policy]
		if !ok {
			return fmt.Errorf("--policy: %q is not one of exact, %s", f.Policy, strings.Join(relocation.PolicyNames(), ", "))
		}
		policy = p
	}
	if f.Instances == "" {
		return errors.New("--instances: a directory of .dat files is required")
	}
	if f.MaxHeight < 0 {
		return fmt.Errorf("--max-height: %d is negative", f.MaxHeight)
	}
	if f.Nodes <= 0 {
		return fmt.Errorf("--nodes: %d is not positive", f.Nodes)
	}
	var files []string
	err := filepath.WalkDir(f.Instances, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), ".dat") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("--instances: %w", err)
	}
	if len(files) == 0 {
		return fmt.Errorf("--instances: no .dat files under %s", f.Instances)
	}
	slices.SortFunc(files, compareInstances)

	type classSum struct {
		n, solved, relocs int
		took              time.Duration
	}
	sums := map[string]*classSum{}
	var classes []string
	bar := progressbar.NewOptions(len(files),
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionSetDescription("relocation "+f.Policy),
		progressbar.OptionShowCount(),
		progressbar.OptionThrottle(100*time.Millisecond),
	)
	enc := json.NewEncoder(stdout)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	if !f.JSON {
		fmt.Fprintln(tw, "instance\tclass\trelocations\tms")
	}
	for _, path := range files {
		r, took, err := runInstance(path, f, policy)
		if err != nil {
			_ = bar.Exit()
			return err
		}
		s := sums[r.Class]
		if s == nil {
			s = &classSum{}
			sums[r.Class] = s
			classes = append(classes, r.Class)
		}
		s.n++
		s.took += took
		if r.Relocations != nil {
			s.solved++
			s.relocs += *r.Relocations
		}
		if f.JSON {
			if err := enc.Encode(r); err != nil {
				return err
			}
		} else {
			var rel string
			if r.Relocations != nil {
				rel = strconv.Itoa(*r.Relocations)
			} else {
				rel = "unsolved: " + r.Error
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%.2f\n", r.Instance, r.Class, rel, r.MS)
		}
		_ = bar.Add(1)
	}
	_ = bar.Finish()
	fmt.Fprintln(stderr)
	// The per-class summary goes to standard output as a table, or to standard error with --json
	// so that standard output stays one JSON object per line.
	out := io.Writer(tw)
	if f.JSON {
		tw = tabwriter.NewWriter(stderr, 0, 4, 2, ' ', 0)
		out = tw
	} else {
		fmt.Fprintln(out)
	}
	fmt.Fprintln(out, "class\tinstances\tsolved\tmean relocations\ttime")
	for _, c := range classes {
		s := sums[c]
		mean := "-"
		if s.solved > 0 {
			mean = fmt.Sprintf("%.2f", float64(s.relocs)/float64(s.solved))
		}
		fmt.Fprintf(out, "%s\t%d\t%d\t%s\t%v\n", c, s.n, s.solved, mean, s.took.Round(time.Millisecond))
	}
	return tw.Flush()
}

// runInstance solves one file. A malformed file is an error; an instance exact cannot solve within
// the budget, or a heuristic that runs out of room, is a result with an error message.
func runInstance(path string, f relocationFlags, policy relocation.Policy) (relocationResult, time.Duration, error) {
	name := filepath.Base(path)
	class := filepath.Base(filepath.Dir(path))
	if m := instanceName.FindStringSubmatch(name); m != nil {
		class = m[1] + "-" + m[2]
	}
	file, err := os.Open(path)
	if err != nil {
		return relocationResult{}, 0, err
	}
	bay, err := relocation.ParseInstance(file)
	file.Close()
	if err != nil {
		return relocationResult{}, 0, fmt.Errorf("%s: %w", path, err)
	}
	h := f.MaxHeight
	if h == 0 {
		h = bay.Tiers() + 2
	}
	o := relocation.Options{MaxHeight: h, Restricted: f.Restricted, Nodes: f.Nodes}
	r := relocationResult{Instance: name, Class: class, Policy: f.Policy, MaxHeight: h, Restricted: f.Restricted}
	start := time.Now()
	var n int
	if policy == nil {
		n, err = relocation.Exact(bay, o)
	} else {
		n, _, err = relocation.Solve(bay, policy, o)
	}
	took := time.Since(start)
	r.MS = float64(took.Microseconds()) / 1000
	if err != nil {
		r.Error = err.Error()
	} else {
		r.Relocations = &n
	}
	return r, took, nil
}

// compareInstances orders paths by directory, then by the numbers in the file name (data3-3-2
// before data3-3-10).
func compareInstances(a, b string) int {
	if c := strings.Compare(filepath.Dir(a), filepath.Dir(b)); c != 0 {
		return c
	}
	na, nb := instanceName.FindStringSubmatch(filepath.Base(a)), instanceName.FindStringSubmatch(filepath.Base(b))
	if na == nil || nb == nil {
		return strings.Compare(a, b)
	}
	ia, _ := strconv.Atoi(strings.TrimSuffix(strings.Split(filepath.Base(a), "-")[2], ".dat"))
	ib, _ := strconv.Atoi(strings.TrimSuffix(strings.Split(filepath.Base(b), "-")[2], ".dat"))
	return ia - ib
}
