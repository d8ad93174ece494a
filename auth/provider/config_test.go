package provider

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"latchkey/loopback"
)

const goodOAuth2 = `
[[provider]]
id = "work"
name = "Work SSO"
protocol = "oauth2"
client_id = "abc"
authorize_url = "https://login.example.com/authorize"
access_token_url = "https://login.example.com/token"
scopes = ["read", "write"]
`

func TestParseValidFillsDefaults(t *testing.T) {
	ps, probs := Parse("p.toml", []byte(goodOAuth2+`
[[provider]]
id = "flickr"
protocol = "oauth1"
client_id = "key"
client_secret = "secret"
request_token_url = "https://www.flickr.com/services/oauth/request_token"
authorize_url = "https://www.flickr.com/services/oauth/authorize"
access_token_url = "https://www.flickr.com/services/oauth/access_token"
authorize_params = { perms = "read" }
`))
	if len(probs) != 0 {
		t.Fatalf("problems: %v", probs)
	}
	if len(ps) != 2 {
		t.Fatalf("got %d providers, want 2", len(ps))
	}
	w := ps[0]
	if w.RedirectURI != DefaultRedirectURI("work") || w.RedirectURI != "http://127.0.0.1/callback/work" || w.TokenEndpointAuth != AuthNone || w.DisplayName() != "Work SSO" {
		t.Errorf("defaults not filled: %+v", w)
	}
	f := ps[1]
	if f.SignatureMethod != "HMAC-SHA1" || f.Callback != CallbackLoopback || f.AuthorizeParams["perms"] != "read" || f.DisplayName() != "flickr" {
		t.Errorf("oauth1 defaults not filled: %+v", f)
	}
}

func TestParseReportsEachProblemAndKeepsValidProviders(t *testing.T) {
	data := goodOAuth2 + `
[[provider]]
id = "Bad ID"
protocol = "oauth2"
client_id = "x"
authorize_url = "http://evil.example.com/authorize"
access_token_url = "https://evil.example.com/token"

[[provider]]
id = "typo"
protocol = "oauth2"
client_id = "x"
authorise_url = "https://a.example.com/authorize"
access_token_url = "https://a.example.com/token"

[[provider]]
id = "wrongtype"
protocol = "oauth2"
client_id = "x"
scopes = "read write"

[[provider]]
id = "work"
protocol = "oauth2"
client_id = "dup"
authorize_url = "https://login.example.com/authorize"
access_token_url = "https://login.example.com/token"

[[provider]]
id = "o1"
protocol = "oauth1"
client_id = "k"
request_token_url = "https://x.example.com/rt"
authorize_url = "https://x.example.com/a"
access_token_url = "https://x.example.com/at"
signature_method = "RSA-SHA1"
callback = "somewhere"

[[provider]]
id = "secretless"
protocol = "oauth2"
client_id = "x"
token_endpoint_auth = "client_secret_post"
authorize_url = "https://a.example.com/authorize"
access_token_url = "https://a.example.com/token"
redirect_uri = "https://example.com/cb"
`
	ps, probs := Parse("p.toml", []byte(data))
	if len(ps) != 1 || ps[0].ID != "work" || ps[0].ClientID != "abc" {
		t.Fatalf("want only the first, valid work provider; got %+v", ps)
	}
	want := []struct{ provider, field, text string }{
		{"provider #2", "id", `"Bad ID" is not a valid id`},
		{"provider #2", "authorize_url", "uses plain http to evil.example.com: use https"},
		{"typo", "authorise_url", "unknown field"},
		{"typo", "authorize_url", "missing"},
		{"provider #4", "", "cannot decode entry"},
		{"work", "id", `duplicate id "work"`},
		{"o1", "rsa_key_file", "RSA-SHA1 needs the path"},
		{"o1", "callback", `"somewhere" is not supported`},
		{"secretless", "token_endpoint_auth", "client_secret_post needs client_secret"},
		{"secretless", "redirect_uri", "must be http://127.0.0.1"},
	}
	for _, w := range want {
		found := false
		for _, p := range probs {
			if p.Provider == w.provider && p.Field == w.field && strings.Contains(p.Message, w.text) {
				found = true
				if p.Line == 0 {
					t.Errorf("problem %v has no line number", p)
				}
			}
		}
		if !found {
			t.Errorf("no problem for %s / %s containing %q; got:\n%v", w.provider, w.field, w.text, probs)
		}
	}
}

func TestDeviceOnlyProviderNeedsNoAuthorizeURL(t *testing.T) {
	ps, probs := Parse("p.toml", []byte(`
[[provider]]
id = "tv"
protocol = "oauth2"
client_id = "x"
access_token_url = "https://a.example.com/token"
device_authorization_url = "https://a.example.com/device"
`))
	if len(probs) != 0 || len(ps) != 1 {
		t.Fatalf("device-only provider refused: %v", probs)
	}
}

func TestParseSyntaxErrorNamesLine(t *testing.T) {
	_, probs := Parse("p.toml", []byte("[[provider]]\nid = \"a\"\nclient_id = \n"))
	if len(probs) != 1 || probs[0].Line != 3 || !strings.Contains(probs[0].Error(), "p.toml:3: not valid TOML") {
		t.Fatalf("got %v", probs)
	}
}

func TestLoadMissingAndUnreadable(t *testing.T) {
	dir := t.TempDir()
	c := Load(filepath.Join(dir, "none.toml"))
	if !c.Missing || len(c.Problems) != 0 || len(c.Providers) != 0 {
		t.Fatalf("missing file: %+v", c)
	}
	c = Load(dir) // a directory cannot be read as a file
	if c.Missing || len(c.Problems) != 1 || !strings.Contains(c.Problems[0].Message, "cannot read the file") {
		t.Fatalf("unreadable: %+v", c)
	}
	path := filepath.Join(dir, "p.toml")
	if err := os.WriteFile(path, []byte(goodOAuth2), 0o600); err != nil {
		t.Fatal(err)
	}
	c = Load(path)
	if _, ok := c.Find("work"); !ok || c.Path != path {
		t.Fatalf("good file: %+v", c)
	}
}

func TestResolvePath(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == EnvConfig {
				return v
			}
			return ""
		}
	}
	if p, _ := ResolvePath("/flag.toml", env("/env.toml")); p != "/flag.toml" {
		t.Errorf("flag must win, got %s", p)
	}
	if p, _ := ResolvePath("", env("/env.toml")); p != "/env.toml" {
		t.Errorf("env must win over default, got %s", p)
	}
	t.Setenv("XDG_CONFIG_HOME", "/xdg")
	if p, _ := ResolvePath("", env("")); p != "/xdg/latchkey/providers.toml" {
		t.Errorf("default: got %s", p)
	}
}

func TestCheckEndpoint(t *testing.T) {
	for raw, ok := range map[string]bool{
		"https://a.example.com/x":     true,
		"http://127.0.0.1:8080/token": true,
		"http://localhost/x":          true,
		"http://[::1]:9/x":            true,
		"http://a.example.com/x":      false,
		"ftp://a.example.com/x":       false,
		"/relative":                   false,
		"https://":                    false,
	} {
		if err := CheckEndpoint(raw); (err == nil) != ok {
			t.Errorf("CheckEndpoint(%q) = %v, want ok=%v", raw, err, ok)
		}
	}
}

// TestRedirectURIAsTheListenerSees: the config accepts exactly the redirect
// URIs the loopback listener can listen on (one parser), so a sign-in never
// fails on a redirect_uri that loaded without a problem.
func TestRedirectURIAsTheListenerSees(t *testing.T) {
	for uri, ok := range map[string]bool{
		"http://127.0.0.1/callback":     true,
		"http://127.0.0.1:8400/cb":      true,
		"http://[::1]:8400/cb":          true,
		"http://localhost/cb":           true,
		"http://127.0.0.2/callback":     false, // loopback, but the listener binds 127.0.0.1 only
		"http://127.0.0.1/cb#frag":      false,
		"http://u:hunter2@127.0.0.1/cb": false,
		"https://127.0.0.1/callback":    false,
		"http://127.0.0.1:70000/cb":     false,
	} {
		err := checkRedirectURI(uri)
		if (err == nil) != ok || (loopback.CheckRedirectURI(uri) == nil) != ok {
			t.Errorf("checkRedirectURI(%q) = %v, listener %v; want ok=%v", uri, err, loopback.CheckRedirectURI(uri), ok)
		}
		if err != nil && (!strings.Contains(err.Error(), "must be http://127.0.0.1") || strings.Contains(err.Error(), "hunter2")) {
			t.Errorf("checkRedirectURI(%q) = %q: does not say what it must be, or shows a password", uri, err)
		}
	}
}

// TestClientSecretInKeychain: a secret kept in the keychain counts as a
// secret for the checks that need one; setting both is a problem.
func TestClientSecretInKeychain(t *testing.T) {
	ps, probs := Parse("p.toml", []byte(`
[[provider]]
id = "photos"
protocol = "oauth1"
client_id = "k"
client_secret_in_keychain = true
request_token_url = "https://p.example/request"
authorize_url = "https://p.example/authorize"
access_token_url = "https://p.example/access"

[[provider]]
id = "work"
protocol = "oauth2"
client_id = "c"
client_secret_in_keychain = true
authorize_url = "https://w.example/a"
access_token_url = "https://w.example/t"

[[provider]]
id = "both"
protocol = "oauth2"
client_id = "c"
client_secret = "s"
client_secret_in_keychain = true
authorize_url = "https://w.example/a"
access_token_url = "https://w.example/t"
`))
	if len(ps) != 2 || ps[1].TokenEndpointAuth != AuthBasic {
		t.Fatalf("providers %+v, problems %v", ps, probs)
	}
	if len(probs) != 1 || probs[0].Provider != "both" || probs[0].Field != "client_secret" || strings.Contains(probs[0].Error(), `"s"`) {
		t.Fatalf("problems %v, want one about both's client_secret", probs)
	}
}
