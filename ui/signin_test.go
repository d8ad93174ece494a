package ui

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"latchkey/auth"
	"latchkey/auth/authtest"
)

func TestSignInShowsTheUser(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	br := authtest.NewBrowser()
	h := newHarness(t, setup{toml: idpTOML(idp), browser: br, store: realKeychain(t)}).start() // one sign-in through the real keychain
	if !strings.Contains(h.screen(), "Not signed in") {
		t.Fatalf("before: %s", h.screen())
	}

	h.signIn(0, true) // taps Sign in; the fake browser completes the redirect
	if page := br.Next(t); page.Status != http.StatusOK || !strings.Contains(page.Body, "Signed in") {
		t.Errorf("the browser ended on %d %q, want the success page", page.Status, page.Body)
	}
	if top := h.w.win.Canvas().Overlays().Top(); top != nil {
		t.Errorf("a dialog is still showing after the sign-in: %s", textOf(top))
	}
	screen := h.screen()
	for _, want := range []string{"Signed in as Ada Lovelace", "Ada Lovelace", "ada@example.com", "@ada · id user-42", "Signed in · the token is valid", "read email", "Held in the keychain", "[Sign out]"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the panel does not show %q: %s", want, screen)
		}
	}
	// What the panel shows is what the keychain holds.
	stored, err := h.svc.Account("idp")
	if err != nil || stored.Token.AccessToken != h.w.status[0].Account.Token.AccessToken {
		t.Fatalf("keychain after sign-in: %v", err)
	}
	if strings.Contains(screen, stored.Token.AccessToken) {
		t.Error("the access token is on screen before Reveal")
	}
	// The picture came through Service.Avatar and replaced the initials.
	if e := h.w.avatars[authtest.User["picture"].(string)]; e == nil || e.res == nil {
		t.Error("the profile picture was not loaded")
	}
}

// redirectAddr is the loopback listener's host:port, from the sign-in's
// authorization URL.
func redirectAddr(t *testing.T, authURL string) string {
	t.Helper()
	u, err := url.Parse(authURL)
	if err != nil {
		t.Fatal(err)
	}
	r, err := url.Parse(u.Query().Get("redirect_uri"))
	if err != nil || r.Port() == "" {
		t.Fatalf("no redirect_uri with a port in %q", authURL)
	}
	return r.Host
}

func TestCancelClosesThePort(t *testing.T) {
	for _, how := range []string{"Cancel button", "Escape key"} {
		t.Run(how, func(t *testing.T) {
			idp := authtest.NewOAuth2(t)
			br := authtest.NewBrowser()
			br.Visit = false // the person never finishes
			h := newHarness(t, setup{toml: idpTOML(idp), browser: br}).start()
			test.Tap(h.button(h.w.win.Content(), "Sign in"))
			h.wait(evAuthURL)
			br.Next(t)
			addr := redirectAddr(t, h.w.signing.authURL)
			c, err := net.DialTimeout("tcp", addr, 5*time.Second)
			if err != nil {
				t.Fatalf("the loopback port %s is not open during the sign-in: %v", addr, err)
			}
			c.Close()

			if how == "Cancel button" {
				test.Tap(h.button(h.overlay(), "Cancel"))
			} else {
				h.w.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
			}
			h.wait(evSignIn)
			_, err = net.DialTimeout("tcp", addr, 5*time.Second)
			if !errors.Is(err, syscall.ECONNREFUSED) {
				t.Fatalf("dialling %s after Cancel: %v, want connection refused", addr, err)
			}
			if top := h.w.win.Canvas().Overlays().Top(); top != nil {
				t.Errorf("a cancel must say nothing, but a dialog shows: %s", textOf(top))
			}
			if h.w.signing != nil || !strings.Contains(h.screen(), "Not signed in") {
				t.Errorf("after Cancel: signing %v, screen %s", h.w.signing, h.screen())
			}
			if _, err := h.svc.Account("idp"); !errors.Is(err, auth.ErrNotSignedIn) {
				t.Errorf("a cancelled sign-in stored something: %v", err)
			}
		})
	}
}

func TestSignInErrorUsesTheProvidersWords(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	idp.Deny("The person pressed Deny")
	h := newHarness(t, setup{toml: idpTOML(idp)}).start()
	test.Tap(h.button(h.w.win.Content(), "Sign in"))
	h.wait(evSignIn)
	got := h.overlayText()
	for _, want := range []string{"Test IdP refused the sign-in", "access_denied", "The person pressed Deny", "[Close]"} {
		if !strings.Contains(got, want) {
			t.Errorf("the error dialog lacks %q: %s", want, got)
		}
	}
	test.Tap(h.button(h.overlay(), "Close"))
	if top := h.w.win.Canvas().Overlays().Top(); top != nil {
		t.Errorf("Close left a dialog: %s", textOf(top))
	}
	if !strings.Contains(h.screen(), "Not signed in") {
		t.Errorf("after a refused sign-in: %s", h.screen())
	}
}

func TestBrowserDidNotOpenCopyLink(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	br := authtest.NewBrowser()
	br.Fail = authtest.ErrClosed
	h := newHarness(t, setup{toml: idpTOML(idp), browser: br}).start()
	test.Tap(h.button(h.w.win.Content(), "Sign in"))
	h.wait(evAuthURL, evBrowserFailed)
	if got := h.overlayText(); !strings.Contains(got, "Your browser did not open (no browser could be started)") {
		t.Errorf("the progress dialog does not say the browser failed: %s", got)
	}
	test.Tap(h.button(h.overlay(), "Copy link"))
	link := h.app.Clipboard().Content()
	if link != h.w.signing.authURL || !strings.HasPrefix(link, idp.AuthorizeURL()+"?") {
		t.Fatalf("Copy link put %q on the clipboard, want the authorization URL", link)
	}
	if got := h.overlayText(); !strings.Contains(got, "Link copied") {
		t.Errorf("no confirmation of the copy: %s", got)
	}
	// The person pastes the link into a browser themselves.
	if page := authtest.Fetch(link); page.Status != http.StatusOK {
		t.Fatalf("opening the copied link: %d %v", page.Status, page.Err)
	}
	h.wait(evSignIn, evAvatar)
	if !strings.Contains(h.screen(), "Signed in as Ada Lovelace") {
		t.Errorf("after finishing from the copied link: %s", h.screen())
	}
}
