package provider

import (
	"strings"
	"testing"
)

func TestDemoEntries(t *testing.T) {
	ps, probs := Parse("p.toml", []byte(`
[[provider]]
id = "demo-oidc"
demo = "oidc"

[[provider]]
id = "demo-oauth1"
demo = "oauth1"
callback = "oob"

[[provider]]
id = "bad-kind"
demo = "saml"

[[provider]]
id = "bad-fields"
demo = "oidc"
protocol = "oauth1"
issuer = "https://example.com"
`))
	if len(ps) != 2 || ps[0].Protocol != OIDC || ps[1].Protocol != OAuth1 || ps[1].Callback != CallbackOOB || ps[1].SignatureMethod != "HMAC-SHA1" {
		t.Fatalf("demo entries parsed as %+v (problems %v)", ps, probs)
	}
	var got []string
	for _, p := range probs {
		got = append(got, p.Provider+"/"+p.Field)
	}
	if want := "bad-kind/demo bad-fields/protocol bad-fields/issuer"; strings.Join(got, " ") != want {
		t.Errorf("problems %q, want %q (%v)", strings.Join(got, " "), want, probs)
	}
}
