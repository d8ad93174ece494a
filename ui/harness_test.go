package ui

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"latchkey/auth"
	"latchkey/auth/authtest"
	"latchkey/auth/browser"
	"latchkey/auth/keychain"
	"latchkey/auth/keychain/keychaintest"
	"latchkey/auth/provider"
)

// configPath is the config path the golden renders show.
const configPath = "/home/ada/.config/latchkey/providers.toml"

// setup describes the world a window test runs in.
type setup struct {
	toml    string           // providers.toml; "" means the file is missing
	path    string           // the config's path; "" means configPath
	store   auth.Store       // nil: the real keychain, under a private service name
	secrets auth.Store       // client secrets; nil: an in-memory keychain
	browser browser.Opener   // nil: a fake browser that completes each sign-in
	now     func() time.Time // the Service's clock; nil: time.Now
	lockDir string           // the Service's lock folder; "": a private one
	opts    options          // the window's seams; observe is set by the harness
	// transport, when set, wraps the Service's HTTP transport (e.g. to
	// hold a request until the test has looked at the window).
	transport func(next http.RoundTripper) http.RoundTripper
	// desktop runs the window on deskApp, a test app that is a desktop.App
	// (Fyne's is not); trayFound is then what the tray lookup finds.
	desktop   bool
	trayFound bool
}

// harness is a Latchkey window in Fyne's test driver over a real
// auth.Service: the test's provider servers, the real keychain (unless the
// setup gives a store), a fake browser. Widgets are touched only from the
// test goroutine, and only after the harness has seen the window apply a
// background result (events): fyne.Do runs at once in the test driver, so
// that is what orders the two goroutines.
type harness struct {
	t      *testing.T
	app    fyne.App
	w      *window
	svc    *auth.Service
	store  auth.Store
	secret auth.Store // the client secrets' keychain
	events chan event
	seen   map[event]int // events read while waiting for others
	desk   *deskApp      // the app, when setup.desktop
	timers *fakeTimers   // the clipboard's timers (options.afterFunc)
	notes  *noteLog      // the notifications sent (options.sendNotification)
}

func newHarness(t *testing.T, s setup) *harness {
	t.Helper()
	a := test.NewTempApp(t)
	var desk *deskApp
	if s.desktop {
		desk = &deskApp{App: a}
		a = desk
		found := s.trayFound
		s.opts.trayAvailable = func() bool { return found }
	}
	if s.path == "" {
		s.path = configPath
	}
	cfg := &provider.Config{Path: s.path, Missing: s.toml == ""}
	if s.toml != "" {
		cfg.Providers, cfg.Problems = provider.Parse(s.path, []byte(s.toml))
	}
	if s.store == nil {
		s.store = keychain.New(keychain.Memory(), "latchkey-test") // the window's tests run anywhere
	}
	if s.secrets == nil {
		s.secrets = keychain.New(keychain.Memory(), "latchkey-test-client-secrets")
	}
	if s.browser == nil {
		s.browser = authtest.NewBrowser()
	}
	if s.lockDir == "" {
		s.lockDir = t.TempDir()
	}
	var rt http.RoundTripper = pictures{next: http.DefaultTransport}
	if s.transport != nil {
		rt = s.transport(rt)
	}
	svc := auth.New(auth.Options{
		Config:       cfg,
		Store:        s.store,
		Secrets:      s.secrets,
		Browser:      s.browser,
		HTTPClient:   &http.Client{Timeout: 10 * time.Second, Transport: rt},
		Now:          s.now,
		LoginTimeout: 30 * time.Second,
		LockDir:      s.lockDir,
		DemoDir:      t.TempDir(), // never the person's own demo server
	})
	h := &harness{t: t, app: a, svc: svc, store: s.store, secret: s.secrets, events: make(chan event, 256), seen: map[event]int{},
		desk: desk, timers: &fakeTimers{}, notes: &noteLog{}}
	if s.opts.afterFunc == nil {
		s.opts.afterFunc = h.timers.after // no timers behind the test's back
	}
	if s.opts.sendNotification == nil {
		s.opts.sendNotification = h.notes.add
	}
	s.opts.observe = func(ev event) { h.events <- ev }
	if s.opts.flashFor == 0 {
		s.opts.flashFor = -1 // no timers behind the test's back
	}
	if s.opts.location == nil {
		s.opts.location = time.UTC
	}
	h.w = newWindow(a, svc, s.opts)
	h.w.win.Resize(fyne.NewSize(800, 600))
	if desk != nil {
		h.wait(evTray) // the tray was looked for
	}
	t.Cleanup(func() {
		if h.w.signing != nil { // end a sign-in the test left running
			h.w.signing.cancelByPerson()
			h.wait(evSignIn)
		}
		if h.w.device != nil { // and a device sign-in
			h.w.device.cancelByPerson()
			h.wait(evDeviceSignIn)
		}
		if !h.w.quitting { // quit closed it already
			h.w.win.Close()
		}
	})
	return h
}

// start loads the statuses, as NewWindow does, and waits until they show.
func (h *harness) start() *harness {
	h.t.Helper()
	h.w.load()
	h.wait(evStatuses)
	return h
}

// wait waits for each event in turn, at most 20 s for each. Events that
// come first are kept for later waits.
func (h *harness) wait(want ...event) {
	h.t.Helper()
	for _, ev := range want {
		deadline := time.After(20 * time.Second)
		for h.seen[ev] == 0 {
			select {
			case got := <-h.events:
				h.seen[got]++
			case <-deadline:
				h.t.Fatalf("the window did not report %q within 20s", ev)
			}
		}
		h.seen[ev]--
	}
}

// signIn signs in to the provider at index i through the window, with a
// browser that completes the redirect, and waits until the panel shows the
// account (and its picture, fetched once per window).
func (h *harness) signIn(i int, withPicture bool) {
	h.t.Helper()
	h.w.list.Select(i)
	test.Tap(h.button(h.w.win.Content(), "Sign in"))
	h.wait(evSignIn)
	if withPicture {
		h.wait(evAvatar)
	}
	if st := h.w.status[i]; st.Account == nil {
		h.t.Fatalf("after Sign in, provider %d shows no account (state %q, err %v); overlay: %s", i, st.State, st.Err, h.overlayText())
	}
}

// overlay is the top dialog, failing the test when there is none.
func (h *harness) overlay() fyne.CanvasObject {
	h.t.Helper()
	top := h.w.win.Canvas().Overlays().Top()
	if top == nil {
		h.t.Fatal("no dialog is showing")
	}
	return top
}

// overlayText is the text of the top dialog, or "" when there is none.
func (h *harness) overlayText() string {
	top := h.w.win.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	return textOf(top)
}

// button finds the visible button with this text under root.
func (h *harness) button(root fyne.CanvasObject, text string) *widget.Button {
	h.t.Helper()
	found := h.findButton(root, text)
	if found == nil {
		h.t.Fatalf("no visible %q button; the screen says: %s", text, textOf(root))
	}
	return found
}

// findButton returns the visible button with this text under root, or nil.
func (h *harness) findButton(root fyne.CanvasObject, text string) *widget.Button {
	var found *widget.Button
	walk(root, func(o fyne.CanvasObject) {
		if b, ok := o.(*button); ok && b.Text == text && found == nil {
			found = b.Button // the window's buttons are its own kind (widgets.go)
		}
	})
	return found
}

// rowText is the badge of provider i in the list, as drawn.
func (h *harness) rowText(i int) string {
	h.t.Helper()
	var row *providerRow
	n := 0
	walk(h.w.list, func(o fyne.CanvasObject) {
		if r, ok := o.(*providerRow); ok {
			if n == i {
				row = r
			}
			n++
		}
	})
	if row == nil {
		h.t.Fatalf("the list draws no row %d", i)
	}
	return row.state.Text
}

// walk visits every visible object under o, widgets through their
// (cached) renderers.
func walk(o fyne.CanvasObject, visit func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	visit(o)
	switch c := o.(type) {
	case fyne.Widget:
		for _, child := range test.WidgetRenderer(c).Objects() {
			walk(child, visit)
		}
	case *fyne.Container:
		for _, child := range c.Objects {
			walk(child, visit)
		}
	}
}

// textOf joins the text of the visible labels, rich texts and buttons
// under o.
func textOf(o fyne.CanvasObject) string {
	var parts []string
	walk(o, func(o fyne.CanvasObject) {
		switch l := o.(type) {
		case *widget.Label:
			parts = append(parts, l.Text)
		case *widget.RichText:
			parts = append(parts, l.String())
		case *button:
			parts = append(parts, "["+l.Text+"]")
		}
	})
	return strings.Join(parts, " | ")
}

// screen is the text of the window's content.
func (h *harness) screen() string { return textOf(h.w.win.Content()) }

// idpTOML configures "idp", an OAuth 2.0 provider on the fosite server.
func idpTOML(idp *authtest.OAuth2) string {
	return idp.ProviderTOML("idp", "Test IdP", authtest.PublicClientID, "none")
}

// oauth1TOML configures "photos", an OAuth 1.0a provider with the given
// callback.
func oauth1TOML(p *authtest.OAuth1Provider, callback string) string {
	return p.ProviderTOML("photos", "Photo Share", callback)
}

// pictures serves profile pictures for https://example.com (where the
// fosite server's user keeps hers) and sends everything else on: no test
// reaches the internet.
type pictures struct{ next http.RoundTripper }

func (p pictures) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Host != "example.com" {
		return p.next.RoundTrip(r)
	}
	return &http.Response{
		StatusCode: http.StatusOK,
		Header:     http.Header{"Content-Type": {"image/png"}},
		Body:       io.NopCloser(bytes.NewReader(adaPNG)),
		Request:    r,
	}, nil
}

// adaPNG is a small picture: a purple square with a lighter disc.
var adaPNG = func() []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 32, 32))
	for y := range 32 {
		for x := range 32 {
			c := color.NRGBA{0x5b, 0x3f, 0x9e, 0xff}
			if dx, dy := x-16, y-13; dx*dx+dy*dy < 64 {
				c = color.NRGBA{0xe8, 0xd8, 0xff, 0xff}
			}
			img.SetNRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}()

// clock is a frozen clock that tests move by hand; it starts at the real
// time. Safe for concurrent use (the Service reads it from its
// goroutines).
type clock struct{ t atomic.Pointer[time.Time] }

func newClock() *clock {
	c := &clock{}
	c.set(time.Now())
	return c
}

func (c *clock) now() time.Time  { return *c.t.Load() }
func (c *clock) set(t time.Time) { c.t.Store(&t) }

// gate holds one request at a time to a given path, so that a test can
// look at the window while a background call is in flight, then let it
// go. Requests to other paths, and to the path while the gate is not
// armed, pass. A held request also ends when its context does.
type gate struct {
	next    http.RoundTripper
	mu      sync.Mutex
	path    string        // the path to hold next; "" when not armed
	held    chan struct{} // closed when that request has arrived
	release chan struct{} // closed to let it go
}

// wrap is a setup.transport.
func (g *gate) wrap(next http.RoundTripper) http.RoundTripper {
	g.next = next
	return g
}

// hold arms the gate for the next request to path. Wait on the returned
// channel until it has arrived; call release to let it go (at the end of
// the test at the latest: release is safe to call twice).
func (g *gate) hold(t *testing.T, path string) (held <-chan struct{}, release func()) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.path, g.held, g.release = path, make(chan struct{}), make(chan struct{})
	var once sync.Once
	rel := g.release
	release = func() { once.Do(func() { close(rel) }) }
	t.Cleanup(release)
	return g.held, release
}

func (g *gate) RoundTrip(r *http.Request) (*http.Response, error) {
	g.mu.Lock()
	var held, release chan struct{}
	if g.path != "" && r.URL.Path == g.path {
		held, release = g.held, g.release
		g.path = ""
	}
	g.mu.Unlock()
	if held != nil {
		close(held)
		select {
		case <-release:
		case <-r.Context().Done():
			return nil, r.Context().Err()
		}
	}
	return g.next.RoundTrip(r)
}

// arrived waits (at most 20 s) until ch is closed.
func arrived(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(20 * time.Second):
		t.Fatalf("%s did not happen within 20s", what)
	}
}

// countingStore counts the keychain reads that pass through it.
type countingStore struct {
	auth.Store
	loads atomic.Int32
}

func (s *countingStore) Load(id string) ([]byte, error) {
	s.loads.Add(1)
	return s.Store.Load(id)
}

// realKeychain is the real keychain under a private service name (or a
// skip saying why there is none).
func realKeychain(t *testing.T) auth.Store {
	t.Helper()
	return keychain.New(keychain.System(keychain.DefaultTimeout), keychaintest.Require(t))
}
