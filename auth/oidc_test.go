package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"latchkey/auth/authtest"
	"latchkey/auth/provider"
)

// oidcTOML configures provider "idp" as an OpenID Connect client of srv:
// only the issuer, the rest comes from discovery.
func oidcTOML(srv *authtest.OAuth2, extra string) string {
	return srv.OIDCProviderTOML(extra)
}

// countPath counts the requests srv received on path.
func countPath(srv *authtest.OAuth2, path string) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Path == path {
			n++
		}
	}
	return n
}

// lastForm returns the form of the last request srv received on path.
func lastForm(t *testing.T, srv *authtest.OAuth2, path string) map[string][]string {
	t.Helper()
	reqs := srv.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].Path == path {
			return reqs[i].Form
		}
	}
	t.Fatalf("the provider saw no request on %s", path)
	return nil
}

const (
	discoveryPath = "/.well-known/openid-configuration"
	jwksPath      = "/jwks"
)

func TestOIDCLoginEndToEnd(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	br := authtest.NewBrowser()
	svc, _ := testServiceOn(t, realKeychain, oidcTOML(idp, ""), br)

	a, err := svc.Login(context.Background(), "idp", LoginOptions{})
	if err != nil {
		t.Fatalf("Login: %v", err)
	}
	if page := br.Next(t); page.Status != http.StatusOK || !strings.Contains(page.Body, "Signed in") {
		t.Errorf("browser ended on %d %q, want the success page", page.Status, page.Body)
	}

	// The authorization request: nonce (≥128 bits), openid ensured, state, PKCE S256.
	authz := lastForm(t, idp, "/authorize")
	nonce := authz["nonce"][0]
	if len(nonce) < 22 {
		t.Errorf("nonce %q is shorter than 128 bits", nonce)
	}
	if sc := strings.Fields(authz["scope"][0]); !slices.Contains(sc, "openid") || !slices.Contains(sc, "email") {
		t.Errorf("scope = %q, want openid and email", sc)
	}
	if authz["code_challenge_method"][0] != "S256" || len(authz["state"][0]) < 22 {
		t.Errorf("authorize request lacks PKCE S256 or state: %v", authz)
	}

	// The id_token is stored, carries this sign-in's nonce and names the person.
	if a.Protocol != provider.OIDC || a.Token.IDToken == "" {
		t.Fatalf("account protocol %q, id_token stored: %v", a.Protocol, a.Token.IDToken != "")
	}
	claims, err := IDTokenClaims(a.Token.IDToken)
	if err != nil {
		t.Fatal(err)
	}
	if claims["nonce"] != nonce || claims["sub"] != "user-42" || claims["iss"] != idp.Issuer() {
		t.Errorf("id_token claims nonce=%v sub=%v iss=%v", claims["nonce"], claims["sub"], claims["iss"])
	}

	// The profile merges the id_token and userinfo, without protocol claims.
	if a.Profile.Subject != "user-42" || a.Profile.Name != "Ada Lovelace" || a.Profile.Email != "ada@example.com" || a.Profile.Username != "ada" {
		t.Errorf("profile = %+v", a.Profile)
	}
	var raw map[string]any
	if err := json.Unmarshal(a.Profile.Raw, &raw); err != nil || raw["nonce"] != nil || raw["aud"] != nil || raw["picture"] == nil {
		t.Errorf("profile document = %s (%v)", a.Profile.Raw, err)
	}
	if countPath(idp, "/userinfo") != 1 {
		t.Errorf("userinfo was asked %d times, want 1", countPath(idp, "/userinfo"))
	}

	// In the real keychain.
	got, err := svc.Account("idp")
	if err != nil || got.Token.IDToken != a.Token.IDToken || got.Profile.Subject != "user-42" {
		t.Fatalf("stored account: %v (same id_token: %v)", err, got != nil && got.Token.IDToken == a.Token.IDToken)
	}

	// A second sign-in reuses discovery and the key set, with a new nonce.
	if _, err := svc.Login(context.Background(), "idp", LoginOptions{}); err != nil {
		t.Fatalf("second Login: %v", err)
	}
	br.Next(t)
	if n := lastForm(t, idp, "/authorize")["nonce"][0]; n == nonce {
		t.Error("the second sign-in reused the nonce")
	}
	if d, j := countPath(idp, discoveryPath), countPath(idp, jwksPath); d != 1 || j != 1 {
		t.Errorf("two sign-ins fetched discovery %d and the JWKS %d times, want 1 and 1", d, j)
	}
}

func TestOIDCDiscoveryFetchedOnceConcurrently(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	svc, _ := testService(t, oidcTOML(idp, ""), authtest.NewBrowser())
	p, err := svc.Provider("idp")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := svc.resolve(context.Background(), p)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := countPath(idp, discoveryPath); n != 1 {
		t.Fatalf("8 concurrent resolves fetched discovery %d times, want 1", n)
	}
}

func TestOIDCResolve(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	idp.EditDiscovery(func(doc map[string]any) {
		doc["device_authorization_endpoint"] = idp.URL + "/device"
	})
	svc, _ := testService(t, oidcTOML(idp, `userinfo_url = "http://127.0.0.1:1/me"`+"\n"), authtest.NewBrowser())
	p, _ := svc.Provider("idp")
	rp, err := svc.resolve(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	for field, got := range map[string][2]string{
		"authorize_url":            {rp.authorizeURL, idp.AuthorizeURL()},
		"access_token_url":         {rp.tokenURL, idp.TokenURL()},
		"userinfo_url":             {rp.userinfoURL, "http://127.0.0.1:1/me"}, // providers.toml wins
		"revoke_url":               {rp.revokeURL, idp.RevokeURL()},
		"device_authorization_url": {rp.deviceURL, idp.URL + "/device"},
	} {
		if got[0] != got[1] {
			t.Errorf("%s = %q, want %q", field, got[0], got[1])
		}
	}
	if !slices.Equal(rp.scopes, []string{"openid", "email"}) || !slices.Equal(p.Scopes, []string{"email"}) {
		t.Errorf("scopes: resolved %q, configured %q; want openid added to a copy only", rp.scopes, p.Scopes)
	}
}

func TestOIDCProfileMergesIDTokenAndUserinfo(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	svc, _ := testService(t, oidcTOML(idp, ""), authtest.NewBrowser())
	idp.OverrideUserinfo(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"sub":"user-42","name":"Ada, Countess of Lovelace"}`)
	})
	a, err := svc.Login(context.Background(), "idp", LoginOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// name from userinfo (it wins), email only in the id_token.
	if a.Profile.Name != "Ada, Countess of Lovelace" || a.Profile.Email != "ada@example.com" {
		t.Fatalf("profile = %+v", a.Profile)
	}
}

// tamper changes the payload of a signed JWT and keeps its signature.
func tamper(raw string, claims map[string]any) string {
	parts := strings.Split(raw, ".")
	b, _ := json.Marshal(claims)
	return parts[0] + "." + base64.RawURLEncoding.EncodeToString(b) + "." + parts[2]
}

func TestOIDCRefusals(t *testing.T) {
	type env struct {
		idp *authtest.OAuth2
		svc *Service
		key *authtest.SigningKey // published in the JWKS
	}
	resign := func(e env, edit func(c map[string]any)) {
		e.idp.OverrideIDToken(func(raw string, c map[string]any) string {
			edit(c)
			return e.key.Sign(c)
		})
	}
	for _, tc := range []struct {
		name   string
		before func(e env) // before the first, good sign-in
		after  func(e env) // before the refused one
		check  IDTokenCheck
		source string // for *IssuerMismatchError instead of check
		want   string
	}{
		{name: "wrong signature", after: func(e env) {
			e.idp.OverrideIDToken(func(raw string, c map[string]any) string {
				c["sub"] = "mallory"
				return tamper(raw, c)
			})
		}, check: CheckSignature, want: `Test IdP's id_token failed verification: its signature does not verify with the provider's key "authtest-rs256"; sign in again`},
		{name: "unknown kid after refetch", after: func(e env) {
			stray := authtest.NewSigningKey(t, "never-published")
			e.idp.OverrideIDToken(func(raw string, c map[string]any) string { return stray.Sign(c) })
		}, check: CheckKey, want: `it is signed with key "never-published", which the provider's key set`},
		{name: "wrong iss", after: func(e env) {
			resign(e, func(c map[string]any) { c["iss"] = "https://evil.example" })
		}, check: CheckIssuer, want: `it was issued by "https://evil.example", not by the configured issuer`},
		{name: "wrong aud", after: func(e env) {
			resign(e, func(c map[string]any) { c["aud"] = "someone-else" })
		}, check: CheckAudience, want: `it is meant for someone-else, not for this client_id "latchkey-public"`},
		{name: "several audiences without azp", after: func(e env) {
			resign(e, func(c map[string]any) { c["aud"] = []string{authtest.PublicClientID, "someone-else"} })
		}, check: CheckAuthorizedParty, want: "no authorized party (azp)"},
		{name: "azp of another client", after: func(e env) {
			resign(e, func(c map[string]any) {
				c["aud"] = []string{authtest.PublicClientID, "someone-else"}
				c["azp"] = "someone-else"
			})
		}, check: CheckAuthorizedParty, want: `issued to another client (azp "someone-else")`},
		{name: "expired by the service clock", after: func(e env) {
			e.svc.now = func() time.Time { return time.Now().Add(2 * time.Hour) } // fosite's id_tokens live 1 h
		}, check: CheckExpiry, want: "it expired at"},
		{name: "expired", after: func(e env) {
			resign(e, func(c map[string]any) { c["exp"] = time.Now().Add(-idTokenSkew - time.Minute).Unix() })
		}, check: CheckExpiry, want: "check this computer's clock"},
		{name: "issued in the future", after: func(e env) {
			resign(e, func(c map[string]any) {
				c["iat"] = time.Now().Add(time.Hour).Unix()
				c["exp"] = time.Now().Add(2 * time.Hour).Unix()
			})
		}, check: CheckIssuedAt, want: "in the future"},
		{name: "nonce mismatch", after: func(e env) {
			resign(e, func(c map[string]any) { c["nonce"] = "an-older-sign-in" })
		}, check: CheckNonce, want: "Test IdP's id_token failed verification: nonce does not match this sign-in; sign in again"},
		{name: "nonce missing", after: func(e env) {
			resign(e, func(c map[string]any) { delete(c, "nonce") })
		}, check: CheckNonce, want: "nonce does not match this sign-in"},
		{name: "alg none", after: func(e env) {
			e.idp.OverrideIDToken(func(raw string, c map[string]any) string { return authtest.Unsigned(c) })
		}, check: CheckAlgorithm, want: "it is unsigned (alg none), which is never accepted"},
		{name: "alg not advertised", before: func(e env) {
			e.idp.EditDiscovery(func(doc map[string]any) { doc["id_token_signing_alg_values_supported"] = []string{"RS256", "HS256"} })
		}, after: func(e env) {
			resign(e, func(map[string]any) {})
		}, check: CheckAlgorithm, want: "it is signed with ES256, which is not accepted (accepted: RS256)"},
		{name: "at_hash mismatch", after: func(e env) {
			resign(e, func(c map[string]any) { c["at_hash"] = "AAAAAAAAAAAAAAAAAAAAAA" })
		}, check: CheckAccessTokenHash, want: "at_hash does not match the access token"},
		{name: "id_token missing", after: func(e env) {
			e.idp.OverrideIDToken(func(string, map[string]any) string { return "" })
		}, check: CheckMissing, want: "Test IdP sent no id_token"},
		{name: "userinfo sub mismatch", after: func(e env) {
			e.idp.OverrideUserinfo(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprint(w, `{"sub":"someone-else","name":"Mallory"}`)
			})
		}, check: CheckUserinfoSubject, want: "Test IdP's userinfo answer does not match its id_token: it is about another person (its sub differs); sign in again"},
		{name: "authorization response iss mismatch", after: func(e env) {
			e.idp.SetResponseIssuer("https://evil.example")
		}, source: "authorization", want: `the answer from the browser was issued by "https://evil.example", not by "` /* + issuer */},
		{name: "authorization response without promised iss", after: func(e env) {
			e.idp.SetResponseIssuer("")
		}, source: "authorization", want: "carries no iss although the provider says it always sends one"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			idp := authtest.NewOAuth2(t)
			br := authtest.NewBrowser()
			svc, _ := testService(t, oidcTOML(idp, ""), br)
			e := env{idp: idp, svc: svc, key: authtest.NewSigningKey(t, "test-es256")}
			idp.PublishKey(e.key)
			if tc.before != nil {
				tc.before(e)
			}
			old := signIn(t, svc)
			br.Next(t)
			jwksBefore := countPath(idp, jwksPath)
			tc.after(e)

			_, err := svc.Login(context.Background(), "idp", LoginOptions{})
			msg := Describe(err, CLI)
			if tc.source != "" {
				var ime *IssuerMismatchError
				if !errors.As(err, &ime) || ime.Source != tc.source {
					t.Fatalf("got %v, want an *IssuerMismatchError from %s", err, tc.source)
				}
			} else {
				var ie *IDTokenError
				if !errors.As(err, &ie) || ie.Check != tc.check {
					t.Fatalf("got %v, want an *IDTokenError for check %q", err, tc.check)
				}
			}
			if !strings.Contains(msg, tc.want) {
				t.Errorf("message %q does not contain %q", msg, tc.want)
			}
			if strings.Contains(msg, "eyJ") || strings.Contains(msg, old.Token.AccessToken) {
				t.Errorf("message %q shows a token", msg)
			}
			assertKept(t, svc, old)

			switch tc.name {
			case "unknown kid after refetch":
				if n := countPath(idp, jwksPath) - jwksBefore; n != 1 {
					t.Errorf("the JWKS was fetched %d more times for the unknown kid, want exactly 1", n)
				}
			case "authorization response iss mismatch", "authorization response without promised iss":
				if page := br.Next(t); page.Status != http.StatusBadRequest {
					t.Errorf("the browser shows %d, want the failure page", page.Status)
				}
				if n := countPath(idp, "/token"); n != 1 {
					t.Errorf("the token endpoint was called %d times, want only by the first sign-in", n)
				}
			}
		})
	}
}

func TestOIDCDiscoveryIssuerMismatch(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	br := authtest.NewBrowser()
	svc, store := testService(t, oidcTOML(idp, ""), br)
	old := signIn(t, svc)
	br.Next(t)

	// A new session (the discovery cache lives as long as a Service) meets
	// a document naming another issuer.
	idp.EditDiscovery(func(doc map[string]any) { doc["issuer"] = idp.Issuer() + "/" })
	fresh := New(Options{Config: svc.Config(), Store: store, Browser: br, HTTPClient: &http.Client{Timeout: 10 * time.Second}, LoginTimeout: 30 * time.Second, LockDir: t.TempDir()})
	_, err := fresh.Login(context.Background(), "idp", LoginOptions{})
	var ime *IssuerMismatchError
	if !errors.As(err, &ime) || ime.Source != "discovery" || ime.Got != idp.Issuer()+"/" {
		t.Fatalf("got %v, want an *IssuerMismatchError from discovery", err)
	}
	want := fmt.Sprintf(`Test IdP's discovery document (%s) names the issuer "%s/", not the configured issuer "%s"; set issuer in providers.toml`, idp.DiscoveryURL(), idp.Issuer(), idp.Issuer())
	if msg := Describe(err, CLI); !strings.Contains(msg, want) || !strings.Contains(msg, "trailing slash") {
		t.Errorf("message %q, want %q and a word on trailing slashes", msg, want)
	}
	if br.Opens() != 1 || countPath(idp, "/authorize") != 1 {
		t.Errorf("the browser was opened %d times, authorize reached %d times: a refused discovery must stop before", br.Opens(), countPath(idp, "/authorize"))
	}
	assertKept(t, fresh, old)
	// A failure is not cached: once the document is right, the same session signs in.
	idp.EditDiscovery(nil)
	if _, err := fresh.Login(context.Background(), "idp", LoginOptions{}); err != nil {
		t.Fatalf("Login after the document was fixed: %v", err)
	}
}

func TestOIDCDiscoveryRefusals(t *testing.T) {
	for _, tc := range []struct {
		name   string
		edit   func(doc map[string]any)
		issuer string // appended to the server's issuer in providers.toml
		want   string
	}{
		{name: "symmetric algorithms only", edit: func(doc map[string]any) {
			doc["id_token_signing_alg_values_supported"] = []string{"HS256", "none"}
		}, want: "advertises only id_token signing algorithms Latchkey does not accept (HS256, none; accepted: RS256"},
		{name: "plain http jwks_uri", edit: func(doc map[string]any) {
			doc["jwks_uri"] = "http://keys.example.com/jwks"
		}, want: "gives a jwks_uri that Latchkey will not use: it uses plain http to keys.example.com"},
		{name: "no jwks_uri", edit: func(doc map[string]any) { delete(doc, "jwks_uri") }, want: "names no jwks_uri"},
		{name: "no document", issuer: "/realms/nope", want: "did not serve an OpenID Connect discovery document (is issuer right?) (HTTP 404)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			idp := authtest.NewOAuth2(t)
			idp.EditDiscovery(tc.edit)
			br := authtest.NewBrowser()
			svc, _ := testService(t, strings.Replace(oidcTOML(idp, ""), idp.Issuer(), idp.Issuer()+tc.issuer, 1), br)
			_, err := svc.Login(context.Background(), "idp", LoginOptions{})
			var re *ResponseError
			if !errors.As(err, &re) || re.Endpoint != "discovery" || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want a discovery error containing %q", err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "Test IdP's discovery endpoint (") || br.Opens() != 0 {
				t.Errorf("message %q (browser opened %d times): want the provider named and no browser", err, br.Opens())
			}
		})
	}
}

func TestOIDCKeyRotationRefetchesJWKS(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	br := authtest.NewBrowser()
	svc, _ := testService(t, oidcTOML(idp, ""), br)
	signIn(t, svc)
	br.Next(t)

	// The provider rotates to a key the cached JWKS does not have.
	rotated := authtest.NewSigningKey(t, "rotated-in")
	idp.PublishKey(rotated)
	idp.OverrideIDToken(func(raw string, c map[string]any) string { return rotated.Sign(c) })
	a, err := svc.Login(context.Background(), "idp", LoginOptions{})
	if err != nil {
		t.Fatalf("Login with a rotated key: %v", err)
	}
	if n := countPath(idp, jwksPath); n != 2 {
		t.Errorf("JWKS fetched %d times, want 2 (first use, then the unknown kid)", n)
	}
	if c, _ := IDTokenClaims(a.Token.IDToken); c["sub"] != "user-42" {
		t.Errorf("stored id_token claims %v", c)
	}
}

// TestOIDCErrorResponseIssuer: an error response is judged by its iss
// first (RFC 9207 §2.4 covers error responses too), then reported.
func TestOIDCErrorResponseIssuer(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	svc, _ := testService(t, oidcTOML(idp, ""), authtest.NewBrowser())
	idp.Deny("The person pressed Deny")
	_, err := svc.Login(context.Background(), "idp", LoginOptions{})
	var pe *ProviderError
	if !errors.As(err, &pe) || pe.Code != "access_denied" {
		t.Fatalf("got %v, want access_denied from the provider", err)
	}
	idp.SetResponseIssuer("https://evil.example")
	_, err = svc.Login(context.Background(), "idp", LoginOptions{})
	var ime *IssuerMismatchError
	if !errors.As(err, &ime) || ime.Got != "https://evil.example" {
		t.Fatalf("got %v, want the error response refused for its iss", err)
	}
}

func TestOIDCIssParameterOptionalWhenNotPromised(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	idp.EditDiscovery(func(doc map[string]any) { delete(doc, "authorization_response_iss_parameter_supported") })
	idp.SetResponseIssuer("")
	svc, _ := testService(t, oidcTOML(idp, ""), authtest.NewBrowser())
	if _, err := svc.Login(context.Background(), "idp", LoginOptions{}); err != nil {
		t.Fatalf("a provider that does not promise iss (RFC 9207 §2.4) must still sign in: %v", err)
	}
}

func TestRefreshedIDToken(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	br := authtest.NewBrowser()
	svc, _ := testService(t, oidcTOML(idp, ""), br)
	key := authtest.NewSigningKey(t, "test-es256")
	idp.PublishKey(key)
	prev := signIn(t, svc)
	br.Next(t)
	p, _ := svc.Provider("idp")
	rp, err := svc.resolve(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	// checkRefreshed runs the refresh grant's completion hook on a token
	// response carrying raw.
	checkRefreshed := func(raw string) error {
		h := rp.ext.hooks(grantRefresh, prev)
		return h.complete(context.Background(), &oauth2.Token{AccessToken: "refreshed"}, &Account{Token: TokenSet{IDToken: raw}})
	}
	// What a refresh returns (Core §12.2): same iss, sub, aud; a new iat; no nonce.
	refreshed := func(edit func(c map[string]any)) string {
		c, _ := IDTokenClaims(prev.Token.IDToken)
		delete(c, "nonce")
		delete(c, "at_hash")
		c["iat"], c["exp"] = time.Now().Unix(), time.Now().Add(time.Hour).Unix()
		edit(c)
		return key.Sign(c)
	}
	if err := checkRefreshed(refreshed(func(map[string]any) {})); err != nil {
		t.Fatalf("a good refreshed id_token was refused: %v", err)
	}
	for name, tc := range map[string]struct {
		edit  func(c map[string]any)
		check IDTokenCheck
	}{
		"another person": {func(c map[string]any) { c["sub"] = "user-43" }, CheckSubject},
		"another client": {func(c map[string]any) { c["aud"] = "someone-else" }, CheckAudience},
		"expired":        {func(c map[string]any) { c["exp"] = time.Now().Add(-time.Hour).Unix() }, CheckExpiry},
	} {
		err := checkRefreshed(refreshed(tc.edit))
		var ie *IDTokenError
		if !errors.As(err, &ie) || ie.Check != tc.check {
			t.Errorf("%s: got %v, want check %q", name, err, tc.check)
		}
	}
	err = checkRefreshed(refreshed(func(c map[string]any) { c["sub"] = "user-43" }))
	if want := "Test IdP's id_token failed verification: it is about another person than the signed-in account (its sub differs); sign in again"; Describe(err, CLI) != want {
		t.Errorf("message %q, want %q", Describe(err, CLI), want)
	}
}

// TestOIDCRefreshThroughFosite lets the provider itself issue the refreshed
// id_token (fosite's OpenID Connect refresh handler) and checks that Token
// refreshes with it and keeps it.
func TestOIDCRefreshThroughFosite(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	br := authtest.NewBrowser()
	svc, _ := testService(t, oidcTOML(idp, ""), br)
	prev := signIn(t, svc)
	br.Next(t)
	svc.now = func() time.Time { return time.Now().Add(58 * time.Minute) } // the 1 h access token is expiring
	a, err := svc.Token(context.Background(), "idp")
	if err != nil {
		t.Fatalf("Token: %v", err)
	}
	if a.Token.AccessToken == prev.Token.AccessToken || a.Token.IDToken == prev.Token.IDToken || a.Token.IDToken == "" {
		t.Fatalf("the refresh did not bring a new access token and id_token")
	}
	if c, _ := IDTokenClaims(a.Token.IDToken); c["sub"] != "user-42" {
		t.Errorf("refreshed id_token claims %v", c)
	}
}

func TestIDTokenClaims(t *testing.T) {
	key := authtest.NewSigningKey(t, "k")
	c, err := IDTokenClaims(key.Sign(map[string]any{"sub": "user-42", "exp": 1767225600}))
	if err != nil || c["sub"] != "user-42" || c["exp"] != float64(1767225600) {
		t.Fatalf("IDTokenClaims = %v, %v", c, err)
	}
	for _, bad := range []string{"", "a.b", "a.!!!.c", "a." + base64.RawURLEncoding.EncodeToString([]byte("[1]")) + ".c"} {
		if _, err := IDTokenClaims(bad); err == nil {
			t.Errorf("IDTokenClaims(%q) accepted it", bad)
		}
	}
}
