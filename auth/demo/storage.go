package demo

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// The demo user: the one person this server signs in. Its email is in the
// reserved .invalid domain (RFC 2606), so it can never reach anyone.
const (
	UserSubject  = "demo-user"
	UserName     = "Demo User"
	UserGiven    = "Demo"
	UserFamily   = "User"
	UserLogin    = "demo"
	UserEmail    = "demo@latchkey.invalid"
	appName      = "Latchkey"
	requestLife  = 10 * time.Minute // an authorization request, and its code
	refreshLife  = 24 * time.Hour   // a refresh token, from its last use
	idTokenLife  = time.Hour
	deviceLife   = 10 * time.Minute
	loginPath    = "/consent"
	devicePath   = "/device"
	callbackPath = "/callback"
)

// client is one of the two public clients registered at Start.
type client struct {
	id     string
	grants []oidc.GrantType
	// browser: the authorization code grant with a loopback redirect.
	browser bool
}

func (c *client) GetID() string { return c.id }

// RedirectURIs is the loopback callback on any port (RFC 8252 §7.3: the
// library ignores the port of a loopback redirect for a native client).
func (c *client) RedirectURIs() []string {
	if !c.browser {
		return nil
	}
	return []string{"http://127.0.0.1" + callbackPath}
}

// RedirectURIGlobs adds /callback/<anything> on any port; CreateAuthRequest
// then checks that the host is exactly 127.0.0.1 with a numeric port.
func (c *client) RedirectURIGlobs() []string {
	if !c.browser {
		return nil
	}
	return []string{"http://127.0.0.1:*" + callbackPath + "/**"}
}

func (c *client) PostLogoutRedirectURIs() []string     { return nil }
func (c *client) PostLogoutRedirectURIGlobs() []string { return nil }
func (c *client) ApplicationType() op.ApplicationType  { return op.ApplicationTypeNative }
func (c *client) AuthMethod() oidc.AuthMethod          { return oidc.AuthMethodNone }
func (c *client) ResponseTypes() []oidc.ResponseType {
	if !c.browser {
		return nil
	}
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}
func (c *client) GrantTypes() []oidc.GrantType         { return c.grants }
func (c *client) LoginURL(id string) string            { return loginPath + "?id=" + url.QueryEscape(id) }
func (c *client) AccessTokenType() op.AccessTokenType  { return op.AccessTokenTypeBearer }
func (c *client) IDTokenLifetime() time.Duration       { return idTokenLife }
func (c *client) DevMode() bool                        { return false }
func (c *client) IsScopeAllowed(string) bool           { return false }
func (c *client) IDTokenUserinfoClaimsAssertion() bool { return false }
func (c *client) ClockSkew() time.Duration             { return 0 }
func (c *client) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c *client) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

// authRequest is one authorization request, from the authorize endpoint to
// the code's redemption. Storage hands out copies, so the library reads a
// value no handler changes under it.
type authRequest struct {
	id           string
	created      time.Time
	clientID     string
	redirectURI  string
	state        string
	nonce        string
	scopes       []string
	responseType oidc.ResponseType
	responseMode oidc.ResponseMode
	challenge    *oidc.CodeChallenge
	subject      string
	authTime     time.Time
	done         bool
}

func (a *authRequest) GetID() string                         { return a.id }
func (a *authRequest) GetACR() string                        { return "" }
func (a *authRequest) GetAMR() []string                      { return amr(a.done) }
func (a *authRequest) GetAudience() []string                 { return []string{a.clientID} }
func (a *authRequest) GetAuthTime() time.Time                { return a.authTime }
func (a *authRequest) GetClientID() string                   { return a.clientID }
func (a *authRequest) GetCodeChallenge() *oidc.CodeChallenge { return a.challenge }
func (a *authRequest) GetNonce() string                      { return a.nonce }
func (a *authRequest) GetRedirectURI() string                { return a.redirectURI }
func (a *authRequest) GetResponseType() oidc.ResponseType    { return a.responseType }
func (a *authRequest) GetResponseMode() oidc.ResponseMode    { return a.responseMode }
func (a *authRequest) GetScopes() []string                   { return a.scopes }
func (a *authRequest) GetState() string                      { return a.state }
func (a *authRequest) GetSubject() string                    { return a.subject }
func (a *authRequest) Done() bool                            { return a.done }

// amr is the authentication method: the person pressed Allow ("user" is
// the RFC 8176 name for presence), nothing else.
func amr(done bool) []string {
	if done {
		return []string{"user"}
	}
	return nil
}

type accessToken struct {
	id       string
	clientID string
	subject  string
	scopes   []string
	expiry   time.Time
	refresh  string // the refresh token issued with it, "" for none
}

type refreshToken struct {
	token    string
	clientID string
	subject  string
	scopes   []string
	audience []string
	authTime time.Time
	amr      []string
	expiry   time.Time
	access   string // the access token issued with it
}

// refreshRequest is a refresh token as the library's refresh grant reads
// it (op.RefreshTokenRequest): a copy, so SetCurrentScopes changes nothing
// stored.
type refreshRequest struct{ rt refreshToken }

func (r *refreshRequest) GetAMR() []string            { return r.rt.amr }
func (r *refreshRequest) GetAudience() []string       { return r.rt.audience }
func (r *refreshRequest) GetAuthTime() time.Time      { return r.rt.authTime }
func (r *refreshRequest) GetClientID() string         { return r.rt.clientID }
func (r *refreshRequest) GetScopes() []string         { return r.rt.scopes }
func (r *refreshRequest) GetSubject() string          { return r.rt.subject }
func (r *refreshRequest) SetCurrentScopes(s []string) { r.rt.scopes = s }

type deviceEntry struct {
	userCode string
	state    op.DeviceAuthorizationState
}

// signingKey is the ES256 key made at Start; it never leaves the process.
type signingKey struct {
	id  string
	key *ecdsa.PrivateKey
}

func (k *signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.ES256 }
func (k *signingKey) Key() any                                    { return k.key }
func (k *signingKey) ID() string                                  { return k.id }

type publicKey struct{ k *signingKey }

func (p publicKey) ID() string                         { return p.k.id }
func (p publicKey) Algorithm() jose.SignatureAlgorithm { return jose.ES256 }
func (p publicKey) Use() string                        { return "sig" }
func (p publicKey) Key() any                           { return &p.k.key.PublicKey }

// storage is the server's op.Storage and op.DeviceAuthorizationStorage:
// everything in memory, gone at Close. Written for the demo rather than
// reusing the library's example storage, which has fixed clients, a fixed
// five-minute token lifetime, client-credential and token-exchange users
// with secrets, and hands out pointers the handlers change concurrently.
type storage struct {
	now      func() time.Time
	lifetime time.Duration // of an access token
	key      *signingKey
	clients  map[string]*client

	mu       sync.Mutex
	requests map[string]*authRequest  // by id
	codes    map[string]string        // code → request id
	access   map[string]*accessToken  // by id
	refresh  map[string]*refreshToken // by token
	devices  map[string]*deviceEntry  // by device code
	users    map[string]string        // user code → device code
}

func newStorage(now func() time.Time, lifetime time.Duration, clients ...*client) (*storage, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("cannot make a signing key: %w", err)
	}
	s := &storage{
		now:      now,
		lifetime: lifetime,
		key:      &signingKey{id: randomID(), key: k},
		clients:  map[string]*client{},
		requests: map[string]*authRequest{},
		codes:    map[string]string{},
		access:   map[string]*accessToken{},
		refresh:  map[string]*refreshToken{},
		devices:  map[string]*deviceEntry{},
		users:    map[string]string{},
	}
	for _, c := range clients {
		s.clients[c.id] = c
	}
	return s, nil
}

// randomID is 128 bits from crypto/rand, URL-safe.
func randomID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

var (
	errNotFound                               = errors.New("not found or expired")
	_           op.Storage                    = (*storage)(nil)
	_           op.DeviceAuthorizationStorage = (*storage)(nil)
	_           op.CanSetUserinfoFromRequest  = (*storage)(nil)
	_           op.HasRedirectGlobs           = (*client)(nil)
)

// loopbackRedirect reports whether u is http://127.0.0.1:<port>/callback
// or /callback/<anything>, with nothing else (no user info, query or
// fragment): the only redirects the browser client accepts.
func loopbackRedirect(u string) bool {
	p, err := url.Parse(u)
	if err != nil || p.Scheme != "http" || p.User != nil || p.RawQuery != "" || p.Fragment != "" || p.Opaque != "" {
		return false
	}
	host, port, err := net.SplitHostPort(p.Host)
	if err != nil || host != "127.0.0.1" || port == "" || strings.Trim(port, "0123456789") != "" {
		return false
	}
	return p.Path == callbackPath || strings.HasPrefix(p.Path, callbackPath+"/")
}

// CreateAuthRequest keeps a validated authorization request. On top of the
// library's checks it requires PKCE with S256 and the exact loopback shape
// of the redirect.
func (s *storage) CreateAuthRequest(_ context.Context, r *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	if !loopbackRedirect(r.RedirectURI) {
		return nil, oidc.ErrInvalidRequestRedirectURI().WithDescription("The demo server accepts only http://127.0.0.1:<port>/callback redirects.")
	}
	if r.CodeChallenge == "" || r.CodeChallengeMethod != oidc.CodeChallengeMethodS256 {
		return nil, oidc.ErrInvalidRequest().WithDescription("PKCE is required: send a code_challenge with code_challenge_method=S256.")
	}
	if slices.Contains(r.Prompt, oidc.PromptNone) {
		return nil, oidc.ErrLoginRequired().WithDescription("The demo server always asks the person (prompt=none cannot be honoured).")
	}
	a := &authRequest{
		id:           randomID(),
		created:      s.now(),
		clientID:     r.ClientID,
		redirectURI:  r.RedirectURI,
		state:        r.State,
		nonce:        r.Nonce,
		scopes:       slices.Clone(r.Scopes),
		responseType: r.ResponseType,
		responseMode: r.ResponseMode,
		challenge:    &oidc.CodeChallenge{Challenge: r.CodeChallenge, Method: r.CodeChallengeMethod},
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.purgeLocked()
	s.requests[a.id] = a
	c := *a
	return &c, nil
}

// purgeLocked drops what has expired, so a long-running demo stays small.
func (s *storage) purgeLocked() {
	now := s.now()
	for id, a := range s.requests {
		if now.Sub(a.created) > requestLife {
			delete(s.requests, id)
		}
	}
	for code, id := range s.codes {
		if _, ok := s.requests[id]; !ok {
			delete(s.codes, code)
		}
	}
	for id, t := range s.access {
		if now.After(t.expiry) {
			delete(s.access, id)
		}
	}
	for tok, t := range s.refresh {
		if now.After(t.expiry) {
			delete(s.refresh, tok)
		}
	}
	for dc, d := range s.devices {
		if now.After(d.state.Expires) {
			delete(s.users, d.userCode)
			delete(s.devices, dc)
		}
	}
}

func (s *storage) requestLocked(id string) (*authRequest, bool) {
	a, ok := s.requests[id]
	if !ok || s.now().Sub(a.created) > requestLife {
		return nil, false
	}
	return a, true
}

func (s *storage) AuthRequestByID(_ context.Context, id string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.requestLocked(id)
	if !ok {
		return nil, errNotFound
	}
	c := *a
	return &c, nil
}

func (s *storage) AuthRequestByCode(_ context.Context, code string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.requestLocked(s.codes[code])
	if !ok || !a.done {
		return nil, errNotFound
	}
	c := *a
	return &c, nil
}

func (s *storage) SaveAuthCode(_ context.Context, id, code string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.requestLocked(id); !ok {
		return errNotFound
	}
	s.codes[code] = id
	return nil
}

// DeleteAuthRequest ends a request and its code: a code is redeemed once.
func (s *storage) DeleteAuthRequest(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.requests, id)
	for code, rid := range s.codes {
		if rid == id {
			delete(s.codes, code)
		}
	}
	return nil
}

// approve records that the person pressed Allow on request id's consent
// page. It fails when the request is unknown, expired or already decided.
func (s *storage) approve(id string) (*authRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.requestLocked(id)
	if !ok || a.done {
		return nil, errNotFound
	}
	a.done, a.subject, a.authTime = true, UserSubject, s.now()
	c := *a
	return &c, nil
}

// deny removes request id, returning it for the refusal redirect.
func (s *storage) deny(id string) (*authRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.requestLocked(id)
	if !ok || a.done {
		return nil, errNotFound
	}
	delete(s.requests, id)
	return a, nil
}

// pending returns request id while the person has yet to decide.
func (s *storage) pending(id string) (authRequest, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.requestLocked(id)
	if !ok || a.done {
		return authRequest{}, false
	}
	return *a, true
}

func clientOf(r op.TokenRequest) string {
	switch r := r.(type) {
	case *authRequest:
		return r.clientID
	case *refreshRequest:
		return r.rt.clientID
	case *op.DeviceAuthorizationState:
		return r.ClientID
	}
	return ""
}

func (s *storage) newAccessLocked(r op.TokenRequest, refresh string) *accessToken {
	t := &accessToken{
		id:       randomID(),
		clientID: clientOf(r),
		subject:  r.GetSubject(),
		scopes:   slices.Clone(r.GetScopes()),
		expiry:   s.now().Add(s.lifetime),
		refresh:  refresh,
	}
	s.access[t.id] = t
	return t
}

func (s *storage) CreateAccessToken(_ context.Context, r op.TokenRequest) (string, time.Time, error) {
	if clientOf(r) == "" {
		return "", time.Time{}, oidc.ErrUnsupportedGrantType()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.newAccessLocked(r, "")
	return t.id, t.expiry, nil
}

// CreateAccessAndRefreshTokens issues an access token and a new refresh
// token. For a refresh (current != "") the current refresh token and its
// access token end here: rotation, so a refresh token works once.
func (s *storage) CreateAccessAndRefreshTokens(_ context.Context, r op.TokenRequest, current string) (string, string, time.Time, error) {
	clientID := clientOf(r)
	if clientID == "" {
		return "", "", time.Time{}, oidc.ErrUnsupportedGrantType()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rt := &refreshToken{token: randomID() + randomID(), clientID: clientID, subject: r.GetSubject(), scopes: slices.Clone(r.GetScopes()), audience: r.GetAudience()}
	switch r := r.(type) {
	case *authRequest:
		rt.authTime, rt.amr = r.authTime, r.GetAMR()
	case *op.DeviceAuthorizationState:
		rt.authTime, rt.amr = r.AuthTime, r.AMR
	case *refreshRequest:
		old, ok := s.refresh[current]
		if !ok || old.clientID != clientID || s.now().After(old.expiry) {
			return "", "", time.Time{}, oidc.ErrInvalidGrant().WithDescription("The refresh token was already used, revoked or has expired.")
		}
		delete(s.refresh, current)
		delete(s.access, old.access)
		rt.authTime, rt.amr = old.authTime, old.amr
	}
	rt.expiry = s.now().Add(refreshLife)
	at := s.newAccessLocked(r, rt.token)
	rt.access = at.id
	s.refresh[rt.token] = rt
	return at.id, rt.token, at.expiry, nil
}

func (s *storage) TokenRequestByRefreshToken(_ context.Context, token string) (op.RefreshTokenRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rt, ok := s.refresh[token]
	if !ok || s.now().After(rt.expiry) {
		return nil, errNotFound
	}
	return &refreshRequest{rt: *rt}, nil
}

// TerminateSession ends every token of userID at clientID (end_session).
func (s *storage) TerminateSession(_ context.Context, userID, clientID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, t := range s.access {
		if t.subject == userID && t.clientID == clientID {
			delete(s.access, id)
		}
	}
	for tok, t := range s.refresh {
		if t.subject == userID && t.clientID == clientID {
			delete(s.refresh, tok)
		}
	}
	return nil
}

func (s *storage) GetRefreshTokenInfo(_ context.Context, clientID, token string) (string, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rt, ok := s.refresh[token]
	if !ok || rt.clientID != clientID {
		return "", "", op.ErrInvalidRefreshToken
	}
	return rt.subject, rt.token, nil
}

// RevokeToken (RFC 7009) ends an access token by id, or a refresh token
// with the access token issued alongside. An unknown token is not an error
// (§2.2).
func (s *storage) RevokeToken(_ context.Context, tokenOrID, _ string, clientID string) *oidc.Error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.access[tokenOrID]; ok {
		if t.clientID != clientID {
			return oidc.ErrInvalidClient().WithDescription("The token was issued to another client.")
		}
		delete(s.access, tokenOrID)
		return nil
	}
	if rt, ok := s.refresh[tokenOrID]; ok {
		if rt.clientID != clientID {
			return oidc.ErrInvalidClient().WithDescription("The token was issued to another client.")
		}
		delete(s.refresh, tokenOrID)
		delete(s.access, rt.access)
	}
	return nil
}

func (s *storage) SigningKey(context.Context) (op.SigningKey, error) { return s.key, nil }
func (s *storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.ES256}, nil
}
func (s *storage) KeySet(context.Context) ([]op.Key, error) { return []op.Key{publicKey{s.key}}, nil }

func (s *storage) GetClientByClientID(_ context.Context, id string) (op.Client, error) {
	c, ok := s.clients[id]
	if !ok {
		return nil, fmt.Errorf("no client %q on the demo server", id)
	}
	return c, nil
}

func (s *storage) AuthorizeClientIDSecret(context.Context, string, string) error {
	return errors.New("the demo server's clients are public: they have no secret")
}

// SetUserinfoFromScopes is deprecated in the library; SetUserinfoFromRequest
// fills the id_token.
func (s *storage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}

func (s *storage) SetUserinfoFromRequest(_ context.Context, ui *oidc.UserInfo, r op.IDTokenRequest, scopes []string) error {
	return setUserinfo(ui, r.GetSubject(), scopes)
}

// SetUserinfoFromToken answers the userinfo endpoint for a live access token.
func (s *storage) SetUserinfoFromToken(_ context.Context, ui *oidc.UserInfo, tokenID, subject, _ string) error {
	s.mu.Lock()
	t, ok := s.access[tokenID]
	live := ok && t.subject == subject && !s.now().After(t.expiry)
	var scopes []string
	if live {
		scopes = t.scopes
	}
	s.mu.Unlock()
	if !live {
		return errors.New("the access token is unknown, revoked or expired")
	}
	return setUserinfo(ui, subject, scopes)
}

func setUserinfo(ui *oidc.UserInfo, subject string, scopes []string) error {
	if subject != UserSubject {
		return errors.New("unknown user")
	}
	ui.Subject = UserSubject
	for _, sc := range scopes {
		switch sc {
		case oidc.ScopeProfile:
			ui.Name, ui.GivenName, ui.FamilyName, ui.PreferredUsername = UserName, UserGiven, UserFamily, UserLogin
		case oidc.ScopeEmail:
			ui.Email, ui.EmailVerified = UserEmail, true
		}
	}
	return nil
}

func (s *storage) SetIntrospectionFromToken(_ context.Context, r *oidc.IntrospectionResponse, tokenID, subject, clientID string) error {
	s.mu.Lock()
	t, ok := s.access[tokenID]
	live := ok && t.subject == subject && t.clientID == clientID && !s.now().After(t.expiry)
	s.mu.Unlock()
	if !live {
		return errors.New("the access token is unknown, revoked or expired")
	}
	r.Scope, r.ClientID, r.Expiration = t.scopes, t.clientID, oidc.FromTime(t.expiry)
	return nil
}

func (s *storage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return nil, nil
}

func (s *storage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errors.New("the demo server accepts no client keys")
}

func (s *storage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errors.New("the demo server has no JWT profile grant")
}

func (s *storage) Health(context.Context) error { return nil }

// StoreDeviceAuthorization keeps a new device code (RFC 8628 §3.2).
func (s *storage) StoreDeviceAuthorization(_ context.Context, clientID, deviceCode, userCode string, expires time.Time, scopes []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.purgeLocked()
	if _, ok := s.users[userCode]; ok {
		return op.ErrDuplicateUserCode
	}
	s.devices[deviceCode] = &deviceEntry{userCode: userCode, state: op.DeviceAuthorizationState{ClientID: clientID, Scopes: slices.Clone(scopes), Expires: expires}}
	s.users[userCode] = deviceCode
	return nil
}

// GetDeviceAuthorizatonState answers a poll with a copy of the state. Once
// the person has decided, the code is answered once and then forgotten, so
// a device code yields tokens at most once.
func (s *storage) GetDeviceAuthorizatonState(_ context.Context, clientID, deviceCode string) (*op.DeviceAuthorizationState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.devices[deviceCode]
	if !ok || d.state.ClientID != clientID {
		return nil, errNotFound
	}
	st := d.state
	if st.Done || st.Denied {
		delete(s.users, d.userCode)
		delete(s.devices, deviceCode)
	}
	return &st, nil
}

// device returns the pending device authorization for userCode.
func (s *storage) device(userCode string) (op.DeviceAuthorizationState, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.devices[s.users[userCode]]
	if !ok || d.state.Done || d.state.Denied || s.now().After(d.state.Expires) {
		return op.DeviceAuthorizationState{}, false
	}
	return d.state, true
}

// decideDevice records Allow (or Deny) for userCode.
func (s *storage) decideDevice(userCode string, allow bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.devices[s.users[userCode]]
	if !ok || d.state.Done || d.state.Denied || s.now().After(d.state.Expires) {
		return errNotFound
	}
	if !allow {
		d.state.Denied = true
		return nil
	}
	d.state.Done, d.state.Subject, d.state.AuthTime, d.state.AMR = true, UserSubject, s.now(), amr(true)
	return nil
}
