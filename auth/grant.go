package auth

import (
	"context"
	"net/http"
	"net/url"

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

// plainOAuth2 is OAuth 2.0 with nothing added: a sign-in takes the profile
// from userinfo_url (when set) with the access token; a refresh keeps the
// profile it has.
type plainOAuth2 struct {
	s *Service
	r *resolved
}

func (x plainOAuth2) hooks(kind grantKind, _ *Account) grantHooks {
	if kind == grantRefresh || x.r.userinfoURL == "" {
		return grantHooks{}
	}
	return grantHooks{complete: func(ctx context.Context, tok *oauth2.Token, a *Account) error {
		prof, err := getProfile(ctx, x.s.http, x.r.cfg.DisplayName(), x.r.userinfoURL, bearer(tok))
		if err != nil {
			return err
		}
		a.Profile = prof
		return nil
	}}
}

// bearer is the header that presents tok's access token (RFC 6750 §2.1).
func bearer(tok *oauth2.Token) http.Header {
	return http.Header{"Authorization": {"Bearer " + tok.AccessToken}}
}
