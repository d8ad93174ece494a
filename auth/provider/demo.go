package provider

import (
	"fmt"
	"strings"
)

// The kinds of demo entry (Provider.Demo).
const (
	DemoOIDC   = "oidc"   // the OpenID Connect demo
	DemoOAuth1 = "oauth1" // the OAuth 1.0a demo
)

// demoDefaults gives a demo entry its implied protocol, before the other
// defaults are filled.
func (p *Provider) demoDefaults() {
	p.Demo = strings.ToLower(p.Demo)
	if p.Protocol == "" && (p.Demo == DemoOIDC || p.Demo == DemoOAuth1) {
		p.Protocol = Protocol(p.Demo)
	}
}

// validateDemo checks a demo entry (demo = "oidc" | "oauth1"): it needs no
// endpoint, issuer or client (they come from the running demo server), so
// none may be set; its protocol, when given, is the demo's.
func (p *Provider) validateDemo(add func(field, msg string)) {
	if p.Demo != DemoOIDC && p.Demo != DemoOAuth1 {
		add("demo", fmt.Sprintf("%q is not a demo: use \"oidc\" or \"oauth1\"", p.Demo))
		return
	}
	if string(p.Protocol) != p.Demo {
		add("protocol", fmt.Sprintf("%q does not match demo = %q: remove protocol (a demo entry implies it)", p.Protocol, p.Demo))
	}
	for _, f := range [][2]string{
		{"client_id", p.ClientID}, {"client_secret", p.ClientSecret}, {"issuer", p.Issuer},
		{"authorize_url", p.AuthorizeURL}, {"access_token_url", p.AccessTokenURL},
		{"request_token_url", p.RequestTokenURL}, {"userinfo_url", p.UserinfoURL},
		{"revoke_url", p.RevokeURL}, {"device_authorization_url", p.DeviceAuthorizationURL},
		{"rsa_key_file", p.RSAKeyFile}, {"preset", p.Preset}, {"api_base_url", p.APIBaseURL},
	} {
		if f[1] != "" {
			add(f[0], "comes from the demo server running on this computer: remove it from this demo entry")
		}
	}
	if p.ClientSecretInKeychain {
		add("client_secret_in_keychain", "a demo entry's client comes from the demo server: remove it")
	}
	if p.Demo == DemoOAuth1 && p.Callback != CallbackLoopback && p.Callback != CallbackOOB {
		add("callback", fmt.Sprintf("%q is not supported: use \"loopback\" or \"oob\"", p.Callback))
	}
	if err := checkRedirectURI(p.RedirectURI); err != nil {
		add("redirect_uri", err.Error())
	}
}
