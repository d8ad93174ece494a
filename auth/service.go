// Package auth is Latchkey's domain: it signs a person in to the configured
// providers (OAuth 2.0 with PKCE, OpenID Connect, OAuth 1.0a), keeps the resulting accounts
// in the keychain, and answers what the faces (window and command line) ask.
// It never imports a UI toolkit.
package auth

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	"latchkey/auth/browser"
	"latchkey/auth/keychain"
	"latchkey/auth/oidc"
	"latchkey/auth/provider"
)

// Store is the seam over the keychain: opaque records per account id.
// *keychain.Store implements it. Load returns an error matching
// keychain.ErrNotFound (errors.Is) when there is no record.
type Store interface {
	Load(id string) ([]byte, error)
	Save(id string, record []byte) error
	Delete(id string) error
	List() ([]string, error)
}

// storeReader is how Statuses and Orphans read accounts: the Store itself, or one
// snapshot of it.
type storeReader interface {
	Load(id string) ([]byte, error)
	List() ([]string, error)
}

// snapshotter is a Store that can read every account in one pass (*keychain.Store:
// Snapshot, one Secret Service search and one GetSecrets on Linux). Statuses, Orphans and
// Overview read through one snapshot when the Store has it, and item by item otherwise
// (a Store that wraps another, as tests do, reads item by item through its own Load).
type snapshotter interface {
	Snapshot() *keychain.Snapshot
}

// reader returns one snapshot of the store, taken when first read, when the store can take
// one; else the store.
func (s *Service) reader() storeReader {
	if b, ok := s.store.(snapshotter); ok {
		return lazySnapshot(sync.OnceValue(b.Snapshot))
	}
	return s.store
}

// lazySnapshot is a snapshot taken by its first Load or List (none when nothing is read).
type lazySnapshot func() *keychain.Snapshot

func (l lazySnapshot) Load(id string) ([]byte, error) { return l().Load(id) }
func (l lazySnapshot) List() ([]string, error)        { return l().List() }

// Prompter asks the person for an OAuth 1.0a verifier (callback = "oob").
// The window shows a dialog; the command line reads stdin. It returns
// context.Canceled when the person gives up.
type Prompter interface {
	Verifier(ctx context.Context, p *provider.Provider, authURL string) (string, error)
}

// PrompterFunc adapts a function to Prompter.
type PrompterFunc func(ctx context.Context, p *provider.Provider, authURL string) (string, error)

// Verifier calls f.
func (f PrompterFunc) Verifier(ctx context.Context, p *provider.Provider, authURL string) (string, error) {
	return f(ctx, p, authURL)
}

// Options are a Service's dependencies. Config and Store are required.
type Options struct {
	Config *provider.Config
	Store  Store
	// Secrets keeps client secrets that providers.toml says are in the
	// keychain (client_secret_in_keychain); nil: none can be.
	Secrets Store
	Browser browser.Opener // nil: URLs are only reported, never opened
	// HTTPClient carries every provider request; nil means a client with a
	// 30 s timeout. It is wrapped so that responses are size-limited and
	// plain http is refused except to loopback hosts.
	HTTPClient *http.Client
	Now        func() time.Time // nil: time.Now
	// LoginTimeout bounds a sign-in from start to callback; default 5 min.
	LoginTimeout time.Duration
	// LockDir holds the lock files that keep two processes (the window and
	// a script) from refreshing one account at once; default
	// os.UserCacheDir()/latchkey/locks.
	LockDir string
	// DemoDir is where the demo server's runtime file is looked for
	// (demo entries, auth/demo/demoinfo); default
	// os.UserCacheDir()/latchkey/demo.
	DemoDir string
}

// Service is the one core both faces call. Its methods are safe for
// concurrent use and may block on the network or the keychain: call them
// off the UI goroutine.
type Service struct {
	// cfg is the configuration in use: swapped whole (SetConfig, Reload),
	// never changed in place, so a flow that took a *provider.Provider
	// from it goes on with those settings. Every read goes through Config.
	cfg          atomic.Pointer[provider.Config]
	store        Store
	secrets      Store
	browser      browser.Opener
	http         *http.Client
	now          func() time.Time
	loginTimeout time.Duration
	locks        *accountLocks
	issuers      oidc.Cache // OpenID Connect discovery per issuer
	demoDir      string     // Options.DemoDir
}

// New returns a Service over opts, with the documented defaults filled.
func New(opts Options) *Service {
	s := &Service{
		store:        opts.Store,
		secrets:      opts.Secrets,
		browser:      opts.Browser,
		now:          opts.Now,
		loginTimeout: opts.LoginTimeout,
		locks:        newAccountLocks(opts.LockDir),
		demoDir:      opts.DemoDir,
	}
	s.cfg.Store(opts.Config)
	base := opts.HTTPClient
	if base == nil {
		base = &http.Client{Timeout: 30 * time.Second}
	}
	s.http = guardClient(base)
	if s.now == nil {
		s.now = time.Now
	}
	if s.loginTimeout <= 0 {
		s.loginTimeout = 5 * time.Minute
	}
	return s
}

// Config returns the configuration in use: the one the Service was built
// with, or the latest given to SetConfig or read by Reload. The caller must
// not change it; take it once per piece of work, as it may be replaced at
// any moment.
func (s *Service) Config() *provider.Config { return s.cfg.Load() }

// SetConfig replaces the configuration in use with cfg (non-nil), e.g.
// after the window's editor has written providers.toml. Flows already
// running keep the provider settings they started with; accounts are not
// touched (an account whose provider's settings changed reads as
// needs_signin, see Binding). cfg must not be changed afterwards.
func (s *Service) SetConfig(cfg *provider.Config) {
	if cfg == nil {
		panic("auth: SetConfig(nil)")
	}
	s.cfg.Store(cfg)
}

// Reload reads the config file again (provider.Load of Config().Path) and
// puts it in use when it says something else than the config in use
// (other providers, settings or problems; a comment-only edit that moves
// no line is no change), reporting whether it did. It fails only when the
// config has no file to read (a Config built in memory with no Path); a
// file that cannot be read or parsed is not an error but a config whose
// Problems say so, as at start.
func (s *Service) Reload() (changed bool, err error) {
	old := s.Config()
	if old.Path == "" {
		return false, errors.New("the configuration was not read from a file, so there is nothing to read again")
	}
	fresh := provider.Load(old.Path)
	if sameConfig(old, fresh) {
		return false, nil
	}
	// Another Reload or SetConfig may have swapped the config meanwhile:
	// only replace the one compared with.
	if !s.cfg.CompareAndSwap(old, fresh) {
		return false, nil
	}
	return true, nil
}

// sameConfig reports whether a and b say the same: same file, providers,
// problems and missing-ness.
func sameConfig(a, b *provider.Config) bool {
	return a.Path == b.Path && a.Missing == b.Missing &&
		reflect.DeepEqual(a.Providers, b.Providers) && reflect.DeepEqual(a.Problems, b.Problems)
}

// Provider returns the configured provider with this id, or an
// *UnknownProviderError. A client secret kept in the keychain
// (client_secret_in_keychain) is filled in, or its absence is a
// *ClientSecretError.
func (s *Service) Provider(id string) (*provider.Provider, error) {
	p, err := s.entry(id)
	if err != nil {
		return nil, err
	}
	return s.withSecret(p)
}

// entry is Provider without the client secret kept in the keychain: what
// an operation that sends no secret needs (Token on a valid token reads
// one keychain item, not two).
func (s *Service) entry(id string) (*provider.Provider, error) {
	cfg := s.Config()
	if p, ok := cfg.Find(id); ok {
		return s.withDemo(p, nil)
	}
	err := &UnknownProviderError{ID: id, Config: cfg.Path}
	for _, p := range cfg.Providers {
		err.Known = append(err.Known, p.ID)
	}
	if probs := cfg.ProblemsFor(id); len(probs) > 0 {
		return nil, &ConfigError{ID: id, Problems: probs}
	}
	return nil, err
}

// ConfigError says a provider exists in the file but cannot be used.
type ConfigError struct {
	ID       string
	Problems []provider.Problem
}

func (e *ConfigError) Error() string {
	s := "provider " + e.ID + " cannot be used until its entry is fixed:"
	for _, p := range e.Problems {
		s += "\n  " + p.Error()
	}
	return s
}

// Account returns the stored account for provider id. It returns a
// *SignInError wrapping ErrNotSignedIn when there is none, and keychain
// errors (*keychain.Error) as they are.
func (s *Service) Account(id string) (*Account, error) {
	p, err := s.Provider(id)
	if err != nil {
		return nil, err
	}
	return s.load(p)
}

func (s *Service) load(p *provider.Provider) (*Account, error) {
	return loadFrom(s.store, p)
}

// loadFrom reads p's account through r (the store, or a snapshot of it).
func loadFrom(r storeReader, p *provider.Provider) (*Account, error) {
	data, err := r.Load(p.ID)
	if errors.Is(err, keychain.ErrNotFound) {
		return nil, &SignInError{ID: p.ID, Name: p.DisplayName(), Err: ErrNotSignedIn}
	}
	if err != nil {
		return nil, err
	}
	return decodeAccount(p.ID, data)
}

// save writes a to the keychain; the caller holds the account's write
// lock (write, commit), and it signals the change to the windows that watch
// (accountLocks.changed, Watch). A record that would exceed keychain.MaxRecordSize
// is written with its profile trimmed (trimProfile, Profile.Trimmed), a
// change a sees too.
func (s *Service) save(a *Account) error {
	data, err := encodeAccount(a)
	if err != nil {
		return err
	}
	if len(data) > keychain.MaxRecordSize {
		trimProfile(&a.Profile)
		if data, err = encodeAccount(a); err != nil {
			return err
		}
	}
	err = s.store.Save(a.ProviderID, data)
	s.locks.changed() // even after a failure: the keychain may have half-changed
	return err
}

// remove deletes account id's record; the caller holds the account's write
// lock. Like save, it signals the change to other windows (Watch).
func (s *Service) remove(id string) error {
	err := s.store.Delete(id)
	s.locks.changed()
	return err
}

// write saves a sign-in's account a of provider p, bound to p, under the
// account's write lock (accountLocks.write), replacing whatever is stored:
// a sign-in is the person's own, latest word.
func (s *Service) write(ctx context.Context, p *provider.Provider, a *Account) error {
	unlock, err := s.locks.write(ctx, p.ID)
	if err != nil {
		return err
	}
	defer unlock()
	a.Bound = BindingOf(p)
	return s.save(a)
}

// commit saves fresh, the renewal (refresh, recheck, refusal) of base,
// under the account's write lock, unless the record changed since base was
// read: when it is gone (signed out meanwhile) nothing is written and the
// *SignInError says not signed in; when it is another one (a newer
// sign-in, or a renewal by another process: its obtained_at or access
// token differ) it is kept and returned as it is, so nothing resurrects an
// account or overwrites a newer one. fresh is bound to p (a record from
// before bindings gets one here). It returns the account now stored.
func (s *Service) commit(ctx context.Context, p *provider.Provider, base, fresh *Account) (*Account, error) {
	unlock, err := s.locks.write(context.WithoutCancel(ctx), p.ID)
	if err != nil {
		return nil, err
	}
	defer unlock()
	now, err := s.load(p)
	if err != nil {
		return nil, err
	}
	if !now.ObtainedAt.Equal(base.ObtainedAt) || now.Token.AccessToken != base.Token.AccessToken {
		return now, nil
	}
	fresh.Bound = BindingOf(p)
	if err := s.save(fresh); err != nil {
		return nil, err
	}
	return fresh, nil
}

// Status is what the faces show for one provider.
type Status struct {
	Provider *provider.Provider
	Can      Capabilities // what the provider can do (CapabilitiesOf)
	Account  *Account     // nil when not signed in or unreadable
	State    State
	Err      error // a keychain or record error; State is then StateUnknown
}

// StatusOf is the status of provider p with account a (nil: not signed
// in) at now.
// An account no longer bound to p (its provider's settings changed,
// ErrProviderChanged) is StateNeedsSignIn.
func StatusOf(p *provider.Provider, a *Account, now time.Time) Status {
	return Status{Provider: p, Can: CapabilitiesOf(p), Account: a, State: stateFor(p, a, now)}
}

// stateFor is StateOf(a, now), and StateNeedsSignIn when a is not bound
// to p any more.
func stateFor(p *provider.Provider, a *Account, now time.Time) State {
	if a != nil && !a.BoundTo(p) {
		return StateNeedsSignIn
	}
	return StateOf(a, now)
}

// Statuses returns the status of every configured provider, in config
// order. A keychain failure is reported per provider in Status.Err (and
// as the returned error, the first one met), never as a missing account.
// The accounts are read in one pass where the Store can (snapshotter).
func (s *Service) Statuses() ([]Status, error) {
	return s.statuses(s.Config(), s.reader())
}

// Overview is Statuses and Orphans from one read of the keychain (what
// `latchkey status` shows): the status of every configured provider, the
// ids of the accounts whose provider has left the config, and the first
// keychain error met by either.
func (s *Service) Overview() ([]Status, []string, error) {
	cfg, r := s.Config(), s.reader()
	sts, first := s.statuses(cfg, r)
	orphans, err := orphans(cfg, r)
	if first == nil {
		first = err
	}
	return sts, orphans, first
}

func (s *Service) statuses(cfg *provider.Config, r storeReader) ([]Status, error) {
	out := make([]Status, 0, len(cfg.Providers))
	var first error
	for i := range cfg.Providers {
		p := &cfg.Providers[i]
		st := Status{Provider: p, Can: CapabilitiesOf(p)}
		live, running := s.demoLive(p)
		if !running {
			st.State = StateDemoNotRunning
			out = append(out, st)
			continue
		}
		a, err := loadFrom(r, p)
		var sie *SignInError
		switch {
		case errors.As(err, &sie):
			st.State = StateNone
		case err != nil:
			st.State, st.Err = StateUnknown, err
			if first == nil {
				first = err
			}
		default:
			st.Account = a
			st.State = stateFor(live, a, s.now())
		}
		out = append(out, st)
	}
	return out, first
}

// Orphans returns the ids of accounts still in the keychain whose provider
// has left the config (neither configured nor reported with problems), in
// keychain order, so a face can list them and Logout can remove them.
func (s *Service) Orphans() ([]string, error) {
	return orphans(s.Config(), s.reader())
}

func orphans(cfg *provider.Config, r storeReader) ([]string, error) {
	ids, err := r.List()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, id := range ids {
		if _, ok := cfg.Find(id); !ok && len(cfg.ProblemsFor(id)) == 0 {
			out = append(out, id)
		}
	}
	return out, nil
}

// Token returns a usable token set for provider id: the stored one while
// it is valid, else a refreshed one (see refresh) when a refresh token is
// held. Otherwise a *SignInError says to sign in again (ErrExpired,
// ErrRefused; ErrProviderChanged when the account's Binding no longer
// matches p: nothing is sent then). A token whose expiry has passed is
// never handed out.
func (s *Service) Token(ctx context.Context, id string) (*Account, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p, err := s.entry(id) // the client secret only if a refresh needs it
	if err != nil {
		return nil, err
	}
	a, err := s.load(p)
	if err != nil {
		return nil, err
	}
	if !a.BoundTo(p) {
		return nil, &SignInError{ID: p.ID, Name: p.DisplayName(), Err: providerChanged(p)}
	}
	switch StateOf(a, s.now()) {
	case StateRefreshable:
		if p, err = s.withSecret(p); err != nil {
			return nil, err
		}
		return s.refresh(ctx, p, a)
	case StateExpired:
		return nil, &SignInError{ID: p.ID, Name: p.DisplayName(), Err: ErrExpired}
	case StateNeedsSignIn:
		return nil, &SignInError{ID: p.ID, Name: p.DisplayName(), Err: ErrRefused}
	}
	return a, nil
}
