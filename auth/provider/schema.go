package provider

import "latchkey/assets/lang"

// This file: what an entry of each protocol holds, as data, so that an
// editor (the window's form) shows the fields a protocol needs without
// deciding protocol questions itself.

// FieldKind is how an editor takes a field.
type FieldKind int

// The kinds of field.
const (
	FieldURL     FieldKind = iota // an endpoint: https, or http to loopback (CheckURL)
	FieldSecret                   // the client secret: kept in the keychain, never the file
	FieldKeyFile                  // the path of a PEM private key (RSA-SHA1)
	FieldScopes                   // scopes, separated by spaces
	FieldChoice                   // one of a few values
)

// Cond is a condition on another field of the entry being edited: it
// holds when that field's value is Value (with Not: is not Value). The
// zero Cond always holds.
type Cond struct {
	Key, Value string
	Not        bool
}

// Holds reports whether c holds, value giving a field's current value.
func (c Cond) Holds(value func(key string) string) bool {
	if c.Key == "" {
		return true
	}
	return (value(c.Key) == c.Value) != c.Not
}

// FieldSpec is one field an entry of a protocol takes, in the order an
// editor shows it (after id, name and client_id, which every entry has).
type FieldSpec struct {
	Key   string // the providers.toml key
	Label string // as a form names it
	Kind  FieldKind
	// Needed says when the field must be filled; nil: never (optional).
	Needed *Cond
	// Shown says when the field applies at all; nil: always.
	Shown *Cond
}

// Schema is what an entry of one protocol holds.
type Schema struct {
	ClientIDLabel string // "Client id", or OAuth 1.0a's "Consumer key"
	SecretLabel   string // "Client secret", or "Consumer secret"
	// Discovers: the protocol finds its endpoints from an issuer (OpenID
	// Connect Discovery), which an editor may look up as the person types.
	Discovers bool
	// DefaultScopes fill a new custom entry's scopes.
	DefaultScopes string
	// CustomNote says, in a line, what a custom entry of the protocol
	// asks of the person.
	CustomNote string
	Fields     []FieldSpec
}

// Protocols are the protocols Latchkey speaks, in the order an editor
// offers custom entries of them.
var Protocols = []Protocol{OAuth2, OIDC, OAuth1}

// always is a Needed that always holds.
var always = &Cond{}

// SchemaOf returns what an entry of protocol p holds (the zero Schema for
// an unknown protocol).
func SchemaOf(p Protocol) Schema {
	confidential := &Cond{Key: "token_endpoint_auth", Value: AuthNone, Not: true}
	switch p {
	case OAuth2:
		return Schema{ClientIDLabel: lang.L("Client id"), SecretLabel: lang.L("Client secret"),
			CustomNote: lang.L("Any OAuth 2.0 provider: give its endpoints from its documentation."), Fields: []FieldSpec{
				{Key: "client_secret", Label: lang.L("Client secret"), Kind: FieldSecret, Needed: confidential},
				// A device-only provider (RFC 8628) has no authorization endpoint.
				{Key: "authorize_url", Label: lang.L("Authorization endpoint"), Kind: FieldURL, Needed: &Cond{Key: "device_authorization_url"}},
				{Key: "access_token_url", Label: lang.L("Token endpoint"), Kind: FieldURL, Needed: always},
				{Key: "device_authorization_url", Label: lang.L("Device authorization endpoint (optional)"), Kind: FieldURL},
				{Key: "userinfo_url", Label: lang.L("Userinfo endpoint (optional)"), Kind: FieldURL},
				{Key: "revoke_url", Label: lang.L("Revocation endpoint (optional)"), Kind: FieldURL},
				{Key: "scopes", Label: lang.L("Scopes (separated by spaces)"), Kind: FieldScopes},
				{Key: "token_endpoint_auth", Label: lang.L("Client authentication"), Kind: FieldChoice},
			}}
	case OIDC:
		return Schema{ClientIDLabel: lang.L("Client id"), SecretLabel: lang.L("Client secret"), Discovers: true, DefaultScopes: "openid profile email",
			CustomNote: lang.L("Any OpenID Connect provider: give its issuer, and Latchkey reads the rest from its discovery document."), Fields: []FieldSpec{
				{Key: "client_secret", Label: lang.L("Client secret"), Kind: FieldSecret, Needed: confidential},
				{Key: "issuer", Label: lang.L("Issuer"), Kind: FieldURL, Needed: always},
				{Key: "scopes", Label: lang.L("Scopes (separated by spaces)"), Kind: FieldScopes},
				{Key: "token_endpoint_auth", Label: lang.L("Client authentication"), Kind: FieldChoice},
			}}
	case OAuth1:
		rsa := &Cond{Key: "signature_method", Value: "RSA-SHA1"}
		notRSA := &Cond{Key: "signature_method", Value: "RSA-SHA1", Not: true}
		return Schema{ClientIDLabel: lang.L("Consumer key"), SecretLabel: lang.L("Consumer secret"),
			CustomNote: lang.L("Any OAuth 1.0a provider: give its three endpoints and how requests are signed."), Fields: []FieldSpec{
				{Key: "signature_method", Label: lang.L("Signature method"), Kind: FieldChoice},
				{Key: "client_secret", Label: lang.L("Consumer secret"), Kind: FieldSecret, Needed: notRSA, Shown: notRSA},
				{Key: "rsa_key_file", Label: lang.L("RSA private key (PEM file)"), Kind: FieldKeyFile, Needed: rsa, Shown: rsa},
				{Key: "request_token_url", Label: lang.L("Request-token endpoint"), Kind: FieldURL, Needed: always},
				{Key: "authorize_url", Label: lang.L("Authorization page"), Kind: FieldURL, Needed: always},
				{Key: "access_token_url", Label: lang.L("Access-token endpoint"), Kind: FieldURL, Needed: always},
				{Key: "userinfo_url", Label: lang.L("Profile endpoint (optional)"), Kind: FieldURL},
				{Key: "callback", Label: lang.L("After you allow access"), Kind: FieldChoice},
			}}
	}
	return Schema{}
}

// NeedsSecret reports whether an entry from this preset needs a client
// secret from the person: its token requests authenticate the client, or
// OAuth 1.0a signs with the consumer secret (every method but RSA-SHA1).
func (p *Preset) NeedsSecret() bool {
	if p.Protocol == OAuth1 {
		return p.SignatureMethod != "RSA-SHA1"
	}
	return p.TokenEndpointAuth == AuthBasic || p.TokenEndpointAuth == AuthPost
}
