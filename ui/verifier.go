package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/assets/lang"
	"latchkey/auth/provider"
)

// Verifier implements auth.Prompter for callback = "oob" (RFC 5849 §2.1):
// it shows a dialog asking for the verification code the provider showed
// in the browser, and waits for it. It is called from the sign-in
// goroutine; the dialog lives on Fyne's goroutine. It returns ctx's error
// when the sign-in is cancelled or times out, and never an empty code.
func (s *signIn) Verifier(ctx context.Context, p *provider.Provider, authURL string) (string, error) {
	answer := make(chan string, 1)
	s.w.apply(evPrompt, func() { s.askVerifier(answer) })
	select {
	case v := <-answer:
		return v, nil
	case <-ctx.Done():
		s.w.apply(evPromptClosed, s.hidePrompt)
		return "", ctx.Err()
	}
}

// verifierPrompt is the dialog that asks for an OAuth 1.0a verifier.
type verifierPrompt struct {
	dialog   *dialog.CustomDialog
	entry    *verifierEntry
	paste    *button
	problem  *widget.Label // why the code was refused, or "Link copied"
	copyLink *button
	cancel   *button
	submit   *button
}

// askVerifier shows the verifier dialog in place of the progress dialog;
// a valid code is sent on answer (which has room for it).
func (s *signIn) askVerifier(answer chan<- string) {
	if s.cancelled {
		return // the sign-in goroutine sees the cancelled context
	}
	name := s.p.DisplayName()
	v := &verifierPrompt{}
	s.prompt = v
	v.problem = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.DangerImportance}
	v.problem.Hide()
	refuse := func(msg string) {
		v.problem.Importance = widget.DangerImportance
		v.problem.SetText(msg)
		v.problem.Show()
		v.dialog.Resize(dialogSize(v.dialog, s.w.win))
		s.w.win.Canvas().Focus(v.entry)
	}
	answered := false
	submit := func() {
		if answered {
			return
		}
		code := strings.TrimSpace(v.entry.Text)
		if code == "" {
			refuse(lang.X("verifier.empty", "Enter the verification code {{.Provider}} showed you: it cannot be empty.", map[string]any{"Provider": name}))
			return
		}
		answered = true
		v.entry.SetText(code)
		s.hidePrompt()
		s.showProgress(lang.L(finishingText))
		answer <- code // last: the sign-in goroutine goes on from here
	}
	v.entry = newVerifierEntry()
	v.entry.PlaceHolder = lang.L("Verification code")
	v.entry.OnSubmitted = func(string) { submit() }
	v.entry.onEscape = s.cancelByPerson
	v.paste = newButton(&widget.Button{Text: lang.L("Paste"), Icon: theme.ContentPasteIcon(), OnTapped: func() {
		code := strings.TrimSpace(s.w.app.Clipboard().Content())
		if code == "" {
			refuse(lang.L("The clipboard is empty: copy the code from your browser first."))
			return
		}
		v.entry.SetText(code)
		v.problem.Hide()
	}})
	v.copyLink = newButton(&widget.Button{Text: lang.L("Copy link"), Icon: theme.ContentCopyIcon(), OnTapped: s.copyAuthURL})
	if s.authURL == "" {
		v.copyLink.Disable()
	}
	v.cancel = newButton(&widget.Button{Text: lang.L("Cancel"), Icon: theme.CancelIcon(), OnTapped: s.cancelByPerson})
	v.submit = newButton(&widget.Button{Text: lang.L("Continue"), Icon: theme.ConfirmIcon(), Importance: widget.HighImportance, OnTapped: submit})

	intro := &widget.Label{Wrapping: fyne.TextWrapWord, Text: lang.X("verifier.intro",
		"{{.Provider}} is open in your browser. After you allow access it shows a verification code: paste it here to finish signing in.", map[string]any{"Provider": name})}
	content := container.NewVBox(intro, container.NewBorder(nil, nil, nil, v.paste, v.entry), v.problem)
	v.dialog = dialog.NewCustomWithoutButtons(lang.X("verifier.title", "Verification code for {{.Provider}}", map[string]any{"Provider": name}), content, s.w.win)
	v.dialog.SetButtons([]fyne.CanvasObject{v.cancel, v.copyLink, v.submit})

	s.hideProgress()
	v.dialog.Resize(dialogSize(v.dialog, s.w.win))
	v.dialog.Show()
	s.w.win.Canvas().Focus(v.entry)
	s.w.escape = s.cancelByPerson
}

// hidePrompt closes the verifier dialog, if it is open.
func (s *signIn) hidePrompt() {
	if s.prompt != nil {
		s.prompt.dialog.Hide()
	}
}

// verifierEntry is a one-line entry where Escape cancels the sign-in (a
// plain Entry keeps Escape to itself).
type verifierEntry struct {
	widget.Entry
	onEscape func()
}

func newVerifierEntry() *verifierEntry {
	e := &verifierEntry{}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey handles Escape and passes every other key to the Entry.
func (e *verifierEntry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape && e.onEscape != nil {
		e.onEscape()
		return
	}
	e.Entry.TypedKey(ev)
}
