package auth

import (
	"crypto/rand"
	"encoding/base64"
)

// randomToken returns n bytes from crypto/rand, base64url-encoded: state
// (RFC 6749 §10.10) and nonce (OpenID Connect Core §15.5.2) use 32.
func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand, Go ≥ 1.24)
	return base64.RawURLEncoding.EncodeToString(b)
}
