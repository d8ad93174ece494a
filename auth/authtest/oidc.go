package authtest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
)

// KeyID is the kid of the RSA key fosite signs its id_tokens with (RS256).
// The server's JWKS always lists it.
const KeyID = "authtest-rs256"

// Issuer is the server's OpenID Connect issuer identifier: its base URL,
// exactly as its discovery document, id_tokens and authorization responses
// (RFC 9207) name it.
func (s *OAuth2) Issuer() string { return s.URL }

// DiscoveryURL is where the OpenID Provider metadata is served (OpenID
// Connect Discovery 1.0 §4).
func (s *OAuth2) DiscoveryURL() string { return s.URL + "/.well-known/openid-configuration" }

// JWKSURL is the JSON Web Key Set the discovery document points to.
func (s *OAuth2) JWKSURL() string { return s.URL + "/jwks" }

// EditDiscovery makes f change every discovery document before it is
// served (e.g. another issuer, fewer algorithms). nil serves it unchanged.
func (s *OAuth2) EditDiscovery(f func(doc map[string]any)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.discoveryEdit = f
}

// PublishKey adds k to the JWKS from the next fetch on, as a provider
// rotating in a new key does.
func (s *OAuth2) PublishKey(k *SigningKey) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.published = append(s.published, k)
}

// OverrideIDToken lets f replace the id_token of every successful token
// response. fosite still runs the grant (the code, PKCE and client are
// checked as usual); f gets fosite's id_token and its decoded claims (nil
// when there is none), which it may change and sign with a SigningKey, and
// returns the id_token to send: "" sends none. nil restores fosite's.
func (s *OAuth2) OverrideIDToken(f func(raw string, claims map[string]any) string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.idTokenOverride = f
}

// SetResponseIssuer makes the authorization endpoint's answers carry this
// iss parameter (RFC 9207 §2); "" leaves it out. The default is Issuer().
func (s *OAuth2) SetResponseIssuer(iss string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.responseIssuer = &iss
}

// withResponseIssuer returns w adding the iss parameter (RFC 9207 §2) to
// every redirect back to the client, error responses included.
func (s *OAuth2) withResponseIssuer(w http.ResponseWriter) http.ResponseWriter {
	s.mu.Lock()
	defer s.mu.Unlock()
	iss := s.Issuer()
	if s.responseIssuer != nil {
		iss = *s.responseIssuer
	}
	if iss == "" {
		return w
	}
	return &issuerWriter{ResponseWriter: w, iss: iss}
}

// issuerWriter adds iss to the query of a redirect's Location.
type issuerWriter struct {
	http.ResponseWriter
	iss string
}

func (w *issuerWriter) WriteHeader(code int) {
	if loc := w.Header().Get("Location"); loc != "" {
		if u, err := url.Parse(loc); err == nil {
			q := u.Query()
			q.Set("iss", w.iss)
			u.RawQuery = q.Encode()
			w.Header().Set("Location", u.String())
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

// discovery serves the OpenID Provider metadata (OpenID Connect Discovery
// 1.0 §3, RFC 8414, RFC 9207 §3).
func (s *OAuth2) discovery(w http.ResponseWriter, r *http.Request) {
	doc := map[string]any{
		"issuer":                                         s.Issuer(),
		"authorization_endpoint":                         s.AuthorizeURL(),
		"token_endpoint":                                 s.TokenURL(),
		"userinfo_endpoint":                              s.UserinfoURL(),
		"jwks_uri":                                       s.JWKSURL(),
		"revocation_endpoint":                            s.RevokeURL(),
		"response_types_supported":                       []string{"code"},
		"subject_types_supported":                        []string{"public"},
		"id_token_signing_alg_values_supported":          []string{"RS256", "ES256"},
		"code_challenge_methods_supported":               []string{"S256"},
		"grant_types_supported":                          []string{"authorization_code", "refresh_token"},
		"token_endpoint_auth_methods_supported":          []string{"none", "client_secret_basic", "client_secret_post"},
		"scopes_supported":                               []string{"openid", "profile", "email", "offline_access"},
		"authorization_response_iss_parameter_supported": true,
	}
	s.mu.Lock()
	edit := s.discoveryEdit
	s.mu.Unlock()
	if edit != nil {
		edit(doc)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(doc)
}

// jwks serves the public keys: fosite's, then every published one.
func (s *OAuth2) jwks(w http.ResponseWriter, r *http.Request) {
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &s.key.PublicKey, KeyID: KeyID, Algorithm: "RS256", Use: "sig"}}}
	s.mu.Lock()
	for _, k := range s.published {
		set.Keys = append(set.Keys, jose.JSONWebKey{Key: k.priv.Public(), KeyID: k.ID, Algorithm: k.Algorithm, Use: "sig"})
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(set)
}

// rewriteIDToken runs fosite's token endpoint into a recorder and passes
// its id_token through f before answering.
func (s *OAuth2) rewriteIDToken(w http.ResponseWriter, r *http.Request, f func(string, map[string]any) string) {
	rec := httptest.NewRecorder()
	s.fositeToken(rec, r)
	body := rec.Body.Bytes()
	var m map[string]any
	if rec.Code == http.StatusOK && json.Unmarshal(body, &m) == nil {
		raw, _ := m["id_token"].(string)
		if nt := f(raw, DecodeClaims(raw)); nt == "" {
			delete(m, "id_token")
		} else {
			m["id_token"] = nt
		}
		body, _ = json.Marshal(m)
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.Header().Del("Content-Length")
	w.WriteHeader(rec.Code)
	_, _ = w.Write(body)
}

// DecodeClaims returns the payload of a compact JWT without checking
// anything, or nil when raw is not one. For tests only.
func DecodeClaims(raw string) map[string]any {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil
	}
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return nil
	}
	return m
}

// SigningKey is a test key that signs id_tokens with ES256 under its own
// kid. It is listed in a server's JWKS only once published (PublishKey).
type SigningKey struct {
	ID        string // kid
	Algorithm string // "ES256"
	priv      crypto.Signer
}

// NewSigningKey returns a fresh P-256 key with the given kid.
func NewSigningKey(t testing.TB, kid string) *SigningKey {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return &SigningKey{ID: kid, Algorithm: string(jose.ES256), priv: priv}
}

// Sign returns claims as a compact JWS signed by k, with typ JWT and k's kid.
func (k *SigningKey) Sign(claims map[string]any) string {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.SignatureAlgorithm(k.Algorithm), Key: k.priv},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", k.ID))
	if err != nil {
		panic(err) // a fixed, valid key and algorithm: cannot happen
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		panic(err)
	}
	obj, err := signer.Sign(payload)
	if err != nil {
		panic(err)
	}
	raw, err := obj.CompactSerialize()
	if err != nil {
		panic(err)
	}
	return raw
}

// Unsigned returns claims as an unsecured JWT (alg "none", RFC 7519 §6),
// which no client may accept as an id_token.
func Unsigned(claims map[string]any) string {
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return enc(map[string]string{"alg": "none", "typ": "JWT"}) + "." + enc(claims) + "."
}
