package auth_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"latchkey/auth"
	"latchkey/auth/authtest"
	"latchkey/auth/keychain"
	"latchkey/auth/provider"
)

// blockedRefresh makes h's token endpoint answer a sign-in at once and
// hold a refresh until release is closed, signalling entered first.
func blockedRefresh(h *hostile) (entered chan struct{}, release chan struct{}) {
	entered, release = make(chan struct{}), make(chan struct{})
	signins := 0
	h.token = func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		if r.Form.Get("grant_type") == "refresh_token" {
			close(entered)
			select {
			case <-release:
			case <-r.Context().Done():
				return
			}
			tokenJSON(w, `{"access_token":"late","token_type":"bearer","expires_in":3600,"refresh_token":"late-r"}`)
			return
		}
		signins++
		tokenJSON(w, fmt.Sprintf(`{"access_token":"signin-%d","token_type":"bearer","expires_in":3600,"refresh_token":"r-%d"}`, signins, signins))
	}
	return entered, release
}

// waitFor receives from ch or fails the test after 10 s.
func waitFor[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
	}
	var zero T
	return zero
}

type result struct {
	a   *auth.Account
	err error
}

// TestFaultRefreshRacesSignOutAndSignIn holds a refresh inside the token
// endpoint while the person signs out (or signs in again), then lets the
// provider answer: the late refresh neither resurrects the signed-out
// account nor overwrites the newer sign-in with the older grant.
func TestFaultRefreshRacesSignOutAndSignIn(t *testing.T) {
	for _, then := range []string{"sign-out", "sign-in"} {
		t.Run(then, func(t *testing.T) {
			h := newHostile(t)
			entered, release := blockedRefresh(h)
			svc := h.service(t, h.srv.URL, nil)
			ctx := context.Background()
			if _, err := svc.Login(ctx, "hostile", auth.LoginOptions{}); err != nil {
				t.Fatalf("Login: %v", err)
			}
			refreshed := make(chan result, 1)
			go func() {
				a, err := svc.Refresh(ctx, "hostile")
				refreshed <- result{a, err}
			}()
			waitFor(t, entered, "the refresh to reach the token endpoint")

			done := make(chan result, 1)
			go func() {
				if then == "sign-out" {
					_, err := svc.Logout(ctx, "hostile")
					done <- result{nil, err}
					return
				}
				a, err := svc.Login(ctx, "hostile", auth.LoginOptions{})
				done <- result{a, err}
			}()
			newer := waitFor(t, done, then+" to complete while the refresh waits")
			if newer.err != nil {
				t.Fatalf("%s: %v", then, newer.err)
			}
			close(release)
			late := waitFor(t, refreshed, "the refresh to end")

			stored, err := svc.Account("hostile")
			if then == "sign-out" {
				if !errors.Is(err, auth.ErrNotSignedIn) {
					t.Fatalf("after sign-out and a late refresh, Account = %v, %v; want not signed in", stored, err)
				}
				if late.err == nil {
					t.Errorf("the late refresh handed out a token of a signed-out account")
				}
				t.Logf("reliability|account writes|refresh answered after sign-out|1|the late grant was dropped: %s|the late grant", auth.Describe(late.err, auth.CLI))
				return
			}
			if err != nil {
				t.Fatalf("Account: %v", err)
			}
			if stored.Token.AccessToken != "signin-2" || !stored.ObtainedAt.Equal(newer.a.ObtainedAt) {
				t.Errorf("stored %q obtained %v; want the newer sign-in's signin-2 obtained %v", stored.Token.AccessToken, stored.ObtainedAt, newer.a.ObtainedAt)
			}
			if late.err != nil || late.a.Token.AccessToken != "signin-2" {
				t.Errorf("the late refresh returned %v, %v; want the newer sign-in's account", late.a, late.err)
			}
			t.Logf("reliability|account writes|refresh answered after a newer sign-in|1|kept the newer sign-in, handed it out|the older grant")
		})
	}
}

// TestForgedProviderRepointed signs in, then re-points the provider's
// access_token_url at another server: refresh, Token and Logout's
// revocation send nothing there, say the settings changed and to sign in
// again, and the status shows needs_signin.
func TestForgedProviderRepointed(t *testing.T) {
	h := newHostile(t)
	h.token = func(w http.ResponseWriter, r *http.Request) {
		tokenJSON(w, `{"access_token":"at","token_type":"bearer","expires_in":3600,"refresh_token":"rt"}`)
	}
	store := keychain.New(keychain.Memory(), "latchkey-test")
	svcFor := func(tokenURL string) *auth.Service {
		toml := fmt.Sprintf(`
[[provider]]
id = "hostile"
name = "Hostile IdP"
protocol = "oauth2"
client_id = "latchkey"
authorize_url = "%s/authorize"
access_token_url = %q
revoke_url = %q
userinfo_url = "%s/userinfo"
`, h.srv.URL, tokenURL, strings.TrimSuffix(tokenURL, "/token")+"/revoke", h.srv.URL)
		ps, probs := provider.Parse("test.toml", []byte(toml))
		if len(probs) > 0 {
			t.Fatal(probs)
		}
		return auth.New(auth.Options{
			Config: &provider.Config{Path: "test.toml", Providers: ps}, Store: store,
			Browser: authtest.NewBrowser(), HTTPClient: &http.Client{Timeout: 3 * time.Second},
			LoginTimeout: 20 * time.Second, LockDir: t.TempDir(),
		})
	}
	ctx := context.Background()
	if _, err := svcFor(h.srv.URL+"/token").Login(ctx, "hostile", auth.LoginOptions{}); err != nil {
		t.Fatalf("Login: %v", err)
	}
	moved := svcFor(h.elsewhere.URL + "/token")
	_, rerr := moved.Refresh(ctx, "hostile")
	_, terr := moved.Token(ctx, "hostile")
	for _, err := range []error{rerr, terr} {
		if !errors.Is(err, auth.ErrProviderChanged) {
			t.Fatalf("with the provider re-pointed: %v, want ErrProviderChanged", err)
		}
	}
	if cli, win := auth.Describe(rerr, auth.CLI), auth.Describe(rerr, auth.Window); !strings.Contains(cli, "latchkey login hostile") || !strings.Contains(win, "press Sign in again") || strings.Contains(win, "latchkey") {
		t.Errorf("words: CLI %q, window %q", cli, win)
	}
	if sts, _ := moved.Statuses(); sts[0].State != auth.StateNeedsSignIn {
		t.Errorf("status %s, want needs_signin", sts[0].State)
	}
	if had, err := moved.Logout(ctx, "hostile"); !had || !errors.Is(err, auth.ErrProviderChanged) {
		t.Errorf("Logout = %v, %v; want the account deleted and the revocation skipped", had, err)
	}
	if n := h.seen.Load(); n != 0 {
		t.Errorf("the re-pointed endpoint received %d requests (the refresh or access token)", n)
	}
	t.Logf("reliability|provider binding|access_token_url re-pointed after sign-in|3|refused refresh, token and revocation: %s|nothing", auth.Describe(rerr, auth.CLI))
}

// TestOversizedProfile signs in with a 100 KB userinfo answer (far past a
// keychain record's 64 KiB): the sign-in is stored with the fields
// Latchkey shows kept, the large members left out, and Trimmed set.
func TestOversizedProfile(t *testing.T) {
	for _, tc := range []struct{ name, doc string }{
		{"large member", `{"sub":"ada","name":"Ada Lovelace","email":"ada@example.com","picture":"https://example.com/ada.png","bio":"` + strings.Repeat("x", 100<<10) + `"}`},
		{"large name", `{"sub":"ada","name":"` + strings.Repeat("é", 50<<10) + `","login":"ada"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHostile(t)
			h.token = func(w http.ResponseWriter, r *http.Request) {
				tokenJSON(w, `{"access_token":"at","token_type":"bearer","expires_in":3600}`)
			}
			h.userinfo = func(w http.ResponseWriter, r *http.Request) { tokenJSON(w, tc.doc) }
			svc := h.service(t, h.srv.URL, nil)
			a, err := svc.Login(context.Background(), "hostile", auth.LoginOptions{})
			if err != nil {
				t.Fatalf("Login with a 100 KB profile: %s", auth.Describe(err, auth.CLI))
			}
			stored, err := svc.Account("hostile")
			if err != nil {
				t.Fatalf("Account: %v", err)
			}
			for _, p := range []auth.Profile{a.Profile, stored.Profile} {
				if !p.Trimmed || p.Subject != "ada" || len(p.Raw) > 10<<10 || len(p.Name) > 1<<10 {
					t.Errorf("profile trimmed=%t sub=%q raw=%d B name=%d B; want trimmed, sub kept, small", p.Trimmed, p.Subject, len(p.Raw), len(p.Name))
				}
			}
			if tc.name == "large member" && (stored.Profile.Email != "ada@example.com" || stored.Profile.Picture == "" || strings.Contains(string(stored.Profile.Raw), "bio")) {
				t.Errorf("stored profile %+v: want email and picture kept, bio dropped", stored.Profile)
			}
			t.Logf("reliability|keychain record|oversized profile (%s, 100 KB)|1|signed in, profile trimmed to fit|the large members of the profile", tc.name)
		})
	}
}
