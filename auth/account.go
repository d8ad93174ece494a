package auth

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"latchkey/auth/provider"
)

// recordVersion is the version of the keychain record layout. A record with
// a newer version is refused rather than misread.
const recordVersion = 1

// Account is one signed-in account: what the keychain holds for a provider.
type Account struct {
	ProviderID string            `json:"provider_id"`
	Protocol   provider.Protocol `json:"protocol"`
	Token      TokenSet          `json:"token"`
	Profile    Profile           `json:"profile"`
	ObtainedAt time.Time         `json:"obtained_at"`
	// NeedsSignIn is set when the provider refused the refresh token
	// (invalid_grant) or, for OAuth 1.0a, the token itself (401): only a
	// new sign-in helps.
	NeedsSignIn bool `json:"needs_signin,omitempty"`
}

// TokenSet is the credentials a sign-in produced.
type TokenSet struct {
	AccessToken  string    `json:"access_token"`
	TokenType    string    `json:"token_type,omitempty"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	IDToken      string    `json:"id_token,omitempty"`
	TokenSecret  string    `json:"token_secret,omitempty"` // OAuth 1.0a
	Scopes       []string  `json:"scopes,omitempty"`
	Expiry       time.Time `json:"expires_at,omitzero"` // zero: no expiry known
}

// String hides every secret, so a TokenSet printed by mistake leaks nothing.
func (t TokenSet) String() string {
	return fmt.Sprintf("TokenSet{type=%s expires=%v refresh=%t secret=%t}", t.TokenType, t.Expiry, t.RefreshToken != "", t.TokenSecret != "")
}

// GoString hides every secret under %#v too.
func (t TokenSet) GoString() string { return t.String() }

// Profile is the signed-in person as the provider describes them.
type Profile struct {
	Subject  string          `json:"sub,omitempty"`      // stable id
	Name     string          `json:"name,omitempty"`     // display name
	Username string          `json:"username,omitempty"` // login / screen name
	Email    string          `json:"email,omitempty"`
	Picture  string          `json:"picture,omitempty"` // avatar URL
	Raw      json.RawMessage `json:"raw,omitempty"`     // the provider's own document
}

// Display is the best short name for the person: name, then username,
// email, subject.
func (p Profile) Display() string {
	for _, s := range []string{p.Name, p.Username, p.Email, p.Subject} {
		if s != "" {
			return s
		}
	}
	return "unknown user"
}

type record struct {
	Version int `json:"v"`
	Account
}

func encodeAccount(a *Account) ([]byte, error) {
	return json.Marshal(record{Version: recordVersion, Account: *a})
}

// RecordError says a keychain record cannot be used: damaged, meaningless
// (no access token, another account's id, an unknown protocol), or written
// by a newer Latchkey. Nothing is handed out from it; it is never about
// the record's contents (Problem holds no value from it).
type RecordError struct {
	ID      string
	Problem string // what is wrong, e.g. "it holds no access token"
	Newer   bool   // written by a newer Latchkey: updating helps, not signing in
}

func (e *RecordError) Error() string {
	return fmt.Sprintf("the keychain record for %q cannot be used: %s", e.ID, e.Problem)
}

func decodeAccount(id string, data []byte) (*Account, error) {
	var r record
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, &RecordError{ID: id, Problem: "it is not readable JSON"}
	}
	if r.Version > recordVersion {
		return nil, &RecordError{ID: id, Newer: true, Problem: fmt.Sprintf("it was written by a newer Latchkey (record version %d)", r.Version)}
	}
	if err := r.Account.validate(id); err != nil {
		return nil, err
	}
	return &r.Account, nil
}

// validate refuses a decoded record that means nothing (issue: a record
// of {} showed as valid and handed out an empty token): it must name this
// id and a protocol Latchkey speaks, hold an access token, and an OAuth 2.0
// one must be a Bearer token (tokenSet stores no other).
func (a *Account) validate(id string) error {
	bad := func(problem string) error { return &RecordError{ID: id, Problem: problem} }
	switch {
	case a.ProviderID != id:
		return bad("it belongs to another account id")
	case a.Protocol != provider.OAuth2 && a.Protocol != provider.OIDC && a.Protocol != provider.OAuth1:
		return bad("it names no protocol Latchkey speaks")
	case a.Token.AccessToken == "":
		return bad("it holds no access token")
	case a.Protocol != provider.OAuth1 && !strings.EqualFold(a.Token.TokenType, "bearer"):
		return bad("its token is not a Bearer token")
	case a.Protocol == provider.OAuth1 && a.Token.TokenSecret == "":
		return bad("its OAuth 1.0a token has no token secret")
	}
	return nil
}

// profileFromJSON picks the usual claims out of a profile document, OIDC
// names first (OpenID Connect Core §5.1), then the common GitHub/Twitter/
// Flickr-style ones.
func profileFromJSON(raw []byte) (Profile, error) {
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return Profile{}, err
	}
	// Some APIs wrap the profile: {"user": {...}} or {"person": {...}}.
	for _, k := range []string{"user", "person", "data"} {
		if inner, ok := m[k].(map[string]any); ok && len(m) == 1 {
			m = inner
		}
	}
	pick := func(keys ...string) string {
		for _, k := range keys {
			switch v := m[k].(type) {
			case string:
				if v = strings.TrimSpace(v); v != "" {
					return v
				}
			case float64:
				return strings.TrimSuffix(fmt.Sprintf("%.0f", v), ".")
			}
		}
		return ""
	}
	return Profile{
		Subject:  pick("sub", "id", "user_id", "nsid"),
		Name:     pick("name", "display_name", "full_name", "fullname", "realname"),
		Username: pick("preferred_username", "login", "username", "screen_name", "nickname"),
		Email:    pick("email"),
		Picture:  pick("picture", "avatar_url", "profile_image_url_https", "avatar"),
		Raw:      json.RawMessage(raw),
	}, nil
}
