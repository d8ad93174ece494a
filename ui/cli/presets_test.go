package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"latchkey/auth/authtest"
	"latchkey/auth/provider"
)

// TestProvidersPresets: `providers presets` lists every preset with its
// protocol and note; --json gives scripts the same list.
func TestProvidersPresets(t *testing.T) {
	h := newHarness(t, "", authtest.NewBrowser())
	code, out, errs := h.run("", "providers", "presets")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(provider.Presets)+1 || !strings.HasPrefix(lines[0], "ID") {
		t.Fatalf("%d lines for %d presets:\n%s", len(lines), len(provider.Presets), out)
	}
	for _, want := range []string{"github", "GitHub", "OAuth 2.0", "keycloak", "OpenID Connect", "flickr", "OAuth 1.0a", "not yet: Slack accepts only https"} {
		if !strings.Contains(out, want) {
			t.Errorf("the list lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = h.run("", "providers", "presets", "--json")
	var ps []map[string]any
	if err := json.Unmarshal([]byte(out), &ps); code != 0 || err != nil || len(ps) != len(provider.Presets) {
		t.Fatalf("--json: exit %d, %v\n%s", code, err, out)
	}
	if ps[0]["id"] != "github" || ps[0]["protocol"] != "oauth2" || ps[0]["device"] != true || ps[0]["register"] == "" {
		t.Errorf("first preset %v", ps[0])
	}
	if code, _, errs := h.run("", "providers", "presets", "extra"); code != 2 || !strings.Contains(errs, "providers presets takes no arguments") {
		t.Errorf("an extra argument: exit %d, %q", code, errs)
	}
}
