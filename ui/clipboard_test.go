package ui

import (
	"strings"
	"testing"
	"time"

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

// copyToken signs in to the idp through the window and presses Copy
// token, returning the token copied.
func copyToken(t *testing.T, h *harness) string {
	t.Helper()
	h.signIn(0, true)
	a, err := h.svc.Account("idp")
	if err != nil {
		t.Fatal(err)
	}
	test.Tap(h.button(h.w.win.Content(), "Copy token"))
	h.wait(evCopied)
	if got := h.app.Clipboard().Content(); got != a.Token.AccessToken {
		t.Fatalf("Copy token put %q on the clipboard, want the access token", got)
	}
	return a.Token.AccessToken
}

func TestClipboardClearedAfterTimeout(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	h := newHarness(t, setup{toml: idpTOML(idp)}).start()
	copyToken(t, h)
	if got := h.timers.live(); len(got) != 1 || got[0] != 30*time.Second {
		t.Fatalf("clipboard timers after a copy: %v, want one of 30s", got)
	}
	h.fireClipboard()
	if got := h.app.Clipboard().Content(); got != "" {
		t.Errorf("after the timeout the clipboard holds %q, want it cleared", got)
	}
}

func TestClipboardLeftAloneWhenChanged(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	h := newHarness(t, setup{toml: idpTOML(idp)}).start()
	copyToken(t, h)
	h.app.Clipboard().SetContent("the person's own text")
	h.fireClipboard()
	if got := h.app.Clipboard().Content(); got != "the person's own text" {
		t.Errorf("the clipboard's timer replaced what the person copied meanwhile: %q", got)
	}
	h.w.quit() // nothing of Latchkey's is left to clear either
	if got := h.app.Clipboard().Content(); got != "the person's own text" {
		t.Errorf("quit replaced what the person copied: %q", got)
	}
}

func TestClipboardTimeoutSetting(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	h := newHarness(t, setup{toml: idpTOML(idp)}).start()
	h.useSettings(func(s *settings) { s.clearAfter = 2 * time.Minute })
	token := copyToken(t, h)
	if got := h.w.detail.token.flash.Text; got != "Copied the access token. The clipboard is cleared in 2 min." {
		t.Errorf("confirmation %q", got)
	}
	if got := h.timers.live(); len(got) != 1 || got[0] != 2*time.Minute {
		t.Fatalf("clipboard timers: %v, want one of 2m", got)
	}

	// Never: the running timer stops, and a new copy starts none.
	h.useSettings(func(s *settings) { s.clearAfter = 0 })
	if got := h.timers.live(); len(got) != 0 {
		t.Fatalf("timers still running after choosing never: %v", got)
	}
	test.Tap(h.button(h.w.win.Content(), "Copy token"))
	h.wait(evCopied)
	if got := h.w.detail.token.flash.Text; got != "Copied the access token." {
		t.Errorf("confirmation with never: %q", got)
	}
	if got := h.timers.live(); len(got) != 0 {
		t.Errorf("a timer started although the setting is never: %v", got)
	}
	if got := h.app.Clipboard().Content(); got != token {
		t.Errorf("the clipboard holds %q, want the token", got)
	}
	if got := h.app.Preferences().Int(prefClearAfter); got != 0 {
		t.Errorf("preference %s = %d, want 0 (never)", prefClearAfter, got)
	}
}

func TestQuitClearsTheClipboard(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	h := newHarness(t, setup{toml: idpTOML(idp), desktop: true})
	h.start()
	copyToken(t, h)
	h.w.quit()
	if got := h.app.Clipboard().Content(); got != "" {
		t.Errorf("after quit the clipboard holds %q, want it cleared", got)
	}
	if h.desk.quits != 1 {
		t.Errorf("quit asked the app to quit %d times, want 1", h.desk.quits)
	}
	if got := h.timers.live(); len(got) != 0 {
		t.Errorf("timers left running after quit: %v", got)
	}
}
