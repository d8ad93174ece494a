package auth

import (
	"errors"
	"fmt"
	"slices"

	"latchkey/auth/demo/demoinfo"
	"latchkey/auth/provider"
)

// This file: demo entries of providers.toml (demo = "oidc" | "oauth1"),
// which find the built-in demo server wherever it listens. Their issuer,
// endpoints and client come from the server's runtime file
// (demoinfo.Running), read at each use: after a restart of the demo (a new
// port, new keys, a new consumer key) an account signed in before is no
// longer bound to the entry (Account.Bound) and shows as needing a new
// sign-in. This package reads the runtime file only: it never links the
// server (auth/demo), which the faces start.

// DemoNotRunningError says a demo entry's server is not running on this
// computer.
type DemoNotRunningError struct {
	ID, Name string
	Demo     string // "oidc" or "oauth1"
}

func (e *DemoNotRunningError) Error() string {
	return "the demo provider is not running, so " + e.Name + " cannot be used"
}

// DemoDir is where the Service looks for the demo server's runtime file
// (Options.DemoDir; "" means demoinfo.DefaultDir()). A face that starts the
// demo server starts it there.
func (s *Service) DemoDir() string { return s.demoDir }

// withDemo returns p (already through withSecret, with its error) as the
// flows use it: itself unless it is a demo entry, else a copy filled from
// the running demo server, or a *DemoNotRunningError.
func (s *Service) withDemo(p *provider.Provider, err error) (*provider.Provider, error) {
	if err != nil || p.Demo == "" {
		return p, err
	}
	info, err := demoinfo.Running(s.demoDir)
	if errors.Is(err, demoinfo.ErrNotRunning) {
		return nil, &DemoNotRunningError{ID: p.ID, Name: p.DisplayName(), Demo: p.Demo}
	}
	if err != nil {
		return nil, err
	}
	return fillDemo(p, info), nil
}

// demoLive is p with a demo entry filled from the running server, and
// whether it runs (always true for other entries). A runtime file that
// cannot be read counts as not running.
func (s *Service) demoLive(p *provider.Provider) (*provider.Provider, bool) {
	live, err := s.withDemo(p, nil)
	if err != nil {
		return p, false
	}
	return live, true
}

// fillDemo is a copy of demo entry p with info's issuer, endpoints and
// client.
func fillDemo(p *provider.Provider, info demoinfo.Info) *provider.Provider {
	cp := *p
	switch p.Demo {
	case provider.DemoOIDC:
		cp.Issuer, cp.ClientID = info.Issuer, info.ClientID
		if len(cp.Scopes) == 0 {
			cp.Scopes = slices.Clone(demoinfo.Scopes)
		}
	case provider.DemoOAuth1:
		cp.ClientID, cp.ClientSecret = info.OAuth1ConsumerKey, info.OAuth1ConsumerSecret
		cp.RequestTokenURL = info.OAuth1URL("request_token")
		cp.AuthorizeURL = info.OAuth1URL("authorize")
		cp.AccessTokenURL = info.OAuth1URL("access_token")
		cp.UserinfoURL = info.OAuth1URL("profile")
	}
	return &cp
}

// demoResolved reports whether p can be compared with an account's
// binding: any entry but a demo entry not filled from a running server
// (the window's and the command line's copy of the config): Statuses,
// Token and the flows compare the filled one.
func demoResolved(p *provider.Provider) bool {
	return p.Demo == "" || p.Issuer != "" || p.AccessTokenURL != ""
}

// DemoEntries are the two demo entries of providers.toml, as
// provider.Add writes them: the OpenID Connect demo and the OAuth 1.0a
// demo with callback = "oob" (the person pastes the code the demo shows).
func DemoEntries() []provider.Entry {
	return []provider.Entry{
		{{Key: "id", Value: provider.Text(demoinfo.OIDCProviderID)}, {Key: "name", Value: provider.Text(demoinfo.OIDCProviderName)}, {Key: "demo", Value: provider.Text(provider.DemoOIDC)}},
		{{Key: "id", Value: provider.Text(demoinfo.OAuth1ProviderID)}, {Key: "name", Value: provider.Text(demoinfo.OAuth1ProviderName)}, {Key: "demo", Value: provider.Text(provider.DemoOAuth1)}, {Key: "callback", Value: provider.Text(provider.CallbackOOB)}},
	}
}

// AddDemoEntries adds the demo entries to the providers.toml at path
// (created when missing), each unless an entry with its id is there
// already, and returns the ids it added. The file keeps everything else
// as it was (provider.Add).
func AddDemoEntries(path string) ([]string, error) {
	have := map[string]bool{}
	cfg := provider.Load(path)
	for _, p := range cfg.Providers {
		have[p.ID] = true
	}
	for _, pr := range cfg.Problems {
		have[pr.Provider] = true
	}
	var added []string
	ids := []string{demoinfo.OIDCProviderID, demoinfo.OAuth1ProviderID} // DemoEntries' ids
	for i, e := range DemoEntries() {
		id := ids[i]
		if have[id] {
			continue
		}
		if err := provider.Add(path, e); err != nil {
			if errors.Is(err, provider.ErrDuplicateID) {
				continue
			}
			return added, fmt.Errorf("cannot add the demo entry %s: %w", id, err)
		}
		added = append(added, id)
	}
	return added, nil
}

// ErrDemoRestarted is ErrProviderChanged for a demo entry: the demo server
// was started again since the sign-in, with new keys (errors.Is matches
// both).
var ErrDemoRestarted error = demoRestarted{}

type demoRestarted struct{}

func (demoRestarted) Error() string {
	return "the demo provider was started again since you signed in (it makes new keys at each start), so the stored token no longer works there"
}

func (demoRestarted) Is(target error) bool { return target == ErrProviderChanged }

// providerChanged is the reason an account is not bound to p any more.
func providerChanged(p *provider.Provider) error {
	if p.Demo != "" {
		return ErrDemoRestarted
	}
	return ErrProviderChanged
}
