// Package auth is Latchkey's domain: it signs a person in to the configured
// providers (OAuth 2.0 with PKCE, OpenID Connect, OAuth 1.0a), keeps the resulting accounts
// in the keychain, and answers what the faces (window and command line) ask.
// It never imports a UI toolkit.
package auth

import (
	"context"
	"errors"
	"net/http"
	"sync"
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
}

// Service is the one core both faces call. Its methods are safe for
// concurrent use and may block on the network or the keychain: call them
// off the UI goroutine.
type Service struct {
	cfg          *provider.Config
	cfgMu        sync.RWMutex // guards cfg: read it with Config(), replace it with SetConfig (config.go)
	store        Store
	secrets      Store
	browser      browser.Opener
	http         *http.Client
	now          func() time.Time
	loginTimeout time.Duration
	locks        *accountLocks
	issuers      oidc.Cache // OpenID Connect discovery per issuer
}

// New returns a Service over opts, with the documented defaults filled.
func New(opts Options) *Service {
	s := &Service{
		cfg:          opts.Config,
		store:        opts.Store,
		secrets:      opts.Secrets,
		browser:      opts.Browser,
		now:          opts.Now,
		loginTimeout: opts.LoginTimeout,
		locks:        newAccountLocks(opts.LockDir),
	}
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

// Provider returns the configured provider with this id, or an
// *UnknownProviderError. A client secret kept in the keychain
// (client_secret_in_keychain) is filled in, or its absence is a
// *ClientSecretError.
func (s *Service) Provider(id string) (*provider.Provider, error) {
	cfg := s.Config()
	if p, ok := cfg.Find(id); ok {
		return s.withSecret(p)
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
	data, err := s.store.Load(p.ID)
	if errors.Is(err, keychain.ErrNotFound) {
		return nil, &SignInError{ID: p.ID, Name: p.DisplayName(), Err: ErrNotSignedIn}
	}
	if err != nil {
		return nil, err
	}
	return decodeAccount(p.ID, data)
}

// save writes a to the keychain; the caller holds the account's write
// lock (write, commit). A record that would exceed keychain.MaxRecordSize
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
	return s.store.Save(a.ProviderID, data)
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
func (s *Service) Statuses() ([]Status, error) {
	cfg := s.Config()
	out := make([]Status, 0, len(cfg.Providers))
	var first error
	for i := range cfg.Providers {
		p := &cfg.Providers[i]
		st := Status{Provider: p, Can: CapabilitiesOf(p)}
		a, err := s.load(p)
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
			st.State = stateFor(p, a, s.now())
		}
		out = append(out, st)
	}
	return out, first
}

// Orphans returns the ids of accounts still in the keychain whose provider
// has left the config (neither configured nor reported with problems), in
// keychain order, so a face can list them and Logout can remove them.
func (s *Service) Orphans() ([]string, error) {
	ids, err := s.store.List()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, id := range ids {
		if _, ok := s.Config().Find(id); !ok && len(s.Config().ProblemsFor(id)) == 0 {
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
	p, err := s.Provider(id)
	if err != nil {
		return nil, err
	}
	a, err := s.load(p)
	if err != nil {
		return nil, err
	}
	if !a.BoundTo(p) {
		return nil, &SignInError{ID: p.ID, Name: p.DisplayName(), Err: ErrProviderChanged}
	}
	switch StateOf(a, s.now()) {
	case StateRefreshable:
		return s.refresh(ctx, p, a)
	case StateExpired:
		return nil, &SignInError{ID: p.ID, Name: p.DisplayName(), Err: ErrExpired}
	case StateNeedsSignIn:
		return nil, &SignInError{ID: p.ID, Name: p.DisplayName(), Err: ErrRefused}
	}
	return a, nil
}
