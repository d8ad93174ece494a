package ui

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/BurntSushi/toml"

	"latchkey/auth/authtest"
	"latchkey/auth/keychain"
	"latchkey/auth/provider"
)

// handWritten is a providers.toml a person wrote: a comment and an
// unknown key in the preamble, and an entry with a comment inside.
const handWritten = `# My providers, by hand.
x_custom = 1

[[provider]]
# The work account
id = "work"
name = "Work SSO"
protocol = "oauth2"
client_id = "latchkey"
authorize_url = "https://login.example.com/oauth2/authorize"
access_token_url = "https://login.example.com/oauth2/token"
`

const flickrSecret = "flickr-consumer-secret-for-tests"

// editorHarness is a window over a providers.toml on disk.
func editorHarness(t *testing.T, content string) (*harness, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "providers.toml")
	if content != "" {
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	h := newHarness(t, setup{toml: content, path: path, store: keychain.New(keychain.Memory(), "latchkey-test"),
		opts: options{issuerDelay: -1}})
	return h.start(), path
}

// pick opens Add provider and picks the item called name.
func (h *harness) pick(name string) *editor {
	h.t.Helper()
	h.w.showPicker()
	pk := h.w.picker
	for i, it := range pk.shown {
		if it.name == name {
			pk.list.Select(i)
			if h.w.editor == nil {
				h.t.Fatalf("picking %s opened no form; the picker says: %s", name, textOf(pk.why))
			}
			return h.w.editor
		}
	}
	h.t.Fatalf("the picker shows no %q", name)
	return nil
}

// fill sets the form's fields, in the order of the form; the ones
// checked in the background (the issuer, the key file) come last, so the
// test can wait for their check without touching the form meanwhile.
func (h *harness) fill(e *editor, values map[string]string) {
	h.t.Helper()
	var keys, late []string
	for _, f := range e.fields {
		if _, ok := values[f.key]; !ok {
			continue
		}
		if f.key == "issuer" || f.key == "rsa_key_file" {
			late = append(late, f.key)
		} else {
			keys = append(keys, f.key)
		}
	}
	if len(keys)+len(late) != len(values) {
		h.t.Fatalf("the form lacks one of the fields %v", values)
	}
	for _, k := range append(keys, late...) {
		h.setField(e, k, values[k])
	}
}

// setField puts v in the form's field key as typing would, except that
// the form hears of it once the widget has finished updating: in Fyne's
// test driver a background check the change starts would otherwise touch
// the form while the entry is still redrawing.
func (h *harness) setField(e *editor, key, v string) {
	h.t.Helper()
	f := e.byKey[key]
	if f == nil {
		h.t.Fatalf("the form has no field %s", key)
	}
	if f.sel != nil {
		on := f.sel.OnChanged
		f.sel.OnChanged = nil
		f.set(v)
		f.sel.OnChanged = on
	} else {
		on := f.entry.OnChanged
		f.entry.OnChanged = nil
		f.set(v)
		f.entry.OnChanged = on
	}
	e.changed()
}

// saveForm presses Save and waits until the window shows the config read
// again.
func (h *harness) saveForm(e *editor) {
	h.t.Helper()
	var problems []string
	for _, f := range e.fields {
		if p := f.problem(); p != "" {
			problems = append(problems, f.key+": "+p)
		}
	}
	if e.save.Disabled() {
		h.t.Fatalf("Save is disabled; problems: %v", problems)
	}
	test.Tap(e.save)
	h.wait(evSaved, evStatuses)
	if h.w.editor != nil {
		h.t.Fatalf("the form stayed open: %s", textOf(e.status))
	}
}

// checkFile: the file parses as TOML, keeps what the person wrote by hand
// and holds no secret.
func checkFile(t *testing.T, path string, want ...string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	var doc map[string]any
	if _, err := toml.Decode(s, &doc); err != nil {
		t.Fatalf("the file no longer parses: %v\n%s", err, s)
	}
	for _, w := range append([]string{"# My providers, by hand.", "x_custom = 1", "# The work account"}, want...) {
		if !strings.Contains(s, w) {
			t.Errorf("the file lacks %q:\n%s", w, s)
		}
	}
	for _, secret := range []string{authtest.ClientSecret, flickrSecret, "client_secret ="} {
		if strings.Contains(s, secret) {
			t.Errorf("the file holds a secret (%q):\n%s", secret, s)
		}
	}
	return s
}

// TestEditorRoundTrip adds, edits, duplicates and removes providers in the
// window, over a real file and Service: after each step the file parses,
// keeps the comments and unknown key written by hand, and holds no secret.
func TestEditorRoundTrip(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	h, path := editorHarness(t, handWritten)

	// A custom OAuth 2.0 provider.
	e := h.pick("Custom OAuth 2.0")
	h.fill(e, map[string]string{
		"id": "idp", "name": "Test IdP", "client_id": authtest.PublicClientID,
		"authorize_url": idp.AuthorizeURL(), "access_token_url": idp.TokenURL(),
		"userinfo_url": idp.UserinfoURL(), "revoke_url": idp.RevokeURL(), "scopes": "read email",
	})
	if got := e.redirect.Text; got != "http://127.0.0.1:<any port>/callback/idp" {
		t.Errorf("redirect URI to register %q", got)
	}
	h.saveForm(e)
	checkFile(t, path, `id = "idp"`, `protocol = "oauth2"`, `scopes = ["read", "email"]`, `token_endpoint_auth = "none"`)
	if i := h.w.indexOf("idp"); i < 0 || h.w.selected != i {
		t.Fatalf("the new provider is not selected (selected %d, at %d): %s", h.w.selected, i, h.screen())
	}

	// An OpenID Connect provider by its issuer: a failing discovery says
	// why in words, a working one what it found.
	e = h.pick("Custom OpenID Connect")
	missing := httptest.NewServer(http.NotFoundHandler())
	defer missing.Close()
	h.fill(e, map[string]string{"id": "example", "client_id": authtest.PublicClientID, "issuer": missing.URL})
	h.wait(evDiscovered)
	if got := e.discovery.Text; !strings.Contains(got, "did not serve an OpenID Connect discovery document") || strings.Contains(got, "404 page") {
		t.Errorf("a failing discovery reads %q", got)
	}
	h.fill(e, map[string]string{"issuer": idp.Issuer()})
	h.wait(evDiscovered)
	if got := e.discovery.Text; !strings.Contains(got, "Found "+idp.Issuer()) || !strings.Contains(got, idp.TokenURL()) {
		t.Errorf("discovery reads %q", got)
	}
	h.saveForm(e)
	checkFile(t, path, `id = "example"`, `protocol = "oidc"`, `issuer = "`+idp.Issuer()+`"`, `scopes = ["openid", "profile", "email"]`)

	// An OAuth 1.0a preset: its consumer secret goes to the keychain.
	e = h.pick("Flickr")
	if _, ok := e.byKey["request_token_url"]; ok {
		t.Error("a preset's form asks for its endpoints")
	}
	h.fill(e, map[string]string{"client_id": "flickr-key", "client_secret": flickrSecret})
	h.saveForm(e)
	checkFile(t, path, `preset = "flickr"`, `client_id = "flickr-key"`, `client_secret_in_keychain = true`)
	if top := h.w.win.Canvas().Overlays().Top(); top != nil {
		// Until presets are resolved, the entry is reported as incomplete.
		if got := textOf(top); !strings.Contains(got, "flickr") {
			t.Errorf("after saving flickr: %s", got)
		}
		top.Hide()
	}
	if got, err := h.secret.Load("flickr"); err != nil || string(got) != flickrSecret {
		t.Errorf("the keychain holds %q, %v for flickr's secret", got, err)
	}

	// Edit: only the changed key is written.
	before := checkFile(t, path)
	h.w.startEdit(h.w.indexOf("idp"))
	h.wait(evEditorOpen)
	e = h.w.editor
	if e == nil || e.byKey["authorize_url"].value() != idp.AuthorizeURL() || e.byKey["scopes"].value() != "read email" {
		t.Fatalf("the form is not filled from the entry")
	}
	if !e.save.Disabled() {
		t.Error("Save is enabled before anything changed")
	}
	h.fill(e, map[string]string{"name": "Test IdP at work"})
	h.saveForm(e)
	after := checkFile(t, path, `name = "Test IdP at work"`)
	if strings.Replace(before, `name = "Test IdP"`, `name = "Test IdP at work"`, 1) != after {
		t.Errorf("Edit changed more than the name:\n%s", after)
	}

	// Duplicate: a second entry under a new id, then its form.
	h.w.duplicate(h.w.indexOf("idp"))
	h.wait(evDuplicated, evStatuses)
	if h.w.editor == nil || h.w.editor.orig.ID != "idp-2" {
		t.Fatalf("Duplicate did not open the copy's form: %s", h.overlayText())
	}
	h.w.editor.close()
	checkFile(t, path, `id = "idp-2"`, `name = "Test IdP at work (2)"`)

	// Remove a signed-in provider, signing out first: the provider is
	// asked to revoke the token.
	h.signIn(h.w.indexOf("idp"), true)
	test.Tap(h.button(h.w.detail.object(), "Remove"))
	var check *widget.Check
	walk(h.overlay(), func(o fyne.CanvasObject) {
		if c, ok := o.(*checkBox); ok { // the window's own kind (widgets.go)
			check = c.Check
		}
	})
	if check == nil || !check.Checked || !strings.Contains(check.Text, "Sign out of Test IdP at work first: ask it to revoke the token of Ada Lovelace") {
		t.Errorf("the confirmation does not offer to sign out: %s", h.overlayText())
	}
	test.Tap(h.button(h.overlay(), "Remove"))
	h.wait(evRemoved, evStatuses)
	s := checkFile(t, path)
	if strings.Contains(s, `id = "idp"`) {
		t.Errorf("idp is still in the file:\n%s", s)
	}
	revoked := false
	for _, r := range idp.Requests() {
		revoked = revoked || r.Path == "/revoke"
	}
	if !revoked {
		t.Error("removing a signed-in provider did not revoke its token")
	}
	if _, err := h.store.Load("idp"); err == nil {
		t.Error("the account is still in the keychain")
	}
	if top := h.w.win.Canvas().Overlays().Top(); top != nil {
		t.Errorf("a dialog shows after Remove: %s", textOf(top))
	}
}

// TestEditorMovesSecretToKeychain: Edit offers to move a client secret
// written in the file to the keychain.
func TestEditorMovesSecretToKeychain(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	h, path := editorHarness(t, handWritten+idp.ProviderTOML("idp", "Test IdP", authtest.BasicClientID, "client_secret_basic"))
	h.w.startEdit(h.w.indexOf("idp"))
	h.wait(evEditorOpen)
	e := h.w.editor
	test.Tap(h.button(h.overlay(), "Move it to the keychain"))
	h.wait(evSecretMoved, evStatuses)
	checkFile(t, path, "client_secret_in_keychain = true")
	if got, err := h.secret.Load("idp"); err != nil || string(got) != authtest.ClientSecret {
		t.Errorf("the keychain holds %q, %v", got, err)
	}
	if !strings.Contains(e.secretNote.Text, "now kept in your keychain") {
		t.Errorf("the form says %q", e.secretNote.Text)
	}
	if p, err := h.svc.Provider("idp"); err != nil || p.ClientSecret != authtest.ClientSecret {
		t.Errorf("the Service does not find the secret: %v", err)
	}
}

// TestEditorFieldMessages: a bad value in any field shows its message
// beside it and keeps Save disabled; a good one clears both.
func TestEditorFieldMessages(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "key.txt")
	if err := os.WriteFile(notPEM, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	good := map[string]map[string]string{
		"Custom OAuth 2.0":      {"id": "new", "client_id": "c", "authorize_url": "https://a.example/authorize", "access_token_url": "https://a.example/token"},
		"Custom OpenID Connect": {"id": "new", "client_id": "c", "issuer": "https://127.0.0.1:1"},
		"Custom OAuth 1.0a": {"id": "new", "client_id": "c", "client_secret": "s", "request_token_url": "https://p.example/rt",
			"authorize_url": "https://p.example/a", "access_token_url": "https://p.example/at"},
		"Okta":     {"client_id": "c", "params.domain": "dev-1.okta.com"},
		"Keycloak": {"client_id": "c", "params.base_url": "https://sso.example.com", "params.realm": "r"},
	}
	for _, tc := range []struct {
		form, field, value string
		extra              map[string]string
		want               string
	}{
		{"Custom OAuth 2.0", "id", "", nil, "Give the provider an id"},
		{"Custom OAuth 2.0", "id", "Bad Id", nil, "Use lowercase letters, digits and dashes"},
		{"Custom OAuth 2.0", "id", strings.Repeat("a", provider.MaxIDLen+1), nil, "bytes long"},
		{"Custom OAuth 2.0", "id", "work", nil, "Another provider has the id work already"},
		{"Custom OAuth 2.0", "client_id", "", nil, "Copy the client id of the app"},
		{"Custom OAuth 2.0", "authorize_url", "http://login.example.com/a", nil, "uses plain http to login.example.com"},
		{"Custom OAuth 2.0", "authorize_url", "", nil, "Give the authorization endpoint's address"},
		{"Custom OAuth 2.0", "access_token_url", "token", nil, "must be an absolute https:// URL"},
		{"Custom OAuth 2.0", "userinfo_url", "ftp://x.example/me", nil, "must be an absolute https:// URL"},
		{"Custom OAuth 2.0", "revoke_url", "http://x.example/r", nil, "uses plain http"},
		{"Custom OAuth 2.0", "device_authorization_url", "https://", nil, "must be an absolute https:// URL"},
		{"Custom OAuth 2.0", "client_secret", "", map[string]string{"token_endpoint_auth": provider.AuthBasic}, "needs the client secret"},
		{"Custom OpenID Connect", "issuer", "http://idp.example.com", nil, "uses plain http"},
		{"Custom OpenID Connect", "issuer", "", nil, "Give the issuer's address"},
		{"Custom OAuth 1.0a", "client_secret", "", nil, "needs the consumer secret"},
		{"Custom OAuth 1.0a", "request_token_url", "", nil, "Give the request-token endpoint's address"},
		{"Custom OAuth 1.0a", "access_token_url", "http://p.example/at", nil, "uses plain http"},
		{"Custom OAuth 1.0a", "rsa_key_file", "", map[string]string{"signature_method": "RSA-SHA1"}, "give the path of its PEM file"},
		{"Custom OAuth 1.0a", "rsa_key_file", filepath.Join(dir, "missing.pem"), map[string]string{"signature_method": "RSA-SHA1"}, "This file does not exist."},
		{"Custom OAuth 1.0a", "rsa_key_file", notPEM, map[string]string{"signature_method": "RSA-SHA1"}, "is not a PEM file"},
		{"Okta", "params.domain", "", nil, "Give the okta domain"},
		{"Okta", "params.domain", "https://dev-1.okta.com", nil, "alone"},
		{"Okta", "client_id", "", nil, "Copy the client id"},
		{"Keycloak", "params.base_url", "sso.example.com", nil, "must be an absolute https:// URL"},
		{"Keycloak", "params.realm", "my realm", nil, "cannot hold spaces"},
	} {
		t.Run(tc.form+"/"+tc.field+"="+tc.value, func(t *testing.T) {
			h, _ := editorHarness(t, handWritten)
			e := h.pick(tc.form)
			h.fill(e, good[tc.form])
			if e.issuer != "" {
				h.wait(evDiscovered) // nothing answers there
			}
			if e.save.Disabled() {
				t.Fatalf("Save is disabled on a good form: %s", h.overlayText())
			}
			h.fill(e, tc.extra)
			f := e.byKey[tc.field]
			h.setField(e, tc.field, tc.value)
			if tc.field == "rsa_key_file" && tc.value != "" {
				h.wait(evKeyChecked)
			}
			if !f.msg.Visible() || !strings.Contains(f.msg.Text, tc.want) {
				t.Errorf("beside %s: %q (shown %v), want %q", tc.field, f.msg.Text, f.msg.Visible(), tc.want)
			}
			if !e.save.Disabled() {
				t.Error("Save is enabled with a bad field")
			}
			if v, ok := good[tc.form][tc.field]; ok {
				h.setField(e, tc.field, v)
			} else if tc.extra != nil {
				for k := range tc.extra {
					h.setField(e, k, e.byKey[k].choices[0].value)
				}
			} else {
				h.setField(e, tc.field, "")
			}
			if tc.field == "issuer" {
				h.wait(evDiscovered)
			}
			if f.msg.Visible() || e.save.Disabled() {
				t.Errorf("after a good value: message %q, Save disabled %v", f.msg.Text, e.save.Disabled())
			}
		})
	}
}

// TestPickerSearch: the search filters the presets; an unsupported preset
// is marked and says why when picked.
func TestPickerSearch(t *testing.T) {
	h, _ := editorHarness(t, handWritten)
	h.w.showPicker()
	pk := h.w.picker
	test.Type(pk.search, "git")
	var names []string
	for _, it := range pk.shown {
		if it.preset != nil {
			names = append(names, it.name)
		}
	}
	if strings.Join(names, ",") != "GitHub,GitLab.com,GitLab (self-managed)" {
		t.Errorf("searching git shows %v", names)
	}
	if got := textOf(pk.list); !strings.Contains(got, "GitHub") || !strings.Contains(got, "OAuth 2.0") || !strings.Contains(got, "Custom OAuth 1.0a") {
		t.Errorf("the list reads %s", got)
	}
	pk.search.SetText("SLACK")
	if len(pk.shown) == 0 || pk.shown[0].name != "Slack" {
		t.Fatalf("searching SLACK shows %v", pk.shown)
	}
	if got := textOf(pk.list); !strings.Contains(got, "Slack · not supported") {
		t.Errorf("Slack is not marked: %s", got)
	}
	pk.list.Select(0)
	if h.w.editor != nil {
		t.Fatal("an unsupported preset opened a form")
	}
	slack, _ := provider.FindPreset("slack")
	if got := textOf(pk.why); !strings.Contains(got, slack.Unsupported) {
		t.Errorf("picking Slack says %q", got)
	}
}
