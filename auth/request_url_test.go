package auth

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"testing"

	"latchkey/auth/authtest"
)

func TestDefaultRequestURL(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	const api = "https://api.example.com/v1"
	idp.EditDiscovery(func(doc map[string]any) { doc["userinfo_endpoint"] = idp.URL + "/from-discovery" })
	toml := idp.ProviderTOML("plain", "Plain", authtest.PublicClientID, "none") +
		idp.OIDCProviderTOML() + // id "idp": userinfo from discovery
		fmt.Sprintf(`
[[provider]]
id = "apionly"
protocol = "oauth2"
client_id = "x"
authorize_url = %q
access_token_url = %q
api_base_url = %q
`, idp.AuthorizeURL(), idp.TokenURL(), api)
	svc, _ := testService(t, toml, nil)
	for id, want := range map[string]string{
		"plain":   idp.UserinfoURL(),
		"idp":     idp.URL + "/from-discovery",
		"apionly": api,
	} {
		got, err := svc.DefaultRequestURL(context.Background(), id)
		if err != nil || got != want {
			t.Errorf("DefaultRequestURL(%q) = %q, %v; want %q", id, got, err, want)
		}
	}
	if _, err := svc.DefaultRequestURL(context.Background(), "nope"); err == nil {
		t.Error("an unknown provider has a default request URL")
	}
}

func TestAccessTokenClaims(t *testing.T) {
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	at := enc(`{"typ":"at+jwt","alg":"RS256"}`) + "." + enc(`{"sub":"user-42","scope":"read"}`) + ".c2ln"
	if c, ok := AccessTokenClaims(at); !ok || c["sub"] != "user-42" || c["scope"] != "read" {
		t.Errorf("AccessTokenClaims(RFC 9068 token) = %v, %v", c, ok)
	}
	if c, ok := AccessTokenClaims(authtest.Unsigned(map[string]any{"sub": "s"})); !ok || c["sub"] != "s" {
		t.Errorf("AccessTokenClaims(JWT) = %v, %v", c, ok)
	}
	for _, opaque := range []string{"", "gho_16C7e42F292c6912E7710c838347Ae178B4a", "ory_at_abc.def", "a.b.c", "a." + enc("[1]") + ".c", enc(`{"alg":"none"}`) + "." + enc("{}") + ".x.y.z"} {
		if c, ok := AccessTokenClaims(opaque); ok {
			t.Errorf("AccessTokenClaims(%q) = %v, want no claims", opaque, c)
		}
	}
}

func TestCheckRequestURL(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	svc, _ := testService(t, idp.ProviderTOML("idp", "Test IdP", authtest.PublicClientID, "none", `api_base_url = "https://api.example.com/v1"`), nil)
	ctx := context.Background()
	for _, ok := range []string{"/user", "https://api.example.com/other", idp.UserinfoURL()} {
		if err := svc.CheckRequestURL(ctx, "idp", ok, RequestOptions{}); err != nil {
			t.Errorf("CheckRequestURL(%q) = %v, want nil", ok, err)
		}
	}
	var hn *HostNotAllowedError
	if err := svc.CheckRequestURL(ctx, "idp", "https://elsewhere.example/x", RequestOptions{}); !errors.As(err, &hn) || hn.Host != "elsewhere.example" {
		t.Errorf("another host: %v", err)
	}
	if err := svc.CheckRequestURL(ctx, "idp", "https://elsewhere.example/x", RequestOptions{AllowHosts: []string{"elsewhere.example"}}); err != nil {
		t.Errorf("an allowed extra host: %v", err)
	}
	if err := svc.CheckRequestURL(ctx, "idp", "http://api.example.com/v1", RequestOptions{}); !errors.As(err, &hn) || !hn.Insecure {
		t.Errorf("plain http: %v", err)
	}
}
