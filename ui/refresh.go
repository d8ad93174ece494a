package ui

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/assets/lang"
	"latchkey/auth"
	"latchkey/auth/provider"
)

// refreshProgress is what the panel says while st's Refresh runs: a
// provider whose tokens are rechecked rather than renewed (Can.Rechecks)
// is asked whether the token still works.
func refreshProgress(st auth.Status) string {
	if st.Can.Rechecks {
		return lang.X("refresh.rechecking", "Asking {{.Provider}} whether the token still works…", map[string]any{"Provider": st.Provider.DisplayName()})
	}
	return lang.X("refresh.asking", "Asking {{.Provider}} for a new token…", map[string]any{"Provider": st.Provider.DisplayName()})
}

// refresh renews provider i's token now, whatever its state, with
// Service.Refresh off the UI goroutine (OAuth 1.0a: asks the provider
// whether the token still works). While it runs the button reads
// Refreshing… and is disabled. Then the panel shows the new token and a
// line says when it expires; a refusal marks the account needs_signin and
// offers Sign in again; any other failure is shown in a dialog.
func (w *window) refresh(i int) {
	p := w.status[i].Provider
	if w.refreshing[p.ID] {
		return
	}
	var before string // the access token shown now
	if a := w.status[i].Account; a != nil {
		before = a.Token.AccessToken
	}
	w.refreshing[p.ID] = true
	logStarted("refresh", p)
	if i == w.selected {
		w.showDetail(i)
	}
	go func() {
		ctx, cancel := background()
		defer cancel()
		a, err := w.svc.Refresh(ctx, p.ID)
		w.apply(evRefreshed, func() { w.refreshed(i, p, before, a, err) })
	}()
}

// refreshed shows the outcome of Service.Refresh for provider i, whose
// access token was before when it started.
func (w *window) refreshed(i int, p *provider.Provider, before string, a *auth.Account, err error) {
	delete(w.refreshing, p.ID)
	logOutcome("refresh", p, err)
	i, cur := w.current(p.ID) // the config may have changed meanwhile
	if i < 0 {
		return // its provider left the config
	}
	p = cur.Provider
	if err == nil {
		st := auth.StatusOf(p, a, w.now())
		w.setStatus(i, st)
		w.flash(i, w.renewedText(st, before))
		return
	}
	refused := w.markRefused(i, err)
	if i == w.selected {
		w.showDetail(i) // the button is enabled again
	}
	msg := auth.Describe(err, auth.Window)
	switch {
	case msg == "":
	case refused:
		w.askSignInAgain(i, lang.X("refresh.refused", "{{.Provider}} no longer accepts the token", map[string]any{"Provider": p.DisplayName()}), msg)
	default:
		w.showError(lang.X("refresh.failed", "Could not refresh the token of {{.Provider}}", map[string]any{"Provider": p.DisplayName()}), msg)
	}
}

// renewedText says what a successful Refresh brought, st being the
// provider's status after it. Service.Refresh
// can hand back the stored token unchanged: when the provider refused the
// refresh token but the stored access token is still usable (it takes that
// for another program having refreshed first), so the text does not claim
// a renewal then.
func (w *window) renewedText(st auth.Status, before string) string {
	p, a := st.Provider, st.Account
	if st.Can.Rechecks {
		return lang.X("refresh.stillok", "{{.Provider}} still accepts the token.", map[string]any{"Provider": p.DisplayName()})
	}
	exp := a.Token.Expiry
	if a.Token.AccessToken == before {
		if exp.IsZero() {
			return lang.L("Not renewed: the stored token stays in use.")
		}
		return lang.X("refresh.notrenewed", "Not renewed: the stored token stays in use until {{.Time}} (in {{.Left}}).", map[string]any{"Time": w.formatTime(exp), "Left": countdown(exp.Sub(w.now()))})
	}
	if exp.IsZero() {
		return lang.X("refresh.renewed.noexpiry", "Renewed: {{.Provider}} did not say when the new token expires.", map[string]any{"Provider": p.DisplayName()})
	}
	return lang.X("refresh.renewed", "Renewed: the new token expires {{.Time}} (in {{.Left}}).", map[string]any{"Time": w.formatTime(exp), "Left": countdown(exp.Sub(w.now()))})
}

// markRefused shows provider i as needs_signin when err says the provider
// refused its credentials (auth has then marked the stored account so),
// and reports whether it did.
func (w *window) markRefused(i int, err error) bool {
	if !errors.Is(err, auth.ErrRefused) {
		return false
	}
	st := w.status[i]
	if st.Account != nil && !st.Account.NeedsSignIn {
		a := *st.Account
		a.NeedsSignIn = true
		w.setStatus(i, auth.StatusOf(st.Provider, &a, w.now())) // needs_signin
	}
	return true
}

// askSignInAgain says msg, why the stored token is no good any more, and
// offers Sign in again (which starts the sign-in) and Close.
func (w *window) askSignInAgain(i int, title, msg string) {
	label := &widget.Label{Text: msg, Wrapping: fyne.TextWrapWord, Selectable: true}
	d := dialog.NewCustomWithoutButtons(title, label, w.win)
	id := w.status[i].Provider.ID
	again := newButton(&widget.Button{Text: lang.L("Sign in again"), Icon: theme.LoginIcon(), Importance: widget.HighImportance, OnTapped: func() {
		d.Hide()
		if i, _ := w.current(id); i >= 0 { // the config may have changed meanwhile
			w.startSignIn(i)
		}
	}})
	closeBtn := newButton(&widget.Button{Text: lang.L("Close"), OnTapped: d.Hide})
	d.SetButtons([]fyne.CanvasObject{closeBtn, again})
	d.SetIcon(theme.WarningIcon())
	d.SetOnClosed(func() { w.escape = nil })
	d.Resize(dialogSize(d, w.win))
	w.escape = d.Hide
	d.Show()
}
