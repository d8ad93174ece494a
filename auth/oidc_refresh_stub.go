package auth

import (
	"context"

	"latchkey/auth/provider"
)

// checkRefreshedIDToken is a TEMPORARY stub so refresh.go compiles while
// OpenID Connect support is written: delete this file as soon as
// auth/oidc.go defines the real checkRefreshedIDToken.
func (s *Service) checkRefreshedIDToken(ctx context.Context, p *provider.Provider, rawIDToken string, prev *Account) error {
	return nil
}
