package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/assets/lang"
	"latchkey/auth"
	"latchkey/auth/provider"
)

// Texts of the progress dialog.
const (
	waitingText   = "Waiting for you to finish in your browser…"
	finishingText = "Finishing the sign-in…"
)

// signIn is one sign-in in progress: its progress dialog, the verifier
// dialog when the provider uses callback = "oob", and the cancel that ends
// Service.Login (which closes the loopback port before it returns).
//
// Its fields belong to Fyne's goroutine; Verifier is the one method called
// from the sign-in goroutine.
type signIn struct {
	w         *window
	p         *provider.Provider
	cancel    context.CancelFunc
	cancelled bool   // the person pressed Cancel: the outcome is not shown
	authURL   string // known once auth reports it

	progress    *dialog.CustomDialog
	activity    *widget.Activity
	message     *widget.Label
	browserNote *widget.Label // shown when the browser did not open
	linkNote    *widget.Label // "Link copied …"
	copyLink    *button
	cancelBtn   *button

	prompt *verifierPrompt // nil until the provider asks for a verifier
}

// startSignIn signs in to provider i: a progress dialog shows while
// Service.Login runs in its own goroutine. Only one sign-in (in the
// browser or with a code) runs at a time. A provider that offers only the
// device grant (an OAuth 2.0 entry with device_authorization_url and no
// authorize_url) is signed in to with a code instead.
func (w *window) startSignIn(i int) {
	if w.busy() {
		return
	}
	if !w.status[i].Can.BrowserSignIn {
		w.startDevice(i)
		return
	}
	p := w.status[i].Provider
	ctx, cancel := context.WithCancel(context.Background())
	s := &signIn{w: w, p: p, cancel: cancel}
	w.signing = s
	logStarted("sign-in", p)
	s.buildProgress()
	s.showProgress(lang.L(waitingText))

	opts := auth.LoginOptions{
		AuthURL: func(u string) {
			w.apply(evAuthURL, func() { s.setAuthURL(u) })
		},
		BrowserFailed: func(err error) {
			w.apply(evBrowserFailed, func() { s.browserFailed(err) })
		},
		Prompter: s, // asked only when the provider shows a verifier to paste
	}
	go func() {
		a, err := w.svc.Login(ctx, p.ID, opts)
		cancel()
		w.apply(evSignIn, func() { s.finish(a, err) })
	}()
}

// buildProgress makes the progress dialog: a spinner and a message, and
// Copy link and Cancel.
func (s *signIn) buildProgress() {
	s.message = &widget.Label{Text: lang.L(waitingText), Wrapping: fyne.TextWrapWord}
	s.browserNote = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.WarningImportance}
	s.browserNote.Hide()
	s.linkNote = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.SuccessImportance}
	s.linkNote.Hide()
	s.copyLink = newButton(&widget.Button{Text: lang.L("Copy link"), Icon: theme.ContentCopyIcon(), OnTapped: s.copyAuthURL})
	s.copyLink.Disable()
	s.cancelBtn = newButton(&widget.Button{Text: lang.L("Cancel"), Icon: theme.CancelIcon(), OnTapped: s.cancelByPerson})
	s.activity = widget.NewActivity()
	content := container.NewVBox(container.NewBorder(nil, nil, container.NewCenter(s.activity), nil, s.message), s.browserNote, s.linkNote)
	s.progress = dialog.NewCustomWithoutButtons(lang.X("signin.title", "Signing in to {{.Provider}}", map[string]any{"Provider": s.p.DisplayName()}), content, s.w.win)
	s.progress.SetButtons([]fyne.CanvasObject{s.copyLink, s.cancelBtn})
}

func (s *signIn) showProgress(text string) {
	s.message.SetText(text)
	s.progress.Resize(dialogSize(s.progress, s.w.win))
	s.progress.Show()
	s.activity.Start()
	s.w.escape = s.cancelByPerson
}

// hideProgress closes the progress dialog and stops its spinner.
func (s *signIn) hideProgress() {
	s.activity.Stop()
	s.progress.Hide()
}

// setAuthURL enables Copy link.
func (s *signIn) setAuthURL(u string) {
	s.authURL = u
	s.copyLink.Enable()
	if s.prompt != nil {
		s.prompt.copyLink.Enable()
	}
}

// browserFailed says so, and points at Copy link.
func (s *signIn) browserFailed(err error) {
	s.browserNote.SetText(lang.X("signin.nobrowser", "Your browser did not open ({{.Words}}). Press {{.Button}} and open the link in your browser yourself.", map[string]any{"Words": auth.Describe(err, auth.Window), "Button": lang.L("Copy link")}))
	s.browserNote.Show()
	s.progress.Resize(dialogSize(s.progress, s.w.win))
}

// copyAuthURL puts the authorization URL on the clipboard.
func (s *signIn) copyAuthURL() {
	if s.authURL == "" {
		return
	}
	s.w.app.Clipboard().SetContent(s.authURL)
	note := lang.L("Link copied: paste it into your browser's address bar.")
	s.linkNote.SetText(note)
	s.linkNote.Show()
	if s.prompt != nil {
		s.prompt.problem.Importance = widget.SuccessImportance
		s.prompt.problem.SetText(note)
		s.prompt.problem.Show()
	}
	s.progress.Resize(dialogSize(s.progress, s.w.win))
}

// cancelByPerson ends the sign-in at the person's request: the dialogs
// close now, and nothing is said about the outcome. The widgets are
// updated before the context is cancelled, so that the sign-in goroutine's
// last update comes strictly after.
func (s *signIn) cancelByPerson() {
	s.cancelled = true
	s.hideProgress()
	s.hidePrompt()
	s.w.escape = nil
	s.cancel()
}

// finish shows the outcome of Service.Login.
func (s *signIn) finish(a *auth.Account, err error) {
	w := s.w
	if w.signing == s {
		w.signing = nil
	}
	s.hideProgress()
	s.hidePrompt()
	w.escape = nil
	w.showSignInResult(s.p, a, err, s.cancelled)
}

// showSignInResult applies the outcome of a sign-in, by browser or by code:
// the account in the list and panel, or what went wrong in a dialog. A
// sign-in the person cancelled says nothing.
func (w *window) showSignInResult(p *provider.Provider, a *auth.Account, err error, cancelled bool) {
	w.signInEnded(p, a, err, cancelled) // the window to the front, a notification (notify.go)
	logOutcome("sign-in", p, err)
	if err == nil {
		if i, cur := w.current(p.ID); i >= 0 { // the config may have changed meanwhile
			w.setStatus(i, auth.StatusOf(cur.Provider, a, w.now()))
		}
		return
	}
	if cancelled {
		return
	}
	if msg := auth.Describe(err, auth.Window); msg != "" {
		w.showError(lang.X("signin.failed", "Sign-in to {{.Provider}} did not finish", map[string]any{"Provider": p.DisplayName()}), msg)
	}
}

// dialogSize is a comfortable size for d over win: 460 wide (less on a
// narrow window) and as tall as its content needs at that width.
func dialogSize(d dialog.Dialog, win fyne.Window) fyne.Size {
	width := fyne.Min(460, win.Canvas().Size().Width-2*theme.Padding())
	return fyne.NewSize(width, d.MinSize().Height)
}
