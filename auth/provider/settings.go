package provider

import (
	"maps"
	"slices"
	"strings"
)

// Setting is one resolved setting of a provider, as `latchkey providers
// show` prints it: the TOML key and its value as text.
type Setting struct {
	Key, Value string
}

// Settings lists p's resolved settings (a preset's filled in, defaults
// set), one per key in the order of docs/CONFIG.md, leaving out the empty
// ones. A client secret is never shown: client_secret says where it is
// ("in the keychain", "in providers.toml"). Lists are comma-separated,
// tables one Setting per key ("authorize_params.prompt", "profile.id").
func (p *Provider) Settings() []Setting {
	var out []Setting
	add := func(k, v string) {
		if v != "" {
			out = append(out, Setting{k, v})
		}
	}
	add("id", p.ID)
	add("name", p.DisplayName())
	add("preset", p.Preset)
	for _, k := range slices.Sorted(maps.Keys(p.Params)) {
		add("params."+k, p.Params[k])
	}
	add("protocol", string(p.Protocol))
	add("client_id", p.ClientID)
	switch {
	case p.ClientSecretInKeychain:
		add("client_secret", "in the keychain")
	case p.ClientSecret != "":
		add("client_secret", "in providers.toml")
	}
	add("issuer", p.Issuer)
	add("authorize_url", p.AuthorizeURL)
	add("access_token_url", p.AccessTokenURL)
	add("request_token_url", p.RequestTokenURL)
	add("userinfo_url", p.UserinfoURL)
	add("revoke_url", p.RevokeURL)
	add("device_authorization_url", p.DeviceAuthorizationURL)
	add("scopes", strings.Join(p.Scopes, ", "))
	if p.Protocol != OAuth1 {
		add("token_endpoint_auth", p.TokenEndpointAuth)
	}
	add("redirect_uri", p.RedirectURI)
	add("token_method", p.TokenMethod)
	add("profile.id", p.Profile.ID)
	add("profile.name", p.Profile.Name)
	add("profile.username", p.Profile.Username)
	add("profile.email", p.Profile.Email)
	add("profile.picture", p.Profile.Picture)
	add("signature_method", p.SignatureMethod)
	add("rsa_key_file", p.RSAKeyFile)
	add("callback", p.Callback)
	for _, k := range slices.Sorted(maps.Keys(p.AuthorizeParams)) {
		add("authorize_params."+k, p.AuthorizeParams[k])
	}
	add("api_base_url", p.APIBaseURL)
	add("git_hosts", strings.Join(p.GitHosts, ", "))
	return out
}
