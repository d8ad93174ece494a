package auth

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

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
	dir, err := l.folder(dir)
	if err != nil {
		<-sem
		return nil, err
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

// resolve is the lock folder: dir, or the default under the cache dir when
// dir is "".
func resolve(dir string) (string, error) {
	if dir != "" {
		return dir, nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", errors.New("cannot find a folder for lock files: neither XDG_CACHE_HOME nor HOME is set; set one of them")
	}
	return filepath.Join(cache, "latchkey", "locks"), nil
}

// folder resolves dir (resolve) and creates the folder when missing.
func (l *accountLocks) folder(dir string) (string, error) {
	dir, err := resolve(dir)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("cannot create the lock folder %s (%s); check that you may write there", dir, filelock.Reason(err))
	}
	return dir, nil
}

// genFile is the name, in the lock folder, of the accounts' change signal:
// every write or delete of an account record, by any process, replaces its
// content with a new, unique line (changed), so that a watcher (Watch)
// learns of it by reading a few bytes, without reading the keychain.
const genFile = "accounts.gen"

// genPath is the change signal's path, or "" when the lock folder cannot
// be found.
func (l *accountLocks) genPath() string {
	dir, err := resolve(l.dir)
	if err != nil {
		return ""
	}
	return filepath.Join(dir, genFile)
}

// changed signals that an account record was written or deleted: it
// replaces the change signal atomically (a temporary file renamed over it)
// with the time, this process's id and a random tag, a line no other
// change writes, and holds no secret. The caller holds the account's
// write lock, and calls it after the keychain write, so that a watcher who
// sees the new line reads the new record. A failure is ignored: the
// account is written all the same, and a watcher learns of it at its next
// change (or when the window is opened again).
func (l *accountLocks) changed() {
	dir, err := l.folder(l.dir)
	if err != nil {
		return
	}
	var tag [8]byte
	_, _ = rand.Read(tag[:])
	line := fmt.Sprintf("%d %d %s\n", time.Now().UnixNano(), os.Getpid(), hex.EncodeToString(tag[:]))
	tmp, err := os.CreateTemp(dir, genFile+".*.tmp")
	if err != nil {
		return
	}
	_, werr := tmp.WriteString(line)
	if cerr := tmp.Close(); werr != nil || cerr != nil {
		_ = os.Remove(tmp.Name())
		return
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, genFile)); err != nil {
		_ = os.Remove(tmp.Name())
	}
}
