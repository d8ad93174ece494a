package ui

import (
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// deskApp is Fyne's test app made a desktop.App (the test driver's app
// is not one): it records the tray's menus, icon and window, and what
// Quit and SendNotification were asked.
type deskApp struct {
	fyne.App
	mu      sync.Mutex
	menus   []*fyne.Menu
	icon    fyne.Resource
	trayWin fyne.Window
	quits   int
	sent    chan *fyne.Notification // SendNotification's, when not nil
}

var _ desktop.App = (*deskApp)(nil)

func (d *deskApp) SetSystemTrayMenu(m *fyne.Menu) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.menus = append(d.menus, m)
}

func (d *deskApp) SetSystemTrayIcon(r fyne.Resource) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.icon = r
}

func (d *deskApp) SetSystemTrayWindow(w fyne.Window) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.trayWin = w
}

func (d *deskApp) Quit() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.quits++
}

func (d *deskApp) SendNotification(n *fyne.Notification) {
	if d.sent != nil {
		d.sent <- n
	}
}

// menu is the tray's menu now (nil when none was set) and how many times
// it was set.
func (d *deskApp) menu() (*fyne.Menu, int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.menus) == 0 {
		return nil, 0
	}
	return d.menus[len(d.menus)-1], len(d.menus)
}

// trayItem finds the item reached by labels in the tray's menu (a path
// through submenus), failing the test when there is none.
func (h *harness) trayItem(labels ...string) *fyne.MenuItem {
	h.t.Helper()
	m, _ := h.desk.menu()
	if m == nil {
		h.t.Fatal("the tray has no menu")
	}
	var found *fyne.MenuItem
	for _, l := range labels {
		found = nil
		for _, it := range m.Items {
			if it.Label == l {
				found = it
				break
			}
		}
		if found == nil {
			h.t.Fatalf("the tray's menu has no %q; it reads:\n%s", l, menuSignature(m))
		}
		m = found.ChildMenu
		if m == nil {
			m = &fyne.Menu{}
		}
	}
	return found
}

// traySays is the tray's menu as menuSignature writes it.
func (h *harness) traySays() string {
	h.t.Helper()
	m, _ := h.desk.menu()
	if m == nil {
		return ""
	}
	return menuSignature(m)
}

// toBackground and toForeground are what Fyne's desktop driver does when
// the window loses and gains the focus.
func (h *harness) toBackground() {
	h.app.Lifecycle().(interface{ OnExitedForeground() func() }).OnExitedForeground()()
}

func (h *harness) toForeground() {
	h.app.Lifecycle().(interface{ OnEnteredForeground() func() }).OnEnteredForeground()()
}

// fakeTimers is options.afterFunc with a clock that moves only when the
// test fires the timers.
type fakeTimers struct {
	mu     sync.Mutex
	timers []*fakeTimer
}

type fakeTimer struct {
	d             time.Duration
	f             func()
	stopped, done bool
}

func (ft *fakeTimers) after(d time.Duration, f func()) func() bool {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	t := &fakeTimer{d: d, f: f}
	ft.timers = append(ft.timers, t)
	return func() bool {
		ft.mu.Lock()
		defer ft.mu.Unlock()
		live := !t.stopped && !t.done
		t.stopped = true
		return live
	}
}

// live is the durations of the timers neither stopped nor fired.
func (ft *fakeTimers) live() []time.Duration {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	var out []time.Duration
	for _, t := range ft.timers {
		if !t.stopped && !t.done {
			out = append(out, t.d)
		}
	}
	return out
}

// fire runs the live timers, as if their time had come, and says how
// many there were.
func (ft *fakeTimers) fire() int {
	ft.mu.Lock()
	var due []*fakeTimer
	for _, t := range ft.timers {
		if !t.stopped && !t.done {
			t.done = true
			due = append(due, t)
		}
	}
	ft.mu.Unlock()
	for _, t := range due {
		t.f()
	}
	return len(due)
}

// noteLog records the notifications sent.
type noteLog struct {
	mu    sync.Mutex
	notes []fyne.Notification
}

func (l *noteLog) add(n *fyne.Notification) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.notes = append(l.notes, *n)
}

// take returns the notifications sent since the last take.
func (l *noteLog) take() []fyne.Notification {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.notes
	l.notes = nil
	return out
}

// fireClipboard fires the clipboard's timer and waits until it has run.
func (h *harness) fireClipboard() {
	h.t.Helper()
	if n := h.timers.fire(); n != 1 {
		h.t.Fatalf("%d clipboard timers were running, want 1", n)
	}
	h.wait(evClipboardCleared)
}

// useSettings gives the window s, as the Settings dialog would.
func (h *harness) useSettings(change func(*settings)) {
	s := h.w.settings
	change(&s)
	h.w.setSettings(s)
}
