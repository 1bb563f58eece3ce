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
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/yardtwin/yardtwin/adapters/bolt"
	"github.com/yardtwin/yardtwin/domain/contract"
	"github.com/yardtwin/yardtwin/projections"
	"github.com/yardtwin/yardtwin/projections/checkpoint"
	"github.com/yardtwin/yardtwin/projections/yardmap"
)

type replayFlags struct {
	Data    string
	Layout  string
	DryRun  bool
	Summary bool
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
	fs.BoolVar(&f.Summary, "json", false, "print the rebuilt yard summary as JSON on standard output")
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
	model := yardmap.New(t.Layout)
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	runner := projections.NewRunner(store, contract.NewRegistry(), nil, projections.RunnerConfig{}, log, model)
	bar := progressbar.NewOptions64(int64(head),
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionSetDescription("replay "+yardmap.Name),
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
	sum := model.Summary()
	fmt.Fprintf(stderr, "folded %d events in %v (%.0f events/s): %d containers, %d in the yard (%.1f%% full), %d anomalies\n",
		head, took.Round(time.Millisecond), float64(head)/max(took.Seconds(), 1e-9), sum.Containers, sum.InYard, 100*sum.Fill, total(sum.Anomalies))
	if !f.DryRun {
		cps, err := checkpoint.Open(filepath.Join(f.Data, "projections"))
		if err != nil {
			return err
		}
		pos, state, err := model.Snapshot()
		if err != nil {
			return err
		}
		if err := cps.Save(model.Name(), pos, state); err != nil {
			return err
		}
	}
	if f.Summary {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(sum)
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
