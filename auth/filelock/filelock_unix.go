//go:build unix

package filelock

import (
	"context"
	"fmt"
	"os"
	"syscall"
)

// Lock takes an exclusive flock(2) on path, waiting until it is free or
// ctx ends. The lock goes with the process: a crash releases it.
func Lock(ctx context.Context, path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("cannot open the lock file %s (%s)", path, Reason(err))
	}
	done := make(chan error, 1)
	go func() { done <- syscall.Flock(int(f.Fd()), syscall.LOCK_EX) }()
	release := func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		_ = f.Close()
	}
	select {
	case err := <-done:
		if err != nil {
			_ = f.Close()
			return nil, fmt.Errorf("cannot lock %s (%s)", path, Reason(err))
		}
		return release, nil
	case <-ctx.Done():
		// The flock call cannot be interrupted: release the lock if it
		// is granted later.
		go func() {
			if <-done == nil {
				release()
				return
			}
			_ = f.Close()
		}()
		return nil, ctx.Err()
	}
}
