package applog

import (
	"bytes"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Values shaped like the real ones: an opaque access token, a rotating
// refresh token, a JWT, a PKCE verifier, an authorization code, a state.
const (
	access   = "ory_at_Xk2mP9qL4vR7tY1wE3uI6oA8sD0fG5hJ"
	refresh  = "ory_rt_Zq8Wn3Lm5Kb1Vc7Xj2Hg9Ft4Dr6Se0Ay"
	idToken  = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJ1c2VyLTQyIn0.c2lnbmF0dXJlLWJ5dGVz"
	verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
	code     = "ory_ac_9sK3mQ7pW2xL5vN8"
	state    = "Kx83hQpLm2"
	secret   = "s3cret-for-tests-only"
)

var values = []string{access, refresh, idToken, verifier, code, state, secret}

func noValues(t *testing.T, out string) {
	t.Helper()
	for _, v := range values {
		if strings.Contains(out, v) {
			t.Errorf("the log holds %q:\n%s", v, out)
		}
	}
}

func TestScrub(t *testing.T) {
	redirect := "http://127.0.0.1:41234/callback/idp?code=" + code + "&state=" + state + "&iss=https%3A%2F%2Fidp.example"
	cases := []struct{ in, keep string }{
		{"GET " + redirect, "http://127.0.0.1:41234/callback/idp?code=[redacted]&state=[redacted]&iss="},
		{"token request: grant_type=authorization_code&code=" + code + "&code_verifier=" + verifier + "&client_secret=" + secret, "grant_type=authorization_code"},
		{`{"access_token":"` + access + `","refresh_token":"` + refresh + `","id_token":"` + idToken + `","token_type":"Bearer"}`, `"access_token":"[redacted]`},
		{"Authorization: Bearer " + access, "Authorization: Bearer [redacted]"},
		{"header Bearer " + access, "Bearer [redacted]"},
		{"an id_token " + idToken + " was refused", "an id_token [redacted] was refused"},
		{"the token " + access + " leaked", "the token [redacted] leaked"},
		{"refresh with " + refresh, "refresh with [redacted]"},
		{"verifier " + verifier, "verifier [redacted]"},
		{`OAuth oauth_consumer_key="ck", oauth_token="` + access + `", oauth_signature="` + secret + `"`, `oauth_token="[redacted]`},
		{"url: " + url.Values{"access_token": {access}}.Encode(), "access_token=[redacted]"},
	}
	for _, c := range cases {
		got := Scrub(c.in)
		noValues(t, got)
		if !strings.Contains(got, c.keep) {
			t.Errorf("Scrub(%q) = %q, want it to keep %q", c.in, got, c.keep)
		}
	}
	// Ordinary words, ids, paths and redirect URIs stay readable.
	for _, plain := range []string{
		"sign-in finished provider=idp",
		"/home/ada/.cache/latchkey/latchkey.log",
		"http://127.0.0.1/callback/work",
		"Fyne error: Error parsing user locale C",
		"*auth.ProviderError < *url.Error",
	} {
		if got := Scrub(plain); got != plain {
			t.Errorf("Scrub(%q) = %q, want it unchanged", plain, got)
		}
	}
}

func TestSecretKey(t *testing.T) {
	for _, k := range []string{"token", "access_token", "RefreshToken", "id_token", "client_secret", "code", "code_verifier", "Verifier", "state", "password", "Authorization", "oauth_token_secret", "nonce", "cookie"} {
		if !SecretKey(k) {
			t.Errorf("SecretKey(%q) = false", k)
		}
	}
	for _, k := range []string{"provider", "outcome", "error_type", "words", "kind", "msg", "count"} {
		if SecretKey(k) {
			t.Errorf("SecretKey(%q) = true", k)
		}
	}
}

// TestHandlerHidesSecrets logs every value through every way a library
// could: an attribute with a secret key, one with an innocent key, an
// error, a struct, a group, a logger With attributes, the message itself,
// and the standard log package.
func TestHandlerHidesSecrets(t *testing.T) {
	var buf bytes.Buffer
	restore := Install(&buf)
	defer restore()

	slog.Info("signed in", "provider", "idp", "access_token", access, "refresh", refresh, "code", code)
	slog.Info("answer", "body", `{"id_token":"`+idToken+`"}`, "err", fmt.Errorf("exchange: %w", errors.New("code_verifier="+verifier+" rejected")))
	slog.Info("struct", "value", struct{ Token, Secret string }{access, secret})
	slog.Info("grouped", slog.Group("credentials", "first", access), slog.Group("req", "password", secret))
	slog.With("verifier", verifier).WithGroup("token").Info("with", "v", refresh)
	slog.Info("redirect to http://127.0.0.1:1/callback/idp?code=" + code + "&state=" + state)
	log.Printf("Fyne error: could not open %s?access_token=%s", "https://api.example.com/user", access)
	log.Print("Authorization: Bearer " + access)

	out := buf.String()
	noValues(t, out)
	for _, want := range []string{"msg=\"signed in\"", "provider=idp", "access_token=[redacted]", "Fyne error: could not open https://api.example.com/user?access_token=[redacted]", "credentials.first=[redacted]", "req.password=[redacted]"} {
		if !strings.Contains(out, want) {
			t.Errorf("the log lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "\n"); n != 8 {
		t.Errorf("the log has %d lines, want 8 (one per call):\n%s", n, out)
	}
}

func TestRestore(t *testing.T) {
	var buf, before bytes.Buffer
	log.SetOutput(&before)
	defer log.SetOutput(os.Stderr)
	restore := Install(&buf)
	log.Print("while installed")
	restore()
	log.Print("after")
	if !strings.Contains(buf.String(), "while installed") || strings.Contains(buf.String(), "after") {
		t.Errorf("installed log: %q", buf.String())
	}
	if !strings.Contains(before.String(), "after") {
		t.Errorf("the log package did not go back to its writer: %q", before.String())
	}
}

func TestOpenPermissionsAndRotation(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache", "latchkey")
	path := filepath.Join(dir, FileName)
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for p, want := range map[string]os.FileMode{dir: 0o700, path: 0o600} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s has mode %v, want %v", p, fi.Mode().Perm(), want)
		}
	}
	line := bytes.Repeat([]byte("x"), 1023)
	line = append(line, '\n')
	for range MaxMegabytes*1024 + 1 { // one line past full
		if _, err := f.Write(line); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var backups []string
	for _, e := range entries {
		if e.Name() != FileName && strings.HasPrefix(e.Name(), "latchkey-") {
			backups = append(backups, e.Name())
			fi, _ := e.Info()
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("backup %s has mode %v, want 0600", e.Name(), fi.Mode().Perm())
			}
		}
	}
	if len(backups) != 1 {
		t.Errorf("after writing past %d MB: backups %v, want one", MaxMegabytes, backups)
	}
}

func TestOpenTightensAnExistingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	if err := os.WriteFile(path, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("an existing log file kept mode %v, want 0600", fi.Mode().Perm())
	}
}

func TestPath(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", "/tmp/cache-for-test")
	got, err := Path()
	if err != nil {
		t.Fatal(err)
	}
	if want := "/tmp/cache-for-test/latchkey/latchkey.log"; got != want {
		t.Errorf("Path() = %q, want %q", got, want)
	}
}

type wrapped struct{ err error }

func (w wrapped) Error() string { return "wrapped: " + w.err.Error() }
func (w wrapped) Unwrap() error { return w.err }

func TestErrorTypes(t *testing.T) {
	err := wrapped{&url.Error{Op: "Get", URL: "u", Err: os.ErrDeadlineExceeded}}
	if got, want := ErrorTypes(err), "applog.wrapped < *url.Error < *poll.DeadlineExceededError"; got != want {
		t.Errorf("ErrorTypes = %q, want %q", got, want)
	}
	if got := ErrorTypes(errors.Join(errors.New("a"), wrapped{errors.New("b")})); got != "*errors.joinError < *errors.errorString < applog.wrapped < *errors.errorString" {
		t.Errorf("ErrorTypes(joined) = %q", got)
	}
}
