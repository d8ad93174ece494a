package ui

import (
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"latchkey/auth"
	"latchkey/auth/authtest"
)

// startOOB starts a sign-in to an OAuth 1.0a provider with callback =
// "oob" and waits for the verifier dialog. It returns the verifier the
// provider showed the (fake) browser.
func startOOB(t *testing.T) (*harness, *authtest.OAuth1Provider, string) {
	t.Helper()
	op := authtest.NewOAuth1Provider(t, authtest.OAuth1Options{})
	br := authtest.NewBrowser()
	h := newHarness(t, setup{toml: oauth1TOML(op, "oob"), browser: br}).start()
	test.Tap(h.button(h.w.win.Content(), "Sign in"))
	h.wait(evPrompt)
	page := br.Next(t)
	v, ok := authtest.OAuth1VerifierFromPage(page.Body)
	if !ok || v == "" {
		t.Fatalf("the provider's page shows no verifier: %d %q", page.Status, page.Body)
	}
	return h, op, v
}

// promptEntry is the verifier dialog's entry.
func (h *harness) promptEntry() *verifierEntry {
	h.t.Helper()
	if h.w.signing == nil || h.w.signing.prompt == nil {
		h.t.Fatal("no verifier dialog")
	}
	return h.w.signing.prompt.entry
}

func TestVerifierDialog(t *testing.T) {
	h, op, verifier := startOOB(t)
	if got := h.overlayText(); !strings.Contains(got, "Photo Share is open in your browser") || !strings.Contains(got, "[Continue]") {
		t.Fatalf("the verifier dialog says: %s", got)
	}
	test.AssertObjectRendersToMarkup(t, "verifier.xml", h.overlay().(*widget.PopUp).Content)

	// Empty, and only spaces, are refused with a message; the dialog stays.
	for _, typed := range []string{"", "  \t "} {
		h.promptEntry().SetText(typed)
		test.Tap(h.button(h.overlay(), "Continue"))
		if got := h.overlayText(); !strings.Contains(got, "Enter the verification code Photo Share showed you: it cannot be empty.") {
			t.Errorf("Continue with %q: the dialog says %s", typed, got)
		}
		if h.w.signing == nil {
			t.Fatalf("Continue with %q ended the sign-in", typed)
		}
	}
	// Paste with nothing on the clipboard says so.
	h.app.Clipboard().SetContent(" \n")
	test.Tap(h.button(h.overlay(), "Paste"))
	if got := h.overlayText(); !strings.Contains(got, "The clipboard is empty") {
		t.Errorf("Paste of an empty clipboard: %s", got)
	}

	// Paste trims spaces and newlines.
	h.app.Clipboard().SetContent("  " + verifier + "\r\n")
	test.Tap(h.button(h.overlay(), "Paste"))
	if got := h.promptEntry().Text; got != verifier {
		t.Fatalf("Paste put %q in the entry, want %q", got, verifier)
	}
	test.Tap(h.button(h.overlay(), "Continue"))
	h.wait(evSignIn)

	if top := h.w.win.Canvas().Overlays().Top(); top != nil {
		t.Fatalf("a dialog shows after the verifier was accepted: %s", textOf(top))
	}
	if screen := h.screen(); !strings.Contains(screen, "Signed in as Ada Lovelace") || !strings.Contains(screen, "[Copy secret]") {
		t.Errorf("after the verifier: %s", screen)
	}
	var sent string
	for _, r := range op.Requests() {
		if r.Endpoint == authtest.OAuth1AccessToken {
			sent = r.OAuth.Get("oauth_verifier")
		}
	}
	if sent != verifier {
		t.Errorf("the provider got verifier %q, want %q", sent, verifier)
	}
	a, err := h.svc.Account("photos")
	if err != nil || a.Token.TokenSecret == "" {
		t.Fatalf("keychain after the oob sign-in: %v", err)
	}

	// OAuth 1.0a: Copy secret puts exactly the token secret on the clipboard.
	test.Tap(h.button(h.w.win.Content(), "Copy secret"))
	h.wait(evCopied)
	if got := h.app.Clipboard().Content(); got != a.Token.TokenSecret {
		t.Errorf("Copy secret put %d bytes on the clipboard, not the token secret", len(got))
	}
}

func TestVerifierEnterSubmits(t *testing.T) {
	h, _, verifier := startOOB(t)
	e := h.promptEntry()
	test.Type(e, verifier)
	// A one-line Entry calls OnSubmitted on Enter, from inside TypedKey,
	// which goes on touching the entry afterwards: in the test driver that
	// would race with the sign-in goroutine the answer releases, so the
	// test calls OnSubmitted as TypedKey does.
	if e.MultiLine || e.OnSubmitted == nil {
		t.Fatal("the verifier entry does not submit on Enter")
	}
	e.OnSubmitted(e.Text)
	h.wait(evSignIn)
	if !strings.Contains(h.screen(), "Signed in as Ada Lovelace") {
		t.Errorf("after Enter: %s", h.screen())
	}
}

func TestVerifierCancel(t *testing.T) {
	for _, how := range []string{"Cancel button", "Escape in the entry"} {
		t.Run(how, func(t *testing.T) {
			h, op, _ := startOOB(t)
			if how == "Cancel button" {
				test.Tap(h.button(h.overlay(), "Cancel"))
			} else {
				h.promptEntry().TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
			}
			h.wait(evSignIn)
			if top := h.w.win.Canvas().Overlays().Top(); top != nil {
				t.Errorf("a cancel must say nothing, but a dialog shows: %s", textOf(top))
			}
			if !strings.Contains(h.screen(), "Not signed in") {
				t.Errorf("after cancelling the verifier: %s", h.screen())
			}
			for _, r := range op.Requests() {
				if r.Endpoint == authtest.OAuth1AccessToken {
					t.Error("a cancelled sign-in asked for an access token")
				}
			}
			if _, err := h.svc.Account("photos"); !errors.Is(err, auth.ErrNotSignedIn) {
				t.Errorf("a cancelled sign-in stored something: %v", err)
			}
		})
	}
}
