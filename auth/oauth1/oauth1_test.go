package oauth1

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"latchkey/auth/authtest"
)

// testKey is a 2048-bit RSA key shared by the tests (generating one is slow).
var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// smallKey returns a valid 512-bit RSA key, which crypto/rsa (Go ≥ 1.24)
// refuses to sign with (rsa.GenerateKey refuses to make one).
func smallKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	one := big.NewInt(1)
	for {
		p, err1 := rand.Prime(rand.Reader, 256)
		q, err2 := rand.Prime(rand.Reader, 256)
		if err := errors.Join(err1, err2); err != nil {
			t.Fatal(err)
		}
		phi := new(big.Int).Mul(new(big.Int).Sub(p, one), new(big.Int).Sub(q, one))
		d := new(big.Int).ModInverse(big.NewInt(65537), phi)
		if d == nil || p.Cmp(q) == 0 {
			continue
		}
		k := &rsa.PrivateKey{PublicKey: rsa.PublicKey{N: new(big.Int).Mul(p, q), E: 65537}, D: d, Primes: []*big.Int{p, q}}
		k.Precompute()
		if err := k.Validate(); err != nil {
			t.Fatal(err)
		}
		return k
	}
}

func newProvider(t *testing.T, opts authtest.OAuth1Options) *authtest.OAuth1Provider {
	t.Helper()
	if opts.RSAPublicKey == nil {
		opts.RSAPublicKey = &testKey().PublicKey
	}
	return authtest.NewOAuth1Provider(t, opts)
}

func configFor(p *authtest.OAuth1Provider, method string) *Config {
	c := &Config{
		ConsumerKey:     p.ConsumerKey,
		ConsumerSecret:  p.ConsumerSecret,
		RequestTokenURL: p.RequestTokenURL,
		AuthorizeURL:    p.AuthorizeURL,
		AccessTokenURL:  p.AccessTokenURL,
		SignatureMethod: method,
		AuthorizeParams: map[string]string{"perms": "read"},
		HTTPClient:      &http.Client{Timeout: 30 * time.Second},
	}
	if method == RSASHA1 {
		c.RSAKey = testKey()
	}
	return c
}

// browse is the fake browser: it GETs u without following a redirect and
// returns the status, the Location header and the body.
func browse(t *testing.T, u string) (int, string, string) {
	t.Helper()
	c := &http.Client{
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := c.Get(u)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	return resp.StatusCode, resp.Header.Get("Location"), string(body)
}

const loopbackCallback = "http://127.0.0.1:49152/callback?flow=abc"

// approve runs the browser part of a sign-in and returns the verifier.
func approve(t *testing.T, cfg *Config, rt *RequestToken, callback string) (string, error) {
	t.Helper()
	u, err := cfg.AuthorizationURL(rt)
	if err != nil {
		t.Fatalf("AuthorizationURL: %v", err)
	}
	status, loc, body := browse(t, u)
	if callback == "oob" {
		if status != http.StatusOK {
			t.Fatalf("oob authorize page: HTTP %d", status)
		}
		v, ok := authtest.OAuth1VerifierFromPage(body)
		if !ok {
			t.Fatalf("oob authorize page shows no verifier")
		}
		return " " + v + "\n", nil // as pasted
	}
	if status != http.StatusFound {
		t.Fatalf("authorize: HTTP %d, want a redirect", status)
	}
	cb, err := url.Parse(loc)
	if err != nil {
		t.Fatalf("Location %q: %v", loc, err)
	}
	if got := cb.Scheme + "://" + cb.Host + cb.Path; got != "http://127.0.0.1:49152/callback" || cb.Query().Get("flow") != "abc" {
		t.Fatalf("redirected to %s, want the callback with its own query kept", loc)
	}
	return cfg.Verifier(rt, cb.Query())
}

// signIn runs a whole sign-in and returns the access token.
func signIn(t *testing.T, cfg *Config, callback string) *AccessToken {
	t.Helper()
	ctx := t.Context()
	rt, err := cfg.RequestToken(ctx, callback)
	if err != nil {
		t.Fatalf("RequestToken: %v", err)
	}
	v, err := approve(t, cfg, rt, callback)
	if err != nil {
		t.Fatalf("Verifier: %v", err)
	}
	at, err := cfg.AccessToken(ctx, rt, v)
	if err != nil {
		t.Fatalf("AccessToken: %v", err)
	}
	return at
}

func TestSignIn(t *testing.T) {
	for _, method := range []string{HMACSHA1, HMACSHA256, RSASHA1, PLAINTEXT} {
		for _, callback := range []string{loopbackCallback, "oob"} {
			name := method + "/loopback"
			if callback == "oob" {
				name = method + "/oob"
			}
			t.Run(name, func(t *testing.T) {
				p := newProvider(t, authtest.OAuth1Options{})
				cfg := configFor(p, method)
				at := signIn(t, cfg, callback)
				if at.Token == "" || at.Secret == "" || at.Extra["screen_name"] != "ada" || at.Extra["user_id"] != "42" {
					t.Errorf("access token lacks token, secret or extras (screen_name %q, user_id %q)", at.Extra["screen_name"], at.Extra["user_id"])
				}

				client, err := cfg.Client(t.Context(), at)
				if err != nil {
					t.Fatal(err)
				}
				// A signed GET with a query, and a signed POST with a form body
				// that needs percent-encoding: both must verify.
				resp, err := client.Get(p.ProfileURL + "?fields=id,name&x=a+b")
				if err != nil {
					t.Fatalf("profile GET: %v", err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK || !jsonEqual(t, body, authtest.OAuth1ProfileJSON) {
					t.Fatalf("profile GET: HTTP %d %s", resp.StatusCode, body)
				}
				resp, err = client.PostForm(p.ProfileURL, url.Values{"note": {"a b&c=d/é"}})
				if err != nil {
					t.Fatalf("profile POST: %v", err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("profile POST: HTTP %d", resp.StatusCode)
				}

				reqs := p.Requests()
				want := []authtest.OAuth1Endpoint{authtest.OAuth1RequestToken, authtest.OAuth1Authorize, authtest.OAuth1AccessToken, authtest.OAuth1Profile, authtest.OAuth1Profile}
				if len(reqs) != len(want) {
					t.Fatalf("provider saw %d requests, want %d", len(reqs), len(want))
				}
				for i, r := range reqs {
					if r.Endpoint != want[i] {
						t.Errorf("request %d went to %s, want %s", i, r.Endpoint, want[i])
					}
					if r.Problem != "" || r.Status >= 400 {
						t.Errorf("provider refused the %s request: HTTP %d %s", r.Endpoint, r.Status, r.Problem)
					}
					if r.Endpoint == authtest.OAuth1Authorize {
						if r.Query.Get("perms") != "read" {
							t.Errorf("authorize URL lacks perms=read: %v", r.Query)
						}
						continue
					}
					if got := r.OAuth.Get("oauth_signature_method"); got != method {
						t.Errorf("%s: oauth_signature_method %q, want %q", r.Endpoint, got, method)
					}
				}
				for _, r := range []authtest.OAuth1Request{reqs[0], reqs[2]} {
					if r.Method != http.MethodPost {
						t.Errorf("%s request used %s, want POST", r.Endpoint, r.Method)
					}
					if len(r.Query) != 0 {
						t.Errorf("%s request put parameters in the URL: %v", r.Endpoint, r.Query)
					}
				}
				if got := reqs[0].OAuth.Get("oauth_callback"); got != callback {
					t.Errorf("oauth_callback %q, want %q", got, callback)
				}
				if reqs[2].OAuth.Get("oauth_verifier") == "" || strings.ContainsAny(reqs[2].OAuth.Get("oauth_verifier"), " \n") {
					t.Errorf("access-token request carries verifier %q, want the trimmed verifier", reqs[2].OAuth.Get("oauth_verifier"))
				}
			})
		}
	}
}

func jsonEqual(t *testing.T, got []byte, want string) bool {
	t.Helper()
	var a, b any
	if err := json.Unmarshal(got, &a); err != nil {
		return false
	}
	if err := json.Unmarshal([]byte(want), &b); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(a) == fmt.Sprint(b)
}

// TestNoncesAreUniqueAndRandom checks the nonces the provider saw: all
// distinct (it refuses a repeat within a timestamp, and many requests fall
// within one second here), and 26 base32 characters, i.e. crypto/rand's
// rand.Text (128 bits) rather than mrjones' decimal math/rand Int63.
func TestNoncesAreUniqueAndRandom(t *testing.T) {
	p := newProvider(t, authtest.OAuth1Options{})
	cfg := configFor(p, HMACSHA1)
	at := signIn(t, cfg, loopbackCallback)
	signIn(t, cfg, "oob")
	client, err := cfg.Client(t.Context(), at)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			resp, err := client.Get(p.ProfileURL)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("profile: HTTP %d", resp.StatusCode)
			}
		})
	}
	wg.Wait()

	seen := map[string]bool{}
	format := regexp.MustCompile(`^[A-Z2-7]{26}$`)
	for _, r := range p.Requests() {
		if r.Endpoint == authtest.OAuth1Authorize {
			continue
		}
		n := r.OAuth.Get("oauth_nonce")
		if !format.MatchString(n) {
			t.Errorf("%s: nonce %q is not 128 bits from crypto/rand (rand.Text)", r.Endpoint, n)
		}
		if seen[n] {
			t.Errorf("nonce %q used twice", n)
		}
		seen[n] = true
	}
	if len(seen) != 4+20 {
		t.Errorf("saw %d nonces, want 24", len(seen))
	}
}

// TestRFC5849Example signs the example of RFC 5849 §1.2 with authorize,
// the function every request of the flow is signed with (transport.resign
// calls it after setting nonce and timestamp).
func TestRFC5849Example(t *testing.T) {
	req, err := http.NewRequest(http.MethodGet, "http://photos.example.net/photos?file=vacation.jpg&size=original", nil)
	if err != nil {
		t.Fatal(err)
	}
	params := url.Values{
		"oauth_consumer_key":     {"dpf43f3p2l4k3l03"},
		"oauth_token":            {"nnch734d00sl2jdk"},
		"oauth_signature_method": {"HMAC-SHA1"},
		"oauth_timestamp":        {"137131202"},
		"oauth_nonce":            {"chapoH"},
	}
	const wantBase = "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3DchapoH%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131202%26oauth_token%3Dnnch734d00sl2jdk%26size%3Doriginal"
	withRealm := cloneValues(params)
	withRealm.Set("realm", "Photos") // §3.4.1.3.1: excluded
	base, err := baseString(req, withRealm)
	if err != nil {
		t.Fatal(err)
	}
	if base != wantBase {
		t.Errorf("base string\n got %s\nwant %s", base, wantBase)
	}

	if err := authorize(req, params, "Photos", newSigner(HMACSHA1, "kd94hf93k423kf44", nil), "pfkkdhi9sl3r4s00"); err != nil {
		t.Fatal(err)
	}
	h := req.Header.Get("Authorization")
	got, err := parseAuthorization(h)
	if err != nil {
		t.Fatal(err)
	}
	if sig := got.Get("oauth_signature"); sig != "MdpQcU8iPSUjWoN/UDMsK2sui9I=" {
		t.Errorf("oauth_signature = %q, want MdpQcU8iPSUjWoN/UDMsK2sui9I=", sig)
	}
	for _, want := range []string{`OAuth realm="Photos"`, `oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D"`, `oauth_nonce="chapoH"`} {
		if !strings.Contains(h, want) {
			t.Errorf("Authorization header %q lacks %s", h, want)
		}
	}
}

// TestTransportSetsNonceClockAndMethod checks that the flow's transport
// replaces what mrjones chose (its nonce, clock and HMAC-SHA1) before
// signing, and sends the realm.
func TestTransportSetsNonceClockAndMethod(t *testing.T) {
	var got *http.Request
	cfg := &Config{
		ConsumerKey: "dpf43f3p2l4k3l03", ConsumerSecret: "kd94hf93k423kf44",
		RequestTokenURL: "https://photos.example.net/request_token", AuthorizeURL: "https://photos.example.net/authorize", AccessTokenURL: "https://photos.example.net/access_token",
		SignatureMethod: "plaintext", Realm: "Photos",
		HTTPClient: &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			got = r
			return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader("{}")), Header: http.Header{}, Request: r}, nil
		})},
		now:   func() time.Time { return time.Unix(137131202, 0) },
		nonce: func() string { return "chapoH" },
	}
	client, err := cfg.Client(t.Context(), &AccessToken{Token: "nnch734d00sl2jdk", Secret: "pfkkdhi9sl3r4s00"})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.Get("https://photos.example.net/photos?file=vacation.jpg&size=original")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	h := got.Header.Get("Authorization")
	params, err := parseAuthorization(h)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"realm":                  "Photos",
		"oauth_consumer_key":     "dpf43f3p2l4k3l03",
		"oauth_token":            "nnch734d00sl2jdk",
		"oauth_signature_method": "PLAINTEXT",
		"oauth_timestamp":        "137131202",
		"oauth_nonce":            "chapoH",
		"oauth_signature":        "kd94hf93k423kf44&pfkkdhi9sl3r4s00",
		"oauth_version":          "1.0",
	}
	for k, v := range want {
		if params.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, params.Get(k), v)
		}
	}
	if len(params) != len(want) || len(params["oauth_signature"]) != 1 || len(got.Header.Values("Authorization")) != 1 {
		t.Errorf("Authorization header %q has other or repeated parameters", h)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestPlaintextSignature checks RFC 5849 §3.4.4: the encoded secrets
// joined by "&", sent encoded once more in the header (as in §2.3's
// example, oauth_signature="ja893SD9%26xyz4992k83j47x0b").
func TestPlaintextSignature(t *testing.T) {
	tests := []struct{ consumer, token, want string }{
		{"ja893SD9", "xyz4992k83j47x0b", "ja893SD9&xyz4992k83j47x0b"},
		{"ja893SD9", "", "ja893SD9&"},
		{"a b&c", "d+e/=~", "a%20b%26c&d%2Be%2F%3D~"},
	}
	for _, tt := range tests {
		s := newSigner(PLAINTEXT, tt.consumer, nil)
		if s.method() != "PLAINTEXT" {
			t.Errorf("method %q, want PLAINTEXT", s.method())
		}
		got, err := s.sign("any base string", tt.token)
		if err != nil || got != tt.want {
			t.Errorf("sign(%q, %q) = %q, %v; want %q", tt.consumer, tt.token, got, err, tt.want)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, "https://photos.example.net/token", nil)
	if err := authorize(req, url.Values{"oauth_signature_method": {"PLAINTEXT"}}, "", newSigner(PLAINTEXT, "ja893SD9", nil), "xyz4992k83j47x0b"); err != nil {
		t.Fatal(err)
	}
	if h := req.Header.Get("Authorization"); !strings.Contains(h, `oauth_signature="ja893SD9%26xyz4992k83j47x0b"`) {
		t.Errorf("Authorization %q lacks the RFC's encoded PLAINTEXT signature", h)
	}
}

// TestBaseStringNormalization covers RFC 5849 §3.4.1 details the
// example does not: default ports, case, sorting by name then value, and
// names that are prefixes of others.
func TestBaseStringNormalization(t *testing.T) {
	req, _ := http.NewRequest(http.MethodPost, "HTTPS://Example.COM:443/a%20b?b=2&a-b=1&a=2&a=1", strings.NewReader("c=x+y&c=%7E"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	base, err := baseString(req, url.Values{"oauth_nonce": {"n"}, "oauth_signature": {"dropped"}})
	if err != nil {
		t.Fatal(err)
	}
	want := "POST&https%3A%2F%2Fexample.com%2Fa%2520b&a%3D1%26a%3D2%26a-b%3D1%26b%3D2%26c%3Dx%2520y%26c%3D~%26oauth_nonce%3Dn"
	if base != want {
		t.Errorf("base string\n got %s\nwant %s", base, want)
	}
	body, _ := io.ReadAll(req.Body)
	if string(body) != "c=x+y&c=%7E" {
		t.Errorf("form body not put back: %q", body)
	}
}

func TestCallbackConfirmed(t *testing.T) {
	tests := []struct {
		name    string
		opts    authtest.OAuth1Options
		wantErr error
	}{
		{"true", authtest.OAuth1Options{}, nil},
		{"True as Authlib sends it", authtest.OAuth1Options{CallbackConfirmed: "True"}, nil},
		{"missing", authtest.OAuth1Options{OmitCallbackConfirmed: true}, ErrCallbackNotConfirmed},
		{"false", authtest.OAuth1Options{CallbackConfirmed: "false"}, ErrCallbackNotConfirmed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newProvider(t, tt.opts)
			rt, err := configFor(p, HMACSHA1).RequestToken(t.Context(), loopbackCallback)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("RequestToken error %v, want %v", err, tt.wantErr)
			}
			if (rt != nil) != (tt.wantErr == nil) {
				t.Errorf("RequestToken returned token %v with error %v", rt != nil, err)
			}
		})
	}
}

func TestVerifier(t *testing.T) {
	cfg := &Config{}
	rt := &RequestToken{Token: "hh5s93j4hdidpola", Secret: "hdhd0244k9j7ao03"}
	tests := []struct {
		name     string
		query    string
		want     string
		wantErr  error
		denied   bool
		callback bool // a *CallbackError
	}{
		{name: "ok", query: "oauth_token=hh5s93j4hdidpola&oauth_verifier=hfdp7dh39dks9884", want: "hfdp7dh39dks9884"},
		{name: "other token", query: "oauth_token=hh5s93j4hdidpolb&oauth_verifier=v", wantErr: ErrTokenMismatch},
		{name: "token prefix", query: "oauth_token=hh5s93j4&oauth_verifier=v", wantErr: ErrTokenMismatch},
		{name: "no token", query: "oauth_verifier=v", wantErr: ErrTokenMismatch},
		{name: "no verifier", query: "oauth_token=hh5s93j4hdidpola", wantErr: ErrMissingVerifier},
		{name: "oauth_problem refusal", query: "oauth_problem=user_refused&oauth_problem_advice=The+user+said+no", wantErr: ErrAccessDenied, callback: true},
		{name: "twitter denied", query: "denied=hh5s93j4hdidpola", wantErr: ErrAccessDenied, callback: true},
		{name: "oauth2 style error", query: "error=server_error&error_description=down%0Afor+maintenance", callback: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, _ := url.ParseQuery(tt.query)
			got, err := cfg.Verifier(rt, q)
			if got != tt.want {
				t.Errorf("verifier %q, want %q", got, tt.want)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("error %v, want %v", err, tt.wantErr)
			}
			var ce *CallbackError
			if errors.As(err, &ce) != tt.callback {
				t.Errorf("error %v: *CallbackError %v, want %v", err, !tt.callback, tt.callback)
			}
			if err == nil && tt.want == "" {
				t.Fatal("no error")
			}
			if err != nil && (strings.Contains(err.Error(), rt.Token) || strings.ContainsAny(err.Error(), "\n")) {
				t.Errorf("error %q shows the token or a raw line break", err)
			}
		})
	}
}

// TestCallbackFaults runs the browser part against a provider whose
// callback is wrong.
func TestCallbackFaults(t *testing.T) {
	tests := []struct {
		fault authtest.OAuth1Fault
		want  error
	}{
		{authtest.OAuth1FaultWrongToken, ErrTokenMismatch},
		{authtest.OAuth1FaultDeny, ErrAccessDenied},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.want), func(t *testing.T) {
			p := newProvider(t, authtest.OAuth1Options{})
			p.SetFault(authtest.OAuth1Authorize, tt.fault)
			cfg := configFor(p, HMACSHA1)
			rt, err := cfg.RequestToken(t.Context(), loopbackCallback)
			if err != nil {
				t.Fatal(err)
			}
			v, err := approve(t, cfg, rt, loopbackCallback)
			if !errors.Is(err, tt.want) || v != "" {
				t.Fatalf("Verifier = %q, %v; want %v", v, err, tt.want)
			}
		})
	}
}

func TestProviderFaults(t *testing.T) {
	tests := []struct {
		name       string
		endpoint   authtest.OAuth1Endpoint
		fault      authtest.OAuth1Fault
		wantStatus int
		wantReason string
		wantErr    error
	}{
		{"request token HTML", authtest.OAuth1RequestToken, authtest.OAuth1FaultHTML, 200, "HTML page", nil},
		{"request token 500", authtest.OAuth1RequestToken, authtest.OAuth1FaultServerError, 500, "server error", nil},
		{"request token oversized", authtest.OAuth1RequestToken, authtest.OAuth1FaultOversized, 200, "more than 1 MiB", ErrResponseTooLarge},
		{"access token HTML", authtest.OAuth1AccessToken, authtest.OAuth1FaultHTML, 200, "HTML page", nil},
		{"access token 500", authtest.OAuth1AccessToken, authtest.OAuth1FaultServerError, 500, "server error", nil},
		{"access token oversized", authtest.OAuth1AccessToken, authtest.OAuth1FaultOversized, 200, "more than 1 MiB", ErrResponseTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newProvider(t, authtest.OAuth1Options{})
			cfg := configFor(p, HMACSHA1)
			p.SetFault(tt.endpoint, tt.fault)
			var err error
			var secrets []string
			role := RequestTokenEndpoint
			if tt.endpoint == authtest.OAuth1RequestToken {
				_, err = cfg.RequestToken(t.Context(), loopbackCallback)
			} else {
				role = AccessTokenEndpoint
				rt, rerr := cfg.RequestToken(t.Context(), loopbackCallback)
				if rerr != nil {
					t.Fatal(rerr)
				}
				v, verr := approve(t, cfg, rt, loopbackCallback)
				if verr != nil {
					t.Fatal(verr)
				}
				secrets = append(secrets, rt.Token, rt.Secret, v)
				_, err = cfg.AccessToken(t.Context(), rt, v)
			}
			var pe *EndpointError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v (%T), want *EndpointError", err, err)
			}
			if pe.Endpoint != role || pe.Status != tt.wantStatus || !strings.Contains(pe.Reason, tt.wantReason) {
				t.Errorf("got %+v, want endpoint %q, status %d, reason with %q", *pe, role, tt.wantStatus, tt.wantReason)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("error %v does not match %v", err, tt.wantErr)
			}
			msg := err.Error()
			if !strings.Contains(msg, role) || !strings.Contains(msg, fmt.Sprintf("HTTP %d", tt.wantStatus)) {
				t.Errorf("message %q does not name the %s and HTTP %d", msg, role, tt.wantStatus)
			}
			for _, s := range append(secrets, p.ConsumerSecret, "Welcome", "internal error", "padding") {
				if strings.Contains(msg, s) {
					t.Errorf("message %q quotes a secret or the body (%q)", msg, s)
				}
			}
		})
	}
}

// TestProviderRefusals: the provider's 401 answers with an oauth_problem
// become *ProviderErrors that say what to do, without showing secrets.
func TestProviderRefusals(t *testing.T) {
	tests := []struct {
		name    string
		change  func(*Config)
		problem string
		advice  string
	}{
		{"wrong consumer secret", func(c *Config) { c.ConsumerSecret = "wrong-secret" }, "signature_invalid", "client_secret"},
		{"unknown consumer key", func(c *Config) { c.ConsumerKey = "someone-else" }, "consumer_key_unknown", "client_id"},
		{"clock an hour slow", func(c *Config) { c.now = func() time.Time { return time.Now().Add(-time.Hour) } }, "timestamp_refused", "clock"},
		{"reused nonce", func(c *Config) {
			now := time.Now()
			c.now = func() time.Time { return now }
			c.nonce = func() string { return "same-nonce" }
		}, "nonce_used", "try again"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newProvider(t, authtest.OAuth1Options{})
			cfg := configFor(p, HMACSHA256)
			tt.change(cfg)
			_, err := cfg.RequestToken(t.Context(), "oob")
			if tt.problem == "nonce_used" { // the first use is fine
				if err != nil {
					t.Fatalf("first request: %v", err)
				}
				_, err = cfg.RequestToken(t.Context(), "oob")
			}
			var pe *EndpointError
			if !errors.As(err, &pe) || pe.Status != http.StatusUnauthorized || pe.Problem != tt.problem || pe.Endpoint != RequestTokenEndpoint {
				t.Fatalf("error %v, want a 401 *EndpointError from the request-token endpoint with problem %s", err, tt.problem)
			}
			// What to do about each problem (tt.advice) is auth.Describe's
			// to say: auth's TestDescribeOAuth1 asserts it for each problem.
			if msg := err.Error(); !strings.Contains(msg, "oauth_problem="+tt.problem) || strings.Contains(msg, "wrong-secret") {
				t.Errorf("message %q should name %s and show no secret (advice: %s)", msg, tt.problem, tt.advice)
			}
		})
	}
}

// TestRSASigningFailure: a key crypto/rsa refuses must fail the request
// before it is sent (mrjones would send an empty signature).
func TestRSASigningFailure(t *testing.T) {
	p := newProvider(t, authtest.OAuth1Options{})
	cfg := configFor(p, RSASHA1)
	cfg.RSAKey = smallKey(t)

	_, err := cfg.RequestToken(t.Context(), loopbackCallback)
	var se *SignatureError
	if !errors.As(err, &se) || se.Method != RSASHA1 || se.Target != RequestTokenEndpoint || se.Err == nil {
		t.Fatalf("RequestToken error %v, want a *SignatureError for RSA-SHA1 at the request-token endpoint", err)
	}
	// "check rsa_key_file" is auth.Describe's: see auth's TestDescribeOAuth1.
	if !strings.Contains(err.Error(), "with RSA-SHA1") {
		t.Errorf("message %q does not name RSA-SHA1", err)
	}

	client, err := cfg.Client(t.Context(), &AccessToken{Token: "t", Secret: "s"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.Get(p.ProfileURL); !errors.As(err, &se) {
		t.Errorf("profile GET error %v, want a *SignatureError", err)
	}
	if n := len(p.Requests()); n != 0 {
		t.Errorf("provider received %d requests, want none: unsigned requests must not be sent", n)
	}
}

func TestContextCancel(t *testing.T) {
	const wait = 20 * time.Second
	stalled := func(t *testing.T, p *authtest.OAuth1Provider) {
		t.Helper()
		select {
		case <-p.Stalled():
		case <-time.After(wait):
			t.Fatal("the request never reached the provider")
		}
	}

	t.Run("request token", func(t *testing.T) {
		p := newProvider(t, authtest.OAuth1Options{})
		p.SetFault(authtest.OAuth1RequestToken, authtest.OAuth1FaultStall)
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() {
			_, err := configFor(p, HMACSHA1).RequestToken(ctx, loopbackCallback)
			done <- err
		}()
		stalled(t, p)
		cancel()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), RequestTokenEndpoint) {
				t.Errorf("error %v, want context.Canceled naming the request-token endpoint", err)
			}
		case <-time.After(wait):
			t.Fatal("RequestToken did not return after cancel")
		}
	})

	t.Run("access token, cancelled before", func(t *testing.T) {
		p := newProvider(t, authtest.OAuth1Options{})
		cfg := configFor(p, HMACSHA1)
		rt, err := cfg.RequestToken(t.Context(), loopbackCallback)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if _, err := cfg.AccessToken(ctx, rt, "v"); !errors.Is(err, context.Canceled) {
			t.Errorf("error %v, want context.Canceled", err)
		}
		for _, r := range p.Requests() {
			if r.Endpoint == authtest.OAuth1AccessToken {
				t.Error("the access-token request was sent despite the cancelled context")
			}
		}
	})

	t.Run("client context bounds resource requests", func(t *testing.T) {
		p := newProvider(t, authtest.OAuth1Options{})
		cfg := configFor(p, HMACSHA1)
		at := signIn(t, cfg, "oob")
		p.SetFault(authtest.OAuth1Profile, authtest.OAuth1FaultStall)
		ctx, cancel := context.WithCancel(t.Context())
		client, err := cfg.Client(ctx, at)
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() {
			resp, err := client.Get(p.ProfileURL) // the request's own context never ends
			if err == nil {
				resp.Body.Close()
			}
			done <- err
		}()
		stalled(t, p)
		cancel()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("error %v, want context.Canceled", err)
			}
		case <-time.After(wait):
			t.Fatal("the profile request did not end after cancel")
		}
	})
}

func TestClientRedirects(t *testing.T) {
	other := make(chan string, 1)
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		other <- r.Header.Get("Authorization")
	}))
	defer elsewhere.Close()
	sameHost := make(chan string, 1)
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/away":
			http.Redirect(w, r, elsewhere.URL+"/steal", http.StatusFound)
		case "/moved":
			http.Redirect(w, r, "/profile", http.StatusFound)
		case "/profile":
			sameHost <- r.Header.Get("Authorization")
		}
	}))
	defer origin.Close()
	u := origin.URL + "/x"
	cfg := &Config{ConsumerKey: "k", ConsumerSecret: "s", RequestTokenURL: u, AuthorizeURL: u, AccessTokenURL: u, SignatureMethod: PLAINTEXT, HTTPClient: &http.Client{}}
	client, err := cfg.Client(t.Context(), &AccessToken{Token: "tok", Secret: "sec"})
	if err != nil {
		t.Fatal(err)
	}

	resp, err := client.Get(origin.URL + "/moved")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if h := <-sameHost; !strings.Contains(h, `oauth_token="tok"`) {
		t.Errorf("same-host redirect target got Authorization %q, want a signed request", h)
	}

	if _, err := client.Get(origin.URL + "/away"); err == nil || !strings.Contains(err.Error(), "another host") {
		t.Errorf("redirect to another host: error %v, want a refusal", err)
	}
	select {
	case h := <-other:
		t.Errorf("the other host received a request (Authorization %q)", h)
	default:
	}
}

func TestPlainHTTPRefused(t *testing.T) {
	cfg := &Config{
		ConsumerKey: "k", ConsumerSecret: "s", SignatureMethod: PLAINTEXT,
		RequestTokenURL: "https://p.example/r", AuthorizeURL: "https://p.example/a", AccessTokenURL: "https://p.example/t",
		HTTPClient: &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			t.Errorf("request to %s was sent", r.URL)
			return nil, errors.New("unreachable")
		})},
	}
	client, err := cfg.Client(t.Context(), &AccessToken{Token: "tok", Secret: "sec"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.Get("http://api.example/me?secret-looking=1")
	var ue *url.Error
	if !errors.As(err, &ue) || !strings.Contains(ue.Err.Error(), "plain http") || strings.Contains(ue.Err.Error(), "secret-looking") {
		t.Errorf("error %v, want a refusal of plain http that does not quote the query", err)
	}
}

func TestConfigErrors(t *testing.T) {
	valid := func() *Config {
		return &Config{
			ConsumerKey: "k", ConsumerSecret: "s",
			RequestTokenURL: "https://p.example/r", AuthorizeURL: "https://p.example/a", AccessTokenURL: "http://127.0.0.1:8080/t",
			HTTPClient: &http.Client{},
		}
	}
	tests := []struct {
		field  string
		change func(*Config)
	}{
		{"ConsumerKey", func(c *Config) { c.ConsumerKey = "" }},
		{"RequestTokenURL", func(c *Config) { c.RequestTokenURL = "http://p.example/r" }},
		{"AuthorizeURL", func(c *Config) { c.AuthorizeURL = "/relative" }},
		{"AccessTokenURL", func(c *Config) { c.AccessTokenURL = "ftp://p.example/t" }},
		{"SignatureMethod", func(c *Config) { c.SignatureMethod = "HMAC-MD5" }},
		{"RSAKey", func(c *Config) { c.SignatureMethod = "rsa-sha1" }},
		{"AuthorizeParams", func(c *Config) { c.AuthorizeParams = map[string]string{"oauth_token": "x"} }},
		{"Realm", func(c *Config) { c.Realm = `a"b` }},
		{"HTTPClient", func(c *Config) { c.HTTPClient = nil }},
	}
	if _, err := valid().AuthorizationURL(&RequestToken{Token: "t"}); err != nil {
		t.Fatalf("valid config: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			c := valid()
			tt.change(c)
			_, err := c.RequestToken(t.Context(), "oob")
			var ce *SetupError
			if !errors.As(err, &ce) || ce.Field != tt.field {
				t.Fatalf("error %v, want a *SetupError for %s", err, tt.field)
			}
		})
	}
	if _, err := valid().RequestToken(t.Context(), "not a url"); err == nil || !strings.Contains(err.Error(), "callback") {
		t.Errorf("bad callback: error %v", err)
	}
}

func TestAuthorizationURL(t *testing.T) {
	cfg := &Config{
		ConsumerKey: "k", RequestTokenURL: "https://p.example/r", AccessTokenURL: "https://p.example/t",
		AuthorizeURL:    "https://p.example/authorize?app=latchkey",
		AuthorizeParams: map[string]string{"perms": "read", "scope": "a b"},
		HTTPClient:      &http.Client{},
	}
	got, err := cfg.AuthorizationURL(&RequestToken{Token: "hh5s93j4hdidpola", Secret: "s"})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(got)
	q := u.Query()
	if u.Host != "p.example" || u.Path != "/authorize" || q.Get("app") != "latchkey" || q.Get("perms") != "read" || q.Get("scope") != "a b" || q.Get("oauth_token") != "hh5s93j4hdidpola" {
		t.Errorf("authorization URL %s", got)
	}
	if _, err := cfg.AuthorizationURL(nil); err == nil {
		t.Error("no error without a request token")
	}
}

// TestTokensRedacted: printing or logging a token never shows its values.
func TestTokensRedacted(t *testing.T) {
	rt := &RequestToken{Token: "rtoken-value", Secret: "rsecret-value"}
	at := &AccessToken{Token: "atoken-value", Secret: "asecret-value", Extra: map[string]string{"screen_name": "ada"}}
	var out bytes.Buffer
	for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
		fmt.Fprintf(&out, f+" "+f+" "+f+" "+f+"\n", rt, *rt, at, *at)
	}
	slog.New(slog.NewJSONHandler(&out, nil)).Info("x", "rt", rt, "at", *at)
	slog.New(slog.NewTextHandler(&out, nil)).Info("x", "rt", *rt, "at", at)
	for _, s := range []string{"rtoken-value", "rsecret-value", "atoken-value", "asecret-value"} {
		if strings.Contains(out.String(), s) {
			t.Errorf("%q printed:\n%s", s, out.String())
		}
	}
	if !strings.Contains(out.String(), "[redacted]") {
		t.Errorf("no redaction marker in:\n%s", out.String())
	}
}
