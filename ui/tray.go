package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"latchkey/assets/lang"
	"latchkey/auth"
)

// evTray: the system tray was looked for, and set up when found.
const evTray event = "tray"

// setUpDesktop joins the window to the desktop: the close button goes
// through closeWindow, the window's focus is followed (notify.go), and the
// system tray is looked for off the UI goroutine (it asks the session bus)
// and set up when there is one.
func (w *window) setUpDesktop() {
	w.win.SetCloseIntercept(w.closeWindow)
	w.watchForeground()
	da, ok := w.app.(desktop.App)
	if !ok {
		return // Fyne's test app, a mobile driver: no tray
	}
	available := w.trayAvailable
	go func() {
		found := available()
		w.apply(evTray, func() {
			if found && !w.quitting {
				w.tray = da
				da.SetSystemTrayIcon(Icon)
				da.SetSystemTrayWindow(w.win)          // a click on the icon shows the window
				w.win.SetCloseIntercept(w.closeWindow) // SetSystemTrayWindow set its own
				w.updateTray()
			}
		})
	}()
}

// updateTray gives the tray the menu for the statuses shown now, when it
// differs from the one it has (a menu rebuilt every second would flicker
// where it is open).
func (w *window) updateTray() {
	if w.tray == nil {
		return
	}
	m := w.trayMenu()
	sig := menuSignature(m)
	if sig == w.traySig {
		return
	}
	w.traySig = sig
	w.tray.SetSystemTrayMenu(m)
}

// trayMenu is the tray's menu: Open Latchkey; for each signed-in account
// a submenu with its state and a Copy item for each kind of credential
// its provider offers and the account holds (copied through the same
// path as the window's Copy: Service.Token, refreshed when needed), or
// Sign in again when the token can no longer be used; Settings…; Quit.
func (w *window) trayMenu() *fyne.Menu {
	items := []*fyne.MenuItem{fyne.NewMenuItem(lang.L("Open Latchkey"), w.raise)}
	var accounts []*fyne.MenuItem
	if w.loaded {
		for _, st := range w.status {
			if st.Account == nil || st.Err != nil {
				continue
			}
			accounts = append(accounts, w.trayAccount(st))
		}
	}
	if len(accounts) > 0 {
		items = append(items, fyne.NewMenuItemSeparator())
		items = append(items, accounts...)
	}
	settings := fyne.NewMenuItem(lang.L("Settings…"), func() {
		w.raise()
		w.showSettings()
	})
	quit := fyne.NewMenuItem(lang.L("Quit"), w.quit)
	quit.IsQuit = true // the driver adds none of its own
	items = append(items, fyne.NewMenuItemSeparator(), settings, quit)
	return fyne.NewMenu("Latchkey", items...)
}

// trayAccount is the submenu of one signed-in account.
func (w *window) trayAccount(st auth.Status) *fyne.MenuItem {
	id := st.Provider.ID
	state := fyne.NewMenuItem(badgeFor(st, true).text, nil)
	state.Disabled = true
	sub := []*fyne.MenuItem{state}
	switch st.State {
	case auth.StateExpired, auth.StateNeedsSignIn:
		sub = append(sub, fyne.NewMenuItem(lang.L("Sign in again…"), func() {
			w.raise()
			if i, _ := w.current(id); i >= 0 && !w.busy() {
				w.list.Select(i)
				w.startSignIn(i)
			}
		}))
	default:
		for _, k := range st.Can.Credentials(st.Account) {
			sub = append(sub, fyne.NewMenuItem(wordsFor(k).menu, func() {
				if i, _ := w.current(id); i >= 0 {
					w.copyCredential(i, k, true)
				}
			}))
		}
	}
	item := fyne.NewMenuItem(st.Provider.DisplayName(), nil)
	item.ChildMenu = fyne.NewMenu("", sub...)
	return item
}

// menuSignature is what a person sees of m: its labels, nested, and which
// are disabled.
func menuSignature(m *fyne.Menu) string {
	var b strings.Builder
	var walk func(m *fyne.Menu, depth int)
	walk = func(m *fyne.Menu, depth int) {
		for _, it := range m.Items {
			b.WriteString(strings.Repeat(">", depth))
			switch {
			case it.IsSeparator:
				b.WriteString("---")
			case it.Disabled:
				b.WriteString("(" + it.Label + ")")
			default:
				b.WriteString(it.Label)
			}
			b.WriteByte('\n')
			if it.ChildMenu != nil {
				walk(it.ChildMenu, depth+1)
			}
		}
	}
	walk(m, 0)
	return b.String()
}
