package loopback

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultRedirectURI is the redirect URI used when Config.RedirectURI is
// empty: 127.0.0.1, a free port chosen at Start, path /callback.
const DefaultRedirectURI = "http://127.0.0.1/callback"

// DefaultTimeout is the wait used when Config.Timeout is zero or negative.
const DefaultTimeout = 5 * time.Minute

// Config says where to listen and how to judge a callback. The zero value
// is ready to use: every field documents its default.
type Config struct {
	// RedirectURI fixes the scheme, host, port and path of the callback.
	// Default DefaultRedirectURI.
	//
	// The scheme must be http and the host one of (RFC 8252 §7.3, §8.3):
	//   - 127.0.0.1: listen on 127.0.0.1 only;
	//   - [::1]: listen on ::1 only;
	//   - localhost: listen on 127.0.0.1 and, when this machine has IPv6
	//     loopback, on ::1 at the same port, since a browser may resolve
	//     localhost to either. If ::1 exists but its port is taken, Start
	//     fails rather than let another program receive the callback.
	// Without a port ("http://127.0.0.1/callback") a free port is chosen at
	// each Start; with one ("http://127.0.0.1:8400/cb") that port is used or
	// Start returns a *PortInUseError. An empty path means "/". A query,
	// fragment or user info is refused. Never listens on all interfaces.
	RedirectURI string

	// Check judges the query of the callback. A nil error shows the success
	// page; an error shows the failure page with err.Error(), so it must be
	// text meant for the person and hold no secret. Either way that request
	// is the one accepted callback: Wait returns its query and this error,
	// and the listener closes.
	//
	// An error that wraps ErrForeign (errors.Is) says "not this sign-in"
	// (a state or oauth_token that is not ours: a forged or stale
	// request): that callback gets the failure page (400) and the wait goes
	// on, for up to MaxForeignCallbacks of them; the next one is accepted
	// like any other error, so a flood ends the wait.
	//
	// Check judges one callback at a time (one arriving meanwhile gets 410)
	// and is called at most MaxForeignCallbacks+1 times per Server.
	// Default nil: every callback is a success.
	Check func(url.Values) error

	// Timeout bounds the whole sign-in, counted from Start: when it passes
	// with no callback, the listener closes and Wait returns a
	// *TimeoutError (errors.Is ErrTimeout). Zero or negative means
	// DefaultTimeout.
	Timeout time.Duration

	// readHeaderTimeout and idleTimeout bound a connection that sends its
	// request headers slowly, or none after a response; zero means
	// defaultReadHeaderTimeout and defaultIdleTimeout. Tests shorten them.
	readHeaderTimeout, idleTimeout time.Duration
}

// MaxForeignCallbacks bounds the callbacks Config.Check may refuse as
// foreign (ErrForeign) before one ends the wait.
const MaxForeignCallbacks = 20

// Connection timeouts of the listener. A browser sends its request at once
// and makes at most one more (a favicon); a connection that dawdles is
// another program's and is closed.
const (
	defaultReadHeaderTimeout = 10 * time.Second
	defaultIdleTimeout       = 5 * time.Second
)

// withDefaults returns c with its zero fields filled in: the one place
// defaults are applied.
func (c Config) withDefaults() Config {
	if c.RedirectURI == "" {
		c.RedirectURI = DefaultRedirectURI
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.readHeaderTimeout <= 0 {
		c.readHeaderTimeout = defaultReadHeaderTimeout
	}
	if c.idleTimeout <= 0 {
		c.idleTimeout = defaultIdleTimeout
	}
	return c
}

// target is a checked redirect URI.
type target struct {
	host    string   // as written, without brackets: "127.0.0.1", "::1", "localhost"
	port    int      // 0: a free port
	path    string   // unescaped path the callback must have; never empty
	uriPath string   // escaped path as written, for RedirectURI; may be empty
	binds   []string // loopback IPs to listen on, first one required
}

// CheckRedirectURI reports whether Start can listen on raw: nil when it
// follows the rules of Config.RedirectURI, else a *RedirectURIError. It is
// the parser Start itself uses, so a configuration checked with it is one
// the listener accepts. The empty string is DefaultRedirectURI.
func CheckRedirectURI(raw string) error {
	if raw == "" {
		raw = DefaultRedirectURI
	}
	_, err := parseRedirectURI(raw)
	return err
}

// SameRedirectURI reports whether redirect URIs a and b name the same
// callback: the same host (as written, without regard to case), port (none
// counts as one value: a free port) and path. Each must pass
// CheckRedirectURI; one that does not is the same as nothing. The empty
// string is DefaultRedirectURI.
func SameRedirectURI(a, b string) bool {
	if a == "" {
		a = DefaultRedirectURI
	}
	if b == "" {
		b = DefaultRedirectURI
	}
	ta, errA := parseRedirectURI(a)
	tb, errB := parseRedirectURI(b)
	return errA == nil && errB == nil && strings.EqualFold(ta.host, tb.host) && ta.port == tb.port && ta.path == tb.path
}

// parseRedirectURI checks raw against the rules of Config.RedirectURI.
func parseRedirectURI(raw string) (target, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return target{}, &RedirectURIError{URI: redactedRaw(raw), Reason: "it is not a valid URL"}
	}
	fail := func(reason string) (target, error) {
		return target{}, &RedirectURIError{URI: u.Redacted(), Reason: reason}
	}
	switch {
	case u.Scheme != "http":
		return fail("the scheme must be http (a loopback redirect is plain http to this machine, RFC 8252 §7.3)")
	case u.Opaque != "" || u.Host == "":
		return fail("it must name a host, as in http://127.0.0.1/callback")
	case u.User != nil:
		return fail("it must not contain a user name or password")
	case u.RawQuery != "" || u.ForceQuery:
		return fail("it must not have a query")
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return fail("it must not have a fragment (RFC 6749 §3.1.2)")
	}
	t := target{host: u.Hostname(), path: u.Path, uriPath: u.EscapedPath()}
	switch strings.ToLower(t.host) {
	case "127.0.0.1":
		t.binds = []string{"127.0.0.1"}
	case "::1":
		t.binds = []string{"::1"}
	case "localhost":
		t.binds = []string{"127.0.0.1", "::1"}
	default:
		return fail(fmt.Sprintf("the host must be 127.0.0.1, [::1] or localhost, not %q: the listener only accepts connections from this machine (RFC 8252 §7.3)", t.host))
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return fail(fmt.Sprintf("the port must be a number from 1 to 65535, not %q; leave it out to use a free port", p))
		}
		t.port = n
	}
	if t.path == "" {
		t.path = "/"
	}
	return t, nil
}

// freePortAttempts bounds how often listen picks a new free port when
// localhost's ::1 side of a fresh 127.0.0.1 port is already taken.
const freePortAttempts = 10

// listen opens the listeners for t and returns them with the port they share.
func listen(t target) ([]net.Listener, int, error) {
	for attempt := 1; ; attempt++ {
		lns, port, err := listenOnce(t)
		var inUse *PortInUseError
		if err != nil && t.port == 0 && attempt < freePortAttempts && errors.As(err, &inUse) {
			continue // only possible for localhost's ::1: try another port
		}
		return lns, port, err
	}
}

// listenOnce listens on every address of t.binds at one port: t.port, or a
// free port chosen by the first listener. Only the first bind is required.
func listenOnce(t target) ([]net.Listener, int, error) {
	var lns []net.Listener
	closeAll := func() {
		for _, ln := range lns {
			_ = ln.Close()
		}
	}
	port := t.port
	for i, ip := range t.binds {
		network := "tcp4"
		if strings.Contains(ip, ":") {
			network = "tcp6"
		}
		ln, err := net.Listen(network, net.JoinHostPort(ip, strconv.Itoa(port)))
		if err != nil {
			if errors.Is(err, errAddrInUse) {
				closeAll()
				return nil, 0, &PortInUseError{Host: ip, Port: port, Err: err}
			}
			if i > 0 {
				continue // e.g. no IPv6 loopback on this machine: 127.0.0.1 serves localhost
			}
			closeAll()
			return nil, 0, fmt.Errorf("cannot listen on %s for the sign-in redirect: %w", net.JoinHostPort(ip, strconv.Itoa(port)), err)
		}
		lns = append(lns, ln)
		port = ln.Addr().(*net.TCPAddr).Port
	}
	return lns, port, nil
}

// redactedRaw hides what could be a password in a redirect URI that does
// not even parse: everything between "://" and the last "@" before the path.
func redactedRaw(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw
	}
	authority, path, _ := strings.Cut(rest, "/")
	if i := strings.LastIndex(authority, "@"); i >= 0 {
		authority = "xxxxx" + authority[i:]
	}
	if path != "" || strings.Contains(rest, "/") {
		return scheme + "://" + authority + "/" + path
	}
	return scheme + "://" + authority
}
