package ui

import (
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
	if got := h.w.detail.token.flash.Text; got != "Copied the token secret to the clipboard." {
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
