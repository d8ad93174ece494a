package cli

import (
	"os"
	"strings"
	"testing"

	"latchkey/auth/authtest"
)

// TestProvidersSecret: `providers secret ID` moves a client secret from
// providers.toml to the keychain (the file keeps its comment and says
// client_secret_in_keychain = true, and holds no secret), and a sign-in
// with a confidential client then uses the secret from the keychain.
func TestProvidersSecret(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	h := newHarness(t, "# my providers\n"+idp.ProviderTOML("idp", "Test IdP", authtest.BasicClientID, "client_secret_basic"), authtest.NewBrowser())
	code, out, errs := h.run(authtest.ClientSecret+"\n", "providers", "secret", "idp")
	if code != 0 || !strings.Contains(out, "Kept the client secret of Test IdP in the keychain") {
		t.Fatalf("providers secret: exit %d, %q, %q", code, out, errs)
	}
	file, err := os.ReadFile(h.config)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(file), authtest.ClientSecret) || !strings.Contains(string(file), "client_secret_in_keychain = true") || !strings.HasPrefix(string(file), "# my providers\n") {
		t.Fatalf("providers.toml after moving the secret:\n%s", file)
	}
	if code, out, errs := h.run("", "login", "idp"); code != 0 || out != "Signed in to Test IdP as Ada Lovelace\n" {
		t.Fatalf("login with the secret from the keychain: exit %d, %q, %q", code, out, errs)
	}
	// Without the secret in the keychain the sign-in says what to do.
	if err := h.secrets.Delete("idp"); err != nil {
		t.Fatal(err)
	}
	code, _, errs = h.run("", "login", "idp")
	if code != 1 || !strings.Contains(errs, "keeps its client secret in the keychain, but the keychain holds none for it") || !strings.Contains(errs, "latchkey providers secret idp") {
		t.Fatalf("login without the secret: exit %d, %q", code, errs)
	}
}
