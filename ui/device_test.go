package ui

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"latchkey/auth"
	"latchkey/auth/authtest"
	"latchkey/auth/keychain"
)

// deviceTOML configures "dev", a device-only OAuth 2.0 provider (no
// authorize_url) on the RFC 8628 test server.
func deviceTOML(srv *authtest.Device) string {
	return fmt.Sprintf(`
[[provider]]
id = "dev"
name = "Device IdP"
protocol = "oauth2"
client_id = %q
access_token_url = %q
userinfo_url = %q
device_authorization_url = %q
scopes = ["read", "email"]
`, authtest.PublicClientID, srv.TokenURL(), srv.UserinfoURL(), srv.DeviceAuthorizationURL())
}

// answers lists what the device server answered each poll.
func answers(polls []authtest.DevicePoll) []string {
	out := make([]string, len(polls))
	for i, p := range polls {
		out[i] = p.Answer
	}
	return out
}

// TestDeviceSignIn goes through a device sign-in from the window: the
// dialog shows the code the server issued (large, monospace, selectable),
// Copy code and Open page work, the countdown follows the clock, and the
// sign-in completes when the server approves at the second poll. The first
// poll is held until the dialog has been looked at; the one pause between
// the polls is the server's interval, 1 s of real time.
func TestDeviceSignIn(t *testing.T) {
	srv := authtest.NewDevice(t, authtest.DeviceOptions{Pending: 1, Interval: 1, CompleteURI: true})
	clk := newClock()
	g := &gate{}
	var opened []*url.URL
	h := newHarness(t, setup{toml: deviceTOML(srv), now: clk.now, transport: g.wrap, opts: options{
		now:     clk.now,
		openURL: func(u *url.URL) error { opened = append(opened, u); return nil },
	}}).start()

	// A device-only provider offers only the code.
	if h.findButton(h.w.win.Content(), "Sign in") != nil {
		t.Errorf("a device-only provider offers a browser sign-in: %s", h.screen())
	}
	held, release := g.hold(t, "/token")
	test.Tap(h.button(h.w.win.Content(), "Sign in with a code"))
	h.wait(evDeviceCode)
	arrived(t, held, "the first poll")

	codes := srv.UserCodes()
	if len(codes) != 1 {
		t.Fatalf("the server issued %d codes", len(codes))
	}
	code := codes[0]
	got := h.overlayText()
	for _, want := range []string{"Sign in to Device IdP with a code", "go to Device IdP's page", srv.VerificationURI(), code, "The code works for 10m 00s more.", waitingCodeText, "[Cancel]", "[Copy code]", "[Open page]"} {
		if !strings.Contains(got, want) {
			t.Errorf("the dialog lacks %q: %s", want, got)
		}
	}
	uc := h.w.device.userCode
	if uc.Text != code || !uc.TextStyle.Monospace || !uc.Selectable {
		t.Errorf("the code label: %q monospace %v selectable %v", uc.Text, uc.TextStyle.Monospace, uc.Selectable)
	}
	if big, heading := theme.SizeForWidget(uc.SizeName, uc), theme.Size(theme.SizeNameHeadingText); big <= heading {
		t.Errorf("the code is %v high, no larger than a heading (%v)", big, heading)
	}

	clk.set(clk.now().Add(90 * time.Second))
	h.w.tick()
	if got := h.w.device.expires.Text; got != "The code works for 8m 30s more." {
		t.Errorf("after 90 s the countdown reads %q", got)
	}

	h.app.Clipboard().SetContent("something else")
	test.Tap(h.button(h.overlay(), "Copy code"))
	if got := h.app.Clipboard().Content(); got != code {
		t.Errorf("Copy code put %q on the clipboard, want exactly %q", got, code)
	}
	if got := h.overlayText(); !strings.Contains(got, "Code copied: paste it on Device IdP's page.") {
		t.Errorf("no confirmation of the copy: %s", got)
	}
	test.Tap(h.button(h.overlay(), "Open page"))
	if len(opened) != 1 || opened[0].String() != srv.VerificationURI()+"?user_code="+url.QueryEscape(code) {
		t.Errorf("Open page opened %v, want the page with the code filled in", opened)
	}

	release()
	h.wait(evDeviceSignIn, evAvatar)
	if top := h.w.win.Canvas().Overlays().Top(); top != nil {
		t.Errorf("a dialog is still showing after the sign-in: %s", textOf(top))
	}
	if h.w.device != nil {
		t.Error("the window still has a device sign-in")
	}
	if !strings.Contains(h.screen(), "Signed in as Ada Lovelace") {
		t.Errorf("after the sign-in: %s", h.screen())
	}
	if got := answers(srv.Polls()); !slices.Equal(got, []string{"authorization_pending", "token"}) {
		t.Errorf("the server answered %v", got)
	}
	if a, err := h.svc.Account("dev"); err != nil || a.Token.AccessToken != h.w.status[0].Account.Token.AccessToken {
		t.Errorf("the keychain does not hold the account shown: %v", err)
	}
}

func TestDeviceCancelStopsPolling(t *testing.T) {
	for _, how := range []string{"Cancel button", "Escape key"} {
		t.Run(how, func(t *testing.T) {
			// Never approved; the client pauses 5 s (the default interval)
			// after each poll, and the cancel ends that pause.
			srv := authtest.NewDevice(t, authtest.DeviceOptions{Pending: 1000})
			h := newHarness(t, setup{toml: deviceTOML(srv)}).start()
			test.Tap(h.button(h.w.win.Content(), "Sign in with a code"))
			h.wait(evDeviceCode)
			srv.WaitPolls(t, 1)

			if how == "Cancel button" {
				test.Tap(h.button(h.overlay(), "Cancel"))
			} else {
				h.w.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
			}
			if top := h.w.win.Canvas().Overlays().Top(); top != nil {
				t.Errorf("the dialog stays after %s: %s", how, textOf(top))
			}
			h.wait(evDeviceSignIn) // LoginDevice has returned: no poll can follow
			if n := len(srv.Polls()); n != 1 {
				t.Errorf("%d polls, want 1: polling went on after the cancel", n)
			}
			if top := h.w.win.Canvas().Overlays().Top(); top != nil {
				t.Errorf("a cancel must say nothing, but a dialog shows: %s", textOf(top))
			}
			if h.w.device != nil || !strings.Contains(h.screen(), "Not signed in") {
				t.Errorf("after the cancel: device %v, screen %s", h.w.device, h.screen())
			}
		})
	}
}

func TestDeviceSignInEnds(t *testing.T) {
	for _, tc := range []struct {
		name     string
		decision authtest.DeviceDecision
		want     string
	}{
		{"denied", authtest.DeviceDeny, "Device IdP: you declined the sign-in on the provider's page"},
		{"expired", authtest.DeviceExpire, "Device IdP: the code expired before you finished"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := authtest.NewDevice(t, authtest.DeviceOptions{Decision: tc.decision})
			h := newHarness(t, setup{toml: deviceTOML(srv)}).start()
			test.Tap(h.button(h.w.win.Content(), "Sign in with a code"))
			h.wait(evDeviceCode, evDeviceSignIn)
			got := h.overlayText()
			for _, want := range []string{"Sign-in to Device IdP did not finish", tc.want, "[Close]"} {
				if !strings.Contains(got, want) {
					t.Errorf("the dialog lacks %q: %s", want, got)
				}
			}
			if strings.Contains(got, "[Copy code]") {
				t.Errorf("the code dialog is still showing: %s", got)
			}
			if _, err := h.svc.Account("dev"); err == nil {
				t.Error("an ended device sign-in stored an account")
			}
		})
	}
}

func TestDeviceSignInUnsupported(t *testing.T) {
	// An OpenID Connect provider is offered sign-in with a code; this one
	// advertises no device endpoint, and the window says so.
	idp := authtest.NewOAuth2(t)
	h := newHarness(t, setup{toml: oidcTOML(idp)}).start()
	h.button(h.w.win.Content(), "Sign in")
	test.Tap(h.button(h.w.win.Content(), "Sign in with a code"))
	h.wait(evDeviceSignIn)
	got := h.overlayText()
	for _, want := range []string{"Sign-in to Test IdP did not finish", "Test IdP does not offer device sign-in", "device_authorization_endpoint"} {
		if !strings.Contains(got, want) {
			t.Errorf("the dialog lacks %q: %s", want, got)
		}
	}
}

func TestDeviceOffered(t *testing.T) {
	for _, tc := range []struct {
		toml            string
		browser, device bool
	}{
		{workTOML, true, false},
		{photosTOML, true, false},
		{strings.Replace(workTOML, "scopes", `device_authorization_url = "https://login.example.com/oauth2/device"`+"\nscopes", 1), true, true},
		{strings.Replace(workTOML, "protocol = \"oauth2\"", "protocol = \"oidc\"\nissuer = \"https://login.example.com\"", 1), true, true},
	} {
		h := newHarness(t, setup{toml: tc.toml, store: memoryStore()}).start()
		p, can := h.w.status[0].Provider, h.w.status[0].Can
		if can.BrowserSignIn != tc.browser || can.DeviceSignIn != tc.device {
			t.Errorf("%s (%s): browser %v device %v, want %v %v", p.ID, p.Protocol, can.BrowserSignIn, can.DeviceSignIn, tc.browser, tc.device)
		}
		if got := h.findButton(h.w.win.Content(), "Sign in with a code") != nil; got != tc.device {
			t.Errorf("%s (%s): Sign in with a code shown %v, want %v", p.ID, p.Protocol, got, tc.device)
		}
	}
}

// deviceStub answers for login.example.com's device endpoints, so that a
// render of the device dialog is the same in every run: a fixed code, and
// a token endpoint that never answers (the person has not finished yet)
// until the sign-in is cancelled.
type deviceStub struct{ next http.RoundTripper }

// deviceStubCode is the user code deviceStub issues.
const deviceStubCode = "WDJB-MJHT"

func (s deviceStub) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Host != "login.example.com" {
		return s.next.RoundTrip(r)
	}
	switch r.URL.Path {
	case "/oauth2/device":
		body := `{"device_code":"device-code-for-renders","user_code":"` + deviceStubCode + `","verification_uri":"https://login.example.com/device","expires_in":600,"interval":5}`
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
	case "/oauth2/token":
		<-r.Context().Done()
		return nil, r.Context().Err()
	}
	return &http.Response{StatusCode: http.StatusNotFound, Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(nil)), Request: r}, nil
}

// memoryStore is a keychain in memory, for tests that store nothing.
func memoryStore() auth.Store { return keychain.New(keychain.Memory(), "latchkey-test") }
