package ui

import (
	"strconv"
	"time"

	"fyne.io/fyne/v2"

	"latchkey/assets/lang"
	"latchkey/auth"
	"latchkey/auth/provider"
)

// expiryNotice is how long before its expiry a token that cannot be
// renewed is announced.
const expiryNotice = 5 * time.Minute

// notice is one announcement made, kept so that it is made once: its
// provider and what it was about.
type notice struct {
	provider string
	kind     string
}

// The kinds of notice that follow an account's state.
const (
	noticeExpiring    = "expiring"     // expires within expiryNotice, cannot be renewed
	noticeNeedsSignIn = "needs-signin" // the provider refused the token or its refresh
)

// tell shows a notification (App.SendNotification, off the UI goroutine:
// on Linux it is a D-Bus call to the desktop's notification server), when
// the setting allows.
func (w *window) tell(title, content string) {
	if !w.settings.notify {
		return
	}
	w.sendNotification(fyne.NewNotification(title, content))
}

// signInEnded announces the outcome of a sign-in that finished while the
// window was not in front (the person was in the browser, or the window
// was in the tray): the window comes to the front and a notification
// says how it went. A sign-in the person cancelled says nothing.
func (w *window) signInEnded(p *provider.Provider, a *auth.Account, err error, cancelled bool) {
	if cancelled || w.inFront {
		return
	}
	w.raise()
	name := p.DisplayName()
	if err != nil {
		msg := auth.Describe(err, auth.Window)
		if msg == "" {
			return // nothing to say (auth.Describe: a cancel)
		}
		w.tell(lang.X("notify.sign_in_failed", "Sign-in to {{.Provider}} did not finish", map[string]any{"Provider": name}), msg)
		return
	}
	body := lang.L("The sign-in finished.")
	if a != nil {
		if who := a.Profile.Display(); who != "" {
			body = lang.X("notify.signed_in_as", "Signed in as {{.User}}.", map[string]any{"User": who})
		}
	}
	w.tell(lang.X("notify.signed_in", "Signed in to {{.Provider}}", map[string]any{"Provider": name}), body)
}

// checkNotices announces, once each, a token that expires within
// expiryNotice and cannot be renewed, and an account that needs signing
// in again, as of now. An announcement is made again only after its
// condition has ended (the account was signed in again, renewed…) and
// come back. While the window is in front the window itself says it: the
// condition is noted and nothing is sent.
func (w *window) checkNotices(now time.Time) {
	if !w.loaded {
		return
	}
	active := map[string]notice{}
	for _, st := range w.status {
		a := st.Account
		if a == nil || st.Err != nil {
			continue
		}
		id := st.Provider.ID
		// A new sign-in is a new token: its notices are its own.
		key := id + "\x00" + strconv.FormatInt(a.ObtainedAt.UnixNano(), 10) + "\x00"
		switch {
		case st.State == auth.StateNeedsSignIn:
			active[key+noticeNeedsSignIn] = notice{id, noticeNeedsSignIn}
		case !a.Token.Expiry.IsZero() && !st.Can.CanRefresh(a):
			if left := a.Token.Expiry.Sub(now); left > 0 && left <= expiryNotice {
				active[key+noticeExpiring] = notice{id, noticeExpiring}
			}
		}
	}
	for key := range w.notices {
		if _, ok := active[key]; !ok {
			delete(w.notices, key) // ended: the next time is news again
		}
	}
	for key, n := range active {
		if _, told := w.notices[key]; told {
			continue
		}
		w.notices[key] = n
		if w.inFront {
			continue
		}
		i, st := w.current(n.provider)
		if i < 0 {
			continue
		}
		name := st.Provider.DisplayName()
		data := map[string]any{"Provider": name}
		switch n.kind {
		case noticeNeedsSignIn:
			w.tell(lang.X("notify.needs_signin", "Sign in to {{.Provider}} again", data),
				lang.X("notify.needs_signin.body", "{{.Provider}} no longer accepts the token Latchkey holds. Open Latchkey and press Sign in again.", data))
		case noticeExpiring:
			data["Left"] = countdown(st.Account.Token.Expiry.Sub(now))
			w.tell(lang.X("notify.expiring", "The token of {{.Provider}} expires soon", data),
				lang.X("notify.expiring.body", "It expires in {{.Left}} and cannot be renewed: sign in to {{.Provider}} again in Latchkey to keep using it.", data))
		}
	}
}

// statusChanged is told each time the statuses shown may have changed:
// the tray's menu follows them, and the notices are checked.
func (w *window) statusChanged() {
	w.updateTray()
	w.checkNotices(w.now())
}
