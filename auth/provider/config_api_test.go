package provider

import (
	"strings"
	"testing"
)

func TestAPIBaseURLAndGitHosts(t *testing.T) {
	const head = `
[[provider]]
id = "gh"
protocol = "oauth2"
client_id = "x"
authorize_url = "https://github.com/login/oauth/authorize"
access_token_url = "https://github.com/login/oauth/access_token"
`
	ps, probs := Parse("t.toml", []byte(head+`api_base_url = "https://api.github.com"
git_hosts = ["github.com", "git.example.com:8443"]
`))
	if len(probs) != 0 || len(ps) != 1 || ps[0].APIBaseURL != "https://api.github.com" || len(ps[0].GitHosts) != 2 {
		t.Fatalf("good entry: %v %v", ps, probs)
	}
	_, probs = Parse("t.toml", []byte(`
[[provider]]
id = "photos"
protocol = "oauth1"
client_id = "k"
client_secret = "s"
request_token_url = "https://p.example/rt"
authorize_url = "https://p.example/a"
access_token_url = "https://p.example/at"
git_hosts = ["git.example"]
`))
	if len(probs) != 1 || probs[0].Field != "git_hosts" || !strings.Contains(probs[0].Message, "OAuth 1.0a") {
		t.Errorf("oauth1 with git_hosts: %v", probs)
	}
	for _, tc := range []struct{ line, field, want string }{
		{`api_base_url = "http://api.github.com"`, "api_base_url", "plain http"},
		{`api_base_url = "api.github.com"`, "api_base_url", "absolute https"},
		{`git_hosts = ["https://github.com"]`, "git_hosts", "bare host name"},
		{`git_hosts = ["github.com/org"]`, "git_hosts", "bare host name"},
		{`git_hosts = ["ada@github.com"]`, "git_hosts", "bare host name"},
	} {
		_, probs := Parse("t.toml", []byte(head+tc.line+"\n"))
		if len(probs) != 1 || probs[0].Field != tc.field || !strings.Contains(probs[0].Message, tc.want) {
			t.Errorf("%s: problems %v", tc.line, probs)
		}
	}
}
