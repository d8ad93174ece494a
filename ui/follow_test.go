package ui

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"latchkey/auth"
	"latchkey/auth/authtest"
	"latchkey/auth/keychain"
	"latchkey/auth/provider"
)

// followEvery is how often a test window looks for changes: often, so
// that the tests are quick (the real window looks every second).
const followEvery = 10 * time.Millisecond

// entry is a providers.toml entry that needs no server (the tests never
// sign in to it).
func entry(id, name string) string {
	return fmt.Sprintf(`
[[provider]]
id = %q
name = %q
protocol = "oauth2"
client_id = "client-%s"
authorize_url = "https://%s.example/authorize"
access_token_url = "https://%s.example/token"
`, id, name, id, id, id)
}

// saveConfig replaces the file at path atomically, as provider.Add and
// most editors do.
func saveConfig(t *testing.T, path, text string) {
	t.Helper()
	tmp := filepath.Join(filepath.Dir(path), ".providers.toml.tmp")
	if err := os.WriteFile(tmp, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// following starts the window following changes, until the test ends.
func (h *harness) following() {
	h.w.follow(followEvery)
	h.t.Cleanup(h.w.stopFollowing)
}

// selectedID is the id of the provider the window shows.
func (h *harness) selectedID() string {
	h.t.Helper()
	if h.w.selected < 0 {
		return ""
	}
	return h.w.status[h.w.selected].Provider.ID
}

// ids are the providers the list shows, in order.
func (h *harness) ids() string {
	var ids []string
	for _, st := range h.w.status {
		ids = append(ids, st.Provider.ID)
	}
	return strings.Join(ids, ",")
}

// TestWindowFollowsConfig: providers.toml saved while the window is open
// shows at once (about followEvery): an entry added before the selected
// one (the selection stays on it), a problem appearing in the banner and
// clearing, the selected provider removed (the one at its place is shown).
func TestWindowFollowsConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "providers.toml")
	text := entry("one", "One") + entry("two", "Two") + entry("three", "Three")
	saveConfig(t, path, text)
	h := newHarness(t, setup{toml: text, path: path}).start()
	h.w.list.Select(1)
	h.following()

	text = entry("zero", "Zero") + text
	saveConfig(t, path, text)
	h.wait(evConfig, evStatuses)
	if got := h.ids(); got != "zero,one,two,three" {
		t.Fatalf("after an entry was added the list shows %s", got)
	}
	if got := h.selectedID(); got != "two" || h.w.selected != 2 {
		t.Fatalf("after an entry was added before it, the window shows %q (row %d), want two (row 2)", got, h.w.selected)
	}
	if s := h.screen(); !strings.Contains(s, "Two") || !strings.Contains(s, "Not signed in") {
		t.Fatalf("the panel does not show Two: %s", s)
	}

	saveConfig(t, path, text+"\n[[provider]]\nid = \"broken\"\nprotocol = \"oauth2\"\n")
	h.wait(evConfig, evStatuses)
	if s := h.screen(); !strings.Contains(s, "providers.toml has 3 problems") || !strings.Contains(s, "broken: client_id: missing") {
		t.Fatalf("the banner does not say what is wrong: %s", s)
	}
	if got := h.selectedID(); got != "two" {
		t.Fatalf("after a problem appeared, the window shows %q, want two", got)
	}

	saveConfig(t, path, text)
	h.wait(evConfig, evStatuses)
	if s := h.screen(); strings.Contains(s, "problem") {
		t.Fatalf("the banner stays after the problem was fixed: %s", s)
	}
	if got := h.selectedID(); got != "two" {
		t.Fatalf("after the fix, the window shows %q, want two", got)
	}

	saveConfig(t, path, entry("zero", "Zero")+entry("one", "One")+entry("three", "Three"))
	h.wait(evConfig, evStatuses)
	if got := h.selectedID(); got != "three" {
		t.Fatalf("after the selected provider was removed, the window shows %q, want three (now at its place)", got)
	}

	saveConfig(t, path, "")
	h.wait(evConfig, evStatuses)
	if s := h.screen(); !strings.Contains(s, "No providers yet") {
		t.Fatalf("an emptied file does not show the empty state: %s", s)
	}
	saveConfig(t, path, entry("one", "One"))
	h.wait(evConfig, evStatuses)
	if got := h.selectedID(); got != "one" {
		t.Fatalf("after a provider came back to an empty window, it shows %q, want one", got)
	}
}

// TestWindowFollowsAnotherProcess: a second process (this test binary
// again, in the role of `latchkey logout idp` in a terminal) signs out of
// the account the window shows, through the real keychain; the window
// says "Not signed in" within a bounded wait, and Copy no longer finds a
// signed-in account it still claims.
func TestWindowFollowsAnotherProcess(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	store := realKeychain(t) // shared with the child, as with a script
	dir := t.TempDir()
	path, lockDir := filepath.Join(dir, "providers.toml"), filepath.Join(dir, "locks")
	text := idpTOML(idp)
	saveConfig(t, path, text)
	h := newHarness(t, setup{toml: text, path: path, store: store, lockDir: lockDir}).start()
	h.signIn(0, true)
	if s := h.rowText(0); !strings.HasPrefix(s, "Signed in") {
		t.Fatalf("after Sign in the row says %q", s)
	}
	h.following()
	// Proof that the window is watching: it sees a config change.
	saveConfig(t, path, text+entry("other", "Other"))
	h.wait(evConfig, evStatuses)

	cmd := exec.Command(os.Args[0], "-test.run=^TestFollowChildProcess$")
	cmd.Env = append(os.Environ(),
		"LATCHKEY_FOLLOW_CHILD=1",
		"LATCHKEY_CHILD_KEYRING="+store.(*keychain.Store).Service(),
		"LATCHKEY_CHILD_LOCKDIR="+lockDir,
		"LATCHKEY_CHILD_CONFIG="+path,
	)
	cmd.Stderr = os.Stderr
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	said := make(chan string, 1)
	go func() {
		lines := bufio.NewScanner(out)
		for lines.Scan() {
			if l := lines.Text(); strings.HasPrefix(l, "child: ") {
				said <- l
				return
			}
		}
		said <- "EOF"
	}()
	select {
	case l := <-said:
		if l != "child: signed out" {
			t.Fatalf("the child process said %q", l)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the child process did not sign out within 30s")
	}

	h.wait(evAccounts, evStatuses) // within 20 s; in practice followEvery
	if s := h.rowText(0); s != "Not signed in" {
		t.Fatalf("after a sign-out elsewhere the row says %q, want Not signed in", s)
	}
	if s := h.screen(); strings.Contains(s, "the token is valid") || !strings.Contains(s, "[Sign in]") {
		t.Fatalf("after a sign-out elsewhere the panel says: %s", s)
	}
}

// TestFollowChildProcess is the child of TestWindowFollowsAnotherProcess:
// `latchkey logout idp` in a terminal. It does nothing in a normal run.
func TestFollowChildProcess(t *testing.T) {
	if os.Getenv("LATCHKEY_FOLLOW_CHILD") != "1" {
		t.Skip("helper process for TestWindowFollowsAnotherProcess; runs only as its child")
	}
	svc := auth.New(auth.Options{
		Config:  provider.Load(os.Getenv("LATCHKEY_CHILD_CONFIG")),
		Store:   keychain.New(keychain.System(keychain.DefaultTimeout), os.Getenv("LATCHKEY_CHILD_KEYRING")),
		LockDir: os.Getenv("LATCHKEY_CHILD_LOCKDIR"),
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if found, err := svc.Logout(ctx, "idp"); err != nil || !found {
		fmt.Printf("child: logout found %v, %s\n", found, auth.Describe(err, auth.CLI))
		return
	}
	fmt.Println("child: signed out")
}

// TestCopyAfterSignOutElsewhere: when Copy finds the account gone (signed
// out by another program before the window saw it), the panel says "Not
// signed in" instead of going on claiming the account.
func TestCopyAfterSignOutElsewhere(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	h := newHarness(t, setup{toml: idpTOML(idp)}).start()
	h.signIn(0, true)
	if err := h.store.Delete("idp"); err != nil { // behind the Service's back: no change signal
		t.Fatal(err)
	}
	test.Tap(h.button(h.w.win.Content(), "Copy token"))
	h.wait(evCopied)
	if s := h.rowText(0); s != "Not signed in" {
		t.Fatalf("after Copy found no account the row says %q, want Not signed in", s)
	}
	if s := h.overlayText(); !strings.Contains(s, "Nothing was copied") {
		t.Fatalf("no dialog says nothing was copied: %q", s)
	}
}

// TestConfigChangedAfterSetConfig: a face that has put a config in use
// itself (Service.SetConfig, as the editor does) shows it by calling
// configChanged on Fyne's goroutine, outside any background result.
func TestConfigChangedAfterSetConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "providers.toml")
	text := entry("one", "One")
	saveConfig(t, path, text)
	h := newHarness(t, setup{toml: text, path: path}).start()
	saveConfig(t, path, text+entry("two", "Two"))
	h.svc.SetConfig(provider.Load(path))
	h.w.configChanged()
	h.wait(evStatuses)
	if got := h.ids(); got != "one,two" {
		t.Fatalf("after SetConfig and configChanged the list shows %s", got)
	}
	if s := h.rowText(1); s != "Not signed in" {
		t.Fatalf("the new provider's row says %q", s)
	}
}
