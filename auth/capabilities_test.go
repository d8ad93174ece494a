package auth

import (
	"reflect"
	"slices"
	"testing"

	"latchkey/auth/provider"
)

func TestCapabilitiesOf(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    provider.Provider
		want Capabilities
	}{
		{"oauth2", provider.Provider{Protocol: provider.OAuth2, AuthorizeURL: "https://a/auth"}, Capabilities{
			Protocol: "OAuth 2.0", BrowserSignIn: true, Refreshable: true, Expires: true, Scoped: true, RegistersRedirect: true,
			Request: AuthBearer, Copy: []Credential{CredAccessToken, CredAuthorization}}},
		{"oauth2 device only, revocable", provider.Provider{Protocol: provider.OAuth2, DeviceAuthorizationURL: "https://a/device", RevokeURL: "https://a/revoke"}, Capabilities{
			Protocol: "OAuth 2.0", DeviceSignIn: true, Refreshable: true, Expires: true, Revocable: true, Scoped: true,
			Request: AuthBearer, Copy: []Credential{CredAccessToken, CredAuthorization}}},
		{"oidc", provider.Provider{Protocol: provider.OIDC, Issuer: "https://a"}, Capabilities{
			Protocol: "OpenID Connect", BrowserSignIn: true, DeviceSignIn: true, Refreshable: true, Expires: true, Revocable: true, RegistersRedirect: true,
			Scoped: true, Claims: true, Request: AuthBearer, Copy: []Credential{CredAccessToken, CredAuthorization, CredIDToken}}},
		{"oauth1 loopback", provider.Provider{Protocol: provider.OAuth1, Callback: provider.CallbackLoopback}, Capabilities{
			Protocol: "OAuth 1.0a", BrowserSignIn: true, Rechecks: true, Request: AuthSignature, RegistersRedirect: true,
			Copy: []Credential{CredAccessToken, CredTokenSecret}}},
		{"oauth1 oob", provider.Provider{Protocol: provider.OAuth1, Callback: provider.CallbackOOB}, Capabilities{
			Protocol: "OAuth 1.0a", BrowserSignIn: true, PastesVerifier: true, Rechecks: true, Request: AuthSignature,
			Copy: []Credential{CredAccessToken, CredTokenSecret}}},
		{"demo", provider.Provider{Protocol: provider.OIDC, Issuer: "http://127.0.0.1:1", Demo: "oidc"}, Capabilities{
			Protocol: "OpenID Connect", BrowserSignIn: true, DeviceSignIn: true, Refreshable: true, Expires: true, Revocable: true,
			Scoped: true, Claims: true, Demo: true, Request: AuthBearer, Copy: []Credential{CredAccessToken, CredAuthorization, CredIDToken}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := CapabilitiesOf(&tc.p)
			if got.Protocol != tc.want.Protocol || !slices.Equal(got.Copy, tc.want.Copy) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestCredentials(t *testing.T) {
	oauth2 := CapabilitiesOf(&provider.Provider{Protocol: provider.OIDC})
	a := &Account{Token: TokenSet{AccessToken: "at", TokenType: "bearer"}}
	if got := oauth2.Credentials(a); !slices.Equal(got, []Credential{CredAccessToken, CredAuthorization}) {
		t.Errorf("without id_token: %v", got)
	}
	if got := a.Credential(CredAuthorization); got != "Authorization: Bearer at" {
		t.Errorf("authorization line %q", got)
	}
	a.Token.IDToken = "x.y.z"
	if got := oauth2.Credentials(a); !slices.Equal(got, []Credential{CredAccessToken, CredAuthorization, CredIDToken}) {
		t.Errorf("with id_token: %v", got)
	}
	if oauth2.CanRefresh(a) {
		t.Error("CanRefresh without a refresh token")
	}
	a.Token.RefreshToken = "rt"
	if !oauth2.CanRefresh(a) {
		t.Error("not CanRefresh with a refresh token")
	}
	a.NeedsSignIn = true
	if oauth2.CanRefresh(a) {
		t.Error("CanRefresh after the provider refused the refresh token")
	}
	oauth1 := CapabilitiesOf(&provider.Provider{Protocol: provider.OAuth1})
	if !oauth1.CanRefresh(&Account{}) || oauth1.CanRefresh(nil) {
		t.Error("OAuth 1.0a recheck: CanRefresh wrong")
	}
}
