package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"syscall"

	"go.uber.org/fx"

	"github.com/yardtwin/yardtwin/adapters/bolt"
)

// runUntilStopped starts app, waits for a signal or a component's shutdown request and stops it.
// fx's own Run logs a failed start through the fx logger, which serve keeps quiet below debug, and
// exits: a newcomer saw "exit status 1" and nothing else. Here a failed start comes back as an error
// that says what failed and what to do (explainStart), which main prints.
func runUntilStopped(app *fx.App, f serveFlags) error {
	if err := app.Err(); err != nil {
		return explainStart(err, f)
	}
	startCtx, cancel := context.WithTimeout(context.Background(), app.StartTimeout())
	defer cancel()
	if err := app.Start(startCtx); err != nil {
		return explainStart(err, f)
	}
	sig := <-app.Wait()
	stopCtx, cancel := context.WithTimeout(context.Background(), app.StopTimeout())
	defer cancel()
	stopErr := app.Stop(stopCtx)
	if sig.ExitCode != 0 {
		return fmt.Errorf("serve stopped because a component failed (exit code %d); the log above says which", sig.ExitCode)
	}
	if stopErr != nil {
		return fmt.Errorf("serve: stop: %w", stopErr)
	}
	return nil
}

// explainStart turns a failed start into one line: what failed, and what to do about it.
func explainStart(err error, f serveFlags) error {
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return fmt.Errorf("--http %s: address already in use; is another yardtwin running? use --http to pick another port", f.HTTP)
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		return fmt.Errorf("--http %s: no such address on this machine; use --http :PORT to listen on every address", f.HTTP)
	case errors.Is(err, syscall.EACCES) && isListenError(err):
		return fmt.Errorf("--http %s: not allowed to listen there (ports below 1024 need privileges); use --http to pick a port above 1024", f.HTTP)
	case errors.Is(err, bolt.ErrLocked):
		return fmt.Errorf("--data %s: the event store is in use by another process (another yardtwin serve, replay or sim fork on the same directory); stop it, or give this one its own --data", f.Data)
	case errors.Is(err, bolt.ErrNotStore):
		return fmt.Errorf("--data %s: holds an events.db that is not a yardtwin event store (%v); point --data at an empty or yardtwin directory", f.Data, err)
	case errors.Is(err, fs.ErrPermission), errors.Is(err, syscall.EROFS):
		return fmt.Errorf("--data %s: cannot write there (%v); give a directory you can write with --data", f.Data, err)
	case errors.Is(err, syscall.ENOSPC):
		return fmt.Errorf("--data %s: the disk is full (%v); free some space or move --data", f.Data, err)
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("serve did not start in time: %w; run with --log-level debug to see which part was still starting", err)
	}
	return fmt.Errorf("serve could not start: %w", err)
}

// isListenError says whether err came from opening a network listener (not from a file).
func isListenError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op)
}
