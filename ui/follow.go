package ui

import (
	"context"
	"errors"
	"reflect"
	"time"

	"latchkey/auth"
)

// Events of following changes made elsewhere (follow).
const (
	evConfig   event = "config"   // the window shows a new config: list, banner, selection
	evAccounts event = "accounts" // an account changed elsewhere: its statuses are being read again
)

// follow has the window follow changes made while it is open, by itself,
// by an editor or by a script (auth.Service.Watch, looking every `every`):
// a providers.toml saved elsewhere rebuilds the provider list and the
// config banner, keeping the selected provider; an account signed in,
// refreshed or signed out elsewhere (`latchkey logout`) shows within about
// a second. It runs until stopFollowing (the window closing). Watch reads
// no keychain record while nothing changes.
func (w *window) follow(every time.Duration) {
	if w.unfollow != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	w.unfollow = cancel
	go w.svc.Watch(ctx, every, func(c auth.Change) {
		if c.Config {
			w.apply(evConfig, w.configChanged)
		}
		if c.Accounts {
			w.apply(evAccounts, w.accountsChanged)
		}
	})
}

// stopFollowing ends follow.
func (w *window) stopFollowing() {
	if w.unfollow != nil {
		w.unfollow()
		w.unfollow = nil
	}
}

// configChanged shows the Service's config, when it is not the one shown
// (call it on Fyne's goroutine after Service.SetConfig, or let follow call
// it within a second):
// the banner (problems appear and clear), the list or the empty state. The
// selected provider stays selected while it is in the file; when it left,
// the one now at its place (or the last) is. Statuses of providers the
// window knew are kept until the keychain is read again, which starts at
// once; so only a provider new to the window reads "Checking the
// keychain…" meanwhile.
func (w *window) configChanged() {
	cfg := w.svc.Config()
	if cfg == w.cfg {
		return
	}
	selectedID, at := "", w.selected
	if at >= 0 && at < len(w.status) {
		selectedID = w.status[at].Provider.ID
	}
	known := make(map[string]auth.Status, len(w.status))
	for _, st := range w.status {
		known[st.Provider.ID] = st
	}
	w.cfg = cfg
	w.status = make([]auth.Status, len(cfg.Providers))
	now := w.now()
	for i := range cfg.Providers {
		p := &cfg.Providers[i]
		old, ok := known[p.ID]
		if !ok {
			w.loaded = false // a new provider: not read yet
		}
		w.status[i] = auth.StatusOf(p, old.Account, now) // bound to its new settings
		w.status[i].Err = old.Err
		if old.Err != nil {
			w.status[i].State = auth.StateUnknown
		}
	}
	w.selected, w.list, w.detail = -1, nil, nil
	w.win.SetContent(w.build())
	if n := len(cfg.Providers); n > 0 {
		i := w.indexOf(selectedID)
		if i < 0 {
			i = min(max(at, 0), n-1)
		}
		w.list.Select(i)
	}
	w.reload()
}

// accountsChanged reads the statuses again after an account changed
// elsewhere (or here: a sign-in by this window also signals it).
func (w *window) accountsChanged() { w.reload() }

// reload reads every provider's status again off the UI goroutine, as
// load does. When every provider shown has
// been read before, what is shown stays until the new statuses come (no
// "Checking the keychain…" in between), and only those that differ are
// redrawn (a confirmation under a button stays).
func (w *window) reload() {
	if len(w.cfg.Providers) == 0 {
		w.goLater(func() { w.apply(evStatuses, func() {}) })
		return
	}
	w.loadGen++
	gen, cfg, quiet := w.loadGen, w.cfg, w.loaded
	if !quiet {
		w.refreshAll() // "Checking the keychain…" on the new providers
	}
	w.goLater(func() {
		sts, _ := w.svc.Statuses() // per-provider errors are in sts[i].Err
		w.apply(evStatuses, func() {
			if gen != w.loadGen || cfg != w.cfg || !sameProviders(sts, w.status) {
				return // a newer load, or a newer config (its own reload follows)
			}
			if !quiet {
				copy(w.status, sts)
				w.loaded = true
				w.refreshAll()
				return
			}
			for i, st := range sts {
				if !sameStatus(st, w.status[i]) {
					w.setStatus(i, st)
				}
			}
		})
	})
}

// goLater runs fn in its own goroutine once the update under way (if any)
// has changed the widgets (window.later), so that its own result never
// meets the update half done (in Fyne's test driver fyne.Do runs on the
// caller's goroutine).
func (w *window) goLater(fn func()) { w.later(func() { go fn() }) }

// sameProviders reports whether a and b are statuses of the same
// providers, in the same order.
func sameProviders(a, b []auth.Status) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Provider.ID != b[i].Provider.ID {
			return false
		}
	}
	return true
}

// sameStatus reports whether a and b show the same.
func sameStatus(a, b auth.Status) bool {
	if a.State != b.State || (a.Err == nil) != (b.Err == nil) || !reflect.DeepEqual(a.Account, b.Account) {
		return false
	}
	return a.Err == nil || a.Err.Error() == b.Err.Error() || errors.Is(a.Err, b.Err)
}

// current is where provider id is now, after a config change may have
// moved it while a background call ran: its index and its status, or -1.
func (w *window) current(id string) (int, auth.Status) {
	i := w.indexOf(id)
	if i < 0 {
		return -1, auth.Status{}
	}
	return i, w.status[i]
}
