package auth

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"

	"latchkey/auth/provider"
)

// MaxResponseBytes bounds every provider response Latchkey reads. Token and
// profile responses are a few KB; 1 MiB is generous and keeps a broken or
// hostile provider from filling memory.
const MaxResponseBytes = 1 << 20

// guard is the http.RoundTripper every provider request goes through. It
// refuses plain http to anything but loopback hosts (TLS is always on, and
// always verified: guard never touches TLS settings), reads each response
// into memory up to MaxResponseBytes, and refuses HTML answers, so that the
// flows see either a protocol answer or a *ResponseError naming the endpoint.
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
// transport) via guard. Timeouts and redirects follow base.
func guardClient(base *http.Client) *http.Client {
	c := &http.Client{}
	if base != nil {
		*c = *base
	}
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
		return &ResponseError{Provider: info.provider, Endpoint: info.role, URL: where, Status: status, Problem: fmt.Sprintf(format, args...)}
	}
	if req.URL.Scheme != "https" && !(req.URL.Scheme == "http" && provider.IsLoopbackHost(req.URL.Hostname())) {
		return nil, fail(0, "was not contacted: it is not https (plain http is only allowed for 127.0.0.1/localhost)")
	}
	resp, err := g.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponseBytes+1))
	if err != nil {
		return nil, fail(resp.StatusCode, "broke off its answer (%v)", err)
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
