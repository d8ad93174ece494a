package auth

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"latchkey/auth/authtest"
	"latchkey/auth/keychain"
	"latchkey/auth/provider"
)

// TestCheckIssuer: discovery for an issuer the editor was given says what
// it found, or why it failed in words; a URL that is not https is refused
// before anything is sent.
func TestCheckIssuer(t *testing.T) {
	svc := New(Options{Config: &provider.Config{Path: "p.toml"}, Store: keychain.New(keychain.Memory(), "latchkey-test")})
	idp := authtest.NewOAuth2(t)
	info, err := svc.CheckIssuer(context.Background(), idp.Issuer())
	if err != nil {
		t.Fatalf("CheckIssuer: %v", err)
	}
	if info.Issuer != idp.Issuer() || info.TokenEndpoint != idp.TokenURL() || info.AuthorizationEndpoint != idp.AuthorizeURL() {
		t.Errorf("info = %+v", info)
	}

	missing := httptest.NewServer(http.NotFoundHandler())
	defer missing.Close()
	_, err = svc.CheckIssuer(context.Background(), missing.URL)
	if got := Describe(err, Window); err == nil || !strings.Contains(got, "did not serve an OpenID Connect discovery document") {
		t.Errorf("a missing document: %v, said as %q", err, got)
	}

	before := len(idp.Requests())
	_, err = svc.CheckIssuer(context.Background(), "http://login.example.com")
	if got := Describe(err, Window); err == nil || !strings.Contains(got, "use https") || len(idp.Requests()) != before {
		t.Errorf("plain http: %v, said as %q", err, got)
	}
}
