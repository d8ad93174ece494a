// Package authtest holds in-process identity providers for tests: real
// servers on 127.0.0.1 whose protocol logic is independent of Latchkey's
// (OAuth 2.0 on github.com/ory/fosite; OAuth 1.0a with its own RFC 5849
// signature check), and a fake browser that performs the GETs a person's
// browser would. Nothing here is used by the app itself.
package authtest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ory/fosite"
	"github.com/ory/fosite/compose"
	"github.com/ory/fosite/handler/openid"
	"github.com/ory/fosite/storage"
	"github.com/ory/fosite/token/jwt"
	"golang.org/x/crypto/bcrypt"
)

// OAuth2 test client ids registered on every OAuth2 server.
const (
	PublicClientID = "latchkey-public" // token_endpoint_auth = none
	BasicClientID  = "latchkey-basic"  // accepts client_secret_basic only
	PostClientID   = "latchkey-post"   // accepts client_secret_post only
	ClientSecret   = "s3cret-for-tests-only"
)

// User is the person every OAuth2 server signs in.
var User = map[string]any{
	"sub":                "user-42",
	"name":               "Ada Lovelace",
	"preferred_username": "ada",
	"email":              "ada@example.com",
	"picture":            "https://example.com/ada.png",
}

// OAuth2 is an OAuth 2.0 authorization server built on ory/fosite, serving
// on 127.0.0.1: authorization code grant with PKCE enforced (S256 only),
// refresh tokens, and a userinfo endpoint that validates the bearer token.
// It is an OpenID Provider too (see oidc.go): with the openid scope the
// token endpoint issues an RS256 id_token carrying the request's nonce, on
// sign-in and on refresh; discovery and a JWKS are served, and
// authorization responses carry iss (RFC 9207). The authorization endpoint
// consents at once, as if the person had pressed Allow.
type OAuth2 struct {
	*httptest.Server
	Provider fosite.OAuth2Provider
	Config   *fosite.Config
	Store    *storage.MemoryStore

	mu sync.Mutex
	// Deny, when set, makes the authorization endpoint answer
	// error=access_denied with this description.
	deny string
	// tokenOverride, when set, answers the token endpoint instead of fosite.
	tokenOverride http.HandlerFunc
	// userinfoOverride, when set, answers the userinfo endpoint.
	userinfoOverride http.HandlerFunc
	revokeOverride   http.HandlerFunc
	noPicture        bool
	requests         []Request

	key             *rsa.PrivateKey // signs fosite's id_tokens, kid KeyID
	discoveryEdit   func(map[string]any)
	idTokenOverride func(string, map[string]any) string
	responseIssuer  *string // nil: Issuer()
	published       []*SigningKey
}

// Request is what the server saw, for assertions.
type Request struct {
	Method, Path string
	Form         map[string][]string // query and form body
	AuthHeader   bool                // an Authorization header was present
}

// NewOAuth2 starts a server and stops it at the end of the test.
func NewOAuth2(t testing.TB) *OAuth2 {
	t.Helper()
	s, err := StartOAuth2()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// StartOAuth2 starts a server outside a test (see cmd/fakeidp); the caller
// closes it.
func StartOAuth2() (*OAuth2, error) {
	s := &OAuth2{}
	mux := http.NewServeMux()
	mux.HandleFunc("/authorize", s.authorize)
	mux.HandleFunc("/token", s.token)
	mux.HandleFunc("/userinfo", s.userinfo)
	mux.HandleFunc("/revoke", s.revoke)
	mux.HandleFunc("/.well-known/openid-configuration", s.discovery)
	mux.HandleFunc("/jwks", s.jwks)
	s.Server = httptest.NewServer(s.record(mux))
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	s.key = key
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	s.Config = &fosite.Config{
		AccessTokenLifespan:            time.Hour,
		AuthorizeCodeLifespan:          5 * time.Minute,
		GlobalSecret:                   secret,
		EnforcePKCE:                    true,
		EnablePKCEPlainChallengeMethod: false,
		RefreshTokenScopes:             []string{}, // refresh tokens for every grant
		ScopeStrategy:                  fosite.ExactScopeStrategy,
		AudienceMatchingStrategy:       fosite.DefaultAudienceMatchingStrategy,
		IDTokenIssuer:                  s.URL,
	}
	s.Store = storage.NewMemoryStore()
	hash, err := bcrypt.GenerateFromPassword([]byte(ClientSecret), bcrypt.MinCost)
	if err != nil {
		return nil, err
	}
	common := fosite.DefaultClient{
		// What a person registers (any port, RFC 8252 §7.3): the default
		// redirect URI of the ids tests and fakeidp use, and the old one.
		RedirectURIs:  []string{"http://127.0.0.1/callback/idp", "http://127.0.0.1/callback/example", "http://127.0.0.1/callback"},
		ResponseTypes: []string{"code"},
		GrantTypes:    []string{"authorization_code", "refresh_token"},
		Scopes:        []string{"openid", "profile", "email", "read", "write", "offline_access"},
	}
	public := common
	public.ID, public.Public = PublicClientID, true
	s.Store.Clients[public.ID] = &public
	for id, method := range map[string]string{BasicClientID: "client_secret_basic", PostClientID: "client_secret_post"} {
		c := common
		c.ID, c.Secret = id, hash
		s.Store.Clients[id] = &fosite.DefaultOpenIDConnectClient{DefaultClient: &c, TokenEndpointAuthMethod: method}
	}
	s.Provider = compose.Compose(s.Config, s.Store,
		&compose.CommonStrategy{
			CoreStrategy:               compose.NewOAuth2HMACStrategy(s.Config),
			OpenIDConnectTokenStrategy: compose.NewOpenIDConnectStrategy(func(context.Context) (any, error) { return key, nil }, s.Config),
			Signer:                     &jwt.DefaultSigner{GetPrivateKey: func(context.Context) (any, error) { return key, nil }},
		},
		compose.OAuth2AuthorizeExplicitFactory,
		compose.OAuth2RefreshTokenGrantFactory,
		compose.OpenIDConnectExplicitFactory,
		compose.OpenIDConnectRefreshFactory,
		compose.OAuth2TokenIntrospectionFactory,
		compose.OAuth2TokenRevocationFactory,
		compose.OAuth2PKCEFactory,
	)
	return s, nil
}

// AuthorizeURL and TokenURL are the server's endpoints.
func (s *OAuth2) AuthorizeURL() string { return s.URL + "/authorize" }

// TokenURL is the token endpoint.
func (s *OAuth2) TokenURL() string { return s.URL + "/token" }

// ProviderTOML is a providers.toml entry for this server: the given id,
// name and client (auth: "none", "client_secret_basic" or
// "client_secret_post", with ClientSecret), its endpoints and scopes
// read and email. extra lines go inside the same table.
func (s *OAuth2) ProviderTOML(id, name, clientID, auth string, extra ...string) string {
	secret := ""
	if auth != "none" {
		secret = fmt.Sprintf("client_secret = %q\n", ClientSecret)
	}
	return fmt.Sprintf(`
[[provider]]
id = %q
name = %q
protocol = "oauth2"
client_id = %q
%stoken_endpoint_auth = %q
authorize_url = %q
access_token_url = %q
userinfo_url = %q
scopes = ["read", "email"]
%s`, id, name, clientID, secret, auth, s.AuthorizeURL(), s.TokenURL(), s.UserinfoURL(), strings.Join(extra, "\n"))
}

// OIDCProviderTOML is a providers.toml entry "idp" ("Test IdP") for this
// server as an OpenID Connect provider: the public client and the issuer
// only, the rest comes from discovery. extra lines go inside the table.
func (s *OAuth2) OIDCProviderTOML(extra ...string) string {
	return fmt.Sprintf(`
[[provider]]
id = "idp"
name = "Test IdP"
protocol = "oidc"
client_id = %q
issuer = %q
scopes = ["email"]
%s`, PublicClientID, s.Issuer(), strings.Join(extra, "\n"))
}

// SpendRefreshToken redeems refreshToken for the public client directly,
// as another program would, and returns the OAuth error code of the answer
// ("" when the token was accepted, and so rotated).
func (s *OAuth2) SpendRefreshToken(t testing.TB, refreshToken string) string {
	t.Helper()
	resp, err := http.PostForm(s.TokenURL(), url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refreshToken}, "client_id": {PublicClientID}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var answer struct {
		Error string `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil && resp.StatusCode != http.StatusOK {
		t.Fatalf("the token endpoint answered %d without a JSON error", resp.StatusCode)
	}
	return answer.Error
}

// RefreshGrants counts the refresh_token grants the server received.
func (s *OAuth2) RefreshGrants() int {
	n := 0
	for _, r := range s.Requests() {
		if r.Path == "/token" && len(r.Form["grant_type"]) > 0 && r.Form["grant_type"][0] == "refresh_token" {
			n++
		}
	}
	return n
}

// RevokeURL is the RFC 7009 revocation endpoint.
func (s *OAuth2) RevokeURL() string { return s.URL + "/revoke" }

// UserinfoURL is the profile endpoint.
func (s *OAuth2) UserinfoURL() string { return s.URL + "/userinfo" }

// Deny makes the authorization endpoint refuse with access_denied.
func (s *OAuth2) Deny(description string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deny = description
}

// OverrideToken makes h answer the token endpoint instead of fosite (to
// misbehave: HTML, 5xx, huge bodies). nil restores fosite.
func (s *OAuth2) OverrideToken(h http.HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokenOverride = h
}

// OverrideUserinfo makes h answer the userinfo endpoint.
func (s *OAuth2) OverrideUserinfo(h http.HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.userinfoOverride = h
}

// OmitPicture leaves "picture" out of the profile, so a client shown the
// profile makes no request for it (fakeidp: the smoke run must not reach
// for example.com).
func (s *OAuth2) OmitPicture() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.noPicture = true
}

// profile is User as this server answers it.
func (s *OAuth2) profile() map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]any{}
	for k, v := range User {
		if k == "picture" && s.noPicture {
			continue
		}
		out[k] = v
	}
	return out
}

// Requests returns every request the server received, in order.
func (s *OAuth2) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

func (s *OAuth2) record(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		form := map[string][]string{}
		for k, v := range r.Form {
			form[k] = append([]string(nil), v...)
		}
		s.mu.Lock()
		s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Form: form, AuthHeader: r.Header.Get("Authorization") != ""})
		s.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

func (s *OAuth2) authorize(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	w = s.withResponseIssuer(w)
	ar, err := s.Provider.NewAuthorizeRequest(ctx, r)
	if err != nil {
		s.Provider.WriteAuthorizeError(ctx, w, ar, err)
		return
	}
	s.mu.Lock()
	deny := s.deny
	s.mu.Unlock()
	if deny != "" {
		s.Provider.WriteAuthorizeError(ctx, w, ar, fosite.ErrAccessDenied.WithDescription(deny))
		return
	}
	for _, sc := range ar.GetRequestedScopes() {
		ar.GrantScope(sc)
	}
	resp, err := s.Provider.NewAuthorizeResponse(ctx, ar, s.session())
	if err != nil {
		s.Provider.WriteAuthorizeError(ctx, w, ar, err)
		return
	}
	s.Provider.WriteAuthorizeResponse(ctx, w, ar, resp)
}

// session is the person's fosite session. Its id_token claims carry name
// and email besides sub, so a client can merge them with userinfo.
func (s *OAuth2) session() *openid.DefaultSession {
	return &openid.DefaultSession{
		Claims: &jwt.IDTokenClaims{
			Subject: User["sub"].(string), Issuer: s.URL, RequestedAt: time.Now().UTC(), AuthTime: time.Now().UTC(),
			Extra: map[string]any{"name": User["name"], "email": User["email"]},
		},
		Headers: &jwt.Headers{Extra: map[string]any{"kid": KeyID}},
		Subject: User["sub"].(string),
	}
}

func (s *OAuth2) token(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	override := s.tokenOverride
	idOverride := s.idTokenOverride
	s.mu.Unlock()
	if override != nil {
		override(w, r)
		return
	}
	if idOverride != nil {
		s.rewriteIDToken(w, r, idOverride)
		return
	}
	s.fositeToken(w, r)
}

// fositeToken answers the token endpoint with fosite.
func (s *OAuth2) fositeToken(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ar, err := s.Provider.NewAccessRequest(ctx, r, s.session())
	if err != nil {
		s.Provider.WriteAccessError(ctx, w, ar, err)
		return
	}
	resp, err := s.Provider.NewAccessResponse(ctx, ar)
	if err != nil {
		s.Provider.WriteAccessError(ctx, w, ar, err)
		return
	}
	s.Provider.WriteAccessResponse(ctx, w, ar, resp)
}

func (s *OAuth2) userinfo(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	override := s.userinfoOverride
	s.mu.Unlock()
	if override != nil {
		override(w, r)
		return
	}
	ctx := r.Context()
	_, _, err := s.Provider.IntrospectToken(ctx, fosite.AccessTokenFromRequest(r), fosite.AccessToken, s.session())
	if err != nil {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		http.Error(w, `{"error":"invalid_token"}`, http.StatusUnauthorized)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(s.profile())
}

func (s *OAuth2) revoke(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	override := s.revokeOverride
	s.mu.Unlock()
	if override != nil {
		override(w, r)
		return
	}
	err := s.Provider.NewRevocationRequest(r.Context(), r)
	s.Provider.WriteRevocationResponse(r.Context(), w, err)
}

// OverrideRevoke makes h answer the revocation endpoint instead of fosite.
func (s *OAuth2) OverrideRevoke(h http.HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revokeOverride = h
}
