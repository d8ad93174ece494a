package auth

import (
	"context"
	"fmt"
	"net/url"

	"latchkey/auth/provider"
)

// IssuerInfo is what an OpenID Connect issuer's discovery document says,
// for an editor to show before the provider is saved: its endpoints, and
// whether it offers sign-in with a code (RFC 8628).
type IssuerInfo struct {
	Issuer                      string
	AuthorizationEndpoint       string
	TokenEndpoint               string
	UserinfoEndpoint            string
	RevocationEndpoint          string
	DeviceAuthorizationEndpoint string
}

// Device reports whether the issuer offers sign-in with a code.
func (i IssuerInfo) Device() bool { return i.DeviceAuthorizationEndpoint != "" }

// CheckIssuer runs OpenID Connect discovery for issuer as a sign-in would:
// through the Service's guarded client (https, or http to loopback only;
// size-limited answers) and its discovery cache, so a document it found is
// reused by the sign-in that follows, while a failure is not kept. The
// error is the one a sign-in would meet (Describe words it); an issuer
// that is not a usable URL is refused before anything is sent.
func (s *Service) CheckIssuer(ctx context.Context, issuer string) (IssuerInfo, error) {
	u, err := url.Parse(issuer)
	if err == nil {
		err = provider.CheckURL(u)
	}
	if err != nil {
		return IssuerInfo{}, fmt.Errorf("the issuer %s", provider.CheckEndpoint(issuer))
	}
	src := s.oidcSource(&provider.Provider{Name: u.Host})
	iss, err := s.issuers.Discover(ctx, src, issuer)
	if err != nil {
		return IssuerInfo{}, err
	}
	md := iss.Metadata
	return IssuerInfo{
		Issuer:                      iss.ID,
		AuthorizationEndpoint:       md.AuthorizationEndpoint,
		TokenEndpoint:               md.TokenEndpoint,
		UserinfoEndpoint:            md.UserinfoEndpoint,
		RevocationEndpoint:          md.RevocationEndpoint,
		DeviceAuthorizationEndpoint: md.DeviceAuthorizationEndpoint,
	}, nil
}
