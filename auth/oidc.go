package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"

	"golang.org/x/oauth2"

	"latchkey/auth/oidc"
	"latchkey/auth/provider"
)

// OpenID Connect is the OAuth 2.0 grants with the hooks of openIDConnect;
// discovery, the key set and id_token verification are package
// latchkey/auth/oidc. The names below keep its error types where callers
// of auth look for them (errors.As works on either name).

// IDTokenCheck names the id_token check that failed (oidc.IDTokenCheck).
type IDTokenCheck = oidc.IDTokenCheck

// The checks an id_token goes through, in this order (see oidc).
const (
	CheckMissing         = oidc.CheckMissing
	CheckMalformed       = oidc.CheckMalformed
	CheckAlgorithm       = oidc.CheckAlgorithm
	CheckIssuer          = oidc.CheckIssuer
	CheckAudience        = oidc.CheckAudience
	CheckAuthorizedParty = oidc.CheckAuthorizedParty
	CheckKey             = oidc.CheckKey
	CheckSignature       = oidc.CheckSignature
	CheckExpiry          = oidc.CheckExpiry
	CheckIssuedAt        = oidc.CheckIssuedAt
	CheckNonce           = oidc.CheckNonce
	CheckAccessTokenHash = oidc.CheckAccessTokenHash
	CheckSubject         = oidc.CheckSubject
	CheckUserinfoSubject = oidc.CheckUserinfoSubject
	CheckClaims          = oidc.CheckClaims
)

// IDTokenError says that an id_token (or the userinfo answer that goes
// with it) was refused (oidc.IDTokenError).
type IDTokenError = oidc.IDTokenError

// IssuerMismatchError says that a provider answered under another issuer
// than the configured one (oidc.IssuerMismatchError).
type IssuerMismatchError = oidc.IssuerMismatchError

// idTokenSkew is the clock difference tolerated on an id_token's times.
const idTokenSkew = oidc.Skew

// IDTokenClaims decodes the payload of the id_token raw WITHOUT verifying
// anything, for display only (the window shows a stored id_token, verified
// when it was received). Never base a decision on its result.
func IDTokenClaims(raw string) (map[string]any, error) {
	_, claims, err := oidc.DecodeUnverified(raw)
	if err != nil {
		return nil, fmt.Errorf("the id_token is unreadable (%w)", err)
	}
	return claims, nil
}

// oidcSource is how package oidc reaches p: getDocument through the
// Service's guarded client, with p's name in messages.
func (s *Service) oidcSource(p *provider.Provider) oidc.Source {
	name := p.DisplayName()
	return oidc.Source{Provider: name, Get: func(ctx context.Context, role, rawURL, notOK string) (*oidc.Document, error) {
		d, err := getDocument(ctx, s.http, name, role, rawURL, nil, notOK)
		if err != nil {
			return nil, err
		}
		return &oidc.Document{Body: d.body, Fail: d.fail}, nil
	}}
}

// resolveOIDC completes r (filled from providers.toml by resolve) from the
// issuer's discovery: the endpoints providers.toml leaves empty, the
// openid scope ensured (on a copy), and the OpenID Connect hooks.
func (s *Service) resolveOIDC(ctx context.Context, r *resolved) error {
	p := r.cfg
	src := s.oidcSource(p)
	iss, err := s.issuers.Discover(ctx, src, p.Issuer)
	if err != nil {
		return err
	}
	fill := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	md := iss.Metadata
	fill(&r.authorizeURL, md.AuthorizationEndpoint)
	fill(&r.tokenURL, md.TokenEndpoint)
	fill(&r.userinfoURL, md.UserinfoEndpoint)
	fill(&r.revokeURL, md.RevocationEndpoint)
	fill(&r.deviceURL, md.DeviceAuthorizationEndpoint)
	if !slices.Contains(r.scopes, oidc.ScopeOpenID) {
		r.scopes = append([]string{oidc.ScopeOpenID}, r.scopes...)
	}
	for _, e := range [][2]string{{"authorize_url", r.authorizeURL}, {"access_token_url", r.tokenURL}} {
		if e[1] == "" {
			return fmt.Errorf("%s: neither providers.toml nor the discovery document names the %s; set %s in providers.toml", p.DisplayName(), e[0], e[0])
		}
	}
	r.issuer = iss
	r.ext = &openIDConnect{s: s, r: r, src: src}
	return nil
}

// openIDConnect is what OpenID Connect adds to the OAuth 2.0 grants: to a
// sign-in in the browser a nonce (≥128 bits, crypto/rand) and the RFC 9207
// iss check of the authorization response; to every grant the completion
// (complete): the id_token verified before anything is stored.
type openIDConnect struct {
	s   *Service
	r   *resolved
	src oidc.Source
}

func (o *openIDConnect) hooks(kind grantKind, prev *Account) grantHooks {
	var h grantHooks
	nonce := ""
	if kind == grantCode {
		nonce = randomToken(32)
		h.authParams = map[string]string{"nonce": nonce}
		name := o.r.cfg.DisplayName()
		h.checkCallback = func(q url.Values) error { return o.r.issuer.CheckResponse(name, q) }
	}
	h.complete = func(ctx context.Context, tok *oauth2.Token, a *Account) error {
		return o.complete(ctx, tok, a, nonce, prev)
	}
	return h
}

// complete finishes an OpenID Connect grant for a, whose token set came
// from tok. On a sign-in (prev nil) the id_token is required and verified
// (with nonce when not "": the device grant has none; at_hash against the
// access token), userinfo is fetched with the access token and must name
// the same sub (Core §5.3.2), and the profile merges both (userinfo wins
// where they differ). On a refresh (Core §12.2) an id_token is optional;
// one that comes is verified without nonce or at_hash, must name the
// person prev was signed in as (from prev's stored id_token, else its
// profile; not checked when neither is known), and the profile is kept.
func (o *openIDConnect) complete(ctx context.Context, tok *oauth2.Token, a *Account, nonce string, prev *Account) error {
	p := o.r.cfg
	want := oidc.Expect{ClientID: p.ClientID, Nonce: nonce, Now: o.s.now()}
	if prev != nil {
		if a.Token.IDToken == "" {
			return nil
		}
		want.Subject = prev.Profile.Subject
		if c, err := IDTokenClaims(prev.Token.IDToken); err == nil {
			if sub, ok := c["sub"].(string); ok && sub != "" {
				want.Subject = sub
			}
		}
		_, err := o.r.issuer.Verify(ctx, o.src, a.Token.IDToken, want)
		return err
	}
	if a.Token.IDToken == "" {
		return &IDTokenError{Provider: p.DisplayName(), Check: CheckMissing, Detail: "the token response has none although this is an OpenID Connect sign-in"}
	}
	want.AccessToken = tok.AccessToken
	claims, err := o.r.issuer.Verify(ctx, o.src, a.Token.IDToken, want)
	if err != nil {
		return err
	}
	merged := map[string]any{}
	for k, v := range claims {
		if !protocolClaims[k] {
			merged[k] = v
		}
	}
	if o.r.userinfoURL != "" {
		ui, err := getProfile(ctx, o.s.http, p.DisplayName(), o.r.userinfoURL, bearer(tok))
		if err != nil {
			return err
		}
		var doc map[string]any
		if err := json.Unmarshal(ui.Raw, &doc); err != nil {
			return err // getProfile parsed it already
		}
		sub, _ := doc["sub"].(string)
		if idSub, _ := claims["sub"].(string); sub != idSub { // Core §5.3.2
			detail := "it is about another person (its sub differs)"
			if sub == "" {
				detail = "it has no sub"
			}
			return &IDTokenError{Provider: p.DisplayName(), Check: CheckUserinfoSubject, Detail: detail}
		}
		for k, v := range doc {
			merged[k] = v
		}
	}
	raw, err := json.Marshal(merged)
	if err != nil {
		return err
	}
	if a.Profile, err = profileFromJSON(raw, p.Profile); err != nil {
		return err
	}
	return nil
}

// protocolClaims are id_token claims about the token, not the person: they
// stay out of the profile (IDTokenClaims shows them).
var protocolClaims = map[string]bool{
	"iss": true, "aud": true, "azp": true, "exp": true, "iat": true, "nbf": true, "jti": true,
	"nonce": true, "at_hash": true, "c_hash": true, "s_hash": true, "auth_time": true,
	"acr": true, "amr": true, "sid": true, "rat": true,
}
