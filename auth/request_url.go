package auth

import "context"

// DefaultRequestURL is the URL a face offers first for trying an
// authorised request (Do) as provider id: the profile endpoint (for OpenID
// Connect the userinfo endpoint, from discovery unless providers.toml sets
// userinfo_url), else api_base_url, else "" when the provider has neither.
// It sends nothing with the account's credentials; for OpenID Connect it
// may fetch the discovery document (once per issuer for the Service's
// lifetime), so call it off the UI goroutine.
func (s *Service) DefaultRequestURL(ctx context.Context, id string) (string, error) {
	p, err := s.Provider(id)
	if err != nil {
		return "", err
	}
	u := p.UserinfoURL
	if CapabilitiesOf(p).Request == AuthBearer {
		r, err := s.resolve(ctx, p)
		if err != nil {
			return "", err
		}
		u = r.userinfoURL
	}
	if u == "" {
		u = p.APIBaseURL
	}
	return u, nil
}

// CheckRequestURL says whether provider id's credentials may go to rawURL
// (an absolute URL, or a path under api_base_url, as APIURL takes it): nil
// when Do would send the request, else the error Do would return before
// sending anything (*HostNotAllowedError, *NoAPIBaseError). It is for a
// face that hands the credential to another program for one request (a
// curl command line): the same confinement as Do and Sign.
func (s *Service) CheckRequestURL(ctx context.Context, id, rawURL string, opts RequestOptions) error {
	p, err := s.Provider(id)
	if err != nil {
		return err
	}
	u, err := s.APIURL(id, rawURL)
	if err != nil {
		return err
	}
	allowed, err := s.credentialOrigins(ctx, p, opts.AllowHosts)
	if err != nil {
		return err
	}
	return allowed.check(p, u)
}
