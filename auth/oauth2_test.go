package auth

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"latchkey/auth/authtest"
	"latchkey/auth/keychain"
	"latchkey/loopback"
)

// oauth2TOML configures provider "idp" against the fosite server srv.
func oauth2TOML(srv *authtest.OAuth2, clientID, auth, extra string) string {
	return srv.ProviderTOML("idp", "Test IdP", clientID, auth, extra)
}

func TestOAuth2LoginEndToEnd(t *testing.T) {
	for _, tc := range []struct{ auth, client string }{
		{"none", authtest.PublicClientID},
		{"client_secret_basic", authtest.BasicClientID},
		{"client_secret_post", authtest.PostClientID},
	} {
		t.Run(tc.auth, func(t *testing.T) {
			idp := authtest.NewOAuth2(t)
			br := authtest.NewBrowser()
			svc, _ := testServiceOn(t, realKeychain, oauth2TOML(idp, tc.client, tc.auth, ""), br)

			before := time.Now()
			a, err := svc.Login(context.Background(), "idp", LoginOptions{})
			if err != nil {
				t.Fatalf("Login: %v", err)
			}
			page := br.Next(t)
			if page.Status != http.StatusOK || !strings.Contains(page.Body, "Signed in") || page.Header.Get("Referrer-Policy") != "no-referrer" {
				t.Errorf("browser ended on %d %q (Referrer-Policy %q), want the success page", page.Status, page.Body, page.Header.Get("Referrer-Policy"))
			}
			if a.Profile.Name != "Ada Lovelace" || a.Profile.Email != "ada@example.com" || a.Profile.Subject != "user-42" {
				t.Errorf("profile = %+v", a.Profile)
			}
			if a.Token.AccessToken == "" || a.Token.RefreshToken == "" || a.Token.TokenType != "Bearer" {
				t.Errorf("token set = %v", a.Token)
			}
			// fosite issues 1 h tokens; expiry counts from before the request.
			if exp := a.Token.Expiry.Sub(before); exp < 59*time.Minute || exp > time.Hour+time.Minute {
				t.Errorf("expiry %v after the start, want about 1h", exp)
			}

			// What the provider saw: PKCE S256, state, one redirect_uri, client auth as configured.
			var authz, tok *authtest.Request
			for _, r := range idp.Requests() {
				switch r.Path {
				case "/authorize":
					authz = &r
				case "/token":
					tok = &r
				}
			}
			if authz == nil || tok == nil {
				t.Fatalf("provider saw authorize=%v token=%v", authz, tok)
			}
			get := func(r *authtest.Request, k string) string {
				if v := r.Form[k]; len(v) > 0 {
					return v[0]
				}
				return ""
			}
			if get(authz, "code_challenge_method") != "S256" || len(get(authz, "code_challenge")) != 43 {
				t.Errorf("authorize request lacks PKCE S256: %v", authz.Form)
			}
			if len(get(authz, "state")) < 22 { // ≥128 bits in base64url
				t.Errorf("state %q is too short", get(authz, "state"))
			}
			if get(tok, "code_verifier") == "" || get(tok, "redirect_uri") != get(authz, "redirect_uri") {
				t.Errorf("token request: verifier %q, redirect_uri %q vs %q", get(tok, "code_verifier"), get(tok, "redirect_uri"), get(authz, "redirect_uri"))
			}
			if !strings.HasPrefix(get(authz, "redirect_uri"), "http://127.0.0.1:") {
				t.Errorf("redirect_uri %q is not the loopback listener", get(authz, "redirect_uri"))
			}
			switch tc.auth {
			case "none":
				if tok.AuthHeader || get(tok, "client_secret") != "" || get(tok, "client_id") != tc.client {
					t.Errorf("public client sent auth header=%v secret=%q id=%q", tok.AuthHeader, get(tok, "client_secret"), get(tok, "client_id"))
				}
			case "client_secret_basic":
				if !tok.AuthHeader || get(tok, "client_secret") != "" {
					t.Errorf("basic: auth header=%v, secret in body=%q", tok.AuthHeader, get(tok, "client_secret"))
				}
			case "client_secret_post":
				if tok.AuthHeader || get(tok, "client_secret") != authtest.ClientSecret {
					t.Errorf("post: auth header=%v, secret in body=%q", tok.AuthHeader, get(tok, "client_secret"))
				}
			}

			// Stored in the real keychain, read back by Statuses and Token.
			sts, err := svc.Statuses()
			if err != nil || len(sts) != 1 || sts[0].State != StateValid || sts[0].Account.Profile.Email != "ada@example.com" {
				t.Fatalf("Statuses = %+v, %v", sts, err)
			}
			got, err := svc.Token(context.Background(), "idp")
			if err != nil || got.Token.AccessToken != a.Token.AccessToken {
				t.Fatalf("Token: %v (same token: %v)", err, got != nil && got.Token.AccessToken == a.Token.AccessToken)
			}

			// The callback cannot be replayed: the listener is gone.
			assertRefused(t, page.Final)

			had, err := svc.Logout(context.Background(), "idp")
			if err != nil || !had {
				t.Fatalf("Logout = %v, %v", had, err)
			}
			if _, err := svc.Token(context.Background(), "idp"); !errors.Is(err, ErrNotSignedIn) {
				t.Fatalf("Token after logout: %v, want ErrNotSignedIn", err)
			}
		})
	}
}

// signIn performs one successful sign-in and returns the stored account.
func signIn(t *testing.T, svc *Service) *Account {
	t.Helper()
	a, err := svc.Login(context.Background(), "idp", LoginOptions{})
	if err != nil {
		t.Fatalf("first Login: %v", err)
	}
	return a
}

// assertKept checks that the stored account is still the one given.
func assertKept(t *testing.T, svc *Service, want *Account) {
	t.Helper()
	got, err := svc.Account("idp")
	if err != nil {
		t.Fatalf("the stored account is gone: %v", err)
	}
	if got.Token.AccessToken != want.Token.AccessToken {
		t.Fatal("the stored account was replaced by a failed sign-in")
	}
}

func TestOAuth2AccessDenied(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	br := authtest.NewBrowser()
	svc, _ := testService(t, oauth2TOML(idp, authtest.PublicClientID, "none", ""), br)
	old := signIn(t, svc)
	br.Next(t)

	idp.Deny("The person pressed Deny")
	_, err := svc.Login(context.Background(), "idp", LoginOptions{})
	var pe *ProviderError
	if !errors.As(err, &pe) || pe.Code != "access_denied" || !strings.Contains(pe.Description, "pressed Deny") {
		t.Fatalf("got %v, want access_denied with the provider's description", err)
	}
	if msg := Describe(err, CLI); !strings.Contains(msg, "Test IdP") || !strings.Contains(msg, "pressed Deny") {
		t.Errorf("Describe = %q", msg)
	}
	page := br.Next(t)
	if page.Status != http.StatusBadRequest || !strings.Contains(page.Body, "pressed Deny") {
		t.Errorf("browser shows %d %q, want the failure page with the description", page.Status, page.Body)
	}
	for _, r := range idp.Requests()[3:] { // after the first sign-in's authorize, token, userinfo
		if r.Path == "/token" {
			t.Fatal("a denied sign-in must not reach the token endpoint")
		}
	}
	assertKept(t, svc, old)
}

// TestOAuth2ForgedCallback: a callback that is not this sign-in's (wrong
// or missing state, an error without state) gets an error page, exchanges
// no code, and does not end the sign-in: the person's own answer, arriving
// afterwards, still signs them in.
func TestOAuth2ForgedCallback(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	br := authtest.NewBrowser()
	br.Visit = false // the attacker calls back first; the person's browser comes later
	svc, _ := testService(t, oauth2TOML(idp, authtest.PublicClientID, "none", ""), br)

	for name, query := range map[string]string{
		"wrong state":     "state=forged&code=stolen",
		"missing state":   "code=stolen",
		"error, no state": "error=access_denied",
	} {
		t.Run(name, func(t *testing.T) {
			opts, urls := urlHook(LoginOptions{})
			res := loginAsync(context.Background(), svc, "idp", opts)
			authURL := nextURL(t, urls)
			br.Next(t)
			redirect := authURL.Query().Get("redirect_uri")
			tokenRequests := func() (n int) {
				for _, req := range idp.Requests() {
					if req.Path == "/token" {
						n++
					}
				}
				return n
			}
			before := tokenRequests() // earlier subtests signed in for real
			page := authtest.Fetch(redirect + "?" + query)
			if page.Status != http.StatusBadRequest {
				t.Errorf("forged callback answered %d, want 400", page.Status)
			}
			if tokenRequests() != before {
				t.Fatal("no code may be exchanged after a state mismatch")
			}
			select {
			case r := <-res:
				t.Fatalf("one forged callback ended the sign-in: %v", r.err)
			default:
			}
			// The person's own browser finishes the sign-in.
			if p := authtest.Fetch(authURL.String()); p.Status != http.StatusOK {
				t.Fatalf("the real callback shows %d", p.Status)
			}
			r := wait(t, res)
			if r.err != nil || r.a.Profile.Name != "Ada Lovelace" {
				t.Fatalf("Login after a forged callback = %v", r.err)
			}
			assertRefused(t, redirect)
			t.Logf("reliability|loopback listener|forged callback (%s) before the real one|1|error page to the sender; the sign-in went on and the real answer signed in|nothing", name)
		})
	}
}

func TestOAuth2TokenEndpointMisbehaves(t *testing.T) {
	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc
		want    string
	}{
		{"html", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "<html><body>Login</body></html>")
		}, "answered with an HTML page"},
		{"5xx", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprint(w, `{"error":"server_error"}`)
		}, "failed with a server error (HTTP 502)"},
		{"huge", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"access_token":"`+strings.Repeat("A", MaxResponseBytes+10)+`"}`)
		}, "more than 1048576 bytes"},
		{"invalid_grant", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"error":"invalid_grant","error_description":"code was already used"}`)
		}, "invalid_grant: code was already used"},
		{"no token", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"token_type":"bearer"}`)
		}, "gave an answer Latchkey cannot use"},
		{"mac token", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"access_token":"x","token_type":"mac"}`)
		}, "only Bearer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			idp := authtest.NewOAuth2(t)
			br := authtest.NewBrowser()
			svc, _ := testService(t, oauth2TOML(idp, authtest.PublicClientID, "none", ""), br)
			old := signIn(t, svc)
			br.Next(t)

			idp.OverrideToken(tc.handler)
			_, err := svc.Login(context.Background(), "idp", LoginOptions{})
			if err == nil || !strings.Contains(Describe(err, CLI), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
			if !strings.Contains(Describe(err, CLI), "Test IdP") {
				t.Errorf("%q does not name the provider", Describe(err, CLI))
			}
			assertKept(t, svc, old)
		})
	}
}

func TestOAuth2UserinfoMisbehaves(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	br := authtest.NewBrowser()
	svc, _ := testService(t, oauth2TOML(idp, authtest.PublicClientID, "none", ""), br)
	idp.OverrideUserinfo(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"error":"invalid_token"}`, http.StatusUnauthorized)
	})
	_, err := svc.Login(context.Background(), "idp", LoginOptions{})
	var re *ResponseError
	if !errors.As(err, &re) || re.Endpoint != "userinfo" || re.Status != 401 {
		t.Fatalf("got %v, want a userinfo ResponseError with 401", err)
	}
	if _, err := svc.Account("idp"); !errors.Is(err, ErrNotSignedIn) {
		t.Fatalf("a failed sign-in stored something: %v", err)
	}
}

func TestOAuth2CancelAndTimeoutClosePort(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	br := authtest.NewBrowser()
	br.Visit = false
	svc, _ := testService(t, oauth2TOML(idp, authtest.PublicClientID, "none", ""), br)

	t.Run("cancel", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		opts, urls := urlHook(LoginOptions{})
		res := loginAsync(ctx, svc, "idp", opts)
		redirect := nextURL(t, urls).Query().Get("redirect_uri")
		br.Next(t)
		cancel()
		r := wait(t, res)
		if !errors.Is(r.err, context.Canceled) || Describe(r.err, CLI) != "" {
			t.Fatalf("Login = %v (Describe %q), want a silent context.Canceled", r.err, Describe(r.err, CLI))
		}
		assertRefused(t, redirect)
	})
	t.Run("timeout", func(t *testing.T) {
		svc.loginTimeout = 300 * time.Millisecond
		opts, urls := urlHook(LoginOptions{})
		res := loginAsync(context.Background(), svc, "idp", opts)
		redirect := nextURL(t, urls).Query().Get("redirect_uri")
		br.Next(t)
		r := wait(t, res)
		if r.err == nil || !strings.Contains(r.err.Error(), "not finished within 300ms") {
			t.Fatalf("Login = %v, want the timeout message", r.err)
		}
		assertRefused(t, redirect)
	})
}

func TestOAuth2PortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	idp := authtest.NewOAuth2(t)
	svc, _ := testService(t, oauth2TOML(idp, authtest.PublicClientID, "none", fmt.Sprintf("redirect_uri = \"http://127.0.0.1:%d/callback\"\n", port)), authtest.NewBrowser())
	_, err = svc.Login(context.Background(), "idp", LoginOptions{})
	var pe *loopback.PortInUseError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), fmt.Sprint(port)) {
		t.Fatalf("got %v, want a PortInUseError naming port %d", err, port)
	}
}

func TestOAuth2BrowserFailsFlowGoesOn(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	br := authtest.NewBrowser()
	br.Fail = authtest.ErrClosed
	svc, _ := testService(t, oauth2TOML(idp, authtest.PublicClientID, "none", ""), br)
	failed := make(chan error, 1)
	opts, urls := urlHook(LoginOptions{BrowserFailed: func(err error) { failed <- err }})
	res := loginAsync(context.Background(), svc, "idp", opts)
	u := nextURL(t, urls)
	select {
	case err := <-failed:
		if !errors.Is(err, authtest.ErrClosed) {
			t.Fatalf("BrowserFailed got %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("BrowserFailed was not called")
	}
	// The person opens the printed link themselves.
	if page := authtest.Fetch(u.String()); page.Status != http.StatusOK {
		t.Fatalf("opening the link by hand: %d %v", page.Status, page.Err)
	}
	if r := wait(t, res); r.err != nil || r.a.Profile.Name != "Ada Lovelace" {
		t.Fatalf("Login = %+v", r)
	}
}

// failingStore fails Save like a keychain without a Secret Service.
type failingStore struct{ Store }

func (f failingStore) Save(string, []byte) error {
	return &keychain.Error{Kind: keychain.NoSecretService, Op: "set", Err: errors.New("The name org.freedesktop.secrets was not provided by any .service files")}
}

func TestOAuth2KeychainUnavailableOnSave(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	svc, store := testService(t, oauth2TOML(idp, authtest.PublicClientID, "none", ""), authtest.NewBrowser())
	svc.store = failingStore{store}
	_, err := svc.Login(context.Background(), "idp", LoginOptions{})
	var ke *keychain.Error
	if !errors.As(err, &ke) || ke.Kind != keychain.NoSecretService {
		t.Fatalf("got %v, want the keychain error", err)
	}
	if msg := Describe(err, CLI); !strings.Contains(msg, "could not store the account") || !strings.Contains(msg, "gnome-keyring") {
		t.Errorf("message does not say what happened and what to do: %q", msg)
	}
}

func TestUnknownProvider(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	svc, _ := testService(t, oauth2TOML(idp, authtest.PublicClientID, "none", ""), authtest.NewBrowser())
	_, err := svc.Login(context.Background(), "nope", LoginOptions{})
	var ue *UnknownProviderError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), `no provider with id "nope" in test.toml; configured: idp`) {
		t.Fatalf("got %v", err)
	}
}
