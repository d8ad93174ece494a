package auth

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/oauth2"
)

// grantKind names the OAuth 2.0 grant a token response comes from.
type grantKind int

// The grants Latchkey runs.
const (
	grantCode    grantKind = iota // authorization code (RFC 6749 §4.1): a sign-in in the browser
	grantDevice                   // device authorization (RFC 8628): a sign-in with a code
	grantRefresh                  // refresh token (RFC 6749 §6)
)

// extension is what a protocol built on OAuth 2.0 adds to its grants. The
// grants (oauth2.go, device.go, refresh.go) call the hooks it returns at
// fixed points and never ask which protocol they run: plain OAuth 2.0 is
// plainOAuth2, OpenID Connect is openIDConnect (oidc.go).
type extension interface {
	// hooks returns the hooks of one grant of kind; prev is the account a
	// refresh renews (nil otherwise).
	hooks(kind grantKind, prev *Account) grantHooks
}

// grantHooks are one grant's protocol hooks; zero fields add nothing.
// Per-grant secrets (OpenID Connect's nonce) live in their closures.
type grantHooks struct {
	// authParams are added to the authorization request (RFC 6749
	// §4.1.1), after providers.toml's authorize_params.
	authParams map[string]string
	// checkCallback judges the authorization response once its state
	// matched, before its error or code is read (RFC 9207 iss).
	checkCallback func(q url.Values) error
	// complete finishes the account a, whose token set came from tok
	// (a.Token.IDToken is "" when tok has none): verification, profile.
	// Nothing is stored when it fails.
	complete func(ctx context.Context, tok *oauth2.Token, a *Account) error
}

// plainOAuth2 is OAuth 2.0 with little added: a sign-in in the browser
// checks an iss in the authorization response (checkIssuer, RFC 9207) and
// takes the profile from userinfo_url (when set) with the access token; a
// refresh keeps the profile it has.
type plainOAuth2 struct {
	s *Service
	r *resolved
}

func (x plainOAuth2) hooks(kind grantKind, _ *Account) grantHooks {
	var h grantHooks
	if kind == grantCode {
		h.checkCallback = x.checkIssuer
	}
	if kind == grantRefresh || x.r.userinfoURL == "" {
		return h
	}
	h.complete = func(ctx context.Context, tok *oauth2.Token, a *Account) error {
		prof, err := getProfile(ctx, x.s.http, x.r.cfg.DisplayName(), x.r.userinfoURL, bearer(tok), x.r.cfg.Profile)
		if err != nil {
			return err
		}
		a.Profile = prof
		return nil
	}
	return h
}

// checkIssuer applies RFC 9207 §2.4 to an authorization response q of a
// plain OAuth 2.0 sign-in (error responses included). Without discovery
// Latchkey does not know the authorization server's issuer identifier, nor
// whether it always sends iss, so an absent iss is accepted. A present one
// must be a single value and equal the provider's issuer in providers.toml
// exactly when one is set there; otherwise it must be an absolute URL with
// the origin (scheme, host and port, RFC 6454 §4) of the configured
// authorize_url, whose path it may extend (issuers such as
// https://login.example.com/tenant). An answer issued by another server (a
// mix-up, RFC 9207 §1) is an *IssuerMismatchError before any code is
// exchanged. An issuer field for plain OAuth 2.0 in auth/provider would
// make the comparison exact everywhere.
func (x plainOAuth2) checkIssuer(q url.Values) error {
	iss, present := q["iss"]
	if !present {
		return nil
	}
	p := x.r.cfg
	want := p.Issuer
	mismatch := &IssuerMismatchError{Provider: p.DisplayName(), Source: "authorization", Configured: want}
	if want == "" {
		au, err := url.Parse(x.r.authorizeURL)
		if err != nil {
			return mismatch
		}
		mismatch.Configured = au.Scheme + "://" + au.Host
	}
	if mismatch.Got = strings.Join(iss, ", "); len(iss) != 1 || iss[0] == "" {
		mismatch.Empty = mismatch.Got == ""
		return mismatch
	}
	if want != "" {
		if iss[0] != want {
			return mismatch
		}
		return nil
	}
	got, err := url.Parse(iss[0])
	au, _ := url.Parse(x.r.authorizeURL)
	if err != nil || !got.IsAbs() || got.Host == "" || got.User != nil || got.RawQuery != "" || got.Fragment != "" || !sameOrigin(got, au) {
		return mismatch
	}
	return nil
}

// bearer is the header that presents tok's access token (RFC 6750 §2.1).
func bearer(tok *oauth2.Token) http.Header {
	return http.Header{"Authorization": {"Bearer " + tok.AccessToken}}
}
