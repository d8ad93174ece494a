// Package demo is Latchkey's built-in demo provider: an OpenID Connect
// authorization server that runs inside Latchkey, on 127.0.0.1 only, so a
// newcomer with no account anywhere can watch a whole sign-in.
//
// It is built on github.com/zitadel/oidc/v3's op package, which serves
// discovery, JWKS, the authorization and token endpoints, userinfo,
// refresh, revocation (RFC 7009) and device authorization (RFC 8628). This
// package adds an in-memory storage (storage.go), the person's pages
// (pages.go: a consent page with Allow and Deny, and the device
// verification page), a lock so one user runs one demo server, and a
// runtime file through which a demo provider entry finds the running
// server.
//
// What it promises:
//
//   - It listens on 127.0.0.1 (tcp4) on a free port, never another
//     interface, and answers only requests whose Host is that address.
//   - The issuer is http://127.0.0.1:<port>. Signing keys (ES256) are made
//     fresh at each Start and never leave the process, so nothing it signs
//     is valid after Close or in another run: it cannot be mistaken for a
//     real provider. It signs in one fixed user, UserSubject ("demo-user",
//     "Demo User", demo@latchkey.invalid), after the person presses Allow
//     on a page labelled "Latchkey demo — not a real account".
//   - PKCE with S256 is required (a request without it is refused);
//     refresh tokens rotate (a used one is refused); access tokens live
//     Options.TokenLifetime (DefaultTokenLifetime, 5 minutes).
//   - Two public clients (no secret) with fixed ids: ClientID, for the
//     browser sign-in (any http://127.0.0.1:<port>/callback[/…] redirect,
//     RFC 8252 §7.3), the device sign-in and refresh; and DeviceClientID,
//     for the device sign-in and refresh only. The ids are fixed because
//     everything else changes at each Start (port, keys, tokens): a token
//     from an earlier run is refused whatever its client.
//
// Finding the server: Start writes Info as JSON to RuntimeFile in its
// directory (Options.Dir, default DefaultDir(): os.UserCacheDir()/latchkey/
// demo), mode 0600, and
// Close removes it. Running(dir) reads it back while the server's lock is
// held, and ProviderTOML(info) is the [[provider]] entry that signs in to
// it.
//
// OAuth 1.0a: the same listener serves auth/oauth1/oauth1server under
// /oauth1/ (request_token, authorize, access_token, profile), with a
// consent page (Allow, Deny) labelled as the demo. Its consumer key and
// secret are made fresh at each Start and written to the runtime file: a
// throwaway secret that works only against this server while it runs.
//
// The package does no work until Start: it has no init and only cheap
// package-level values.
package demo

import (
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"

	"latchkey/auth/demo/demoinfo"
	"latchkey/auth/oauth1/oauth1server"
)

// The demo's fixed names (see auth/demo/demoinfo, which holds them so
// that auth can read them without linking this server).
const (
	// ClientID is the public client for the browser and device sign-ins.
	ClientID = demoinfo.ClientID
	// DeviceClientID is the public client for the device sign-in only.
	DeviceClientID = demoinfo.DeviceClientID
	// ProviderID is the id of the OpenID Connect demo's [[provider]] entry.
	ProviderID = demoinfo.OIDCProviderID
	// ProviderName is its display name.
	ProviderName = demoinfo.OIDCProviderName
	// RuntimeFile is the name of the file, in the server's directory,
	// that says where it listens.
	RuntimeFile = demoinfo.RuntimeFile
	// LockFile is the name of the lock file that keeps one server per user.
	LockFile = demoinfo.LockFile
	// DefaultTokenLifetime is an access token's lifetime unless
	// Options.TokenLifetime sets one: short, so a refresh is soon seen.
	DefaultTokenLifetime = 5 * time.Minute
	// DevicePollInterval is the interval the device sign-in is told to
	// poll at (RFC 8628 §3.2).
	DevicePollInterval = 5 * time.Second
	// OAuth1Label heads the OAuth 1.0a demo's pages.
	OAuth1Label = "Latchkey demo — not a real account. This OAuth 1.0a sign-in server runs on this computer only."
)

// Scopes are the scopes of the demo's provider entry.
var Scopes = demoinfo.Scopes

// Options tune Start. The zero value is the demo as the app runs it.
type Options struct {
	// Dir holds the lock file and the runtime file; default DefaultDir().
	// It is created (0700) when missing.
	Dir string
	// TokenLifetime is an access token's lifetime; default
	// DefaultTokenLifetime. Tests use seconds.
	TokenLifetime time.Duration
	// Now is the clock of the lifetimes the server decides (access and
	// refresh tokens, authorization requests); nil: time.Now. The
	// library's own times (an id_token's iat and exp, expires_in) use the
	// real clock.
	Now func() time.Time
}

// Info is what the runtime file says about a running server: where it
// listens, its public clients, and the OAuth 1.0a demo's throwaway
// consumer key and secret.
type Info = demoinfo.Info

// AlreadyRunningError is Start's answer when this user's demo server is
// already running (its lock is held by this or another process).
type AlreadyRunningError = demoinfo.AlreadyRunningError

// ErrNotRunning is Running's answer when no demo server runs for dir.
var ErrNotRunning = demoinfo.ErrNotRunning

// DefaultDir is where the lock and runtime file live unless Options.Dir
// says otherwise: os.UserCacheDir()/latchkey/demo.
func DefaultDir() (string, error) { return demoinfo.DefaultDir() }

// Running returns the Info of the demo server running for dir ("" means
// DefaultDir()): the one whose lock is held. It returns ErrNotRunning when
// none runs (a runtime file left by a crash is ignored).
func Running(dir string) (Info, error) { return demoinfo.Running(dir) }

// Server is a running demo authorization server. Close stops it.
type Server struct {
	info    Info
	dir     string
	ln      net.Listener
	http    *http.Server
	op      *op.Provider
	store   *storage
	formKey []byte
	unlock  func()
	served  chan struct{}
	oauth1  *oauth1server.Server

	closeOnce sync.Once
	closeErr  error
}

// Start runs the demo server on 127.0.0.1 on a free port and writes its
// runtime file. It refuses with an *AlreadyRunningError while another
// server of the same directory runs, in this process or another.
func Start(opts Options) (*Server, error) {
	dir := opts.Dir
	if dir == "" {
		d, err := DefaultDir()
		if err != nil {
			return nil, err
		}
		dir = d
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("cannot create the demo server's folder %s: %v", dir, err)
	}
	unlock, busy, err := demoinfo.TryLock(filepath.Join(dir, LockFile))
	if err != nil {
		return nil, err
	}
	if busy {
		e := &AlreadyRunningError{Dir: dir}
		if info, err := demoinfo.ReadInfo(dir); err == nil {
			e.Issuer = info.Issuer
		}
		return nil, e
	}
	s, err := start(dir, opts, unlock)
	if err != nil {
		unlock()
		return nil, err
	}
	return s, nil
}

func start(dir string, opts Options, unlock func()) (*Server, error) {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	life := opts.TokenLifetime
	if life <= 0 {
		life = DefaultTokenLifetime
	}
	grants := []oidc.GrantType{oidc.GrantTypeCode, oidc.GrantTypeRefreshToken, oidc.GrantTypeDeviceCode}
	st, err := newStorage(now, life,
		&client{id: ClientID, browser: true, grants: grants},
		&client{id: DeviceClientID, grants: []oidc.GrantType{oidc.GrantTypeDeviceCode, oidc.GrantTypeRefreshToken}},
	)
	if err != nil {
		return nil, err
	}

	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("cannot listen on 127.0.0.1 for the demo server: %v", err)
	}
	issuer := "http://" + ln.Addr().String()

	config := &op.Config{
		CodeMethodS256:        true,
		GrantTypeRefreshToken: true,
		SupportedUILocales:    []language.Tag{language.English},
		DeviceAuthorization: op.DeviceAuthorizationConfig{
			Lifetime:     deviceLife,
			PollInterval: DevicePollInterval,
			UserFormPath: devicePath,
			UserCode:     op.UserCodeBase20,
		},
	}
	_, _ = rand.Read(config.CryptoKey[:]) // encrypts the opaque access tokens and codes
	config.CryptoKeyId = randomID()
	provider, err := op.NewProvider(config, st, op.StaticIssuer(issuer), op.WithAllowInsecure())
	if err != nil {
		_ = ln.Close()
		return nil, fmt.Errorf("cannot set up the demo server: %v", err)
	}

	o1 := oauth1server.New(oauth1server.Options{
		// A throwaway pair, fresh at each Start (demoinfo's package comment).
		ConsumerKey:    "latchkey-demo-" + randomID(),
		ConsumerSecret: randomID(),
		Now:            now,
		Consent:        oauth1Consent,
		Label:          OAuth1Label,
		ProfileJSON:    oauth1Profile,
		UserID:         UserSubject,
		ScreenName:     UserLogin,
	})
	o1.SetBaseURL(issuer)
	s := &Server{
		info: Info{
			Version: demoinfo.Version, Issuer: issuer, ClientID: ClientID, DeviceClientID: DeviceClientID,
			OAuth1ConsumerKey: o1.ConsumerKey, OAuth1ConsumerSecret: o1.ConsumerSecret,
			PID: os.Getpid(), StartedAt: now().UTC(),
		},
		oauth1:  o1,
		dir:     dir,
		ln:      ln,
		op:      provider,
		store:   st,
		formKey: make([]byte, 32),
		unlock:  unlock,
		served:  make(chan struct{}),
	}
	_, _ = rand.Read(s.formKey)

	mux := http.NewServeMux()
	issuerCtx := op.NewIssuerInterceptor(provider.IssuerFromRequest)
	mux.Handle(loginPath, issuerCtx.HandlerFunc(s.consent))
	mux.Handle(devicePath, http.HandlerFunc(s.device))
	mux.Handle(demoinfo.OAuth1Path, o1.Handler())
	mux.Handle("/", provider)
	s.http = &http.Server{
		Handler:           s.guard(mux),
		ReadHeaderTimeout: 10 * time.Second,
		// The library logs refused requests through slog; this keeps the
		// server's own errors (a broken connection) out of the person's
		// terminal.
		ErrorLog: slog.NewLogLogger(slog.DiscardHandler, slog.LevelError),
	}

	if err := demoinfo.WriteInfo(dir, s.info); err != nil {
		_ = ln.Close()
		return nil, err
	}
	go func() {
		defer close(s.served)
		_ = s.http.Serve(ln)
	}()
	return s, nil
}

// guard answers only requests addressed to the server's own address (a
// page elsewhere that rebinds its DNS name to 127.0.0.1 gets nothing) and
// asks every response to be sent without a Referer.
func (s *Server) guard(next http.Handler) http.Handler {
	host := s.ln.Addr().String()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Referrer-Policy", "no-referrer")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if r.Host != host {
			http.Error(w, "this is the Latchkey demo server; open it as http://"+host, http.StatusMisdirectedRequest)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Issuer is the server's issuer, http://127.0.0.1:<port>.
func (s *Server) Issuer() string { return s.info.Issuer }

// ClientID is the public client for the browser and device sign-ins.
func (s *Server) ClientID() string { return s.info.ClientID }

// DeviceClientID is the public client for the device sign-in only.
func (s *Server) DeviceClientID() string { return s.info.DeviceClientID }

// Info is what the runtime file says.
func (s *Server) Info() Info { return s.info }

// Addr is the address the server listens on (127.0.0.1:<port>).
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Close stops the server: the port is closed, open connections are cut,
// the runtime file is removed and the lock released. It may be called more
// than once; later calls return the first call's result.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.oauth1.Close()
		err := s.http.Close()
		<-s.served
		if rerr := os.Remove(filepath.Join(s.dir, RuntimeFile)); rerr != nil && !errors.Is(rerr, os.ErrNotExist) && err == nil {
			err = fmt.Errorf("the demo server stopped but its file %s could not be removed: %v", filepath.Join(s.dir, RuntimeFile), rerr)
		}
		s.unlock()
		s.closeErr = err
	})
	return s.closeErr
}

// ProviderTOML is the [[provider]] entry that signs in to the demo server
// described by info: id ProviderID, OpenID Connect, its issuer and
// ClientID, the Scopes.
func ProviderTOML(info Info) string {
	return fmt.Sprintf(`[[provider]]
id = %q
name = %q
protocol = "oidc"
issuer = %q
client_id = %q
scopes = [%s]
`, ProviderID, ProviderName, info.Issuer, info.ClientID, quoted(Scopes))
}

func quoted(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

func init() {
	demoinfo.Register(func(dir string) (demoinfo.Server, error) {
		s, err := Start(Options{Dir: dir})
		if err != nil {
			return nil, err // a nil *Server must not become a non-nil interface
		}
		return s, nil
	})
}
