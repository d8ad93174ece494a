package loopback

import (
	"errors"
	"strings"
	"testing"
)

func TestRedirectURIRejected(t *testing.T) {
	tests := []struct {
		uri    string
		reason string // part of the message
	}{
		{"https://127.0.0.1/callback", "scheme must be http"},
		{"ftp://127.0.0.1/callback", "scheme must be http"},
		{"127.0.0.1/callback", "scheme must be http"},
		{"http:opaque", "must name a host"},
		{"http:///callback", "must name a host"},
		{"http://example.com/callback", `not "example.com"`},
		{"http://0.0.0.0/callback", `not "0.0.0.0"`},
		{"http://[::]/callback", `not "::"`},
		{"http://192.168.1.10/callback", `not "192.168.1.10"`},
		{"http://127.0.0.2/callback", `not "127.0.0.2"`},
		{"http://localhost.example.com/callback", `not "localhost.example.com"`},
		{"http://127.0.0.1:0/callback", "port must be a number from 1 to 65535"},
		{"http://127.0.0.1:70000/callback", "port must be a number from 1 to 65535"},
		{"http://127.0.0.1/callback?x=1", "must not have a query"},
		{"http://127.0.0.1/callback?", "must not have a query"},
		{"http://127.0.0.1/callback#top", "must not have a fragment"},
		{"http://127.0.0.1/callback#", "must not have a fragment"},
		{"http://user:hunter2@127.0.0.1/callback", "user name or password"},
		{"http://127.0.0.1:%zz/cb", "not a valid URL"},
	}
	for _, tt := range tests {
		t.Run(tt.uri, func(t *testing.T) {
			s, err := Start(Config{RedirectURI: tt.uri})
			if err == nil {
				s.Close()
				t.Fatalf("Start accepted %q", tt.uri)
			}
			var re *RedirectURIError
			if !errors.As(err, &re) {
				t.Fatalf("err = %v (%T), want *RedirectURIError", err, err)
			}
			msg := err.Error()
			// The remedy ("change redirect_uri in providers.toml") is
			// auth.Describe's: see auth's TestDescribeLoopback.
			if !strings.Contains(msg, tt.reason) || strings.Contains(msg, "providers.toml") {
				t.Errorf("message %q lacks %q or names the config file", msg, tt.reason)
			}
			if CheckRedirectURI(tt.uri) == nil {
				t.Errorf("CheckRedirectURI(%q) = nil, but Start refuses it", tt.uri)
			}
			if strings.Contains(msg, "hunter2") {
				t.Errorf("message leaks a password: %q", msg)
			}
		})
	}
}

func TestRedirectURIAccepted(t *testing.T) {
	tests := []struct {
		uri             string
		host, path, raw string
		port            int
		binds           []string
	}{
		{DefaultRedirectURI, "127.0.0.1", "/callback", "/callback", 0, []string{"127.0.0.1"}},
		{"http://127.0.0.1:8400/cb", "127.0.0.1", "/cb", "/cb", 8400, []string{"127.0.0.1"}},
		{"HTTP://127.0.0.1", "127.0.0.1", "/", "", 0, []string{"127.0.0.1"}},
		{"http://[::1]:8400/cb", "::1", "/cb", "/cb", 8400, []string{"::1"}},
		{"http://LocalHost/a%20b", "LocalHost", "/a b", "/a%20b", 0, []string{"127.0.0.1", "::1"}},
	}
	for _, tt := range tests {
		t.Run(tt.uri, func(t *testing.T) {
			got, err := parseRedirectURI(tt.uri)
			if err != nil {
				t.Fatal(err)
			}
			if err := CheckRedirectURI(tt.uri); err != nil {
				t.Errorf("CheckRedirectURI(%q) = %v, but Start accepts it", tt.uri, err)
			}
			if got.host != tt.host || got.path != tt.path || got.uriPath != tt.raw || got.port != tt.port ||
				strings.Join(got.binds, ",") != strings.Join(tt.binds, ",") {
				t.Errorf("got %+v, want host %q path %q raw %q port %d binds %v", got, tt.host, tt.path, tt.raw, tt.port, tt.binds)
			}
		})
	}
}
