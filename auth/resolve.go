package auth

import (
	"context"

	"latchkey/auth/provider"
)

// resolve returns p with every endpoint it needs filled in. For OAuth 2.0
// and OAuth 1.0a that is p itself. For OpenID Connect it is a copy whose
// authorize_url, access_token_url, userinfo_url, revoke_url (discovery's
// revocation_endpoint) and device_authorization_url come from the issuer's
// discovery document unless providers.toml sets them, and whose scopes
// include openid; discovery is fetched once per issuer for the Service's
// lifetime (see discover). Every flow that talks to a token, userinfo,
// revocation or device endpoint calls resolve first. Safe for concurrent
// use.
func (s *Service) resolve(ctx context.Context, p *provider.Provider) (*provider.Provider, error) {
	if p.Protocol == provider.OIDC {
		return s.resolveOIDC(ctx, p)
	}
	return p, nil
}
