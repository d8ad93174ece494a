package ui

import (
	"log"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"latchkey/auth"
	"latchkey/auth/authtest"
	"latchkey/auth/keychain"
	"latchkey/auth/provider"
	"latchkey/ui/applog"
)

// TestLogFileHoldsNoSecret: the real log file (ui/applog, as main installs
// it) after a refused sign-in, two full sign-ins (OpenID Connect, and
// OAuth 2.0 with a client secret), a refresh and a copy, plus a library
// that logs the browser's redirect and the token answer: the file says
// what happened, for which provider, and holds none of the values.
func TestLogFileHoldsNoSecret(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cache", "latchkey", applog.FileName)
	f, err := applog.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	restore := applog.Install(f)
	t.Cleanup(func() { restore(); f.Close() })

	idp := authtest.NewOAuth2(t)
	b := authtest.NewBrowser()
	toml := idp.OIDCProviderTOML() + idp.ProviderTOML("example", "Confidential", authtest.PostClientID, "client_secret_post")
	h := newHarness(t, setup{toml: toml, browser: b}).start()

	// A refusal first: its outcome and words are logged, not the answer.
	idp.Deny("the person said no")
	h.w.list.Select(1)
	test.Tap(h.button(h.w.win.Content(), "Sign in"))
	h.wait(evSignIn)
	pages := []authtest.Page{b.Next(t)}
	idp.Deny("")

	h.signIn(0, true)
	pages = append(pages, b.Next(t))
	h.signIn(1, false)
	pages = append(pages, b.Next(t))
	first := *h.w.status[0].Account

	h.w.list.Select(0)
	test.Tap(h.button(h.w.win.Content(), "Refresh"))
	h.wait(evRefreshed)
	test.Tap(h.button(h.w.win.Content(), "Copy token"))
	h.wait(evCopied)
	copied := h.app.Clipboard().Content()

	// A careless library (as Fyne and zitadel log through log and slog):
	// the redirect the browser followed, the token answer, a header.
	for _, p := range pages {
		log.Printf("GET %s -> %s", p.Opened, p.Final)
	}
	slog.Info("token answer", "access_token", first.Token.AccessToken, "body", `{"refresh_token":"`+first.Token.RefreshToken+`"}`)
	log.Print("Authorization: Bearer " + copied)

	// Every value that passed: tokens before and after the refresh, the
	// id_tokens, each code, verifier and state, the client secret.
	secrets := map[string]string{"client secret": authtest.ClientSecret, "copied token": copied}
	add := func(what, v string) {
		if len(v) >= 6 { // short values (a client id…) are not secrets here
			secrets[what+" "+v[:6]] = v
		}
	}
	for _, id := range []string{"idp", "example"} {
		a, err := h.svc.Account(id)
		if err != nil {
			t.Fatal(err)
		}
		add("access token", a.Token.AccessToken)
		add("refresh token", a.Token.RefreshToken)
		add("id_token", a.Token.IDToken)
	}
	add("old access token", first.Token.AccessToken)
	add("old refresh token", first.Token.RefreshToken)
	add("old id_token", first.Token.IDToken)
	for _, r := range idp.Requests() {
		for _, k := range []string{"code", "code_verifier", "state", "nonce", "refresh_token", "client_secret"} {
			for _, v := range r.Form[k] {
				add(k, v)
			}
		}
	}
	if len(secrets) < 12 {
		t.Fatalf("only %d values to look for: the flows did not run as expected", len(secrets))
	}

	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := string(data)
	if len(out) == 0 {
		t.Fatal("the log file is empty")
	}
	for what, v := range secrets {
		if strings.Contains(out, v) {
			t.Errorf("the log file holds the %s:\n%s", what, out)
		}
	}
	for _, want := range []string{
		`msg="sign-in started" provider=example protocol=oauth2`,
		`msg="sign-in failed" provider=example error_type=*auth.ProviderError`,
		`msg="sign-in finished" provider=idp`,
		`msg="sign-in finished" provider=example`,
		`msg="refresh finished" provider=idp`,
		`msg="copy finished" provider=idp kind=access_token`,
		"access_token=[redacted]",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the log file lacks %q:\n%s", want, out)
		}
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the log file's mode: %v, %v; want 0600", fi.Mode().Perm(), err)
	}
}

// TestFirstRunCreatesTheConfigFolder: the window on a config that does
// not exist yet creates its folder (0700), so the folder it names is there.
func TestFirstRunCreatesTheConfigFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "config", "latchkey")
	cfg := provider.Load(filepath.Join(dir, "providers.toml"))
	if !cfg.Missing {
		t.Fatal("the config is not missing")
	}
	svc := auth.New(auth.Options{
		Config:  cfg,
		Store:   keychain.New(keychain.Memory(), "latchkey-test"),
		Secrets: keychain.New(keychain.Memory(), "latchkey-test-client-secrets"),
		Browser: authtest.NewBrowser(),
		LockDir: t.TempDir(),
		DemoDir: t.TempDir(),
	})
	win := NewWindow(test.NewTempApp(t), svc)
	defer win.Close()
	fi, err := os.Stat(dir)
	if err != nil || !fi.IsDir() {
		t.Fatalf("the config folder was not created: %v", err)
	}
	if fi.Mode().Perm() != 0o700 {
		t.Errorf("the config folder has mode %v, want 0700", fi.Mode().Perm())
	}
	if _, err := os.Stat(cfg.Path); err == nil {
		t.Error("the window wrote a providers.toml nobody asked for")
	}
}
