package authtest

import (
	"net/http"

	"github.com/ory/fosite"
)

// BearerValid reports whether r carries, as "Authorization: Bearer", an
// access token this server issued and still accepts (fosite's own
// introspection), as a protected resource server checks it. Tests build
// their API servers on it.
func (s *OAuth2) BearerValid(r *http.Request) bool {
	tok := fosite.AccessTokenFromRequest(r)
	if tok == "" {
		return false
	}
	_, _, err := s.Provider.IntrospectToken(r.Context(), tok, fosite.AccessToken, s.session())
	return err == nil
}
