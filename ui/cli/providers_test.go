package cli

import (
	"regexp"
	"strings"
	"testing"

	"latchkey/auth/authtest"
)

// TestProvidersListsRedirectURIToRegister: `latchkey providers` says, per
// provider, which redirect URI to register: its own /callback/<id> on any
// port by default, a fixed one as configured, "-" when the browser does
// not come back (a pasted verifier).
func TestProvidersListsRedirectURIToRegister(t *testing.T) {
	h := newHarness(t, `
[[provider]]
id = "work"
name = "Work SSO"
protocol = "oauth2"
client_id = "c"
authorize_url = "https://login.example.com/a"
access_token_url = "https://login.example.com/t"

[[provider]]
id = "fixed"
protocol = "oidc"
client_id = "c"
issuer = "https://login.example.com"
redirect_uri = "http://[::1]:8400/cb"

[[provider]]
id = "paste"
protocol = "oauth1"
client_id = "k"
client_secret = "s"
request_token_url = "https://p.example.com/r"
authorize_url = "https://p.example.com/a"
access_token_url = "https://p.example.com/t"
callback = "oob"
`, authtest.NewBrowser())
	code, out, errs := h.run("", "providers")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q\n%s", code, errs, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	want := [][]string{
		{"ID", "NAME", "PROTOCOL", "REDIRECT URI"},
		{"work", "Work SSO", "oauth2", "http://127.0.0.1:<any port>/callback/work"},
		{"fixed", "fixed", "oidc", "http://[::1]:8400/cb"},
		{"paste", "paste", "oauth1", "-"},
	}
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(want), out)
	}
	for i, w := range want {
		// tabwriter pads columns with at least two spaces
		if got := columns.Split(lines[i], -1); strings.Join(got, "|") != strings.Join(w, "|") {
			t.Errorf("line %d = %q, want columns %q", i+1, lines[i], w)
		}
	}
}

var columns = regexp.MustCompile(`  +`)
