package ui

import (
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"latchkey/auth"
	"latchkey/auth/authtest"
)

func notesText(ns []fyne.Notification) string {
	var s string
	for _, n := range ns {
		s += fmt.Sprintf("[%s: %s]", n.Title, n.Content)
	}
	return s
}

func TestSignInNotifiesWhenNotInFront(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	h := newHarness(t, setup{toml: idpTOML(idp), desktop: true, trayFound: true}).start()
	h.toBackground() // the person went to the browser
	h.w.hide()       // or even closed the window to the tray
	h.signIn(0, true)
	got := h.notes.take()
	if len(got) != 1 || got[0].Title != "Signed in to Test IdP" || got[0].Content != "Signed in as Ada Lovelace." {
		t.Errorf("after a sign-in in the background: %s", notesText(got))
	}
	if h.w.hidden {
		t.Error("the window was not brought back after the sign-in")
	}

	// In front: the window shows it, no notification.
	h.toForeground()
	test := func() {
		h.w.list.Select(0)
		h.w.startSignIn(0)
		h.wait(evSignIn)
	}
	test()
	if got := h.notes.take(); len(got) != 0 {
		t.Errorf("a sign-in with the window in front notified: %s", notesText(got))
	}

	// Notifications off: the window still comes back, nothing is sent.
	h.useSettings(func(s *settings) { s.notify = false })
	h.toBackground()
	h.w.hide()
	test()
	if got := h.notes.take(); len(got) != 0 {
		t.Errorf("with notifications off: %s", notesText(got))
	}
	if h.w.hidden {
		t.Error("with notifications off the window was not brought back")
	}
}

// expiringAccount is an account of a token that expires at exp, with no
// refresh token.
func expiringAccount(obtained, exp time.Time) *auth.Account {
	return &auth.Account{Token: auth.TokenSet{AccessToken: "at-" + obtained.String(), Expiry: exp}, ObtainedAt: obtained, Profile: auth.Profile{Name: "Ada"}}
}

func TestExpiryNotice(t *testing.T) {
	clk := newClock()
	start := clk.now()
	h := newHarness(t, setup{toml: workTOML, desktop: true, trayFound: true, opts: options{now: clk.now}}).start()
	h.toBackground()
	h.showAccount(0, expiringAccount(start, start.Add(time.Hour)))

	clk.set(start.Add(54 * time.Minute)) // 6 minutes left
	h.w.tick()
	if got := h.notes.take(); len(got) != 0 {
		t.Errorf("6 minutes before expiry: %s", notesText(got))
	}
	clk.set(start.Add(56 * time.Minute)) // 4 minutes left
	h.w.tick()
	got := h.notes.take()
	if len(got) != 1 || got[0].Title != "The token of Work SSO expires soon" ||
		got[0].Content != "It expires in 4m 00s and cannot be renewed: sign in to Work SSO again in Latchkey to keep using it." {
		t.Errorf("4 minutes before expiry: %s", notesText(got))
	}
	clk.set(start.Add(57 * time.Minute))
	h.w.tick()
	if got := h.notes.take(); len(got) != 0 {
		t.Errorf("a second notice for the same token: %s", notesText(got))
	}

	// Signed in again: a new token, news again when it too runs low.
	again := clk.now()
	h.showAccount(0, expiringAccount(again, again.Add(10*time.Minute)))
	clk.set(again.Add(6 * time.Minute))
	h.w.tick()
	if got := h.notes.take(); len(got) != 1 {
		t.Errorf("the new token running low: %s, want one notice", notesText(got))
	}

	// A token with a refresh token is renewed when used: no notice.
	h.showAccount(0, &auth.Account{Token: auth.TokenSet{AccessToken: "r", RefreshToken: "rt", Expiry: clk.now().Add(2 * time.Minute)}, ObtainedAt: clk.now().Add(-time.Hour)})
	h.w.tick()
	if got := h.notes.take(); len(got) != 0 {
		t.Errorf("a renewable token: %s", notesText(got))
	}
}

func TestNeedsSignInNotice(t *testing.T) {
	clk := newClock()
	now := clk.now()
	h := newHarness(t, setup{toml: workTOML, desktop: true, trayFound: true, opts: options{now: clk.now}}).start()
	a := &auth.Account{Token: auth.TokenSet{AccessToken: "at", RefreshToken: "rt", Expiry: now.Add(time.Hour)}, ObtainedAt: now}
	refused := *a
	refused.NeedsSignIn = true

	// In front: the window says it; noted, not sent, and not sent later.
	h.showAccount(0, &refused)
	h.toBackground()
	h.w.tick()
	if got := h.notes.take(); len(got) != 0 {
		t.Errorf("refused while the window was in front, then in the background: %s", notesText(got))
	}

	// Back to usable, then refused again in the background: one notice.
	h.showAccount(0, a)
	h.showAccount(0, &refused)
	h.w.tick()
	h.w.tick()
	got := h.notes.take()
	if len(got) != 1 || got[0].Title != "Sign in to Work SSO again" ||
		got[0].Content != "Work SSO no longer accepts the token Latchkey holds. Open Latchkey and press Sign in again." {
		t.Errorf("refused in the background: %s", notesText(got))
	}

	// Off: nothing.
	h.useSettings(func(s *settings) { s.notify = false })
	h.showAccount(0, a)
	h.showAccount(0, &refused)
	if got := h.notes.take(); len(got) != 0 {
		t.Errorf("with notifications off: %s", notesText(got))
	}
}

func TestNotificationsReachTheApp(t *testing.T) {
	h := newHarness(t, setup{toml: workTOML, desktop: true, trayFound: true})
	h.desk.sent = make(chan *fyne.Notification, 1)
	h.w.sendNotification = nil
	h.w.options.sendNotification = func(n *fyne.Notification) { go h.app.SendNotification(n) } // the default
	h.w.tell("Title", "Body")
	select {
	case n := <-h.desk.sent:
		if n.Title != "Title" || n.Content != "Body" {
			t.Errorf("sent %+v", n)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("App.SendNotification was not called within 20s")
	}
}
