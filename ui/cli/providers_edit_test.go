package cli

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"latchkey/auth/authtest"
	"latchkey/auth/keychain"
)

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return string(b)
}

// TestProvidersAddShowList: `providers add --preset` writes an entry that
// loads with the preset's settings resolved; `providers show` and
// `providers --json` print them; a custom OpenID Connect entry by issuer
// works too.
func TestProvidersAddShowList(t *testing.T) {
	h := newHarness(t, "# mine\n", nil)
	code, out, errs := h.run("", "providers", "add", "--preset", "microsoft", "--id", "work", "--client-id", "abc",
		"--param", "tenant=contoso.onmicrosoft.com", "--name", "Work")
	if code != 0 || !strings.Contains(out, "Added provider work to "+h.config) ||
		!strings.Contains(out, "Register this redirect URI at the provider: http://127.0.0.1:<any port>/callback/work") {
		t.Fatalf("providers add: exit %d, %q, %q", code, out, errs)
	}
	file := readFile(t, h.config)
	if !strings.HasPrefix(file, "# mine\n") || !strings.Contains(file, `preset = "microsoft"`) || !strings.Contains(file, `params = { tenant = "contoso.onmicrosoft.com" }`) {
		t.Fatalf("providers.toml:\n%s", file)
	}

	code, out, errs = h.run("", "providers", "show", "work")
	for _, want := range []string{
		"name = Work\n", "preset = microsoft\n", "params.tenant = contoso.onmicrosoft.com\n",
		"issuer = https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0\n",
		"scopes = openid, profile, email, offline_access\n",
		"Redirect URI to register: http://127.0.0.1:<any port>/callback/work\n",
		"Register an app at: https://entra.microsoft.com/", "Docs: https://learn.microsoft.com/",
	} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("providers show: exit %d, no %q in\n%s%s", code, want, out, errs)
		}
	}
	code, out, _ = h.run("", "providers", "show", "work", "--json")
	var show showJSON
	if code != 0 || json.Unmarshal([]byte(out), &show) != nil || show.Settings["issuer"] != "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0" || show.Docs == "" {
		t.Errorf("providers show --json: exit %d\n%s", code, out)
	}

	code, out, errs = h.run("", "providers", "add", "--protocol", "oidc", "--id", "corp", "--client-id", "c", "--issuer", "https://sso.example.com", "--scope", "openid", "--scope", "email")
	if code != 0 {
		t.Fatalf("providers add --protocol oidc: exit %d, %q, %q", code, out, errs)
	}
	code, out, _ = h.run("", "providers", "--json")
	var list providerListJSON
	if code != 0 || json.Unmarshal([]byte(out), &list) != nil || len(list.Providers) != 2 || list.Providers[0].Preset != "microsoft" ||
		list.Providers[1].ID != "corp" || list.Providers[1].Protocol != "oidc" || len(list.Problems) != 0 {
		t.Errorf("providers --json: exit %d\n%s", code, out)
	}
	if _, out, _ = h.run("", "providers", "show", "corp"); !strings.Contains(out, "scopes = openid, email\n") || !strings.Contains(out, "issuer = https://sso.example.com\n") {
		t.Errorf("show corp:\n%s", out)
	}
	// A preset with git hosts: show prints the git config line that makes
	// git ask Latchkey for this account's token.
	if code, out, errs := h.run("gh-secret\n", "providers", "add", "--preset", "github", "--id", "gh", "--client-id", "Iv1.abc", "--client-secret-stdin"); code != 0 {
		t.Fatalf("providers add github: exit %d, %q, %q", code, out, errs)
	}
	if _, out, _ = h.run("", "providers", "show", "gh"); !strings.Contains(out, "git config --global credential.https://github.com.helper '!latchkey git-credential'\n") ||
		!strings.Contains(out, "api_base_url = https://api.github.com\n") {
		t.Errorf("show gh:\n%s", out)
	}
}

// TestProvidersAddRefuses: an entry that would have problems is refused
// in words, and the file is left as it was.
func TestProvidersAddRefuses(t *testing.T) {
	const before = "# mine\n[[provider]]\nid = \"taken\"\nprotocol = \"oidc\"\nclient_id = \"c\"\nissuer = \"https://idp.example\"\n"
	for _, tc := range []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"missing param", []string{"--preset", "okta", "--id", "o", "--client-id", "c"}, 1, []string{"did not add provider o", "is unchanged", "missing domain (Okta domain): the okta preset needs it"}},
		{"unknown preset", []string{"--preset", "gihub", "--id", "g", "--client-id", "c"}, 1, []string{`there is no preset "gihub": did you mean "github"?`}},
		{"unsupported", []string{"--preset", "slack", "--id", "s", "--client-id", "c"}, 1, []string{"Latchkey cannot sign in to Slack"}},
		{"needs a secret", []string{"--preset", "discord", "--id", "d", "--client-id", "c"}, 1, []string{"needs client_secret", "--client-secret-stdin"}},
		{"duplicate id", []string{"--preset", "github", "--id", "taken", "--client-id", "c"}, 1, []string{`a provider with id "taken" is already there`}},
		{"no client id", []string{"--protocol", "oidc", "--id", "x", "--issuer", "https://idp.example/x"}, 1, []string{"client_id: missing"}},
		{"plain http", []string{"--protocol", "oauth2", "--id", "x", "--client-id", "c", "--authorize-url", "http://evil.example/a", "--access-token-url", "https://evil.example/t"}, 1, []string{"authorize_url: uses plain http to evil.example"}},
		{"no id", []string{"--preset", "github", "--client-id", "c"}, 2, []string{"needs --id"}},
		{"neither", []string{"--id", "x", "--client-id", "c"}, 2, []string{"needs --preset NAME"}},
		{"bad param", []string{"--preset", "okta", "--id", "x", "--param", "domain"}, 2, []string{"--param takes name=value"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, before, nil)
			code, out, errs := h.run("", append([]string{"providers", "add"}, tc.args...)...)
			for _, w := range tc.want {
				if code != tc.code || !strings.Contains(errs, w) {
					t.Errorf("exit %d (want %d), no %q in stderr %q (stdout %q)", code, tc.code, w, errs, out)
				}
			}
			if got := readFile(t, h.config); got != before {
				t.Errorf("the file changed:\n%s", got)
			}
		})
	}
}

// TestProvidersAddSecretAndRemove: --client-secret-stdin keeps the secret
// in the keychain, never in the file; `providers remove` signs out first,
// removes the entry and forgets the secret; --keep-account keeps the
// account.
func TestProvidersAddSecretAndRemove(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	h := newHarness(t, idpTOML(idp), authtest.NewBrowser())
	code, out, errs := h.run("s3cret-value\n", "providers", "add", "--preset", "github", "--id", "gh", "--client-id", "c", "--client-secret-stdin")
	if code != 0 {
		t.Fatalf("add: exit %d, %q, %q", code, out, errs)
	}
	file := readFile(t, h.config)
	if strings.Contains(file, "s3cret-value") || !strings.Contains(file, "client_secret_in_keychain = true") {
		t.Fatalf("providers.toml:\n%s", file)
	}
	if got, err := h.secrets.Load("gh"); err != nil || string(got) != "s3cret-value" {
		t.Fatalf("keychain secret = %q, %v", got, err)
	}
	if code, _, errs := h.run("", "providers", "add", "--preset", "github", "--id", "gh2", "--client-id", "c", "--client-secret-stdin"); code != 1 || !strings.Contains(errs, "held no client secret") {
		t.Errorf("an empty stdin: exit %d, %q", code, errs)
	}

	code, out, errs = h.run("", "providers", "remove", "gh")
	if code != 0 || !strings.Contains(out, "Removed provider gh from") || strings.Contains(out, "Signed out") {
		t.Fatalf("remove gh: exit %d, %q, %q", code, out, errs)
	}
	if _, err := h.secrets.Load("gh"); !errors.Is(err, keychain.ErrNotFound) {
		t.Errorf("the client secret stayed: %v", err)
	}
	if strings.Contains(readFile(t, h.config), `"gh"`) {
		t.Errorf("the entry stayed:\n%s", readFile(t, h.config))
	}

	// Signed in: remove signs out first.
	if code, _, errs := h.run("", "login", "idp"); code != 0 {
		t.Fatalf("login: %q", errs)
	}
	code, out, errs = h.run("", "providers", "remove", "idp", "--keep-account")
	if code != 0 || !strings.Contains(out, "Its account stays in the keychain") {
		t.Fatalf("remove --keep-account: exit %d, %q, %q", code, out, errs)
	}
	if _, err := h.store.Load("idp"); err != nil {
		t.Errorf("--keep-account deleted the account: %v", err)
	}
	if code, _, errs := h.run("", "providers", "remove", "idp"); code != 1 || !strings.Contains(errs, `no provider "idp"`) && !strings.Contains(errs, "idp") {
		t.Errorf("removing a gone entry: exit %d, %q", code, errs)
	}
}

// TestProvidersRemoveSignsOut runs through the real keychain: the account
// is deleted from it before the entry goes.
func TestProvidersRemoveSignsOut(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	h := realHarness(t, "# kept\n"+idpTOML(idp), authtest.NewBrowser())
	if code, _, errs := h.run("", "login", "idp"); code != 0 {
		t.Fatalf("login: %q", errs)
	}
	code, out, errs := h.run("", "providers", "remove", "idp")
	if code != 0 || !strings.Contains(out, "Signed out of Test IdP\n") || !strings.Contains(out, "Removed provider idp") {
		t.Fatalf("remove: exit %d, %q, %q", code, out, errs)
	}
	if _, err := h.store.Load("idp"); !errors.Is(err, keychain.ErrNotFound) {
		t.Errorf("the account stayed in the keychain: %v", err)
	}
	if got := readFile(t, h.config); strings.TrimSpace(got) != "# kept" {
		t.Errorf("providers.toml after remove:\n%q", got)
	}
}
