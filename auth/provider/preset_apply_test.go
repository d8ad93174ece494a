package provider

import (
	"slices"
	"strings"
	"testing"
)

// TestPresetResolves: an entry naming a preset gets the preset's settings,
// its placeholders filled from params (or their defaults), and what the
// entry sets itself wins.
func TestPresetResolves(t *testing.T) {
	ps, probs := Parse("p.toml", []byte(`
[[provider]]
id = "work"
preset = "microsoft"
client_id = "abc"
params = { tenant = "contoso.onmicrosoft.com" }

[[provider]]
id = "home"
preset = "microsoft"
client_id = "def"
name = "Home"
scopes = ["openid", "email"]

[[provider]]
id = "git"
preset = "gitlab-self-managed"
client_id = "ghi"
params = { base_url = "https://git.example.com/" }

[[provider]]
id = "old"
protocol = "oauth2"
client_id = "x"
authorize_url = "https://login.example.com/authorize"
access_token_url = "https://login.example.com/token"

[[provider]]
id = "photos"
preset = "discogs"
client_id = "k"
client_secret_in_keychain = true
profile = { name = "user.real_name" }
`))
	if len(probs) != 0 {
		t.Fatalf("problems: %v", probs)
	}
	if len(ps) != 5 {
		t.Fatalf("got %d providers, want 5", len(ps))
	}
	work, home, git, old, photos := ps[0], ps[1], ps[2], ps[3], ps[4]
	if work.Protocol != OIDC || work.Issuer != "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0" || work.Name != "Microsoft identity platform" ||
		!slices.Equal(work.Scopes, []string{"openid", "profile", "email", "offline_access"}) || work.Profile.Username != "preferred_username" {
		t.Errorf("work = %+v", work)
	}
	if home.Issuer != "https://login.microsoftonline.com/common/v2.0" || home.Name != "Home" || !slices.Equal(home.Scopes, []string{"openid", "email"}) {
		t.Errorf("home (the default tenant, its own name and scopes) = %+v", home)
	}
	if git.Issuer != "https://git.example.com/" { // the whole text is {base_url}: kept as given
		t.Errorf("git issuer = %q", git.Issuer)
	}
	if old.Preset != "" || old.Name != "" || old.AuthorizeURL != "https://login.example.com/authorize" {
		t.Errorf("an entry without a preset changed: %+v", old)
	}
	if photos.TokenMethod != "GET" || photos.Profile.Name != "user.real_name" || photos.Profile.ID != "" || photos.SignatureMethod != "HMAC-SHA1" {
		t.Errorf("photos = %+v (the entry's profile replaces the preset's)", photos)
	}
	// The Preset slice is not shared with the providers.
	work.Scopes[0] = "changed"
	if pr, _ := FindPreset("microsoft"); pr.Scopes[0] != "openid" {
		t.Error("a provider's scopes share the preset's array")
	}
}

// TestPresetProblems: each way an entry's preset can be wrong is a
// problem in words, and the entry is left out.
func TestPresetProblems(t *testing.T) {
	for _, tc := range []struct {
		name, entry string
		field, want string
		not         []string // fields that must not be reported
	}{
		{"unknown preset", `preset = "gihub"`, "preset", `there is no preset "gihub": did you mean "github"?`, []string{"protocol", "authorize_url", "access_token_url"}},
		{"unknown preset far off", `preset = "zzzzzzzzzz"`, "preset", `there is no preset "zzzzzzzzzz" docs/CONFIG.md lists every preset`, []string{"protocol"}},
		{"missing param", `preset = "okta"`, "params", `missing domain (Okta domain): the okta preset needs it, e.g. params = { domain = "dev-123456.okta.com" }`, []string{"issuer"}},
		{"unknown param", `preset = "okta"
params = { domain = "a.okta.com", tenant = "x" }`, "params", `unknown param "tenant": the okta preset takes domain`, nil},
		{"param on a preset without params", `preset = "google"
client_secret_in_keychain = true
params = { tenant = "x" }`, "params", `unknown param "tenant": the google preset takes no params`, nil},
		{"host with a scheme", `preset = "okta"
params = { domain = "https://a.okta.com" }`, "params", "domain is a host name only, without https:// or a path", []string{"issuer"}},
		{"params without a preset", `protocol = "oidc"
issuer = "https://idp.example"
params = { tenant = "x" }`, "params", "this entry names no preset", nil},
		{"unsupported", `preset = "slack"`, "preset", "Latchkey cannot sign in to Slack: Slack accepts only https redirect URLs", nil},
		{"bad profile path", `preset = "github"
client_secret_in_keychain = true
profile = { id = "user..id" }`, "profile", `id: is not a dotted path like "user.name"`, nil},
		{"unknown profile key", `preset = "github"
client_secret_in_keychain = true
profile = { nick = "login" }`, "profile", `unknown key "nick"`, nil},
		{"token method", `preset = "x"
client_secret_in_keychain = true
token_method = "PUT"`, "token_method", `"PUT" is not supported`, nil},
		{"token method outside OAuth 1.0a", `preset = "github"
client_secret_in_keychain = true
token_method = "GET"`, "token_method", "OAuth 1.0a token requests only", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ps, probs := Parse("p.toml", []byte("[[provider]]\nid = \"e\"\nclient_id = \"c\"\n"+tc.entry+"\n"))
			if len(ps) != 0 {
				t.Errorf("the entry loaded: %+v", ps[0])
			}
			found := false
			for _, p := range probs {
				if p.Field == tc.field && strings.Contains(p.Message, tc.want) {
					found = true
				}
				if slices.Contains(tc.not, p.Field) {
					t.Errorf("a follow-on problem: %v", p)
				}
			}
			if !found {
				t.Errorf("no %s problem with %q in %v", tc.field, tc.want, probs)
			}
		})
	}
}

func TestClosestPresets(t *testing.T) {
	for id, want := range map[string]string{"gihub": "github", "gitlab-self": "gitlab-self-managed", "keyclaok": "keycloak", "Google": "google"} {
		if got := ClosestPresets(id); len(got) == 0 || got[0] != want {
			t.Errorf("ClosestPresets(%q) = %v, want %s first", id, got, want)
		}
	}
}
