package auth

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"io/fs"
	"os"
	"time"

	"latchkey/auth/provider"
)

// WatchEvery is how often a window looks for changes (Watch): a change
// made elsewhere shows within about a second.
const WatchEvery = time.Second

// Change says what changed since Watch last reported.
type Change struct {
	// Config: Config() is another configuration now, because
	// providers.toml changed and Watch read it again (Reload), or
	// SetConfig was called.
	Config bool
	// Accounts: an account was written or deleted (a sign-in, refresh,
	// refusal or sign-out), by this process or another one that shares
	// the lock folder (Options.LockDir); read the statuses again.
	Accounts bool
}

// Watch looks every interval (WatchEvery for a window) for changes made
// while it runs, by this process or another (a script's `latchkey logout`,
// an editor saving providers.toml), and calls onChange with each one,
// from its own goroutine, until ctx ends. It blocks until then: call it in
// a goroutine. The state when it starts is its baseline.
//
// A config change is found by a stat of providers.toml (size, time,
// identity: an atomic save is a new file); only when that changes is the
// file read and hashed, and only when the hash changes is it parsed again
// (Reload) and reported when it says something new. An account change is
// found by a stat of the change signal in the lock folder, which every
// account write and delete replaces (accountLocks.changed); only when that
// changes are its few bytes read and compared. So, while nothing changes,
// a tick costs two stats and no keychain read, no parse, no allocation of
// note.
//
// Polling, not file notifications (inotify, FSEvents, fsnotify): it works
// the same on every system and file system (a network home folder, a
// config behind a symlink that an editor replaces), needs no new
// dependency nor a watch on each folder that may appear, and costs two
// stats a second, which no one can measure; a notification would show a
// change a second sooner, which no one can see either.
func (s *Service) Watch(ctx context.Context, every time.Duration, onChange func(Change)) {
	if every <= 0 {
		every = WatchEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	s.watch(ctx, t.C, onChange)
}

// watch is Watch with the ticks given (tests send them by hand).
func (s *Service) watch(ctx context.Context, ticks <-chan time.Time, onChange func(Change)) {
	w := &watcher{s: s, cfg: s.Config(), genPath: s.locks.genPath()}
	w.gen, w.genInfo = readSignal(w.genPath)
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticks:
		}
		if c := w.poll(); c.Config || c.Accounts {
			if ctx.Err() != nil {
				return
			}
			onChange(c)
		}
	}
}

// watcher is what one Watch has seen.
type watcher struct {
	s   *Service
	cfg *provider.Config // the config last reported (or the first)

	looked   bool      // the file has been looked at once
	file     fileStamp // providers.toml's stat then
	fileHash [sha256.Size]byte
	fileRead bool // it could be read then (fileHash is its hash)

	genPath string      // the change signal; "" when there is no lock folder
	genInfo fs.FileInfo // its stat when last read; nil: missing
	gen     []byte      // its content then
}

// poll looks once.
func (w *watcher) poll() Change {
	var c Change
	w.pollConfig()
	if cur := w.s.Config(); cur != w.cfg {
		w.cfg, c.Config = cur, true
	}
	c.Accounts = w.pollAccounts()
	return c
}

// pollConfig reads the config file again when it changed (stat, then
// hash), so that Config() follows it.
func (w *watcher) pollConfig() {
	path := w.s.Config().Path
	if path == "" {
		return
	}
	stamp := stampOf(path)
	if w.looked && stamp.same(w.file) {
		return
	}
	sum, ok := hashFile(path)
	same := w.looked && ok == w.fileRead && sum == w.fileHash // touched, or saved unchanged
	w.looked, w.file, w.fileHash, w.fileRead = true, stamp, sum, ok
	if !same {
		_, _ = w.s.Reload() // it fails only for a config with no file
	}
}

// pollAccounts reports whether the change signal changed.
func (w *watcher) pollAccounts() bool {
	if w.genPath == "" {
		return false
	}
	info, err := os.Stat(w.genPath)
	if err != nil {
		info = nil
	}
	if sameFileInfo(info, w.genInfo) {
		return false
	}
	gen, info := readSignal(w.genPath)
	w.genInfo = info
	if bytes.Equal(gen, w.gen) {
		return false
	}
	w.gen = gen
	return true
}

// readSignal reads the change signal at path: its content (a line) and
// its stat, or nil ones when it is missing or unreadable.
func readSignal(path string) ([]byte, fs.FileInfo) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, nil
	}
	b, _ := io.ReadAll(io.LimitReader(f, 256))
	return b, info
}

// fileStamp is what a stat says of a file, to see that it changed without
// reading it.
type fileStamp struct {
	info    fs.FileInfo // nil when it cannot be stat'ed
	missing bool
}

func stampOf(path string) fileStamp {
	info, err := os.Stat(path)
	if err != nil {
		return fileStamp{missing: errors.Is(err, fs.ErrNotExist)}
	}
	return fileStamp{info: info}
}

func (a fileStamp) same(b fileStamp) bool {
	return a.missing == b.missing && sameFileInfo(a.info, b.info)
}

// sameFileInfo reports whether a and b are stats of one unchanged file:
// the same file (os.SameFile: an atomic save by rename is another one),
// size and modification time. Two nils are the same.
func sameFileInfo(a, b fs.FileInfo) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}

// hashFile hashes the file at path, read up to the config's size limit
// (a bigger one is a problem Reload reports). ok is false when it cannot
// be read (missing, unreadable): the hash of nothing.
func hashFile(path string) (sum [sha256.Size]byte, ok bool) {
	f, err := os.Open(path)
	if err != nil {
		return sum, false
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, io.LimitReader(f, provider.MaxFileBytes+1)); err != nil {
		return sum, false
	}
	copy(sum[:], h.Sum(nil))
	return sum, true
}
