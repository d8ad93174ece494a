package auth

import (
	"context"
	"net/http"

	"latchkey/auth/provider"
)

// fetchProfile GETs a profile document with client (which adds the
// credentials) and decodes it.
func (s *Service) fetchProfile(ctx context.Context, p *provider.Provider, client *http.Client, header http.Header) (Profile, error) {
	d, err := getDocument(ctx, client, p.DisplayName(), "userinfo", p.UserinfoURL, header, "refused the profile request")
	if err != nil {
		return Profile{}, err
	}
	prof, err := profileFromJSON(d.body)
	if err != nil {
		return Profile{}, d.fail("answered with something that is not a JSON profile")
	}
	return prof, nil
}
