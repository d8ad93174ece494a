package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

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
	// Bound is the provider the credentials were issued by (BindingOf);
	// nil in records written before Latchkey bound them.
	Bound *Binding `json:"bound,omitempty"`
}

// Binding is where an account's credentials came from, so they are only
// ever sent back there: for OpenID Connect the issuer (OpenID Connect
// Discovery §4.3) and any access_token_url set in providers.toml, for OAuth
// 2.0 the token endpoint (RFC 6749 §3.2), for OAuth 1.0a the token
// credentials endpoint (RFC 5849 §2.3); and the client (client_id, the
// OAuth 1.0a consumer key) they were issued to (RFC 6749 §6: a refresh
// token is bound to its client). When providers.toml re-points an id at
// another provider, the stored tokens no longer match and are not sent.
type Binding struct {
	Issuer   string `json:"issuer,omitempty"`
	TokenURL string `json:"token_url,omitempty"`
	ClientID string `json:"client_id"`
}

// BindingOf is the binding of the credentials provider p issues, as
// providers.toml configures p now.
func BindingOf(p *provider.Provider) *Binding {
	b := &Binding{TokenURL: p.AccessTokenURL, ClientID: p.ClientID}
	if p.Protocol == provider.OIDC {
		b.Issuer = p.Issuer
	}
	return b
}

// ErrProviderChanged is returned (wrapped in a *SignInError) when an
// account's Binding no longer matches its provider's entry in
// providers.toml: nothing stored is sent to the provider as configured now.
var ErrProviderChanged = errors.New("this provider's settings in providers.toml (its issuer, token endpoint or client_id) changed since you signed in, so Latchkey will not send the stored token to it")

// BoundTo reports whether a's credentials may be used with p as
// configured now. A record without a binding (written by an older
// Latchkey) is accepted, and bound to p at its next save (a refresh, a
// recheck, a sign-in): refusing it would sign everyone out on update, and
// the re-pointing this guards against happens after the binding exists.
func (a *Account) BoundTo(p *provider.Provider) bool {
	if a == nil || a.Bound == nil || !demoResolved(p) {
		return true
	}
	return *a.Bound == *BindingOf(p)
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
	// Trimmed says that the provider's document was too large for the
	// keychain record (keychain.MaxRecordSize): its large members, or all
	// of Raw, were left out, and over-long fields shortened (trimProfile).
	Trimmed bool `json:"trimmed,omitempty"`
}

// TrimmedNote says, when the profile was trimmed, what Latchkey kept of
// it; "" otherwise. The same words serve every face.
func (p Profile) TrimmedNote() string {
	if !p.Trimmed {
		return ""
	}
	return "The provider's profile was too large to keep whole: Latchkey kept the id, name, user name, email and picture, and left out the rest."
}

// The sizes trimProfile keeps.
const (
	maxRawMember    = 1 << 10 // a member of Raw larger than this is dropped
	maxRawTrimmed   = 8 << 10 // a Raw still larger than this is dropped whole
	maxProfileField = 1 << 10 // sub, name, username, email
	maxPictureURL   = 2 << 10 // a longer picture URL is dropped, not cut
)

// trimProfile makes p small enough for any keychain record: it keeps the
// fields Latchkey shows (sub, name, username, email, picture), each cut to
// a sane length, and of Raw only the members up to maxRawMember bytes (Raw
// goes whole when it is still larger than maxRawTrimmed). It sets Trimmed.
func trimProfile(p *Profile) {
	p.Trimmed = true
	for _, f := range []*string{&p.Subject, &p.Name, &p.Username, &p.Email} {
		*f = cutUTF8(*f, maxProfileField)
	}
	if len(p.Picture) > maxPictureURL {
		p.Picture = ""
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(p.Raw, &m) != nil {
		p.Raw = nil
		return
	}
	for k, v := range m {
		if len(v) > maxRawMember {
			delete(m, k)
		}
	}
	raw, err := json.Marshal(m)
	if err != nil || len(raw) > maxRawTrimmed {
		p.Raw = nil
		return
	}
	p.Raw = raw
}

// cutUTF8 cuts s to at most n bytes, at a character boundary.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
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
// Flickr-style ones. A mapping (the provider's profile setting) names the
// dotted path of a field instead; a path that leads nowhere leaves the
// field to the usual names.
func profileFromJSON(raw []byte, mapping ...provider.ProfileMap) (Profile, error) {
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return Profile{}, err
	}
	var pm provider.ProfileMap
	if len(mapping) > 0 {
		pm = mapping[0]
	}
	top := m
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
	field := func(path string, keys ...string) string {
		if v := profileText(lookupPath(top, path)); v != "" {
			return v
		}
		return pick(keys...)
	}
	return Profile{
		Subject:  field(pm.ID, "sub", "id", "user_id", "nsid"),
		Name:     field(pm.Name, "name", "display_name", "full_name", "fullname", "realname"),
		Username: field(pm.Username, "preferred_username", "login", "username", "screen_name", "nickname"),
		Email:    field(pm.Email, "email"),
		Picture:  field(pm.Picture, "picture", "avatar_url", "profile_image_url_https", "avatar"),
		Raw:      json.RawMessage(raw),
	}, nil
}

// lookupPath follows a dotted path ("user.name", "images.0.url": a number
// indexes an array) from the top of a JSON document; nil when it leads
// nowhere or path is "".
func lookupPath(doc map[string]any, path string) any {
	if path == "" {
		return nil
	}
	var cur any = doc
	for _, seg := range strings.Split(path, ".") {
		switch c := cur.(type) {
		case map[string]any:
			cur = c[seg]
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(c) {
				return nil
			}
			cur = c[i]
		default:
			return nil
		}
	}
	return cur
}

// profileText is a profile value as text: a trimmed string, or a whole
// number (ids are often numbers); "" for anything else.
func profileText(v any) string {
	switch v := v.(type) {
	case string:
		return strings.TrimSpace(v)
	case float64:
		return strings.TrimSuffix(fmt.Sprintf("%.0f", v), ".")
	}
	return ""
}
