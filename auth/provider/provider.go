// Package provider describes the identity providers a person signs in to:
// their configuration as data (providers.toml) and the checks that make a
// configuration safe to use. It knows no flow and does no network I/O.
package provider

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"latchkey/loopback"
)

// Protocol names the sign-in protocol a provider speaks.
type Protocol string

// The protocols Latchkey speaks.
const (
	OAuth2 Protocol = "oauth2" // RFC 6749 authorization code with PKCE (RFC 7636)
	OIDC   Protocol = "oidc"   // OpenID Connect Core 1.0 on top of OAuth2
	OAuth1 Protocol = "oauth1" // RFC 5849
)

// Token endpoint client authentication methods (RFC 7591 §2 names).
const (
	AuthNone  = "none"
	AuthBasic = "client_secret_basic"
	AuthPost  = "client_secret_post"
)

// OAuth 1.0a callback kinds.
const (
	CallbackLoopback = "loopback" // the verifier arrives on the loopback listener
	CallbackOOB      = "oob"      // the person pastes the verifier (RFC 5849 §2.1)
)

// DefaultRedirectURI returns the redirect URI of provider id when it sets no
// redirect_uri: the loopback interface on a free port chosen at each
// sign-in (RFC 8252 §7.3), at a path of its own, /callback/<id>, so that no
// two providers share one (the mix-up defence of RFC 9700 §4.4.2: an answer
// meant for one provider's sign-in never reaches another's listener, which
// accepts only its exact path). An id that is not valid gets the plain
// loopback default; such a provider is refused anyway.
func DefaultRedirectURI(id string) string {
	if !idPattern.MatchString(id) {
		return loopback.DefaultRedirectURI
	}
	return loopback.DefaultRedirectURI + "/" + id
}

// RedirectURIToRegister is the redirect URI to register at the provider
// for p, as people read it: p.RedirectURI, with "<any port>" where no port
// is fixed ("http://127.0.0.1:<any port>/callback/work"; RFC 8252 §7.3
// asks providers to accept any port for a loopback redirect). It is built
// from the parsed URI, its path escaped, so it is plain ASCII; "" when
// p.RedirectURI is not a URL with a host (Load refuses such a provider).
func (p *Provider) RedirectURIToRegister() string {
	u, err := url.Parse(p.RedirectURI)
	if err != nil || u.Host == "" || u.User != nil {
		return ""
	}
	host := strings.TrimSuffix(u.Host, ":") // "http://127.0.0.1:/cb": an empty port is no port
	if u.Port() == "" {
		host += ":<any port>"
	}
	return u.Scheme + "://" + host + u.EscapedPath()
}

// MaxResponseBytes bounds every provider answer Latchkey reads (token,
// profile, discovery, OAuth 1.0a token answers). They are a few KB; 1 MiB is
// generous and keeps a broken or hostile provider from filling memory. It is
// the one limit: auth's guard and auth/oauth1 both read up to it.
const MaxResponseBytes = 1 << 20

// Provider is one configured provider. Field names follow Authlib's client
// registry (docs/CONFIG.md lists them) so that one vocabulary serves every
// protocol.
// A Provider returned by Load has passed Validate and has its defaults filled.
type Provider struct {
	ID       string   `toml:"id"`
	Name     string   `toml:"name"`
	Protocol Protocol `toml:"protocol"`
	// Preset names an entry of Presets the provider starts from; any
	// field set here overrides it. Params fill its placeholders, e.g.
	// params = { tenant = "contoso.onmicrosoft.com" }.
	Preset string            `toml:"preset"`
	Params map[string]string `toml:"params"`
	// Demo makes the entry the built-in demo provider ("oidc" or
	// "oauth1"): its endpoints and client come from the demo server
	// running on this computer (auth fills them), so none is set here.
	Demo string `toml:"demo"`

	ClientID     string `toml:"client_id"`     // OAuth 1.0a: the consumer key
	ClientSecret string `toml:"client_secret"` // OAuth 1.0a: the consumer secret
	// ClientSecretInKeychain says the client secret is kept in the keychain
	// under the provider's id (the window puts it there), not in this file.
	ClientSecretInKeychain bool `toml:"client_secret_in_keychain"`

	Issuer                 string   `toml:"issuer"`
	AuthorizeURL           string   `toml:"authorize_url"`
	AccessTokenURL         string   `toml:"access_token_url"`
	RequestTokenURL        string   `toml:"request_token_url"`
	UserinfoURL            string   `toml:"userinfo_url"`
	RevokeURL              string   `toml:"revoke_url"`
	DeviceAuthorizationURL string   `toml:"device_authorization_url"`
	Scopes                 []string `toml:"scopes"`

	// TokenEndpointAuth defaults to client_secret_basic when a client
	// secret is set and to none otherwise.
	TokenEndpointAuth string `toml:"token_endpoint_auth"`
	// RedirectURI defaults to DefaultRedirectURI(ID). A URI without a
	// port means a free port at each sign-in.
	RedirectURI string `toml:"redirect_uri"`
	// TokenMethod is the HTTP method of OAuth 1.0a token requests: POST
	// (the default, RFC 5849 §2.1) or GET where the provider wants it.
	TokenMethod string `toml:"token_method"`
	// Profile names the fields of the userinfo answer that give the
	// person, as dotted paths ("user.id", "images.0.url"); empty ones use
	// Latchkey's usual names.
	Profile ProfileMap `toml:"profile"`

	SignatureMethod string            `toml:"signature_method"` // OAuth 1.0a; default HMAC-SHA1
	RSAKeyFile      string            `toml:"rsa_key_file"`     // OAuth 1.0a RSA-SHA1: PEM private key
	Callback        string            `toml:"callback"`         // OAuth 1.0a: loopback (default) | oob
	AuthorizeParams map[string]string `toml:"authorize_params"`

	// APIBaseURL is where a relative `latchkey api` path goes; its scheme
	// and host may receive the credentials (auth.Service.Do).
	APIBaseURL string `toml:"api_base_url"`
	// GitHosts are the git hosts (bare host names, e.g. github.com) whose
	// credentials this provider's token is (`latchkey git-credential`).
	GitHosts []string `toml:"git_hosts"`
}

// DisplayName is the name shown to people: Name, or the ID when unset.
func (p *Provider) DisplayName() string {
	if p.Name != "" {
		return p.Name
	}
	return p.ID
}

// HasClientSecret reports whether the provider has a client secret, in the
// file or in the keychain.
func (p *Provider) HasClientSecret() bool {
	return p.ClientSecret != "" || p.ClientSecretInKeychain
}

// setDefaults fills the documented defaults in place.
func (p *Provider) setDefaults() {
	p.Protocol = Protocol(strings.ToLower(string(p.Protocol)))
	p.demoDefaults()
	if p.RedirectURI == "" {
		p.RedirectURI = DefaultRedirectURI(p.ID)
	}
	if p.TokenEndpointAuth == "" {
		p.TokenEndpointAuth = AuthNone
		if p.HasClientSecret() {
			p.TokenEndpointAuth = AuthBasic
		}
	}
	if p.Protocol == OAuth1 {
		if p.SignatureMethod == "" {
			p.SignatureMethod = "HMAC-SHA1"
		}
		p.SignatureMethod = strings.ToUpper(p.SignatureMethod)
		if p.Callback == "" {
			p.Callback = CallbackLoopback
		}
		p.TokenMethod = strings.ToUpper(p.TokenMethod)
		if p.TokenMethod == "" {
			p.TokenMethod = "POST"
		}
	}
}

// IsLoopbackHost reports whether host (no port) names the loopback
// interface: 127.0.0.0/8, ::1 or "localhost" (RFC 8252 §7.3, §8.3).
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// CheckEndpoint reports why raw is not a usable provider endpoint, or nil:
// an absolute https URL, or plain http to a loopback host only (TLS is
// never optional towards a real provider). Its error reads after the name of
// the field or endpoint and never quotes a query.
func CheckEndpoint(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("is not a URL (%s)", parseProblem(err))
	}
	return CheckURL(u)
}

// CheckURL is the one https-or-loopback rule, for every request Latchkey
// sends to a provider: the configuration (CheckEndpoint), auth's guard and
// auth/oauth1's signed requests all ask it. u must be absolute https, or
// plain http to a loopback host (IsLoopbackHost). Its error reads after the
// name of the field or endpoint and never quotes the URL's query.
func CheckURL(u *url.URL) error {
	switch {
	case u.Scheme == "https" && u.Host != "":
		return nil
	case u.Scheme == "http" && u.Host != "" && IsLoopbackHost(u.Hostname()):
		return nil
	case u.Scheme == "http" && u.Host != "":
		return fmt.Errorf("uses plain http to %s: use https (plain http is only allowed for 127.0.0.1/localhost)", u.Hostname())
	default:
		return fmt.Errorf("must be an absolute https:// URL, got %q", u.Redacted())
	}
}

// parseProblem is what url.Parse found wrong, without repeating the URL.
func parseProblem(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}
