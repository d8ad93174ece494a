package loopback

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"
)

// ErrTimeout is matched (errors.Is) by the *TimeoutError that Wait returns
// when Config.Timeout passes without a callback.
var ErrTimeout = errors.New("no answer from the browser in time; sign in again")

// ErrForeign is what a Config.Check wraps (fmt.Errorf("…: %w",
// ErrForeign), or an error type whose Is matches it) to say that a callback
// is not this sign-in's: its state or oauth_token is not the one sent. Such
// a callback gets the failure page with the Check's message and the wait
// goes on (a local program cannot end a sign-in with one forged request),
// up to MaxForeignCallbacks times.
var ErrForeign = errors.New("this answer does not belong to the sign-in in progress")

// ErrClosed is returned by Wait when Close ended the wait before a callback.
var ErrClosed = errors.New("the sign-in listener was closed before the browser answered")

// TimeoutError says that no callback arrived within After (Config.Timeout).
// It matches ErrTimeout with errors.Is.
type TimeoutError struct {
	After time.Duration
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("no answer from the browser within %s; sign in again", e.After)
}

// Is reports whether target is ErrTimeout.
func (e *TimeoutError) Is(target error) bool { return target == ErrTimeout }

// PortInUseError says that the fixed port of a redirect URI is taken by
// another program. It states the fact only: what to do about it is the
// caller's to say (auth.Describe). Err is the listen error (it matches syscall.EADDRINUSE
// on Unix).
type PortInUseError struct {
	Host string // "127.0.0.1" or "::1"
	Port int
	Err  error
}

func (e *PortInUseError) Error() string {
	host := e.Host
	if ip := net.ParseIP(host); ip != nil && ip.To4() == nil {
		host = "[" + host + "]"
	}
	return "port " + strconv.Itoa(e.Port) + " on " + host + " is in use by another program"
}

func (e *PortInUseError) Unwrap() error { return e.Err }

// RedirectURIError says why a redirect URI cannot be served by a loopback
// listener (RFC 8252 §7.3: plain http on a loopback IP literal, or §8.3:
// localhost). URI is the offending value with any password redacted. It
// states the fact only: where the URI came from and how to change it is the
// caller's to say.
type RedirectURIError struct {
	URI    string
	Reason string
}

func (e *RedirectURIError) Error() string {
	return fmt.Sprintf("the redirect URI %q cannot be used: %s", e.URI, e.Reason)
}
