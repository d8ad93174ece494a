package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"latchkey/auth/provider"
	"latchkey/loopback"
)

// oauth2Config builds the x/oauth2 configuration for p with the loopback
// redirect URI of this sign-in.
func oauth2Config(p *provider.Provider, redirectURI string) *oauth2.Config {
	c := &oauth2.Config{
		ClientID:    p.ClientID,
		RedirectURL: redirectURI,
		Scopes:      p.Scopes,
		Endpoint: oauth2.Endpoint{
			AuthURL:  p.AuthorizeURL,
			TokenURL: p.AccessTokenURL,
		},
	}
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

// loginOAuth2 runs the authorization code grant (RFC 6749 §4.1) with state
// (≥128 bits, single use) and PKCE S256 (RFC 7636) on every request, over a
// loopback redirect (RFC 8252).
func (s *Service) loginOAuth2(ctx context.Context, p *provider.Provider, opts LoginOptions) (*Account, error) {
	return s.authorizationCode(ctx, p, opts, nil)
}

// authorizationCode is the code flow of loginOAuth2; with o (OpenID
// Connect, p resolved) it also sends o's nonce, checks the authorization
// response's iss (RFC 9207) and has the id_token verified.
func (s *Service) authorizationCode(ctx context.Context, p *provider.Provider, opts LoginOptions, o *oidcRequest) (*Account, error) {
	if p.AuthorizeURL == "" {
		return nil, fmt.Errorf("%s offers only device sign-in (no authorize_url): run `latchkey login %s --device`, or press Sign in with a code", p.DisplayName(), p.ID)
	}
	state := randomToken(32)
	verifier := oauth2.GenerateVerifier()
	srv, err := loopback.Start(loopback.Config{
		RedirectURI: p.RedirectURI,
		Timeout:     s.loginTimeout,
		Check:       func(q url.Values) error { return checkCallback(p, state, o, q) },
	})
	if err != nil {
		return nil, err
	}
	defer srv.Close()

	conf := oauth2Config(p, srv.RedirectURI())
	authOpts := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(verifier)}
	for k, v := range p.AuthorizeParams {
		authOpts = append(authOpts, oauth2.SetAuthURLParam(k, v))
	}
	nonce := ""
	if o != nil {
		nonce = o.nonce
		authOpts = append(authOpts, oauth2.SetAuthURLParam("nonce", nonce))
	}
	s.openBrowser(conf.AuthCodeURL(state, authOpts...), opts)

	q, err := srv.Wait(ctx)
	if err != nil {
		return nil, err
	}
	obtained := s.now() // before the request, so expiry is never late
	ctx = context.WithValue(ctx, oauth2.HTTPClient, s.http)
	tok, err := conf.Exchange(withEndpoint(ctx, p.DisplayName(), "token"), q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, tokenError(p, err)
	}
	return s.accountFromToken(ctx, p, tok, obtained, nonce)
}

// accountFromToken builds the account a token response signs in: the token
// set (expiry counted from obtained, a time taken before the request), then
// the profile from userinfo_url. For OpenID Connect the id_token is
// required and verified first (completeOIDC), with nonce when it is not ""
// (a grant without one, like the device grant, passes ""), and the profile
// merges its claims with userinfo. Every OAuth 2.0 grant ends here.
func (s *Service) accountFromToken(ctx context.Context, p *provider.Provider, tok *oauth2.Token, obtained time.Time, nonce string) (*Account, error) {
	set, err := tokenSet(p, tok, obtained)
	if err != nil {
		return nil, err
	}
	a := &Account{ProviderID: p.ID, Protocol: p.Protocol, Token: set, ObtainedAt: obtained}
	if p.Protocol == provider.OIDC {
		if err := s.completeOIDC(ctx, p, tok, nonce, a); err != nil {
			return nil, err
		}
		return a, nil
	}
	if p.UserinfoURL != "" {
		h := http.Header{"Authorization": {"Bearer " + tok.AccessToken}}
		if a.Profile, err = s.fetchProfile(ctx, p, s.http, h); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// tokenSet converts an x/oauth2 token into ours. Only Bearer tokens are
// accepted (RFC 6750); the granted scopes replace the requested ones when
// the response names them (RFC 6749 §5.1).
func tokenSet(p *provider.Provider, tok *oauth2.Token, obtained time.Time) (TokenSet, error) {
	if tt := tok.Type(); !strings.EqualFold(tt, "bearer") {
		return TokenSet{}, &ResponseError{Provider: p.DisplayName(), Endpoint: "token", URL: endpointURL(p.AccessTokenURL), Problem: "issued a token of type " + tt + ", which Latchkey cannot use (only Bearer)"}
	}
	set := TokenSet{
		AccessToken:  tok.AccessToken,
		TokenType:    "Bearer",
		RefreshToken: tok.RefreshToken,
		Scopes:       p.Scopes,
	}
	if tok.ExpiresIn > 0 {
		set.Expiry = obtained.Add(secondsDuration(tok.ExpiresIn))
	} else if !tok.Expiry.IsZero() {
		set.Expiry = tok.Expiry
	}
	if sc, ok := tok.Extra("scope").(string); ok && sc != "" {
		set.Scopes = strings.Fields(sc)
	}
	if id, ok := tok.Extra("id_token").(string); ok {
		set.IDToken = id
	}
	return set, nil
}

// checkCallback judges the authorization response (RFC 6749 §4.1.2): the
// state must match first, so a forged request learns nothing; then, for
// OpenID Connect (o not nil), its iss (RFC 9207 §2.4, error responses
// included); then an error response becomes a *ProviderError; then a code
// is required.
func checkCallback(p *provider.Provider, state string, o *oidcRequest, q url.Values) error {
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(state)) != 1 {
		return errStateMismatch
	}
	if o != nil {
		if err := o.checkIssuer(p, q); err != nil {
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
func tokenError(p *provider.Provider, err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		pe := &ProviderError{Provider: p.DisplayName(), Endpoint: "token", Code: sanitize(re.ErrorCode), Description: re.ErrorDescription, URI: re.ErrorURI}
		if re.Response != nil {
			pe.Status = re.Response.StatusCode
		}
		if pe.Code == "" {
			return &ResponseError{Provider: p.DisplayName(), Endpoint: "token", URL: endpointURL(p.AccessTokenURL), Status: pe.Status, Problem: "refused the code exchange without an OAuth error code"}
		}
		return pe
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var g *ResponseError
	if errors.As(err, &g) {
		return g
	}
	where := endpointURL(p.AccessTokenURL)
	var ue *url.Error
	if errors.As(err, &ue) {
		return &ResponseError{Provider: p.DisplayName(), Endpoint: "token", URL: where, Problem: "could not be reached (" + sanitize(ue.Err.Error()) + ")"}
	}
	return &ResponseError{Provider: p.DisplayName(), Endpoint: "token", URL: where, Problem: "gave an answer Latchkey cannot use (" + sanitize(err.Error()) + ")"}
}
