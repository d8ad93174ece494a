// Package ui is Latchkey's window: a Fyne face over auth.Service. It is the
// only package that imports Fyne, and it never talks to the network or the
// keychain itself: handlers start one goroutine that calls the Service and
// apply the result with fyne.Do (FyneApp.toml migrates to fyne.Do, so
// widgets are only touched on Fyne's goroutine).
//
// The window (docs/WINDOW.md): the configured providers on the left, each
// with a status badge that follows the token's state as time passes; on the
// right the selected provider's account and token (and, for OpenID Connect,
// the id_token's claims), with Sign in (in the browser, or with a code),
// Copy, Refresh and Sign out. Config problems show as a banner, an empty
// config as an explanation of how to add a provider. The window follows
// changes made while it is open (follow.go): a providers.toml saved
// elsewhere, an account signed in or out by a script.
package ui

import (
	"context"
	"log/slog"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/assets"
	"latchkey/assets/lang"
	"latchkey/auth"
	"latchkey/auth/demo/demoinfo"
	"latchkey/auth/provider"
)

// Icon is Latchkey's application icon.
var Icon = fyne.NewStaticResource("icon.png", assets.Icon)

// defaultSize is the window's first size. The window cannot be made
// smaller than its content's MinSize (Fyne keeps it so): the provider list
// is as wide as its names need (listWidth), the panel as its buttons need,
// so nothing overlaps at the smallest size.
var defaultSize = fyne.NewSize(860, 600)

// tickEvery is how often the expiry countdown and the badges are updated.
const tickEvery = time.Second

// serviceTimeout bounds the Service calls the window makes outside a
// sign-in (statuses, token for Copy, sign out, avatar). The keychain has its
// own, shorter timeout.
const serviceTimeout = 30 * time.Second

// NewWindow builds Latchkey's main window on app a over svc and starts
// reading the stored accounts in the background. The first frame needs only
// svc.Config(): nothing here waits on the keychain or the network. The
// window starts at 860×600, shows the first provider, and updates its
// expiry countdown every second until it is closed; closing it cancels a
// sign-in in progress (its loopback port closes). While it is open it
// follows changes to providers.toml and to the accounts made elsewhere
// (follow).
//
// Call it on Fyne's goroutine (before ShowAndRun, or inside fyne.Do).
func NewWindow(a fyne.App, svc *auth.Service) fyne.Window {
	applyStartSettings(a)            // the language and theme, before any word is drawn
	ensureConfigFolder(svc.Config()) // a first run: the folder the window names exists
	w := newWindow(a, svc, options{})
	slog.Info("window opened", "providers", len(w.cfg.Providers), "config_problems", len(w.cfg.Problems), "config_missing", w.cfg.Missing)
	stop := make(chan struct{})
	ticker := time.NewTicker(tickEvery)
	go func() {
		defer ticker.Stop()
		for {
			select {
			case <-ticker.C:
				if !w.paused.Load() { // hidden: not even a wake-up of Fyne's goroutine
					fyne.Do(w.tick)
				}
			case <-stop:
				return
			}
		}
	}()
	w.win.SetOnClosed(func() {
		close(stop)
		w.forget() // a credential still on the clipboard goes with the window
		w.close()
	})
	w.follow(auth.WatchEvery) // before load: a change after it is seen
	w.load()
	return &appWindow{Window: w.win, w: w}
}

// appWindow is the window NewWindow returns: Show from outside (a second
// launch, main's one-instance handler) shows it as the tray's Open does,
// so a window hidden to the tray ticks again.
type appWindow struct {
	fyne.Window
	w *window
}

// Show shows the window and wakes its clock.
func (a *appWindow) Show() { a.w.raise() }

// options are the window's seams, for tests. Zero values give the real
// behaviour.
type options struct {
	now      func() time.Time // the countdown's clock; nil: time.Now
	location *time.Location   // times are shown in it; nil: time.Local
	// flashFor is how long a confirmation ("Copied …") stays; 0 means the
	// default 4 s, negative means until the next one.
	flashFor time.Duration
	openURL  func(*url.URL) error // opens a folder; nil: App.OpenURL
	// observe, when set, is told of each background result once it has
	// been applied to the widgets (tests wait on it instead of sleeping).
	observe func(event)
	// issuerDelay is how long the editor waits after an issuer was typed
	// before it runs discovery; 0: defaultIssuerDelay, negative: at once.
	issuerDelay time.Duration
	// afterFunc runs f after d (the clipboard's timer) and returns what
	// stops it; nil: time.AfterFunc.
	afterFunc func(d time.Duration, f func()) (stop func() bool)
	// trayAvailable reports whether the desktop shows tray icons; it is
	// called off the UI goroutine, and only when the app is a
	// desktop.App. nil: systemTrayAvailable.
	trayAvailable func() bool
	// sendNotification shows a notification; nil: App.SendNotification,
	// in a goroutine of its own (on Linux it is a D-Bus call).
	sendNotification func(*fyne.Notification)
}

// event names a background result applied to the window.
type event string

const (
	evStatuses      event = "statuses"       // the accounts were read (or failed to be)
	evAuthURL       event = "auth-url"       // a sign-in's authorization URL is known
	evBrowserFailed event = "browser-failed" // the browser did not open
	evPrompt        event = "prompt"         // the verifier dialog is showing
	evPromptClosed  event = "prompt-closed"  // the sign-in ended while it showed
	evSignIn        event = "sign-in"        // a sign-in ended, whatever the outcome
	evAvatar        event = "avatar"         // a profile picture arrived or failed
	evCopied        event = "copied"         // a Copy ended, whatever the outcome
	evSignedOut     event = "signed-out"     // a sign-out ended, whatever the outcome
	evFlashCleared  event = "flash-cleared"  // a confirmation went away
	evRefreshed     event = "refreshed"      // a Refresh ended, whatever the outcome
	evDeviceCode    event = "device-code"    // a device sign-in's code is showing
	evDeviceSignIn  event = "device-sign-in" // a device sign-in ended, whatever the outcome
)

// window is the state behind the Fyne window. Every field is touched only
// on Fyne's goroutine, except svc, which is safe for concurrent use.
type window struct {
	options
	app fyne.App
	win fyne.Window
	svc *auth.Service
	cfg *provider.Config

	status   []auth.Status // one per provider, in config order
	loaded   bool          // status holds what the keychain said
	loadGen  int           // bumps with each load; stale results are dropped
	selected int           // index into cfg.Providers; -1 when none

	list   *list   // the provider list (widgets.go: the keyboard moves in it)
	detail *detail // the right-hand panel; nil when no provider is configured

	avatars    map[string]*avatarEntry // by picture URL
	queued     []string                // picture URLs to fetch after this update
	signing    *signIn                 // the browser sign-in in progress, if any
	device     *deviceSignIn           // the device sign-in in progress, if any
	refreshing map[string]bool         // provider ids whose Refresh is running
	escape     func()                  // what Escape does now (the top dialog's Cancel)
	unfollow   context.CancelFunc      // ends follow; nil when not following
	demos      []demoinfo.Server       // the demo servers this window started (ui/demo.go)
	demoUp     bool                    // a demo server was started or found
	picker     *picker                 // the Add provider picker, while it shows
	editor     *editor                 // the provider form, while it shows
	// applying counts the fns running in holdStarts (a result in apply, a
	// change in the editor); pending is the
	// background work to start after them (later). Fyne's goroutine runs
	// one at a time; the test driver's fyne.Do runs them on their callers'
	// goroutines, hence the atomic and the mutex.
	applying  atomic.Int32
	pendingMu sync.Mutex
	pending   []func()
	flashGen  int

	settings     settings      // the person's choices (settings.go)
	settingsOpen dialog.Dialog // the Settings dialog, while it shows
	copied       string        // the credential Latchkey last put on the clipboard, until forgotten
	stopClear    func()        // stops the clipboard's timer; nil when none runs
	clearGen     int           // bumps with each timer; a stale one does nothing
	tray         desktop.App   // the system tray; nil when there is none
	traySig      string        // what the tray's menu shows now (menuSignature)
	trayNote     dialog.Dialog // the first close's note, while it shows
	notices      map[string]notice
	inFront      bool // the window has the focus (lifecycle.go)
	hidden       bool // the window is hidden, Latchkey in the tray
	quitting     bool // quit was called

	// paused is set while the window is hidden (setVisible): the countdown
	// and the badges stand still and the ticker does not wake Fyne's
	// goroutine. Read by the ticker's goroutine, hence atomic.
	paused atomic.Bool
}

func newWindow(a fyne.App, svc *auth.Service, opts options) *window {
	if opts.now == nil {
		opts.now = time.Now
	}
	if opts.location == nil {
		opts.location = time.Local
	}
	if opts.openURL == nil {
		opts.openURL = a.OpenURL
	}
	if opts.flashFor == 0 {
		opts.flashFor = 4 * time.Second
	}
	if opts.afterFunc == nil {
		opts.afterFunc = func(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop }
	}
	if opts.trayAvailable == nil {
		opts.trayAvailable = systemTrayAvailable
	}
	if opts.sendNotification == nil {
		opts.sendNotification = func(n *fyne.Notification) { go a.SendNotification(n) }
	}
	w := &window{
		options:    opts,
		app:        a,
		win:        a.NewWindow("Latchkey"),
		svc:        svc,
		cfg:        svc.Config(),
		selected:   -1,
		avatars:    map[string]*avatarEntry{},
		refreshing: map[string]bool{},
		settings:   loadSettings(a.Preferences()),
		notices:    map[string]notice{},
	}
	w.status = make([]auth.Status, len(w.cfg.Providers))
	for i := range w.cfg.Providers {
		w.status[i] = auth.StatusOf(&w.cfg.Providers[i], nil, opts.now()) // until the keychain is read
	}
	w.win.SetIcon(Icon)
	w.win.SetContent(w.build())
	w.win.Resize(defaultSize)
	w.setupKeys()
	if len(w.cfg.Providers) > 0 {
		w.list.Select(0)
	}
	w.setUpDesktop() // the close button, the tray, the focus (tray.go)
	return w
}

// build returns the window's content: the config banner over either the
// provider list and detail panel, or the empty state.
func (w *window) build() fyne.CanvasObject {
	var top fyne.CanvasObject
	if len(w.cfg.Problems) > 0 {
		top = w.problemsBanner()
	}
	settingsBtn := newButton(&widget.Button{Icon: theme.SettingsIcon(), Importance: widget.LowImportance, OnTapped: w.showSettings})
	if len(w.cfg.Providers) == 0 {
		bar := container.NewBorder(nil, nil, nil, settingsBtn)
		if top != nil {
			bar = container.NewBorder(nil, nil, nil, settingsBtn, top)
		}
		return container.NewBorder(bar, nil, nil, nil, container.NewVScroll(w.emptyState()))
	}
	w.list = w.providerList()
	heading := widget.NewLabelWithStyle(lang.L("Providers"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	add := newButton(&widget.Button{Text: lang.L("Add provider"), Icon: theme.ContentAddIcon(), Importance: widget.LowImportance, OnTapped: w.showPicker})
	list := container.New(&minWidth{listWidth(w.status)}, w.list) // names never run into their protocols
	left := container.NewBorder(container.NewBorder(nil, nil, nil, container.NewHBox(add, settingsBtn), heading), nil, nil, nil, list)
	w.detail = newDetail(panelActions{
		signIn:     w.demoFirst(w.startSignIn),
		signInCode: w.demoFirst(w.startDevice),
		copy:       func(i int, k auth.Credential) { w.demoFirst(func(i int) { w.copy(i, k) })(i) },
		refresh:    w.demoFirst(w.refresh),
		startDemo:  w.startDemoButton,
		signOut:    w.confirmSignOut,
		reload:     w.load,
		edit:       w.startEdit,
		duplicate:  w.duplicate,
		remove:     w.confirmRemove,
		now:        func() time.Time { return w.now() }, // tests move the clock
		location:   w.location,
		avatar:     w.avatarView,
		request:    w.requestActions(),
	})
	split := container.NewHSplit(left, w.detail.object())
	split.SetOffset(0.34)
	return container.NewBorder(top, nil, nil, nil, split)
}

// apply runs fn, the UI half of a background result, on Fyne's goroutine;
// then starts the picture fetches fn asked for, and tells the observer ev.
// Every background result goes through here, so that no goroutine starts
// while widgets are still being changed (in Fyne's test driver fyne.Do runs
// at once, on the caller's goroutine).
func (w *window) apply(ev event, fn func()) {
	fyne.Do(func() {
		w.holdStarts(func() { // nothing starts until the widgets are done
			fn()
			w.fetchQueued()
		})
		w.notify(ev)
	})
}

// later runs start, which starts background work, once the result being
// applied has been (at once outside apply), so that no goroutine starts
// while widgets are still being changed.
func (w *window) later(start func()) {
	if w.applying.Load() > 0 {
		w.pendingMu.Lock()
		w.pending = append(w.pending, start)
		w.pendingMu.Unlock()
		return
	}
	start()
}

// holdStarts runs fn, putting off the background work it starts (later)
// until it has returned.
func (w *window) holdStarts(fn func()) {
	w.applying.Add(1)
	fn()
	if w.applying.Add(-1) == 0 {
		w.startLater()
	}
}

// startLater runs what later put off.
func (w *window) startLater() {
	w.pendingMu.Lock()
	pending := w.pending
	w.pending = nil
	w.pendingMu.Unlock()
	for _, start := range pending {
		start()
	}
}

// notify tells the test observer that ev has been applied.
func (w *window) notify(ev event) {
	if w.observe != nil {
		w.observe(ev)
	}
}

// load reads every provider's status off the UI goroutine and shows it.
func (w *window) load() {
	if len(w.cfg.Providers) == 0 {
		w.notify(evStatuses)
		return
	}
	w.loadGen++
	gen := w.loadGen
	w.loaded = false
	w.refreshAll()
	go func() {
		sts, _ := w.svc.Statuses() // per-provider errors are in sts[i].Err
		w.apply(evStatuses, func() {
			if gen == w.loadGen && sameProviders(sts, w.status) {
				copy(w.status, sts)
				w.loaded = true
				w.refreshAll()
			}
		})
	}()
}

// setStatus replaces provider i's status, e.g. after a sign-in.
func (w *window) setStatus(i int, st auth.Status) {
	if i >= len(w.status) || w.status[i].Provider != st.Provider {
		// The config was read again meanwhile (reload.go): the provider
		// may have moved, changed or gone.
		if i = w.indexOf(st.Provider.ID); i < 0 {
			return
		}
		st = auth.StatusOf(w.status[i].Provider, st.Account, w.now())
	}
	w.status[i] = st
	w.list.RefreshItem(i)
	if i == w.selected {
		w.showDetail(i)
	}
	w.statusChanged() // the tray and the notices (notify.go)
}

// refreshAll redraws the list and the detail panel from w.status.
func (w *window) refreshAll() {
	w.list.Refresh()
	if w.selected >= 0 {
		w.showDetail(w.selected)
	}
	w.statusChanged() // the tray and the notices (notify.go)
}

// showDetail shows provider i in the detail panel.
func (w *window) showDetail(i int) {
	st := w.status[i]
	w.detail.show(i, st, panelView{loaded: w.loaded, refreshing: w.refreshing[st.Provider.ID]})
}

// formatTime shows t to the minute in the window's time zone.
func (w *window) formatTime(t time.Time) string { return formatTime(t, w.location) }

// indexOf returns the index of provider id, or -1.
func (w *window) indexOf(id string) int {
	for i := range w.cfg.Providers {
		if w.cfg.Providers[i].ID == id {
			return i
		}
	}
	return -1
}

// tick moves the countdowns on (the token's, and a device code's) and
// updates the badges and the panel whose state changed with time: valid →
// expiring → expired, or → refreshable when a refresh token is held
// (auth.StateOf at the window's clock). It reads nothing from the keychain:
// StateOf needs only the account already shown. It redraws only what
// changed: a row and the panel on a change of state, the visible
// countdown when its text changed (under an hour, every second; above,
// once a minute), nothing else; and nothing at all while the window is
// hidden (setVisible).
func (w *window) tick() {
	if w.paused.Load() {
		return
	}
	now := w.now()
	if w.device != nil {
		w.device.tick(now)
	}
	if !w.loaded || w.detail == nil {
		return
	}
	changed := false
	for i, st := range w.status {
		// needs_signin (a refusal, or a provider whose settings changed)
		// is not a matter of time: the clock never moves an account out of it.
		if st.Account == nil || st.Err != nil || st.State == auth.StateNeedsSignIn {
			continue
		}
		if s := auth.StateOf(st.Account, now); s != st.State {
			w.status[i].State = s
			changed = true
			w.list.RefreshItem(i)
			if i == w.selected {
				w.showDetail(i)
			}
		}
	}
	w.detail.tick(now)
	w.fetchQueued()
	if changed {
		w.updateTray() // its menu shows states, not the clock
	}
	w.checkNotices(now) // "expires within 5 minutes" is a matter of the clock
}

// setVisible tells the window whether a person can see it. While it is
// hidden (to the tray, say) nothing ticks: the countdown and the badges
// stand still and nothing is redrawn. When it shows again it catches up at
// once. Call it on Fyne's goroutine, from whatever hides and shows the
// window.
func (w *window) setVisible(on bool) {
	if wasHidden := w.paused.Swap(!on); on && wasHidden {
		w.tick()
	}
}

// close ends what the window started: a sign-in in progress is cancelled,
// so its loopback port closes, and a device sign-in stops polling.
func (w *window) close() {
	w.stopFollowing()
	w.stopDemo()
	if w.signing != nil {
		w.signing.cancel()
	}
	if w.device != nil {
		w.device.cancel()
	}
}

// busy reports whether a sign-in (in the browser or with a code) is in
// progress: only one runs at a time.
func (w *window) busy() bool { return w.signing != nil || w.device != nil }

// background returns a context for one Service call outside a sign-in.
func background() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), serviceTimeout)
}

// showError shows msg, the words auth.Describe chose, in a dialog titled
// title. The text can be selected and copied.
func (w *window) showError(title, msg string) {
	label := &widget.Label{Text: msg, Wrapping: fyne.TextWrapWord, Selectable: true}
	d := dialog.NewCustomWithoutButtons(title, label, w.win)
	d.SetButtons([]fyne.CanvasObject{newButton(&widget.Button{Text: lang.L("Close"), OnTapped: d.Hide})})
	d.SetIcon(theme.ErrorIcon())
	under := w.escape // the dialog it shows over, if any: Escape closes that one next
	d.SetOnClosed(func() { w.escape = under })
	d.Resize(dialogSize(d, w.win))
	w.escape = d.Hide
	d.Show()
}

// flash shows a short confirmation under provider i's Copy buttons, when
// it is the one shown. It goes away after flashFor.
func (w *window) flash(i int, msg string) { w.flashNear(i, auth.CredAccessToken, msg) }

// flashNear shows a short confirmation under the button that copies k
// (detail.flash), when provider i is the one shown. It goes away after
// flashFor.
func (w *window) flashNear(i int, k auth.Credential, msg string) {
	if w.detail == nil || w.selected != i {
		return
	}
	hide := w.detail.flash(k, msg)
	if hide == nil {
		return
	}
	w.flashGen++
	gen := w.flashGen
	if w.flashFor < 0 {
		return
	}
	time.AfterFunc(w.flashFor, func() {
		w.apply(evFlashCleared, func() {
			if gen == w.flashGen {
				hide()
			}
		})
	})
}
