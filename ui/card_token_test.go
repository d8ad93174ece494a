package ui

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"latchkey/auth/authtest"
)

// TestTokenCardOAuth1 shows what the token card draws from an OAuth 1.0a
// provider's capabilities: no scopes, a token that never expires, a token
// secret instead of a refresh token, Copy secret instead of Copy header,
// and Refresh (which rechecks the token).
func TestTokenCardOAuth1(t *testing.T) {
	op := authtest.NewOAuth1Provider(t, authtest.OAuth1Options{})
	h := newHarness(t, setup{toml: oauth1TOML(op, "loopback")}).start()
	h.signIn(0, false)

	screen := h.screen()
	for _, want := range []string{
		"OAuth 1.0a · id photos",
		"Expires | Never (OAuth 1.0a tokens do not expire)",
		"Token secret | Held in the keychain",
		"Secret | " + masked,
		"[Copy token]", "[Copy secret]", "[Refresh]",
	} {
		if !strings.Contains(screen, want) {
			t.Errorf("the panel does not show %q: %s", want, screen)
		}
	}
	for _, not := range []string{"Scopes", "Refresh token", "[Copy header]", "[Copy id_token]"} {
		if strings.Contains(screen, not) {
			t.Errorf("an OAuth 1.0a panel shows %q: %s", not, screen)
		}
	}

	secret := h.w.status[0].Account.Token.TokenSecret
	test.Tap(h.button(h.w.win.Content(), "Copy secret"))
	h.wait(evCopied)
	if got := h.app.Clipboard().Content(); got != secret || secret == "" {
		t.Errorf("Copy secret put %q on the clipboard, want exactly the token secret", got)
	}
	if got := h.w.detail.token.flash.Text; got != "Copied the token secret. The clipboard is cleared in 30 s." {
		t.Errorf("confirmation %q", got)
	}
}

// TestTokenCardOAuth2 is the same for OAuth 2.0: scopes, a refresh token,
// Copy header, and no token secret.
func TestTokenCardOAuth2(t *testing.T) {
	h := scenarioNamed(t, "signed-in").make(t)
	screen := h.screen()
	for _, want := range []string{"OAuth 2.0 · id idp", "Scopes | ", "Refresh token | Held in the keychain", "[Copy token]", "[Copy header]", "[Refresh]"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the panel does not show %q: %s", want, screen)
		}
	}
	for _, not := range []string{"Token secret", "Secret | ", "[Copy secret]", "Never ("} {
		if strings.Contains(screen, not) {
			t.Errorf("an OAuth 2.0 panel shows %q: %s", not, screen)
		}
	}
}

// TestTokenCardJWTAccessToken: an access token that is a JWT (RFC 9068)
// shows its claims, decoded and labelled as not verified; an opaque one
// (fosite's) shows none.
func TestTokenCardJWTAccessToken(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	jwt := enc(map[string]any{"typ": "at+jwt", "alg": "RS256", "kid": "k1"}) + "." +
		enc(map[string]any{"iss": idp.URL, "sub": "user-42", "aud": "https://api.example.com", "client_id": authtest.PublicClientID, "scope": "read email", "exp": 1767225600}) + ".c2lnbmF0dXJl"
	idp.OverrideToken(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": jwt, "token_type": "Bearer", "expires_in": 3600, "scope": "read email"})
	})
	idp.OverrideUserinfo(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"sub": "user-42", "name": "Ada Lovelace"})
	})
	h := newHarness(t, setup{toml: idpTOML(idp)}).start()
	h.signIn(0, false)
	screen := h.screen()
	for _, want := range []string{
		"Access token claims",
		"not verified by Latchkey",
		"Issuer (iss) | " + idp.URL,
		"Subject (sub) | user-42",
		"Audience (aud) | https://api.example.com",
		"Expires (exp) | 1 Jan 2026, 00:00:00 (1767225600)",
		"client_id | " + authtest.PublicClientID,
		"scope | read email",
	} {
		if !strings.Contains(screen, want) {
			t.Errorf("the token card does not show %q: %s", want, screen)
		}
	}
	if strings.Contains(screen, jwt) {
		t.Error("the raw access token is on screen")
	}
}

func TestTokenCardOpaqueAccessToken(t *testing.T) {
	h := scenarioNamed(t, "signed-in").make(t)
	if screen := h.screen(); strings.Contains(screen, "Access token claims") || strings.Contains(screen, "not verified") {
		t.Errorf("an opaque access token shows claims: %s", screen)
	}
}
