package provider

import (
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary providers.toml content to Parse: it never
// panics, every provider it returns passes validation (a usable id, a
// client_id, endpoints that are https or loopback http), and every problem
// names the file and says what is wrong.
func FuzzParse(f *testing.F) {
	f.Add(`[[provider]]
id = "work"
protocol = "oidc"
client_id = "c"
issuer = "https://login.example"
`)
	f.Add(`[[provider]]
id = "photos"
protocol = "oauth1"
client_id = "k"
client_secret = "s"
request_token_url = "https://p.example/request"
authorize_url = "https://p.example/authorize"
access_token_url = "https://p.example/access"
callback = "oob"
authorize_params = { perms = "read" }
`)
	f.Add("[[provider]]\nid = ")
	f.Add("[[provider]]\nid = \"x\"\nprotocol = \"oauth2\"\nclient_id = \"c\"\nauthorize_url = \"http://evil.example/a\"\naccess_token_url = \"https://a/t\"\n")
	f.Add("a = { b = { c = { d = 1 } } }")
	f.Fuzz(func(t *testing.T, data string) {
		ps, probs := Parse("fuzz.toml", []byte(data))
		seen := map[string]bool{}
		for i := range ps {
			p := &ps[i]
			var bad []string
			p.validate(func(field, msg string) { bad = append(bad, field+": "+msg) })
			if len(bad) > 0 {
				t.Fatalf("Parse returned provider %q that fails validation: %v", p.ID, bad)
			}
			if seen[p.ID] {
				t.Fatalf("Parse returned id %q twice", p.ID)
			}
			seen[p.ID] = true
		}
		for _, pr := range probs {
			if pr.File != "fuzz.toml" || strings.TrimSpace(pr.Message) == "" {
				t.Fatalf("a problem without its file or words: %+v", pr)
			}
		}
	})
}
