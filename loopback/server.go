// Package loopback is the RFC 8252 loopback redirect listener (§7.3, §8.3):
// it listens on this machine only, tells its caller the redirect URI before
// any request arrives, and hands back the query of exactly one callback.
//
// It knows nothing of OAuth: the caller opens the browser, judges the query
// through Config.Check (state, error, oauth_token…) and does the rest. The
// query holds authorization codes and verifiers, so this package never logs
// it and never puts it in an error.
package loopback

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"latchkey/assets"
)

// shutdownGrace is how long connections still open when the wait ends may
// finish (in the background) before they are cut.
const shutdownGrace = time.Second

// goneMessage is shown to a browser whose callback arrives after the one
// accepted callback, a cancel or a timeout.
const goneMessage = "This sign-in has already ended. If you still need to sign in, start again from Latchkey."

// Server is a running loopback listener. Its methods are safe for
// concurrent use.
type Server struct {
	redirectURI string
	target      target
	port        int
	check       func(url.Values) error
	listeners   []net.Listener
	http        *http.Server
	timer       *time.Timer
	serving     sync.WaitGroup // the http.Server.Serve loops

	mu       sync.Mutex
	claimed  bool // a callback is being judged by Check
	foreign  int  // callbacks Check refused as foreign (ErrForeign)
	finished bool // query and err are final; listeners are closed
	query    url.Values
	err      error

	// done is closed once the result is final, the listeners are closed
	// and, when a callback won, its page has been written to the browser.
	done chan struct{}
}

// Start checks cfg, listens at once and returns the running Server, so its
// RedirectURI is known before any request can arrive (OAuth 1.0a needs it
// for oauth_callback). The Timeout starts now. The caller must end the
// server with Wait or Close.
//
// Errors: *RedirectURIError for a redirect URI that is not plain http on a
// loopback host, *PortInUseError when its fixed port is taken, or the
// listen error otherwise.
func Start(cfg Config) (*Server, error) {
	cfg = cfg.withDefaults()
	t, err := parseRedirectURI(cfg.RedirectURI)
	if err != nil {
		return nil, err
	}
	lns, port, err := listen(t)
	if err != nil {
		return nil, err
	}
	s := &Server{
		redirectURI: "http://" + net.JoinHostPort(t.host, strconv.Itoa(port)) + t.uriPath,
		target:      t,
		port:        port,
		check:       cfg.Check,
		listeners:   lns,
		done:        make(chan struct{}),
	}
	s.http = &http.Server{
		Handler:           http.HandlerFunc(s.serveHTTP),
		ReadHeaderTimeout: cfg.readHeaderTimeout,
		IdleTimeout:       cfg.idleTimeout,
		WriteTimeout:      30 * time.Second,
		MaxHeaderBytes:    64 << 10,
		// "OPTIONS *" goes to serveHTTP too (404), not to net/http's 200.
		DisableGeneralOptionsHandler: true,
		ErrorLog:                     log.New(io.Discard, "", 0), // never log: requests hold codes
	}
	s.serving.Add(len(lns)) // before the timer can start drain, which waits on serving
	timeout := cfg.Timeout
	s.mu.Lock() // the timer may fire before Start returns
	s.timer = time.AfterFunc(timeout, func() { s.finish(nil, &TimeoutError{After: timeout}, false) })
	s.mu.Unlock()
	for _, ln := range lns {
		go func() {
			defer s.serving.Done()
			_ = s.http.Serve(ln) // ends when finish closes ln
		}()
	}
	return s, nil
}

// RedirectURI returns the redirect URI with its real port, for example
// http://127.0.0.1:43127/callback. The host and path are those of
// Config.RedirectURI, so the string matches what a provider registered.
func (s *Server) RedirectURI() string { return s.redirectURI }

// Wait blocks until the one accepted callback, ctx is done, Close is called
// or the Timeout passes, and returns:
//   - the callback's query and Config.Check's error, unchanged (nil on
//     success);
//   - a *TimeoutError (errors.Is ErrTimeout) after the Timeout;
//   - an error wrapping ctx.Err() (errors.Is context.Canceled or
//     context.DeadlineExceeded) when ctx is done first;
//   - ErrClosed after Close.
//
// On every return the listeners are closed, so a replayed callback gets
// "connection refused"; connections still open are drained in the
// background for at most a second. Wait may be called more than once and
// from several goroutines: all get the same result.
func (s *Server) Wait(ctx context.Context) (url.Values, error) {
	select {
	case <-s.done:
	case <-ctx.Done():
		s.finish(nil, fmt.Errorf("stopped waiting for the browser: %w", ctx.Err()), false)
		<-s.done
	}
	return s.query, s.err
}

// Close ends the wait (Wait returns ErrClosed unless a result came first)
// and returns once the listeners are closed. It is idempotent, safe
// concurrently with Wait, and always returns nil.
func (s *Server) Close() error {
	s.finish(nil, ErrClosed, false)
	<-s.done
	return nil
}

// claim marks a callback as being judged and reports whether it is the
// first: only one request ever reaches Check.
func (s *Server) claim() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.claimed || s.finished {
		return false
	}
	s.claimed = true
	return true
}

// refuseForeign ends the claim of a callback Check found foreign and
// reports whether the wait goes on: not when it is over already, nor when
// MaxForeignCallbacks were refused before (this one then ends it).
func (s *Server) refuseForeign() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.finished || s.foreign >= MaxForeignCallbacks {
		return false
	}
	s.foreign++
	s.claimed = false
	return true
}

// finish makes (query, err) the result unless one already is, and reports
// whether it did. It closes the listeners at once and drains the server in
// the background. done is closed here, or for a callback (byCallback) by
// the handler once its page is written.
func (s *Server) finish(query url.Values, err error, byCallback bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.finished {
		return false
	}
	s.finished = true
	s.query, s.err = query, err
	s.timer.Stop()
	for _, ln := range s.listeners {
		_ = ln.Close()
	}
	go s.drain()
	if !byCallback {
		close(s.done)
	}
	return true
}

// drain lets open connections finish for shutdownGrace, then cuts them.
func (s *Server) drain() {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	_ = s.http.Shutdown(ctx)
	_ = s.http.Close()
	s.serving.Wait()
}

// serveHTTP answers every request. Only a GET on the exact path, addressed
// to the redirect URI's host and port, is a callback; anything else
// (favicon, other paths, other methods, a foreign Host from DNS rebinding)
// is refused and leaves the wait running, and so does a callback that
// Check finds foreign (ErrForeign), up to MaxForeignCallbacks.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	if !s.hostMatches(r.Host) {
		http.Error(w, "421 misdirected request", http.StatusMisdirectedRequest)
		return
	}
	if r.URL.Path != s.target.path {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet {
		h.Set("Allow", http.MethodGet)
		http.Error(w, "405 method not allowed", http.StatusMethodNotAllowed)
		return
	}
	query := r.URL.Query()
	if !s.claim() {
		assets.WriteFailure(w, http.StatusGone, goneMessage)
		return
	}
	var err error
	if s.check != nil {
		err = s.check(query)
	}
	if errors.Is(err, ErrForeign) && s.refuseForeign() {
		assets.WriteFailure(w, http.StatusBadRequest, err.Error())
		return
	}
	if !s.finish(query, err, true) { // a timeout, cancel or Close came first
		assets.WriteFailure(w, http.StatusGone, goneMessage)
		return
	}
	defer close(s.done)
	if err != nil {
		assets.WriteFailure(w, http.StatusBadRequest, err.Error())
	} else {
		assets.WriteSuccess(w)
	}
	// Push the whole page to the socket before Wait returns: the caller
	// may exit soon after.
	_ = http.NewResponseController(w).Flush()
}

// hostMatches reports whether a request's Host header names the redirect
// URI's host and port (a browser omits port 80).
func (s *Server) hostMatches(hostport string) bool {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		host, port = strings.TrimSuffix(strings.TrimPrefix(hostport, "["), "]"), "80"
	}
	return strings.EqualFold(host, s.target.host) && port == strconv.Itoa(s.port)
}
