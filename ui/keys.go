package ui

import (
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/auth"
)

// The window's keyboard (docs/WINDOW.md, "Keyboard"):
//
//   - Tab and Shift+Tab move the focus (Fyne); the focused control has a
//     ring in the theme's focus-ring colour (theme.go), and a control that
//     gets the focus inside a scrolled panel is scrolled into view.
//   - Enter (or Space) presses the focused button; on the provider list,
//     Enter opens the selected provider: the focus moves to its panel's
//     main action. Up and Down move the selection in the list.
//   - Escape closes the dialog showing, whatever has the focus in it (the
//     dialog's Cancel: a sign-in in progress is cancelled).
//   - Ctrl+Q quits, Ctrl+W closes the window (to the tray when that is
//     on), Ctrl+N adds a provider, Ctrl+C copies the selected provider's
//     access token (unless a text field has the focus: then it copies the
//     text), F5 refreshes: the selected account's token when its panel
//     offers Refresh, else the accounts are read from the keychain again.
//     (Cmd instead of Ctrl on macOS.)
//
// Fyne gives a key to the focused widget first, and widget.Button,
// widget.Entry and widget.List swallow the ones they do not use (Escape
// among them), so the window's widgets are its own kinds (widgets.go:
// button, entry, list) that pass those keys on to the window's handler
// (passKey), which is the canvas's OnTypedKey.

// setupKeys installs the window's keys on its canvas.
func (w *window) setupKeys() {
	c := w.win.Canvas()
	c.SetOnTypedKey(w.typedKey)
	for _, m := range shortcutModifiers() {
		c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: m}, func(fyne.Shortcut) { w.quit() })
		c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyW, Modifier: m}, func(fyne.Shortcut) { w.closeWindow() })
		c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: m}, func(fyne.Shortcut) { w.addProviderKey() })
	}
	c.AddShortcut(&fyne.ShortcutCopy{}, func(fyne.Shortcut) { w.copyKey() })
}

// shortcutModifiers are the modifiers of the window's shortcuts: Ctrl, and
// Cmd on macOS.
func shortcutModifiers() []fyne.KeyModifier {
	if runtime.GOOS == "darwin" {
		return []fyne.KeyModifier{fyne.KeyModifierSuper, fyne.KeyModifierControl}
	}
	return []fyne.KeyModifier{fyne.KeyModifierControl}
}

// windowShortcut reports whether s is one of the window's own shortcuts
// (Ctrl+Q, Ctrl+W, Ctrl+N), which a focused text field passes on.
func windowShortcut(s fyne.Shortcut) bool {
	cs, ok := s.(*desktop.CustomShortcut)
	if !ok {
		return false
	}
	for _, m := range shortcutModifiers() {
		if cs.Modifier == m {
			switch cs.KeyName {
			case fyne.KeyQ, fyne.KeyW, fyne.KeyN:
				return true
			}
		}
	}
	return false
}

// passKey gives ev, a key the focused widget o has no use for, to the
// window's handler: the OnTypedKey of o's canvas.
func passKey(o fyne.CanvasObject, ev *fyne.KeyEvent) {
	if c := canvasOf(o); c != nil {
		if h := c.OnTypedKey(); h != nil {
			h(ev)
		}
	}
}

// passShortcut gives s to the shortcuts of o's canvas.
func passShortcut(o fyne.CanvasObject, s fyne.Shortcut) {
	if c, ok := canvasOf(o).(fyne.Shortcutable); ok {
		c.TypedShortcut(s)
	}
}

func canvasOf(o fyne.CanvasObject) fyne.Canvas {
	a := fyne.CurrentApp()
	if a == nil {
		return nil
	}
	return a.Driver().CanvasForObject(o)
}

// dialogShowing reports whether a dialog is over the window.
func (w *window) dialogShowing() bool { return w.win.Canvas().Overlays().Top() != nil }

// typedKey is what the window does with a key no focused widget used.
func (w *window) typedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyEscape:
		if w.escape != nil {
			w.escape()
		}
		return
	}
	if w.dialogShowing() || w.escape != nil {
		return // the dialog's keys are its own
	}
	switch ev.Name {
	case fyne.KeyF5:
		w.refreshKey()
	case fyne.KeyReturn, fyne.KeyEnter:
		w.openSelected()
	case fyne.KeyUp, fyne.KeyDown:
		if w.list != nil { // nothing has the focus: the list takes it
			w.win.Canvas().Focus(w.list)
			w.list.TypedKey(ev)
		}
	}
}

// openSelected moves the focus to the selected provider's panel: its
// highlighted action, else its first ordinary one, else its first.
func (w *window) openSelected() {
	if w.detail == nil || w.selected < 0 {
		return
	}
	var high, medium, first *button
	walkObjects(w.detail.box, func(o fyne.CanvasObject) {
		b, ok := o.(*button)
		if !ok || b.Disabled() {
			return
		}
		if first == nil {
			first = b
		}
		switch b.Importance {
		case widget.HighImportance:
			if high == nil {
				high = b
			}
		case widget.MediumImportance:
			if medium == nil {
				medium = b
			}
		}
	})
	for _, b := range []*button{high, medium, first} {
		if b != nil {
			w.win.Canvas().Focus(b)
			return
		}
	}
}

// copyKey is Ctrl+C outside a text field: the selected provider's access
// token (or its first credential that can be copied), as its Copy button
// does. Nothing while a dialog shows or when the account is not signed in.
func (w *window) copyKey() {
	if w.detail == nil || w.selected < 0 || w.dialogShowing() || w.escape != nil {
		return
	}
	st := w.status[w.selected]
	if st.Account == nil || st.Err != nil || len(st.Can.Copy) == 0 {
		return
	}
	k := st.Can.Copy[0]
	for _, c := range st.Can.Copy {
		if c == auth.CredAccessToken {
			k = c
		}
	}
	w.detail.act.copy(w.selected, k)
}

// refreshKey is F5: the selected account's Refresh when its panel offers
// one (the token renewed, or rechecked for OAuth 1.0a); otherwise every
// account is read from the keychain again.
func (w *window) refreshKey() {
	if w.detail != nil && w.selected >= 0 && w.loaded {
		st := w.status[w.selected]
		if st.Err == nil && st.Can.CanRefresh(st.Account) {
			w.detail.act.refresh(w.selected)
			return
		}
	}
	w.load()
}

// addProviderKey is Ctrl+N: the Add provider picker, unless a dialog
// shows.
func (w *window) addProviderKey() {
	if w.dialogShowing() || w.escape != nil {
		return
	}
	w.showPicker()
}

// walkObjects visits o and what it holds, as far as the public API shows
// it: containers, scrolls, splits, pop-ups and cards.
func walkObjects(o fyne.CanvasObject, visit func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	visit(o)
	for _, c := range childrenOf(o) {
		walkObjects(c, visit)
	}
}

func childrenOf(o fyne.CanvasObject) []fyne.CanvasObject {
	switch c := o.(type) {
	case *fyne.Container:
		return c.Objects
	case *container.Scroll:
		return []fyne.CanvasObject{c.Content}
	case *container.Split:
		return []fyne.CanvasObject{c.Leading, c.Trailing}
	case *widget.PopUp:
		return []fyne.CanvasObject{c.Content}
	case *widget.Card:
		return []fyne.CanvasObject{c.Content}
	}
	return nil
}

// reveal scrolls the scrolled panel that holds o, if one does, so that o
// shows whole (Fyne does not follow the focus).
func reveal(o fyne.CanvasObject) {
	c := canvasOf(o)
	if c == nil {
		return
	}
	roots := []fyne.CanvasObject{c.Content()}
	if top := c.Overlays().Top(); top != nil {
		roots = []fyne.CanvasObject{top}
	}
	for _, r := range roots {
		if s, found := scrollAround(r, o, nil); found {
			if s != nil {
				scrollToShow(s, o)
			}
			return
		}
	}
}

// scrollAround finds target under root and returns the innermost scroll
// that holds it (in is the one root is in).
func scrollAround(root, target fyne.CanvasObject, in *container.Scroll) (*container.Scroll, bool) {
	if root == nil || !root.Visible() {
		return nil, false
	}
	if root == target {
		return in, true
	}
	if s, ok := root.(*container.Scroll); ok {
		in = s
	}
	for _, c := range childrenOf(root) {
		if s, found := scrollAround(c, target, in); found {
			return s, true
		}
	}
	return nil, false
}

// scrollToShow moves s the least that shows o whole (with room for the
// focus ring), when it is not.
func scrollToShow(s *container.Scroll, o fyne.CanvasObject) {
	d := fyne.CurrentApp().Driver()
	margin := float32(ringOffset) + theme.Padding()
	top := d.AbsolutePositionForObject(o).Y - d.AbsolutePositionForObject(s).Y - margin
	bottom := top + o.Size().Height + 2*margin
	off := s.Offset
	switch {
	case top < 0:
		off.Y += top
	case bottom > s.Size().Height:
		off.Y += fyne.Min(bottom-s.Size().Height, top)
	default:
		return
	}
	if off.Y < 0 {
		off.Y = 0
	}
	s.ScrollToOffset(off)
}

// confirm is dialog.NewCustomConfirm with the window's own buttons
// (widgets.go), so that Enter presses the focused one and Escape, which
// closes the dialog as Cancel, works whatever has the focus. The Cancel
// button has the focus when it shows (the safe choice); confirmImportance
// is the confirm button's. callback is told which was pressed, once.
func confirm(title, confirmText, dismissText string, content fyne.CanvasObject, confirmImportance widget.Importance, callback func(bool), win fyne.Window) *confirmDialog {
	c := &confirmDialog{callback: callback, win: win}
	c.dlg = dialog.NewCustomWithoutButtons(title, content, win)
	c.dismiss = newButton(&widget.Button{Text: dismissText, Icon: theme.CancelIcon(), OnTapped: func() { c.answer(false) }})
	c.ok = newButton(&widget.Button{Text: confirmText, Icon: theme.ConfirmIcon(), Importance: confirmImportance, OnTapped: func() { c.answer(true) }})
	c.dlg.SetButtons([]fyne.CanvasObject{c.dismiss, c.ok})
	c.dlg.SetOnClosed(func() { c.answer(false) })
	return c
}

// confirmDialog is a dialog asking yes or no (confirm).
type confirmDialog struct {
	dlg         *dialog.CustomDialog
	ok, dismiss *button
	callback    func(bool)
	win         fyne.Window
	answered    bool
}

// Show shows the dialog, Cancel focused.
func (c *confirmDialog) Show() {
	c.dlg.Show()
	c.win.Canvas().Focus(c.dismiss)
}

// Hide closes the dialog as Cancel.
func (c *confirmDialog) Hide() { c.answer(false) }

// Resize sizes the dialog.
func (c *confirmDialog) Resize(s fyne.Size) { c.dlg.Resize(s) }

// MinSize is the dialog's (for dialogSize).
func (c *confirmDialog) MinSize() fyne.Size { return c.dlg.MinSize() }

func (c *confirmDialog) answer(ok bool) {
	if c.answered {
		return
	}
	c.answered = true
	c.dlg.Hide()
	if c.callback != nil {
		c.callback(ok)
	}
}
