package ui

import (
	"latchkey/auth"
	"latchkey/auth/provider"
)

// evReloaded: the config file was read again and the window rebuilt from it.
const evReloaded event = "reloaded"

// reloadConfig reads providers.toml again off the UI goroutine
// (provider.Load), hands it to the Service (SetConfig) and rebuilds the
// window from it (applyConfig), keeping the selected provider by id. The
// editor calls it, through reloadSelecting, after each of its own saves;
// it is also the one entry point for following changes made elsewhere.
func (w *window) reloadConfig() { w.reloadSelecting("", nil) }

// reloadSelecting is reloadConfig that selects provider id afterwards
// ("" keeps the selection), then runs then (if not nil) on Fyne's
// goroutine with the new config.
func (w *window) reloadSelecting(id string, then func(*provider.Config)) {
	w.afterEdit(evReloaded, w.cfg.Path, id, func() error { return nil }, func(_ error, cfg *provider.Config) {
		if then != nil {
			then(cfg)
		}
	})
}

// applyConfig rebuilds the window from cfg (on Fyne's goroutine): the
// banner, the list and the panel, or the empty state; selects provider id
// (or, when "", the one selected before, else the first) and reads the
// accounts again. The Service must already work from cfg (SetConfig).
func (w *window) applyConfig(cfg *provider.Config, id string) {
	if id == "" && w.selected >= 0 && w.selected < len(w.status) {
		id = w.status[w.selected].Provider.ID
	}
	w.cfg = cfg
	w.status = make([]auth.Status, len(cfg.Providers))
	for i := range cfg.Providers {
		w.status[i] = auth.StatusOf(&cfg.Providers[i], nil, w.now())
	}
	w.loaded = false
	w.selected = -1
	w.list, w.detail = nil, nil
	w.win.SetContent(w.build())
	if len(cfg.Providers) > 0 {
		i := w.indexOf(id)
		if i < 0 {
			i = 0
		}
		w.list.Select(i)
	}
	w.later(w.load)
}

// afterEdit runs work (a change to providers.toml or the keychain) off
// the UI goroutine, then reads the config again (provider.Load), hands it
// to the Service and, on Fyne's goroutine, rebuilds the window from it
// with provider id selected, calls done with work's error and the new
// config, and tells the observer ev. path is the config file's.
func (w *window) afterEdit(ev event, path, id string, work func() error, done func(err error, cfg *provider.Config)) {
	go func() {
		err := work()
		cfg := provider.Load(path)
		w.svc.SetConfig(cfg)
		w.apply(ev, func() {
			w.applyConfig(cfg, id)
			done(err, cfg)
		})
	}()
}
