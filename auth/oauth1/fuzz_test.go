package oauth1

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"latchkey/auth/authtest/gowords"
)

// FuzzTokenAnswer answers the request-token and access-token requests
// (RFC 5849 §2.1, §2.3) with arbitrary statuses, content types and bodies:
// the client never panics, and either returns token credentials (a token
// and a secret, and for a request token oauth_callback_confirmed=true,
// §2.1) or an error in words that hold no raw Go error and none of the
// answer's secrets.
func FuzzTokenAnswer(f *testing.F) {
	f.Add(false, 200, "application/x-www-form-urlencoded", "oauth_token=t&oauth_token_secret=s&oauth_callback_confirmed=true")
	f.Add(false, 200, "application/x-www-form-urlencoded", "oauth_token=t&oauth_token_secret=s")
	f.Add(false, 200, "text/html", "oauth_token=t&oauth_token_secret=s&oauth_callback_confirmed=TRUE")
	f.Add(true, 200, "application/x-www-form-urlencoded", "oauth_token=t&oauth_token_secret=s&user_id=1&screen_name=ada")
	f.Add(true, 200, "application/x-www-form-urlencoded", "oauth_token=t")
	f.Add(true, 200, "text/plain", "oauth_token=&oauth_token_secret=")
	f.Add(true, 401, "application/x-www-form-urlencoded", "oauth_problem=signature_invalid&oauth_problem_advice=%1b%5b2J")
	f.Add(false, 302, "text/html", "<html>moved</html>")
	f.Add(true, 200, "application/json", `{"oauth_token":"t"}`)
	f.Add(false, 200, "", "%zz&&==&oauth_token=%00")
	var status atomic.Int32
	var ctype, body atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", ctype.Load().(string))
		w.WriteHeader(int(status.Load()))
		_, _ = w.Write([]byte(body.Load().(string)))
	}))
	f.Cleanup(srv.Close)
	c := &Config{
		ConsumerKey: "key", ConsumerSecret: "consumer-secret",
		RequestTokenURL: srv.URL + "/request", AuthorizeURL: srv.URL + "/authorize", AccessTokenURL: srv.URL + "/access",
		HTTPClient: &http.Client{Timeout: 5 * time.Second},
	}
	f.Fuzz(func(t *testing.T, access bool, code int, contentType, answer string) {
		if code < 200 || code > 599 {
			code = 200 + (code%400+400)%400
		}
		status.Store(int32(code))
		ctype.Store(strings.Map(func(r rune) rune {
			if r < 0x20 || r >= 0x7f {
				return -1
			}
			return r
		}, contentType))
		form, _ := url.ParseQuery(answer)
		run := func(answer string) (token, secret string, err error) {
			body.Store(answer)
			if access {
				var at *AccessToken
				if at, err = c.AccessToken(context.Background(), &RequestToken{Token: "rt", Secret: "rs"}, "verifier"); err == nil {
					token, secret = at.Token, at.Secret
				}
				return token, secret, err
			}
			var rt *RequestToken
			if rt, err = c.RequestToken(context.Background(), "oob"); err == nil {
				token, secret = rt.Token, rt.Secret
			}
			return token, secret, err
		}
		token, secret, err := run(answer)
		if err == nil && !access && !strings.EqualFold(form.Get("oauth_callback_confirmed"), "true") {
			t.Fatalf("a request token without oauth_callback_confirmed=true was accepted from %q", answer)
		}
		if err == nil {
			if token == "" || secret == "" {
				t.Fatalf("token credentials with an empty token (%t) or secret (%t) from %q", token == "", secret == "", answer)
			}
			if code < 200 || code > 299 {
				t.Fatalf("token credentials from an HTTP %d answer", code)
			}
			return
		}
		msg := err.Error()
		if msg == "" || strings.ContainsAny(msg, "\x1b\r\n") {
			t.Fatalf("error words %q: empty or not one printable line", msg)
		}
		if raw := gowords.Find(msg); raw != "" {
			t.Fatalf("error holds a raw Go or mrjones error (%q): %q", raw, msg)
		}
		// The same answer with its secrets swapped for markers: no marker
		// may reach the words.
		if form.Has("oauth_token") || form.Has("oauth_token_secret") {
			marked := url.Values{}
			for k, vs := range form {
				marked[k] = vs
			}
			for _, k := range []string{"oauth_token", "oauth_token_secret"} {
				if form.Has(k) {
					marked.Set(k, "Zq9"+k+"MARKER")
				}
			}
			if _, _, merr := run(marked.Encode()); merr != nil && strings.Contains(merr.Error(), "MARKER") {
				t.Fatalf("error quotes the answer's token or secret: %q", merr.Error())
			}
		}
		var ep *EndpointError
		if !errors.As(err, &ep) && !errors.Is(err, ErrCallbackNotConfirmed) {
			t.Fatalf("error %T %q is neither an *EndpointError nor ErrCallbackNotConfirmed", err, msg)
		}
	})
}

// FuzzSignatureBaseString signs requests with fuzzed methods, URLs, query
// strings and form bodies: the client's signature base string equals one
// built here independently from RFC 5849 §3.4.1 (its own form decoding,
// §3.6 encoding and byte-order sort), or the client refuses to sign.
func FuzzSignatureBaseString(f *testing.F) {
	f.Add("get", "HTTPS", "Example.COM:443", "/request", "b5=%3D%253D&a3=a&c%40=&a2=r%20b", "c2&a3=2+q")
	f.Add("POST", "http", "127.0.0.1:8080", "", "", "oauth_x=1&x=%E2%82%AC")
	f.Add("PUT", "https", "[::1]:443", "/a%2Fb/~c", "a=1&a=0&b", "")
	f.Add("POST", "https", "photos.example.net", "/initiate", "", "a=%zz")
	f.Add("DELETE", "http", "example.com:80", "/ p", "x=a;b", "=v")
	oauth := url.Values{
		"oauth_consumer_key": {"9djdj82h48djs9d2"}, "oauth_token": {"kkk9d7dh3k39sjv7"},
		"oauth_signature_method": {"HMAC-SHA1"}, "oauth_timestamp": {"137131201"},
		"oauth_nonce": {"7d8f3e4a"}, "realm": {"Example"}, "oauth_signature": {"ignored"},
	}
	f.Fuzz(func(t *testing.T, method, scheme, host, path, query, body string) {
		if method == "" || strings.ContainsAny(method, " \t\r\n/:?#") || len(body) > 4096 {
			return
		}
		u := &url.URL{Scheme: scheme, Host: host, Path: path, RawQuery: query}
		req, err := http.NewRequest(method, u.String(), strings.NewReader(body))
		if err != nil || req.URL.Scheme == "" || req.URL.Host == "" {
			return
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		got, err := baseString(req, oauth)
		want, ok := rfcBaseString(req.Method, req.URL, req.Host, req.URL.RawQuery, body, oauth)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an empty error")
			}
			return // refusing to sign a query or body Go cannot decode is fine
		}
		if !ok {
			t.Fatalf("the client signed a query or body that is not form-encoded: %q / %q", req.URL.RawQuery, body)
		}
		if got != want {
			t.Fatalf("base string\n got  %s\n want %s", got, want)
		}
	})
}

// rfcBaseString is RFC 5849 §3.4.1 written out on its own: the upper-case
// method, "&", the encoded base string URI (§3.4.1.2), "&", the encoded
// normalized parameters (§3.4.1.3) from the query, the form body and the
// protocol parameters (realm and oauth_signature left out). ok is false
// when the query or body does not decode.
func rfcBaseString(method string, u *url.URL, host, query, body string, oauth url.Values) (string, bool) {
	type pair struct{ k, v string }
	var pairs []pair
	for _, src := range []string{query, body} {
		ps, ok := formDecode(src)
		if !ok {
			return "", false
		}
		for _, p := range ps {
			pairs = append(pairs, pair{pct(p[0]), pct(p[1])})
		}
	}
	for k, vs := range oauth {
		if k == "realm" || k == "oauth_signature" {
			continue
		}
		for _, v := range vs {
			pairs = append(pairs, pair{pct(k), pct(v)})
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	parts := make([]string, len(pairs))
	for i, p := range pairs {
		parts[i] = p.k + "=" + p.v
	}
	scheme := strings.ToLower(u.Scheme)
	h := strings.ToLower(host)
	if i := strings.LastIndex(h, ":"); i >= 0 && !strings.HasSuffix(h, "]") {
		if port := h[i+1:]; (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
			h = h[:i]
		}
	}
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	return strings.ToUpper(method) + "&" + pct(scheme+"://"+h+p) + "&" + pct(strings.Join(parts, "&")), true
}

// formDecode decodes application/x-www-form-urlencoded text (W3C HTML
// 4.0 §17.13.4, as §3.4.1.3.1 says): "&"-separated name=value pairs, "+"
// as a space, %XX escapes. It refuses what Go's url.ParseQuery refuses
// too (a ";", a bad escape), so both sides sign the same requests.
func formDecode(s string) ([][2]string, bool) {
	var out [][2]string
	for _, part := range strings.Split(s, "&") {
		if part == "" {
			continue
		}
		if strings.Contains(part, ";") {
			return nil, false
		}
		k, v, _ := strings.Cut(part, "=")
		dk, ok1 := unpct(k)
		dv, ok2 := unpct(v)
		if !ok1 || !ok2 {
			return nil, false
		}
		out = append(out, [2]string{dk, dv})
	}
	return out, true
}

func unpct(s string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '+':
			b.WriteByte(' ')
		case c == '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return "", false
			}
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), true
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// pct is RFC 5849 §3.6: every byte but ALPHA / DIGIT / "-" / "." / "_" /
// "~" as %XX, upper-case hex.
func pct(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if strings.IndexByte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
