package ui

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"strings"
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
	browser browser.Opener   // nil: a fake browser that completes each sign-in
	now     func() time.Time // the Service's clock; nil: time.Now
	opts    options          // the window's seams; observe is set by the harness
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
	events chan event
	seen   map[event]int // events read while waiting for others
}

func newHarness(t *testing.T, s setup) *harness {
	t.Helper()
	a := test.NewTempApp(t)
	if s.path == "" {
		s.path = configPath
	}
	cfg := &provider.Config{Path: s.path, Missing: s.toml == ""}
	if s.toml != "" {
		cfg.Providers, cfg.Problems = provider.Parse(s.path, []byte(s.toml))
	}
	if s.store == nil {
		s.store = keychain.New(keychain.System(keychain.DefaultTimeout), keychaintest.Require(t))
	}
	if s.browser == nil {
		s.browser = authtest.NewBrowser()
	}
	svc := auth.New(auth.Options{
		Config:       cfg,
		Store:        s.store,
		Browser:      s.browser,
		HTTPClient:   &http.Client{Timeout: 10 * time.Second, Transport: pictures{next: http.DefaultTransport}},
		Now:          s.now,
		LoginTimeout: 30 * time.Second,
	})
	h := &harness{t: t, app: a, svc: svc, store: s.store, events: make(chan event, 256), seen: map[event]int{}}
	s.opts.observe = func(ev event) { h.events <- ev }
	if s.opts.flashFor == 0 {
		s.opts.flashFor = -1 // no timers behind the test's back
	}
	if s.opts.location == nil {
		s.opts.location = time.UTC
	}
	h.w = newWindow(a, svc, s.opts)
	h.w.win.Resize(fyne.NewSize(800, 600))
	t.Cleanup(func() {
		if h.w.signing != nil { // end a sign-in the test left running
			h.w.signing.cancelByPerson()
			h.wait(evSignIn)
		}
		h.w.win.Close()
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
	var found *widget.Button
	walk(root, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == text && found == nil {
			found = b
		}
	})
	if found == nil {
		h.t.Fatalf("no visible %q button; the screen says: %s", text, textOf(root))
	}
	return found
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
		case *widget.Button:
			parts = append(parts, "["+l.Text+"]")
		}
	})
	return strings.Join(parts, " | ")
}

// screen is the text of the window's content.
func (h *harness) screen() string { return textOf(h.w.win.Content()) }

// idpTOML configures "idp", an OAuth 2.0 provider on the fosite server.
func idpTOML(idp *authtest.OAuth2) string {
	return fmt.Sprintf(`
[[provider]]
id = "idp"
name = "Test IdP"
protocol = "oauth2"
client_id = %q
authorize_url = %q
access_token_url = %q
userinfo_url = %q
scopes = ["read", "email"]
`, authtest.PublicClientID, idp.AuthorizeURL(), idp.TokenURL(), idp.UserinfoURL())
}

// oauth1TOML configures "photos", an OAuth 1.0a provider with the given
// callback.
func oauth1TOML(p *authtest.OAuth1Provider, callback string) string {
	return fmt.Sprintf(`
[[provider]]
id = "photos"
name = "Photo Share"
protocol = "oauth1"
client_id = %q
client_secret = %q
request_token_url = %q
authorize_url = %q
access_token_url = %q
userinfo_url = %q
callback = %q
`, p.ConsumerKey, p.ConsumerSecret, p.RequestTokenURL, p.AuthorizeURL, p.AccessTokenURL, p.ProfileURL, callback)
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
