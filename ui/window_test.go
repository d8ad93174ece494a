package ui

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"latchkey/auth"
	"latchkey/auth/keychain"
	"latchkey/auth/provider"
)

// TestGoldenRenders compares each main state of the window with its
// markup in testdata/ (regenerate: delete the file, run the test, and move
// testdata/failed/NAME.xml into testdata/ after looking at it).
func TestGoldenRenders(t *testing.T) {
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			h := sc.make(t)
			h.w.win.Resize(sc.size)
			test.AssertRendersToMarkup(t, sc.name+".xml", h.w.win.Canvas())
		})
	}
}

func TestScenariosSayWhatTheyShow(t *testing.T) {
	for _, tc := range []struct {
		scenario string
		want     []string
	}{
		{"empty", []string{"No providers yet", "Latchkey signs you in", "[Add provider]", configPath, "[Open config folder]", "docs/CONFIG.md describes every field."}},
		{"signed-in", []string{"Signed in as Ada Lovelace", "ada@example.com", "@ada · id user-42", "Not signed in", masked, "[Copy token]", "[Copy header]", "[Sign out]"}},
		{"config-problems", []string{"providers.toml has 3 problems", "broken: authorize_url: uses plain http", configPath, "[Open folder]", "Work SSO"}},
		{"keychain-locked", []string{"Keychain locked", "the keychain is locked: unlock it", "[Try again]"}},
	} {
		t.Run(tc.scenario, func(t *testing.T) {
			h := scenarioNamed(t, tc.scenario).make(t)
			screen := h.screen()
			for _, want := range tc.want {
				if !strings.Contains(screen, want) {
					t.Errorf("the window does not show %q; it shows: %s", want, screen)
				}
			}
		})
	}
	t.Run("sign-in-progress", func(t *testing.T) {
		h := scenarioNamed(t, "sign-in-progress").make(t)
		got := h.overlayText()
		for _, want := range []string{waitingText, "[Copy link]", "[Cancel]"} {
			if !strings.Contains(got, want) {
				t.Errorf("the progress dialog does not show %q: %s", want, got)
			}
		}
		if h.button(h.overlay(), "Copy link").Disabled() {
			t.Error("Copy link is disabled although the sign-in URL is known")
		}
	})
}

// blockingKeyring holds every call until released, like a keychain
// waiting on an unlock prompt.
type blockingKeyring struct {
	release chan struct{}
	once    sync.Once
}

func (k *blockingKeyring) wait()                              { <-k.release }
func (k *blockingKeyring) Get(string, string) (string, error) { k.wait(); return "", errNotFound() }
func (k *blockingKeyring) Set(string, string, string) error   { k.wait(); return nil }
func (k *blockingKeyring) Delete(string, string) error        { k.wait(); return nil }
func (k *blockingKeyring) open()                              { k.once.Do(func() { close(k.release) }) }
func errNotFound() error                                      { return &keychain.Error{Kind: keychain.NotFound} }

func TestFirstFrameDoesNotWaitOnTheKeychain(t *testing.T) {
	k := &blockingKeyring{release: make(chan struct{})}
	t.Cleanup(k.open)
	h := newHarness(t, setup{toml: workTOML + photosTOML, store: keychain.New(k, "latchkey-test")})
	h.w.load() // returns at once: the keychain is read in the background

	screen := h.screen()
	for _, want := range []string{"Work SSO", "Photo Share", "Checking the keychain…", "Reading your accounts from the keychain…"} {
		if !strings.Contains(screen, want) {
			t.Errorf("first frame lacks %q: %s", want, screen)
		}
	}
	if strings.Contains(screen, "Not signed in") {
		t.Errorf("the first frame claims a state before the keychain answered: %s", screen)
	}

	k.open()
	h.wait(evStatuses)
	if screen := h.screen(); strings.Count(screen, "Not signed in") < 2 || strings.Contains(screen, "Checking") {
		t.Errorf("after the keychain answered: %s", screen)
	}
}

func TestNewWindow(t *testing.T) {
	test.NewTempApp(t)
	svc := auth.New(auth.Options{Config: &provider.Config{Path: configPath, Missing: true}, Store: keychain.New(keychain.Memory(), "latchkey-test")})
	w := NewWindow(fyne.CurrentApp(), svc)
	defer w.Close()
	if w.Title() != "Latchkey" {
		t.Errorf("title %q, want Latchkey", w.Title())
	}
	if got := textOf(w.Content()); !strings.Contains(got, "No providers yet") {
		t.Errorf("NewWindow content: %s", got)
	}
	if s := w.Canvas().Size(); s.Width < 800 || s.Height < 600 {
		t.Errorf("the window starts at %v, want at least 800×600", s)
	}
}

func TestLayoutHoldsAt800x600(t *testing.T) {
	for _, name := range []string{"signed-in", "long-names", "config-problems", "empty", "keychain-locked"} {
		t.Run(name, func(t *testing.T) {
			h := scenarioNamed(t, name).make(t)
			min := h.w.win.Content().MinSize()
			if min.Width > 800 || min.Height > 600 {
				t.Errorf("the content needs %v: it would stretch a 800×600 window", min)
			}
		})
	}
}

func TestLongNamesEllipsize(t *testing.T) {
	h := scenarioNamed(t, "long-names").make(t)
	h.w.win.Resize(fyne.NewSize(800, 600))
	d := h.w.detail
	// The provider's name is readable in full at the top of the panel
	// (the list may cut it: keys_test.go TestSmallestWindowNothingOverlaps).
	if d.heading.Truncation != fyne.TextTruncateOff || d.heading.Wrapping != fyne.TextWrapWord {
		t.Errorf("the panel's heading is cut (truncation %d, wrapping %d), want it wrapped in full", d.heading.Truncation, d.heading.Wrapping)
	}
	for name, l := range map[string]*widget.Label{"user name": d.person.name, "email": d.person.email} {
		if l == nil || l.Truncation != fyne.TextTruncateEllipsis {
			t.Errorf("the %s is not cut with an ellipsis", name)
			continue
		}
		if full := fyne.MeasureText(l.Text, 14, l.TextStyle).Width; l.Size().Width >= full {
			t.Errorf("the %s is %v wide, room for all of it (%v): the test does not test truncation", name, l.Size().Width, full)
		}
		if l.MinSize().Width > 200 {
			t.Errorf("the %s asks for %v: a long one widens the window", name, l.MinSize().Width)
		}
	}
}

func TestOpenConfigFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "config", "latchkey")
	var opened []*url.URL
	h := newHarness(t, setup{
		path:  filepath.Join(dir, "providers.toml"),
		store: keychain.New(keychain.Memory(), "latchkey-test"),
		opts:  options{openURL: func(u *url.URL) error { opened = append(opened, u); return nil }},
	}).start()
	test.Tap(h.button(h.w.win.Content(), "Open config folder"))
	if len(opened) != 1 || opened[0].Scheme != "file" || filepath.Clean(opened[0].Path) != dir {
		t.Fatalf("opened %v, want file://%s", opened, dir)
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Fatalf("the missing config folder was not created: %v", err)
	}
	if top := h.w.win.Canvas().Overlays().Top(); top != nil {
		t.Errorf("an error dialog showed: %s", textOf(top))
	}
}

func TestCountdownAndExpiry(t *testing.T) {
	h := scenarioNamed(t, "signed-in").make(t)
	expiry := h.w.status[0].Account.Token.Expiry
	if got := h.w.detail.token.expires.Text; !strings.HasSuffix(got, "in 42m") {
		t.Fatalf("countdown %q, want … in 42m (whole minutes while far from the expiry)", got)
	}
	h.w.now = func() time.Time { return expiry.Add(-leftOnToken + 3*time.Second) }
	h.w.tick()
	if got := h.w.detail.token.expires.Text; !strings.HasSuffix(got, "in 42m") {
		t.Errorf("after 3 s the countdown reads %q, want still … in 42m (no redraw)", got)
	}
	// Within 10 minutes of the expiry, the seconds count.
	h.w.now = func() time.Time { return expiry.Add(-9*time.Minute - 14*time.Second) }
	h.w.tick()
	if got := h.w.detail.token.expires.Text; !strings.HasSuffix(got, "in 9m 14s") {
		t.Errorf("9m 14s before the expiry the countdown reads %q, want … in 9m 14s", got)
	}
	// Past the expiry the badge changes without a keychain read: the
	// state follows auth.StateOf at the window's clock.
	h.w.now = func() time.Time { return expiry.Add(90 * time.Second) }
	h.w.tick()
	want := auth.StateOf(h.w.status[0].Account, h.w.now())
	if h.w.status[0].State != want || want == auth.StateValid {
		t.Fatalf("state after expiry %q, want %q (not valid)", h.w.status[0].State, want)
	}
	if got := h.w.detail.token.expires.Text; !strings.HasSuffix(got, "1m 30s ago") {
		t.Errorf("after expiry the countdown reads %q, want … 1m 30s ago", got)
	}
	if screen := h.screen(); strings.Contains(screen, "the token is valid") {
		t.Errorf("an expired token still reads as valid: %s", screen)
	}
}

func TestKeychainTryAgain(t *testing.T) {
	h := scenarioNamed(t, "keychain-locked").make(t)
	test.Tap(h.button(h.w.win.Content(), "Try again"))
	h.wait(evStatuses) // a second read of the keychain
	if !strings.Contains(h.screen(), "Keychain locked") {
		t.Errorf("after Try again on a locked keychain: %s", h.screen())
	}
	// The rest of the window keeps working: another provider can be chosen.
	h.w.list.Select(1)
	if !strings.Contains(h.screen(), "Photo Share") {
		t.Errorf("selecting the second provider: %s", h.screen())
	}
}

func TestEscapeClosesTheErrorDialog(t *testing.T) {
	h := newHarness(t, setup{store: keychain.New(keychain.Memory(), "latchkey-test")}).start()
	h.w.showError("Something", "went wrong")
	if !strings.Contains(h.overlayText(), "went wrong") {
		t.Fatalf("error dialog: %q", h.overlayText())
	}
	h.w.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if top := h.w.win.Canvas().Overlays().Top(); top != nil {
		t.Fatalf("Escape left the dialog open: %s", textOf(top))
	}
}

// TestWindowNamesNoCommand checks that the window's own words never tell
// a person to run latchkey: not in any scenario, not in the banner when it
// has more problems than it lists. (What auth.Describe says is tested with
// it.)
func TestWindowNamesNoCommand(t *testing.T) {
	var bad strings.Builder
	for i := range 5 {
		fmt.Fprintf(&bad, "\n[[provider]]\nid = \"bad%d\"\nprotocol = \"oauth3\"\nclient_id = \"x\"\n", i)
	}
	screens := map[string]string{}
	for _, sc := range scenarios {
		h := sc.make(t)
		screens[sc.name] = h.screen() + " | " + h.overlayText()
	}
	h := newHarness(t, setup{toml: workTOML + bad.String()}).start()
	screens["many problems"] = h.screen()
	if !strings.Contains(screens["many problems"], "… and 2 more, listed here once these are fixed.") {
		t.Errorf("the banner does not count the problems it leaves out: %s", screens["many problems"])
	}
	for name, screen := range screens {
		for _, cmd := range []string{"`latchkey", "latchkey providers", "latchkey login"} {
			if strings.Contains(screen, cmd) {
				t.Errorf("%s: the window says %q: %s", name, cmd, screen)
			}
		}
	}
}

// TestOpenConfigFolderFails checks what the window says when the config
// folder cannot be made or opened: which folder, and what to do, in
// words rather than the Go error.
func TestOpenConfigFolderFails(t *testing.T) {
	t.Run("a file in the way", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "config")
		if err := os.WriteFile(file, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(file, "latchkey")
		h := newHarness(t, setup{path: filepath.Join(dir, "providers.toml")}).start()
		test.Tap(h.button(h.w.win.Content(), "Open config folder"))
		got := h.overlayText()
		for _, want := range []string{"Cannot open the config folder", "Latchkey could not create the folder " + dir + ": a file is in the way", "Create it yourself"} {
			if !strings.Contains(got, want) {
				t.Errorf("the dialog lacks %q: %s", want, got)
			}
		}
		if strings.Contains(got, "mkdir") || strings.Contains(got, "not a directory") {
			t.Errorf("the dialog shows the Go error: %s", got)
		}
	})
	t.Run("no file manager", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "latchkey")
		h := newHarness(t, setup{
			path:  filepath.Join(dir, "providers.toml"),
			store: memoryStore(),
			opts:  options{openURL: func(*url.URL) error { return errors.New("exec: \"xdg-open\": executable file not found in $PATH") }},
		}).start()
		test.Tap(h.button(h.w.win.Content(), "Open config folder"))
		got := h.overlayText()
		if want := "No file manager opened the folder. Open " + dir + " yourself, then put providers.toml in it."; !strings.Contains(got, want) {
			t.Errorf("the dialog lacks %q: %s", want, got)
		}
		if strings.Contains(got, "xdg-open") {
			t.Errorf("the dialog shows the Go error: %s", got)
		}
	})
}
