// Package oidc is Latchkey's OpenID Connect wire: discovery (OpenID Connect
// Discovery 1.0), the issuer's JSON Web Key Set (RFC 7517) and id_token
// verification (OpenID Connect Core 1.0 §3.1.3.7, §12.2). It knows nothing
// about accounts, keychains or faces: it reaches the network only through
// the Get of a Source the caller gives it, and tells time only by the Now
// of an Expect.
package oidc

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Header is the part of a JWS protected header (RFC 7515 §4.1) Latchkey
// reads.
type Header struct {
	Alg string `json:"alg"`
	Kid string `json:"kid"`
}

// DecodeUnverified decodes the header and payload of a compact JWT (RFC
// 7519 §7.2: a JWS in the compact serialization, RFC 7515 §7.1) WITHOUT
// verifying anything: for showing a stored id_token, and for the checks
// Verify makes before the signature. Never base a decision on its result
// alone. Its error says what is wrong as a phrase about the token ("it is
// not a compact JWT (2 parts, not 3)").
func DecodeUnverified(raw string) (Header, map[string]any, error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return Header{}, nil, fmt.Errorf("it is not a compact JWT (%d parts, not 3)", len(parts))
	}
	var h Header
	hb, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil || json.Unmarshal(hb, &h) != nil {
		return Header{}, nil, errors.New("its header is not base64url JSON")
	}
	pb, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return Header{}, nil, errPayload
	}
	claims, err := decodeClaims(pb)
	if err != nil {
		return Header{}, nil, err
	}
	return h, claims, nil
}

var errPayload = errors.New("its payload is not a base64url JSON object")

// decodeClaims decodes a JWT Claims Set (RFC 7519 §4): a JSON object,
// numbers as float64.
func decodeClaims(b []byte) (map[string]any, error) {
	var claims map[string]any
	if json.Unmarshal(b, &claims) != nil || claims == nil {
		return nil, errPayload
	}
	return claims, nil
}
