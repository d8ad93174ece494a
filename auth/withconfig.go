package auth

import "latchkey/auth/provider"

// WithConfig returns a Service over cfg that shares everything else with
// s (keychains, browser, HTTP client, clock, locks, demo folder), for a
// face that reads providers.toml again (the window after adding the demo
// entries). s stays usable. The config-reload work may fold this in.
func (s *Service) WithConfig(cfg *provider.Config) *Service {
	return &Service{
		cfg:          cfg,
		store:        s.store,
		secrets:      s.secrets,
		browser:      s.browser,
		http:         s.http,
		now:          s.now,
		loginTimeout: s.loginTimeout,
		locks:        s.locks,
		demoDir:      s.demoDir,
	}
}
