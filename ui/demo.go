package ui

import (
	"errors"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/assets/lang"
	"latchkey/auth"
	"latchkey/auth/demo/demoinfo"
)

// This file: the built-in demo provider in the window. Its server
// (auth/demo) runs in this process, started off the UI goroutine when a
// demo entry is first used (Sign in, Sign in with a code, Copy, Refresh),
// by Start the demo, or by tryDemo; it stops when the window closes and,
// should the app quit otherwise, when main calls StopDemo. Nothing of it
// runs or allocates before then.

// evDemo: a start of the demo server ended, whatever the outcome.
const evDemo event = "demo"

// demoServers are the demo servers this process started.
var demoServers struct {
	mu  sync.Mutex
	all []demoinfo.Server
}

// StopDemo stops every demo server the windows of this process started.
// main calls it once the window has gone; it may be called more than once.
func StopDemo() {
	demoServers.mu.Lock()
	all := demoServers.all
	demoServers.all = nil
	demoServers.mu.Unlock()
	for _, s := range all {
		_ = s.Close()
	}
}

// runDemo makes sure a demo server runs for dir: one already running (in
// this process, `latchkey demo`, another window) is used as it is. It
// returns the server it started, or nil. Call it off the UI goroutine.
func runDemo(dir string) (demoinfo.Server, error) {
	if _, err := demoinfo.Running(dir); err == nil {
		return nil, nil
	}
	s, err := demoinfo.Start(dir)
	var running *demoinfo.AlreadyRunningError
	if errors.As(err, &running) {
		return nil, nil // started meanwhile elsewhere: use that one
	}
	if err != nil {
		return nil, err
	}
	demoServers.mu.Lock()
	demoServers.all = append(demoServers.all, s)
	demoServers.mu.Unlock()
	return s, nil
}

// stopDemo stops the demo servers this window started.
func (w *window) stopDemo() {
	for _, s := range w.demos {
		_ = s.Close()
	}
	w.demos = nil
}

// startDemo starts the demo server (Start the demo) off the UI goroutine
// and reads the statuses again there; then, when set, runs then on Fyne's
// goroutine once the statuses show.
func (w *window) startDemo(then func()) {
	dir, svc := w.svc.DemoDir(), w.svc
	go func() {
		s, err := runDemo(dir)
		var sts []auth.Status
		if err == nil {
			sts, _ = svc.Statuses() // per-provider errors are in sts[i].Err
		}
		w.apply(evDemo, func() {
			if s != nil {
				w.demos = append(w.demos, s)
			}
			if err != nil {
				w.demoUp = false
				w.showError(lang.L("Cannot start the demo"), auth.Describe(err, auth.Window))
				return
			}
			w.showStatuses(svc, sts)
		})
		if err == nil && then != nil {
			fyne.Do(then) // after the apply, as a tap would: it may start work of its own
		}
	}()
}

// showStatuses shows sts, read from svc off the UI goroutine, unless the
// window has moved on to another Service or config meanwhile.
func (w *window) showStatuses(svc *auth.Service, sts []auth.Status) {
	if svc != w.svc || len(sts) != len(w.status) || w.list == nil {
		return
	}
	w.loadGen++ // a load still running would show older news
	copy(w.status, sts)
	w.loaded = true
	w.refreshAll()
}

// demoFirst wraps a panel action: for a demo entry whose server is not
// known to run, the server is started first (off the UI goroutine), then
// the action runs.
func (w *window) demoFirst(act func(i int)) func(i int) {
	return func(i int) {
		if i < 0 || i >= len(w.status) || !w.status[i].Can.Demo || w.demoUp {
			act(i)
			return
		}
		w.demoUp = true // one start at a time; a failure clears it
		w.startDemo(func() { act(i) })
	}
}

// startDemoButton is the Start the demo button's handler.
func (w *window) startDemoButton(int) {
	w.demoUp = true
	w.startDemo(nil)
}

// tryDemo adds both demo entries to providers.toml (those absent), starts
// the demo server, reads the config again and selects demo-oidc: what the
// empty state's and the Add picker's "Try the demo" do. The file work, the
// start and the reading of the statuses run off the UI goroutine.
func (w *window) tryDemo() {
	path, dir, svc := w.cfg.Path, w.svc.DemoDir(), w.svc
	go func() {
		_, err := auth.AddDemoEntries(path)
		var s demoinfo.Server
		if err == nil {
			s, err = runDemo(dir)
		}
		if err == nil {
			_, err = svc.Reload() // the window follows it below (configChanged)
		}
		w.apply(evDemo, func() {
			if s != nil {
				w.demos = append(w.demos, s)
			}
			if err != nil {
				w.showError(lang.L("Cannot start the demo"), auth.Describe(err, auth.Window))
				return
			}
			w.demoUp = true
			w.configChanged()
			if i := w.indexOf(demoinfo.OIDCProviderID); i >= 0 {
				w.list.Select(i)
			}
		})
	}()
}

// newDemoCard is the panel of a demo entry whose server is not running:
// what that means, and Start the demo.
func newDemoCard(i int, st auth.Status, act panelActions) fyne.CanvasObject {
	start := newButton(&widget.Button{Text: lang.L("Start the demo"), Icon: theme.MediaPlayIcon(), Importance: widget.HighImportance, OnTapped: func() { act.startDemo(i) }})
	msg := &widget.Label{Text: lang.L("The demo provider is not running. Start the demo to run its sign-in server on this computer; it stops when Latchkey quits."), Wrapping: fyne.TextWrapWord}
	return widget.NewCard("", "", container.NewVBox(msg, container.NewHBox(start)))
}

// demoNote labels a demo entry's panel: not a real account.
func demoNote() fyne.CanvasObject {
	return &widget.Label{Text: lang.L("Demo — not a real account: its sign-in server runs on this computer only."), Wrapping: fyne.TextWrapWord, Importance: widget.WarningImportance}
}

// demoBadge heads a demo entry's protocol in the list: "Demo · ".
func demoBadge(c auth.Capabilities) string {
	if c.Demo {
		return lang.X("demo.badge", "Demo · ")
	}
	return ""
}
