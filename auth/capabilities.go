package auth

import (
	"strings"

	"latchkey/auth/provider"
)

// Credential names one kind of credential a face can copy, print or send.
type Credential string

// The kinds of credential a provider's account can hold.
const (
	CredAccessToken   Credential = "access_token"  // the access token itself
	CredAuthorization Credential = "authorization" // "Authorization: Bearer <token>" (RFC 6750 §2.1)
	CredTokenSecret   Credential = "token_secret"  // the OAuth 1.0a token secret (RFC 5849 §2.3)
	CredIDToken       Credential = "id_token"      // the raw OpenID Connect id_token
)

// RequestAuth says how a request to the provider's API carries the
// credential.
type RequestAuth string

// How requests are authorised.
const (
	AuthBearer    RequestAuth = "bearer"    // Authorization: Bearer (RFC 6750)
	AuthSignature RequestAuth = "signature" // a fresh RFC 5849 signature on every request
)

// Capabilities is what a provider can do and how its credentials are used,
// decided once, here, from its configuration. The faces (window, command
// line, later the tray and presets) render from it and never compare
// protocols themselves. The zero value can do nothing.
type Capabilities struct {
	// Protocol is the protocol's name as people know it: "OAuth 2.0",
	// "OpenID Connect", "OAuth 1.0a".
	Protocol string
	// BrowserSignIn: Login opens the provider's page in the browser.
	BrowserSignIn bool
	// DeviceSignIn: LoginDevice (RFC 8628, sign in with a code) may work:
	// the provider has a device_authorization_url, or it speaks OpenID
	// Connect, whose discovery may name one (LoginDevice says when not).
	DeviceSignIn bool
	// PastesVerifier: the sign-in asks the person, through the Prompter,
	// for the verifier the provider shows (OAuth 1.0a, callback = "oob").
	PastesVerifier bool
	// Refreshable: tokens expire and are renewed with a refresh token
	// when one is held (RFC 6749 §6).
	Refreshable bool
	// Rechecks: Refresh asks the provider whether the token still works
	// instead of renewing it (OAuth 1.0a tokens do not expire).
	Rechecks bool
	// Expires: tokens can expire. False for OAuth 1.0a.
	Expires bool
	// Revocable: Logout may ask the provider to revoke the token (RFC
	// 7009): a revoke_url is set, or OpenID Connect discovery may name one.
	Revocable bool
	// Scoped: the provider grants scopes (OAuth 2.0 and OpenID Connect).
	Scoped bool
	// Claims: the account may carry an id_token whose claims can be shown.
	Claims bool
	// Request is how a request to the provider's API is authorised.
	Request RequestAuth
	// Demo: the entry is the built-in demo provider (provider.Provider.Demo),
	// not a real account; its server runs on this computer.
	Demo bool
	// RegistersRedirect: the person registers Latchkey's redirect URI at
	// the provider (provider.Provider.RedirectURIToRegister): the browser
	// comes back to Latchkey, and the provider is not the built-in demo
	// (which accepts any loopback redirect).
	RegistersRedirect bool
	// Copy lists the kinds of credential the provider's accounts can hold,
	// in the order a face offers them. Account.Credentials narrows it to
	// what one account holds.
	Copy []Credential
}

// CapabilitiesOf answers, for one configured provider, what it can do.
func CapabilitiesOf(p *provider.Provider) Capabilities {
	c := capabilitiesOf(p)
	c.Demo = p.Demo != ""
	c.RegistersRedirect = c.BrowserSignIn && !c.PastesVerifier && !c.Demo
	return c
}

func capabilitiesOf(p *provider.Provider) Capabilities {
	switch p.Protocol {
	case provider.OAuth1:
		return Capabilities{
			Protocol:       "OAuth 1.0a",
			BrowserSignIn:  true,
			PastesVerifier: p.Callback == provider.CallbackOOB,
			Rechecks:       true,
			Request:        AuthSignature,
			Copy:           []Credential{CredAccessToken, CredTokenSecret},
		}
	case provider.OAuth2, provider.OIDC:
		oidc := p.Protocol == provider.OIDC
		c := Capabilities{
			Protocol: "OAuth 2.0",
			// A device-only OAuth 2.0 entry (RFC 8628) has no authorization
			// endpoint; OpenID Connect may find one by discovery.
			BrowserSignIn: p.AuthorizeURL != "" || oidc,
			DeviceSignIn:  p.DeviceAuthorizationURL != "" || oidc,
			Refreshable:   true,
			Expires:       true,
			Revocable:     p.RevokeURL != "" || oidc,
			Scoped:        true,
			Request:       AuthBearer,
			Copy:          []Credential{CredAccessToken, CredAuthorization},
		}
		if oidc {
			c.Protocol = "OpenID Connect"
			c.Claims = true
			c.Copy = append(c.Copy, CredIDToken)
		}
		return c
	}
	return Capabilities{Protocol: string(p.Protocol)}
}

// CanRefresh reports whether Refresh can do anything for a: ask the
// provider about an OAuth 1.0a token, or spend a refresh token the
// provider has not refused (once refused, only a sign-in helps).
func (c Capabilities) CanRefresh(a *Account) bool {
	switch {
	case a == nil:
		return false
	case c.Rechecks:
		return true
	}
	return c.Refreshable && a.Token.RefreshToken != "" && !a.NeedsSignIn
}

// Credentials lists the kinds of credential a holds, from c.Copy.
func (c Capabilities) Credentials(a *Account) []Credential {
	var out []Credential
	for _, k := range c.Copy {
		if a.Credential(k) != "" {
			out = append(out, k)
		}
	}
	return out
}

// Credential returns the credential of kind k exactly as it is copied or
// printed (no trailing newline), or "" when a holds none.
func (a *Account) Credential(k Credential) string {
	t := a.Token
	switch k {
	case CredAccessToken:
		return t.AccessToken
	case CredAuthorization:
		if t.AccessToken == "" {
			return ""
		}
		typ := t.TokenType
		if typ == "" || strings.EqualFold(typ, "bearer") {
			typ = "Bearer" // RFC 6750 §2.1 spells the scheme so
		}
		return "Authorization: " + typ + " " + t.AccessToken
	case CredTokenSecret:
		return t.TokenSecret
	case CredIDToken:
		return t.IDToken
	}
	return ""
}
