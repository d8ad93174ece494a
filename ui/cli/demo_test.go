package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	_ "latchkey/auth/demo" // registers the demo server (main links it through ui/demolink)
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"latchkey/auth"
	"latchkey/auth/authtest/consent"
	"latchkey/auth/browser"
	"latchkey/auth/demo/demoinfo"
	"latchkey/auth/keychain"
	"latchkey/auth/provider"
)

// demoHarness runs the command line over the demo provider: an empty
// config, the memory keyring, a private demo directory, a clock that can
// move ahead, and a browser stand-in pressing Allow (or Deny).
type demoHarness struct {
	t       *testing.T
	config  string
	dir     string
	store   auth.Store
	browser browser.Opener
	ahead   atomic.Int64 // how far the Service's clock is ahead
	stop    context.CancelFunc
	done    chan int
	out     *lineWatcher
}

func newDemoHarness(t *testing.T) *demoHarness {
	t.Helper()
	return &demoHarness{
		t:       t,
		config:  filepath.Join(t.TempDir(), "providers.toml"), // missing: `latchkey demo` creates it
		dir:     t.TempDir(),
		store:   keychain.New(keychain.Memory(), "latchkey-demo-test"),
		browser: consent.NewBrowser(consent.Allow),
	}
}

func (h *demoHarness) service(string) (*auth.Service, error) {
	return auth.New(auth.Options{
		Config:       provider.Load(h.config),
		Store:        h.store,
		Browser:      h.browser,
		HTTPClient:   &http.Client{Timeout: 10 * time.Second},
		LoginTimeout: 20 * time.Second,
		LockDir:      h.dir,
		DemoDir:      h.dir,
		Now:          func() time.Time { return time.Now().Add(time.Duration(h.ahead.Load())) },
	}), nil
}

func (h *demoHarness) runIn(stdin io.Reader, args ...string) (int, string, string) {
	h.t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, Deps{Stdin: stdin, Stdout: &out, Stderr: &errb, Service: h.service})
	return code, out.String(), errb.String()
}

func (h *demoHarness) run(args ...string) (int, string, string) {
	h.t.Helper()
	return h.runIn(strings.NewReader(""), args...)
}

// startDemo runs `latchkey demo` in the background until stopDemo, and
// waits until it says where to sign in.
func (h *demoHarness) startDemo() {
	h.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	watcher, w := newLineWatcher()
	h.stop, h.done, h.out = cancel, make(chan int, 1), watcher
	go func() {
		h.done <- Run(ctx, []string{"demo"}, Deps{Stdin: strings.NewReader(""), Stdout: w, Stderr: w, Service: h.service})
	}()
	h.out.waitFor(h.t, "Sign in from another terminal: latchkey login demo-oidc")
	h.t.Cleanup(h.stopDemo)
}

// stopDemo is Ctrl-C on `latchkey demo`; it waits until it has exited.
func (h *demoHarness) stopDemo() {
	if h.stop == nil {
		return
	}
	h.stop()
	h.stop = nil
	select {
	case code := <-h.done:
		if code != 0 {
			h.t.Errorf("`latchkey demo` exited %d after Ctrl-C", code)
		}
	case <-time.After(10 * time.Second):
		h.t.Fatal("`latchkey demo` did not stop within 10s of Ctrl-C")
	}
}

func (h *demoHarness) statusJSON() map[string]map[string]any {
	h.t.Helper()
	code, out, errs := h.run("status", "--json")
	var list []map[string]any
	if err := json.Unmarshal([]byte(out), &list); code != 0 || err != nil {
		h.t.Fatalf("status --json: exit %d, %v, stderr %q\n%s", code, err, errs, out)
	}
	m := map[string]map[string]any{}
	for _, e := range list {
		m[e["id"].(string)] = e
	}
	return m
}

// endpoint is an endpoint of the running demo's discovery document.
func endpoint(t *testing.T, dir, name string) string {
	t.Helper()
	info, err := demoinfo.Running(dir)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(info.Issuer + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	u, _ := doc[name].(string)
	if u == "" {
		t.Fatalf("discovery names no %s", name)
	}
	return u
}

func TestDemoCommandLoginStatusTokenLogout(t *testing.T) {
	h := newDemoHarness(t)
	h.startDemo()

	// The entries were added to the (missing) config, as demo entries.
	raw, err := os.ReadFile(h.config)
	if err != nil || !strings.Contains(string(raw), `demo = "oidc"`) || !strings.Contains(string(raw), `demo = "oauth1"`) || strings.Contains(string(raw), "127.0.0.1") {
		t.Fatalf("config after `latchkey demo`: %v\n%s", err, raw)
	}

	// A second one is refused, in words.
	code, _, errs := h.run("demo")
	if code != 1 || !strings.Contains(errs, "already running for this user") || !strings.Contains(errs, "latchkey login demo-oidc") {
		t.Fatalf("a second `latchkey demo`: exit %d, stderr %q", code, errs)
	}

	code, out, errs := h.run("login", "demo-oidc")
	if code != 0 || out != "Signed in to Demo (on this computer) as Demo User\n" {
		t.Fatalf("login demo-oidc: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	st := h.statusJSON()
	if e := st["demo-oidc"]; e["demo"] != true || e["state"] != "valid" || e["signed_in"] != true {
		t.Errorf("status --json for demo-oidc: %v", e)
	}
	if e := st["demo-oauth1"]; e["demo"] != true || e["state"] != "none" {
		t.Errorf("status --json for demo-oauth1: %v", e)
	}

	code, access, errs := h.run("token", "demo-oidc")
	access = strings.TrimSpace(access)
	if code != 0 || access == "" {
		t.Fatalf("token: exit %d, stderr %q", code, errs)
	}
	userinfo := endpoint(t, h.dir, "userinfo_endpoint")
	if got := bearerStatus(t, userinfo, access); got != http.StatusOK {
		t.Fatalf("userinfo with the token: %d", got)
	}

	// Sign-out revokes the token at the demo (RFC 7009).
	code, out, errs = h.run("logout", "demo-oidc")
	if code != 0 || errs != "" {
		t.Fatalf("logout: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if got := bearerStatus(t, userinfo, access); got == http.StatusOK {
		t.Errorf("userinfo after logout: %d, want a refusal (revoked)", got)
	}
}

func bearerStatus(t *testing.T, u, token string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestDemoOAuth1PastesTheVerifierShown(t *testing.T) {
	h := newDemoHarness(t)
	br := h.browser.(*consent.Browser)
	h.startDemo()
	stdinR, stdinW := io.Pipe()
	done := make(chan [3]string, 1)
	go func() {
		code, out, errs := h.runIn(stdinR, "login", "demo-oauth1")
		done <- [3]string{string(rune('0' + code)), out, errs}
	}()
	r, err := br.Next()
	if err != nil || r.Verifier == "" || !strings.Contains(r.Consent, "OAuth 1.0a") || !strings.Contains(r.Body, consent.DemoLabel) {
		t.Fatalf("the consent and verifier pages: %v; verifier %q\n%s", err, r.Verifier, r.Body)
	}
	if _, err := io.WriteString(stdinW, r.Verifier+"\n"); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-done:
		if got[0] != "0" || got[1] != "Signed in to Demo OAuth 1.0a (on this computer) as Demo User\n" || !strings.Contains(got[2], "Paste it here") {
			t.Fatalf("login demo-oauth1: exit %s, stdout %q, stderr %q", got[0], got[1], got[2])
		}
	case <-time.After(20 * time.Second):
		t.Fatal("login demo-oauth1 did not finish")
	}
	code, js, _ := h.run("token", "demo-oauth1", "--json")
	var tj map[string]any
	if err := json.Unmarshal([]byte(js), &tj); code != 0 || err != nil || tj["token_secret"] == nil || tj["token_type"] != "OAuth" {
		t.Fatalf("token --json demo-oauth1: exit %d, %s", code, js)
	}
	if e := h.statusJSON()["demo-oauth1"]; e["demo"] != true || e["state"] != "valid" {
		t.Errorf("status --json for demo-oauth1: %v", e)
	}
}

func TestDemoDeny(t *testing.T) {
	h := newDemoHarness(t)
	h.browser = consent.NewBrowser(consent.Deny)
	h.startDemo()
	code, out, errs := h.run("login", "demo-oidc")
	if code != 1 || out != "" || !strings.Contains(errs, "allow access if you want to continue") {
		t.Fatalf("login after Deny: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if e := h.statusJSON()["demo-oidc"]; e["signed_in"] != false {
		t.Errorf("status after Deny: %v", e)
	}
}

func TestDemoRefreshRotates(t *testing.T) {
	h := newDemoHarness(t)
	h.startDemo()
	if code, out, errs := h.run("login", "demo-oidc"); code != 0 {
		t.Fatalf("login: exit %d, %q %q", code, out, errs)
	}
	svc, _ := h.service("")
	before, err := svc.Account("demo-oidc")
	if err != nil || before.Token.RefreshToken == "" {
		t.Fatalf("account after login: %v %+v", err, before)
	}
	h.ahead.Store(int64(time.Hour)) // the access token has expired
	if e := h.statusJSON()["demo-oidc"]; e["state"] != "refreshable" {
		t.Fatalf("state after expiry: %v", e)
	}
	code, access, errs := h.run("token", "demo-oidc")
	if code != 0 || strings.TrimSpace(access) == before.Token.AccessToken {
		t.Fatalf("token after expiry: exit %d, same token %v, stderr %q", code, strings.TrimSpace(access) == before.Token.AccessToken, errs)
	}
	after, _ := svc.Account("demo-oidc")
	if after.Token.RefreshToken == "" || after.Token.RefreshToken == before.Token.RefreshToken {
		t.Fatalf("the refresh token did not rotate")
	}
	// The old refresh token is refused.
	resp, err := http.PostForm(endpoint(t, h.dir, "token_endpoint"), url.Values{
		"grant_type": {"refresh_token"}, "refresh_token": {before.Token.RefreshToken}, "client_id": {demoinfo.ClientID},
	})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("the old refresh token: HTTP %d, want 400", resp.StatusCode)
	}
}

func TestDemoDeviceSignIn(t *testing.T) {
	h := newDemoHarness(t)
	h.startDemo()
	code, out, errs := h.run("login", "demo-oidc", "--device")
	if code != 0 || out != "Signed in to Demo (on this computer) as Demo User\n" || !strings.Contains(errs, "enter the code") {
		t.Fatalf("login --device: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

// TestDemoNotRunningThenRestarted: with no demo server, a demo entry says
// so in the command line's words; after a restart (new port and keys) a
// stored account needs a new sign-in, in words.
func TestDemoNotRunningThenRestarted(t *testing.T) {
	h := newDemoHarness(t)
	h.startDemo()
	if code, out, errs := h.run("login", "demo-oidc"); code != 0 {
		t.Fatalf("login: exit %d, %q %q", code, out, errs)
	}
	h.stopDemo()
	if _, err := demoinfo.Running(h.dir); err == nil {
		t.Fatal("the demo server still runs after Ctrl-C")
	}

	code, out, errs := h.run("status")
	if code != 0 || !strings.Contains(out, "demo-oidc") || !strings.Contains(out, "demo provider not running — run `latchkey demo`") {
		t.Errorf("status with the demo stopped: exit %d\n%s\n%s", code, out, errs)
	}
	if e := h.statusJSON()["demo-oidc"]; e["state"] != "demo_not_running" || e["demo"] != true {
		t.Errorf("status --json with the demo stopped: %v", e)
	}
	code, _, errs = h.run("token", "demo-oidc")
	if code != 1 || !strings.Contains(errs, "the demo provider is not running") || !strings.Contains(errs, "run `latchkey demo` in another terminal") {
		t.Errorf("token with the demo stopped: exit %d, stderr %q", code, errs)
	}

	h.startDemo()
	if e := h.statusJSON()["demo-oidc"]; e["state"] != "needs_signin" {
		t.Errorf("status after a restart of the demo: %v, want needs_signin", e)
	}
	code, _, errs = h.run("token", "demo-oidc")
	if code != 1 || !strings.Contains(errs, "the demo provider was started again since you signed in") || !strings.Contains(errs, "run `latchkey login demo-oidc`") {
		t.Errorf("token after a restart: exit %d, stderr %q", code, errs)
	}
	// Signing out works without the server, and with it.
	if code, _, errs := h.run("logout", "demo-oidc"); code != 0 {
		t.Errorf("logout after a restart: exit %d, %q", code, errs)
	}
}

// TestDemoOAuth1Deny: Deny on the OAuth 1.0a demo's consent page shows the
// refusal instead of a verifier; with nothing to paste the sign-in ends in
// words and nothing is stored.
func TestDemoOAuth1Deny(t *testing.T) {
	h := newDemoHarness(t)
	h.browser = consent.NewBrowser(consent.Deny)
	br := h.browser.(*consent.Browser)
	h.startDemo()
	stdinR, stdinW := io.Pipe()
	done := make(chan [3]string, 1)
	go func() {
		code, out, errs := h.runIn(stdinR, "login", "demo-oauth1")
		done <- [3]string{string(rune('0' + code)), out, errs}
	}()
	r, err := br.Next()
	if err != nil || r.Verifier != "" || !strings.Contains(r.Body, consent.DemoLabel) {
		t.Fatalf("after Deny the page shows a verifier or no demo label: %v, %q\n%s", err, r.Verifier, r.Body)
	}
	_ = stdinW.Close() // the person has nothing to paste
	select {
	case got := <-done:
		if got[0] != "1" || got[1] != "" || !strings.Contains(got[2], "no verification code was given") {
			t.Fatalf("login demo-oauth1 after Deny: exit %s, stdout %q, stderr %q", got[0], got[1], got[2])
		}
	case <-time.After(20 * time.Second):
		t.Fatal("login demo-oauth1 did not finish")
	}
	if e := h.statusJSON()["demo-oauth1"]; e["signed_in"] != false {
		t.Errorf("status after Deny: %v", e)
	}
}
