package auth

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"

	"latchkey/auth/provider"
)

// MaxResponseBytes bounds every provider response Latchkey reads: it is
// provider.MaxResponseBytes, the one limit (auth/oauth1 reads up to it too).
const MaxResponseBytes = provider.MaxResponseBytes

// guard is the http.RoundTripper every provider request goes through,
// OAuth 1.0a's included (auth/oauth1 sends with the Service's client). It
// refuses plain http to anything but loopback hosts (provider.CheckURL; TLS
// is always on, and always verified: guard never touches TLS settings),
// reads each response into memory up to MaxResponseBytes, and refuses HTML
// answers, so that the flows see either a protocol answer or a
// *ResponseError naming the endpoint. A request that gets no answer is a
// *ResponseError saying why (NetFailure), unless its context ended: that is
// the caller's to say (requestError).
type guard struct {
	next http.RoundTripper
}

type endpointKey struct{}

// endpointInfo tells guard which provider and endpoint role a request is
// for, so its errors can name them.
type endpointInfo struct{ provider, role string }

func withEndpoint(ctx context.Context, provider, role string) context.Context {
	return context.WithValue(ctx, endpointKey{}, endpointInfo{provider, role})
}

// guardClient returns a client that sends through base (nil: a default
// transport) via guard. Timeouts follow base; redirects follow
// checkRedirect, whatever base says.
func guardClient(base *http.Client) *http.Client {
	c := &http.Client{}
	if base != nil {
		*c = *base
	}
	c.CheckRedirect = checkRedirect
	next := c.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	if _, ok := next.(*guard); !ok {
		c.Transport = &guard{next: next}
	}
	return c
}

func (g *guard) RoundTrip(req *http.Request) (*http.Response, error) {
	info, _ := req.Context().Value(endpointKey{}).(endpointInfo)
	if info.role == "" {
		info.role = "provider"
	}
	where := req.URL.Scheme + "://" + req.URL.Host + req.URL.Path
	fail := func(status int, format string, args ...any) error {
		return newResponseError(info.provider, info.role, where, status, fmt.Sprintf(format, args...))
	}
	if err := provider.CheckURL(req.URL); err != nil {
		return nil, fail(0, "was not contacted: it is not https (plain http is only allowed for 127.0.0.1/localhost)")
	}
	resp, err := g.next.RoundTrip(req)
	if err != nil {
		if req.Context().Err() != nil {
			return nil, err // a cancel, the caller's deadline or Client.Timeout: requestError says which
		}
		return nil, noAnswer(info.provider, info.role, where, netFailure(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponseBytes+1))
	if err != nil {
		if req.Context().Err() != nil {
			return nil, err
		}
		e := noAnswer(info.provider, info.role, where, netFailure(err))
		e.Status = resp.StatusCode
		if e.Net == NetBroken {
			e.Problem = "broke off its answer"
		}
		return nil, e
	}
	if len(body) > MaxResponseBytes {
		return nil, fail(resp.StatusCode, "answered with more than %d bytes, far more than a sign-in response", MaxResponseBytes)
	}
	redirect := resp.StatusCode >= 300 && resp.StatusCode < 400 && resp.Header.Get("Location") != ""
	if !redirect && isHTML(resp.Header.Get("Content-Type"), body) {
		return nil, fail(resp.StatusCode, "answered with an HTML page instead of JSON or form data")
	}
	if resp.StatusCode >= 500 {
		return nil, fail(resp.StatusCode, "failed with a server error")
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	return resp, nil
}

// maxRedirects bounds the same-origin redirects one provider GET follows.
const maxRedirects = 5

// checkRedirect is the one redirect policy of every provider request sent
// through the Service's client (guardClient); auth/oauth1's signed
// resource requests apply it after their own same-host rule, and its token
// requests never follow a redirect at all. A redirect answer to a POST
// (token, refresh, revocation, device authorization and device token
// requests: RFC 6749 §3.2, RFC 7009 §2, RFC 8628 §3.1) is never followed:
// a 307 or 308 would resend the body (the code and its code_verifier, the
// client_secret, the refresh token) to wherever Location says, so it is a
// *ResponseError naming the provider and the endpoint. A GET (userinfo,
// discovery, JWKS: each either carries the access token or fetches what
// decides who the person is) follows at most maxRedirects redirects, and
// only within its origin (scheme, host and port, RFC 6454 §4); a redirect
// to another origin is refused the same way. Profile pictures (Avatar) do
// not use this client: they carry no credential and may live on a CDN.
func checkRedirect(req *http.Request, via []*http.Request) error {
	first := via[0]
	info, _ := first.Context().Value(endpointKey{}).(endpointInfo)
	if info.role == "" {
		info.role = "provider"
	}
	status := 0
	if req.Response != nil {
		status = req.Response.StatusCode
	}
	where := first.URL.Scheme + "://" + first.URL.Host + first.URL.Path
	target := req.URL.Scheme + "://" + req.URL.Host
	switch {
	case first.Method != http.MethodGet && first.Method != http.MethodHead:
		return newResponseError(info.provider, info.role, where, status,
			"answered with a redirect to another address ("+sanitize(target)+"), which Latchkey does not follow for a request that carries credentials")
	case !sameOrigin(req.URL, first.URL):
		return newResponseError(info.provider, info.role, where, status,
			"answered with a redirect to another address ("+sanitize(target)+"), which Latchkey does not follow: only redirects within "+first.URL.Scheme+"://"+first.URL.Host+" are")
	case len(via) > maxRedirects:
		return newResponseError(info.provider, info.role, where, status, fmt.Sprintf("answered with more than %d redirects, which Latchkey does not follow further", maxRedirects))
	}
	return nil
}

// sameOrigin reports whether a and b share scheme, host and port (RFC 6454
// §4; an absent port is the scheme's default).
func sameOrigin(a, b *url.URL) bool {
	port := func(u *url.URL) string {
		if p := u.Port(); p != "" {
			return p
		}
		switch strings.ToLower(u.Scheme) {
		case "https":
			return "443"
		case "http":
			return "80"
		}
		return ""
	}
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Hostname(), b.Hostname()) && port(a) == port(b)
}

// NetFailure says why a request to a provider brought no answer, so the
// words can say what happened and what to do without quoting a Go error.
type NetFailure int

// The ways a request can fail before an answer.
const (
	NetAnswered    NetFailure = iota // an answer came (or nothing was sent)
	NetUnreachable                   // no connection: unknown host, refused, no route
	NetTimeout                       // no answer in time
	NetUntrusted                     // TLS: the certificate could not be verified
	NetBroken                        // the connection failed or closed without an answer
)

// problem is what a request that failed this way did, in words.
func (n NetFailure) problem() string {
	switch n {
	case NetUnreachable:
		return "cannot be reached"
	case NetTimeout:
		return "did not answer in time"
	case NetUntrusted:
		return "cannot be trusted: its TLS certificate could not be verified"
	}
	return "closed the connection without an answer"
}

// netFailure classifies the error of a request that got no answer, by type
// (errors.As/errors.Is), never by its text.
func netFailure(err error) NetFailure {
	var (
		verify    *tls.CertificateVerificationError
		unknownCA x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		timeout   interface{ Timeout() bool }
		dns       *net.DNSError
		op        *net.OpError
	)
	switch {
	case errors.As(err, &verify), errors.As(err, &unknownCA), errors.As(err, &hostname), errors.As(err, &invalid):
		return NetUntrusted
	case errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, context.DeadlineExceeded),
		errors.As(err, &timeout) && timeout.Timeout():
		return NetTimeout
	case errors.As(err, &dns), errors.As(err, &op) && op.Op == "dial":
		return NetUnreachable
	}
	return NetBroken
}

// noAnswer is the *ResponseError for a request to name's role endpoint at
// rawURL that got no answer, for the reason n.
func noAnswer(name, role, rawURL string, n NetFailure) *ResponseError {
	e := newResponseError(name, role, rawURL, 0, n.problem())
	e.Net = n
	return e
}

// requestError is the one classifier for a failed request (an error from
// http.Client.Do, or anything wrapping one) to provider name's role
// endpoint at rawURL. It returns ctx's own error when ctx is done (a cancel
// says nothing; the sign-in's deadline is login's to word), the guard's
// *ResponseError as it is, a cancel as it is, and otherwise a
// *ResponseError saying plainly that the endpoint cannot be reached, did
// not answer in time, or has a certificate that could not be verified: never
// the Go error's text.
func requestError(ctx context.Context, name, role, rawURL string, err error) error {
	if err == nil {
		return nil
	}
	if ctx != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	var re *ResponseError
	if errors.As(err, &re) {
		return re
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	return noAnswer(name, role, rawURL, netFailure(err))
}

// isHTML reports whether a response is a web page. The label alone is not
// enough: some OAuth 1.0a providers (legacy Twitter among them) send their
// form-encoded token answers labelled text/html, so an HTML label counts
// only when the body looks like markup too.
func isHTML(contentType string, body []byte) bool {
	ct, _, _ := mime.ParseMediaType(contentType)
	looksLikeMarkup := len(bytes.TrimSpace(body)) > 0 && bytes.TrimSpace(body)[0] == '<'
	switch ct {
	case "text/html", "application/xhtml+xml":
		return looksLikeMarkup
	case "", "text/plain", "application/octet-stream":
		lower := bytes.ToLower(bytes.TrimSpace(body))
		return bytes.HasPrefix(lower, []byte("<!doctype html")) || bytes.HasPrefix(lower, []byte("<html"))
	}
	return false
}
