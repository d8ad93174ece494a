package oauth1

import (
	"errors"
	"fmt"
	"strings"

	"latchkey/auth/safetext"
)

// Endpoint roles, as errors name them.
const (
	RequestTokenEndpoint = "request-token endpoint" // RFC 5849 §2.1 temporary credentials
	AccessTokenEndpoint  = "access-token endpoint"  // RFC 5849 §2.3 token credentials
)

// Sentinel errors. Each can be matched with errors.Is; none of their
// messages holds a token, secret or verifier.
//
// Like every error of this package they state what happened, tersely; what
// a person should do about it (which providers.toml field to check, which
// button or command starts again) is said by the application (auth.Describe).
var (
	// ErrCallbackNotConfirmed: the request-token answer lacked
	// oauth_callback_confirmed=true (RFC 5849 §2.1; compared
	// case-insensitively). Without it the provider speaks OAuth 1.0 without
	// the session-fixation fix of 1.0a, and its callback cannot be trusted.
	ErrCallbackNotConfirmed = errors.New("oauth1: the request-token endpoint did not confirm the callback (no oauth_callback_confirmed=true): the provider does not speak OAuth 1.0a")

	// ErrTokenMismatch: the callback's oauth_token is missing or is not the
	// request token of this sign-in (RFC 5849 §2.2). The callback may come
	// from another sign-in or from someone else; it is ignored.
	ErrTokenMismatch = errors.New("oauth1: the callback's oauth_token does not belong to this sign-in")

	// ErrMissingVerifier: the callback carried no oauth_verifier, or the
	// verifier entered for an "oob" sign-in is empty (RFC 5849 §2.2).
	ErrMissingVerifier = errors.New("oauth1: no oauth_verifier was received")

	// ErrAccessDenied: the person refused access at the provider. A
	// *CallbackError reporting a refusal matches it with errors.Is.
	ErrAccessDenied = errors.New("oauth1: access was denied at the provider")

	// ErrResponseTooLarge: a token endpoint answered with more than
	// provider.MaxResponseBytes. An *EndpointError wraps it.
	ErrResponseTooLarge = errors.New("oauth1: response larger than 1 MiB")
)

// EndpointError is a token-endpoint answer that is not a token: a non-2xx
// status, or a body that is not a form-encoded token response (an HTML
// page, JSON, an oversized body). It never holds the response body itself,
// only a description safe to show.
type EndpointError struct {
	Endpoint string // RequestTokenEndpoint or AccessTokenEndpoint
	Status   int    // HTTP status of the answer
	// Problem is the oauth_problem of a form-encoded answer (OAuth Problem
	// Reporting extension), e.g. "signature_invalid"; "" when there was none.
	// It is reduced to printable ASCII and at most 64 bytes.
	Problem string
	// Reason says what was wrong, e.g. "answered with an HTML page instead
	// of a form-encoded token response".
	Reason string
	// Err is the cause, when there is one beyond the answer itself (such as
	// ErrResponseTooLarge); nil otherwise.
	Err error
}

func (e *EndpointError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "oauth1: the %s answered HTTP %d: %s", e.Endpoint, e.Status, e.Reason)
	if e.Problem != "" {
		fmt.Fprintf(&b, " (oauth_problem=%s)", e.Problem)
	}
	return b.String()
}

func (e *EndpointError) Unwrap() error { return e.Err }

// CallbackError is a refusal or error the provider reported in the
// callback instead of a verifier: an oauth_problem parameter (OAuth Problem
// Reporting extension), a "denied" parameter (as Twitter sends), or an
// OAuth 2.0 style "error". A refusal by the person matches ErrAccessDenied.
type CallbackError struct {
	// Problem is the reported problem, e.g. "user_refused", "denied",
	// "access_denied"; printable ASCII, at most 64 bytes.
	Problem string
	// Description is oauth_problem_advice or error_description, if any;
	// printable ASCII, at most 200 bytes.
	Description string
}

func (e *CallbackError) Error() string {
	s := "oauth1: the provider reported " + e.Problem + " instead of a verifier"
	if e.Description != "" {
		s += ": " + e.Description
	}
	return s
}

// Is reports whether target is ErrAccessDenied and e is a refusal.
func (e *CallbackError) Is(target error) bool {
	return target == ErrAccessDenied && e.denied()
}

// Denied reports whether e is the person's refusal (denied, user_refused,
// permission_denied, access_denied) rather than an error.
func (e *CallbackError) Denied() bool { return e.denied() }

func (e *CallbackError) denied() bool {
	switch e.Problem {
	case "denied", "user_refused", "permission_denied", "access_denied":
		return true
	}
	return false
}

// SignatureError is a request that could not be signed, and so was not
// sent: for RSA-SHA1 typically a key crypto/rsa refuses (fewer than 1024
// bits, or inconsistent values).
type SignatureError struct {
	Method string // the signature method, e.g. "RSA-SHA1"
	Target string // the endpoint role, or "resource scheme://host/path"
	Err    error
}

func (e *SignatureError) Error() string {
	return fmt.Sprintf("oauth1: could not sign the request to the %s with %s: %v", e.Target, e.Method, e.Err)
}

func (e *SignatureError) Unwrap() error { return e.Err }

// SetupError is a Config that cannot be used. Field is the Go field name
// (Config.X), Problem says what is wrong with it.
type SetupError struct {
	Field   string
	Problem string
}

func (e *SetupError) Error() string {
	return "oauth1: Config." + e.Field + " " + e.Problem
}

// KeyFileError is an RSA private key file LoadRSAKey could not use.
type KeyFileError struct {
	Path    string
	Problem string // what is wrong
	Err     error  // the underlying error, if any
}

func (e *KeyFileError) Error() string {
	s := fmt.Sprintf("oauth1: RSA key file %s: %s", e.Path, e.Problem)
	if e.Err != nil {
		s += fmt.Sprintf(" (%v)", e.Err)
	}
	return s
}

func (e *KeyFileError) Unwrap() error { return e.Err }

// sanitize reduces s, which came from the network, to one safe line of
// at most max bytes (safetext.Line).
func sanitize(s string, max int) string { return safetext.Line(s, max) }
