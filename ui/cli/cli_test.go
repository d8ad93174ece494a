package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"latchkey/auth"
	"latchkey/auth/authtest"
	"latchkey/auth/browser"
	"latchkey/auth/keychain"
	"latchkey/auth/keychain/keychaintest"
	"latchkey/auth/provider"
)

// harness runs the command line over a real Service: the config file
// written here, the real keychain (a private service name), the fake
// browser.
type harness struct {
	t       *testing.T
	config  string
	store   auth.Store
	secrets auth.Store // client secrets (memory)
	browser browser.Opener
}

func newHarness(t *testing.T, toml string, br browser.Opener) *harness {
	t.Helper()
	return newHarnessOn(t, keychain.New(keychain.Memory(), "latchkey-test"), toml, br)
}

// newHarnessOn is newHarness over store: the real keychain for the tests
// about it (realHarness).
func newHarnessOn(t *testing.T, store auth.Store, toml string, br browser.Opener) *harness {
	t.Helper()
	path := filepath.Join(t.TempDir(), "providers.toml")
	if err := os.WriteFile(path, []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
	return &harness{t: t, config: path, store: store, secrets: keychain.New(keychain.Memory(), "latchkey-test-secrets"), browser: br}
}

func (h *harness) service(configFlag string) (*auth.Service, error) {
	path := h.config
	if configFlag != "" {
		path = configFlag
	}
	return auth.New(auth.Options{
		Config:       provider.Load(path),
		Store:        h.store,
		Secrets:      h.secrets,
		Browser:      h.browser,
		HTTPClient:   &http.Client{Timeout: 10 * time.Second},
		LoginTimeout: 20 * time.Second,
	}), nil
}

// realHarness is newHarness over the real keychain (a private service
// name), or a skip saying why there is none (a failure under CI=true).
func realHarness(t *testing.T, toml string, br browser.Opener) *harness {
	t.Helper()
	return newHarnessOn(t, keychain.New(keychain.System(keychain.DefaultTimeout), keychaintest.Require(t)), toml, br)
}

// run runs latchkey with args and stdin, returning exit code, stdout, stderr.
func (h *harness) run(stdin string, args ...string) (int, string, string) {
	h.t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, Deps{
		Stdin:   strings.NewReader(stdin),
		Stdout:  &out,
		Stderr:  &errb,
		Service: h.service,
	})
	return code, out.String(), errb.String()
}

func idpTOML(idp *authtest.OAuth2) string {
	return idp.ProviderTOML("idp", "Test IdP", authtest.PublicClientID, "none")
}

func TestLoginStatusTokenLogout(t *testing.T) {
	// One sign-in through the real keychain; the other CLI tests run anywhere.
	idp := authtest.NewOAuth2(t)
	br := authtest.NewBrowser()
	h := realHarness(t, idpTOML(idp), br)

	code, out, errs := h.run("", "login", "idp")
	if code != 0 || out != "Signed in to Test IdP as Ada Lovelace\n" {
		t.Fatalf("login: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if !strings.Contains(errs, idp.AuthorizeURL()+"?") {
		t.Errorf("login did not print the URL on stderr: %q", errs)
	}
	if p := br.Next(t); p.Status != http.StatusOK {
		t.Errorf("browser page %d", p.Status)
	}

	code, out, errs = h.run("", "status", "--json")
	if code != 0 || errs != "" {
		t.Fatalf("status --json: exit %d, stderr %q", code, errs)
	}
	var sts []map[string]any
	if err := json.Unmarshal([]byte(out), &sts); err != nil || len(sts) != 1 {
		t.Fatalf("status --json is not a one-element array: %v\n%s", err, out)
	}
	st := sts[0]
	user, _ := st["user"].(map[string]any)
	if st["id"] != "idp" || st["name"] != "Test IdP" || st["protocol"] != "oauth2" || st["signed_in"] != true || st["state"] != "valid" || user["email"] != "ada@example.com" || user["name"] != "Ada Lovelace" {
		t.Errorf("status --json = %s", out)
	}
	exp, _ := st["expires_at"].(string)
	if ts, err := time.Parse(time.RFC3339, exp); err != nil || time.Until(ts) < 50*time.Minute {
		t.Errorf("expires_at %q is not an RFC 3339 time about 1h ahead", exp)
	}

	code, out, _ = h.run("", "status")
	if code != 0 || !strings.Contains(out, "idp") || !strings.Contains(out, "valid") || !strings.Contains(out, "Ada Lovelace") {
		t.Errorf("status: exit %d\n%s", code, out)
	}

	code, tok, errs := h.run("", "token", "idp")
	if code != 0 || errs != "" || len(strings.TrimSpace(tok)) < 20 || strings.Count(tok, "\n") != 1 {
		t.Fatalf("token: exit %d, stdout %q, stderr %q", code, tok, errs)
	}
	code, out, _ = h.run("", "token", "idp", "--json")
	var tj map[string]any
	if err := json.Unmarshal([]byte(out), &tj); code != 0 || err != nil || tj["access_token"] != strings.TrimSpace(tok) || tj["token_type"] != "Bearer" || tj["expires_at"] == nil {
		t.Fatalf("token --json: exit %d, %v, %s", code, err, out)
	}
	if _, has := tj["token_secret"]; has {
		t.Errorf("an OAuth 2.0 token has no token_secret: %s", out)
	}

	code, out, _ = h.run("", "logout", "idp")
	if code != 0 || out != "Signed out of Test IdP\n" {
		t.Fatalf("logout: exit %d, %q", code, out)
	}
	code, out, _ = h.run("", "logout", "idp")
	if code != 0 || !strings.Contains(out, "Not signed in") {
		t.Fatalf("second logout: exit %d, %q", code, out)
	}
	code, out, _ = h.run("", "status", "--json")
	if code != 0 || !strings.Contains(out, `"user": null`) || !strings.Contains(out, `"state": "none"`) || !strings.Contains(out, `"expires_at": null`) {
		t.Fatalf("status after logout: %s", out)
	}
	code, out, errs = h.run("", "token", "idp")
	if code != 1 || out != "" || !strings.Contains(errs, "not signed in; run `latchkey login idp`") {
		t.Fatalf("token after logout: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

func TestLoginNoBrowserPrintsURL(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	br := authtest.NewBrowser()
	h := newHarness(t, idpTOML(idp), br)
	// With --no-browser the person opens the URL: do it from stderr.
	errR, errW := newLineWatcher()
	done := make(chan int, 1)
	go func() {
		done <- Run(context.Background(), []string{"login", "idp", "--no-browser"}, Deps{
			Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: errW, Service: h.service,
		})
	}()
	u := errR.waitFor(t, idp.AuthorizeURL())
	if p := authtest.Fetch(strings.TrimSpace(u)); p.Status != http.StatusOK {
		t.Fatalf("opening the printed URL: %d %v", p.Status, p.Err)
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d", code)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("login did not finish")
	}
	if n := br.Opens(); n != 0 {
		t.Fatalf("--no-browser opened the browser %d time(s)", n)
	}
}

// lineWatcher is an io.Writer whose lines a test can wait for.
type lineWatcher struct{ lines chan string }

func newLineWatcher() (*lineWatcher, io.Writer) {
	pr, pw := io.Pipe()
	w := &lineWatcher{lines: make(chan string, 100)}
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			w.lines <- sc.Text()
		}
	}()
	return w, pw
}

// waitFor returns the first line containing sub, waiting at most 10 s.
func (w *lineWatcher) waitFor(t *testing.T, sub string) string {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case l := <-w.lines:
			if strings.Contains(l, sub) {
				return l
			}
		case <-deadline:
			t.Fatalf("no line containing %q within 10s", sub)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	h := newHarness(t, idpTOML(idp), authtest.NewBrowser())
	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"login"},
		{"token", "a", "b"},
		{"status", "--bogus"},
	} {
		code, out, errs := h.run("", args...)
		if code != ExitUsage || out != "" || !strings.Contains(errs, "Usage: latchkey") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 2 with usage", args, code, out, errs)
		}
	}
}

func TestUnknownProviderAndBrokenConfig(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	h := newHarness(t, idpTOML(idp)+`
[[provider]]
id = "broken"
protocol = "oauth2"
client_id = "x"
authorize_url = "http://insecure.example.com/a"
access_token_url = "https://insecure.example.com/t"
`, authtest.NewBrowser())

	code, out, errs := h.run("", "token", "nope")
	if code != 1 || out != "" || !strings.Contains(errs, `no provider with id "nope"`) || !strings.Contains(errs, "configured: idp") {
		t.Errorf("unknown id: exit %d, stderr %q", code, errs)
	}
	code, _, errs = h.run("", "login", "broken")
	if code != 1 || !strings.Contains(errs, "broken: authorize_url: uses plain http") {
		t.Errorf("broken provider: exit %d, stderr %q", code, errs)
	}
	code, out, _ = h.run("", "providers")
	if code != 1 || !strings.Contains(out, "idp ") || !strings.Contains(out, "broken: authorize_url") {
		t.Errorf("providers: exit %d\n%s", code, out)
	}
	// The valid provider still works.
	code, out, _ = h.run("", "status", "--json")
	if code != 0 || !strings.Contains(out, `"id": "idp"`) {
		t.Errorf("status with a broken entry: exit %d\n%s", code, out)
	}
}

func TestCorruptConfigFile(t *testing.T) {
	h := newHarness(t, "[[provider]\nid = ", authtest.NewBrowser())
	code, out, _ := h.run("", "providers")
	if code != 1 || !strings.Contains(out, "Problems in "+h.config+":\n  line 2: not valid TOML: expected end of table array name delimiter") {
		t.Errorf("exit %d\n%s", code, out)
	}
}

func TestKeychainUnavailable(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	h := newHarness(t, idpTOML(idp), authtest.NewBrowser())
	h.store = keychain.New(noSecretService{}, "latchkey-test")
	code, out, errs := h.run("", "status", "--json")
	if code != 1 || !strings.Contains(errs, "no Secret Service") || !strings.Contains(errs, "gnome-keyring") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
	if !strings.Contains(out, `"error": "`) {
		t.Errorf("status --json must report the error per provider: %s", out)
	}
	code, _, errs = h.run("", "token", "idp")
	if code != 1 || !strings.Contains(errs, "no Secret Service") {
		t.Errorf("token: exit %d, stderr %q", code, errs)
	}
}

// noSecretService fails like go-keyring on a bus without a Secret Service.
type noSecretService struct{}

var errNoService = fmt.Errorf("The name org.freedesktop.secrets was not provided by any .service files")

func (noSecretService) Get(string, string) (string, error) { return "", errNoService }
func (noSecretService) Set(string, string, string) error   { return errNoService }
func (noSecretService) Delete(string, string) error        { return errNoService }

func oauth1OOBTOML(idp *authtest.OAuth1Provider) string {
	return idp.ProviderTOML("photos", "Photos", "oob")
}

func TestLoginOOBReadsVerifierFromStdin(t *testing.T) {
	idp := authtest.NewOAuth1Provider(t, authtest.OAuth1Options{})
	br := authtest.NewBrowser()
	h := newHarness(t, oauth1OOBTOML(idp), br)
	stdinR, stdinW := io.Pipe()
	var out, errb bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- Run(context.Background(), []string{"login", "photos"}, Deps{Stdin: stdinR, Stdout: &out, Stderr: &errb, Service: h.service})
	}()
	// The person reads the code on the provider's page and pastes it.
	v, ok := authtest.OAuth1VerifierFromPage(br.Next(t).Body)
	if !ok {
		t.Fatal("no verifier on the authorize page")
	}
	if _, err := io.WriteString(stdinW, "  "+v+"\r\n"); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		if code != 0 || out.String() != "Signed in to Photos as Ada Lovelace\n" {
			t.Fatalf("exit %d, stdout %q, stderr %q", code, out.String(), errb.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("login did not finish")
	}
	if !strings.Contains(errb.String(), "Paste it here") {
		t.Errorf("no prompt on stderr: %q", errb.String())
	}
	code, js, _ := h.run("", "token", "photos", "--json")
	var tj map[string]any
	if err := json.Unmarshal([]byte(js), &tj); code != 0 || err != nil || tj["token_secret"] == "" || tj["token_secret"] == nil || tj["token_type"] != "OAuth" || tj["expires_at"] != nil {
		t.Fatalf("token --json for OAuth 1.0a: exit %d, %s", code, js)
	}
}

func TestLoginOOBEmptyStdin(t *testing.T) {
	idp := authtest.NewOAuth1Provider(t, authtest.OAuth1Options{})
	h := newHarness(t, oauth1OOBTOML(idp), authtest.NewBrowser())
	code, out, errs := h.run("", "login", "photos")
	if code != 1 || out != "" || !strings.Contains(errs, "no verification code was given") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	code, out, _ = h.run("", "status", "--json")
	if code != 0 || !strings.Contains(out, `"signed_in": false`) {
		t.Fatalf("a failed oob sign-in stored something: %s", out)
	}
}

func deviceTOML(srv *authtest.Device) string {
	return fmt.Sprintf(`
[[provider]]
id = "dev"
name = "Device IdP"
protocol = "oauth2"
client_id = %q
authorize_url = "%s/authorize"
access_token_url = %q
userinfo_url = %q
device_authorization_url = %q
`, authtest.PublicClientID, srv.URL, srv.TokenURL(), srv.UserinfoURL(), srv.DeviceAuthorizationURL())
}

func TestLoginDevice(t *testing.T) {
	for _, noBrowser := range []bool{false, true} {
		t.Run(fmt.Sprintf("no-browser=%v", noBrowser), func(t *testing.T) {
			// The person approves before the first poll, so no pause.
			srv := authtest.NewDevice(t, authtest.DeviceOptions{CompleteURI: true})
			br := authtest.NewBrowser()
			h := newHarness(t, deviceTOML(srv), br)
			args := []string{"login", "dev", "--device"}
			if noBrowser {
				args = append(args, "--no-browser")
			}
			code, out, errs := h.run("", args...)
			if code != 0 || out != "Signed in to Device IdP as Ada Lovelace\n" {
				t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
			}
			codes := srv.UserCodes()
			if len(codes) != 1 {
				t.Fatalf("the provider issued %d codes", len(codes))
			}
			want := fmt.Sprintf("To sign in to Device IdP, open %s and enter the code: %s\n", srv.VerificationURI(), codes[0])
			if !strings.HasPrefix(errs, want) || !strings.Contains(errs, "Ctrl-C cancels") {
				t.Errorf("stderr %q, want it to start with %q", errs, want)
			}
			if noBrowser {
				if n := br.Opens(); n != 0 {
					t.Errorf("--no-browser opened the browser %d time(s)", n)
				}
			} else if p := br.Next(t); !strings.HasPrefix(p.Opened, srv.VerificationURI()+"?user_code=") || p.Status != http.StatusOK {
				t.Errorf("browser opened %q (%d), want the verification page with the code", p.Opened, p.Status)
			}
			code, out, _ = h.run("", "status", "--json")
			if code != 0 || !strings.Contains(out, `"signed_in": true`) || !strings.Contains(out, `"email": "ada@example.com"`) {
				t.Errorf("status after login --device: exit %d\n%s", code, out)
			}
		})
	}
}

func TestLoginDeviceDenied(t *testing.T) {
	srv := authtest.NewDevice(t, authtest.DeviceOptions{Decision: authtest.DeviceDeny})
	h := newHarness(t, deviceTOML(srv), authtest.NewBrowser())
	code, out, errs := h.run("", "login", "dev", "--device", "--no-browser")
	if code != ExitError || out != "" || !strings.Contains(errs, "\nlatchkey: Device IdP: you declined the sign-in") || !strings.Contains(errs, "nothing was stored") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	code, out, _ = h.run("", "status", "--json")
	if code != 0 || !strings.Contains(out, `"signed_in": false`) {
		t.Fatalf("a declined device sign-in stored something: %s", out)
	}
}

func TestLoginDeviceCtrlC(t *testing.T) {
	// Never approved; cancelled (Ctrl-C in main) once the first poll has
	// arrived, so during its answer or the real 5 s pause after it: exit
	// 130, silently, and no further poll. (auth's tests prove that the
	// pause itself ends on cancel.)
	srv := authtest.NewDevice(t, authtest.DeviceOptions{Pending: 1000})
	h := newHarness(t, deviceTOML(srv), authtest.NewBrowser())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"login", "dev", "--device", "--no-browser"}, Deps{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Service: h.service})
	}()
	srv.WaitPolls(t, 1)
	cancel()
	select {
	case code := <-done:
		if code != ExitCancelled || out.String() != "" || strings.Contains(errb.String(), "latchkey:") {
			t.Fatalf("exit %d, stdout %q, stderr %q; want 130 and no error message", code, out.String(), errb.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("login --device did not stop on cancel")
	}
	if n := len(srv.Polls()); n != 1 {
		t.Errorf("%d polls, want 1: polling went on after the cancel", n)
	}
}

func TestLoginDeviceUnsupported(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	h := newHarness(t, idpTOML(idp), authtest.NewBrowser())
	code, out, errs := h.run("", "login", "idp", "--device")
	if code != ExitError || out != "" || !strings.Contains(errs, "latchkey: Test IdP does not offer device sign-in") || !strings.Contains(errs, "device_authorization_url") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

func TestLogoutWarnsWhenRevocationFails(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	h := newHarness(t, idpTOML(idp)+fmt.Sprintf("revoke_url = %q\n", idp.RevokeURL()), authtest.NewBrowser())
	if code, _, errs := h.run("", "login", "idp"); code != 0 {
		t.Fatalf("login: %s", errs)
	}
	idp.OverrideRevoke(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprint(w, `{"error":"temporarily_unavailable"}`)
	})
	code, out, errs := h.run("", "logout", "idp")
	if code != 0 || out != "Signed out of Test IdP\n" || !strings.Contains(errs, "warning: signed out of Test IdP on this computer, but Test IdP did not revoke the token") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if code, out, _ := h.run("", "status", "--json"); code != 0 || !strings.Contains(out, `"signed_in": false`) {
		t.Fatalf("still signed in after logout: %s", out)
	}
}

// TestOrphanedAccount: an account still in the keychain whose provider has
// left the config is listed by status (text and JSON) and removed by
// logout, which says nothing could be revoked.
func TestOrphanedAccount(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	h := newHarness(t, idpTOML(idp), authtest.NewBrowser())
	rec := `{"v":1,"provider_id":"old","protocol":"oauth2","token":{"access_token":"old-token","token_type":"Bearer"},"obtained_at":"2026-01-01T00:00:00Z"}`
	if err := h.store.Save("old", []byte(rec)); err != nil {
		t.Fatal(err)
	}
	code, out, _ := h.run("", "status")
	if code != 0 || !strings.Contains(out, "Still in the keychain, but no longer in "+h.config) || !strings.Contains(out, "old  (`latchkey logout old` removes it)") {
		t.Fatalf("status: exit %d\n%s", code, out)
	}
	code, out, _ = h.run("", "status", "--json")
	var sts []map[string]any
	if err := json.Unmarshal([]byte(out), &sts); code != 0 || err != nil || len(sts) != 2 {
		t.Fatalf("status --json: exit %d, %v\n%s", code, err, out)
	}
	if sts[0]["configured"] != true || sts[1]["id"] != "old" || sts[1]["configured"] != false || sts[1]["signed_in"] != true {
		t.Errorf("status --json = %s", out)
	}
	code, out, errs := h.run("", "logout", "old")
	if code != 0 || out != "Signed out of old\n" || !strings.Contains(errs, "no longer in the config") {
		t.Fatalf("logout old: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if ids, err := h.store.List(); err != nil || len(ids) != 0 {
		t.Fatalf("after logout the keychain lists %v, %v", ids, err)
	}
	code, _, errs = h.run("", "logout", "old")
	if code != 1 || !strings.Contains(errs, `no provider with id "old"`) {
		t.Errorf("second logout: exit %d, %q", code, errs)
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"version"}, {"--config", "/nonexistent/providers.toml", "--version"}} {
		var out, errb bytes.Buffer
		code := Run(context.Background(), args, Deps{
			Stdin:  strings.NewReader(""),
			Stdout: &out,
			Stderr: &errb,
			Service: func(string) (*auth.Service, error) {
				t.Errorf("%v opened the config", args)
				return nil, errors.New("not wanted")
			},
			Version: "9.8.7",
		})
		if code != ExitOK || out.String() != "latchkey 9.8.7\n" || errb.Len() != 0 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 0, \"latchkey 9.8.7\\n\", nothing", args, code, out.String(), errb.String())
		}
	}
	// `version` takes no arguments: with one it is not the version command
	var out, errb bytes.Buffer
	if code := Run(context.Background(), []string{"version", "extra"}, Deps{Stdout: &out, Stderr: &errb, Version: "9.8.7"}); code != ExitUsage {
		t.Errorf("version extra: exit %d, stdout %q; want usage error %d", code, out.String(), ExitUsage)
	}
}

// TestHelpFlag: -h and --help print the usage on stdout and exit 0, before
// or after a command (they used to print nothing).
func TestHelpFlag(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"status", "--help"}, {"token", "-h"}} {
		var out, errb bytes.Buffer
		code := Run(context.Background(), args, Deps{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb})
		if code != ExitOK || !strings.HasPrefix(out.String(), "Usage: latchkey") || errb.Len() != 0 {
			t.Errorf("%v: exit %d, stdout %.40q, stderr %q; want 0 and the usage on stdout", args, code, out.String(), errb.String())
		}
	}
}
