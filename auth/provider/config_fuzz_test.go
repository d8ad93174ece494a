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
	f.Add("a = " + strings.Repeat("{b=", 17) + "1" + strings.Repeat("}", 17))
	f.Add("a = [[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]\ns = \"[[[[{{{{\" # {{{{[[[[\nm = \"\"\"\n[[[[\\\"\"\"\"\nl = '''{{{{'''''\n")
	f.Add("[[provider]]\nid = \"x\"\nprotocol = \"oauth2\"\nclient_id = \"c\"\nauthorize_url = \"https://a/a\"\naccess_token_url = \"https://a/t\"\nauthorize_params = { STATE = \"s\", prompt = \"consent\" }\n")
	f.Add("[[provider]]\nid = \"a\"\nclient_secret = s3cret\n")
	f.Add("[[provider]]\nid = \"a\"\nredirect_uri = \"http://127.0.0.1:9/cb\"\n[[provider]]\nid = \"b\"\nredirect_uri = \"http://127.0.0.1:9/cb\"\n")
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
			if strings.HasPrefix(pr.Message, "not valid TOML: ") && !fixedSyntaxWords(pr.Message) {
				t.Fatalf("a syntax problem in words not Latchkey's own (it may quote the file): %q", pr.Message)
			}
		}
		if len(data) > MaxFileBytes || tooDeep([]byte(data), MaxNesting) > 0 {
			if len(ps) != 0 || len(probs) != 1 {
				t.Fatalf("a file over the limits was decoded: %v", probs)
			}
		}
	})
}

// fixedSyntaxWords reports whether msg is a syntax problem worded from
// tomlTroubles (or the general words), with nothing of the file in it.
func fixedSyntaxWords(msg string) bool {
	const head, tail = "not valid TOML: ", "; fix the file: Latchkey reads it again when it is saved"
	what, ok := strings.CutPrefix(msg, head)
	if !ok {
		return false
	}
	if what, ok = strings.CutSuffix(what, tail); !ok {
		return false
	}
	if i := strings.LastIndex(what, " (column "); i >= 0 {
		what = what[:i]
	}
	if what == "the TOML syntax is wrong" {
		return true
	}
	for _, l := range [][]struct{ prefix, says string }{tomlTroubles, tomlTroublesWithin} {
		for _, t := range l {
			if t.says == what {
				return true
			}
		}
	}
	return false
}
