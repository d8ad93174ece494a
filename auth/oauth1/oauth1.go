// Package oauth1 is the client side of OAuth 1.0a (RFC 5849): request
// token, authorization URL, callback check, access token, and an
// *http.Client that signs protected-resource requests.
//
// It is built on github.com/mrjones/oauth, which assembles and sends the
// requests and parses token answers. Its gaps are covered through the one
// exported seam it has, Consumer.HttpClient (see transport), and each
// override exists for a reason:
//
//   - token requests are POSTed (unless TokenMethod says GET): mrjones defaults to GET, which puts the
//     protocol parameters in URLs that proxies and logs keep (consumer);
//   - every request is re-signed with a crypto/rand nonce: mrjones draws
//     nonces from math/rand, which can repeat and be predicted (resign);
//   - PLAINTEXT is signed here: mrjones has none (its signer is
//     unexported, so every method goes through this package's signer);
//   - RSA-SHA1 signing errors are returned: mrjones sends an empty
//     signature instead (SignatureError);
//   - requests honour a context: mrjones takes none, so a cancelled sign-in
//     would keep waiting (tokenTransport, sendResource);
//   - answers are read through provider.MaxResponseBytes and turned into
//     typed errors that never quote a token or secret: mrjones prints whole
//     bodies and request headers into its error strings (EndpointError).
//
// Requests go out through Config.HTTPClient and nothing else, so the
// application's rules for talking to providers apply unchanged: Latchkey
// passes auth's guarded client (https or loopback, the size limit, no HTML
// pages).
//
// A typical sign-in:
//
//	rt, err := cfg.RequestToken(ctx, callbackURL) // or "oob"
//	u, err := cfg.AuthorizationURL(rt)             // open in the browser
//	v, err := cfg.Verifier(rt, callbackQuery)      // or the pasted code
//	at, err := cfg.AccessToken(ctx, rt, v)
//	client, err := cfg.Client(ctx, at)             // signed GET of the profile
package oauth1

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/subtle"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/mrjones/oauth"
)

// Config describes one OAuth 1.0a provider and this application's
// registration with it. Fill it in, then call its methods; a Config is not
// modified by them and is safe for concurrent use.
type Config struct {
	// ConsumerKey and ConsumerSecret are the client credentials (RFC 5849
	// §1.1). ConsumerSecret is unused with RSA-SHA1.
	ConsumerKey, ConsumerSecret string

	// RequestTokenURL (temporary credentials, §2.1), AuthorizeURL (resource
	// owner authorization, §2.2) and AccessTokenURL (token credentials,
	// §2.3) must be https, or plain http to a loopback host.
	RequestTokenURL, AuthorizeURL, AccessTokenURL string

	// SignatureMethod is HMACSHA1 (the default when empty), HMACSHA256,
	// RSASHA1 or PLAINTEXT; case-insensitive.
	SignatureMethod string

	// TokenMethod is the HTTP method of the token requests (§2.1, §2.3):
	// POST when empty, or GET for providers that want it.
	TokenMethod string

	// RSAKey signs with RSA-SHA1 and is required for it. LoadRSAKey reads
	// one from a PEM file.
	RSAKey *rsa.PrivateKey

	// AuthorizeParams are extra parameters of the authorization URL, e.g.
	// perms=read for Flickr. They cannot set oauth_token.
	AuthorizeParams map[string]string

	// Realm, when set, is sent as the Authorization header's realm
	// parameter, which is not signed (§3.5.1). Most providers need none.
	Realm string

	// HTTPClient sends every request and is required (http.DefaultClient is
	// never used). Token requests use a copy that does not follow
	// redirects; Client uses its Transport, Jar, Timeout and CheckRedirect.
	HTTPClient *http.Client

	// Test seams: the clock for oauth_timestamp and the nonce source.
	now   func() time.Time
	nonce func() string
}

// RequestToken is the temporary credentials of one sign-in (RFC 5849
// §2.1). Its String, GoString and LogValue hide both fields.
type RequestToken struct {
	Token, Secret string
}

// String hides the token and secret, so that printing never leaks them.
func (RequestToken) String() string { return "oauth1.RequestToken{[redacted]}" }

// GoString hides the token and secret from %#v.
func (t RequestToken) GoString() string { return t.String() }

// LogValue hides the token and secret from log/slog.
func (t RequestToken) LogValue() slog.Value { return slog.StringValue(t.String()) }

// AccessToken is the token credentials (RFC 5849 §2.3). Extra holds the
// other parameters of the answer (e.g. user_id, screen_name). Its String,
// GoString and LogValue hide Token and Secret.
type AccessToken struct {
	Token, Secret string
	Extra         map[string]string
}

// String hides the token and secret, so that printing never leaks them.
func (AccessToken) String() string { return "oauth1.AccessToken{[redacted]}" }

// GoString hides the token and secret from %#v.
func (t AccessToken) GoString() string { return t.String() }

// LogValue hides the token and secret from log/slog.
func (t AccessToken) LogValue() slog.Value { return slog.StringValue(t.String()) }

// RequestToken obtains temporary credentials (RFC 5849 §2.1) with a signed
// POST. callback is the loopback URL the provider redirects to, or "oob"
// when the person will paste the verifier. The answer must carry
// oauth_callback_confirmed=true (case-insensitive), else
// ErrCallbackNotConfirmed. A non-token answer (an empty oauth_token or
// oauth_token_secret included) is an *EndpointError.
func (c *Config) RequestToken(ctx context.Context, callback string) (*RequestToken, error) {
	s, err := c.prepare()
	if err != nil {
		return nil, err
	}
	if callback != "oob" {
		u, err := url.Parse(callback)
		if err != nil || !u.IsAbs() || u.Host == "" {
			return nil, errors.New(`oauth1: the callback must be an absolute URL or "oob"`)
		}
	}
	t := c.tokenTransport(ctx, s, RequestTokenEndpoint, "")
	rt, _, err := c.consumer(t).GetRequestTokenAndUrl(callback)
	if t.err != nil {
		return nil, t.err
	}
	if err != nil || rt.Token == "" || rt.Secret == "" { // §2.1: both are required
		return nil, t.notAToken()
	}
	if !strings.EqualFold(t.answer.form.Get("oauth_callback_confirmed"), "true") {
		return nil, ErrCallbackNotConfirmed
	}
	return &RequestToken{Token: rt.Token, Secret: rt.Secret}, nil
}

// AuthorizationURL returns the resource owner authorization URL (RFC 5849
// §2.2) to open in the browser: Config.AuthorizeURL with AuthorizeParams
// and oauth_token added to any query it already has.
func (c *Config) AuthorizationURL(rt *RequestToken) (string, error) {
	if err := c.validate(); err != nil {
		return "", err
	}
	if rt == nil || rt.Token == "" {
		return "", errors.New("oauth1: no request token: call RequestToken first")
	}
	u, err := url.Parse(c.AuthorizeURL)
	if err != nil {
		return "", &SetupError{Field: "AuthorizeURL", Problem: "is not a URL"}
	}
	q := u.Query()
	for k, v := range c.AuthorizeParams {
		q.Set(k, v)
	}
	q.Set("oauth_token", rt.Token)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// Verifier checks the query of the callback the provider redirected to
// (RFC 5849 §2.2) and returns its oauth_verifier. A reported refusal or
// error is a *CallbackError (a refusal matches ErrAccessDenied); an
// oauth_token that is missing or not rt's is ErrTokenMismatch (compared in
// constant time); a missing verifier is ErrMissingVerifier.
func (c *Config) Verifier(rt *RequestToken, callback url.Values) (string, error) {
	if rt == nil || rt.Token == "" {
		return "", errors.New("oauth1: no request token: call RequestToken first")
	}
	switch {
	case callback.Get("oauth_problem") != "":
		return "", &CallbackError{Problem: sanitize(callback.Get("oauth_problem"), 64), Description: sanitize(callback.Get("oauth_problem_advice"), 200)}
	case callback.Has("denied"): // Twitter: denied=<request token>, never shown
		return "", &CallbackError{Problem: "denied"}
	case callback.Get("error") != "":
		return "", &CallbackError{Problem: sanitize(callback.Get("error"), 64), Description: sanitize(callback.Get("error_description"), 200)}
	}
	if subtle.ConstantTimeCompare([]byte(callback.Get("oauth_token")), []byte(rt.Token)) != 1 {
		return "", ErrTokenMismatch
	}
	v := callback.Get("oauth_verifier")
	if v == "" {
		return "", ErrMissingVerifier
	}
	return v, nil
}

// AccessToken exchanges the authorized request token and its verifier for
// token credentials (RFC 5849 §2.3) with a signed POST. Surrounding white
// space of a pasted verifier is ignored; an empty one is ErrMissingVerifier.
// A non-token answer (an empty oauth_token or oauth_token_secret included)
// is an *EndpointError.
func (c *Config) AccessToken(ctx context.Context, rt *RequestToken, verifier string) (*AccessToken, error) {
	s, err := c.prepare()
	if err != nil {
		return nil, err
	}
	if rt == nil || rt.Token == "" {
		return nil, errors.New("oauth1: no request token: call RequestToken first")
	}
	verifier = strings.TrimSpace(verifier)
	if verifier == "" {
		return nil, ErrMissingVerifier
	}
	t := c.tokenTransport(ctx, s, AccessTokenEndpoint, rt.Secret)
	at, err := c.consumer(t).AuthorizeToken(&oauth.RequestToken{Token: rt.Token, Secret: rt.Secret}, verifier)
	if t.err != nil {
		return nil, t.err
	}
	if err != nil || at.Token == "" || at.Secret == "" { // §2.3: both are required
		return nil, t.notAToken()
	}
	extra := make(map[string]string, len(at.AdditionalData))
	for k, v := range at.AdditionalData {
		extra[k] = v
	}
	return &AccessToken{Token: at.Token, Secret: at.Secret, Extra: extra}, nil
}

// Client returns an *http.Client that signs every request with at (RFC
// 5849 §3), e.g. the GET of the profile. Each request is bounded by its own
// context and by ctx. It sends through HTTPClient's Transport (nil: the
// default transport) with HTTPClient's Jar and Timeout, refuses plain http
// to a non-loopback host, and follows a redirect only when
// HTTPClient.CheckRedirect (when set; its error is returned as it is)
// allows it and it stays within the same scheme and host (each hop signed
// anew).
// It is safe for concurrent use.
func (c *Config) Client(ctx context.Context, at *AccessToken) (*http.Client, error) {
	s, err := c.prepare()
	if err != nil {
		return nil, err
	}
	if at == nil || at.Token == "" {
		return nil, errors.New("oauth1: no access token: call AccessToken first")
	}
	base := c.HTTPClient.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	t := &transport{cfg: c, signer: s, tokenSecret: at.Secret, ctx: ctx, send: base.RoundTrip}
	rt, err := c.consumer(t).MakeRoundTripper(&oauth.AccessToken{Token: at.Token, Secret: at.Secret})
	if err != nil {
		return nil, err
	}
	next := c.HTTPClient.CheckRedirect
	return &http.Client{
		Transport: rt,
		Jar:       c.HTTPClient.Jar,
		Timeout:   c.HTTPClient.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if next != nil { // the application's rule first: its words name the endpoint
				if err := next(req, via); err != nil {
					return err
				}
			}
			if first := via[0].URL; req.URL.Scheme != first.Scheme || req.URL.Host != first.Host {
				return errors.New("oauth1: not following a redirect to another host with signed credentials")
			}
			if next == nil && len(via) >= 10 {
				return errors.New("oauth1: stopped after 10 redirects")
			}
			return nil
		},
	}, nil
}

// consumer returns a mrjones Consumer that POSTs token requests and sends
// through t. mrjones signs with an empty HMAC key; t discards that
// signature and signs again (see transport).
func (c *Config) consumer(t *transport) *oauth.Consumer {
	cons := oauth.NewConsumer(c.ConsumerKey, "", oauth.ServiceProvider{
		RequestTokenUrl:   c.RequestTokenURL,
		AuthorizeTokenUrl: c.AuthorizeURL,
		AccessTokenUrl:    c.AccessTokenURL,
		HttpMethod:        c.tokenMethod(),
	})
	cons.HttpClient = t
	return cons
}

// tokenMethod is the HTTP method of token requests: POST unless
// TokenMethod says GET (mrjones itself defaults to GET, which puts the
// parameters in the URL).
func (c *Config) tokenMethod() string {
	if strings.EqualFold(strings.TrimSpace(c.TokenMethod), http.MethodGet) {
		return http.MethodGet
	}
	return http.MethodPost
}

// tokenTransport returns a single-use transport for a token endpoint that
// sends with a copy of HTTPClient that does not follow redirects.
func (c *Config) tokenTransport(ctx context.Context, s signer, endpoint, tokenSecret string) *transport {
	hc := *c.HTTPClient
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &transport{cfg: c, signer: s, tokenSecret: tokenSecret, ctx: ctx, send: hc.Do, endpoint: endpoint}
}

// notAToken is the error for a 2xx answer mrjones could not read a token
// from.
func (t *transport) notAToken() error {
	if t.answer == nil { // mrjones failed before sending: not expected
		return &EndpointError{Endpoint: t.endpoint, Reason: "was not asked: the request could not be built"}
	}
	return t.answer.providerError(t.endpoint)
}

// prepare validates c and returns its signer.
func (c *Config) prepare() (signer, error) {
	if err := c.validate(); err != nil {
		return nil, err
	}
	return newSigner(c.method(), c.ConsumerSecret, c.RSAKey), nil
}

// method returns the signature method in canonical form; "" for an
// unsupported one.
func (c *Config) method() string {
	switch m := strings.ToUpper(strings.TrimSpace(c.SignatureMethod)); m {
	case "":
		return HMACSHA1
	case HMACSHA1, HMACSHA256, RSASHA1, PLAINTEXT:
		return m
	}
	return ""
}

// validate reports the first problem of c as a *SetupError.
func (c *Config) validate() error {
	if c.ConsumerKey == "" {
		return &SetupError{Field: "ConsumerKey", Problem: "is empty: set the consumer key (client_id)"}
	}
	for _, f := range []struct{ name, value string }{
		{"RequestTokenURL", c.RequestTokenURL},
		{"AuthorizeURL", c.AuthorizeURL},
		{"AccessTokenURL", c.AccessTokenURL},
	} {
		u, err := url.Parse(f.value)
		if err != nil {
			return &SetupError{Field: f.name, Problem: "is not a URL"}
		}
		if err := checkURL(u); err != nil {
			return &SetupError{Field: f.name, Problem: err.Error()}
		}
	}
	switch c.method() {
	case "":
		return &SetupError{Field: "SignatureMethod", Problem: "is not supported: use HMAC-SHA1, HMAC-SHA256, RSA-SHA1 or PLAINTEXT"}
	case RSASHA1:
		if c.RSAKey == nil {
			return &SetupError{Field: "RSAKey", Problem: "is nil: RSA-SHA1 needs a private key (see LoadRSAKey)"}
		}
	}
	if _, ok := c.AuthorizeParams["oauth_token"]; ok {
		return &SetupError{Field: "AuthorizeParams", Problem: "sets oauth_token, which belongs to the flow: remove it"}
	}
	if strings.ContainsAny(c.Realm, "\"\\\r\n") {
		return &SetupError{Field: "Realm", Problem: "contains a quote, backslash or line break"}
	}
	if c.HTTPClient == nil {
		return &SetupError{Field: "HTTPClient", Problem: "is nil: pass the application's *http.Client"}
	}
	return nil
}

func (c *Config) clock() time.Time {
	if c.now != nil {
		return c.now()
	}
	return time.Now()
}

// newNonce returns a nonce (RFC 5849 §3.3) of 128 bits from crypto/rand.
func (c *Config) newNonce() string {
	if c.nonce != nil {
		return c.nonce()
	}
	return rand.Text()
}
