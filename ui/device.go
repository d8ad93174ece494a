package ui

import (
	"context"
	"image/color"
	"net/url"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/assets/lang"
	"latchkey/auth"
	"latchkey/auth/provider"
)

// Texts of the device sign-in dialog.
const (
	waitingCodeText = "Waiting for you to enter the code…"
)

// deviceSignIn is one sign-in with a code (RFC 8628) in progress: the
// dialog that shows the code, and the cancel that ends
// Service.LoginDevice (its polling stops at once). Its fields belong to
// Fyne's goroutine.
type deviceSignIn struct {
	w         *window
	p         *provider.Provider
	cancel    context.CancelFunc
	cancelled bool             // the person pressed Cancel: the outcome is not shown
	code      *auth.DeviceCode // nil until the provider issued one

	dialog    *dialog.CustomDialog
	activity  *widget.Activity
	status    *widget.Label     // what is happening
	intro     *widget.Label     // where to enter the code
	page      *widget.Label     // the verification URI, selectable
	userCode  *widget.Label     // the code: large, monospace, selectable
	codeBox   fyne.CanvasObject // the frame around userCode
	expires   *widget.Label     // the code's countdown
	note      *widget.Label     // "Code copied", or why the browser did not open
	copyCode  *button
	openPage  *button
	cancelBtn *button
}

// startDevice signs in to provider i with a code: a dialog shows while
// Service.LoginDevice runs in its own goroutine, first asking the provider
// for a code, then, once the code shows, polling until the person has
// entered it. Only one sign-in (in the browser or with a code) runs at a
// time. The browser is not opened by itself: the person may be about to
// use another device; Open page opens it here.
func (w *window) startDevice(i int) {
	if w.busy() {
		return
	}
	p := w.status[i].Provider
	ctx, cancel := context.WithCancel(context.Background())
	d := &deviceSignIn{w: w, p: p, cancel: cancel}
	w.device = d
	logStarted("sign-in with a code", p)
	d.build()
	d.show()
	opts := auth.DeviceOptions{
		NoBrowser: true,
		// Called on LoginDevice's goroutine; polling starts when it
		// returns, which fyne.Do lets it do at once.
		Code: func(c auth.DeviceCode) {
			w.apply(evDeviceCode, func() { d.showCode(c) })
		},
	}
	go func() {
		a, err := w.svc.LoginDevice(ctx, p.ID, opts)
		cancel()
		w.apply(evDeviceSignIn, func() { d.finish(a, err) })
	}()
}

// build makes the dialog. Until the code comes it says that it is being
// asked for, and Copy code and Open page are disabled.
func (d *deviceSignIn) build() {
	name := d.p.DisplayName()
	d.status = &widget.Label{Text: lang.X("device.asking", "Asking {{.Provider}} for a code…", map[string]any{"Provider": name}), Wrapping: fyne.TextWrapWord}
	d.activity = widget.NewActivity()
	d.intro = &widget.Label{Wrapping: fyne.TextWrapWord}
	d.intro.Hide()
	d.page = &widget.Label{TextStyle: fyne.TextStyle{Monospace: true}, Wrapping: fyne.TextWrapBreak, Selectable: true}
	d.page.Hide()
	d.userCode = &widget.Label{
		TextStyle:  fyne.TextStyle{Monospace: true},
		SizeName:   sizeNameCode,
		Alignment:  fyne.TextAlignCenter,
		Wrapping:   fyne.TextWrapBreak, // a long code wraps rather than widening the dialog
		Selectable: true,
	}
	code := container.NewThemeOverride(d.userCode, codeTheme{d.w.app})
	d.expires = &widget.Label{Alignment: fyne.TextAlignCenter, Truncation: fyne.TextTruncateEllipsis}
	d.expires.Hide()
	d.codeBox = container.NewStack(tinted(theme.ColorNameInputBorder), container.NewPadded(code))
	d.codeBox.Hide()
	d.note = &widget.Label{Wrapping: fyne.TextWrapWord}
	d.note.Hide()

	d.copyCode = newButton(&widget.Button{Text: lang.L("Copy code"), Icon: theme.ContentCopyIcon(), OnTapped: d.copy})
	d.copyCode.Disable()
	d.openPage = newButton(&widget.Button{Text: lang.L("Open page"), Icon: theme.ComputerIcon(), Importance: widget.HighImportance, OnTapped: d.open})
	d.openPage.Disable()
	d.cancelBtn = newButton(&widget.Button{Text: lang.L("Cancel"), Icon: theme.CancelIcon(), OnTapped: d.cancelByPerson})

	content := container.NewVBox(
		d.intro, d.page,
		d.codeBox,
		d.expires,
		container.NewBorder(nil, nil, container.NewCenter(d.activity), nil, d.status),
		d.note,
	)
	d.dialog = dialog.NewCustomWithoutButtons(lang.X("device.title", "Sign in to {{.Provider}} with a code", map[string]any{"Provider": name}), content, d.w.win)
	d.dialog.SetButtons([]fyne.CanvasObject{d.cancelBtn, d.copyCode, d.openPage})
}

func (d *deviceSignIn) show() {
	d.resize()
	d.dialog.Show()
	d.activity.Start()
	d.w.escape = d.cancelByPerson
}

func (d *deviceSignIn) resize() {
	d.dialog.Resize(dialogSize(d.dialog, d.w.win))
}

// hide closes the dialog and stops its spinner.
func (d *deviceSignIn) hide() {
	d.activity.Stop()
	d.dialog.Hide()
}

// showCode shows the code the provider issued, where to enter it, and how
// long it works.
func (d *deviceSignIn) showCode(c auth.DeviceCode) {
	if d.cancelled {
		return // LoginDevice sees the cancelled context
	}
	d.code = &c
	d.intro.SetText(lang.X("device.intro", "On this computer or any other device with a browser, go to {{.Provider}}'s page and enter this code:", map[string]any{"Provider": c.Provider}))
	d.intro.Show()
	d.page.SetText(c.VerificationURI)
	d.page.Show()
	d.userCode.SetText(c.UserCode)
	d.codeBox.Show()
	d.status.SetText(lang.L(waitingCodeText))
	d.expires.Show()
	d.tick(d.w.now())
	d.copyCode.Enable()
	d.openPage.Enable()
	d.resize()
}

// tick updates the code's countdown to now.
func (d *deviceSignIn) tick(now time.Time) {
	if d.code == nil {
		return
	}
	text := lang.L("The code has expired.")
	if left := d.code.Expiry.Sub(now); left > 0 {
		text = lang.X("device.expires", "The code works for {{.Left}} more.", map[string]any{"Left": countdown(left)})
	}
	if text != d.expires.Text { // redraw only a change
		d.expires.SetText(text)
	}
}

// copy puts exactly the user code on the clipboard.
func (d *deviceSignIn) copy() {
	if d.code == nil {
		return
	}
	d.w.app.Clipboard().SetContent(d.code.UserCode)
	d.say(widget.SuccessImportance, lang.X("device.copied", "Code copied: paste it on {{.Provider}}'s page.", map[string]any{"Provider": d.code.Provider}))
}

// open opens the verification page (with the code filled in, when the
// provider offers that) through the window's URL opener.
func (d *deviceSignIn) open() {
	if d.code == nil {
		return
	}
	c := d.code
	u, err := url.Parse(c.BrowserURI())
	if err == nil {
		err = d.w.openURL(u)
	}
	switch {
	case err != nil:
		d.say(widget.WarningImportance, lang.X("device.nobrowser", "Your browser did not open ({{.Words}}). Go to {{.URL}} yourself and enter the code.", map[string]any{"Words": auth.Describe(err, auth.Window), "URL": c.VerificationURI}))
	case c.VerificationURIComplete != "":
		d.say(widget.MediumImportance, lang.L("The page is open in your browser: check that it shows this code, and allow access."))
	default:
		d.say(widget.MediumImportance, lang.L("The page is open in your browser: enter the code there."))
	}
}

// say shows msg under the code.
func (d *deviceSignIn) say(importance widget.Importance, msg string) {
	d.note.Importance = importance
	d.note.SetText(msg)
	d.note.Show()
	d.resize()
}

// cancelByPerson ends the sign-in at the person's request: the dialog
// closes now, polling stops, and nothing is said about the outcome. The
// widgets are updated before the context is cancelled, so that the
// sign-in goroutine's last update comes strictly after.
func (d *deviceSignIn) cancelByPerson() {
	d.cancelled = true
	d.hide()
	d.w.escape = nil
	d.cancel()
}

// finish shows the outcome of Service.LoginDevice: the account, or what
// went wrong (declined, expired, no device endpoint…) in a dialog.
func (d *deviceSignIn) finish(a *auth.Account, err error) {
	w := d.w
	if w.device == d {
		w.device = nil
	}
	d.hide()
	w.escape = nil
	w.showSignInResult(d.p, a, err, d.cancelled)
}

// sizeNameCode is the text size of the user code; only codeTheme knows it.
const sizeNameCode fyne.ThemeSizeName = "latchkeyUserCode"

// codeTheme is the app's theme plus sizeNameCode, two and a half times the
// text size, so that the user code reads from across a desk. (The heading
// size would make the code bold, and Fyne's test theme has no bold
// monospace font.)
type codeTheme struct{ app fyne.App }

func (t codeTheme) base() fyne.Theme { return t.app.Settings().Theme() }

func (t codeTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	return t.base().Color(n, v)
}

func (t codeTheme) Font(s fyne.TextStyle) fyne.Resource     { return t.base().Font(s) }
func (t codeTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.base().Icon(n) }

func (t codeTheme) Size(n fyne.ThemeSizeName) float32 {
	if n == sizeNameCode {
		return 2.5 * t.base().Size(theme.SizeNameText)
	}
	return t.base().Size(n)
}
