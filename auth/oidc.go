package auth

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	jose "github.com/go-jose/go-jose/v4"
	"golang.org/x/oauth2"

	"latchkey/auth/provider"
)

// idTokenSkew is the clock difference tolerated between this computer and
// the provider when judging an id_token's exp and iat.
const idTokenSkew = 2 * time.Minute

// asymmetricAlgs are the JWS algorithms Latchkey accepts on an id_token,
// whatever a provider advertises: signatures a public key from the JWKS can
// check. HMAC (HS*, keyed with the client secret) and "none" are never
// accepted.
var asymmetricAlgs = []string{
	oidc.RS256, oidc.RS384, oidc.RS512,
	oidc.ES256, oidc.ES384, oidc.ES512,
	oidc.PS256, oidc.PS384, oidc.PS512,
	oidc.EdDSA,
}

// IDTokenCheck names the id_token check that failed (OpenID Connect Core
// §3.1.3.7, §12.2).
type IDTokenCheck string

// The checks an id_token goes through, in this order.
const (
	CheckMissing         IDTokenCheck = "missing"   // no id_token in an OpenID Connect token response
	CheckMalformed       IDTokenCheck = "malformed" // not a compact JWS, or a required claim is missing
	CheckAlgorithm       IDTokenCheck = "alg"       // "none", or not in the allow-list
	CheckIssuer          IDTokenCheck = "iss"       // not exactly the configured issuer
	CheckAudience        IDTokenCheck = "aud"       // client_id not among the audiences
	CheckAuthorizedParty IDTokenCheck = "azp"       // several audiences without azp = client_id
	CheckKey             IDTokenCheck = "kid"       // signed with a key the JWKS does not list, even refetched
	CheckSignature       IDTokenCheck = "signature" // the signature does not verify
	CheckExpiry          IDTokenCheck = "exp"       // expired (or not yet valid: nbf)
	CheckIssuedAt        IDTokenCheck = "iat"       // issued in the future
	CheckNonce           IDTokenCheck = "nonce"     // not this sign-in's nonce
	CheckAccessTokenHash IDTokenCheck = "at_hash"   // does not match the access token issued with it
	CheckSubject         IDTokenCheck = "sub"       // a refreshed id_token names another person
	CheckUserinfoSubject IDTokenCheck = "userinfo"  // userinfo names another person than the id_token
	CheckClaims          IDTokenCheck = "claims"    // refused by go-oidc's verifier for another reason
)

// IDTokenError says that an OpenID Connect id_token (or the userinfo answer
// that goes with it) was refused: nothing from that sign-in or refresh was
// stored. Detail says what was wrong; it never holds a token.
type IDTokenError struct {
	Provider string // display name
	Check    IDTokenCheck
	Detail   string
}

func (e *IDTokenError) Error() string {
	var what string
	switch e.Check {
	case CheckMissing:
		what = fmt.Sprintf("%s sent no id_token: %s", e.Provider, e.Detail)
	case CheckUserinfoSubject:
		what = fmt.Sprintf("%s's userinfo answer does not match its id_token: %s", e.Provider, e.Detail)
	default:
		what = fmt.Sprintf("%s's id_token failed verification: %s", e.Provider, e.Detail)
	}
	switch e.Check {
	case CheckIssuer, CheckAudience, CheckAuthorizedParty:
		return what + "; check issuer and client_id in providers.toml, then sign in again"
	case CheckExpiry, CheckIssuedAt:
		return what + "; check this computer's clock, then sign in again"
	case CheckAlgorithm:
		return what + "; the provider must sign id_tokens with a public-key algorithm it advertises (check the client's registration)"
	case CheckMissing:
		return what + "; check that the client may use the openid scope, then sign in again"
	default:
		return what + "; sign in again"
	}
}

// IssuerMismatchError says that a provider answered under another issuer
// identifier than the configured one: in its discovery document (OpenID
// Connect Discovery §4.3), or in the iss parameter of an authorization
// response (RFC 9207 §2.4), where it may be a mix-up attack. Nothing was
// signed in and no code was exchanged.
type IssuerMismatchError struct {
	Provider   string // display name
	Source     string // "discovery" or "authorization"
	URL        string // the discovery document, for Source "discovery"
	Configured string
	Got        string // "" when an authorization response lacked iss
}

func (e *IssuerMismatchError) Error() string {
	if e.Source == "discovery" {
		return fmt.Sprintf("%s's discovery document (%s) names the issuer %q, not the configured issuer %q; set issuer in providers.toml to exactly the provider's issuer (a trailing slash counts)",
			e.Provider, e.URL, sanitize(e.Got), e.Configured)
	}
	if e.Got == "" {
		return fmt.Sprintf("%s: the answer from the browser carries no iss although the provider says it always sends one (RFC 9207); it may come from another provider, so nothing was exchanged; start the sign-in again", e.Provider)
	}
	return fmt.Sprintf("%s: the answer from the browser was issued by %q, not by %q (RFC 9207); it may come from another provider, so nothing was exchanged; start the sign-in again",
		e.Provider, sanitize(e.Got), e.Configured)
}

// IDTokenClaims decodes the payload of the id_token raw WITHOUT verifying
// anything, for display only (the window shows a stored id_token, verified
// when it was received). Never base a decision on its result.
func IDTokenClaims(raw string) (map[string]any, error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("the id_token is not a compact JWT (it has %d parts, not 3)", len(parts))
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, fmt.Errorf("the id_token's payload is not base64url: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("the id_token's payload is not a JSON object: %v", err)
	}
	return m, nil
}

// discoveryDoc is the part of the OpenID Provider metadata Latchkey uses
// (OpenID Connect Discovery 1.0 §3, RFC 8414, RFC 9207 §3).
type discoveryDoc struct {
	Issuer                      string   `json:"issuer"`
	AuthorizationEndpoint       string   `json:"authorization_endpoint"`
	TokenEndpoint               string   `json:"token_endpoint"`
	UserinfoEndpoint            string   `json:"userinfo_endpoint"`
	JWKSURI                     string   `json:"jwks_uri"`
	RevocationEndpoint          string   `json:"revocation_endpoint"`
	DeviceAuthorizationEndpoint string   `json:"device_authorization_endpoint"`
	IDTokenSigningAlgs          []string `json:"id_token_signing_alg_values_supported"`
	IssParameterSupported       bool     `json:"authorization_response_iss_parameter_supported"`
}

// issuerInfo is what discovery taught about one issuer.
type issuerInfo struct {
	doc  discoveryDoc
	algs []string // the id_token alg allow-list
	keys *keySet
}

// oidcCache holds discovery results per issuer for the Service's lifetime.
// Its zero value is ready; it is safe for concurrent use, fetches each
// issuer at most once at a time, and never keeps a failure.
type oidcCache struct {
	mu      sync.Mutex
	issuers map[string]*issuerSlot
}

type issuerSlot struct {
	turn chan struct{} // capacity 1: held while reading or fetching info
	info *issuerInfo
}

// discover returns p's discovery results, fetching issuer +
// "/.well-known/openid-configuration" through the guarded client on first
// use. A document naming another issuer is refused (*IssuerMismatchError).
func (s *Service) discover(ctx context.Context, p *provider.Provider) (*issuerInfo, error) {
	c := &s.issuers
	c.mu.Lock()
	if c.issuers == nil {
		c.issuers = map[string]*issuerSlot{}
	}
	slot := c.issuers[p.Issuer]
	if slot == nil {
		slot = &issuerSlot{turn: make(chan struct{}, 1)}
		c.issuers[p.Issuer] = slot
	}
	c.mu.Unlock()

	select {
	case slot.turn <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-slot.turn }()
	if slot.info == nil {
		info, err := s.fetchDiscovery(ctx, p)
		if err != nil {
			return nil, err
		}
		slot.info = info
	}
	return slot.info, nil
}

func (s *Service) fetchDiscovery(ctx context.Context, p *provider.Provider) (*issuerInfo, error) {
	where := strings.TrimSuffix(p.Issuer, "/") + "/.well-known/openid-configuration" // Discovery §4.1
	d, err := getDocument(ctx, s.http, p.DisplayName(), "discovery", where, nil, "did not serve an OpenID Connect discovery document (is issuer right?)")
	if err != nil {
		return nil, err
	}
	var doc discoveryDoc
	if err := json.Unmarshal(d.body, &doc); err != nil {
		return nil, d.fail("answered with something that is not an OpenID Connect discovery document")
	}
	if doc.Issuer != p.Issuer { // exact: Discovery §4.3
		return nil, &IssuerMismatchError{Provider: p.DisplayName(), Source: "discovery", URL: where, Configured: p.Issuer, Got: doc.Issuer}
	}
	if doc.JWKSURI == "" {
		return nil, d.fail("names no jwks_uri, so id_tokens cannot be verified")
	}
	for _, e := range [][2]string{
		{"authorization_endpoint", doc.AuthorizationEndpoint},
		{"token_endpoint", doc.TokenEndpoint},
		{"userinfo_endpoint", doc.UserinfoEndpoint},
		{"jwks_uri", doc.JWKSURI},
		{"revocation_endpoint", doc.RevocationEndpoint},
		{"device_authorization_endpoint", doc.DeviceAuthorizationEndpoint},
	} {
		if e[1] == "" {
			continue
		}
		if err := provider.CheckEndpoint(e[1]); err != nil {
			return nil, d.fail(fmt.Sprintf("gives a %s that Latchkey will not use: it %v", e[0], err))
		}
	}
	info := &issuerInfo{doc: doc, keys: &keySet{url: doc.JWKSURI, client: s.http, turn: make(chan struct{}, 1)}}
	for _, a := range doc.IDTokenSigningAlgs {
		if slices.Contains(asymmetricAlgs, a) && !slices.Contains(info.algs, a) {
			info.algs = append(info.algs, a)
		}
	}
	switch {
	case len(doc.IDTokenSigningAlgs) == 0:
		info.algs = []string{oidc.RS256} // the one every OpenID Provider supports (Discovery §3)
	case len(info.algs) == 0:
		return nil, d.fail(fmt.Sprintf("advertises only id_token signing algorithms Latchkey does not accept (%s; accepted: %s)",
			sanitize(strings.Join(doc.IDTokenSigningAlgs, ", ")), strings.Join(asymmetricAlgs, ", ")))
	}
	return info, nil
}

// resolveOIDC returns a copy of p with the endpoints discovery gives filled
// where providers.toml leaves them empty, and the openid scope ensured.
func (s *Service) resolveOIDC(ctx context.Context, p *provider.Provider) (*provider.Provider, error) {
	info, err := s.discover(ctx, p)
	if err != nil {
		return nil, err
	}
	rp := *p
	fill := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	fill(&rp.AuthorizeURL, info.doc.AuthorizationEndpoint)
	fill(&rp.AccessTokenURL, info.doc.TokenEndpoint)
	fill(&rp.UserinfoURL, info.doc.UserinfoEndpoint)
	fill(&rp.RevokeURL, info.doc.RevocationEndpoint)
	fill(&rp.DeviceAuthorizationURL, info.doc.DeviceAuthorizationEndpoint)
	if !slices.Contains(p.Scopes, oidc.ScopeOpenID) {
		rp.Scopes = append([]string{oidc.ScopeOpenID}, p.Scopes...)
	}
	for _, e := range [][2]string{{"authorize_url", rp.AuthorizeURL}, {"access_token_url", rp.AccessTokenURL}} {
		if e[1] == "" {
			return nil, fmt.Errorf("%s: neither providers.toml nor the discovery document names the %s; set %s in providers.toml", p.DisplayName(), e[0], e[0])
		}
	}
	return &rp, nil
}

// loginOIDC signs in with OpenID Connect: the authorization code flow of
// loginOAuth2 with a nonce (≥128 bits, crypto/rand) and the RFC 9207 iss
// check, then accountFromToken verifies the id_token.
func (s *Service) loginOIDC(ctx context.Context, p *provider.Provider, opts LoginOptions) (*Account, error) {
	rp, err := s.resolve(ctx, p)
	if err != nil {
		return nil, err
	}
	info, err := s.discover(ctx, p) // cached by resolve
	if err != nil {
		return nil, err
	}
	return s.authorizationCode(ctx, rp, opts, &oidcRequest{
		nonce:       randomToken(32),
		issuer:      p.Issuer,
		issRequired: info.doc.IssParameterSupported,
	})
}

// oidcRequest is what an OpenID Connect authorization request adds.
type oidcRequest struct {
	nonce       string
	issuer      string
	issRequired bool // the provider promises iss in every response (RFC 9207 §3)
}

// checkIssuer applies RFC 9207 §2.4 to an authorization response: an iss
// parameter must equal the issuer exactly, and must be there when the
// provider advertises authorization_response_iss_parameter_supported.
func (o *oidcRequest) checkIssuer(p *provider.Provider, q url.Values) error {
	iss, present := q["iss"]
	switch {
	case !present && !o.issRequired:
		return nil
	case !present || len(iss) != 1 || iss[0] == "":
		return &IssuerMismatchError{Provider: p.DisplayName(), Source: "authorization", Configured: o.issuer}
	case iss[0] != o.issuer:
		return &IssuerMismatchError{Provider: p.DisplayName(), Source: "authorization", Configured: o.issuer, Got: iss[0]}
	}
	return nil
}

// completeOIDC finishes an OpenID Connect sign-in for a, whose token set
// came from tok: the id_token is verified (with nonce when not "", and
// at_hash against the access token), userinfo is fetched with the access
// token and must name the same sub, and the profile merges both (userinfo
// wins where they differ).
func (s *Service) completeOIDC(ctx context.Context, p *provider.Provider, tok *oauth2.Token, nonce string, a *Account) error {
	rp, err := s.resolve(ctx, p)
	if err != nil {
		return err
	}
	if a.Token.IDToken == "" {
		return &IDTokenError{Provider: p.DisplayName(), Check: CheckMissing, Detail: "the token response has none although this is an OpenID Connect sign-in"}
	}
	claims, err := s.verifyIDToken(ctx, rp, a.Token.IDToken, idTokenWant{nonce: nonce, accessToken: tok.AccessToken})
	if err != nil {
		return err
	}
	merged := map[string]any{}
	for k, v := range claims {
		if !protocolClaims[k] {
			merged[k] = v
		}
	}
	if rp.UserinfoURL != "" {
		h := http.Header{"Authorization": {"Bearer " + tok.AccessToken}}
		ui, err := s.fetchProfile(ctx, rp, s.http, h)
		if err != nil {
			return err
		}
		var doc map[string]any
		if err := json.Unmarshal(ui.Raw, &doc); err != nil {
			return err // fetchProfile parsed it already
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
	if a.Profile, err = profileFromJSON(raw); err != nil {
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

// checkRefreshedIDToken verifies an id_token that came with a refreshed
// token set (OpenID Connect Core §12.2): like one from a sign-in, but
// without a nonce, and its sub must be the one prev was signed in as (from
// prev's stored id_token, else its profile; not checked when neither is
// known).
func (s *Service) checkRefreshedIDToken(ctx context.Context, p *provider.Provider, rawIDToken string, prev *Account) error {
	rp, err := s.resolve(ctx, p)
	if err != nil {
		return err
	}
	want := idTokenWant{}
	if prev != nil {
		want.subject = prev.Profile.Subject
		if c, err := IDTokenClaims(prev.Token.IDToken); err == nil {
			if sub, ok := c["sub"].(string); ok && sub != "" {
				want.subject = sub
			}
		}
	}
	_, err = s.verifyIDToken(ctx, rp, rawIDToken, want)
	return err
}

// idTokenWant is what an id_token must match beyond the provider's
// identity; empty fields are not checked.
type idTokenWant struct {
	nonce       string // the sign-in's nonce
	subject     string // the person already signed in (refresh)
	accessToken string // for at_hash, when the id_token has one
}

// verifyIDToken checks raw following OpenID Connect Core §3.1.3.7, after
// refusing an alg outside the allow-list (discovery's ∩ asymmetricAlgs;
// never "none") before anything else: iss exactly the configured issuer,
// aud containing client_id, azp, the signature against the JWKS (fetched
// again once for an unknown kid); then go-oidc's IDTokenVerifier takes a
// second look at all of these and checks exp against the Service clock
// (idTokenSkew allowed); then iat, nonce, at_hash and sub. It returns the
// verified claims. Each failure is an *IDTokenError naming its check.
func (s *Service) verifyIDToken(ctx context.Context, p *provider.Provider, raw string, want idTokenWant) (map[string]any, error) {
	refuse := func(check IDTokenCheck, format string, args ...any) error {
		return &IDTokenError{Provider: p.DisplayName(), Check: check, Detail: fmt.Sprintf(format, args...)}
	}
	info, err := s.discover(ctx, p)
	if err != nil {
		return nil, err
	}
	alg, claims, err := splitJWT(raw)
	if err != nil {
		return nil, refuse(CheckMalformed, "%v", err)
	}
	if alg == "" || strings.EqualFold(alg, "none") {
		return nil, refuse(CheckAlgorithm, "it is unsigned (alg none), which is never accepted")
	}
	if !slices.Contains(info.algs, alg) {
		return nil, refuse(CheckAlgorithm, "it is signed with %s, which is not accepted (accepted: %s)", sanitize(alg), strings.Join(info.algs, ", "))
	}
	for _, c := range []string{"iss", "sub", "aud", "exp", "iat"} { // Core §2
		if _, ok := claims[c]; !ok {
			return nil, refuse(CheckMalformed, "it has no %s claim", c)
		}
	}
	if iss, _ := claims["iss"].(string); iss != p.Issuer {
		return nil, refuse(CheckIssuer, "it was issued by %q, not by the configured issuer %q", sanitize(iss), p.Issuer)
	}
	aud, ok := audiences(claims["aud"])
	if !ok || !slices.Contains(aud, p.ClientID) {
		return nil, refuse(CheckAudience, "it is meant for %s, not for this client_id %q", sanitize(strings.Join(aud, ", ")), p.ClientID)
	}
	azp, hasAZP := claims["azp"].(string)
	if len(aud) > 1 && !hasAZP {
		return nil, refuse(CheckAuthorizedParty, "it names several audiences but no authorized party (azp)")
	}
	if hasAZP && azp != p.ClientID {
		return nil, refuse(CheckAuthorizedParty, "it was issued to another client (azp %q)", sanitize(azp))
	}
	ctx = withEndpoint(ctx, p.DisplayName(), "jwks")
	if _, err := info.keys.verify(ctx, raw, info.algs); err != nil {
		return nil, err
	}
	verifier := oidc.NewVerifier(p.Issuer, info.keys, &oidc.Config{
		ClientID:             p.ClientID,
		SupportedSigningAlgs: info.algs,
		Now:                  func() time.Time { return s.now().Add(-idTokenSkew) },
	})
	idt, err := verifier.Verify(ctx, raw)
	if err != nil {
		var expired *oidc.TokenExpiredError
		if errors.As(err, &expired) {
			return nil, refuse(CheckExpiry, "it expired at %s (this computer's clock says %s)", expired.Expiry.UTC().Format(time.RFC3339), s.now().UTC().Format(time.RFC3339))
		}
		return nil, refuse(CheckClaims, "%s", sanitize(strings.TrimPrefix(err.Error(), "oidc: ")))
	}
	if now := s.now(); idt.IssuedAt.After(now.Add(idTokenSkew)) {
		return nil, refuse(CheckIssuedAt, "it claims to be issued at %s, in the future (this computer's clock says %s)", idt.IssuedAt.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	if want.nonce != "" && subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(want.nonce)) != 1 {
		return nil, refuse(CheckNonce, "nonce does not match this sign-in")
	}
	if idt.AccessTokenHash != "" && want.accessToken != "" {
		if err := idt.VerifyAccessToken(want.accessToken); err != nil {
			return nil, refuse(CheckAccessTokenHash, "its at_hash does not match the access token issued with it")
		}
	}
	if idt.Subject == "" {
		return nil, refuse(CheckMalformed, "its sub claim is empty")
	}
	if want.subject != "" && idt.Subject != want.subject {
		return nil, refuse(CheckSubject, "it is about another person than the signed-in account (its sub differs)")
	}
	var verified map[string]any
	if err := idt.Claims(&verified); err != nil {
		return nil, refuse(CheckMalformed, "its claims cannot be read")
	}
	return verified, nil
}

// splitJWT decodes a compact JWS's header alg and payload, unverified.
func splitJWT(raw string) (alg string, claims map[string]any, err error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return "", nil, fmt.Errorf("it is not a compact JWT (%d parts, not 3)", len(parts))
	}
	var header struct {
		Alg string `json:"alg"`
	}
	hb, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil || json.Unmarshal(hb, &header) != nil {
		return "", nil, fmt.Errorf("its header is not base64url JSON")
	}
	pb, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil || json.Unmarshal(pb, &claims) != nil || claims == nil {
		return "", nil, fmt.Errorf("its payload is not a base64url JSON object")
	}
	return header.Alg, claims, nil
}

// audiences reads an aud claim: one string or an array of strings.
func audiences(v any) ([]string, bool) {
	switch a := v.(type) {
	case string:
		return []string{a}, true
	case []any:
		out := make([]string, 0, len(a))
		for _, x := range a {
			s, ok := x.(string)
			if !ok {
				return out, false
			}
			out = append(out, s)
		}
		return out, true
	}
	return nil, false
}

// keySet is an issuer's JSON Web Key Set (RFC 7517), fetched through the
// Service's guarded client on first use and fetched again when a token
// names a kid it does not hold (OpenID Connect Core §10.1.1), as go-oidc's
// RemoteKeySet does; unlike it, a failure says whether the key was unknown
// or the signature wrong, and a known kid whose signature fails costs no
// fetch. Only public asymmetric signing keys are kept. It implements
// oidc.KeySet and is safe for concurrent use; one fetch runs at a time.
// Messages name the provider that withEndpoint put in the context.
type keySet struct {
	url    string
	client *http.Client
	turn   chan struct{} // capacity 1: held while fetching

	mu   sync.RWMutex
	keys []jose.JSONWebKey
	gen  uint64 // successful fetches so far
}

// VerifySignature implements oidc.KeySet; go-oidc has checked alg already.
func (k *keySet) VerifySignature(ctx context.Context, raw string) ([]byte, error) {
	return k.verify(ctx, raw, asymmetricAlgs)
}

// verify checks raw's signature and returns its payload, or an
// *IDTokenError (CheckKey, CheckSignature, CheckMalformed), or the fetch's
// error.
func (k *keySet) verify(ctx context.Context, raw string, algs []string) ([]byte, error) {
	refuse := func(check IDTokenCheck, format string, args ...any) error {
		return &IDTokenError{Provider: providerName(ctx), Check: check, Detail: fmt.Sprintf(format, args...)}
	}
	joseAlgs := make([]jose.SignatureAlgorithm, len(algs))
	for i, a := range algs {
		joseAlgs[i] = jose.SignatureAlgorithm(a)
	}
	jws, err := jose.ParseSignedCompact(raw, joseAlgs)
	if err != nil || len(jws.Signatures) != 1 {
		return nil, refuse(CheckMalformed, "it is not a JWS with one signature by an accepted algorithm")
	}
	kid := jws.Signatures[0].Header.KeyID
	k.mu.RLock()
	keys, gen := k.keys, k.gen
	k.mu.RUnlock()
	payload, known := verifyWith(jws, keys, kid)
	if payload != nil {
		return payload, nil
	}
	if known && kid != "" {
		return nil, refuse(CheckSignature, "its signature does not verify with the provider's key %q", sanitize(kid))
	}
	if keys, err = k.refetch(ctx, gen); err != nil {
		return nil, err
	}
	if payload, known = verifyWith(jws, keys, kid); payload != nil {
		return payload, nil
	}
	if !known {
		return nil, refuse(CheckKey, "it is signed with key %q, which the provider's key set (%s) does not list, even fetched again", sanitize(kid), k.url)
	}
	return nil, refuse(CheckSignature, "its signature does not verify with the provider's key %q", sanitize(kid))
}

// verifyWith tries the keys with kid (every key when kid is empty); known
// reports whether any key was a candidate.
func verifyWith(jws *jose.JSONWebSignature, keys []jose.JSONWebKey, kid string) (payload []byte, known bool) {
	for i := range keys {
		if kid != "" && keys[i].KeyID != kid {
			continue
		}
		known = true
		if p, err := jws.Verify(&keys[i]); err == nil {
			return p, true
		}
	}
	return nil, known
}

// refetch fetches the key set unless another caller did since seen.
func (k *keySet) refetch(ctx context.Context, seen uint64) ([]jose.JSONWebKey, error) {
	select {
	case k.turn <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-k.turn }()
	k.mu.RLock()
	keys, gen := k.keys, k.gen
	k.mu.RUnlock()
	if gen != seen {
		return keys, nil
	}
	keys, err := k.fetch(ctx)
	if err != nil {
		return nil, err
	}
	k.mu.Lock()
	k.keys, k.gen = keys, k.gen+1
	k.mu.Unlock()
	return keys, nil
}

// providerName is the display name withEndpoint put in ctx.
func providerName(ctx context.Context) string {
	info, _ := ctx.Value(endpointKey{}).(endpointInfo)
	if info.provider == "" {
		return "the provider"
	}
	return info.provider
}

func (k *keySet) fetch(ctx context.Context) ([]jose.JSONWebKey, error) {
	d, err := getDocument(ctx, k.client, providerName(ctx), "jwks", k.url, nil, "did not serve the provider's keys")
	if err != nil {
		return nil, err
	}
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(d.body, &set); err != nil {
		return nil, d.fail("answered with something that is not a JSON Web Key Set")
	}
	var keys []jose.JSONWebKey
	for _, rk := range set.Keys {
		var jwk jose.JSONWebKey
		if json.Unmarshal(rk, &jwk) != nil { // unknown key types are skipped (RFC 7517 §5)
			continue
		}
		if !jwk.Valid() || !jwk.IsPublic() || (jwk.Use != "" && jwk.Use != "sig") {
			continue
		}
		keys = append(keys, jwk)
	}
	return keys, nil
}
