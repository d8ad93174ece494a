package auth

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"latchkey/auth/filelock"
)

// accountLocks serializes work on one account (a refresh; every write)
// across goroutines with a per-account semaphore, and across processes with a
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

// lock takes account id's refresh lock and returns its release: held
// across a whole refresh (the token request included), so that one expiry
// costs one refresh request however many callers meet it.
func (l *accountLocks) lock(ctx context.Context, id string) (func(), error) {
	return l.take(ctx, id, id+".lock")
}

// write takes account id's write lock and returns its release: every write
// and delete of the account's record happens under it (Service.write,
// Service.commit, Logout), in this process and across processes. It is
// held only for a keychain write or a revocation, never across a token
// request, so a sign-out or sign-in completes while a refresh waits on the
// provider; the refresh then finds, under this lock, that the record is
// gone or newer and leaves it be. A refresh takes it inside its refresh
// lock, never the other way round.
func (l *accountLocks) write(ctx context.Context, id string) (func(), error) {
	return l.take(ctx, "write\x00"+id, id+".write.lock")
}

// take takes the semaphore key and the lock file name in the lock folder.
func (l *accountLocks) take(ctx context.Context, key, name string) (func(), error) {
	l.mu.Lock()
	sem, ok := l.sems[key]
	if !ok {
		sem = make(chan struct{}, 1)
		l.sems[key] = sem
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
			return nil, errors.New("cannot find a folder for lock files: neither XDG_CACHE_HOME nor HOME is set; set one of them")
		}
		dir = filepath.Join(cache, "latchkey", "locks")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		<-sem
		return nil, fmt.Errorf("cannot create the lock folder %s (%s); check that you may write there", dir, filelock.Reason(err))
	}
	unlockFile, err := filelock.Lock(ctx, filepath.Join(dir, name))
	if err != nil {
		<-sem
		return nil, err
	}
	return func() {
		unlockFile()
		<-sem
	}, nil
}
