package ui

import (
	"errors"
	"fmt"

	"fyne.io/fyne/v2/widget"

	"latchkey/auth"
)

// confirmSignOut asks before provider i's account is forgotten.
func (w *window) confirmSignOut(i int) {
	st := w.status[i]
	name := st.Provider.DisplayName()
	msg := fmt.Sprintf("Latchkey will delete the token of %s from your keychain. You can sign in again at any time.", userOf(st))
	if st.Can.Revocable {
		msg = fmt.Sprintf("Latchkey will ask %s to revoke the token of %s, where it offers that, and delete the token from your keychain. You can sign in again at any time.", name, userOf(st))
	} else if note := auth.UnrevokedNote(st.Provider, st.Account, auth.Window); note != "" {
		msg += "\n\n" + note
	}
	d := confirm("Sign out of "+name+"?", "Sign out", "Cancel", wrapped(msg), widget.DangerImportance, func(ok bool) {
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
		w.apply(evSignedOut, func() {
			i, cur := w.current(p.ID) // the config may have changed meanwhile
			if i < 0 {
				return // its provider left the config
			}
			p := cur.Provider
			var re *auth.RevokeError
			if err != nil && !errors.As(err, &re) {
				w.showError("Could not sign out of "+p.DisplayName(), auth.Describe(err, auth.Window))
				if w.selected == i {
					w.detail.setSigningOut(false)
				}
				return
			}
			w.setStatus(i, auth.StatusOf(p, nil, w.now()))
			if re != nil {
				w.showError("Signed out, but the token was not revoked", auth.Describe(err, auth.Window))
			}
		})
	}()
}
