package keychain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"latchkey/auth/filelock"
)

// Store keeps one opaque record (the caller's JSON) per account id in a Keyring, under one
// service name.
//
// Layout, all under the service (user names are the item keys):
//
//	acct/<id>                 manifest: {"v":1,"size":…,"sha256":…,"data":…} (record inline, base64)
//	                          or {"v":1,"generation":G,"chunks":N,"size":…,"sha256":…}
//	acct/<id>/<G>/<n>         chunk n (0..N-1) of the record's base64 text, ≤ 2000 bytes each
//	index                     manifest of the index record: a JSON array of account ids
//	index/<G>/<n>             chunks of the index, when it grows past one item
//
// Save writes the chunks under a fresh random generation, then the manifest (the commit
// point), then deletes the previous generation's chunks (best effort). A new account is added
// to the index before its manifest is written, and Delete removes the manifest first and the
// index entry last, so a process killed at any point leaves every account that Load can read
// in the index; List filters out index entries whose manifest is gone. Load checks the sha256
// and reports damage as kind Corrupt. A crash between chunks and manifest can leave
// unreferenced chunk items behind (go-keyring cannot list items to collect them); they hold
// only a piece of a record that was never committed.
//
// Concurrency: a Store is safe for concurrent use. Save and Delete are serialized by a mutex
// within the process. Load does not lock: when a chunk is missing or the digest fails it
// re-reads the manifest and retries if a concurrent Save replaced it. Across processes (the
// window and the CLI writing at once) the last manifest written for one account wins and each
// record stays whole; with IndexLock every change to the index also holds a lock file, so two
// processes adding different accounts at the same moment both stay listed. (Writes of one
// account are serialized across processes by auth's account lock.)
type Store struct {
	k         Keyring
	service   string
	itemLimit int        // bytes per keychain item; see ItemLimit
	indexLock string     // lock file held while the index changes; "" for none (IndexLock)
	mu        sync.Mutex // serializes Save and Delete
}

// Option tunes a Store.
type Option func(*Store)

// ItemLimit sets the most bytes Save puts in one keychain item; larger
// records are split into chunks behind a manifest. The default, 2000, is
// safe on every OS; main passes PlatformItemLimit(). Values below 2000 are
// raised to 2000 (Load bounds chunk counts by it).
func ItemLimit(n int) Option {
	return func(s *Store) { s.itemLimit = max(n, itemLimit) }
}

// IndexLock makes every change to the account index hold an exclusive lock
// across processes (filelock.Lock) on a file in dir, named for the service,
// so two processes adding different accounts at once never drop one from
// the index. dir "" means os.UserCacheDir()/latchkey/locks, the folder of
// auth's account locks. Without IndexLock, index changes are serialized
// within the process only.
func IndexLock(dir string) Option {
	return func(s *Store) {
		if dir == "" {
			cache, err := os.UserCacheDir()
			if err != nil {
				return // no cache folder: in-process serialization only
			}
			dir = filepath.Join(cache, "latchkey", "locks")
		}
		s.indexLock = dir
	}
}

// indexLockTimeout bounds the wait for another process's index change.
const indexLockTimeout = 10 * time.Second

// indexKey is the item holding the list of account ids.
const indexKey = "index"

// MaxIDLen bounds account ids in bytes. It is the one limit: providers.toml
// refuses a longer provider id at load (auth/provider).
const MaxIDLen = 128

// loadAttempts is how many times Load reads a record that a concurrent Save keeps replacing.
const loadAttempts = 3

// New returns a Store over k under service (DefaultServiceName, "latchkey", when empty).
// Callers normally pass System(0), ServiceName() and ItemLimit(PlatformItemLimit()).
func New(k Keyring, service string, opts ...Option) *Store {
	if service == "" {
		service = DefaultServiceName
	}
	s := &Store{k: k, service: service, itemLimit: itemLimit}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Service is the keychain service name the Store's items live under.
func (s *Store) Service() string { return s.service }

// accountKey is the manifest item of account id.
func accountKey(id string) string { return "acct/" + id }

// checkID returns an InvalidID *Error when id cannot be a key: empty, longer than 128 bytes,
// not UTF-8, or holding '/' or control characters.
func checkID(op, id string) error {
	why := ""
	switch {
	case id == "":
		why = "it is empty"
	case len(id) > MaxIDLen:
		why = "it is longer than 128 bytes"
	case !utf8.ValidString(id):
		why = "it is not valid UTF-8"
	default:
		for _, r := range id {
			if r == '/' || unicode.IsControl(r) {
				why = "it contains '/' or a control character"
				break
			}
		}
	}
	if why == "" {
		return nil
	}
	shown := id
	if !utf8.ValidString(shown) || len(shown) > MaxIDLen {
		shown = ""
	}
	return &Error{Kind: InvalidID, Op: op, ID: shown, Err: errors.New(why)}
}

// Load returns the record saved for id. It returns an *Error matching ErrNotFound when there
// is none, and kind Corrupt when what is stored fails its checks.
func (s *Store) Load(id string) ([]byte, error) {
	if err := checkID("load", id); err != nil {
		return nil, err
	}
	record, _, err := s.read(accountKey(id))
	if err != nil {
		return nil, wrap("load", id, err)
	}
	return record, nil
}

// Save stores record for id, replacing any previous one; a crash part-way leaves either the
// old or the new record readable, never a mix. Records over MaxRecordSize (64 KiB) are
// refused with kind TooBig.
func (s *Store) Save(id string, record []byte) error {
	if err := checkID("save", id); err != nil {
		return err
	}
	if len(record) > MaxRecordSize {
		return &Error{Kind: TooBig, Op: "save", ID: id,
			Err: fmt.Errorf("the record is %d bytes, over the %d-byte limit", len(record), MaxRecordSize)}
	}
	s.mu.Lock()
	defer s.mu.Unlock()

	key := accountKey(id)
	old, _, err := s.readManifest(key)
	var prev *manifest
	switch kind := classify(err); {
	case err == nil:
		prev = &old
	case kind == NotFound, kind == Corrupt:
		// Nothing to clean up afterwards (a damaged manifest's chunks cannot be trusted).
	default:
		return wrap("save", id, err)
	}
	if err := s.index(id, true); err != nil {
		return wrap("save", id, err)
	}
	if err := s.write(key, record, prev); err != nil {
		return wrap("save", id, err)
	}
	return nil
}

// Delete removes the record for id. Deleting an account that is not stored is not an error.
func (s *Store) Delete(id string) error {
	if err := checkID("delete", id); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()

	key := accountKey(id)
	m, _, err := s.readManifest(key)
	kind := classify(err)
	switch {
	case err == nil, kind == Corrupt:
		// The manifest goes first: from here on Load reports NotFound.
		if err := s.k.Delete(s.service, key); err != nil && classify(err) != NotFound {
			return wrap("delete", id, err)
		}
		if kind != Corrupt {
			s.deleteChunks(key, m)
		}
	case kind == NotFound:
	default:
		return wrap("delete", id, err)
	}
	if err := s.index(id, false); err != nil {
		return wrap("delete", id, err)
	}
	return nil
}

// List returns the ids of the stored accounts, sorted. Index entries whose manifest is gone
// (left by a crash) are left out.
func (s *Store) List() ([]string, error) {
	ids, _, err := s.readIndex()
	if err != nil {
		return nil, wrap("list", "", err)
	}
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if checkID("list", id) != nil {
			continue
		}
		_, err := s.k.Get(s.service, accountKey(id))
		switch {
		case err == nil:
			out = append(out, id)
		case classify(err) == NotFound:
		default:
			return nil, wrap("list", id, err)
		}
	}
	slices.Sort(out)
	return out, nil
}

// readManifest reads and parses the manifest at key, returning its raw text too.
func (s *Store) readManifest(key string) (manifest, string, error) {
	raw, err := s.k.Get(s.service, key)
	if err != nil {
		return manifest{}, "", err
	}
	m, err := parseManifest(raw)
	return m, raw, err
}

// read returns the record at key and its manifest. When the record fails its checks and the
// manifest has changed meanwhile (a concurrent Save), it reads again, up to loadAttempts times.
func (s *Store) read(key string) ([]byte, manifest, error) {
	for attempt := 1; ; attempt++ {
		m, raw, err := s.readManifest(key)
		if err != nil {
			return nil, m, err
		}
		record, err := assemble(m, func(n int) (string, error) {
			return s.k.Get(s.service, chunkKey(key, m.Generation, n))
		})
		if err == nil || classify(err) != Corrupt || attempt == loadAttempts {
			return record, m, err
		}
		now, gerr := s.k.Get(s.service, key)
		if gerr != nil {
			return nil, m, gerr // NotFound here: deleted meanwhile
		}
		if now == raw {
			return nil, m, err
		}
	}
}

// write stores record at key: chunks, then the manifest, then (best effort) the chunks of
// prev, the manifest it replaces.
func (s *Store) write(key string, record []byte, prev *manifest) error {
	m, text, chunks := plan(record, s.itemLimit)
	for n, c := range chunks {
		if err := s.k.Set(s.service, chunkKey(key, m.Generation, n), c); err != nil {
			return err
		}
	}
	if err := s.k.Set(s.service, key, text); err != nil {
		return err
	}
	if prev != nil && prev.Generation != m.Generation {
		s.deleteChunks(key, *prev)
	}
	return nil
}

// deleteChunks deletes the chunks of m, stopping at the first failure: leftovers are harmless.
func (s *Store) deleteChunks(key string, m manifest) {
	for n := range m.Chunks {
		if err := s.k.Delete(s.service, chunkKey(key, m.Generation, n)); err != nil && classify(err) != NotFound {
			return
		}
	}
}

// readIndex returns the ids in the index (none when it does not exist yet) and its manifest.
func (s *Store) readIndex() ([]string, *manifest, error) {
	data, m, err := s.read(indexKey)
	if classify(err) == NotFound {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	var ids []string
	if err := json.Unmarshal(data, &ids); err != nil {
		return nil, nil, corrupt("the account index is not a JSON list")
	}
	return ids, &m, nil
}

// index adds id to the index (add) or removes it, writing the index only when it changes.
// A damaged index is rebuilt from scratch on add, and left alone on remove.
func (s *Store) index(id string, add bool) error {
	if s.indexLock != "" {
		unlock, err := s.lockIndex()
		if err != nil {
			return err
		}
		defer unlock()
	}
	ids, m, err := s.readIndex()
	if classify(err) == Corrupt {
		if !add {
			return nil
		}
		ids, m, err = nil, nil, nil
	}
	if err != nil {
		return err
	}
	found := slices.Contains(ids, id)
	switch {
	case add && !found:
		ids = append(ids, id)
		slices.Sort(ids)
	case !add && found:
		ids = slices.DeleteFunc(ids, func(x string) bool { return x == id })
	default:
		return nil
	}
	data, err := json.Marshal(ids)
	if err != nil {
		return err
	}
	return s.write(indexKey, data, m)
}

// lockIndex takes the index's lock file (IndexLock) and returns its release.
func (s *Store) lockIndex() (func(), error) {
	if err := os.MkdirAll(s.indexLock, 0o700); err != nil {
		return nil, fmt.Errorf("cannot create the lock folder %s (%s); check that you may write there", s.indexLock, filelock.Reason(err))
	}
	ctx, cancel := context.WithTimeout(context.Background(), indexLockTimeout)
	defer cancel()
	unlock, err := filelock.Lock(ctx, filepath.Join(s.indexLock, "index-"+s.service+".lock"))
	if err != nil && ctx.Err() != nil {
		return nil, fmt.Errorf("another Latchkey process kept the account index locked for %v; try again", indexLockTimeout)
	}
	return unlock, err
}
