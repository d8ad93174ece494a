package ui

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"latchkey/auth"
	"latchkey/auth/authtest"
	"latchkey/auth/keychain"
)

// signedInAt is the Service's clock in the scenarios with a signed-in
// account, so that "Obtained" reads the same in every run.
var signedInAt = time.Date(2025, 3, 14, 12, 0, 30, 0, time.UTC)

// leftOnToken is how long the scenarios' countdown says is left.
const leftOnToken = 42*time.Minute + 17*time.Second

// Providers with fixed URLs, for renders: nothing of them is contacted
// (an OAuth 2.0 sign-in first builds the URL and waits for the browser).
const (
	workTOML = `
[[provider]]
id = "work"
name = "Work SSO"
protocol = "oauth2"
client_id = "latchkey"
authorize_url = "https://login.example.com/oauth2/authorize"
access_token_url = "https://login.example.com/oauth2/token"
scopes = ["openid", "email"]
`
	photosTOML = `
[[provider]]
id = "photos"
name = "Photo Share"
protocol = "oauth1"
client_id = "key"
client_secret = "secret"
request_token_url = "https://photos.example.com/oauth/request_token"
authorize_url = "https://photos.example.com/oauth/authorize"
access_token_url = "https://photos.example.com/oauth/access_token"
callback = "oob"
`
	brokenTOML = `
[[provider]]
id = "broken"
protocol = "oauth2"
client_id = "x"
authorize_url = "http://auth.example.com/authorize"
access_token_url = "https://auth.example.com/token"

[[provider]]
id = "Bad Id"
protocol = "oauth3"
client_id = "y"
`
)

// scenario is one state of the window, for golden renders and previews.
type scenario struct {
	name string
	size fyne.Size
	make func(t *testing.T) *harness
}

// lockedKeyring fails like gnome-keyring when the collection is locked and
// no one can unlock it.
type lockedKeyring struct{}

var errLocked = errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'")

func (lockedKeyring) Get(string, string) (string, error) { return "", errLocked }
func (lockedKeyring) Set(string, string, string) error   { return errLocked }
func (lockedKeyring) Delete(string, string) error        { return errLocked }

// signedIn returns a started window where provider 0, on a fosite server,
// is signed in with fixed clocks: obtained at signedInAt, leftOnToken left.
func signedIn(t *testing.T, extraTOML string, user map[string]any) *harness {
	t.Helper()
	idp := authtest.NewOAuth2(t)
	toml := idpTOML(idp)
	if user != nil {
		idp.OverrideUserinfo(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(user)
		})
		toml = strings.Replace(toml, `name = "Test IdP"`, `name = "`+user["provider"].(string)+`"`, 1)
	}
	h := newHarness(t, setup{toml: toml + extraTOML, now: func() time.Time { return signedInAt }})
	a, err := h.svc.Login(context.Background(), "idp", auth.LoginOptions{})
	if err != nil {
		t.Fatalf("signing in for the scenario: %v", err)
	}
	expiry := a.Token.Expiry
	h.w.now = func() time.Time { return expiry.Add(-leftOnToken) }
	h.start()
	if user == nil {
		h.wait(evAvatar)
	}
	return h
}

var scenarios = []scenario{
	{"empty", fyne.NewSize(800, 600), func(t *testing.T) *harness {
		return newHarness(t, setup{store: keychain.New(keychain.Memory(), "latchkey-test")}).start()
	}},
	{"signed-in", fyne.NewSize(800, 600), func(t *testing.T) *harness {
		return signedIn(t, photosTOML, nil)
	}},
	{"signed-in-large", fyne.NewSize(1600, 1000), func(t *testing.T) *harness {
		return signedIn(t, photosTOML, nil)
	}},
	{"long-names", fyne.NewSize(800, 600), func(t *testing.T) *harness {
		return signedIn(t, "", map[string]any{
			"provider": "The Extraordinarily Long-Named Identity Provider of the Northern Regional Authority",
			"sub":      "0f8c2a9e-5b7d-4c1e-9a3f-6d2b8e4c7a10-0f8c2a9e-5b7d-4c1e-9a3f-6d2b8e4c7a10",
			"name":     "Maximiliana Wilhelmina Anastasia von Hohenzollern-Sigmaringen-Lovelace",
			"email":    "maximiliana.wilhelmina.anastasia.von.hohenzollern@very-long-subdomain.research.example.org",
		})
	}},
	{"sign-in-progress", fyne.NewSize(800, 600), func(t *testing.T) *harness {
		br := authtest.NewBrowser()
		br.Visit = false // the person has not finished yet
		h := newHarness(t, setup{toml: workTOML + photosTOML, browser: br}).start()
		test.Tap(h.button(h.w.win.Content(), "Sign in"))
		h.wait(evAuthURL)
		br.Next(t)
		return h
	}},
	{"device-code", fyne.NewSize(800, 600), func(t *testing.T) *harness {
		// The code as it shows, 30 s after the provider issued it.
		toml := strings.Replace(workTOML, "scopes", `device_authorization_url = "https://login.example.com/oauth2/device"`+"\nscopes", 1)
		h := newHarness(t, setup{
			toml:      toml,
			store:     keychain.New(keychain.Memory(), "latchkey-test"),
			now:       func() time.Time { return signedInAt },
			transport: func(next http.RoundTripper) http.RoundTripper { return deviceStub{next} },
			opts:      options{now: func() time.Time { return signedInAt.Add(30 * time.Second) }},
		}).start()
		test.Tap(h.button(h.w.win.Content(), "Sign in with a code"))
		h.wait(evDeviceCode)
		return h
	}},
	{"config-problems", fyne.NewSize(800, 600), func(t *testing.T) *harness {
		return newHarness(t, setup{toml: workTOML + brokenTOML}).start()
	}},
	{"keychain-locked", fyne.NewSize(800, 600), func(t *testing.T) *harness {
		return newHarness(t, setup{toml: workTOML + photosTOML, store: keychain.New(lockedKeyring{}, "latchkey-test")}).start()
	}},
}

// scenarioNamed returns the scenario called name.
func scenarioNamed(t *testing.T, name string) scenario {
	t.Helper()
	for _, sc := range scenarios {
		if sc.name == name {
			return sc
		}
	}
	t.Fatalf("no scenario %q", name)
	return scenario{}
}
