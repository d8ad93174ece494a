package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"latchkey/auth"
	"latchkey/auth/provider"
)

// TestSignInCardShowsRedirectURIToRegister: the signed-out card tells what
// to register at the provider when the browser comes back to Latchkey (the
// per-provider default, any port), and says nothing of it when no redirect
// comes back (a pasted verifier, a code on another device).
func TestSignInCardShowsRedirectURIToRegister(t *testing.T) {
	test.NewTempApp(t)
	const oauth2 = `
[[provider]]
id = "work"
protocol = "oauth2"
client_id = "c"
authorize_url = "https://login.example.com/a"
access_token_url = "https://login.example.com/t"

[[provider]]
id = "fixed"
protocol = "oauth2"
client_id = "c"
authorize_url = "https://login.example.com/a"
access_token_url = "https://login.example.com/t"
redirect_uri = "http://localhost:8400/cb"

[[provider]]
id = "tv"
protocol = "oauth2"
client_id = "c"
access_token_url = "https://login.example.com/t"
device_authorization_url = "https://login.example.com/d"

[[provider]]
id = "paste"
protocol = "oauth1"
client_id = "k"
client_secret = "s"
request_token_url = "https://p.example.com/r"
authorize_url = "https://p.example.com/a"
access_token_url = "https://p.example.com/t"
callback = "oob"

[[provider]]
id = "photos"
protocol = "oauth1"
client_id = "k"
client_secret = "s"
request_token_url = "https://p.example.com/r"
authorize_url = "https://p.example.com/a"
access_token_url = "https://p.example.com/t"
`
	ps, probs := provider.Parse("p.toml", []byte(oauth2))
	if len(probs) != 0 || len(ps) != 5 {
		t.Fatalf("config: %v", probs)
	}
	want := map[string]string{
		"work":   "Redirect URI to register | http://127.0.0.1:<any port>/callback/work",
		"fixed":  "Redirect URI to register | http://localhost:8400/cb",
		"photos": "Redirect URI to register | http://127.0.0.1:<any port>/callback/photos",
	}
	for i := range ps {
		p := &ps[i]
		card := newSignInCard(i, auth.StatusOf(p, nil, time.Now()), panelActions{})
		text := textOf(card)
		if w, ok := want[p.ID]; ok && !strings.Contains(text, w) {
			t.Errorf("%s: card lacks %q:\n%s", p.ID, w, text)
		}
		if _, ok := want[p.ID]; !ok && strings.Contains(text, "Redirect URI") {
			t.Errorf("%s: no redirect comes back, yet the card shows one:\n%s", p.ID, text)
		}
	}
}
