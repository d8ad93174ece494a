package ui

import (
	"errors"

	"latchkey/assets/lang"
	"latchkey/auth"
)

// copyWords are the words of copying one kind of credential, all in one
// place per kind: its button, its tray item, the confirmation, and the
// note when the provider gave none. Looked up when shown (the language is
// chosen at start).
type copyWords struct {
	button string                       // the panel's button
	menu   string                       // the tray's item
	copied string                       // the confirmation, before when the clipboard is cleared
	none   func(provider string) string // the provider gave none: nothing was copied
}

// wordsFor returns the words of copying credential k.
func wordsFor(k auth.Credential) copyWords {
	switch k {
	case auth.CredAuthorization:
		return copyWords{lang.L("Copy header"), lang.L("Copy the Authorization header"), lang.L("Copied the Authorization header line."),
			func(p string) string {
				return lang.X("copy.none.header", "{{.Provider}} gave no Authorization header line: nothing was copied.", map[string]any{"Provider": p})
			}}
	case auth.CredTokenSecret:
		return copyWords{lang.L("Copy secret"), lang.L("Copy the token secret"), lang.L("Copied the token secret."),
			func(p string) string {
				return lang.X("copy.none.secret", "{{.Provider}} gave no token secret: nothing was copied.", map[string]any{"Provider": p})
			}}
	case auth.CredIDToken:
		return copyWords{lang.L("Copy id_token"), lang.L("Copy the id_token"), lang.L("Copied the id_token."),
			func(p string) string {
				return lang.X("copy.none.idtoken", "{{.Provider}} gave no id_token: nothing was copied.", map[string]any{"Provider": p})
			}}
	}
	return copyWords{lang.L("Copy token"), lang.L("Copy the access token"), lang.L("Copied the access token."),
		func(p string) string {
			return lang.X("copy.none.access", "{{.Provider}} gave no access token: nothing was copied.", map[string]any{"Provider": p})
		}}
}

// copy puts credential k of provider i on the clipboard, exactly as
// Account.Credential gives it (no trailing newline). The token comes from
// Service.Token, off the UI goroutine, so that what is copied is usable
// now: an expired token is renewed where it can be (and the panel then
// shows the new one), or refused with the words to fix it (a refused
// refresh token also turns the badge to "sign in again"). The
// confirmation says when the clipboard is cleared (forget).
func (w *window) copy(i int, k auth.Credential) { w.copyCredential(i, k, false) }

// copyCredential is copy; fromTray says the tray's menu asked, so the
// confirmation is a notification (the window may be hidden) and a failure
// brings the window to the front to explain itself.
func (w *window) copyCredential(i int, k auth.Credential, fromTray bool) {
	p := w.status[i].Provider
	go func() {
		ctx, cancel := background()
		defer cancel()
		a, err := w.svc.Token(ctx, p.ID)
		logOutcome("copy", p, err, "kind", string(k))
		w.apply(evCopied, func() {
			i, cur := w.current(p.ID) // the config may have changed meanwhile
			if i < 0 {
				return // its provider left the config
			}
			p := cur.Provider
			if err != nil {
				if errors.Is(err, auth.ErrNotSignedIn) && w.status[i].Account != nil { // signed out elsewhere
					w.setStatus(i, auth.StatusOf(p, nil, w.now()))
				}
				w.markRefused(i, err)
				if msg := auth.Describe(err, auth.Window); msg != "" {
					if fromTray {
						w.raise()
					}
					w.showError(lang.L("Nothing was copied"), msg)
				}
				return
			}
			// Token may have renewed the token: show the one copied.
			if cur := w.status[i].Account; cur == nil || cur.Token.AccessToken != a.Token.AccessToken {
				w.setStatus(i, auth.StatusOf(p, a, w.now()))
			}
			text := a.Credential(k)
			if text == "" {
				msg := wordsFor(k).none(p.DisplayName())
				if fromTray {
					w.tell(p.DisplayName(), msg)
				}
				w.flashNear(i, k, msg)
				return
			}
			w.setClipboard(text)
			msg := w.copiedText(k)
			if fromTray {
				w.tell(p.DisplayName(), msg)
			}
			w.flashNear(i, k, msg)
		})
	}()
}

// copiedText is the confirmation of a copy of k: what was copied and when
// the clipboard is cleared.
func (w *window) copiedText(k auth.Credential) string {
	done := wordsFor(k).copied
	if w.settings.clearAfter <= 0 {
		return done
	}
	return done + " " + lang.X("clipboard.cleared_in", "The clipboard is cleared in {{.After}}.", map[string]any{"After": afterWords(w.settings.clearAfter)})
}

// evClipboardCleared: the clipboard's timer ran out (and the clipboard
// was cleared if it still held what Latchkey put there).
const evClipboardCleared event = "clipboard-cleared"

// setClipboard puts text, a credential, on the clipboard: every Copy of a
// credential goes through here. The clipboard forgets it after the
// setting's time (forget), if it still holds it then.
func (w *window) setClipboard(text string) {
	w.app.Clipboard().SetContent(text)
	w.copied = text
	w.rearmClipboard()
}

// rearmClipboard (re)starts the clipboard's timer for what Latchkey put
// there last, with the current setting; with "never" it stops it.
func (w *window) rearmClipboard() {
	if w.stopClear != nil {
		w.stopClear()
		w.stopClear = nil
	}
	if w.copied == "" || w.settings.clearAfter <= 0 {
		return
	}
	w.clearGen++
	gen := w.clearGen
	stop := w.afterFunc(w.settings.clearAfter, func() {
		w.apply(evClipboardCleared, func() {
			if gen == w.clearGen { // not re-armed meanwhile
				w.stopClear = nil
				w.forget()
			}
		})
	})
	w.stopClear = func() { stop() }
}

// forget clears the clipboard when it still holds exactly the credential
// Latchkey put there: what the person copied since is left alone. Either
// way Latchkey holds nothing to forget afterwards.
func (w *window) forget() {
	if w.stopClear != nil {
		w.stopClear()
		w.stopClear = nil
	}
	if w.copied == "" {
		return
	}
	if w.app.Clipboard().Content() == w.copied {
		w.app.Clipboard().SetContent("")
	}
	w.copied = ""
}
