package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/yardtwin/yardtwin/adapters/bolt"
	"github.com/yardtwin/yardtwin/domain/contract"
	"github.com/yardtwin/yardtwin/projections"
	"github.com/yardtwin/yardtwin/projections/checkpoint"
	"github.com/yardtwin/yardtwin/projections/deadletters"
	"github.com/yardtwin/yardtwin/projections/kpi"
	"github.com/yardtwin/yardtwin/projections/yardmap"
)

type replayFlags struct {
	Data        string
	Layout      string
	DryRun      bool
	Summary     bool
	Projections []string // names without version suffix; empty means all
}

// readModels are the projections serve runs, by name, built for a terminal.
func readModels(t terminal) []projections.Snapshotter {
	return []projections.Snapshotter{yardmap.New(t.Layout), kpi.New(t.Layout), deadletters.New()}
}

// pick returns the models whose name (with or without its version suffix) is in names, or all.
func pick(models []projections.Snapshotter, names []string) ([]projections.Snapshotter, error) {
	if len(names) == 0 {
		return models, nil
	}
	var out []projections.Snapshotter
	var known []string
	for _, n := range names {
		found := false
		for _, m := range models {
			base, _, _ := strings.Cut(m.Name(), ".v")
			if n == m.Name() || n == base {
				out, found = append(out, m), true
			}
		}
		if !found {
			for _, m := range models {
				base, _, _ := strings.Cut(m.Name(), ".v")
				known = append(known, base)
			}
			return nil, fmt.Errorf("--projection: %q is not one of %s", n, strings.Join(known, ", "))
		}
	}
	return out, nil
}

func newReplay() *cobra.Command {
	var f replayFlags
	cmd := &cobra.Command{
		Use:   "replay",
		Short: "Rebuild the projections from the first stored event and save their checkpoints",
		Long: `Fold the whole event log under --data into fresh projections, showing progress, and save them as
the checkpoints "serve" starts from. Stop "serve" first: the store is opened exclusively.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return replay(cmd.Context(), f, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	fs := cmd.Flags()
	envString(fs, &f.Data, "data", "YARDTWIN_DATA", bolt.DefaultDir, "directory of the event store")
	envString(fs, &f.Layout, "layout", "YARDTWIN_LAYOUT", "", "terminal layout GeoJSON file (default: the embedded Tanger Med-like terminal)")
	fs.BoolVar(&f.DryRun, "dry-run", false, "rebuild and report, but do not save checkpoints")
	fs.BoolVar(&f.Summary, "json", false, "print the rebuilt yard summary as JSON on standard output (with yardmap)")
	fs.StringSliceVar(&f.Projections, "projection", nil, "rebuild only these projections (yardmap, kpi, deadletters); repeatable; default all")
	return cmd
}

func replay(ctx context.Context, f replayFlags, stdout, stderr io.Writer) error {
	if ctx == nil {
		ctx = context.Background()
	}
	t, err := loadTerminal(f.Layout)
	if err != nil {
		return err
	}
	models, err := pick(readModels(t), f.Projections)
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(f.Data, bolt.FileName)); errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("no event store at %s", filepath.Join(f.Data, bolt.FileName))
	}
	store, err := bolt.Open(f.Data, bolt.WithLockTimeout(2*time.Second))
	if err != nil {
		return err
	}
	defer store.Close()
	head, err := store.Head(ctx)
	if err != nil {
		return err
	}
	var names []string
	ps := make([]projections.Projection, len(models))
	for i, m := range models {
		ps[i] = m
		names = append(names, m.Name())
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	runner := projections.NewRunner(store, contract.NewRegistry(), nil, projections.RunnerConfig{}, log, ps...)
	bar := progressbar.NewOptions64(int64(head),
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionSetDescription("replay "+strings.Join(names, ", ")),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("events"),
		progressbar.OptionThrottle(100*time.Millisecond),
	)
	start := time.Now()
	err = runner.CatchUp(ctx, func(pos, _ uint64) { _ = bar.Set64(int64(pos)) })
	_ = bar.Finish()
	fmt.Fprintln(stderr)
	if err != nil {
		return err
	}
	took := time.Since(start)
	fmt.Fprintf(stderr, "folded %d events into %s in %v (%.0f events/s)\n",
		head, strings.Join(names, ", "), took.Round(time.Millisecond), float64(head)/max(took.Seconds(), 1e-9))
	var yardModel *yardmap.Model
	for _, m := range models {
		if y, ok := m.(*yardmap.Model); ok {
			yardModel = y
			sum := y.Summary()
			fmt.Fprintf(stderr, "yard: %d containers, %d in the yard (%.1f%% full), %d anomalies\n", sum.Containers, sum.InYard, 100*sum.Fill, total(sum.Anomalies))
		}
	}
	if !f.DryRun {
		if err := saveCheckpoints(f.Data, models); err != nil {
			return err
		}
	}
	if f.Summary {
		if yardModel == nil {
			return errors.New("--json prints the yard: rebuild yardmap too")
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(yardModel.Summary())
	}
	return nil
}

// saveCheckpoints saves each model as the checkpoint serve starts from.
func saveCheckpoints(dataDir string, models []projections.Snapshotter) error {
	cps, err := checkpoint.Open(filepath.Join(dataDir, "projections"))
	if err != nil {
		return err
	}
	for _, m := range models {
		pos, state, err := m.Snapshot()
		if err != nil {
			return err
		}
		if err := cps.Save(m.Name(), pos, state); err != nil {
			return err
		}
	}
	return nil
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
