package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"latchkey/auth/safetext"
)

// ProviderError is an error the provider itself reported: an OAuth 2.0
// error response from the authorization endpoint (RFC 6749 §4.1.2.1) or the
// token endpoint (§5.2). Description is the provider's own words and is safe
// to show: it never holds a token.
type ProviderError struct {
	Provider    string // display name
	Endpoint    string // "authorization", "token", "userinfo", …
	Code        string // RFC 6749 "error", e.g. access_denied
	Description string // RFC 6749 "error_description"
	URI         string // RFC 6749 "error_uri"
	Status      int    // HTTP status, when the error came in an HTTP response
}

func (e *ProviderError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s refused the sign-in at its %s endpoint", e.Provider, e.Endpoint)
	if e.Status != 0 {
		fmt.Fprintf(&b, " (HTTP %d)", e.Status)
	}
	if e.Code != "" {
		b.WriteString(": " + e.Code)
	}
	if e.Description != "" {
		b.WriteString(": " + sanitize(e.Description))
	}
	if e.URI != "" {
		b.WriteString(" (see " + sanitize(e.URI) + ")")
	}
	switch e.Code {
	case "access_denied":
		b.WriteString("; sign in again and allow access if you want to continue")
	case "invalid_client", "unauthorized_client":
		b.WriteString("; check client_id, client_secret and token_endpoint_auth in providers.toml")
	case "invalid_scope":
		b.WriteString("; check scopes in providers.toml")
	case "invalid_grant":
		b.WriteString("; sign in again")
	}
	return b.String()
}

// ResponseError is a provider answer that is not a protocol answer at all:
// an HTML page, an oversized body, a 5xx, or unparsable content.
type ResponseError struct {
	Provider string
	Endpoint string // role, e.g. "token"
	URL      string // scheme://host/path only: never a query
	Status   int
	Problem  string // what was wrong, e.g. "answered with an HTML page instead of JSON"
}

func (e *ResponseError) Error() string {
	s := fmt.Sprintf("%s's %s endpoint (%s) %s", e.Provider, e.Endpoint, e.URL, e.Problem)
	if e.Status != 0 {
		s += fmt.Sprintf(" (HTTP %d)", e.Status)
	}
	if e.Status >= 500 {
		return s + "; the provider is having trouble, try again later"
	}
	return s + "; check the endpoint URLs in providers.toml"
}

// UnknownProviderError names a provider id that is not configured.
type UnknownProviderError struct {
	ID     string
	Config string // the config file path
	Known  []string
}

func (e *UnknownProviderError) Error() string {
	s := fmt.Sprintf("no provider with id %q in %s", e.ID, e.Config)
	if len(e.Known) > 0 {
		return s + "; configured: " + strings.Join(e.Known, ", ")
	}
	return s + "; add a [[provider]] entry to it (see docs/CONFIG.md)"
}

// ErrNotSignedIn is returned (wrapped in a *SignInError) when an account is
// needed and none is stored.
var ErrNotSignedIn = errors.New("not signed in")

// ErrExpired is returned (wrapped in a *SignInError) when the stored access
// token has expired and cannot be refreshed.
var ErrExpired = errors.New("the access token has expired")

// SignInError says that the person must sign in (again) to provider ID.
type SignInError struct {
	ID, Name string
	Err      error // ErrNotSignedIn or ErrExpired
}

func (e *SignInError) Error() string {
	button := "Sign in again"
	if errors.Is(e.Err, ErrNotSignedIn) {
		button = "Sign in"
	}
	return fmt.Sprintf("%s: %v; run `latchkey login %s` (or press %s in the window)", e.Name, e.Err, e.ID, button)
}

func (e *SignInError) Unwrap() error { return e.Err }

// StateMismatchError is a callback whose state does not match the sign-in
// in progress (RFC 6749 §10.12): possibly a forged request. No code is
// exchanged.
var errStateMismatch = errors.New("the answer from the browser does not belong to this sign-in (state mismatch); nothing was exchanged, start the sign-in again")

// Face names who is asking Describe for words: a window never tells a
// person to run a command, the command line never mentions a button.
type Face int

// The faces.
const (
	Window Face = iota // the Fyne window (and later the tray, notifications)
	CLI                // the latchkey command
)

// Describe turns any error from this package's callers into the words a
// person reads in face f. A cancelled sign-in says nothing (""), as the
// person asked for it.
func Describe(err error, f Face) string {
	if err == nil || errors.Is(err, context.Canceled) {
		return ""
	}
	return err.Error()
}

// sanitize keeps provider-supplied text to one printable line of sane
// length, safe for a terminal (safetext.Line).
func sanitize(s string) string { return safetext.Line(s, 300) }
