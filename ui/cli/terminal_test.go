package cli

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"latchkey/auth/authtest"
)

// TestTerminalEscapes: a provider name from the config file and a profile
// name from the provider that carry escape sequences, C1 controls and a
// bidi override reach the terminal as plain text in every command's human
// output, and unchanged (escaped) in JSON.
func TestTerminalEscapes(t *testing.T) {
	const profileName = "\x1b[2J\x1b]0;pwned\x07Mallory\u009b31m\u202e"
	userinfo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		b, _ := json.Marshal(map[string]string{"sub": "m", "name": profileName})
		_, _ = w.Write(b)
	}))
	t.Cleanup(userinfo.Close)
	idp := authtest.NewOAuth2(t)
	toml := idpTOML(idp)
	toml = strings.Replace(toml, `name = "Test IdP"`, `name = "Evil\u001b]0;title\u0007 IdP\u202e"`, 1)
	toml = strings.Replace(toml, fmt.Sprintf("userinfo_url = %q", idp.UserinfoURL()), fmt.Sprintf("userinfo_url = %q", userinfo.URL+"/me"), 1)
	h := newHarness(t, toml, authtest.NewBrowser())

	check := func(what, out string) {
		t.Helper()
		for _, r := range out {
			if r != '\n' && r != '\t' && (r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0x202e) {
				t.Errorf("%s printed %U raw: %q", what, r, out)
				return
			}
		}
	}
	code, out, errs := h.run("", "login", "idp")
	if code != 0 || !strings.Contains(out, "Mallory") {
		t.Fatalf("login: exit %d, %q, %q", code, out, errs)
	}
	check("login stdout", out)
	check("login stderr", errs)
	for _, args := range [][]string{{"providers"}, {"status"}, {"logout", "idp"}} {
		code, out, errs := h.run("", args...)
		if code != 0 || !strings.Contains(out, "Evil") {
			t.Errorf("%v: exit %d, %q, %q", args, code, out, errs)
		}
		check(strings.Join(args, " "), out+errs)
		if args[0] == "status" {
			code, out, _ = h.run("", "status", "--json")
			check("status --json", out)
			var sts []map[string]any
			if err := json.Unmarshal([]byte(out), &sts); code != 0 || err != nil || len(sts) != 1 {
				t.Fatalf("status --json: exit %d, %v, %s", code, err, out)
			}
			user, _ := sts[0]["user"].(map[string]any)
			if user["name"] != profileName || sts[0]["name"] != "Evil\x1b]0;title\x07 IdP\u202e" {
				t.Errorf("status --json changed the values: %v / %v", user["name"], sts[0]["name"])
			}
		}
	}
}

// TestLoginSaysProfileTrimmed: a 100 KB profile signs in; stdout keeps its
// one line and stderr says what of the profile was kept.
func TestLoginSaysProfileTrimmed(t *testing.T) {
	userinfo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		b, _ := json.Marshal(map[string]string{"sub": "ada", "name": "Ada Lovelace", "bio": strings.Repeat("x", 100<<10)})
		_, _ = w.Write(b)
	}))
	t.Cleanup(userinfo.Close)
	idp := authtest.NewOAuth2(t)
	toml := strings.Replace(idpTOML(idp), fmt.Sprintf("userinfo_url = %q", idp.UserinfoURL()), fmt.Sprintf("userinfo_url = %q", userinfo.URL+"/me"), 1)
	h := newHarness(t, toml, authtest.NewBrowser())
	code, out, errs := h.run("", "login", "idp")
	if code != 0 || out != "Signed in to Test IdP as Ada Lovelace\n" || !strings.Contains(errs, "too large to keep whole") {
		t.Fatalf("login: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}
