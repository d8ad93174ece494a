package auth

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"latchkey/auth/authtest"
)

// redirector is a server that answers every request with a redirect to
// target + the request's path, counting what it got.
func redirector(t *testing.T, status int, target func() string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target()+r.URL.Path, status)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestHostileRedirectsToAnotherOrigin: a discovery document, a key set, a
// refresh and a revocation redirected to another origin are refused with
// words naming the provider and the redirect; the other origin receives
// nothing (no credential, no identity document is taken from it).
func TestHostileRedirectsToAnotherOrigin(t *testing.T) {
	t.Run("discovery", func(t *testing.T) {
		idp := authtest.NewOAuth2(t)
		redir := redirector(t, http.StatusFound, func() string { return idp.URL })
		svc, _ := testService(t, fmt.Sprintf(`
[[provider]]
id = "idp"
name = "Test IdP"
protocol = "oidc"
client_id = %q
issuer = %q
`, authtest.PublicClientID, redir.URL), authtest.NewBrowser())
		_, err := svc.Login(context.Background(), "idp", LoginOptions{})
		checkRedirectRefusal(t, err, "discovery")
		if n := countPath(idp, discoveryPath); n != 0 {
			t.Errorf("the other origin served discovery %d times", n)
		}
		t.Logf("reliability|redirects|discovery redirected to another origin|1|refused before any sign-in: %s|nothing", Describe(err, CLI))
	})
	t.Run("jwks", func(t *testing.T) {
		idp := authtest.NewOAuth2(t)
		redir := redirector(t, http.StatusFound, func() string { return idp.URL })
		idp.EditDiscovery(func(doc map[string]any) { doc["jwks_uri"] = redir.URL + jwksPath })
		br := authtest.NewBrowser()
		svc, _ := testService(t, oidcTOML(idp, ""), br)
		_, err := svc.Login(context.Background(), "idp", LoginOptions{})
		checkRedirectRefusal(t, err, "jwks")
		if n := countPath(idp, jwksPath); n != 0 {
			t.Errorf("the key set was taken from the other origin (%d requests)", n)
		}
		if _, err := svc.Account("idp"); err == nil {
			t.Error("an account was stored although its id_token could not be verified")
		}
		t.Logf("reliability|redirects|JWKS redirected to another origin|1|refused the id_token unverified: %s|the sign-in", Describe(err, CLI))
	})
	t.Run("refresh and revocation", func(t *testing.T) {
		svc, idp, _, _ := refreshSetup(t)
		var seen atomic.Int32
		elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			seen.Add(1)
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"access_token":"stolen","token_type":"bearer","expires_in":3600}`)
		}))
		t.Cleanup(elsewhere.Close)
		to := func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, elsewhere.URL+r.URL.Path, http.StatusPermanentRedirect)
		}
		idp.OverrideToken(to)
		idp.OverrideRevoke(to)
		_, err := svc.Refresh(context.Background(), "idp")
		checkRedirectRefusal(t, err, "token")
		had, err := svc.Logout(context.Background(), "idp")
		if !had {
			t.Error("Logout found no account")
		}
		checkRedirectRefusal(t, err, "revocation")
		if n := seen.Load(); n != 0 {
			t.Errorf("the other origin received %d requests (refresh token, client credentials)", n)
		}
		t.Logf("reliability|redirects|refresh and revocation POSTs redirected (308)|2|refused, sent nothing elsewhere; signed out locally|the revocation")
	})
}

// TestSameOriginRedirectIsFollowed: a GET redirected within its origin
// still works (a provider moving its userinfo path).
func TestSameOriginRedirectIsFollowed(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/old", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/new", http.StatusFound) })
	mux.HandleFunc("/new", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"sub":"ada"}`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	svc, _ := testService(t, "", nil)
	p, err := getProfile(withEndpoint(context.Background(), "Test IdP", "userinfo"), svc.http, "Test IdP", srv.URL+"/old", nil)
	if err != nil || p.Subject != "ada" {
		t.Fatalf("same-origin redirect: %+v, %v", p, err)
	}
}

func checkRedirectRefusal(t *testing.T, err error, role string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s redirected to another origin: no error", role)
	}
	for _, f := range []Face{Window, CLI} {
		msg := Describe(err, f)
		if !strings.Contains(msg, "redirect") || !strings.Contains(msg, "Test IdP") || !strings.Contains(msg, role) {
			t.Errorf("%v words %q: want the provider, the %s endpoint and the redirect", f, msg, role)
		}
	}
}

// TestHostileOAuth1ProfileRedirect: a signed OAuth 1.0a profile request
// redirected to another origin is refused by the same rule as every other
// provider request, in the same words, and the other origin gets nothing.
func TestHostileOAuth1ProfileRedirect(t *testing.T) {
	var seen atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.Add(1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"id":"mallory"}`)
	}))
	t.Cleanup(elsewhere.Close)
	idp := authtest.NewOAuth1Provider(t, authtest.OAuth1Options{})
	redir := redirector(t, http.StatusFound, func() string { return elsewhere.URL })
	idp.ProfileURL = redir.URL + "/profile"
	svc, _ := testService(t, idp.ProviderTOML("idp", "Test IdP", "loopback"), authtest.NewBrowser())
	_, err := svc.Login(context.Background(), "idp", LoginOptions{})
	checkRedirectRefusal(t, err, "userinfo")
	if n := seen.Load(); n != 0 {
		t.Errorf("the other origin received %d signed requests", n)
	}
	t.Logf("reliability|redirects|OAuth 1.0a profile redirected to another origin|1|refused: %s|the sign-in", Describe(err, CLI))
}
