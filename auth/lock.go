package auth

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"latchkey/auth/filelock"
)

// accountLocks serializes work on one account (a refresh) across
// goroutines with a per-account semaphore, and across processes with a
// lock file per account (filelock.Lock; flock on Unix). Both waits honour the
// context.
type accountLocks struct {
	dir string // "" until first use: then the default under the cache dir

	mu   sync.Mutex
	sems map[string]chan struct{}
}

func newAccountLocks(dir string) *accountLocks {
	return &accountLocks{dir: dir, sems: map[string]chan struct{}{}}
}

// lock takes account id's lock and returns its release.
func (l *accountLocks) lock(ctx context.Context, id string) (func(), error) {
	l.mu.Lock()
	sem, ok := l.sems[id]
	if !ok {
		sem = make(chan struct{}, 1)
		l.sems[id] = sem
	}
	dir := l.dir
	l.mu.Unlock()

	select {
	case sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if dir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			<-sem
			return nil, fmt.Errorf("cannot find a folder for lock files (%v); set XDG_CACHE_HOME", err)
		}
		dir = filepath.Join(cache, "latchkey", "locks")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		<-sem
		return nil, fmt.Errorf("cannot create the lock folder %s: %v", dir, err)
	}
	unlockFile, err := filelock.Lock(ctx, filepath.Join(dir, id+".lock"))
	if err != nil {
		<-sem
		return nil, err
	}
	return func() {
		unlockFile()
		<-sem
	}, nil
}
