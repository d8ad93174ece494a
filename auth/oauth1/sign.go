package oauth1

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
)

// Sign signs req with the token credentials at (RFC 5849 §3) and sets its
// Authorization header, replacing any: the protocol parameters with a
// crypto/rand nonce, the current timestamp and the configured signature
// method, signed over the method, the URL, its query and a single-part
// form body (§3.4.1.3.1; the body is read and put back). It is the signer
// Client's requests use, for callers that send (or print) the request
// themselves. It sends nothing and never checks where req goes: the
// caller decides that.
func (c *Config) Sign(req *http.Request, at *AccessToken) error {
	s, err := c.prepare()
	if err != nil {
		return err
	}
	if at == nil || at.Token == "" {
		return errors.New("oauth1: no access token: call AccessToken first")
	}
	oauth := url.Values{
		"oauth_consumer_key":     {c.ConsumerKey},
		"oauth_token":            {at.Token},
		"oauth_signature_method": {s.method()},
		"oauth_timestamp":        {strconv.FormatInt(c.clock().Unix(), 10)},
		"oauth_nonce":            {c.newNonce()},
		"oauth_version":          {"1.0"},
	}
	target := "resource " + req.URL.Scheme + "://" + req.URL.Host + req.URL.Path
	if err := authorize(req, oauth, c.Realm, s, at.Secret); err != nil {
		return &SignatureError{Method: s.method(), Target: target, Err: err}
	}
	return nil
}
