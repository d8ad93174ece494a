package auth

import (
	"errors"
	"fmt"

	"latchkey/auth/keychain"
	"latchkey/auth/provider"
)

// ClientSecretError says a provider's entry keeps its client secret in the
// keychain (client_secret_in_keychain = true) but the keychain holds none
// for it, or none can be kept because no keychain for secrets is set up.
type ClientSecretError struct {
	ID, Name string
	NoStore  bool // this Service has no keychain for client secrets
}

func (e *ClientSecretError) Error() string {
	if e.NoStore {
		return fmt.Sprintf("%s keeps its client secret in the keychain, but this Latchkey has no keychain for client secrets", e.Name)
	}
	return fmt.Sprintf("%s keeps its client secret in the keychain, but the keychain holds none for it", e.Name)
}

// SaveClientSecret keeps provider id's client secret (OAuth 1.0a: the
// consumer secret) in the keychain, never in a file; the provider's entry
// then says client_secret_in_keychain = true. Replaces any earlier one.
func (s *Service) SaveClientSecret(id, secret string) error {
	if s.secrets == nil {
		return &ClientSecretError{ID: id, Name: id, NoStore: true}
	}
	if secret == "" {
		return errors.New("the client secret is empty: paste the secret the provider showed when you registered the app")
	}
	return s.secrets.Save(id, []byte(secret))
}

// DeleteClientSecret forgets provider id's client secret in the keychain;
// none being stored is not an error.
func (s *Service) DeleteClientSecret(id string) error {
	if s.secrets == nil {
		return nil
	}
	return s.secrets.Delete(id)
}

// withSecret returns p as the flows use it: itself, or, when its client
// secret lives in the keychain, a copy with the secret filled in.
func (s *Service) withSecret(p *provider.Provider) (*provider.Provider, error) {
	if !p.ClientSecretInKeychain || p.ClientSecret != "" {
		return p, nil
	}
	if s.secrets == nil {
		return nil, &ClientSecretError{ID: p.ID, Name: p.DisplayName(), NoStore: true}
	}
	b, err := s.secrets.Load(p.ID)
	if errors.Is(err, keychain.ErrNotFound) {
		return nil, &ClientSecretError{ID: p.ID, Name: p.DisplayName()}
	}
	if err != nil {
		return nil, err
	}
	cp := *p
	cp.ClientSecret = string(b)
	return &cp, nil
}
