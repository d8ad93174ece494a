package auth

import (
	"context"
	"net/http"

	"latchkey/auth/provider"
)

// fetchProfile GETs p's userinfo_url with client (which adds the
// credentials) and decodes it. OAuth 1.0a uses it: its configured provider
// is the one it talks to. OAuth 2.0 grants ask the resolved userinfo URL
// (getProfile).
func (s *Service) fetchProfile(ctx context.Context, p *provider.Provider, client *http.Client, header http.Header) (Profile, error) {
	return getProfile(ctx, client, p.DisplayName(), p.UserinfoURL, header, p.Profile)
}

// getProfile GETs the profile document at rawURL, the userinfo endpoint of
// provider name, with client and header, and decodes it (with the
// provider's profile mapping, when given).
func getProfile(ctx context.Context, client *http.Client, name, rawURL string, header http.Header, mapping ...provider.ProfileMap) (Profile, error) {
	d, err := getDocument(ctx, client, name, "userinfo", rawURL, header, "refused the profile request")
	if err != nil {
		return Profile{}, err
	}
	prof, err := profileFromJSON(d.body, mapping...)
	if err != nil {
		return Profile{}, d.fail("answered with something that is not a JSON profile")
	}
	return prof, nil
}
