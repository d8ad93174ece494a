package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"latchkey/auth"
	"latchkey/auth/authtest"
)

// corpTOML is an OpenID Connect provider (never contacted) and expTOML
// a second OAuth 2.0 one, for the tray's menus.
const (
	corpTOML = `
[[provider]]
id = "corp"
name = "Corp ID"
protocol = "oidc"
issuer = "https://id.example.com"
client_id = "latchkey"
`
	spareTOML = `
[[provider]]
id = "spare"
name = "Spare"
protocol = "oauth2"
client_id = "latchkey"
authorize_url = "https://spare.example.com/authorize"
access_token_url = "https://spare.example.com/token"
`
	deadTOML = `
[[provider]]
id = "dead"
name = "Dead Token"
protocol = "oauth2"
client_id = "latchkey"
authorize_url = "https://dead.example.com/authorize"
access_token_url = "https://dead.example.com/token"
`
)

// showAccount makes provider i show account a, as if read from the
// keychain, and tells the window its statuses changed.
func (h *harness) showAccount(i int, a *auth.Account) {
	h.t.Helper()
	h.w.status[i] = auth.StatusOf(h.w.status[i].Provider, a, h.w.now())
	h.w.refreshAll()
}

func TestTrayMenuPerAccountState(t *testing.T) {
	now := time.Now()
	h := newHarness(t, setup{toml: workTOML + corpTOML + photosTOML + spareTOML + deadTOML + photosTOML2, desktop: true, trayFound: true,
		opts: options{now: func() time.Time { return now }}})
	if h.desk.icon != Icon {
		t.Error("the tray's icon is not Latchkey's")
	}
	if h.desk.trayWin != h.w.win {
		t.Error("the tray does not control the window")
	}
	h.start()
	signedOut := "Open Latchkey\n---\nSettings…\nQuit\n"
	if got := h.traySays(); got != signedOut {
		t.Errorf("signed out everywhere, the tray reads:\n%s\nwant:\n%s", got, signedOut)
	}

	hour := now.Add(time.Hour)
	h.showAccount(0, &auth.Account{Token: auth.TokenSet{AccessToken: "at", RefreshToken: "rt", Expiry: hour}, ObtainedAt: now, Profile: auth.Profile{Name: "Ada"}})
	h.showAccount(1, &auth.Account{Token: auth.TokenSet{AccessToken: "at", IDToken: "idt", Expiry: hour}, ObtainedAt: now, Profile: auth.Profile{Email: "ada@corp.example"}})
	h.showAccount(2, &auth.Account{Token: auth.TokenSet{AccessToken: "ot", TokenSecret: "os"}, ObtainedAt: now, Profile: auth.Profile{Username: "ada"}})
	// expired, with a refresh token: Copy renews it
	h.showAccount(3, &auth.Account{Token: auth.TokenSet{AccessToken: "old", RefreshToken: "rt", Expiry: now.Add(-time.Minute)}, ObtainedAt: now.Add(-time.Hour), Profile: auth.Profile{Name: "Ada"}})
	// refresh refused: only a sign-in helps
	h.showAccount(4, &auth.Account{Token: auth.TokenSet{AccessToken: "old", RefreshToken: "rt", Expiry: hour}, ObtainedAt: now, NeedsSignIn: true, Profile: auth.Profile{Name: "Ada"}})
	// provider 5 stays signed out
	want := `Open Latchkey
---
Work SSO
>(Signed in as Ada)
>Copy the access token
>Copy the Authorization header
Corp ID
>(Signed in as ada@corp.example)
>Copy the access token
>Copy the Authorization header
>Copy the id_token
Photo Share
>(Signed in as ada)
>Copy the access token
>Copy the token secret
Spare
>(Signed in as Ada · renewed when used)
>Copy the access token
>Copy the Authorization header
Dead Token
>(Signed in as Ada · sign in again)
>Sign in again…
---
Settings…
Quit
`
	if got := h.traySays(); got != want {
		t.Errorf("the tray reads:\n%s\nwant:\n%s", got, want)
	}
	if m, _ := h.desk.menu(); !m.Items[len(m.Items)-1].IsQuit {
		t.Error("Quit is not marked as the menu's quit item (the driver would add a second)")
	}

	// Nothing changed: the menu is not set again.
	_, n := h.desk.menu()
	h.w.tick()
	h.w.refreshAll()
	if _, again := h.desk.menu(); again != n {
		t.Errorf("the tray's menu was set %d times more although it did not change", again-n)
	}

	// The clock moves the accounts' states on: the tray follows at the tick.
	before := h.traySays()
	later := h.w.now().Add(72 * time.Hour)
	h.w.now = func() time.Time { return later }
	h.w.tick()
	if got := h.traySays(); got == before {
		t.Errorf("three days later the tray still reads:\n%s", got)
	}

	// Signed out of the first: its submenu goes.
	h.showAccount(0, nil)
	if got := h.traySays(); strings.Contains(got, "Work SSO") {
		t.Errorf("after sign-out the tray still lists Work SSO:\n%s", got)
	}
}

// photosTOML2 is a second, signed-out provider.
const photosTOML2 = `
[[provider]]
id = "photos2"
name = "Photo Share 2"
protocol = "oauth1"
client_id = "key"
client_secret = "secret"
request_token_url = "https://photos.example.com/oauth/request_token"
authorize_url = "https://photos.example.com/oauth/authorize"
access_token_url = "https://photos.example.com/oauth/access_token"
callback = "oob"
`

func TestTrayCopiesThroughTheWindowsPath(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	h := newHarness(t, setup{toml: idpTOML(idp), desktop: true, trayFound: true}).start()
	h.signIn(0, true)
	a, err := h.svc.Account("idp")
	if err != nil {
		t.Fatal(err)
	}
	h.app.Clipboard().SetContent("before")
	h.notes.take()
	h.trayItem("Test IdP", "Copy the access token").Action()
	h.wait(evCopied)
	if got := h.app.Clipboard().Content(); got != a.Token.AccessToken {
		t.Errorf("the tray's Copy put %q on the clipboard, want the access token", got)
	}
	notes := h.notes.take()
	if len(notes) != 1 || notes[0].Title != "Test IdP" || notes[0].Content != "Copied the access token. The clipboard is cleared in 30 s." {
		t.Errorf("the tray's Copy said %+v", notes)
	}
	if got := h.timers.live(); len(got) != 1 {
		t.Errorf("the tray's Copy started %d clipboard timers, want 1", len(got))
	}

	h.trayItem("Test IdP", "Copy the Authorization header").Action()
	h.wait(evCopied)
	if got := h.app.Clipboard().Content(); got != "Authorization: Bearer "+a.Token.AccessToken {
		t.Errorf("the tray's Copy header put %q on the clipboard", got)
	}
	if got := h.timers.live(); len(got) != 1 {
		t.Errorf("after a second copy %d clipboard timers run, want 1 (the first stopped)", len(got))
	}
}

func TestTrayCopyRefreshesAnExpiredToken(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	clk := newClock()
	h := newHarness(t, setup{toml: idpTOML(idp), desktop: true, trayFound: true, now: clk.now, opts: options{now: clk.now}}).start()
	h.signIn(0, true)
	before, err := h.svc.Account("idp")
	if err != nil {
		t.Fatal(err)
	}
	clk.set(before.Token.Expiry.Add(time.Minute)) // expired; a refresh token is held
	h.w.tick()
	if !strings.Contains(h.traySays(), "renewed when used") {
		t.Fatalf("the tray does not show the expired, refreshable token:\n%s", h.traySays())
	}
	h.trayItem("Test IdP", "Copy the access token").Action()
	h.wait(evCopied)
	got := h.app.Clipboard().Content()
	if got == "" || got == before.Token.AccessToken {
		t.Errorf("the tray copied %q, want a renewed token", got)
	}
	if st := h.w.status[0]; st.Account == nil || st.Account.Token.AccessToken != got {
		t.Error("the window does not show the renewed token the tray copied")
	}
}

func TestCloseToTray(t *testing.T) {
	h := newHarness(t, setup{toml: workTOML, desktop: true, trayFound: true}).start()
	h.w.closeWindow()
	if !strings.Contains(h.overlayText(), "keeps running in the system tray") {
		t.Fatalf("the first close does not say Latchkey keeps running: %q", h.overlayText())
	}
	if h.w.hidden {
		t.Error("the window hid before the person read the note")
	}
	test.Tap(h.button(h.overlay(), "Keep running"))
	if !h.w.hidden || h.w.quitting {
		t.Fatalf("Keep running: hidden %v, quitting %v", h.w.hidden, h.w.quitting)
	}
	if !h.w.paused.Load() {
		t.Error("the window hid to the tray but its clock still ticks")
	}
	if !h.app.Preferences().Bool(prefTrayTold) {
		t.Error("the note is not remembered as shown")
	}

	h.trayItem("Open Latchkey").Action()
	if h.w.hidden || h.w.paused.Load() {
		t.Errorf("Open Latchkey: hidden %v, clock paused %v", h.w.hidden, h.w.paused.Load())
	}
	h.w.closeWindow()
	(&appWindow{Window: h.w.win, w: h.w}).Show() // a second launch (main's one-instance handler)
	if h.w.hidden || h.w.paused.Load() {
		t.Errorf("Show from a second launch: hidden %v, clock paused %v", h.w.hidden, h.w.paused.Load())
	}
	h.w.closeWindow() // the second time: no note
	if h.overlayText() != "" || !h.w.hidden {
		t.Errorf("the second close: hidden %v, dialog %q", h.w.hidden, h.overlayText())
	}

	h.trayItem("Settings…").Action()
	if h.w.hidden || !strings.Contains(settingsText(h.overlay()), "Clear a copied token after") {
		t.Errorf("the tray's Settings… shows %q (hidden %v)", settingsText(h.overlay()), h.w.hidden)
	}
	h.w.escape()

	h.trayItem("Quit").Action()
	if !h.w.quitting || h.desk.quits != 1 {
		t.Errorf("the tray's Quit: quitting %v, app quits %d", h.w.quitting, h.desk.quits)
	}
}

func TestCloseQuitInstead(t *testing.T) {
	h := newHarness(t, setup{toml: workTOML, desktop: true, trayFound: true}).start()
	h.w.closeWindow()
	test.Tap(h.button(h.overlay(), "Quit instead"))
	if !h.w.quitting || h.desk.quits != 1 {
		t.Errorf("Quit instead: quitting %v, app quits %d", h.w.quitting, h.desk.quits)
	}
	if h.app.Preferences().BoolWithFallback(prefKeepInTray, true) {
		t.Error("Quit instead left closing-to-the-tray on")
	}
}

func TestCloseQuitsWithoutATray(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup setup
	}{
		{"no tray found", setup{toml: workTOML, desktop: true, trayFound: false}},
		{"not a desktop app", setup{toml: workTOML}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tc.setup).start()
			if h.desk != nil {
				if m, _ := h.desk.menu(); m != nil {
					t.Error("a tray menu was set although no tray was found")
				}
			}
			h.w.showSettings()
			var tray *widgetCheck
			tray = findCheck(h.overlay(), "Keep running in the system tray when the window is closed")
			if tray == nil || !tray.Disabled() {
				t.Errorf("the tray setting is not disabled without a tray: %s", settingsText(h.overlay()))
			}
			if !strings.Contains(h.overlayText(), "No system tray was found") {
				t.Errorf("the Settings dialog does not say there is no tray: %s", h.overlayText())
			}
			h.w.escape()
			h.w.closeWindow()
			if !h.w.quitting {
				t.Error("closing the window without a tray did not quit")
			}
		})
	}
}

func TestCloseQuitsWhenTraySettingOff(t *testing.T) {
	h := newHarness(t, setup{toml: workTOML, desktop: true, trayFound: true}).start()
	h.useSettings(func(s *settings) { s.keepInTray = false })
	h.w.closeWindow()
	if !h.w.quitting || h.w.hidden {
		t.Errorf("with the setting off, close: quitting %v, hidden %v", h.w.quitting, h.w.hidden)
	}
}

func TestTraySignInAgain(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	h := newHarness(t, setup{toml: idpTOML(idp), desktop: true, trayFound: true}).start()
	h.signIn(0, true)
	refused := *h.w.status[0].Account
	refused.NeedsSignIn = true
	h.showAccount(0, &refused)
	h.w.hide()
	h.trayItem("Test IdP", "Sign in again…").Action()
	h.wait(evSignIn) // (the sign-in's end touches the window: read it after)
	if h.w.hidden {
		t.Error("Sign in again… did not bring the window up")
	}
	if st := h.w.status[0]; st.Account == nil || st.State != auth.StateValid {
		t.Errorf("after the tray's Sign in again… the state is %q", st.State)
	}
	if got := h.traySays(); !strings.Contains(got, ">Copy the access token") {
		t.Errorf("after signing in again the tray reads:\n%s", got)
	}
}
