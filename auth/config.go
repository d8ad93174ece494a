package auth

import "latchkey/auth/provider"

// Config returns the configuration the Service works from: the one it was
// built with, or the last one given to SetConfig.
func (s *Service) Config() *provider.Config {
	s.cfgMu.RLock()
	defer s.cfgMu.RUnlock()
	return s.cfg
}

// SetConfig makes cfg the configuration the Service works from, e.g.
// after the window saved a change to providers.toml and read it again
// (provider.Load). Calls that have already looked a provider up finish
// with the provider they found; the next ones see cfg. Accounts in the
// keychain are untouched: an account whose provider left the config is an
// orphan (Orphans).
func (s *Service) SetConfig(cfg *provider.Config) {
	s.cfgMu.Lock()
	defer s.cfgMu.Unlock()
	s.cfg = cfg
}
