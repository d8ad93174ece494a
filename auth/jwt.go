package auth

import "latchkey/auth/oidc"

// AccessTokenClaims decodes the claims of the access token raw when it is
// a JWT (a JWT access token, RFC 9068, whose header says typ "at+jwt", or
// any other compact JWT a provider issues as its access token), WITHOUT
// verifying anything: an access token is meant for the API, which checks
// it; Latchkey only shows what it says. ok is false for an opaque token
// (anything that does not decode as a compact JWT with a JSON object as
// its payload). Never base a decision on the result.
func AccessTokenClaims(raw string) (claims map[string]any, ok bool) {
	if raw == "" {
		return nil, false
	}
	_, claims, err := oidc.DecodeUnverified(raw)
	if err != nil {
		return nil, false
	}
	return claims, true
}
