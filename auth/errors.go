package auth

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"latchkey/auth/safetext"
	"latchkey/loopback"
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
	if r := e.remedy(); r != "" {
		b.WriteString("; " + r)
	}
	return b.String()
}

// ResponseError is a provider answer that is not a protocol answer at all
// (an HTML page, an oversized body, a 5xx, unparsable content), or no answer
// (Net says why). Build one with newResponseError or requestError.
type ResponseError struct {
	Provider string
	Endpoint string // role, e.g. "token"
	URL      string // scheme://host/path only: never a query
	Status   int
	Problem  string     // what was wrong, e.g. "answered with an HTML page instead of JSON"
	Net      NetFailure // why no answer came; NetAnswered when one did
}

func (e *ResponseError) Error() string {
	s := fmt.Sprintf("%s's %s endpoint (%s) %s", e.Provider, e.Endpoint, e.URL, e.Problem)
	if e.Status != 0 {
		s += fmt.Sprintf(" (HTTP %d)", e.Status)
	}
	return s + "; " + e.remedy()
}

// newResponseError is the one constructor of a *ResponseError about an
// answer: provider name's role endpoint at rawURL (its query and fragment
// are dropped) answered with status (0: nothing was sent) and problem, a
// phrase that reads after the endpoint, e.g. "answered without an
// access_token". For a request that got no answer, use requestError.
func newResponseError(name, role, rawURL string, status int, problem string) *ResponseError {
	return &ResponseError{Provider: name, Endpoint: role, URL: shownURL(rawURL), Status: status, Problem: problem}
}

// shownURL is rawURL as messages show it: scheme://host/path, without user
// info, query or fragment.
func shownURL(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return endpointURL(rawURL)
	}
	return u.Scheme + "://" + u.Host + u.Path
}

// UnknownProviderError names a provider id that is not configured. What to
// add where is said by Describe, per face.
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
	return s
}

// ErrNotSignedIn is returned (wrapped in a *SignInError) when an account is
// needed and none is stored.
var ErrNotSignedIn = errors.New("not signed in")

// ErrExpired is returned (wrapped in a *SignInError) when the stored access
// token has expired and cannot be refreshed.
var ErrExpired = errors.New("the access token has expired")

// SignInError says that the person must sign in (again) to provider ID.
// Error states the fact; Describe says how to sign in, per face (a command
// on the command line, a button in the window).
type SignInError struct {
	ID, Name string
	Err      error // ErrNotSignedIn, ErrExpired or ErrRefused
}

func (e *SignInError) Error() string {
	return fmt.Sprintf("%s: %v", e.Name, e.Err)
}

func (e *SignInError) Unwrap() error { return e.Err }

// errStateMismatch is a callback whose state does not match the sign-in
// in progress (RFC 6749 §10.12): possibly a forged request. No code is
// exchanged, and it wraps loopback.ErrForeign, so the browser that sent it
// gets an error page while the sign-in goes on waiting for its own answer.
var errStateMismatch = fmt.Errorf("the answer from the browser does not belong to this sign-in (state mismatch); nothing was exchanged, start the sign-in again: %w", loopback.ErrForeign)

// sanitize keeps provider-supplied text to one printable line of sane
// length, safe for a terminal (safetext.Line).
func sanitize(s string) string { return safetext.Line(s, 300) }
