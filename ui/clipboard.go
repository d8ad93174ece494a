package ui

import (
	"strings"

	"latchkey/auth"
	"latchkey/auth/provider"
)

// copyKind is one thing the Copy buttons put on the clipboard.
type copyKind int

const (
	copyToken   copyKind = iota // the access token
	copyHeader                  // "Authorization: Bearer <token>" (OAuth 2.0)
	copySecret                  // the token secret (OAuth 1.0a)
	copyIDToken                 // the raw id_token (OpenID Connect)
)

// copyKindsFor lists the Copy buttons for p's protocol. An OAuth 1.0a
// request is signed anew each time, so it has no header to copy.
func copyKindsFor(p *provider.Provider) []copyKind {
	if p.Protocol == provider.OAuth1 {
		return []copyKind{copyToken, copySecret}
	}
	return []copyKind{copyToken, copyHeader}
}

func (k copyKind) button() string {
	switch k {
	case copyHeader:
		return "Copy header"
	case copySecret:
		return "Copy secret"
	case copyIDToken:
		return "Copy id_token"
	}
	return "Copy token"
}

// what names what was copied, for the confirmation.
func (k copyKind) what() string {
	switch k {
	case copyHeader:
		return "the Authorization header line"
	case copySecret:
		return "the token secret"
	case copyIDToken:
		return "the id_token"
	}
	return "the access token"
}

// text is exactly what goes on the clipboard: no trailing newline.
func (k copyKind) text(a *auth.Account) string {
	switch k {
	case copyHeader:
		typ := a.Token.TokenType
		if typ == "" || strings.EqualFold(typ, "bearer") {
			typ = "Bearer" // RFC 6750 §2.1 spells the scheme so
		}
		return "Authorization: " + typ + " " + a.Token.AccessToken
	case copySecret:
		return a.Token.TokenSecret
	case copyIDToken:
		return a.Token.IDToken
	}
	return a.Token.AccessToken
}

// copy puts k of provider i's token on the clipboard. The token comes from
// Service.Token, off the UI goroutine, so that what is copied is usable
// now: an expired token is renewed where it can be (and the panel then
// shows the new one), or refused with the words to fix it (a refused
// refresh token also turns the badge to "sign in again").
func (w *window) copy(i int, k copyKind) {
	p := w.status[i].Provider
	go func() {
		ctx, cancel := background()
		defer cancel()
		a, err := w.svc.Token(ctx, p.ID)
		w.apply(evCopied, func() {
			if err != nil {
				w.markRefused(i, err)
				if msg := auth.Describe(err, auth.Window); msg != "" {
					w.showError("Nothing was copied", msg)
				}
				return
			}
			// Token may have renewed the token: show the one copied.
			if cur := w.status[i].Account; cur == nil || cur.Token.AccessToken != a.Token.AccessToken {
				w.setStatus(i, auth.Status{Provider: p, Account: a, State: auth.StateOf(a, w.now())})
			}
			text := k.text(a)
			if text == "" {
				w.flashNear(i, k, p.DisplayName()+" gave no "+strings.TrimPrefix(k.what(), "the ")+": nothing was copied.")
				return
			}
			w.app.Clipboard().SetContent(text)
			w.flashNear(i, k, "Copied "+k.what()+" to the clipboard.")
		})
	}()
}
