package provider

import (
	"sort"
	"strings"
)

// reservedParam is an authorization request parameter the sign-in sets
// itself, with where it is defined.
type reservedParam struct {
	name, spec string
}

// oauth2Reserved are the parameters of the OAuth 2.0 and OpenID Connect
// authorization request that Latchkey sets (or that would replace the ones
// it sets): an authorize_params entry with one of these names could turn
// off state (CSRF) or PKCE, send the code elsewhere, or replace the whole
// request.
var oauth2Reserved = []reservedParam{
	{"response_type", "RFC 6749 §4.1.1"},
	{"client_id", "RFC 6749 §4.1.1"},
	{"redirect_uri", "RFC 6749 §4.1.1"},
	{"scope", "RFC 6749 §4.1.1"},
	{"state", "RFC 6749 §4.1.1"},
	{"code_challenge", "RFC 7636 §4.3"},
	{"code_challenge_method", "RFC 7636 §4.3"},
	{"nonce", "OpenID Connect Core §3.1.2.1"},
	{"response_mode", "OpenID Connect Core §3.1.2.1"}, // the answer must come back in the query of a GET
	{"request", "RFC 9101 §5"},                        // a request object replaces every parameter above
	{"request_uri", "RFC 9101 §5, RFC 9126"},
}

// oauth1Prefix starts the name of every OAuth 1.0a protocol parameter (RFC
// 5849 §3.4.1.3); the authorization URL carries oauth_token (§2.2).
const oauth1Prefix = "oauth_"

// ReservedAuthorizeParam reports whether authorize_params may not hold key
// for protocol p, and if so which specification gives the parameter to the
// sign-in itself ("RFC 6749 §4.1.1"). Names are compared without regard to
// ASCII case. It is the one list per protocol, asked by config validation;
// a flow that adds authorize_params to its request may ask it again.
//   - oauth2, oidc: response_type, client_id, redirect_uri, scope, state
//     (RFC 6749 §4.1.1), code_challenge, code_challenge_method (RFC 7636
//     §4.3), nonce, response_mode (OpenID Connect Core §3.1.2.1), request,
//     request_uri (RFC 9101);
//   - oauth1: every name starting with oauth_ (RFC 5849 §2.2, §3.4.1.3).
func ReservedAuthorizeParam(p Protocol, key string) (spec string, reserved bool) {
	switch p {
	case OAuth2, OIDC:
		for _, r := range oauth2Reserved {
			if asciiEqualFold(key, r.name) {
				return r.spec, true
			}
		}
	case OAuth1:
		if len(key) >= len(oauth1Prefix) && asciiEqualFold(key[:len(oauth1Prefix)], oauth1Prefix) {
			return "RFC 5849 §2.2, §3.4.1.3", true
		}
	}
	return "", false
}

// checkAuthorizeParams reports each reserved key of p.AuthorizeParams, in
// sorted order, naming the key in its canonical (lowercase) spelling and
// never its value.
func (p *Provider) checkAuthorizeParams(add func(field, msg string)) {
	keys := make([]string, 0, len(p.AuthorizeParams))
	for k := range p.AuthorizeParams {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		spec, reserved := ReservedAuthorizeParam(p.Protocol, k)
		if !reserved {
			continue
		}
		name := strings.ToLower(k) // ASCII only, so one of the names above
		if p.Protocol == OAuth1 {
			name = "an oauth_ parameter"
		}
		add("authorize_params", name+" belongs to the sign-in itself ("+spec+"), which sets it: remove it from authorize_params")
	}
}

// asciiEqualFold is strings.EqualFold for ASCII letters only: "ſtate" is
// not "state" (a provider would see another parameter).
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
