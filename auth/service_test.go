package auth

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"latchkey/auth/browser"
	"latchkey/auth/keychain"
	"latchkey/auth/keychain/keychaintest"
	"latchkey/auth/provider"
)

// keyringKind picks the keyring under a test Service: the in-memory one
// for protocol and domain tests (they run anywhere), the real Secret
// Service for the suites that are about the keychain.
type keyringKind int

const (
	memoryKeychain keyringKind = iota
	realKeychain               // keychaintest.Require: fails under CI=true without one
)

// testService builds a Service over providers parsed from TOML, the
// in-memory keyring (with the store options given) and the given browser.
func testService(t testing.TB, toml string, br browser.Opener, opts ...keychain.Option) (*Service, *keychain.Store) {
	t.Helper()
	return testServiceOn(t, memoryKeychain, toml, br, opts...)
}

// testServiceOn is testService on the keyring of kind.
func testServiceOn(t testing.TB, kind keyringKind, toml string, br browser.Opener, opts ...keychain.Option) (*Service, *keychain.Store) {
	t.Helper()
	ps, probs := provider.Parse("test.toml", []byte(toml))
	if len(probs) > 0 {
		t.Fatalf("test config has problems: %v", probs)
	}
	var store *keychain.Store
	if kind == realKeychain {
		store = keychain.New(keychain.System(keychain.DefaultTimeout), keychaintest.Require(t), opts...)
	} else {
		store = keychain.New(keychain.Memory(), "latchkey-test", opts...)
	}
	svc := New(Options{
		Config:       &provider.Config{Path: "test.toml", Providers: ps},
		Store:        store,
		Browser:      br,
		HTTPClient:   &http.Client{Timeout: 10 * time.Second},
		LoginTimeout: 30 * time.Second,
		LockDir:      t.TempDir(),
	})
	return svc, store
}

// loginResult is a Login finished in the background.
type loginResult struct {
	a   *Account
	err error
}

func loginAsync(ctx context.Context, svc *Service, id string, opts LoginOptions) <-chan loginResult {
	ch := make(chan loginResult, 1)
	go func() {
		a, err := svc.Login(ctx, id, opts)
		ch <- loginResult{a, err}
	}()
	return ch
}

func wait(t *testing.T, ch <-chan loginResult) loginResult {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(20 * time.Second):
		t.Fatal("Login did not return within 20s")
		return loginResult{}
	}
}

// urlHook returns LoginOptions whose AuthURL hook publishes the URL.
func urlHook(opts LoginOptions) (LoginOptions, <-chan string) {
	ch := make(chan string, 1)
	opts.AuthURL = func(u string) { ch <- u }
	return opts, ch
}

func nextURL(t *testing.T, ch <-chan string) *url.URL {
	t.Helper()
	select {
	case s := <-ch:
		u, err := url.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return u
	case <-time.After(10 * time.Second):
		t.Fatal("no authorization URL within 10s")
		return nil
	}
}

// assertRefused checks that nothing listens at the host:port of rawURL.
func assertRefused(t *testing.T, rawURL string) {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.DialTimeout("tcp", u.Host, 2*time.Second)
	if err == nil {
		c.Close()
		t.Fatalf("%s still accepts connections; the listener must be closed", u.Host)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dial %s: %v, want connection refused", u.Host, err)
	}
}

func TestGuardRefusesPlainHTTPAndHTML(t *testing.T) {
	c := guardClient(nil)
	_, err := c.Get("http://example.com/token")
	var re *ResponseError
	if !errors.As(err, &re) || re.Problem == "" {
		t.Fatalf("plain http to a remote host: got %v, want *ResponseError", err)
	}
}

func TestGuardFollowsRedirectsWithHTMLBodies(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/old", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/new", http.StatusFound) // writes a small HTML body
	})
	mux.HandleFunc("/new", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"sub":"x"}`))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	resp, err := guardClient(nil).Get(srv.URL + "/old")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("redirect not followed: %v", err)
	}
	resp.Body.Close()
}

func TestIsHTML(t *testing.T) {
	for _, tc := range []struct {
		ct, body string
		want     bool
	}{
		{"text/html; charset=utf-8", "<html><body>Sign in</body></html>", true},
		{"text/html", "\n  <!DOCTYPE html><p>x", true},
		{"text/html", "oauth_token=a&oauth_token_secret=b&oauth_callback_confirmed=true", false}, // legacy Twitter
		{"", "<!DOCTYPE html><html>", true},
		{"text/plain", "<HTML>error</HTML>", true},
		{"application/json", `{"access_token":"x"}`, false},
		{"application/x-www-form-urlencoded", "access_token=x", false},
	} {
		if got := isHTML(tc.ct, []byte(tc.body)); got != tc.want {
			t.Errorf("isHTML(%q, %q) = %v, want %v", tc.ct, tc.body, got, tc.want)
		}
	}
}

func TestTokenSetNeverPrintsSecrets(t *testing.T) {
	ts := TokenSet{AccessToken: "AT-secret", RefreshToken: "RT-secret", TokenSecret: "TS-secret", IDToken: "ID-secret"}
	for _, s := range []string{ts.String(), ts.GoString()} {
		for _, secret := range []string{"AT-secret", "RT-secret", "TS-secret", "ID-secret"} {
			if strings.Contains(s, secret) {
				t.Errorf("%q leaks %s", s, secret)
			}
		}
	}
}

// TestMeaninglessRecordsRefused: a record of {} or with an empty access
// token, another account's id or an unknown protocol is reported as
// damaged, never handed out as valid.
func TestMeaninglessRecordsRefused(t *testing.T) {
	svc, store := testService(t, `
[[provider]]
id = "idp"
protocol = "oauth2"
client_id = "c"
authorize_url = "https://idp.example/authorize"
access_token_url = "https://idp.example/token"
`, nil)
	for name, rec := range map[string]string{
		"empty object":    `{}`,
		"no access token": `{"v":1,"provider_id":"idp","protocol":"oauth2","token":{"access_token":"","token_type":"Bearer"}}`,
		"another id":      `{"v":1,"provider_id":"other","protocol":"oauth2","token":{"access_token":"at","token_type":"Bearer"}}`,
		"no protocol":     `{"v":1,"provider_id":"idp","token":{"access_token":"at","token_type":"Bearer"}}`,
		"not bearer":      `{"v":1,"provider_id":"idp","protocol":"oauth2","token":{"access_token":"at","token_type":"mac"}}`,
		"not JSON":        `{"v":1,`,
	} {
		t.Run(name, func(t *testing.T) {
			if err := store.Save("idp", []byte(rec)); err != nil {
				t.Fatal(err)
			}
			_, err := svc.Token(context.Background(), "idp")
			var re *RecordError
			if !errors.As(err, &re) || re.ID != "idp" {
				t.Fatalf("Token = %v, want a *RecordError", err)
			}
			if msg := Describe(err, CLI); !strings.Contains(msg, "cannot be used") || !strings.Contains(msg, "latchkey logout idp") || strings.Contains(msg, `"at"`) {
				t.Errorf("words %q", msg)
			}
			sts, _ := svc.Statuses()
			if sts[0].State != StateUnknown || sts[0].Account != nil {
				t.Errorf("status %v with account %v, want unknown and none", sts[0].State, sts[0].Account)
			}
		})
	}
}
