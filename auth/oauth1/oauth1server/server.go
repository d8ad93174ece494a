package oauth1server

// This file: an OAuth 1.0a (RFC 5849) service provider, written from the
// RFC with the standard library only, so that it checks the client
// independently of github.com/mrjones/oauth.
//
//	p := authtest.NewOAuth1Provider(t, authtest.Options{})
//	// configure the client with p.ConsumerKey, p.ConsumerSecret,
//	// p.RequestTokenURL, p.AuthorizeURL, p.AccessTokenURL, p.ProfileURL
//	p.SetFault(authtest.EndpointAccessToken, authtest.FaultHTML) // misbehave
//	for _, r := range p.Requests() { … } // what the client sent

import (
	"bytes"
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"hash"
	"html"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Endpoint names an endpoint of an Server.
type Endpoint string

// The endpoints of an Server; each is served at /oauth1/<name>.
const (
	EndpointRequestToken Endpoint = "request_token" // POST only (RFC 5849 §2.1)
	EndpointAuthorize    Endpoint = "authorize"     // GET; approves at once, or asks (Options.Consent) (§2.2)
	EndpointAccessToken  Endpoint = "access_token"  // POST only (§2.3)
	EndpointProfile      Endpoint = "profile"       // signed GET or POST; answers ProfileJSON
)

// ProfileJSON is the profile endpoint's answer to a valid request.
const ProfileJSON = `{"id":"42","name":"Ada Lovelace","screen_name":"ada","email":"ada@example.com"}`

// Fault is a misbehaviour an endpoint can be told to show.
type Fault int

// Faults. The first four work on any endpoint and replace its normal
// answer; the last two only affect the authorize endpoint.
const (
	NoFault          Fault = iota
	FaultHTML              // 200 with an HTML page
	FaultServerError       // 500 with a plain-text body
	FaultOversized         // 200 with a 2 MiB form body that starts like a token answer
	FaultStall             // no answer until the client gives up or the provider closes; announced on Stalled()
	FaultWrongToken        // authorize: the callback carries an oauth_token that is not the request token
	FaultDeny              // authorize: the person refuses; the callback carries denied=<token> (as Twitter does)
)

// Options configure NewOAuth1Provider. The zero value is a provider
// that accepts HMAC-SHA1, HMAC-SHA256 and PLAINTEXT.
type Options struct {
	// ConsumerKey and ConsumerSecret are the client credentials it accepts.
	// Defaults: "latchkey-test-consumer" and "test secret/+&=" (which needs
	// percent-encoding, to exercise RFC 5849 §3.6).
	ConsumerKey, ConsumerSecret string
	// TokenMethod is the one HTTP method the token endpoints accept:
	// POST (the default) or GET (as Discogs and E*TRADE want).
	TokenMethod string
	// RSAPublicKey verifies RSA-SHA1 signatures; nil rejects RSA-SHA1.
	RSAPublicKey *rsa.PublicKey
	// CallbackConfirmed is the oauth_callback_confirmed value of the
	// request-token answer; default "true". OmitCallbackConfirmed leaves the
	// parameter out (an OAuth 1.0 provider without the 1.0a fix).
	CallbackConfirmed     string
	OmitCallbackConfirmed bool
	// Now is the provider's clock; default time.Now. Timestamps more than
	// TimestampWindow (default 10 minutes) away are refused.
	Now             func() time.Time
	TimestampWindow time.Duration
	// Consent, when set, makes the authorize endpoint ask the person
	// first: a GET calls Consent, which renders Allow and Deny as a form
	// POSTed back to the authorize URL with the fields of r (the request
	// token and a CSRF value bound to it); Allow then goes on as without
	// Consent, Deny answers the refusal (denied=<token> on the callback,
	// a page saying so for "oob"). nil: the authorize endpoint approves at
	// once.
	Consent func(w http.ResponseWriter, r ConsentRequest)
	// Label, when set, heads the pages the authorize endpoint shows (the
	// "oob" verifier page, the refusal), HTML-escaped.
	Label string
	// ProfileJSON is the profile endpoint's answer; default ProfileJSON.
	// UserID and ScreenName go with the access token; defaults "42", "ada".
	ProfileJSON, UserID, ScreenName string
}

// The fields of the consent form (Options.Consent) and its actions.
const (
	ConsentTokenField  = "oauth_token"
	ConsentCSRFField   = "csrf"
	ConsentActionField = "action"
	ConsentAllow       = "allow"
	ConsentDeny        = "deny"
)

// ConsentRequest is what Options.Consent renders: a form POSTed to Action
// with ConsentTokenField = Token, ConsentCSRFField = CSRF, and a button
// named ConsentActionField with the value ConsentAllow or ConsentDeny.
type ConsentRequest struct {
	Request  *http.Request
	Action   string // the authorize endpoint's path
	Token    string // the request token
	CSRF     string // bound to Token under a key made at New
	Callback string // "oob" or the client's callback URL
}

// Request is one request an Server received.
type Request struct {
	Endpoint Endpoint
	Method   string
	Path     string
	Query    url.Values // the URL query
	Form     url.Values // a form-encoded body; empty otherwise
	// OAuth holds the protocol parameters, decoded: from the Authorization
	// header, or from the form or query when there is no header. It
	// includes oauth_signature and realm when sent.
	OAuth url.Values
	// Status is the HTTP status of the answer, Problem the oauth_problem it
	// reported ("" when the request was accepted).
	Status  int
	Problem string
}

// Server is an OAuth 1.0a service provider.
// Its signature check is its own, written from RFC 5849 §3.4 and sharing no
// code with any client: it rebuilds the signature base string from the
// Authorization header, the query and a form body (oauth_signature and
// realm excluded) and verifies HMAC-SHA1, HMAC-SHA256, RSA-SHA1 (with
// RSAPublicKey) and PLAINTEXT. It also refuses a reused nonce for the same
// timestamp, consumer and token (§3.3), a timestamp outside its window, a
// token endpoint reached by anything but POST (405), an unknown or used
// token, and a wrong verifier, answering 4xx with a form-encoded
// oauth_problem (OAuth Problem Reporting). Tokens, secrets and verifiers
// are fresh random values of 128 bits; secrets are standard base64 (always
// "=", often "+" or "/"), so clients must percent-encode them to sign.
//
// Its methods are safe for concurrent use, also while requests are served.
type Server struct {
	URL                                           string // base URL, http://127.0.0.1:port
	RequestTokenURL, AuthorizeURL, AccessTokenURL string
	ProfileURL                                    string
	ConsumerKey, ConsumerSecret                   string

	opts    Options
	mux     *http.ServeMux
	closing chan struct{}
	close   sync.Once
	stalled chan Endpoint
	formKey []byte // the consent form's CSRF key

	mu       sync.Mutex
	faults   map[Endpoint]Fault
	requests []Request
	pending  map[string]*grant // request token → grant
	access   map[string]string // access token → secret
	nonces   map[string]bool
}

// grant is a request token on its way to an access token.
type grant struct {
	secret, callback, verifier string
}

// New returns a provider with opts' defaults filled. It serves nothing
// until its Handler is served somewhere; SetBaseURL then tells it where.
func New(opts Options) *Server {
	if opts.ConsumerKey == "" {
		opts.ConsumerKey = "latchkey-test-consumer"
	}
	if opts.ConsumerSecret == "" {
		opts.ConsumerSecret = "test secret/+&="
	}
	if opts.CallbackConfirmed == "" {
		opts.CallbackConfirmed = "true"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.TimestampWindow == 0 {
		opts.TimestampWindow = 10 * time.Minute
	}
	if opts.ProfileJSON == "" {
		opts.ProfileJSON = ProfileJSON
	}
	if opts.UserID == "" {
		opts.UserID, opts.ScreenName = "42", "ada"
	}
	p := &Server{
		ConsumerKey:    opts.ConsumerKey,
		ConsumerSecret: opts.ConsumerSecret,
		opts:           opts,
		closing:        make(chan struct{}),
		stalled:        make(chan Endpoint, 16),
		faults:         map[Endpoint]Fault{},
		pending:        map[string]*grant{},
		access:         map[string]string{},
		nonces:         map[string]bool{},
		formKey:        make([]byte, 32),
	}
	rand.Read(p.formKey)
	mux := http.NewServeMux()
	for _, ep := range []Endpoint{EndpointRequestToken, EndpointAuthorize, EndpointAccessToken, EndpointProfile} {
		mux.HandleFunc("/oauth1/"+string(ep), func(w http.ResponseWriter, r *http.Request) { p.serve(ep, w, r) })
	}
	p.mux = mux
	return p
}

// Handler serves the provider's endpoints at /oauth1/<name>.
func (p *Server) Handler() http.Handler { return p.mux }

// SetBaseURL says where Handler is served (scheme://host:port, no path),
// filling URL and the endpoint URLs. Call it before the first request.
func (p *Server) SetBaseURL(base string) {
	p.URL = base
	p.RequestTokenURL = p.URL + "/oauth1/request_token"
	p.AuthorizeURL = p.URL + "/oauth1/authorize"
	p.AccessTokenURL = p.URL + "/oauth1/access_token"
	p.ProfileURL = p.URL + "/oauth1/profile"
}

// Close ends the requests held by FaultStall; call it before stopping the
// HTTP server that serves Handler. It may be called more than once.
func (p *Server) Close() {
	p.close.Do(func() { close(p.closing) })
}

// SetFault makes endpoint show fault from the next request on;
// NoFault restores normal behaviour.
func (p *Server) SetFault(endpoint Endpoint, fault Fault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faults[endpoint] = fault
}

// Stalled receives the endpoint of each request held by FaultStall
// once it is held (up to 16 unread).
func (p *Server) Stalled() <-chan Endpoint { return p.stalled }

// ProviderTOML is a providers.toml entry for this provider: the given id,
// name and callback ("loopback" or "oob"), its consumer credentials and
// endpoints. extra lines (signature_method, authorize_params, …) go inside
// the same table.
func (p *Server) ProviderTOML(id, name, callback string, extra ...string) string {
	return fmt.Sprintf(`
[[provider]]
id = %q
name = %q
protocol = "oauth1"
client_id = %q
client_secret = %q
request_token_url = %q
authorize_url = %q
access_token_url = %q
userinfo_url = %q
callback = %q
%s`, id, name, p.ConsumerKey, p.ConsumerSecret, p.RequestTokenURL, p.AuthorizeURL, p.AccessTokenURL, p.ProfileURL, callback, strings.Join(extra, "\n"))
}

// RevokeAccessTokens forgets every access token issued so far, as a
// provider does when the person revokes the application: signed requests
// with them then answer 401.
func (p *Server) RevokeAccessTokens() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.access = map[string]string{}
}

// Requests returns a copy of the requests received so far, in order.
func (p *Server) Requests() []Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]Request, len(p.requests))
	copy(out, p.requests)
	return out
}

// VerifierFromPage returns the verifier an Server shows on
// its authorize page for an "oob" callback.
func VerifierFromPage(page string) (string, bool) {
	const open = `<code id="oauth_verifier">`
	_, rest, ok := strings.Cut(page, open)
	if !ok {
		return "", false
	}
	v, _, ok := strings.Cut(rest, "</code>")
	return html.UnescapeString(v), ok
}

// exchange is one request being served.
type exchange struct {
	w   http.ResponseWriter
	r   *http.Request
	rec Request
}

func (x *exchange) reply(status int, contentType, body string) {
	x.rec.Status = status
	x.w.Header().Set("Content-Type", contentType)
	x.w.Header().Set("Cache-Control", "no-store")
	x.w.WriteHeader(status)
	io.WriteString(x.w, body)
}

// refuse answers with an OAuth Problem Reporting form.
func (x *exchange) refuse(status int, problem string, extra ...string) {
	x.rec.Problem = problem
	v := url.Values{"oauth_problem": {problem}}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	x.reply(status, "application/x-www-form-urlencoded", v.Encode())
}

func (p *Server) serve(ep Endpoint, w http.ResponseWriter, r *http.Request) {
	x := &exchange{w: w, r: r, rec: Request{Endpoint: ep, Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Form: url.Values{}, OAuth: url.Values{}}}
	defer func() {
		p.mu.Lock()
		p.requests = append(p.requests, x.rec)
		p.mu.Unlock()
	}()
	if err := x.readParams(); err != nil {
		x.refuse(http.StatusBadRequest, "parameter_rejected", "oauth_problem_advice", err.Error())
		return
	}
	p.mu.Lock()
	fault := p.faults[ep]
	p.mu.Unlock()
	switch fault {
	case FaultHTML:
		x.reply(http.StatusOK, "text/html; charset=utf-8", "<!doctype html><html><body><h1>Welcome!</h1><p>Please sign in.</p></body></html>")
		return
	case FaultServerError:
		x.reply(http.StatusInternalServerError, "text/plain; charset=utf-8", "internal error")
		return
	case FaultOversized:
		x.rec.Status = http.StatusOK
		w.Header().Set("Content-Type", "application/x-www-form-urlencoded")
		io.WriteString(w, "oauth_token=big&oauth_token_secret=big&oauth_callback_confirmed=true&padding=")
		chunk := bytes.Repeat([]byte("a"), 64<<10)
		for i := 0; i < 32; i++ {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		return
	case FaultStall:
		x.rec.Status = 0
		select {
		case p.stalled <- ep:
		default:
		}
		select {
		case <-r.Context().Done():
		case <-p.closing:
		}
		return
	}
	switch ep {
	case EndpointRequestToken:
		p.requestToken(x)
	case EndpointAuthorize:
		p.authorize(x, fault)
	case EndpointAccessToken:
		p.accessToken(x)
	case EndpointProfile:
		p.profile(x)
	}
}

// readParams fills rec's Form and OAuth from the body and headers.
func (x *exchange) readParams() error {
	r := x.r
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/x-www-form-urlencoded" && r.Body != nil {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			return err
		}
		if x.rec.Form, err = url.ParseQuery(string(body)); err != nil {
			return fmt.Errorf("form body: %v", err)
		}
	}
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, rest, _ := strings.Cut(h, " ")
		if !strings.EqualFold(scheme, "OAuth") {
			return fmt.Errorf("Authorization scheme %q is not OAuth", scheme)
		}
		// RFC 5849 §3.5.1: name="value" pairs separated by commas, both
		// percent-encoded, so neither contains a comma or a quote.
		for _, item := range strings.Split(rest, ",") {
			item = strings.TrimSpace(item)
			if item == "" {
				continue
			}
			eq := strings.IndexByte(item, '=')
			if eq < 1 || len(item) < eq+3 || item[eq+1] != '"' || item[len(item)-1] != '"' {
				return fmt.Errorf("malformed Authorization parameter")
			}
			name, err := oauth1Decode(item[:eq])
			if err != nil {
				return err
			}
			value, err := oauth1Decode(item[eq+2 : len(item)-1])
			if err != nil {
				return err
			}
			if x.rec.OAuth.Has(name) {
				return fmt.Errorf("parameter %s repeated in the Authorization header", name)
			}
			x.rec.OAuth.Set(name, value)
		}
		return nil
	}
	// No header: protocol parameters may travel in the body or query (§3.5.2, §3.5.3).
	for _, src := range []url.Values{x.rec.Form, x.rec.Query} {
		for k, vs := range src {
			if strings.HasPrefix(k, "oauth_") && !x.rec.OAuth.Has(k) {
				x.rec.OAuth[k] = vs
			}
		}
	}
	return nil
}

// oauth1Decode undoes RFC 5849 §3.6 percent-encoding ("+" stays "+").
func oauth1Decode(s string) (string, error) {
	var out []byte
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			out = append(out, s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", fmt.Errorf("truncated percent-encoding")
		}
		n, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		if err != nil {
			return "", fmt.Errorf("bad percent-encoding")
		}
		out = append(out, byte(n))
		i += 2
	}
	return string(out), nil
}

// oauth1Encode is RFC 5849 §3.6 percent-encoding.
func oauth1Encode(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', strings.IndexByte("-._~", c) >= 0:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// baseString rebuilds the signature base string (RFC 5849 §3.4.1).
func (x *exchange) baseString() string {
	r := x.r
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := strings.ToLower(r.Host)
	if h, port, err := net.SplitHostPort(host); err == nil && (scheme == "http" && port == "80" || scheme == "https" && port == "443") {
		host = h
	}
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	type kv struct{ k, v string }
	var params []kv
	add := func(src url.Values, skip ...string) {
		for k, vs := range src {
			if k == "oauth_signature" || slices.Contains(skip, k) {
				continue
			}
			for _, v := range vs {
				params = append(params, kv{oauth1Encode(k), oauth1Encode(v)})
			}
		}
	}
	add(x.rec.Query)
	add(x.rec.Form)
	if r.Header.Get("Authorization") != "" { // else they are in the query or form
		add(x.rec.OAuth, "realm")
	}
	sort.Slice(params, func(i, j int) bool {
		if params[i].k == params[j].k {
			return params[i].v < params[j].v
		}
		return params[i].k < params[j].k
	})
	pairs := make([]string, len(params))
	for i, p := range params {
		pairs[i] = p.k + "=" + p.v
	}
	return strings.ToUpper(r.Method) + "&" + oauth1Encode(scheme+"://"+host+path) + "&" + oauth1Encode(strings.Join(pairs, "&"))
}

// verify checks the consumer, version, timestamp, signature and nonce of x,
// signed with tokenSecret. It answers and returns false on failure.
func (p *Server) verify(x *exchange, token, tokenSecret string) bool {
	o := x.rec.OAuth
	method := o.Get("oauth_signature_method")
	required := []string{"oauth_consumer_key", "oauth_signature_method", "oauth_signature"}
	if method != "PLAINTEXT" { // §3.1: PLAINTEXT may omit them
		required = append(required, "oauth_timestamp", "oauth_nonce")
	}
	var absent []string
	for _, k := range required {
		if o.Get(k) == "" {
			absent = append(absent, k)
		}
	}
	if len(absent) > 0 {
		x.refuse(http.StatusBadRequest, "parameter_absent", "oauth_parameters_absent", strings.Join(absent, "&"))
		return false
	}
	if v, ok := o["oauth_version"]; ok && (len(v) != 1 || v[0] != "1.0") {
		x.refuse(http.StatusBadRequest, "version_rejected", "oauth_acceptable_versions", "1.0-1.0")
		return false
	}
	if o.Get("oauth_consumer_key") != p.ConsumerKey {
		x.refuse(http.StatusUnauthorized, "consumer_key_unknown")
		return false
	}
	if ts := o.Get("oauth_timestamp"); ts != "" {
		sec, err := strconv.ParseInt(ts, 10, 64)
		if err != nil || sec <= 0 {
			x.refuse(http.StatusBadRequest, "timestamp_refused")
			return false
		}
		if d := p.opts.Now().Sub(time.Unix(sec, 0)); d > p.opts.TimestampWindow || -d > p.opts.TimestampWindow {
			x.refuse(http.StatusUnauthorized, "timestamp_refused")
			return false
		}
	}
	base := x.baseString()
	sig := o.Get("oauth_signature")
	key := oauth1Encode(p.ConsumerSecret) + "&" + oauth1Encode(tokenSecret)
	var ok bool
	switch method {
	case "HMAC-SHA1":
		ok = oauth1CheckHMAC(sha1.New, key, base, sig)
	case "HMAC-SHA256":
		ok = oauth1CheckHMAC(sha256.New, key, base, sig)
	case "RSA-SHA1":
		if p.opts.RSAPublicKey == nil {
			x.refuse(http.StatusBadRequest, "signature_method_rejected")
			return false
		}
		raw, err := base64.StdEncoding.DecodeString(sig)
		digest := sha1.Sum([]byte(base))
		ok = err == nil && rsa.VerifyPKCS1v15(p.opts.RSAPublicKey, crypto.SHA1, digest[:], raw) == nil
	case "PLAINTEXT":
		ok = subtle.ConstantTimeCompare([]byte(sig), []byte(key)) == 1
	default:
		x.refuse(http.StatusBadRequest, "signature_method_rejected")
		return false
	}
	if !ok {
		x.refuse(http.StatusUnauthorized, "signature_invalid")
		return false
	}
	if n := o.Get("oauth_nonce"); n != "" {
		id := strings.Join([]string{p.ConsumerKey, token, o.Get("oauth_timestamp"), n}, "\x00")
		p.mu.Lock()
		used := p.nonces[id]
		p.nonces[id] = true
		p.mu.Unlock()
		if used {
			x.refuse(http.StatusUnauthorized, "nonce_used")
			return false
		}
	}
	return true
}

func oauth1CheckHMAC(h func() hash.Hash, key, base, sig string) bool {
	raw, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		return false
	}
	mac := hmac.New(h, []byte(key))
	mac.Write([]byte(base))
	return hmac.Equal(raw, mac.Sum(nil))
}

// postOnly answers 405 to anything but POST (RFC 5849 §2: token requests
// are POSTs), or but Options.TokenMethod when set.
func (p *Server) postOnly(x *exchange) bool {
	want := http.MethodPost
	if p.opts.TokenMethod != "" {
		want = p.opts.TokenMethod
	}
	if x.r.Method == want {
		return true
	}
	x.w.Header().Set("Allow", want)
	x.refuse(http.StatusMethodNotAllowed, "method_not_allowed", "oauth_problem_advice", "use "+want)
	return false
}

func (p *Server) requestToken(x *exchange) {
	if !p.postOnly(x) || !p.verify(x, "", "") {
		return
	}
	if x.rec.OAuth.Has("oauth_token") {
		x.refuse(http.StatusBadRequest, "parameter_rejected", "oauth_parameters_rejected", "oauth_token")
		return
	}
	cb := x.rec.OAuth.Get("oauth_callback")
	if cb == "" {
		x.refuse(http.StatusBadRequest, "parameter_absent", "oauth_parameters_absent", "oauth_callback")
		return
	}
	if u, err := url.Parse(cb); cb != "oob" && (err != nil || !u.IsAbs()) {
		x.refuse(http.StatusBadRequest, "parameter_rejected", "oauth_parameters_rejected", "oauth_callback")
		return
	}
	token, secret := oauth1Random(false), oauth1Random(true)
	p.mu.Lock()
	p.pending[token] = &grant{secret: secret, callback: cb}
	p.mu.Unlock()
	v := url.Values{"oauth_token": {token}, "oauth_token_secret": {secret}}
	if !p.opts.OmitCallbackConfirmed {
		v.Set("oauth_callback_confirmed", p.opts.CallbackConfirmed)
	}
	x.reply(http.StatusOK, "application/x-www-form-urlencoded", v.Encode())
}

func (p *Server) authorize(x *exchange, fault Fault) {
	consent := p.opts.Consent != nil
	if x.r.Method != http.MethodGet && !(consent && x.r.Method == http.MethodPost) {
		allow := http.MethodGet
		if consent {
			allow += ", " + http.MethodPost
		}
		x.w.Header().Set("Allow", allow)
		x.reply(http.StatusMethodNotAllowed, "text/plain; charset=utf-8", "use "+allow)
		return
	}
	token := x.rec.Query.Get("oauth_token")
	if x.r.Method == http.MethodPost {
		token = x.rec.Form.Get(ConsentTokenField)
	}
	p.mu.Lock()
	g := p.pending[token]
	p.mu.Unlock()
	if g == nil {
		x.rec.Problem = "token_rejected"
		x.reply(http.StatusBadRequest, "text/html; charset=utf-8", "<!doctype html>"+p.label()+"<p>Unknown or expired request token: start the sign-in again.</p>")
		return
	}
	if consent {
		if x.r.Method == http.MethodGet {
			x.rec.Status = http.StatusOK
			p.opts.Consent(x.w, ConsentRequest{Request: x.r, Action: x.r.URL.Path, Token: token, CSRF: p.csrf(token), Callback: g.callback})
			return
		}
		if !hmac.Equal([]byte(p.csrf(token)), []byte(x.rec.Form.Get(ConsentCSRFField))) {
			x.rec.Problem = "csrf"
			x.reply(http.StatusForbidden, "text/html; charset=utf-8", "<!doctype html>"+p.label()+"<p>This answer did not come from the page this server showed: start the sign-in again.</p>")
			return
		}
		switch x.rec.Form.Get(ConsentActionField) {
		case ConsentAllow:
		case ConsentDeny:
			fault = FaultDeny
		default:
			x.reply(http.StatusBadRequest, "text/html; charset=utf-8", "<!doctype html>"+p.label()+"<p>Press Allow or Deny.</p>")
			return
		}
	}
	verifier := oauth1Random(false)
	p.mu.Lock()
	g.verifier = verifier
	p.mu.Unlock()
	cb := url.Values{"oauth_token": {token}, "oauth_verifier": {verifier}}
	switch fault {
	case FaultWrongToken:
		cb.Set("oauth_token", oauth1Random(false))
	case FaultDeny:
		cb = url.Values{"denied": {token}}
		p.mu.Lock()
		g.verifier = ""
		p.mu.Unlock()
	}
	if g.callback == "oob" {
		body := "<!doctype html><title>Denied</title>" + p.label() + "<p>You denied access.</p>"
		if cb.Has("oauth_verifier") {
			body = `<!doctype html><title>Authorized</title>` + p.label() + `<p>Enter this code in the application: <code id="oauth_verifier">` + html.EscapeString(verifier) + `</code></p>`
		}
		x.reply(http.StatusOK, "text/html; charset=utf-8", body)
		return
	}
	dest, _ := url.Parse(g.callback) // checked at the request-token endpoint
	q := dest.Query()
	for k, vs := range cb {
		q[k] = vs
	}
	dest.RawQuery = q.Encode()
	x.rec.Status = http.StatusFound
	x.w.Header().Set("Location", dest.String())
	x.w.Header().Set("Referrer-Policy", "no-referrer")
	x.w.WriteHeader(http.StatusFound)
}

// csrf is the consent form's value for request token token.
func (p *Server) csrf(token string) string {
	m := hmac.New(sha256.New, p.formKey)
	m.Write([]byte("oauth1-consent\x00" + token))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// label is Options.Label as a page's first paragraph, or "".
func (p *Server) label() string {
	if p.opts.Label == "" {
		return ""
	}
	return `<p class="banner"><strong>` + html.EscapeString(p.opts.Label) + `</strong></p>`
}

func (p *Server) accessToken(x *exchange) {
	if !p.postOnly(x) {
		return
	}
	token := x.rec.OAuth.Get("oauth_token")
	p.mu.Lock()
	g := p.pending[token]
	p.mu.Unlock()
	if g == nil {
		x.refuse(http.StatusUnauthorized, "token_rejected")
		return
	}
	if !p.verify(x, token, g.secret) {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pending[token] != g { // used meanwhile
		x.refuse(http.StatusUnauthorized, "token_used")
		return
	}
	if g.verifier == "" || subtle.ConstantTimeCompare([]byte(x.rec.OAuth.Get("oauth_verifier")), []byte(g.verifier)) != 1 {
		x.refuse(http.StatusUnauthorized, "verifier_invalid")
		return
	}
	delete(p.pending, token)
	at, secret := oauth1Random(false), oauth1Random(true)
	p.access[at] = secret
	v := url.Values{"oauth_token": {at}, "oauth_token_secret": {secret}, "user_id": {p.opts.UserID}, "screen_name": {p.opts.ScreenName}}
	x.reply(http.StatusOK, "application/x-www-form-urlencoded", v.Encode())
}

func (p *Server) profile(x *exchange) {
	if x.r.Method != http.MethodGet && x.r.Method != http.MethodPost {
		x.w.Header().Set("Allow", "GET, POST")
		x.refuse(http.StatusMethodNotAllowed, "method_not_allowed")
		return
	}
	token := x.rec.OAuth.Get("oauth_token")
	p.mu.Lock()
	secret, ok := p.access[token]
	p.mu.Unlock()
	if !ok {
		x.refuse(http.StatusUnauthorized, "token_rejected")
		return
	}
	if !p.verify(x, token, secret) {
		return
	}
	x.reply(http.StatusOK, "application/json", p.opts.ProfileJSON)
}

// oauth1Random returns 128 random bits, base64-encoded: standard alphabet
// with padding for secrets (so that they need percent-encoding), URL-safe
// otherwise.
func oauth1Random(secret bool) string {
	b := make([]byte, 16)
	rand.Read(b)
	if secret {
		return base64.StdEncoding.EncodeToString(b)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
