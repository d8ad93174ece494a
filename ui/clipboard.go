package ui

import (
	"errors"
	"strings"

	"latchkey/auth"
)

// copyButton is the label of the button that copies k.
func copyButton(k auth.Credential) string {
	switch k {
	case auth.CredAuthorization:
		return "Copy header"
	case auth.CredTokenSecret:
		return "Copy secret"
	case auth.CredIDToken:
		return "Copy id_token"
	}
	return "Copy token"
}

// copyWhat names what was copied, for the confirmation.
func copyWhat(k auth.Credential) string {
	switch k {
	case auth.CredAuthorization:
		return "the Authorization header line"
	case auth.CredTokenSecret:
		return "the token secret"
	case auth.CredIDToken:
		return "the id_token"
	}
	return "the access token"
}

// copy puts credential k of provider i on the clipboard, exactly as
// Account.Credential gives it (no trailing newline). The token comes from
// Service.Token, off the UI goroutine, so that what is copied is usable
// now: an expired token is renewed where it can be (and the panel then
// shows the new one), or refused with the words to fix it (a refused
// refresh token also turns the badge to "sign in again").
func (w *window) copy(i int, k auth.Credential) {
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
					w.showError("Nothing was copied", msg)
				}
				return
			}
			// Token may have renewed the token: show the one copied.
			if cur := w.status[i].Account; cur == nil || cur.Token.AccessToken != a.Token.AccessToken {
				w.setStatus(i, auth.StatusOf(p, a, w.now()))
			}
			text := a.Credential(k)
			if text == "" {
				w.flashNear(i, k, p.DisplayName()+" gave no "+strings.TrimPrefix(copyWhat(k), "the ")+": nothing was copied.")
				return
			}
			w.setClipboard(text)
			w.flashNear(i, k, "Copied "+copyWhat(k)+" to the clipboard.")
		})
	}()
}

// setClipboard puts text on the clipboard: every Copy goes through here.
func (w *window) setClipboard(text string) { w.app.Clipboard().SetContent(text) }
