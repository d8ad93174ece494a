package auth

import (
	"context"

	"golang.org/x/oauth2"

	"latchkey/auth/oidc"
	"latchkey/auth/provider"
)

// resolved is a provider as one OAuth 2.0 operation (a sign-in, a device
// sign-in, a refresh, a revocation) uses it: every endpoint and the scopes
// it talks with, decided once by resolve at the start of the operation and
// passed down. Nothing below resolve reads an endpoint or the scopes from
// the configured provider; cfg serves for the client (client_id, its
// authentication, redirect_uri, authorize_params) and for messages.
type resolved struct {
	cfg *provider.Provider

	authorizeURL string // "" for a device-only entry
	tokenURL     string
	userinfoURL  string // "": no profile request
	revokeURL    string // "": no revocation (RFC 7009)
	deviceURL    string // "": no device sign-in (RFC 8628)
	scopes       []string

	// issuer is what OpenID Connect discovery said; nil for plain OAuth 2.0.
	issuer *oidc.Issuer
	// ext is what the protocol adds to the OAuth 2.0 grants (grant.go).
	ext extension
}

// resolve returns p as the operation starting now uses it. For OAuth 2.0
// that is the configured endpoints and scopes, with nothing added to the
// grants. For OpenID Connect, authorize_url, access_token_url,
// userinfo_url, revoke_url (discovery's revocation_endpoint) and
// device_authorization_url come from the issuer's discovery document
// unless providers.toml sets them, the scopes include openid, and the
// grants carry the OpenID Connect hooks (oidc.go); discovery is fetched
// once per issuer for the Service's lifetime (oidc.Cache). Every OAuth 2.0
// operation calls resolve exactly once, first; OAuth 1.0a flows use the
// configured provider as it is. Safe for concurrent use.
func (s *Service) resolve(ctx context.Context, p *provider.Provider) (*resolved, error) {
	r := &resolved{
		cfg:          p,
		authorizeURL: p.AuthorizeURL,
		tokenURL:     p.AccessTokenURL,
		userinfoURL:  p.UserinfoURL,
		revokeURL:    p.RevokeURL,
		deviceURL:    p.DeviceAuthorizationURL,
		scopes:       p.Scopes,
	}
	if p.Protocol == provider.OIDC {
		if err := s.resolveOIDC(ctx, r); err != nil {
			return nil, err
		}
		return r, nil
	}
	r.ext = plainOAuth2{s: s, r: r}
	return r, nil
}

// oauth2Config is the x/oauth2 configuration of r with the loopback
// redirect URI of this sign-in ("" when there is none): the client's part
// from oauth2Config, r's endpoints and scopes.
func (r *resolved) oauth2Config(redirectURI string) *oauth2.Config {
	c := oauth2Config(r.cfg, redirectURI)
	c.Scopes = r.scopes
	c.Endpoint.AuthURL = r.authorizeURL
	c.Endpoint.TokenURL = r.tokenURL
	return c
}

// authCodeURL is the authorization request (RFC 6749 §4.1.1) of a sign-in
// with conf (r.oauth2Config), state and the PKCE verifier (sent as its S256
// challenge, RFC 7636 §4.3): r's authorize_params, then extra (the
// protocol's own, e.g. OpenID Connect's nonce).
func (r *resolved) authCodeURL(conf *oauth2.Config, state, verifier string, extra map[string]string) string {
	authOpts := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(verifier)}
	for k, v := range r.cfg.AuthorizeParams {
		authOpts = append(authOpts, oauth2.SetAuthURLParam(k, v))
	}
	for k, v := range extra {
		authOpts = append(authOpts, oauth2.SetAuthURLParam(k, v))
	}
	return conf.AuthCodeURL(state, authOpts...)
}
