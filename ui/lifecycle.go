package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/assets/lang"
)

// closeWindow is what Ctrl+W and the window's close button do: hide to the
// tray when that is enabled and available, else quit. The first time it
// hides, it says so, and offers to quit instead.
func (w *window) closeWindow() {
	if w.tray == nil || !w.settings.keepInTray {
		w.quit()
		return
	}
	prefs := w.app.Preferences()
	if prefs.BoolWithFallback(prefTrayTold, false) {
		w.hide()
		return
	}
	if w.trayNote != nil {
		return // it shows already
	}
	w.trayNote = w.newTrayNote()
	w.trayNote.Show()
}

// newTrayNote is the dialog the first close shows: Latchkey keeps running
// in the tray; Keep running hides the window, Quit instead turns the
// setting off and quits. Either way it is not shown again.
func (w *window) newTrayNote() dialog.Dialog {
	label := &widget.Label{Text: lang.L("Latchkey keeps running in the system tray when its window is closed, so that you can copy a token from there. You can change this in Settings."), Wrapping: fyne.TextWrapWord}
	d := dialog.NewCustomWithoutButtons(lang.L("Latchkey keeps running"), label, w.win)
	done := func(keep bool) {
		w.app.Preferences().SetBool(prefTrayTold, true)
		d.Hide()
		if keep {
			w.hide()
			return
		}
		s := w.settings
		s.keepInTray = false
		w.setSettings(s)
		w.quit()
	}
	quit := newButton(&widget.Button{Text: lang.L("Quit instead"), OnTapped: func() { done(false) }})
	keep := newButton(&widget.Button{Text: lang.L("Keep running"), Icon: theme.ConfirmIcon(), Importance: widget.HighImportance, OnTapped: func() { done(true) }})
	d.SetButtons([]fyne.CanvasObject{quit, keep})
	d.SetOnClosed(func() {
		w.trayNote = nil
		w.escape = nil
	})
	d.Resize(dialogSize(d, w.win))
	w.escape = d.Hide
	return d
}

// quit is what Ctrl+Q and the tray's Quit do: clear a credential Latchkey
// put on the clipboard (if the clipboard still holds it), close the
// window (which ends what it started: see NewWindow), then quit.
func (w *window) quit() {
	if w.quitting {
		return
	}
	w.forget()
	w.quitting = true
	w.win.Close()
	w.app.Quit()
}

// hide hides the window, Latchkey staying in the tray.
func (w *window) hide() {
	w.hidden = true
	w.inFront = false
	w.win.Hide()
	w.setVisible(false) // nothing ticks while hidden
}

// raise shows the window, in front: after a sign-in finished elsewhere, or
// from the tray.
func (w *window) raise() {
	w.hidden = false
	w.win.Show()
	w.win.RequestFocus()
	w.setVisible(true) // the clock catches up at once
}

// watchForeground follows whether the window is in front: Fyne's desktop
// driver says when the app's window gains or loses the focus (Lifecycle's
// entered and exited foreground). Until told otherwise the window counts
// as in front: it opens so.
func (w *window) watchForeground() {
	w.inFront = true
	lc := w.app.Lifecycle()
	lc.SetOnEnteredForeground(func() {
		w.inFront = true
		w.hidden = false
	})
	lc.SetOnExitedForeground(func() { w.inFront = false })
}
