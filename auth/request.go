package auth

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"latchkey/auth/oauth1"
	"latchkey/auth/provider"
)

// MaxAPIResponseBytes bounds the answer of one authorised API request
// (Service.Do), and the body of the request itself. It is separate from
// MaxResponseBytes (1 MiB), which bounds protocol answers: a token or a
// profile is a few KB, so anything near 1 MiB there is a broken or hostile
// provider, while an API answer (a repository listing, a file) is
// legitimately larger. 32 MiB is still small enough to hold in memory,
// which Do does so that a 401 can be retried and the caller gets a body
// that cannot break off halfway.
const MaxAPIResponseBytes = 32 << 20

// RequestOptions tune one Service.Do.
type RequestOptions struct {
	// AllowHosts are further hosts ("host" for any port, or "host:port")
	// that may receive the credentials for this request, besides the
	// provider's own (see Do). The https-or-loopback rule still applies.
	AllowHosts []string
}

// Do sends req on behalf of provider id's signed-in account and returns
// the answer, its body read in full (at most MaxAPIResponseBytes). Any
// HTTP status is an answer, not an error.
//
// The account's token comes from Token (refreshed first when it is about
// to expire). The request is authorised as CapabilitiesOf says: an
// "Authorization: Bearer" header (RFC 6750 §2.1), or a fresh RFC 5849
// signature over the method, URL, query and a form body, with the
// provider's signature method (auth/oauth1's signer). Any Authorization
// header req already has is replaced. A 401 to a token that looked valid
// (Token did not just refresh it) causes one refresh, when the account can
// be refreshed, and one retry: never more.
//
// Credential confinement: the credential is only sent to the origins
// (scheme, host, port) of api_base_url, userinfo_url and the provider's
// endpoints (for OpenID Connect, those discovery names too), and to
// opts.AllowHosts. A request to any other URL is refused before anything
// is sent (*HostNotAllowedError). Plain http is refused except to loopback
// hosts. Redirects (at most 5) are followed; a hop to an allowed origin is
// authorised anew (signed again for OAuth 1.0a); a hop elsewhere is sent
// without the credential (the Authorization header is removed), and one
// that would resend a request body there (307, 308 after a POST) is
// refused. So a redirect never carries the credential off the provider's
// hosts, and downloads that redirect to a CDN still work.
func (s *Service) Do(ctx context.Context, id string, req *http.Request, opts RequestOptions) (*http.Response, error) {
	p, err := s.Provider(id)
	if err != nil {
		return nil, err
	}
	before, err := s.load(p)
	if err != nil {
		return nil, err
	}
	a, err := s.Token(ctx, id)
	if err != nil {
		return nil, err
	}
	allowed, err := s.credentialOrigins(ctx, p, opts.AllowHosts)
	if err != nil {
		return nil, err
	}
	if err := allowed.check(p, req.URL); err != nil {
		return nil, err
	}
	body, err := readRequestBody(p, req)
	if err != nil {
		return nil, err
	}
	resp, err := s.send(ctx, p, a, req, body, allowed)
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
	}
	can := CapabilitiesOf(p)
	justRefreshed := a.Token.AccessToken != before.Token.AccessToken
	if justRefreshed || !can.Refreshable || !can.CanRefresh(a) {
		return resp, nil
	}
	fresh, err := s.refresh(ctx, p, nil)
	if err != nil {
		return nil, err
	}
	return s.send(ctx, p, fresh, req, body, allowed)
}

// readRequestBody reads req's body (at most MaxAPIResponseBytes) so that
// it can be signed and sent again.
func readRequestBody(p *provider.Provider, req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	defer req.Body.Close()
	body, err := io.ReadAll(io.LimitReader(req.Body, MaxAPIResponseBytes+1))
	if err != nil {
		return nil, &RequestBodyError{Provider: p.DisplayName(), Problem: "could not be read"}
	}
	if len(body) > MaxAPIResponseBytes {
		return nil, &RequestBodyError{Provider: p.DisplayName(), Problem: fmt.Sprintf("is larger than %d MiB, more than Latchkey sends in one request", MaxAPIResponseBytes>>20)}
	}
	return body, nil
}

// send sends one try of req (body is its body) with a's credentials and
// reads the answer.
func (s *Service) send(ctx context.Context, p *provider.Provider, a *Account, req *http.Request, body []byte, allowed origins) (*http.Response, error) {
	var c *oauth1.Config
	if CapabilitiesOf(p).Request == AuthSignature {
		var err error
		if c, err = s.oauth1Config(p); err != nil {
			return nil, err
		}
	}
	next := http.DefaultTransport
	if g, ok := s.http.Transport.(*guard); ok {
		next = g.next
	}
	name := p.DisplayName()
	client := &http.Client{
		Timeout:   s.http.Timeout,
		Transport: &credTransport{next: next, p: p, a: a, oauth1: c, allowed: allowed},
		CheckRedirect: func(r *http.Request, via []*http.Request) error {
			status := 0
			if r.Response != nil {
				status = r.Response.StatusCode
			}
			where := via[0].URL.Scheme + "://" + via[0].URL.Host + via[0].URL.Path
			target := sanitize(r.URL.Scheme + "://" + r.URL.Host)
			switch {
			case len(via) > maxRedirects:
				return newResponseError(name, "API", where, status, fmt.Sprintf("answered with more than %d redirects, which Latchkey does not follow further", maxRedirects))
			case provider.CheckURL(r.URL) != nil:
				return newResponseError(name, "API", where, status, "answered with a redirect to "+target+", which Latchkey does not follow: it is not https")
			case !allowed.allows(r.URL) && r.GetBody != nil && r.Body != nil && r.Body != http.NoBody:
				return newResponseError(name, "API", where, status, "answered with a redirect to another host ("+target+") that would receive the request's body again, which Latchkey does not follow")
			}
			return nil
		},
	}
	try := req.Clone(ctx)
	if body != nil {
		try.Body = io.NopCloser(bytes.NewReader(body))
		try.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		try.ContentLength = int64(len(body))
	}
	where := req.URL.Scheme + "://" + req.URL.Host + req.URL.Path
	resp, err := client.Do(try)
	if err != nil {
		var (
			hn  *HostNotAllowedError
			se  *oauth1.SignatureError
			cfg *oauth1.SetupError
		)
		switch {
		case errors.As(err, &hn):
			return nil, hn
		case errors.As(err, &se), errors.As(err, &cfg):
			return nil, oauth1Error(p, err)
		}
		return nil, requestError(ctx, name, "API", where, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxAPIResponseBytes+1))
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		e := noAnswer(name, "API", where, netFailure(err))
		e.Status = resp.StatusCode
		e.Problem = "broke off its answer"
		return nil, e
	}
	if len(data) > MaxAPIResponseBytes {
		return nil, newResponseError(name, "API", where, resp.StatusCode, fmt.Sprintf("answered with more than %d MiB, more than Latchkey reads for one API answer", MaxAPIResponseBytes>>20))
	}
	resp.Body = io.NopCloser(bytes.NewReader(data))
	resp.ContentLength = int64(len(data))
	return resp, nil
}

// credTransport authorises each request of one Do try that goes to an
// allowed origin, and removes the Authorization header from the others (a
// redirect elsewhere). The first request of a try must be allowed.
type credTransport struct {
	next    http.RoundTripper
	p       *provider.Provider
	a       *Account
	oauth1  *oauth1.Config // nil for Bearer
	allowed origins
}

func (t *credTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	where := req.URL.Scheme + "://" + req.URL.Host + req.URL.Path
	if err := provider.CheckURL(req.URL); err != nil {
		return nil, newResponseError(t.p.DisplayName(), "API", where, 0, "was not contacted: it is not https (plain http is only allowed for 127.0.0.1/localhost)")
	}
	out := req.Clone(req.Context()) // RoundTrip must not change req; the body is shared
	out.Header.Del("Authorization")
	switch {
	case !t.allowed.allows(req.URL):
		if req.Response == nil { // not a redirect: Do checked it, but never send
			return nil, t.allowed.refusal(t.p, req.URL)
		}
	case t.oauth1 != nil:
		if err := t.oauth1.Sign(out, oauth1AccessToken(t.a)); err != nil {
			return nil, err
		}
	default:
		out.Header.Set("Authorization", strings.TrimPrefix(t.a.Credential(CredAuthorization), "Authorization: "))
	}
	return t.next.RoundTrip(out)
}

// origins are where one request's credentials may go.
type origins struct {
	urls  []*url.URL // scheme, host and port
	hosts []string   // opts.AllowHosts, lower case: "host" or "host:port"
}

// credentialOrigins collects p's origins: api_base_url, userinfo_url and
// every endpoint (resolved: for OpenID Connect, discovery's), plus extra.
func (s *Service) credentialOrigins(ctx context.Context, p *provider.Provider, extra []string) (origins, error) {
	raw := []string{p.APIBaseURL, p.UserinfoURL, p.AuthorizeURL, p.AccessTokenURL, p.RequestTokenURL, p.RevokeURL, p.DeviceAuthorizationURL, p.Issuer}
	if CapabilitiesOf(p).Request == AuthBearer {
		r, err := s.resolve(ctx, p)
		if err != nil {
			return origins{}, err
		}
		raw = append(raw, r.authorizeURL, r.tokenURL, r.userinfoURL, r.revokeURL, r.deviceURL)
	}
	var o origins
	for _, v := range raw {
		if u, err := url.Parse(v); err == nil && v != "" && provider.CheckURL(u) == nil {
			o.urls = append(o.urls, u)
		}
	}
	for _, h := range extra {
		if h = strings.ToLower(strings.TrimSpace(h)); h != "" {
			o.hosts = append(o.hosts, h)
		}
	}
	return o, nil
}

// allows reports whether u's origin may receive the credentials.
func (o origins) allows(u *url.URL) bool {
	for _, a := range o.urls {
		if sameOrigin(a, u) {
			return true
		}
	}
	host := strings.ToLower(u.Hostname())
	return slices.Contains(o.hosts, host) || slices.Contains(o.hosts, strings.ToLower(u.Host))
}

// check is the confinement check before anything is sent: u must be
// https (or http to loopback) and allowed.
func (o origins) check(p *provider.Provider, u *url.URL) error {
	if err := provider.CheckURL(u); err != nil {
		return &HostNotAllowedError{Provider: p.DisplayName(), ID: p.ID, Host: sanitize(u.Host), Insecure: u.Scheme == "http" && u.Host != "", Problem: err.Error()}
	}
	if !o.allows(u) {
		return o.refusal(p, u)
	}
	return nil
}

func (o origins) refusal(p *provider.Provider, u *url.URL) *HostNotAllowedError {
	e := &HostNotAllowedError{Provider: p.DisplayName(), ID: p.ID, Host: sanitize(u.Host)}
	seen := map[string]bool{}
	for _, a := range o.urls {
		if k := a.Scheme + "://" + a.Host; !seen[k] {
			seen[k] = true
			e.Allowed = append(e.Allowed, sanitize(k))
		}
	}
	return e
}

// HostNotAllowedError says a request was not sent because its URL is not
// where provider ID's credentials may go (Do's confinement), or not https.
type HostNotAllowedError struct {
	Provider, ID string
	Host         string   // host[:port] of the refused URL
	Allowed      []string // the origins that may receive them
	Insecure     bool     // plain http to a host that is not loopback
	Problem      string   // for a URL that is not https: provider.CheckURL's words
}

func (e *HostNotAllowedError) Error() string {
	if e.Problem != "" {
		return "Latchkey did not send " + e.Provider + "'s credentials: the URL " + e.Problem
	}
	s := "Latchkey did not send " + e.Provider + "'s credentials to " + e.Host + ": it is neither " + e.Provider + "'s API (api_base_url) nor one of its endpoints"
	if len(e.Allowed) > 0 {
		s += " (they go only to " + strings.Join(e.Allowed, ", ") + ")"
	}
	return s
}

// RequestBodyError says the body of an API request could not be used.
type RequestBodyError struct {
	Provider string
	Problem  string
}

func (e *RequestBodyError) Error() string {
	return "the body of the request to " + e.Provider + " " + e.Problem
}

// NoAPIBaseError says a relative API path was given for a provider without
// api_base_url.
type NoAPIBaseError struct {
	Provider, ID string
	Path         string
}

func (e *NoAPIBaseError) Error() string {
	return e.Provider + " has no api_base_url in providers.toml, so the path " + sanitize(e.Path) + " has nowhere to go"
}

// APIURL returns where path goes for provider id: path itself when it is
// an absolute URL, else path joined to api_base_url (a *NoAPIBaseError
// when there is none). A joined path keeps api_base_url's own path:
// "/user" on https://gitlab.com/api/v4 is https://gitlab.com/api/v4/user.
func (s *Service) APIURL(id, path string) (*url.URL, error) {
	p, err := s.Provider(id)
	if err != nil {
		return nil, err
	}
	if u, err := url.Parse(path); err == nil && u.IsAbs() {
		return u, nil
	}
	if p.APIBaseURL == "" {
		return nil, &NoAPIBaseError{Provider: p.DisplayName(), ID: p.ID, Path: path}
	}
	joined := strings.TrimRight(p.APIBaseURL, "/") + "/" + strings.TrimLeft(path, "/")
	u, err := url.Parse(joined)
	if err != nil {
		return nil, &NoAPIBaseError{Provider: p.DisplayName(), ID: p.ID, Path: path}
	}
	return u, nil
}

// RequestAuthError says a credential was asked for in a form provider ID's
// requests do not use: a fixed Authorization header from a provider that
// signs each request (OAuth 1.0a), or a signature from a Bearer provider.
type RequestAuthError struct {
	Provider, ID string
	Request      RequestAuth // how the provider's requests are authorised
}

func (e *RequestAuthError) Error() string {
	if e.Request == AuthSignature {
		return e.Provider + " signs every request anew (OAuth 1.0a), so it has no fixed Authorization header"
	}
	return e.Provider + "'s requests carry a Bearer token, not an OAuth 1.0a signature"
}

// Sign returns the OAuth 1.0a Authorization header value ("OAuth …") for
// one request (method and rawURL, whose query is signed) by provider id's
// account, to be sent by another program. The same confinement as Do
// applies to rawURL (with PLAINTEXT the header holds the secrets
// themselves). A Bearer provider is a *RequestAuthError.
func (s *Service) Sign(ctx context.Context, id, method, rawURL string, opts RequestOptions) (string, error) {
	p, err := s.Provider(id)
	if err != nil {
		return "", err
	}
	if CapabilitiesOf(p).Request != AuthSignature {
		return "", &RequestAuthError{Provider: p.DisplayName(), ID: p.ID, Request: CapabilitiesOf(p).Request}
	}
	u, err := s.APIURL(id, rawURL)
	if err != nil {
		return "", err
	}
	a, err := s.Token(ctx, id)
	if err != nil {
		return "", err
	}
	allowed, err := s.credentialOrigins(ctx, p, opts.AllowHosts)
	if err != nil {
		return "", err
	}
	if err := allowed.check(p, u); err != nil {
		return "", err
	}
	c, err := s.oauth1Config(p)
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, strings.ToUpper(method), u.String(), nil)
	if err != nil {
		return "", &NoAPIBaseError{Provider: p.DisplayName(), ID: p.ID, Path: rawURL}
	}
	if err := c.Sign(req, oauth1AccessToken(a)); err != nil {
		return "", oauth1Error(p, err)
	}
	return req.Header.Get("Authorization"), nil
}

// GitProvider returns the provider whose git_hosts claims host (as git's
// credential protocol sends it: "example.com" or "example.com:8443";
// case-insensitive), the first in config order, or nil.
func (s *Service) GitProvider(host string) *provider.Provider {
	cfg := s.Config()
	for i := range cfg.Providers {
		p := &cfg.Providers[i]
		for _, h := range p.GitHosts {
			if strings.EqualFold(h, host) {
				return p
			}
		}
	}
	return nil
}

// Rejected records that a program (git, after its credential helper's
// answer) was refused with token, provider id's access token: the stored
// token is marked expired now, so the next Token refreshes it first (or,
// without a refresh token, says to sign in again). The account is never
// deleted. A token that is not the stored one (already refreshed, or not
// Latchkey's) changes nothing; so does an OAuth 1.0a account, whose tokens
// do not expire (Refresh rechecks them). It reports whether it marked.
func (s *Service) Rejected(ctx context.Context, id, token string) (bool, error) {
	p, err := s.Provider(id)
	if err != nil {
		return false, err
	}
	a, err := s.load(p)
	if err != nil {
		return false, err
	}
	if !CapabilitiesOf(p).Expires || subtle.ConstantTimeCompare([]byte(token), []byte(a.Token.AccessToken)) != 1 {
		return false, nil
	}
	now := s.now()
	if e := a.Token.Expiry; !e.IsZero() && !e.After(now) {
		return false, nil // already expired
	}
	stale := *a
	stale.Token.Expiry = now
	stored, err := s.commit(ctx, p, a, &stale)
	if err != nil {
		return false, err
	}
	return stored == &stale, nil
}

// APIStatusError says an API answered a request with a status other than
// 2xx. Message is the provider's own error message from the body (cut and
// made safe to show), when it has one.
type APIStatusError struct {
	Provider, ID string
	Method, URL  string // URL: scheme://host/path only, never a query
	Status       int
	StatusText   string // e.g. "404 Not Found"
	Message      string
}

func (e *APIStatusError) Error() string {
	s := e.Provider + " answered " + e.Method + " " + e.URL + " with HTTP " + e.StatusText
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// StatusError returns the *APIStatusError for resp, the answer to req
// sent by Do for provider id, whose body is body; nil for a 2xx answer.
func (s *Service) StatusError(id string, req *http.Request, resp *http.Response, body []byte) error {
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return nil
	}
	e := &APIStatusError{ID: id, Provider: id, Method: req.Method, Status: resp.StatusCode, StatusText: sanitize(resp.Status),
		URL: sanitize(req.URL.Scheme + "://" + req.URL.Host + req.URL.Path), Message: apiMessage(body)}
	if p, err := s.Provider(id); err == nil {
		e.Provider = p.DisplayName()
	}
	if e.StatusText == "" {
		e.StatusText = fmt.Sprint(resp.StatusCode)
	}
	return e
}

// apiMessage finds the error message in an API's error answer: the JSON
// members APIs use for it (message: GitHub, GitLab; error_description and
// error: OAuth 2.0, RFC 6750 §3; error.message: Google, Microsoft Graph;
// errors[0].message: GraphQL, Twitter), or the first line of a short text
// answer. It is cut to 300 characters and made safe to show.
func apiMessage(body []byte) string {
	var doc map[string]any
	if json.Unmarshal(body, &doc) == nil {
		str := func(v any) string { s, _ := v.(string); return s }
		if m := str(doc["message"]); m != "" {
			return sanitize(m)
		}
		if m := str(doc["error_description"]); m != "" {
			return sanitize(m)
		}
		if m := str(doc["error"]); m != "" {
			return sanitize(m)
		}
		if obj, ok := doc["error"].(map[string]any); ok && str(obj["message"]) != "" {
			return sanitize(str(obj["message"]))
		}
		if list, ok := doc["errors"].([]any); ok && len(list) > 0 {
			if obj, ok := list[0].(map[string]any); ok && str(obj["message"]) != "" {
				return sanitize(str(obj["message"]))
			}
			if m := str(list[0]); m != "" {
				return sanitize(m)
			}
		}
		return ""
	}
	text := strings.TrimSpace(string(body))
	if text == "" || strings.HasPrefix(text, "<") || len(text) > 2000 {
		return "" // empty, a web page, or too long to be a message
	}
	line, _, _ := strings.Cut(text, "\n")
	return sanitize(line)
}
