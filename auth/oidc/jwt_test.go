package oidc

import (
	"encoding/base64"
	"testing"
)

func TestDecodeUnverified(t *testing.T) {
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	h, c, err := DecodeUnverified(enc(`{"alg":"ES256","kid":"k1"}`) + "." + enc(`{"sub":"user-42","exp":1767225600}`) + ".sig")
	if err != nil || h.Alg != "ES256" || h.Kid != "k1" || c["sub"] != "user-42" || c["exp"] != float64(1767225600) {
		t.Fatalf("DecodeUnverified = %+v, %v, %v", h, c, err)
	}
	for raw, want := range map[string]string{
		"":                                   "it is not a compact JWT (1 parts, not 3)",
		"a.b":                                "it is not a compact JWT (2 parts, not 3)",
		"!!!." + enc("{}") + ".c":            "its header is not base64url JSON",
		enc("{}") + ".!!!.c":                 "its payload is not a base64url JSON object",
		enc("{}") + "." + enc("[1]") + ".c":  "its payload is not a base64url JSON object",
		enc("{}") + "." + enc("null") + ".c": "its payload is not a base64url JSON object",
	} {
		if _, _, err := DecodeUnverified(raw); err == nil || err.Error() != want {
			t.Errorf("DecodeUnverified(%q) = %v, want %q", raw, err, want)
		}
	}
}
