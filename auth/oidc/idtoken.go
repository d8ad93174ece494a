package oidc

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"hash"
	"math"
	"slices"
	"strings"
	"time"
)

// The JWS algorithms (RFC 7518 §3.1, RFC 8037 §3.1) an id_token may be
// signed with.
const (
	RS256 = "RS256"
	RS384 = "RS384"
	RS512 = "RS512"
	ES256 = "ES256"
	ES384 = "ES384"
	ES512 = "ES512"
	PS256 = "PS256"
	PS384 = "PS384"
	PS512 = "PS512"
	EdDSA = "EdDSA"
)

// Algorithms are the JWS algorithms Latchkey accepts on an id_token,
// whatever a provider advertises: signatures a public key from the JWKS
// can check. HMAC (HS*, keyed with the client secret) and "none" are never
// accepted.
var Algorithms = []string{RS256, RS384, RS512, ES256, ES384, ES512, PS256, PS384, PS512, EdDSA}

// ScopeOpenID is the scope that makes an OAuth 2.0 authorization request
// an OpenID Connect one (Core §3.1.2.1).
const ScopeOpenID = "openid"

// Skew is the clock difference tolerated between this computer and the
// provider when judging an id_token's exp, nbf and iat.
const Skew = 2 * time.Minute

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
	CheckClaims          IDTokenCheck = "claims"    // a claim Latchkey reads has the wrong type
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

// Expect is what an id_token must match beyond its issuer; empty fields
// are not checked.
type Expect struct {
	ClientID    string    // required: aud must contain it, azp must equal it
	Nonce       string    // the sign-in's nonce (Core §3.1.3.7 step 11)
	Subject     string    // the person already signed in (a refresh, Core §12.2)
	AccessToken string    // for at_hash, when the id_token has one (Core §3.1.3.8)
	Now         time.Time // required: the caller's clock
}

// Verify checks the id_token raw from issuer i, following OpenID Connect
// Core §3.1.3.7, in one pass: the alg first (i.Algs; never "none"), then
// the required claims (Core §2), iss i.ID (exactly, but for the issuer rules of issuer.go), aud containing the
// client_id and azp, the signature against the JWKS (fetched through src
// on first use and once more for an unknown kid), exp and nbf (Skew
// allowed), iat not in the future, nonce, at_hash and sub. It returns the
// claims of the verified payload. Each refusal is an *IDTokenError naming
// its check and src's provider.
func (i *Issuer) Verify(ctx context.Context, src Source, raw string, want Expect) (map[string]any, error) {
	refuse := func(check IDTokenCheck, format string, args ...any) error {
		return &IDTokenError{Provider: src.Provider, Check: check, Detail: fmt.Sprintf(format, args...)}
	}
	header, unverified, err := DecodeUnverified(raw)
	if err != nil {
		return nil, refuse(CheckMalformed, "%v", err)
	}
	if alg := header.Alg; alg == "" || strings.EqualFold(alg, "none") {
		return nil, refuse(CheckAlgorithm, "it is unsigned (alg none), which is never accepted")
	} else if !slices.Contains(i.Algs, alg) {
		return nil, refuse(CheckAlgorithm, "it is signed with %s, which is not accepted (accepted: %s)", line(alg), strings.Join(i.Algs, ", "))
	}
	for _, c := range []string{"iss", "sub", "aud", "exp", "iat"} { // Core §2
		if _, ok := unverified[c]; !ok {
			return nil, refuse(CheckMalformed, "it has no %s claim", c)
		}
	}
	if !i.tokenIssuer(unverified) { // the issuer rules (issuer.go)
		iss, _ := unverified["iss"].(string)
		if i.tenants != "" {
			return nil, refuse(CheckIssuer, "it was issued by %q, not by the configured issuer %q for its tenant (tid)", line(iss), i.ID)
		}
		return nil, refuse(CheckIssuer, "it was issued by %q, not by the configured issuer %q", line(iss), i.ID)
	}
	aud, ok := audiences(unverified["aud"])
	if !ok || !slices.Contains(aud, want.ClientID) {
		return nil, refuse(CheckAudience, "it is meant for %s, not for this client_id %q", line(strings.Join(aud, ", ")), want.ClientID)
	}
	azp, hasAZP := unverified["azp"].(string)
	if len(aud) > 1 && !hasAZP {
		return nil, refuse(CheckAuthorizedParty, "it names several audiences but no authorized party (azp)")
	}
	if hasAZP && azp != want.ClientID {
		return nil, refuse(CheckAuthorizedParty, "it was issued to another client (azp %q)", line(azp))
	}

	payload, err := i.keys.verify(ctx, src, raw, i.Algs)
	if err != nil {
		return nil, err
	}
	// From here on, only what the signature covers.
	claims, err := decodeClaims(payload)
	if err != nil {
		return nil, refuse(CheckMalformed, "%v", err)
	}
	now := want.Now
	stamp := func(t time.Time) string { return t.UTC().Format(time.RFC3339) }
	exp, ok := numericDate(claims["exp"])
	if !ok {
		return nil, refuse(CheckClaims, "its exp claim is not a time")
	}
	if exp.Before(now.Add(-Skew)) {
		return nil, refuse(CheckExpiry, "it expired at %s (this computer's clock says %s)", stamp(exp), stamp(now))
	}
	if v, present := claims["nbf"]; present {
		nbf, ok := numericDate(v)
		if !ok {
			return nil, refuse(CheckClaims, "its nbf claim is not a time")
		}
		if nbf.After(now.Add(Skew)) {
			return nil, refuse(CheckExpiry, "it is not valid before %s (this computer's clock says %s)", stamp(nbf), stamp(now))
		}
	}
	iat, ok := numericDate(claims["iat"])
	if !ok {
		return nil, refuse(CheckClaims, "its iat claim is not a time")
	}
	if iat.After(now.Add(Skew)) {
		return nil, refuse(CheckIssuedAt, "it claims to be issued at %s, in the future (this computer's clock says %s)", stamp(iat), stamp(now))
	}
	nonce, _ := claims["nonce"].(string)
	if want.Nonce != "" && subtle.ConstantTimeCompare([]byte(nonce), []byte(want.Nonce)) != 1 {
		return nil, refuse(CheckNonce, "nonce does not match this sign-in")
	}
	if atHash, _ := claims["at_hash"].(string); atHash != "" && want.AccessToken != "" {
		if !accessTokenHashMatches(header.Alg, want.AccessToken, atHash) {
			return nil, refuse(CheckAccessTokenHash, "its at_hash does not match the access token issued with it")
		}
	}
	sub, ok := claims["sub"].(string)
	if !ok || sub == "" {
		return nil, refuse(CheckMalformed, "its sub claim is empty")
	}
	if want.Subject != "" && sub != want.Subject {
		return nil, refuse(CheckSubject, "it is about another person than the signed-in account (its sub differs)")
	}
	return claims, nil
}

// audiences reads an aud claim: one string or an array of strings (RFC
// 7519 §4.1.3).
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

// numericDate reads a NumericDate claim (RFC 7519 §2): seconds since the
// epoch, fractions dropped.
func numericDate(v any) (time.Time, bool) {
	f, ok := v.(float64)
	if !ok || math.IsNaN(f) || math.Abs(f) > 1<<53 {
		return time.Time{}, false
	}
	return time.Unix(int64(f), 0), true
}

// accessTokenHashMatches applies Core §3.1.3.6: at_hash is the base64url
// left half of the access token's hash, with the hash of the id_token's
// alg (SHA-512 for EdDSA, as go-oidc does).
func accessTokenHashMatches(alg, accessToken, atHash string) bool {
	var h hash.Hash
	switch alg {
	case RS256, ES256, PS256:
		h = sha256.New()
	case RS384, ES384, PS384:
		h = sha512.New384()
	case RS512, ES512, PS512, EdDSA:
		h = sha512.New()
	default:
		return false
	}
	h.Write([]byte(accessToken))
	sum := h.Sum(nil)[:h.Size()/2]
	return subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum)), []byte(atHash)) == 1
}
