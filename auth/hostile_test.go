package auth_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"latchkey/auth"
	"latchkey/auth/authtest"
	"latchkey/auth/authtest/gowords"
	"latchkey/auth/keychain"
	"latchkey/auth/provider"
)

// hostile is an OAuth 2.0 provider on 127.0.0.1 whose authorization
// endpoint behaves and whose token and userinfo endpoints do what a case
// says. elsewhere is a second server on another port, standing for another
// host: it records every request it gets.
type hostile struct {
	srv, elsewhere *httptest.Server
	token          http.HandlerFunc
	userinfo       http.HandlerFunc
	seen           atomic.Int32 // requests elsewhere received
	seenAuth       atomic.Value // the last Authorization header elsewhere received
}

func newHostile(t testing.TB) *hostile {
	h := &hostile{}
	h.seenAuth.Store("")
	h.elsewhere = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.seen.Add(1)
		h.seenAuth.Store(r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"access_token":"stolen","token_type":"bearer","expires_in":3600,"sub":"mallory","name":"Mallory"}`)
	}))
	t.Cleanup(h.elsewhere.Close)
	mux := http.NewServeMux()
	mux.HandleFunc("/authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		http.Redirect(w, r, q.Get("redirect_uri")+"?code=the-code&state="+q.Get("state"), http.StatusFound)
	})
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) { h.token(w, r) })
	mux.HandleFunc("/userinfo", func(w http.ResponseWriter, r *http.Request) {
		if h.userinfo == nil {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"sub":"ada","name":"Ada Lovelace"}`)
			return
		}
		h.userinfo(w, r)
	})
	h.srv = httptest.NewServer(mux)
	t.Cleanup(h.srv.Close)
	return h
}

// service is a Service for the hostile provider: authorization at
// h.srv, tokens and profile at base.
func (h *hostile) service(t testing.TB, base string, client *http.Client) *auth.Service {
	t.Helper()
	toml := fmt.Sprintf(`
[[provider]]
id = "hostile"
name = "Hostile IdP"
protocol = "oauth2"
client_id = "latchkey"
authorize_url = "%s/authorize"
access_token_url = "%s/token"
userinfo_url = "%s/userinfo"
`, h.srv.URL, base, base)
	ps, probs := provider.Parse("test.toml", []byte(toml))
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	if client == nil {
		client = &http.Client{Timeout: 3 * time.Second}
	}
	return auth.New(auth.Options{
		Config:       &provider.Config{Path: "test.toml", Providers: ps},
		Store:        keychain.New(keychain.Memory(), "latchkey-test"),
		Browser:      authtest.NewBrowser(),
		HTTPClient:   client,
		LoginTimeout: 20 * time.Second,
		LockDir:      t.TempDir(),
	})
}

func tokenJSON(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprint(w, body)
}

// TestHostileProviders signs in against providers that misbehave in one way
// each. Every case ends in words a person can act on (naming the
// provider, never a raw Go error) or in a sound account; nothing half-made
// is stored; no credential reaches another host.
func TestHostileProviders(t *testing.T) {
	const fine = `{"access_token":"at","token_type":"bearer","expires_in":3600}`
	cases := []struct {
		name   string
		token  func(h *hostile) http.HandlerFunc
		info   func(h *hostile) http.HandlerFunc
		tls    bool   // the provider serves a certificate the client does not trust
		want   string // in the message; "" means the sign-in succeeds
		verify func(t *testing.T, h *hostile, a *auth.Account)
	}{
		{name: "slow drip", want: "did not answer in time", token: func(h *hostile) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusOK)
				tick := time.NewTicker(100 * time.Millisecond)
				defer tick.Stop()
				for range 100 { // 10 s at most, far past the client's 3 s
					select {
					case <-r.Context().Done():
						return
					case <-tick.C:
						_, _ = w.Write([]byte(" "))
						w.(http.Flusher).Flush()
					}
				}
			}
		}},
		{name: "huge body", want: "more than", token: func(h *hostile) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				tokenJSON(w, `{"access_token":"`+strings.Repeat("a", 2<<20)+`"}`)
			}
		}},
		{name: "gzip bomb", want: "more than", token: func(h *hostile) http.HandlerFunc {
			var bomb bytes.Buffer
			zw := gzip.NewWriter(&bomb)
			_, _ = zw.Write(bytes.Repeat([]byte(" "), 64<<20))
			_ = zw.Close()
			return func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Encoding", "gzip")
				_, _ = w.Write(bomb.Bytes())
			}
		}},
		{name: "redirect loop", want: "redirect", token: func(h *hostile) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "/token", http.StatusTemporaryRedirect)
			}
		}},
		{name: "token POST redirected to another host", want: "redirect", token: func(h *hostile) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, h.elsewhere.URL+"/token", http.StatusTemporaryRedirect)
			}
		}, verify: func(t *testing.T, h *hostile, _ *auth.Account) {
			if n := h.seen.Load(); n != 0 {
				t.Errorf("the other host received %d requests (code, code_verifier, client credentials)", n)
			}
		}},
		{name: "HTML instead of JSON", want: "HTML page", token: func(h *hostile) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				fmt.Fprint(w, "<html><body>Log in</body></html>")
			}
		}},
		{name: "XML instead of JSON", want: "Hostile IdP", token: func(h *hostile) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/xml")
				fmt.Fprint(w, `<token>at</token>`)
			}
		}},
		{name: "no access_token", want: "Hostile IdP", token: func(h *hostile) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				tokenJSON(w, `{"token_type":"bearer","expires_in":3600}`)
			}
		}},
		{name: "access_token of the wrong type", want: "Hostile IdP", token: func(h *hostile) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				tokenJSON(w, `{"access_token":42,"token_type":"bearer"}`)
			}
		}},
		{name: "expires_in of the wrong type", want: "Hostile IdP", token: func(h *hostile) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				tokenJSON(w, `{"access_token":"at","token_type":"bearer","expires_in":"soon"}`)
			}
		}},
		{name: "huge expires_in", token: func(h *hostile) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				tokenJSON(w, `{"access_token":"at","token_type":"bearer","expires_in":99999999999999}`)
			}
		}, verify: func(t *testing.T, _ *hostile, a *auth.Account) {
			if years := a.Token.Expiry.Sub(a.ObtainedAt).Hours() / 24 / 365; years > 10.1 || years < 9.9 {
				t.Errorf("expiry %v after obtaining, want it clamped to 10 years", a.Token.Expiry.Sub(a.ObtainedAt))
			}
		}},
		{name: "negative expires_in", token: func(h *hostile) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				tokenJSON(w, `{"access_token":"at","token_type":"bearer","expires_in":-3600}`)
			}
		}, verify: func(t *testing.T, _ *hostile, a *auth.Account) {
			if !a.Token.Expiry.IsZero() {
				t.Errorf("a negative expires_in was stored as expiry %v, want unknown", a.Token.Expiry)
			}
		}},
		{name: "userinfo redirected to another host", want: "redirect", token: func(h *hostile) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) { tokenJSON(w, fine) }
		}, info: func(h *hostile) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, h.elsewhere.URL+"/me", http.StatusFound)
			}
		}, verify: func(t *testing.T, h *hostile, _ *auth.Account) {
			if got := h.seenAuth.Load().(string); got != "" {
				t.Errorf("the bearer token went to another host: Authorization %q", got)
			}
		}},
		{name: "certificate that does not verify", tls: true, want: "certificate"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHostile(t)
			if tc.token != nil {
				h.token = tc.token(h)
			} else {
				h.token = func(w http.ResponseWriter, r *http.Request) { tokenJSON(w, fine) }
			}
			if tc.info != nil {
				h.userinfo = tc.info(h)
			}
			base := h.srv.URL
			if tc.tls {
				ts := httptest.NewTLSServer(h.srv.Config.Handler)
				t.Cleanup(ts.Close)
				base = ts.URL
			}
			svc := h.service(t, base, nil)
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			a, err := svc.Login(ctx, "hostile", auth.LoginOptions{})
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Login: %v", err)
				}
				if tc.verify != nil {
					tc.verify(t, h, a)
				}
				t.Logf("reliability|hostile provider|%s|1|signed in; the odd value made sound|nothing", tc.name)
				return
			}
			if err == nil {
				t.Fatalf("Login succeeded, want a refusal saying %q", tc.want)
			}
			for _, face := range []auth.Face{auth.Window, auth.CLI} {
				msg := auth.Describe(err, face)
				if !strings.Contains(msg, tc.want) || !strings.Contains(msg, "Hostile IdP") {
					t.Errorf("%v words %q: want %q and the provider's name", face, msg, tc.want)
				}
				if raw := gowords.Find(msg); raw != "" {
					t.Errorf("%v words hold a raw Go error (%q): %q", face, raw, msg)
				}
			}
			if _, aerr := svc.Account("hostile"); !errors.Is(aerr, auth.ErrNotSignedIn) {
				t.Errorf("after the refusal Account = %v, want not signed in (nothing stored)", aerr)
			}
			if tc.verify != nil {
				tc.verify(t, h, nil)
			}
			t.Logf("reliability|hostile provider|%s|1|refused: %s|nothing", tc.name, auth.Describe(err, auth.CLI))
		})
	}
}
