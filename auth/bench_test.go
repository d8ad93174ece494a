package auth

import (
	"context"
	"testing"

	"github.com/zalando/go-keyring"

	"latchkey/auth/authtest"
	"latchkey/auth/browser"
	"latchkey/auth/keychain"
)

// BenchmarkTokenBaseline is one raw go-keyring Get of a small item on the
// real Secret Service: the floor under any `latchkey token`.
func BenchmarkTokenBaseline(b *testing.B) {
	_, store := benchService(b)
	if err := keyring.Set(store.Service(), "raw", `{"access_token":"x"}`); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := keyring.Get(store.Service(), "raw"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkToken is Service.Token for a valid stored token: what a script
// calling `latchkey token ID` costs once the process runs (a keychain read
// and a decode; no network).
func BenchmarkToken(b *testing.B) {
	svc, _ := benchService(b)
	for b.Loop() {
		if _, err := svc.Token(context.Background(), "idp"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLogin is a whole OAuth 2.0 sign-in against the in-process
// fosite provider: listener, browser redirects, code exchange with PKCE,
// userinfo, keychain save.
func BenchmarkLogin(b *testing.B) {
	svc, _ := benchService(b)
	for b.Loop() {
		if _, err := svc.Login(context.Background(), "idp", LoginOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// benchService signs in once to a fosite provider with the platform's
// keychain layout, as main.go builds it.
func benchService(b *testing.B) (*Service, *keychain.Store) {
	b.Helper()
	idp := authtest.NewOAuth2(b)
	// A browser that follows the redirects and keeps nothing.
	br := browser.OpenerFunc(func(u string) error { go authtest.Fetch(u); return nil })
	svc, store := testServiceOn(b, realKeychain, oauth2TOML(idp, authtest.PublicClientID, "none", ""), br, keychain.ItemLimit(keychain.PlatformItemLimit()))
	if _, err := svc.Login(context.Background(), "idp", LoginOptions{}); err != nil {
		b.Fatal(err)
	}
	return svc, store
}
