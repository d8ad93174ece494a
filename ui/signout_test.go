package ui

import (
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"latchkey/auth"
	"latchkey/auth/authtest"
	"latchkey/auth/keychain"
)

func TestSignOutAsksThenRemovesTheRecord(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	h := newHarness(t, setup{toml: idpTOML(idp) + "revoke_url = \"" + idp.RevokeURL() + "\"\n"}).start()
	h.signIn(0, true)

	// Cancel keeps everything.
	test.Tap(h.button(h.w.win.Content(), "Sign out"))
	if got := h.overlayText(); !strings.Contains(got, "Sign out of Test IdP?") || !strings.Contains(got, "ask Test IdP to revoke the token of Ada Lovelace") || !strings.Contains(got, "delete the token from your keychain") {
		t.Fatalf("the confirmation says: %s", got)
	}
	test.Tap(h.button(h.overlay(), "Cancel"))
	if _, err := h.store.Load("idp"); err != nil {
		t.Fatalf("Cancel removed the record: %v", err)
	}
	if !strings.Contains(h.screen(), "Signed in as Ada Lovelace") {
		t.Fatalf("after Cancel: %s", h.screen())
	}

	// Confirming deletes the keychain record.
	test.Tap(h.button(h.w.win.Content(), "Sign out"))
	test.Tap(h.button(h.overlay(), "Sign out"))
	h.wait(evSignedOut)
	if _, err := h.store.Load("idp"); !errors.Is(err, keychain.ErrNotFound) {
		t.Fatalf("the keychain record is still there: %v", err)
	}
	if _, err := h.svc.Account("idp"); !errors.Is(err, auth.ErrNotSignedIn) {
		t.Fatalf("Service.Account after sign-out: %v", err)
	}
	screen := h.screen()
	if !strings.Contains(screen, "Not signed in") || strings.Contains(screen, "Ada Lovelace") || !strings.Contains(screen, "[Sign in]") {
		t.Errorf("after sign-out the panel shows: %s", screen)
	}
}

// TestSignOutWithoutRevocation: a provider that cannot revoke (no
// revoke_url, and no discovery to find one) is not said to be asked.
func TestSignOutWithoutRevocation(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	h := newHarness(t, setup{toml: idpTOML(idp)}).start()
	h.signIn(0, true)
	test.Tap(h.button(h.w.win.Content(), "Sign out"))
	got := h.overlayText()
	if !strings.Contains(got, "delete the token of Ada Lovelace from your keychain") || strings.Contains(got, "revoke") {
		t.Fatalf("the confirmation says: %s", got)
	}
	if !strings.Contains(got, "Signing out does not end the access token at Test IdP: it stays valid there until it expires") || strings.Contains(got, "latchkey") {
		t.Fatalf("the confirmation does not say the access token stays valid: %s", got)
	}
	test.Tap(h.button(h.overlay(), "Cancel"))
}

func TestSignOutRevokes(t *testing.T) {
	for _, tc := range []struct {
		name    string
		revoke  func(idp *authtest.OAuth2) string
		warning string // in the dialog after sign-out; "" for none
	}{
		{"provider revokes", func(idp *authtest.OAuth2) string { return idp.RevokeURL() }, ""},
		{"provider refuses", func(idp *authtest.OAuth2) string { return idp.URL + "/no-such-endpoint" }, "did not revoke the token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			idp := authtest.NewOAuth2(t)
			toml := idpTOML(idp) + "revoke_url = \"" + tc.revoke(idp) + "\"\n"
			h := newHarness(t, setup{toml: toml}).start()
			h.signIn(0, true)
			test.Tap(h.button(h.w.win.Content(), "Sign out"))
			test.Tap(h.button(h.overlay(), "Sign out"))
			h.wait(evSignedOut)

			revoked := false
			for _, r := range idp.Requests() {
				if r.Path == "/revoke" || r.Path == "/no-such-endpoint" {
					revoked = true
				}
			}
			if !revoked {
				t.Error("Sign out did not ask the provider to revoke the token")
			}
			if _, err := h.store.Load("idp"); !errors.Is(err, keychain.ErrNotFound) {
				t.Errorf("the keychain record is still there: %v", err)
			}
			if !strings.Contains(h.screen(), "Not signed in") {
				t.Errorf("after sign-out: %s", h.screen())
			}
			got := h.overlayText()
			if tc.warning == "" && got != "" {
				t.Errorf("a dialog after a clean sign-out: %s", got)
			}
			if tc.warning != "" && !strings.Contains(got, tc.warning) {
				t.Errorf("the dialog after a refused revocation says %q, want %q", got, tc.warning)
			}
		})
	}
}
