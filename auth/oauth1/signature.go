package oauth1

import (
	"bytes"
	"crypto"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// Signature methods (RFC 5849 §3.4; HMAC-SHA256 is the common extension
// that swaps the hash of §3.4.2).
const (
	HMACSHA1   = "HMAC-SHA1"
	HMACSHA256 = "HMAC-SHA256"
	RSASHA1    = "RSA-SHA1"
	PLAINTEXT  = "PLAINTEXT"
)

// maxFormBody bounds the form body read to sign a request (§3.4.1.3.1).
const maxFormBody = 1 << 20

// signer computes the oauth_signature of a signature base string. It is
// this package's replacement for mrjones/oauth's unexported signer, which
// has no PLAINTEXT and returns an empty signature when RSA signing fails.
// Implementations are safe for concurrent use.
type signer interface {
	// method is the oauth_signature_method value.
	method() string
	// sign returns the signature of base, keyed with the consumer secret
	// the signer holds and tokenSecret ("" before a token exists).
	sign(base, tokenSecret string) (string, error)
}

// newSigner returns the signer for method (already validated).
func newSigner(method, consumerSecret string, key *rsa.PrivateKey) signer {
	switch method {
	case HMACSHA256:
		return hmacSigner{name: HMACSHA256, hash: sha256.New, consumerSecret: consumerSecret}
	case RSASHA1:
		return rsaSigner{key: key}
	case PLAINTEXT:
		return plaintextSigner{consumerSecret: consumerSecret}
	}
	return hmacSigner{name: HMACSHA1, hash: sha1.New, consumerSecret: consumerSecret}
}

// hmacSigner implements HMAC-SHA1 (RFC 5849 §3.4.2) and, with SHA-256,
// HMAC-SHA256.
type hmacSigner struct {
	name           string
	hash           func() hash.Hash
	consumerSecret string
}

func (s hmacSigner) method() string { return s.name }

func (s hmacSigner) sign(base, tokenSecret string) (string, error) {
	mac := hmac.New(s.hash, []byte(escape(s.consumerSecret)+"&"+escape(tokenSecret)))
	mac.Write([]byte(base))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}

// rsaSigner implements RSA-SHA1 (RFC 5849 §3.4.3): RSASSA-PKCS1-v1_5 over
// SHA-1. Signing errors are returned, never swallowed.
type rsaSigner struct{ key *rsa.PrivateKey }

func (rsaSigner) method() string { return RSASHA1 }

func (s rsaSigner) sign(base, _ string) (string, error) {
	digest := sha1.Sum([]byte(base))
	sig, err := rsa.SignPKCS1v15(nil, s.key, crypto.SHA1, digest[:])
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

// plaintextSigner implements PLAINTEXT (RFC 5849 §3.4.4): the signature is
// the encoded consumer secret, "&", and the encoded token secret; the base
// string is not used. It sends the secrets themselves, so only over TLS
// (or to a loopback host), which Config enforces.
type plaintextSigner struct{ consumerSecret string }

func (plaintextSigner) method() string { return PLAINTEXT }

func (s plaintextSigner) sign(_, tokenSecret string) (string, error) {
	return escape(s.consumerSecret) + "&" + escape(tokenSecret), nil
}

// authorize signs req and sets its Authorization header (RFC 5849 §3.5.1).
// oauth holds the protocol parameters (§3.1), decoded, without
// oauth_signature; realm, when not empty, is sent but not signed (§3.4.1.3.1).
// A form body is read (and put back) to be signed.
func authorize(req *http.Request, oauth url.Values, realm string, s signer, tokenSecret string) error {
	base, err := baseString(req, oauth)
	if err != nil {
		return err
	}
	sig, err := s.sign(base, tokenSecret)
	if err != nil {
		return err
	}
	params := cloneValues(oauth)
	params.Set("oauth_signature", sig)
	req.Header.Set("Authorization", formatAuthorization(realm, params))
	return nil
}

// baseString returns the signature base string of req (RFC 5849 §3.4.1):
// the method, the base string URI and the normalized parameters from the
// query, a form body and oauth (realm and oauth_signature excluded).
func baseString(req *http.Request, oauth url.Values) (string, error) {
	params, err := requestParams(req)
	if err != nil {
		return "", err
	}
	for k, vs := range oauth {
		if k == "realm" || k == "oauth_signature" {
			continue
		}
		params[k] = append(params[k], vs...)
	}
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	return strings.ToUpper(req.Method) + "&" + escape(baseURI(req.URL.Scheme, host, req.URL.EscapedPath())) + "&" + escape(normalize(params)), nil
}

// baseURI returns the base string URI (RFC 5849 §3.4.1.2): scheme and host
// in lower case, the port only when it is not the scheme's default, and the
// path ("/" when empty), without query or fragment.
func baseURI(scheme, host, path string) string {
	scheme = strings.ToLower(scheme)
	host = strings.ToLower(host)
	if h, port, err := net.SplitHostPort(host); err == nil {
		if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
			host = h
			if strings.Contains(h, ":") {
				host = "[" + h + "]"
			}
		}
	}
	if path == "" {
		path = "/"
	}
	return scheme + "://" + host + path
}

// requestParams returns the query parameters of req and, for a
// single-part application/x-www-form-urlencoded body, the body's parameters
// (RFC 5849 §3.4.1.3.1). The body is read and put back.
func requestParams(req *http.Request) (url.Values, error) {
	params, err := url.ParseQuery(req.URL.RawQuery)
	if err != nil {
		return nil, fmt.Errorf("the query of %s is not form-encoded, so it cannot be signed: %w", req.URL.Path, err)
	}
	if req.Body == nil || req.Body == http.NoBody {
		return params, nil
	}
	if mt, _, _ := mime.ParseMediaType(req.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		return params, nil
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, maxFormBody+1))
	req.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("reading the form body to sign it: %w", err)
	}
	if len(body) > maxFormBody {
		return nil, errors.New("the form body is larger than 1 MiB, too large to sign")
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, fmt.Errorf("the form body is not form-encoded, so it cannot be signed: %w", err)
	}
	for k, vs := range form {
		params[k] = append(params[k], vs...)
	}
	return params, nil
}

// normalize returns the normalized parameter string (RFC 5849
// §3.4.1.3.2): every name and value encoded, sorted by name then value,
// joined as name=value pairs with "&".
func normalize(params url.Values) string {
	type pair struct{ k, v string }
	pairs := make([]pair, 0, len(params))
	for k, vs := range params {
		for _, v := range vs {
			pairs = append(pairs, pair{escape(k), escape(v)})
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.k + "=" + p.v)
	}
	return b.String()
}

// formatAuthorization returns the OAuth Authorization header value (RFC
// 5849 §3.5.1) for params, sorted by name, with realm first when set.
func formatAuthorization(realm string, params url.Values) string {
	var b strings.Builder
	b.WriteString("OAuth ")
	sep := ""
	if realm != "" {
		b.WriteString(`realm="` + realm + `"`)
		sep = ", "
	}
	keys := make([]string, 0, len(params))
	for k := range params {
		if k != "realm" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range params[k] {
			b.WriteString(sep + escape(k) + `="` + escape(v) + `"`)
			sep = ", "
		}
	}
	return b.String()
}

// parseAuthorization decodes an OAuth Authorization header value (RFC 5849
// §3.5.1), such as the one mrjones/oauth writes.
func parseAuthorization(h string) (url.Values, error) {
	scheme, rest, _ := strings.Cut(strings.TrimSpace(h), " ")
	if !strings.EqualFold(scheme, "OAuth") {
		return nil, errors.New("the request has no OAuth Authorization header")
	}
	params := url.Values{}
	for _, part := range strings.Split(rest, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok || len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
			return nil, fmt.Errorf("malformed OAuth Authorization parameter %q", sanitize(k, 40))
		}
		name, err1 := url.PathUnescape(k)
		value, err2 := url.PathUnescape(v[1 : len(v)-1])
		if err := errors.Join(err1, err2); err != nil {
			return nil, fmt.Errorf("malformed OAuth Authorization parameter %q: %w", sanitize(k, 40), err)
		}
		params.Add(name, value)
	}
	return params, nil
}

// escape percent-encodes s as RFC 5849 §3.6 requires: every byte but the
// unreserved characters ALPHA, DIGIT, "-", ".", "_" and "~" becomes %XX
// with upper-case hex digits.
func escape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v)+1)
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
