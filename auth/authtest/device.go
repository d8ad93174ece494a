package authtest

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// DeviceGrantType is the grant_type of a device access token request
// (RFC 8628 §3.4).
const DeviceGrantType = "urn:ietf:params:oauth:grant-type:device_code"

// DeviceDecision is what the person does on the verification page once
// the scripted pending polls have passed.
type DeviceDecision int

// The person's decisions.
const (
	DeviceApprove DeviceDecision = iota // the next poll gets tokens
	DeviceDeny                          // the next poll gets access_denied
	DeviceExpire                        // the code runs out first: the next poll gets expired_token
)

// DeviceOptions script a Device server. The zero value is a public client
// that approves at the first poll, with no interval in the answer (so the
// client uses 5 s) and a 600 s code.
type DeviceOptions struct {
	// ClientID is the one client the server knows; default PublicClientID.
	ClientID string
	// ClientSecret, when set, makes it a confidential client: both
	// endpoints then require client_secret_basic or client_secret_post
	// (RFC 6749 §2.3.1), as RFC 8628 §3.1 and §3.4 say. Empty: a public
	// client identified by client_id in the body.
	ClientSecret string
	// Interval is the "interval" of the device authorization response, in
	// seconds; 0 leaves it out.
	Interval int
	// ExpiresIn is the code's lifetime in seconds; default 600. The server
	// answers expired_token once it has passed on its own clock.
	ExpiresIn int
	// Pending is how many polls come before the person decides: they are
	// answered authorization_pending, or slow_down when their number is in
	// SlowDownAt.
	Pending int
	// SlowDownAt lists poll numbers (from 1) answered slow_down. A poll
	// after Pending named here is answered slow_down too and pushes the
	// decision to the next poll.
	SlowDownAt []int
	// Decision is what the first poll after Pending (and not in
	// SlowDownAt) is answered.
	Decision DeviceDecision
	// CompleteURI adds verification_uri_complete (RFC 8628 §3.3.1).
	CompleteURI bool
}

// DevicePoll is one device access token request the server answered.
type DevicePoll struct {
	N      int       // its number, from 1, counting only valid polls of a live code
	At     time.Time // when it arrived
	Answer string    // "token", or the RFC 8628 §3.5 / RFC 6749 §5.2 error code sent
}

// Device is an RFC 8628 authorization server on 127.0.0.1, written for
// Latchkey's tests (fosite v0.49 has no device grant). It keeps to the RFC:
//
//   - §3.1: POST /device_authorization with client authentication (or
//     client_id for a public client) and an optional scope; an unknown or
//     unauthenticated client gets invalid_client (HTTP 401).
//   - §3.2: it answers 200 application/json with Cache-Control: no-store:
//     device_code (256 bits), user_code (8 letters from BCDFGHJKLMNPQRSTVWXZ
//     shown as XXXX-XXXX, §6.1), verification_uri, expires_in, and, when
//     scripted, verification_uri_complete and interval.
//   - §3.3: GET /device is the verification page (a stub: the person's
//     decision is scripted through DeviceOptions, not made on it).
//   - §3.4: POST /token with grant_type DeviceGrantType, device_code and the
//     same client authentication; another grant_type gets
//     unsupported_grant_type, an unknown or foreign device_code
//     invalid_grant.
//   - §3.5: pending polls get authorization_pending or slow_down (HTTP 400);
//     the decision gets tokens (RFC 6749 §5.1: Bearer, expires_in 3600,
//     refresh_token, scope) or access_denied or expired_token (HTTP 400).
//     Each of those ends the code: later polls get invalid_grant.
//
// The server does not measure the client's pace; tests read it from the
// client's recorded waits and from Polls. GET /userinfo answers User for a
// bearer token it issued, 401 otherwise. Safe for concurrent use.
type Device struct {
	*httptest.Server
	opts DeviceOptions

	mu        sync.Mutex
	codes     map[string]*deviceCode // by device_code
	userCodes []string
	tokens    map[string]bool // access tokens issued
	polls     []DevicePoll
	requests  []Request
	changed   chan struct{} // closed and replaced at each poll
}

type deviceCode struct {
	scope  string
	expiry time.Time
	polls  int
	done   bool // answered with tokens, access_denied or expired_token
}

// NewDevice starts a Device server and stops it at the end of the test.
func NewDevice(t testing.TB, opts DeviceOptions) *Device {
	t.Helper()
	if opts.ClientID == "" {
		opts.ClientID = PublicClientID
	}
	if opts.ExpiresIn == 0 {
		opts.ExpiresIn = 600
	}
	s := &Device{opts: opts, codes: map[string]*deviceCode{}, tokens: map[string]bool{}, changed: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /device_authorization", s.authorize)
	mux.HandleFunc("GET /device", s.page)
	mux.HandleFunc("POST /token", s.token)
	mux.HandleFunc("GET /userinfo", s.userinfo)
	s.Server = httptest.NewServer(s.record(mux))
	t.Cleanup(s.Close)
	return s
}

// DeviceAuthorizationURL is the device authorization endpoint (§3.1).
func (s *Device) DeviceAuthorizationURL() string { return s.URL + "/device_authorization" }

// VerificationURI is the page where the person types the code (§3.2).
func (s *Device) VerificationURI() string { return s.URL + "/device" }

// TokenURL is the token endpoint (§3.4).
func (s *Device) TokenURL() string { return s.URL + "/token" }

// UserinfoURL is the profile endpoint.
func (s *Device) UserinfoURL() string { return s.URL + "/userinfo" }

// UserCodes returns the user codes issued so far, in order.
func (s *Device) UserCodes() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.userCodes)
}

// Polls returns the polls answered so far, in order.
func (s *Device) Polls() []DevicePoll {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.polls)
}

// Requests returns every request the server received, in order, with the
// form body as sent.
func (s *Device) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// WaitPolls waits (at most 10 s) until at least n polls were answered and
// returns them, failing the test on timeout.
func (s *Device) WaitPolls(t testing.TB, n int) []DevicePoll {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		s.mu.Lock()
		polls, ch := slices.Clone(s.polls), s.changed
		s.mu.Unlock()
		if len(polls) >= n {
			return polls
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("the device server saw %d poll(s) within 10s, want %d", len(s.Polls()), n)
			return nil
		}
	}
}

func (s *Device) record(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		form := map[string][]string{}
		for k, v := range r.PostForm {
			form[k] = slices.Clone(v)
		}
		s.mu.Lock()
		s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Form: form, AuthHeader: r.Header.Get("Authorization") != ""})
		s.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

// oauthError writes an RFC 6749 §5.2 error answer.
func oauthError(w http.ResponseWriter, status int, code, description string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="device"`)
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": description})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(v)
}

// client checks the client authentication of r (RFC 6749 §2.3.1): Basic
// with form-encoded credentials, or client_secret in the body, for a
// confidential client; client_id alone for a public one. Using both
// methods at once is refused (§2.3).
func (s *Device) client(r *http.Request) error {
	id, secret, basic := r.BasicAuth()
	if basic {
		var err error
		if id, err = url.QueryUnescape(id); err != nil {
			return err
		}
		if secret, err = url.QueryUnescape(secret); err != nil {
			return err
		}
		if r.PostForm.Get("client_secret") != "" {
			return fmt.Errorf("two client authentication methods in one request")
		}
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != s.opts.ClientID {
		return fmt.Errorf("unknown client %q", id)
	}
	if s.opts.ClientSecret == "" {
		if secret != "" || basic {
			return fmt.Errorf("a public client has no secret")
		}
		return nil
	}
	if subtle.ConstantTimeCompare([]byte(secret), []byte(s.opts.ClientSecret)) != 1 {
		return fmt.Errorf("client authentication failed")
	}
	return nil
}

func randomString(alphabet string, n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

func (s *Device) authorize(w http.ResponseWriter, r *http.Request) {
	if err := s.client(r); err != nil {
		oauthError(w, http.StatusUnauthorized, "invalid_client", err.Error())
		return
	}
	dc := randomString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 43) // 258 bits
	user := randomString("BCDFGHJKLMNPQRSTVWXZ", 8)                                            // 20^8 ≈ 2^34.5, RFC 8628 §6.1
	user = user[:4] + "-" + user[4:]
	s.mu.Lock()
	s.codes[dc] = &deviceCode{scope: r.PostForm.Get("scope"), expiry: time.Now().Add(time.Duration(s.opts.ExpiresIn) * time.Second)}
	s.userCodes = append(s.userCodes, user)
	s.mu.Unlock()
	answer := map[string]any{
		"device_code":      dc,
		"user_code":        user,
		"verification_uri": s.VerificationURI(),
		"expires_in":       s.opts.ExpiresIn,
	}
	if s.opts.CompleteURI {
		answer["verification_uri_complete"] = s.VerificationURI() + "?user_code=" + url.QueryEscape(user)
	}
	if s.opts.Interval > 0 {
		answer["interval"] = s.opts.Interval
	}
	writeJSON(w, answer)
}

func (s *Device) page(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "Enter the code shown on your device.")
}

func (s *Device) token(w http.ResponseWriter, r *http.Request) {
	if err := s.client(r); err != nil {
		oauthError(w, http.StatusUnauthorized, "invalid_client", err.Error())
		return
	}
	if gt := r.PostForm.Get("grant_type"); gt != DeviceGrantType {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", fmt.Sprintf("grant_type %q is not supported here", gt))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.codes[r.PostForm.Get("device_code")]
	if c == nil || c.done {
		oauthError(w, http.StatusBadRequest, "invalid_grant", "unknown or used device_code")
		return
	}
	c.polls++
	answer := s.answer(c)
	s.polls = append(s.polls, DevicePoll{N: c.polls, At: time.Now(), Answer: answer})
	close(s.changed)
	s.changed = make(chan struct{})
	if answer != "token" {
		if answer != "authorization_pending" && answer != "slow_down" {
			c.done = true
		}
		desc := map[string]string{
			"authorization_pending": "the person has not finished yet",
			"slow_down":             "polling too fast: add 5 seconds to the interval",
			"access_denied":         "The person pressed Deny",
			"expired_token":         "The code has expired",
		}[answer]
		oauthError(w, http.StatusBadRequest, answer, desc)
		return
	}
	c.done = true
	access := randomString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 40)
	s.tokens[access] = true
	tok := map[string]any{
		"access_token":  access,
		"token_type":    "Bearer",
		"expires_in":    3600,
		"refresh_token": randomString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 40),
	}
	if c.scope != "" {
		tok["scope"] = c.scope
	}
	writeJSON(w, tok)
}

// answer decides the answer to poll number c.polls; called with s.mu held.
func (s *Device) answer(c *deviceCode) string {
	n := c.polls
	switch {
	case time.Now().After(c.expiry):
		return "expired_token"
	case slices.Contains(s.opts.SlowDownAt, n):
		return "slow_down"
	case n <= s.opts.Pending:
		return "authorization_pending"
	case s.opts.Decision == DeviceDeny:
		return "access_denied"
	case s.opts.Decision == DeviceExpire:
		return "expired_token"
	}
	return "token"
}

func (s *Device) userinfo(w http.ResponseWriter, r *http.Request) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	known := ok && s.tokens[tok]
	s.mu.Unlock()
	if !known {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		http.Error(w, `{"error":"invalid_token"}`, http.StatusUnauthorized)
		return
	}
	writeJSON(w, User)
}
