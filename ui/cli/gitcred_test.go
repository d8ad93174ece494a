package cli

import (
	"context"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"latchkey/auth"
	"latchkey/auth/authtest"
	"latchkey/auth/keychain"
	"latchkey/auth/provider"
)

// envChild makes the test binary run the command line (TestMain) instead
// of the tests: git runs it as its credential helper.
const envChild = "LATCHKEY_CLI_TEST_CHILD"

// envStore is the directory of the child's account store (dirStore).
const envStore = "LATCHKEY_CLI_TEST_STORE"

func TestMain(m *testing.M) {
	if os.Getenv(envChild) == "1" {
		os.Exit(Run(context.Background(), os.Args[1:], Deps{
			Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
			Service: func(string) (*auth.Service, error) {
				return auth.New(auth.Options{
					Config:     provider.Load(os.Getenv(provider.EnvConfig)),
					Store:      dirStore(os.Getenv(envStore)),
					HTTPClient: &http.Client{Timeout: 10 * time.Second},
					LockDir:    filepath.Join(os.Getenv(envStore), "locks"),
				}), nil
			},
		}))
	}
	os.Exit(m.Run())
}

// dirStore is an auth.Store of one file per account in a directory, so
// that a child process sees what the test stored.
type dirStore string

func (d dirStore) path(id string) string {
	return filepath.Join(string(d), hex.EncodeToString([]byte(id)))
}

func (d dirStore) Load(id string) ([]byte, error) {
	b, err := os.ReadFile(d.path(id))
	if os.IsNotExist(err) {
		return nil, &keychain.Error{Kind: keychain.NotFound, Op: "load", ID: id}
	}
	return b, err
}

func (d dirStore) Save(id string, record []byte) error {
	tmp := d.path(id) + ".tmp"
	if err := os.WriteFile(tmp, record, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, d.path(id))
}

func (d dirStore) Delete(id string) error { return os.Remove(d.path(id)) }

func (d dirStore) List() ([]string, error) {
	es, err := os.ReadDir(string(d))
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, e := range es {
		if b, err := hex.DecodeString(e.Name()); err == nil && !e.IsDir() {
			ids = append(ids, string(b))
		}
	}
	sort.Strings(ids)
	return ids, nil
}

// git runs a real git with the test binary as its only credential helper.
func gitWith(t *testing.T, h *harness, store, input string, args ...string) (string, error) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	helper := fmt.Sprintf("!'%s' git-credential", exe)
	full := append([]string{"-c", "credential.helper=", "-c", "credential.helper=" + helper}, args...)
	cmd := exec.Command("git", full...)
	cmd.Env = append(os.Environ(),
		envChild+"=1", envStore+"="+store, provider.EnvConfig+"="+h.config,
		"HOME="+t.TempDir(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_TERMINAL_PROMPT=0", "GIT_ASKPASS=", "SSH_ASKPASS=")
	cmd.Stdin = strings.NewReader(input)
	var errb strings.Builder
	cmd.Stderr = &errb
	out, err := cmd.Output()
	if err != nil {
		return string(out), fmt.Errorf("git %v: %v: %s", args, err, errb.String())
	}
	return string(out), nil
}

func TestGitCredentialWithRealGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	store := t.TempDir()
	idp := authtest.NewOAuth2(t)
	br := authtest.NewBrowser()
	h := newHarnessOn(t, dirStore(store), idpTOML(idp)+`git_hosts = ["git.example.test", "github.com"]`+"\n", br)
	if code, out, errs := h.run("", "login", "idp"); code != 0 {
		t.Fatalf("login: exit %d, %q, %q", code, out, errs)
	}
	br.Next(t)
	_, tok, _ := h.run("", "token", "idp")
	tok = strings.TrimSpace(tok)

	out, err := gitWith(t, h, store, "protocol=https\nhost=git.example.test\npath=ada/repo.git\n\n", "credential", "fill")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "username=oauth2\n") || !strings.Contains(out, "password="+tok+"\n") {
		t.Errorf("git credential fill for git.example.test answered %q", out)
	}
	out, err = gitWith(t, h, store, "protocol=https\nhost=github.com\n\n", "credential", "fill")
	if err != nil || !strings.Contains(out, "username=x-access-token\n") || !strings.Contains(out, "password="+tok+"\n") {
		t.Errorf("git credential fill for github.com answered %q, %v", out, err)
	}

	// store does nothing; erase (git rejected the token) marks it for a
	// refresh, and the next fill refreshes first. The account stays.
	if _, err := gitWith(t, h, store, "protocol=https\nhost=git.example.test\nusername=oauth2\npassword="+tok+"\n\n", "credential", "approve"); err != nil {
		t.Fatal(err)
	}
	if idp.RefreshGrants() != 0 {
		t.Fatalf("approve refreshed")
	}
	if _, err := gitWith(t, h, store, "protocol=https\nhost=git.example.test\nusername=oauth2\npassword="+tok+"\n\n", "credential", "reject"); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := h.run("", "status"); code != 0 || !strings.Contains(out, "refreshable") {
		t.Errorf("after erase, status says:\n%s", out)
	}
	out, err = gitWith(t, h, store, "protocol=https\nhost=git.example.test\n\n", "credential", "fill")
	if err != nil || idp.RefreshGrants() != 1 || strings.Contains(out, tok) || !strings.Contains(out, "password=") {
		t.Errorf("fill after erase: %q, %v, %d refreshes; want a new token from one refresh", out, err, idp.RefreshGrants())
	}
}

func TestGitCredentialIgnoresOtherHosts(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	h := newHarness(t, idpTOML(idp)+`git_hosts = ["git.example.test"]`+"\n", authtest.NewBrowser())
	for _, in := range []string{
		"protocol=https\nhost=unknown.example\n\n",
		"protocol=http\nhost=git.example.test\n\n", // plain http to a real host
		"host=git.example.test\n\n",
	} {
		if code, out, errs := h.run(in, "git-credential", "get"); code != 0 || out != "" || errs != "" {
			t.Errorf("%q: exit %d, %q, %q; want nothing, exit 0", in, code, out, errs)
		}
	}
	if code, out, _ := h.run("protocol=https\nhost=git.example.test\n\n", "git-credential", "store"); code != 0 || out != "" {
		t.Errorf("store: exit %d, %q", code, out)
	}
	// Not signed in: git hears nothing, the person reads why.
	if code, out, errs := h.run("protocol=https\nhost=git.example.test\n\n", "git-credential", "get"); code != 1 || out != "" || !strings.Contains(errs, "latchkey login idp") {
		t.Errorf("not signed in: exit %d, %q, %q", code, out, errs)
	}
}
