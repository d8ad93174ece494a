package ui

import (
	"errors"

	"fyne.io/fyne/v2/widget"

	"latchkey/assets/lang"
	"latchkey/auth"
)

// confirmSignOut asks before provider i's account is forgotten.
func (w *window) confirmSignOut(i int) {
	st := w.status[i]
	name := st.Provider.DisplayName()
	msg := lang.X("signout.confirm", "Latchkey will delete the token of {{.User}} from your keychain. You can sign in again at any time.", map[string]any{"User": userOf(st)})
	if st.Can.Revocable {
		msg = lang.X("signout.confirm.revoke", "Latchkey will ask {{.Provider}} to revoke the token of {{.User}}, where it offers that, and delete the token from your keychain. You can sign in again at any time.", map[string]any{"Provider": name, "User": userOf(st)})
	} else if note := auth.UnrevokedNote(st.Provider, st.Account, auth.Window); note != "" {
		msg += "\n\n" + note
	}
	d := confirm(lang.X("signout.title", "Sign out of {{.Provider}}?", map[string]any{"Provider": name}), lang.L("Sign out"), lang.L("Cancel"), wrapped(msg), widget.DangerImportance, func(ok bool) {
		w.escape = nil
		if i, _ := w.current(st.Provider.ID); ok && i >= 0 { // the config may have changed meanwhile
			w.signOut(i)
		}
	}, w.win)
	d.Resize(dialogSize(d.dlg, w.win))
	w.escape = d.Hide
	d.Show()
}

// signOut signs out of provider i off the UI goroutine (Service.Logout:
// revocation where the provider offers it, then deletion from the
// keychain); the panel then shows "Not signed in". When only the
// revocation failed, the account is gone all the same and a dialog says
// that the token may stay valid at the provider.
func (w *window) signOut(i int) {
	p := w.status[i].Provider
	if w.selected == i {
		w.detail.setSigningOut(true)
	}
	go func() {
		ctx, cancel := background()
		defer cancel()
		_, err := w.svc.Logout(ctx, p.ID)
		logOutcome("sign-out", p, err)
		w.apply(evSignedOut, func() {
			i, cur := w.current(p.ID) // the config may have changed meanwhile
			if i < 0 {
				return // its provider left the config
			}
			p := cur.Provider
			var re *auth.RevokeError
			if err != nil && !errors.As(err, &re) {
				w.showError(lang.X("signout.failed", "Could not sign out of {{.Provider}}", map[string]any{"Provider": p.DisplayName()}), auth.Describe(err, auth.Window))
				if w.selected == i {
					w.detail.setSigningOut(false)
				}
				return
			}
			w.setStatus(i, auth.StatusOf(p, nil, w.now()))
			if re != nil {
				w.showError(lang.L("Signed out, but the token was not revoked"), auth.Describe(err, auth.Window))
			}
		})
	}()
}
