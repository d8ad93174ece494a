package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"latchkey/auth"
	"latchkey/auth/authtest"
)

func TestCopyAndReveal(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	h := newHarness(t, setup{toml: idpTOML(idp)}).start()
	h.signIn(0, true)
	a, err := h.svc.Account("idp")
	if err != nil {
		t.Fatal(err)
	}
	token := a.Token.AccessToken

	for _, tc := range []struct {
		button, want, flash string
	}{
		{"Copy token", token, "Copied the access token. The clipboard is cleared in 30 s."},
		{"Copy header", "Authorization: Bearer " + token, "Copied the Authorization header line. The clipboard is cleared in 30 s."},
	} {
		h.app.Clipboard().SetContent("something else")
		test.Tap(h.button(h.w.win.Content(), tc.button))
		h.wait(evCopied)
		if got := h.app.Clipboard().Content(); got != tc.want {
			t.Errorf("%s put %q on the clipboard, want exactly %q", tc.button, got, tc.want)
		}
		if got := h.w.detail.token.flash; !got.Visible() || got.Text != tc.flash {
			t.Errorf("%s: confirmation %q (visible %v), want %q", tc.button, got.Text, got.Visible(), tc.flash)
		}
	}

	if strings.Contains(h.screen(), token) {
		t.Fatal("the token is on screen before Reveal")
	}
	test.Tap(h.button(h.w.win.Content(), "Reveal"))
	if !strings.Contains(h.screen(), token) {
		t.Errorf("Reveal does not show the token: %s", h.screen())
	}
	test.Tap(h.button(h.w.win.Content(), "Hide"))
	if strings.Contains(h.screen(), token) {
		t.Error("Hide leaves the token on screen")
	}
}

func TestCopyHeaderText(t *testing.T) {
	for _, tc := range []struct{ typ, want string }{
		{"Bearer", "Authorization: Bearer tok"},
		{"bearer", "Authorization: Bearer tok"},
		{"", "Authorization: Bearer tok"},
		{"DPoP", "Authorization: DPoP tok"},
	} {
		a := &auth.Account{Token: auth.TokenSet{AccessToken: "tok", TokenType: tc.typ, TokenSecret: "sec"}}
		if got := a.Credential(auth.CredAuthorization); got != tc.want {
			t.Errorf("type %q: %q, want %q", tc.typ, got, tc.want)
		}
		if got := a.Credential(auth.CredAccessToken); got != "tok" {
			t.Errorf("CredAccessToken: %q", got)
		}
		if got := a.Credential(auth.CredTokenSecret); got != "sec" {
			t.Errorf("CredTokenSecret: %q", got)
		}
	}
}
