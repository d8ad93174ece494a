package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"latchkey/auth/provider"
	"latchkey/loopback"
)

// oauth2Config is the client's part of the x/oauth2 configuration for p:
// client_id, the redirect URI of this sign-in ("" when there is none), and
// the client authentication its token endpoint uses (RFC 6749 §2.3). The
// endpoints and scopes are the resolved provider's (resolved.oauth2Config);
// postForm uses this part alone.
func oauth2Config(p *provider.Provider, redirectURI string) *oauth2.Config {
	c := &oauth2.Config{ClientID: p.ClientID, RedirectURL: redirectURI}
	switch p.TokenEndpointAuth {
	case provider.AuthBasic:
		c.ClientSecret = p.ClientSecret
		c.Endpoint.AuthStyle = oauth2.AuthStyleInHeader
	case provider.AuthPost:
		c.ClientSecret = p.ClientSecret
		c.Endpoint.AuthStyle = oauth2.AuthStyleInParams
	default: // none: a public client sends only client_id (RFC 6749 §2.3)
		c.Endpoint.AuthStyle = oauth2.AuthStyleInParams
	}
	return c
}

// loginOAuth2 signs in to an OAuth 2.0 or OpenID Connect provider p: it
// resolves p, then runs the authorization code grant.
func (s *Service) loginOAuth2(ctx context.Context, p *provider.Provider, opts LoginOptions) (*Account, error) {
	r, err := s.resolve(ctx, p)
	if err != nil {
		return nil, err
	}
	return s.authorizationCode(ctx, r, opts)
}

// authorizationCode runs the authorization code grant (RFC 6749 §4.1) with
// state (≥128 bits, single use) and PKCE S256 (RFC 7636) on every request,
// over a loopback redirect (RFC 8252), and with the hooks of r's protocol
// (grantHooks: extra authorization parameters, a check of the response,
// the completion of the account).
func (s *Service) authorizationCode(ctx context.Context, r *resolved, opts LoginOptions) (*Account, error) {
	p := r.cfg
	if r.authorizeURL == "" {
		return nil, &DeviceOnlyError{ID: p.ID, Name: p.DisplayName()}
	}
	h := r.ext.hooks(grantCode, nil)
	state := randomToken(32)
	verifier := oauth2.GenerateVerifier()
	srv, err := loopback.Start(loopback.Config{
		RedirectURI: p.RedirectURI,
		Timeout:     s.loginTimeout,
		Check:       func(q url.Values) error { return checkCallback(p, state, h.checkCallback, q) },
	})
	if err != nil {
		return nil, err
	}
	defer srv.Close()

	conf := r.oauth2Config(srv.RedirectURI())
	s.openBrowser(r.authCodeURL(conf, state, verifier, h.authParams), opts)

	q, err := srv.Wait(ctx)
	if err != nil {
		return nil, err
	}
	obtained := s.now() // before the request, so expiry is never late
	ctx = context.WithValue(ctx, oauth2.HTTPClient, s.http)
	tok, err := conf.Exchange(withEndpoint(ctx, p.DisplayName(), "token"), q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, tokenError(ctx, r, err)
	}
	return s.accountFromToken(ctx, r, tok, obtained, h)
}

// accountFromToken builds the account a token response signs in: the token
// set (expiry counted from obtained, a time taken before the request), then
// whatever the grant's complete hook adds (the profile from userinfo_url;
// for OpenID Connect the verified id_token merged with userinfo). Every
// OAuth 2.0 sign-in ends here.
func (s *Service) accountFromToken(ctx context.Context, r *resolved, tok *oauth2.Token, obtained time.Time, h grantHooks) (*Account, error) {
	set, err := tokenSet(r, tok, obtained)
	if err != nil {
		return nil, err
	}
	a := &Account{ProviderID: r.cfg.ID, Protocol: r.cfg.Protocol, Token: set, ObtainedAt: obtained}
	if h.complete != nil {
		if err := h.complete(ctx, tok, a); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// tokenSet converts an x/oauth2 token into ours. Only Bearer tokens are
// accepted (RFC 6750); the granted scopes replace the requested ones when
// the response names them (RFC 6749 §5.1).
func tokenSet(r *resolved, tok *oauth2.Token, obtained time.Time) (TokenSet, error) {
	if tt := tok.Type(); !strings.EqualFold(tt, "bearer") {
		return TokenSet{}, newResponseError(r.cfg.DisplayName(), "token", r.tokenURL, 0, "issued a token of type "+sanitize(tt)+", which Latchkey cannot use (only Bearer)")
	}
	set := TokenSet{
		AccessToken:  tok.AccessToken,
		TokenType:    "Bearer",
		RefreshToken: tok.RefreshToken,
		Scopes:       r.scopes,
	}
	if n := expiresIn(tok); n > 0 {
		set.Expiry = obtained.Add(secondsDuration(n))
	}
	if sc, ok := tok.Extra("scope").(string); ok && sc != "" {
		set.Scopes = strings.Fields(sc)
	}
	if id, ok := tok.Extra("id_token").(string); ok {
		set.IDToken = id
	}
	return set, nil
}

// expiresIn is tok's expires_in in seconds (RFC 6749 §5.1), read from the
// answer itself; 0 when it is absent, not a number, zero or negative: an
// unknown expiry, never a past one. x/oauth2's own Expiry is not used:
// it turns a negative expires_in into an expiry in the past, and for a
// form-encoded answer it is the only place the value is kept.
func expiresIn(tok *oauth2.Token) int64 {
	if tok.ExpiresIn != 0 {
		return max(tok.ExpiresIn, 0)
	}
	var raw map[string]any
	if v := tok.Extra("expires_in"); v != nil {
		raw = map[string]any{"expires_in": v}
	}
	switch v := raw["expires_in"].(type) {
	case float64:
		if v > 0 && v < 1<<40 {
			return int64(v)
		}
		if v >= 1<<40 {
			return 1 << 40
		}
		return 0
	case int64:
		return max(v, 0)
	}
	if n, ok := seconds(raw, "expires_in"); ok && n > 0 {
		return n
	}
	return 0
}

// checkCallback judges the authorization response (RFC 6749 §4.1.2): the
// state must match first, so a forged request learns nothing; then the
// protocol's check (check, when not nil: OpenID Connect's iss, RFC 9207
// §2.4, error responses included); then an error response becomes a
// *ProviderError; then a code is required.
func checkCallback(p *provider.Provider, state string, check func(url.Values) error, q url.Values) error {
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(state)) != 1 {
		return errStateMismatch
	}
	if check != nil {
		if err := check(q); err != nil {
			return err
		}
	}
	if code := q.Get("error"); code != "" {
		return &ProviderError{Provider: p.DisplayName(), Endpoint: "authorization", Code: sanitize(code), Description: q.Get("error_description"), URI: q.Get("error_uri")}
	}
	if q.Get("code") == "" {
		return errors.New("the provider's answer has neither a code nor an error; start the sign-in again")
	}
	return nil
}

// tokenError turns x/oauth2's errors into ours: an RFC 6749 §5.2 error
// response into *ProviderError, the guard's findings as they are.
func tokenError(ctx context.Context, r *resolved, err error) error {
	p := r.cfg
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		pe := &ProviderError{Provider: p.DisplayName(), Endpoint: "token", Code: sanitize(re.ErrorCode), Description: re.ErrorDescription, URI: re.ErrorURI}
		if re.Response != nil {
			pe.Status = re.Response.StatusCode
		}
		if pe.Code == "" {
			return newResponseError(p.DisplayName(), "token", r.tokenURL, pe.Status, "refused the code exchange without an OAuth error code")
		}
		return pe
	}
	if ctx.Err() != nil { // the person cancelled, or the sign-in ran out of time
		return ctx.Err()
	}
	var ue *url.Error
	var g *ResponseError
	if errors.As(err, &ue) || errors.As(err, &g) || errors.Is(err, context.DeadlineExceeded) {
		return requestError(ctx, p.DisplayName(), "token", r.tokenURL, err)
	}
	// x/oauth2 could not read the answer as a token response (RFC 6749
	// §5.1): its words name Go types, never show them.
	return newResponseError(p.DisplayName(), "token", r.tokenURL, 0, "gave an answer Latchkey cannot use: not a token response (JSON with an access_token and a token_type)")
}

// DeviceOnlyError says a provider offers only device sign-in (RFC 8628):
// it has a device_authorization_url and no authorize_url, so there is no
// page to open in the browser.
type DeviceOnlyError struct{ ID, Name string }

func (e *DeviceOnlyError) Error() string {
	return e.Name + " offers only device sign-in (sign-in with a code): it has no authorize_url"
}
