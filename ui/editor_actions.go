package ui

import (
	"errors"
	"net/url"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"latchkey/assets/lang"
	"latchkey/auth"
	"latchkey/auth/provider"
)

// The results of Duplicate and Remove.
const (
	evDuplicated event = "duplicated" // a Duplicate ended and the config was read again
	evRemoved    event = "removed"    // a Remove ended and the config was read again
)

// startEdit opens provider i's form, filled from its entry as written
// (read off the UI goroutine). The id can change only while nothing is
// stored under it in the keychain but the client secret (which moves with
// it).
func (w *window) startEdit(i int) {
	if w.editor != nil {
		return
	}
	st := w.status[i]
	p, path := st.Provider, w.cfg.Path
	locked := st.Account != nil || st.Err != nil
	go func() {
		raw, err := provider.ReadEntry(path, p.ID)
		w.apply(evEditorOpen, func() {
			if err != nil {
				w.showError(lang.X("edit.cannot", "Cannot edit {{.Provider}}", map[string]any{"Provider": p.DisplayName()}), auth.Describe(err, auth.Window))
				return
			}
			e := w.editorFor(p, raw, locked)
			e.build()
			e.show()
		})
	}()
}

// duplicate makes a second entry of provider i under a new id (another
// account at the same provider, e.g. work and personal), with its client
// secret copied to the keychain under the new id, then opens its form.
func (w *window) duplicate(i int) {
	p, path := w.status[i].Provider, w.cfg.Path
	newID := w.freeID(p.ID)
	name := ""
	if p.Name != "" {
		name = p.Name + " (2)"
	}
	redirect := ""
	if p.RedirectURI != provider.DefaultRedirectURI(p.ID) {
		// A fixed redirect URI: the copy gets its own path, as no two
		// providers may share one.
		if u, err := url.Parse(p.RedirectURI); err == nil {
			u.Path = "/callback/" + newID
			redirect = u.String()
		}
	}
	hide := w.progressNote(lang.X("duplicate.title", "Duplicating {{.Provider}}", map[string]any{"Provider": p.DisplayName()}), lang.X("duplicate.writing", "Writing the new entry {{.ID}} to providers.toml…", map[string]any{"ID": newID}))
	var raw map[string]any // the copy as written, for its form
	w.afterEdit(evDuplicated, path, newID, func() (err error) {
		defer func() {
			if err == nil {
				raw, err = provider.ReadEntry(path, newID)
			}
		}()
		secret := p.ClientSecret
		if p.ClientSecretInKeychain {
			full, err := w.svc.Provider(p.ID)
			if err != nil {
				return err
			}
			secret = full.ClientSecret
		}
		if err := provider.Duplicate(path, p.ID, newID, name); err != nil {
			return err
		}
		var fix provider.Entry
		if redirect != "" {
			fix = append(fix, provider.Field{Key: "redirect_uri", Value: provider.Text(redirect)})
		}
		if secret != "" {
			if err := w.svc.SaveClientSecret(newID, secret); err != nil {
				return err
			}
			fix = append(fix, provider.Field{Key: "client_secret_in_keychain", Value: provider.Bool(true)})
		}
		if len(fix) > 0 {
			return provider.Update(path, newID, fix)
		}
		return nil
	}, func(err error, cfg *provider.Config) {
		hide()
		if err != nil {
			w.showError(lang.X("duplicate.failed", "Could not duplicate {{.Provider}}", map[string]any{"Provider": p.DisplayName()}), auth.Describe(err, auth.Window))
			return
		}
		if j := w.indexOf(newID); j >= 0 {
			e := w.editorFor(w.status[j].Provider, raw, false)
			e.build()
			e.show()
			return
		}
		w.sayProblems(cfg, newID)
	})
}

// confirmRemove asks before provider i's entry leaves providers.toml; for
// a signed-in provider it offers to sign out first (revoking the token
// where the provider can).
func (w *window) confirmRemove(i int) {
	st := w.status[i]
	p := st.Provider
	name := p.DisplayName()
	msg := lang.X("remove.confirm", "Latchkey will delete the entry {{.ID}} from providers.toml", map[string]any{"ID": p.ID})
	if p.ClientSecretInKeychain {
		msg += lang.X("remove.confirm.secret", " and its client secret from your keychain")
	}
	msg += lang.X("remove.confirm.rest", ". Comments and the other entries stay as they are.")
	content := container.NewVBox(wrapped(msg))
	signOut := newCheck("", nil)
	if st.Account != nil {
		label := lang.X("remove.signout", "Sign out of {{.Provider}} first: delete the token of {{.User}} from your keychain", map[string]any{"Provider": name, "User": userOf(st)})
		if st.Can.Revocable {
			label = lang.X("remove.signout.revoke", "Sign out of {{.Provider}} first: ask it to revoke the token of {{.User}}, and delete it from your keychain", map[string]any{"Provider": name, "User": userOf(st)})
		}
		signOut.Text = label
		signOut.SetChecked(true)
		content.Add(signOut)
		content.Add(quietWrapped(lang.L("Otherwise the account stays in your keychain, unused, until you sign out of it.")))
	}
	d := confirm(lang.X("remove.title", "Remove {{.Provider}}?", map[string]any{"Provider": name}), lang.L("Remove"), lang.L("Cancel"), content, widget.DangerImportance, func(ok bool) {
		w.escape = nil
		if ok {
			w.remove(i, st.Account != nil && signOut.Checked)
		}
	}, w.win)
	d.Resize(dialogSize(d.dlg, w.win))
	w.escape = d.Hide
	d.Show()
}

// remove removes provider i off the UI goroutine: signs out first when
// signOut (Service.Logout), then deletes its entry (provider.Remove) and
// its client secret in the keychain, and shows the config read again. A
// sign-out that fails other than by the revocation stops it there.
func (w *window) remove(i int, signOut bool) {
	p, path := w.status[i].Provider, w.cfg.Path
	next := ""
	if j := i + 1; j < len(w.status) {
		next = w.status[j].Provider.ID
	} else if i > 0 {
		next = w.status[i-1].Provider.ID
	}
	hide := w.progressNote(lang.X("remove.progress.title", "Removing {{.Provider}}", map[string]any{"Provider": p.DisplayName()}), lang.X("remove.progress", "Removing {{.Provider}} from providers.toml…", map[string]any{"Provider": p.DisplayName()}))
	var revokeErr error
	w.afterEdit(evRemoved, path, next, func() error {
		if signOut {
			ctx, cancel := editCtx()
			_, err := w.svc.Logout(ctx, p.ID)
			cancel()
			var re *auth.RevokeError
			if errors.As(err, &re) {
				revokeErr = err
			} else if err != nil {
				return err
			}
		}
		if err := provider.Remove(path, p.ID); err != nil {
			return err
		}
		if p.ClientSecretInKeychain {
			return w.svc.DeleteClientSecret(p.ID)
		}
		return nil
	}, func(err error, _ *provider.Config) {
		hide()
		switch {
		case err != nil:
			w.showError(lang.X("remove.failed", "Could not remove {{.Provider}}", map[string]any{"Provider": p.DisplayName()}), auth.Describe(err, auth.Window))
		case revokeErr != nil:
			w.showError(lang.L("Removed, but the token was not revoked"), auth.Describe(revokeErr, auth.Window))
		}
	})
}
