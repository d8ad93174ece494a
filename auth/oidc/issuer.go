package oidc

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"

	"latchkey/auth/provider"
	"latchkey/auth/safetext"
)

// Source is how this package reaches one provider: the name its messages
// give it, and the getter for its documents.
type Source struct {
	Provider string // display name
	// Get GETs the JSON document at url (role names it in messages:
	// "discovery", "jwks") and returns a 200 answer; for any other status,
	// or when the provider cannot be reached, it returns the caller's
	// error, whose problem for a non-200 status is notOK.
	Get func(ctx context.Context, role, url, notOK string) (*Document, error)
}

// Document is a JSON document a Source fetched.
type Document struct {
	Body []byte
	// Fail returns the caller's error saying that this document has
	// problem (a phrase: "names no jwks_uri, so …").
	Fail func(problem string) error
}

// Metadata is the part of the OpenID Provider metadata Latchkey uses
// (OpenID Connect Discovery 1.0 §3, RFC 8414 §2, RFC 9207 §3).
type Metadata struct {
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

// Issuer is what discovery taught about one issuer: its metadata, the
// id_token algorithms Latchkey accepts from it, and its key set. It is
// safe for concurrent use.
type Issuer struct {
	// ID is the issuer identifier, exactly as configured and as its
	// discovery document names it (Discovery §4.3).
	ID       string
	Metadata Metadata
	// Algs is the id_token alg allow-list: the advertised algorithms that
	// are in Algorithms, or RS256 when none is advertised.
	Algs []string
	keys *keySet
	// tenants is the issuer template of a multi-tenant issuer (Microsoft's
	// ".../{tenantid}/v2.0"), "" for the others (see "The issuer rules" in issuer.go).
	tenants string
}

// Cache holds discovery results per issuer identifier for its own
// lifetime (a Service's). Its zero value is ready; it is safe for
// concurrent use, fetches each issuer at most once at a time, and never
// keeps a failure.
type Cache struct {
	mu      sync.Mutex
	issuers map[string]*slot
}

type slot struct {
	turn   chan struct{} // capacity 1: held while reading or fetching issuer
	issuer *Issuer
}

// Discover returns what discovery says about issuer, fetching issuer +
// "/.well-known/openid-configuration" (Discovery §4.1) through src on
// first use. A document naming another issuer is refused
// (*IssuerMismatchError, Discovery §4.3), as is one without jwks_uri, with
// an endpoint provider.CheckEndpoint refuses, or advertising only
// id_token algorithms outside Algorithms.
func (c *Cache) Discover(ctx context.Context, src Source, issuer string) (*Issuer, error) {
	c.mu.Lock()
	if c.issuers == nil {
		c.issuers = map[string]*slot{}
	}
	s := c.issuers[issuer]
	if s == nil {
		s = &slot{turn: make(chan struct{}, 1)}
		c.issuers[issuer] = s
	}
	c.mu.Unlock()

	select {
	case s.turn <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-s.turn }()
	if s.issuer == nil {
		i, err := discover(ctx, src, issuer)
		if err != nil {
			return nil, err
		}
		s.issuer = i
	}
	return s.issuer, nil
}

// discover fetches and judges issuer's discovery document.
func discover(ctx context.Context, src Source, issuer string) (*Issuer, error) {
	where := strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration" // Discovery §4.1
	d, err := src.Get(ctx, "discovery", where, "did not serve an OpenID Connect discovery document (is issuer right?)")
	if err != nil {
		return nil, err
	}
	var md Metadata
	if err := json.Unmarshal(d.Body, &md); err != nil {
		return nil, d.Fail("answered with something that is not an OpenID Connect discovery document")
	}
	tenants, ok := discoveredIssuer(issuer, md.Issuer)
	if !ok { // exact, but for the issuer rules below: Discovery §4.3
		return nil, &IssuerMismatchError{Provider: src.Provider, Source: "discovery", URL: where, Configured: issuer, Got: md.Issuer}
	}
	if md.JWKSURI == "" {
		return nil, d.Fail("names no jwks_uri, so id_tokens cannot be verified")
	}
	for _, e := range [][2]string{
		{"authorization_endpoint", md.AuthorizationEndpoint},
		{"token_endpoint", md.TokenEndpoint},
		{"userinfo_endpoint", md.UserinfoEndpoint},
		{"jwks_uri", md.JWKSURI},
		{"revocation_endpoint", md.RevocationEndpoint},
		{"device_authorization_endpoint", md.DeviceAuthorizationEndpoint},
	} {
		if e[1] == "" {
			continue
		}
		if err := provider.CheckEndpoint(e[1]); err != nil {
			return nil, d.Fail(fmt.Sprintf("gives a %s that Latchkey will not use: it %v", e[0], err))
		}
	}
	i := &Issuer{ID: issuer, Metadata: md, keys: &keySet{url: md.JWKSURI, turn: make(chan struct{}, 1)}, tenants: tenants}
	for _, a := range md.IDTokenSigningAlgs {
		if slices.Contains(Algorithms, a) && !slices.Contains(i.Algs, a) {
			i.Algs = append(i.Algs, a)
		}
	}
	switch {
	case len(md.IDTokenSigningAlgs) == 0:
		i.Algs = []string{RS256} // the one every OpenID Provider supports (Discovery §3)
	case len(i.Algs) == 0:
		return nil, d.Fail(fmt.Sprintf("advertises only id_token signing algorithms Latchkey does not accept (%s; accepted: %s)",
			line(strings.Join(md.IDTokenSigningAlgs, ", ")), strings.Join(Algorithms, ", ")))
	}
	return i, nil
}

// CheckResponse applies RFC 9207 §2.4 to an authorization response q
// (error responses included) of a sign-in with provider (its display
// name): an iss parameter must equal the issuer exactly, and must be there
// when the issuer advertises authorization_response_iss_parameter_supported.
func (i *Issuer) CheckResponse(provider string, q url.Values) error {
	iss, present := q["iss"]
	switch {
	case !present && !i.Metadata.IssParameterSupported:
		return nil
	case !present:
		return &IssuerMismatchError{Provider: provider, Source: "authorization", Configured: i.ID}
	case len(iss) != 1:
		return &IssuerMismatchError{Provider: provider, Source: "authorization", Configured: i.ID, Got: strings.Join(iss, ", ")}
	case iss[0] == "":
		return &IssuerMismatchError{Provider: provider, Source: "authorization", Configured: i.ID, Empty: true}
	case !i.responseIssuer(iss[0]):
		return &IssuerMismatchError{Provider: provider, Source: "authorization", Configured: i.ID, Got: iss[0]}
	}
	return nil
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
	Got        string // "" when an authorization response lacked iss (or, with Empty, held an empty one)
	Empty      bool   // the authorization response held iss, but empty
}

func (e *IssuerMismatchError) Error() string {
	if e.Source == "discovery" {
		return fmt.Sprintf("%s's discovery document (%s) names the issuer %q, not the configured issuer %q; set issuer in providers.toml to exactly the provider's issuer (a trailing slash counts)",
			e.Provider, e.URL, line(e.Got), e.Configured)
	}
	if e.Got == "" && e.Empty {
		return fmt.Sprintf("%s: the answer from the browser carries an empty iss (RFC 9207); it may come from another provider, so nothing was exchanged; start the sign-in again", e.Provider)
	}
	if e.Got == "" {
		return fmt.Sprintf("%s: the answer from the browser carries no iss although the provider says it always sends one (RFC 9207); it may come from another provider, so nothing was exchanged; start the sign-in again", e.Provider)
	}
	return fmt.Sprintf("%s: the answer from the browser was issued by %q, not by %q (RFC 9207); it may come from another provider, so nothing was exchanged; start the sign-in again",
		e.Provider, line(e.Got), e.Configured)
}

// line keeps provider-supplied text to one printable line of sane length
// (safetext.Line, with the length auth's messages use).
func line(s string) string { return safetext.Line(s, 300) }

// The issuer rules (see "The issuer rules" in issuer.go) are the one place where an issuer
// identifier may be other than exactly the configured one; everywhere else
// (Discovery §4.3, Core §3.1.3.7 step 2, RFC 9207 §2.4) it must be equal:
//
//   - Google's id_tokens may carry iss "accounts.google.com", without the
//     scheme, for the issuer https://accounts.google.com (Google's own
//     documentation says so; go-oidc accepts exactly this alias).
//   - Microsoft's multi-tenant issuers .../common/v2.0,
//     .../organizations/v2.0 and .../consumers/v2.0 publish the issuer
//     template .../{tenantid}/v2.0 in their discovery document; each
//     id_token's iss must then be that template with the token's own tid
//     claim (Microsoft identity platform, "Validate the issuer").
const (
	googleIssuer      = "https://accounts.google.com"
	googleIssuerAlias = "accounts.google.com"
	tenantPlaceholder = "{tenantid}"
)

// multiTenants are the Microsoft tenants that stand for many.
var multiTenants = []string{"common", "organizations", "consumers"}

// discoveredIssuer reports whether a discovery document naming got may
// serve the configured issuer, and returns the issuer template when got
// is a multi-tenant one ("" otherwise).
func discoveredIssuer(configured, got string) (template string, ok bool) {
	if got == configured {
		return "", true
	}
	if t := tenantTemplate(configured); t != "" && got == t {
		return t, true
	}
	return "", false
}

// tenantTemplate is the template a multi-tenant issuer (a URL whose path
// ends in /common/v2.0, /organizations/v2.0 or /consumers/v2.0) publishes:
// the same URL with {tenantid} for the tenant; "" for any other issuer.
func tenantTemplate(issuer string) string {
	rest, ok := strings.CutSuffix(issuer, "/v2.0")
	if !ok {
		return ""
	}
	cut := strings.LastIndexByte(rest, '/')
	if cut < 0 || !slices.Contains(multiTenants, rest[cut+1:]) || !strings.Contains(rest[:cut], "://") {
		return ""
	}
	return rest[:cut+1] + tenantPlaceholder + "/v2.0"
}

// tokenIssuer reports whether an id_token with these (unverified) claims
// was issued by i: its iss exactly i.ID, Google's scheme-less alias, or,
// for a multi-tenant issuer, the template with the token's tid.
func (i *Issuer) tokenIssuer(claims map[string]any) bool {
	iss, _ := claims["iss"].(string)
	switch {
	case iss == i.ID:
		return true
	case i.ID == googleIssuer && iss == googleIssuerAlias:
		return true
	case i.tenants != "":
		tid, _ := claims["tid"].(string)
		return validTenant(tid) && iss == strings.Replace(i.tenants, tenantPlaceholder, tid, 1)
	}
	return false
}

// responseIssuer reports whether the iss parameter of an authorization
// response (RFC 9207) names i: exactly, or, for a multi-tenant issuer, the
// template with some tenant (the response carries no tid; the id_token's
// iss is checked against its tid).
func (i *Issuer) responseIssuer(iss string) bool {
	if iss == i.ID {
		return true
	}
	if i.tenants == "" {
		return false
	}
	before, after, _ := strings.Cut(i.tenants, tenantPlaceholder)
	tid, ok := strings.CutPrefix(iss, before)
	if !ok {
		return false
	}
	tid, ok = strings.CutSuffix(tid, after)
	return ok && validTenant(tid)
}

// validTenant reports whether tid can be a tenant id in an issuer URL: a
// path segment of letters, digits, dashes and dots.
func validTenant(tid string) bool {
	if tid == "" || len(tid) > 64 {
		return false
	}
	for _, r := range tid {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.') {
			return false
		}
	}
	return true
}
