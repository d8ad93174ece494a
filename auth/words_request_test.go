package auth

import (
	"strings"
	"testing"
)

// TestDescribeRequestErrors is TestDescribeFaces for request.go's errors.
func TestDescribeRequestErrors(t *testing.T) {
	tests := []struct {
		name        string
		err         error
		cli, window string
	}{
		{"host not allowed", &HostNotAllowedError{Provider: "GitHub", ID: "gh", Host: "evil.example", Allowed: []string{"https://api.github.com"}},
			"to evil.example: it is neither GitHub's API (api_base_url) nor one of its endpoints (they go only to https://api.github.com); if evil.example is meant to receive them, add --allow-host evil.example",
			"set api_base_url for GitHub in providers.toml"},
		{"plain http", &HostNotAllowedError{Provider: "GitHub", ID: "gh", Host: "api.example", Insecure: true, Problem: "uses plain http to api.example: use https (plain http is only allowed for 127.0.0.1/localhost)"},
			"the URL uses plain http to api.example", "use https"},
		{"no api_base_url", &NoAPIBaseError{Provider: "Work", ID: "work", Path: "/user"},
			"Work has no api_base_url in providers.toml, so the path /user has nowhere to go; pass a full https:// URL instead", "set api_base_url for Work"},
		{"signature, not header", &RequestAuthError{Provider: "Photos", ID: "photos", Request: AuthSignature},
			"`latchkey sign photos METHOD URL`", "use the access token and the token secret"},
		{"header, not signature", &RequestAuthError{Provider: "GitHub", ID: "gh", Request: AuthBearer},
			"`latchkey token gh --header`", "use its Authorization header"},
		{"api 401", &APIStatusError{Provider: "GitHub", ID: "gh", Method: "GET", URL: "https://api.github.com/user", Status: 401, StatusText: "401 Unauthorized", Message: "Bad credentials"},
			"GitHub answered GET https://api.github.com/user with HTTP 401 Unauthorized: Bad credentials; the token was refused: run `latchkey login gh`", "sign in again"},
		{"api 404", &APIStatusError{Provider: "GitHub", ID: "gh", Method: "GET", URL: "https://api.github.com/x", Status: 404, StatusText: "404 Not Found"},
			"check the path", "check the path"},
		{"api 500", &APIStatusError{Provider: "GitHub", ID: "gh", Method: "GET", URL: "https://api.github.com/x", Status: 502, StatusText: "502 Bad Gateway"},
			"try again later", "try again later"},
		{"body", &RequestBodyError{Provider: "GitHub", Problem: "could not be read"},
			"check the file given to --input", "try again with a smaller body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cli, window := Describe(tt.err, CLI), Describe(tt.err, Window)
			if !strings.Contains(cli, tt.cli) {
				t.Errorf("CLI words %q lack %q", cli, tt.cli)
			}
			if !strings.Contains(window, tt.window) {
				t.Errorf("window words %q lack %q", window, tt.window)
			}
			if commandWords.MatchString(window) {
				t.Errorf("window words name a command: %q", window)
			}
			if buttonWords.MatchString(cli) {
				t.Errorf("CLI words name a button or the window: %q", cli)
			}
			for face, words := range map[string]string{"CLI": cli, "window": window} {
				if !remedyWords.MatchString(words) {
					t.Errorf("%s words do not say what to do: %q", face, words)
				}
			}
		})
	}
}
