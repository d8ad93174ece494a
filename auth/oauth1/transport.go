package oauth1

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"sync"

	"github.com/mrjones/oauth"

	"latchkey/auth/provider"
)

// transport is the oauth.HttpClient (mrjones/oauth's one seam for the
// wire) that every mrjones Consumer of this package sends through. It sends
// with Config.HTTPClient, so the application's own rules for provider
// requests (in Latchkey, auth's guard: https or loopback, the size limit,
// no HTML pages) police OAuth 1.0a answers exactly as they police the rest.
//
// mrjones assembles each request (endpoint, method, the protocol parameters
// oauth_consumer_key, oauth_token, oauth_callback, oauth_verifier,
// oauth_version) and signs it with its own signer, a math/rand nonce and
// its own clock, none of which can be replaced: they are unexported. So
// transport re-signs every request before it leaves: it keeps mrjones'
// parameters, sets a crypto/rand nonce, the current timestamp and the
// configured signature method, signs with this package's signer (RFC 5849
// §3.4) and rewrites the Authorization header. mrjones' own signature is
// discarded.
//
// A transport for a token endpoint (endpoint != "") serves one request: it
// attaches ctx, reads the answer through provider.MaxResponseBytes and keeps it and
// a typed error for the caller, because mrjones flattens errors into
// strings (and prints response bodies into them). A transport for
// protected resources (endpoint == "") is shared by all requests of a
// Client and safe for concurrent use.
type transport struct {
	cfg         *Config
	signer      signer
	tokenSecret string
	ctx         context.Context
	send        func(*http.Request) (*http.Response, error)
	endpoint    string // RequestTokenEndpoint, AccessTokenEndpoint, or "" for resources

	// Token endpoints only.
	answer *answer
	err    error
}

var _ oauth.HttpClient = (*transport)(nil)

// answer is a token endpoint's reply, read in full.
type answer struct {
	status      int
	contentType string
	body        []byte
	form        url.Values
}

// Do implements oauth.HttpClient.
func (t *transport) Do(req *http.Request) (*http.Response, error) {
	target := t.endpoint
	if target == "" {
		target = "resource " + req.URL.Scheme + "://" + req.URL.Host + req.URL.Path
	}
	if err := checkURL(req.URL); err != nil {
		return nil, t.fail(fmt.Errorf("oauth1: refusing to send a signed request to the %s: it %w", target, err))
	}
	if err := t.resign(req); err != nil {
		return nil, t.fail(&SignatureError{Method: t.signer.method(), Target: target, Err: err})
	}
	if t.endpoint == "" {
		return t.sendResource(req)
	}
	resp, err := t.send(req.WithContext(t.ctx))
	if err != nil {
		return nil, t.fail(fmt.Errorf("oauth1: the request to the %s failed: %w", t.endpoint, err))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, provider.MaxResponseBytes+1))
	resp.Body.Close()
	if err != nil {
		return nil, t.fail(fmt.Errorf("oauth1: the %s broke off its answer: %w", t.endpoint, err))
	}
	if len(body) > provider.MaxResponseBytes {
		return nil, t.fail(&EndpointError{Endpoint: t.endpoint, Status: resp.StatusCode, Reason: "sent more than 1 MiB, far more than a token response", Err: ErrResponseTooLarge})
	}
	form, _ := url.ParseQuery(string(body))
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	t.answer = &answer{status: resp.StatusCode, contentType: ct, body: body, form: form}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, t.fail(t.answer.providerError(t.endpoint))
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	return resp, nil
}

// fail records err as the typed error of a token request and returns it.
func (t *transport) fail(err error) error {
	if t.endpoint != "" && t.err == nil {
		t.err = err
	}
	return err
}

// resign replaces mrjones' nonce, timestamp, signature method and signature
// on req (see transport).
func (t *transport) resign(req *http.Request) error {
	oauth, err := parseAuthorization(req.Header.Get("Authorization"))
	if err != nil {
		return err
	}
	oauth.Del("oauth_signature")
	oauth.Set("oauth_consumer_key", t.cfg.ConsumerKey)
	oauth.Set("oauth_signature_method", t.signer.method())
	oauth.Set("oauth_timestamp", strconv.FormatInt(t.cfg.clock().Unix(), 10))
	oauth.Set("oauth_nonce", t.cfg.newNonce())
	return authorize(req, oauth, t.cfg.Realm, t.signer, t.tokenSecret)
}

// sendResource sends a signed resource request, bounded by both its own
// context and the Client's ctx, until its body is closed.
func (t *transport) sendResource(req *http.Request) (*http.Response, error) {
	if t.ctx == nil || t.ctx.Done() == nil {
		return t.send(req)
	}
	ctx, cancel := context.WithCancel(req.Context())
	stop := context.AfterFunc(t.ctx, cancel)
	release := func() { stop(); cancel() }
	resp, err := t.send(req.WithContext(ctx))
	if err != nil {
		release()
		return nil, err
	}
	resp.Body = &releasingBody{ReadCloser: resp.Body, release: release}
	return resp, nil
}

// releasingBody calls release once when the body is closed.
type releasingBody struct {
	io.ReadCloser
	release func()
	once    sync.Once
}

func (b *releasingBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.release)
	return err
}

// providerError describes a token endpoint's answer that is not a token,
// from its status and shape, never quoting the body.
func (a *answer) providerError(endpoint string) *EndpointError {
	e := &EndpointError{Endpoint: endpoint, Status: a.status, Problem: sanitize(a.form.Get("oauth_problem"), 64)}
	trimmed := bytes.TrimSpace(a.body)
	switch {
	case a.status >= 300 && a.status <= 399:
		e.Reason = "redirected instead of answering"
	case a.status >= 500:
		e.Reason = "failed with a server error"
	case a.status >= 400:
		e.Reason = "refused the request"
	case a.contentType == "text/html" || a.contentType == "application/xhtml+xml" || bytes.HasPrefix(trimmed, []byte("<")):
		e.Reason = "answered with an HTML page instead of a form-encoded token response"
	case a.contentType == "application/json" || bytes.HasPrefix(trimmed, []byte("{")):
		e.Reason = "answered with JSON instead of a form-encoded token response"
	case len(trimmed) == 0:
		e.Reason = "answered with an empty body instead of a token response"
	default:
		e.Reason = "answered without oauth_token and oauth_token_secret, so it is not a token response"
	}
	return e
}

// checkURL accepts https, and plain http only to a loopback host: requests
// carry signatures and, with PLAINTEXT, the secrets themselves. It is
// provider.CheckURL, the one rule for every provider request; its error
// reads after "the URL" and never quotes the URL's query.
func checkURL(u *url.URL) error { return provider.CheckURL(u) }
