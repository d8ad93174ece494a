package ui

import (
	"errors"
	_ "latchkey/auth/demo" // registers the demo server (main links it through ui/demolink)
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"latchkey/auth"
	"latchkey/auth/authtest/consent"
	"latchkey/auth/demo/demoinfo"
)

// TestTryDemoSignsIn: tryDemo (the empty state's "Try the demo") adds the
// demo entries, starts the server in this process, shows demo-oidc
// labelled as the demo, and Sign in with a person pressing Allow signs in
// as the demo user; closing the window stops the server.
func TestTryDemoSignsIn(t *testing.T) {
	path := filepath.Join(t.TempDir(), "providers.toml")
	h := newHarness(t, setup{path: path, browser: consent.NewBrowser(consent.Allow)}).start()
	dir := h.w.svc.DemoDir()

	h.w.tryDemo()
	h.wait(evDemo)
	h.wait(evStatuses) // the window follows the new config, then reads its statuses
	i := h.w.indexOf(demoinfo.OIDCProviderID)
	if i < 0 || h.w.selected != i || h.w.indexOf(demoinfo.OAuth1ProviderID) < 0 {
		t.Fatalf("after tryDemo: providers %d, selected %d (demo-oidc at %d)", len(h.w.cfg.Providers), h.w.selected, i)
	}
	if _, err := demoinfo.Running(dir); err != nil {
		t.Fatalf("the demo server is not running after tryDemo: %v", err)
	}
	if row := rowProtocol(h, i); row != "Demo · OpenID Connect" {
		t.Errorf("the list row does not say demo: %q (loaded %v)", row, h.w.loaded)
	}
	if s := h.screen(); !strings.Contains(s, "not a real account") {
		t.Errorf("the panel does not say demo: %s", s)
	}

	test.Tap(h.button(h.w.win.Content(), "Sign in"))
	h.wait(evSignIn)
	if row := h.rowText(i); !strings.Contains(row, "Signed in as Demo User") {
		t.Fatalf("after Sign in the row reads %q; overlay: %s", row, h.overlayText())
	}

	h.w.close()
	if _, err := demoinfo.Running(dir); !errors.Is(err, demoinfo.ErrNotRunning) {
		t.Errorf("the demo server still runs after the window closed: %v", err)
	}
}

// TestStartTheDemoButton: a demo entry whose server is not running says
// so, in the window's words, with Start the demo, which starts it.
func TestStartTheDemoButton(t *testing.T) {
	h := newHarness(t, setup{toml: "[[provider]]\nid = \"demo-oidc\"\nname = \"Demo\"\ndemo = \"oidc\"\n"}).start()
	t.Cleanup(h.w.close)
	if st := h.w.status[0]; st.State != auth.StateDemoNotRunning || !st.Can.Demo {
		t.Fatalf("status with no demo server: %+v", st)
	}
	if row := h.rowText(0); !strings.Contains(row, "Demo provider not running") {
		t.Errorf("row %q", row)
	}
	test.Tap(h.button(h.w.win.Content(), "Start the demo"))
	h.wait(evDemo)
	if st := h.w.status[0]; st.State != auth.StateNone {
		t.Fatalf("status after Start the demo: %q", st.State)
	}
	if h.findButton(h.w.win.Content(), "Start the demo") != nil || h.findButton(h.w.win.Content(), "Sign in") == nil {
		t.Errorf("after Start the demo the panel shows: %s", h.screen())
	}
}

// rowProtocol is the protocol line of provider i's row, as drawn.
func rowProtocol(h *harness, i int) string {
	h.t.Helper()
	n, text := 0, ""
	walk(h.w.list, func(o fyne.CanvasObject) {
		if r, ok := o.(*providerRow); ok {
			if n == i {
				text = r.protocol.String()
			}
			n++
		}
	})
	return text
}
