package auth_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"latchkey/auth"
	"latchkey/auth/authtest"
	"latchkey/auth/keychain"
	"latchkey/auth/provider"
)

// TestForgedCallbackIssuer: a plain OAuth 2.0 authorization response that
// carries another provider's iss (RFC 9207 mix-up) is refused with an
// *IssuerMismatchError before any code exchange; an iss of the provider's
// own origin, or none, signs in.
func TestForgedCallbackIssuer(t *testing.T) {
	for _, tc := range []struct {
		name string
		iss  func(own string) []string // nil: no iss
		ok   bool
	}{
		{"another provider's iss", func(string) []string { return []string{"https://accounts.other.example"} }, false},
		{"same host, another port", func(own string) []string {
			u, _ := url.Parse(own)
			return []string{"http://" + u.Hostname() + ":1"}
		}, false},
		{"two iss values", func(own string) []string { return []string{own, "https://accounts.other.example"} }, false},
		{"empty iss", func(string) []string { return []string{""} }, false},
		{"own origin with a path", func(own string) []string { return []string{own + "/tenant"} }, true},
		{"no iss", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHostile(t)
			var exchanged atomic.Int32
			h.token = func(w http.ResponseWriter, r *http.Request) {
				exchanged.Add(1)
				tokenJSON(w, `{"access_token":"at","token_type":"bearer","expires_in":3600}`)
			}
			var forged *httptest.Server
			forged = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				q := r.URL.Query()
				back := url.Values{"code": {"the-code"}, "state": {q.Get("state")}}
				if tc.iss != nil {
					back["iss"] = tc.iss(forged.URL)
				}
				http.Redirect(w, r, q.Get("redirect_uri")+"?"+back.Encode(), http.StatusFound)
			}))
			t.Cleanup(forged.Close)
			svc := forgedService(t, forged.URL+"/authorize", h.srv.URL)
			_, err := svc.Login(context.Background(), "hostile", auth.LoginOptions{})
			if tc.ok {
				if err != nil {
					t.Fatalf("Login: %s", auth.Describe(err, auth.CLI))
				}
				return
			}
			var im *auth.IssuerMismatchError
			if !errors.As(err, &im) {
				t.Fatalf("Login = %v, want an *IssuerMismatchError", err)
			}
			if n := exchanged.Load(); n != 0 {
				t.Errorf("the code was exchanged %d times despite the forged iss", n)
			}
			msg := auth.Describe(err, auth.CLI)
			if !strings.Contains(msg, "Hostile IdP") || !strings.Contains(msg, "RFC 9207") {
				t.Errorf("words %q: want the provider and RFC 9207", msg)
			}
			t.Logf("reliability|hostile provider|forged callback iss (%s)|1|refused before the code exchange: %s|the sign-in", tc.name, msg)
		})
	}
}

// forgedService is a Service for provider "hostile" authorizing at
// authorizeURL, with its token and userinfo endpoints at base.
func forgedService(t *testing.T, authorizeURL, base string) *auth.Service {
	t.Helper()
	toml := fmt.Sprintf(`
[[provider]]
id = "hostile"
name = "Hostile IdP"
protocol = "oauth2"
client_id = "latchkey"
authorize_url = %q
access_token_url = "%s/token"
userinfo_url = "%s/userinfo"
`, authorizeURL, base, base)
	ps, probs := provider.Parse("test.toml", []byte(toml))
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	return auth.New(auth.Options{
		Config: &provider.Config{Path: "test.toml", Providers: ps}, Store: keychain.New(keychain.Memory(), "latchkey-test"),
		Browser: authtest.NewBrowser(), HTTPClient: &http.Client{Timeout: 3 * time.Second},
		LoginTimeout: 20 * time.Second, LockDir: t.TempDir(),
	})
}
