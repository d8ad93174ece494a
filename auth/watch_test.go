package auth

import (
	"context"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"latchkey/auth/keychain"
	"latchkey/auth/provider"
)

// countingStore counts the keychain reads that pass through it.
type countingStore struct {
	Store
	loads atomic.Int32
}

func (s *countingStore) Load(id string) ([]byte, error) {
	s.loads.Add(1)
	return s.Store.Load(id)
}

const watchOne = `[[provider]]
id = "one"
protocol = "oauth2"
client_id = "c1"
authorize_url = "https://one.example/authorize"
access_token_url = "https://one.example/token"
`

const watchTwo = watchOne + `
[[provider]]
id = "two"
protocol = "oauth2"
client_id = "c2"
authorize_url = "https://two.example/authorize"
access_token_url = "https://two.example/token"
`

// writeAtomically replaces path's content as provider.Add does: a new
// file renamed over the old one.
func writeAtomically(t *testing.T, path, text string) {
	t.Helper()
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// watching runs svc.watch with ticks sent by hand. tick sends one and
// returns once it has been looked at (the next receive proves it: the
// ticks channel is unbuffered); changes are read from the channel.
type watching struct {
	t       *testing.T
	ticks   chan time.Time
	changes chan Change
}

func startWatch(t *testing.T, svc *Service) *watching {
	w := &watching{t: t, ticks: make(chan time.Time), changes: make(chan Change, 16)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		svc.watch(ctx, w.ticks, func(c Change) { w.changes <- c })
	}()
	t.Cleanup(func() { cancel(); <-done })
	w.tick() // the first look takes the file in: no change
	w.none("the first look")
	return w
}

// tick has the watcher look once, and waits until it has.
func (w *watching) tick() {
	w.t.Helper()
	for range 2 { // the second send is taken only after the first look ended
		select {
		case w.ticks <- time.Now():
		case <-time.After(10 * time.Second):
			w.t.Fatal("the watcher stopped taking ticks")
		}
	}
}

// want has the watcher look, and checks that it reported c.
func (w *watching) want(c Change, after string) {
	w.t.Helper()
	w.tick()
	select {
	case got := <-w.changes:
		if got != c {
			w.t.Fatalf("after %s, Watch reported %+v, want %+v", after, got, c)
		}
	default: // onChange runs before the watcher takes the next tick
		w.t.Fatalf("after %s, Watch reported nothing, want %+v", after, c)
	}
	w.none(after)
}

// none checks that nothing (more) was reported.
func (w *watching) none(after string) {
	w.t.Helper()
	select {
	case got := <-w.changes:
		w.t.Fatalf("after %s, Watch reported %+v, want nothing", after, got)
	default:
	}
}

// TestWatch: Watch reports providers.toml changes (and not a save that
// changes nothing), SetConfig, and account writes and deletes made by
// another Service sharing the lock folder (another process: see
// ui's TestWindowFollowsAnotherProcess); while idle it reads no keychain
// record and does not parse the config.
func TestWatch(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "providers.toml")
	writeAtomically(t, path, watchOne)
	lockDir := filepath.Join(dir, "locks")
	store := &countingStore{Store: keychain.New(keychain.Memory(), "latchkey-test")}
	svc := New(Options{Config: provider.Load(path), Store: store, LockDir: lockDir})
	other := New(Options{Config: provider.Load(path), Store: store, LockDir: lockDir}) // "the script"
	w := startWatch(t, svc)

	first := svc.Config()
	for range 50 {
		w.tick()
	}
	w.none("50 idle ticks")
	if n := store.loads.Load(); n != 0 {
		t.Fatalf("%d keychain reads over 50 idle ticks, want 0", n)
	}
	if svc.Config() != first {
		t.Fatal("the config was replaced while nothing changed")
	}

	writeAtomically(t, path, watchTwo)
	w.want(Change{Config: true}, "an entry was added")
	if ps := svc.Config().Providers; len(ps) != 2 || ps[1].ID != "two" {
		t.Fatalf("after the change, Config() has %d providers, want one and two", len(ps))
	}

	writeAtomically(t, path, watchTwo) // saved again, unchanged
	now := time.Now().Add(time.Hour)
	if err := os.Chtimes(path, now, now); err != nil {
		t.Fatal(err)
	}
	w.tick()
	w.none("a save that changed nothing")

	writeAtomically(t, path, watchTwo+"\nnot toml\n")
	w.want(Change{Config: true}, "a syntax error")
	if len(svc.Config().Problems) == 0 {
		t.Fatal("the syntax error is not a problem of Config()")
	}

	a := &Account{ProviderID: "one", Protocol: provider.OAuth2, Token: TokenSet{AccessToken: "at", TokenType: "Bearer"}, ObtainedAt: time.Now()}
	if err := other.write(context.Background(), &other.Config().Providers[0], a); err != nil {
		t.Fatal(err)
	}
	w.want(Change{Accounts: true}, "another Service signed in")

	if _, err := other.Logout(context.Background(), "one"); err != nil {
		t.Fatal(err)
	}
	w.want(Change{Accounts: true}, "another Service signed out")

	svc.SetConfig(provider.Load(path))
	w.want(Change{Config: true}, "SetConfig")

	before := store.loads.Load()
	for range 20 {
		w.tick()
	}
	w.none("20 more idle ticks")
	if n := store.loads.Load() - before; n != 0 {
		t.Fatalf("%d keychain reads over 20 idle ticks, want 0", n)
	}
}

// TestReload: Reload puts the file's new content in use and says so; an
// unchanged file is no change; a config with no file cannot be reloaded.
func TestReload(t *testing.T) {
	path := filepath.Join(t.TempDir(), "providers.toml")
	writeAtomically(t, path, watchOne)
	svc := New(Options{Config: provider.Load(path), Store: keychain.New(keychain.Memory(), "latchkey-test"), LockDir: t.TempDir()})
	if changed, err := svc.Reload(); changed || err != nil {
		t.Fatalf("Reload of an unchanged file = %v, %v; want false, nil", changed, err)
	}
	writeAtomically(t, path, watchTwo)
	if changed, err := svc.Reload(); !changed || err != nil {
		t.Fatalf("Reload after an entry was added = %v, %v; want true, nil", changed, err)
	}
	if _, err := svc.Provider("two"); err != nil {
		t.Fatalf("Provider(two) after Reload: %v", err)
	}
	mem := New(Options{Config: &provider.Config{}, Store: keychain.New(keychain.Memory(), "latchkey-test"), LockDir: t.TempDir()})
	if _, err := mem.Reload(); err == nil {
		t.Fatal("Reload of a config with no file did not fail")
	}
}
