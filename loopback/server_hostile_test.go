package loopback

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// stateCheck accepts the callback whose state is want and calls any other
// foreign, as auth's checks do; it counts its calls.
func stateCheck(want string, calls *atomic.Int32) func(url.Values) error {
	return func(q url.Values) error {
		calls.Add(1)
		if q.Get("state") != want {
			return fmt.Errorf("this answer is not from the sign-in you started: %w", ErrForeign)
		}
		return nil
	}
}

// pending asserts that the wait is still running.
func pending(t *testing.T, s *Server) {
	t.Helper()
	select {
	case <-s.done:
		t.Fatalf("the wait ended: %v, %v", s.query, s.err)
	default:
	}
}

// TestForgedCallbackThenTheRealOne: a callback Check finds foreign gets the
// failure page and leaves the wait running; the real one then wins.
func TestForgedCallbackThenTheRealOne(t *testing.T) {
	var calls atomic.Int32
	s := start(t, Config{Check: stateCheck("good", &calls)})
	res := waitAsync(context.Background(), s)

	status, h, body := get(t, s.RedirectURI()+"?code=evil&state=forged")
	if status != http.StatusBadRequest || !strings.Contains(body, "this answer is not from the sign-in you started") ||
		h.Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("forged callback: status %d, body:\n%s", status, body)
	}
	pending(t, s)
	status, _, _ = get(t, s.RedirectURI()+"?code=real&state=good")
	if status != http.StatusOK {
		t.Fatalf("real callback: status %d, want 200", status)
	}
	r := receive(t, res)
	if r.err != nil || r.query.Get("code") != "real" {
		t.Fatalf("Wait = %v, %v; want code=real", r.query, r.err)
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("Check called %d times, want 2", n)
	}
	t.Logf("reliability|loopback|forged callback (wrong state) before the real one|1|answered it 400 with the failure page and kept waiting; the real callback signed in|nothing")
}

// TestForgedCallbackFlood: MaxForeignCallbacks foreign callbacks are
// refused and the wait goes on; the next one ends it with its error, so a
// flood cannot hold the port open.
func TestForgedCallbackFlood(t *testing.T) {
	var calls atomic.Int32
	s := start(t, Config{Check: stateCheck("good", &calls)})
	res := waitAsync(context.Background(), s)
	for i := range MaxForeignCallbacks {
		if status, _, _ := get(t, s.RedirectURI()+"?state=forged"+fmt.Sprint(i)); status != http.StatusBadRequest {
			t.Fatalf("forged callback %d: status %d, want 400", i+1, status)
		}
		pending(t, s)
	}
	if status, _, _ := get(t, s.RedirectURI()+"?state=one-too-many"); status != http.StatusBadRequest {
		t.Fatalf("callback %d: status %d, want 400", MaxForeignCallbacks+1, status)
	}
	r := receive(t, res)
	if !errors.Is(r.err, ErrForeign) || r.query.Get("state") != "one-too-many" {
		t.Fatalf("Wait = %v, %v; want the last foreign callback's error", r.query, r.err)
	}
	assertRefused(t, "127.0.0.1:"+portOf(t, s.RedirectURI()))
	if n := calls.Load(); n != MaxForeignCallbacks+1 {
		t.Errorf("Check called %d times, want %d", n, MaxForeignCallbacks+1)
	}
	t.Logf("reliability|loopback|flood of forged callbacks|%d|refused %d, ended the wait on the next with the Check's error and closed the port|that sign-in: start it again", MaxForeignCallbacks+1, MaxForeignCallbacks)
}

// TestForgedCallbackOnAnotherProvidersPath: a listener for
// /callback/work answers 404 to /callback and /callback/home (another
// provider's redirect, RFC 9700 §4.4) and keeps waiting.
func TestForgedCallbackOnAnotherProvidersPath(t *testing.T) {
	var calls atomic.Int32
	s := start(t, Config{RedirectURI: "http://127.0.0.1/callback/work", Check: stateCheck("good", &calls)})
	res := waitAsync(context.Background(), s)
	base := strings.TrimSuffix(s.RedirectURI(), "/callback/work")
	for _, path := range []string{"/callback", "/callback/home", "/callback/work/", "/callback/WORK", "/callback/work%2F"} {
		if status, _, _ := get(t, base+path+"?code=x&state=good"); status != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, status)
		}
		pending(t, s)
	}
	if status, _, _ := get(t, s.RedirectURI()+"?code=real&state=good"); status != http.StatusOK {
		t.Fatalf("real callback: status %d", status)
	}
	if r := receive(t, res); r.err != nil || r.query.Get("code") != "real" {
		t.Fatalf("Wait = %v, %v; want code=real", r.query, r.err)
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("Check called %d times, want 1: another path reached it", n)
	}
	t.Logf("reliability|loopback|callback on another provider's path|5|answered 404 and kept waiting; the real callback signed in|nothing")
}

// closedBy waits for the server to close c (the test's own deadline is
// patience) and fails if it does not.
func closedBy(t *testing.T, c net.Conn, r io.Reader) time.Duration {
	t.Helper()
	start := time.Now()
	_ = c.SetReadDeadline(start.Add(patience))
	_, err := io.Copy(io.Discard, r)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("the listener kept the connection open for %s", patience)
	}
	return time.Since(start)
}

// TestHostileSlowConnectionsClosed: a connection that sends its headers
// slowly (slowloris) or idles after an answer is closed after the
// read-header or idle timeout, and the wait goes on.
func TestHostileSlowConnectionsClosed(t *testing.T) {
	const short = 100 * time.Millisecond
	s := start(t, Config{readHeaderTimeout: short, idleTimeout: short})
	res := waitAsync(context.Background(), s)
	addr := strings.TrimPrefix(strings.TrimSuffix(s.RedirectURI(), "/callback"), "http://")

	slow, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	if _, err := io.WriteString(slow, "GET /callback?code=x HTTP/1.1\r\nHost: "+addr+"\r\nX-Slow: "); err != nil {
		t.Fatal(err)
	}
	took := closedBy(t, slow, slow)
	t.Logf("reliability|loopback|slowloris: headers never finished|1|closed the connection after %s and kept waiting|nothing", took.Round(time.Millisecond))

	idle, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	if _, err := io.WriteString(idle, "GET /favicon.ico HTTP/1.1\r\nHost: "+addr+"\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(idle)
	answer, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, answer.Body)
	answer.Body.Close()
	if answer.StatusCode != http.StatusNotFound || answer.Close {
		t.Fatalf("favicon: status %d, close %v; want 404 on a kept-alive connection", answer.StatusCode, answer.Close)
	}
	took = closedBy(t, idle, br)
	t.Logf("reliability|loopback|idle kept-alive connection|1|closed it after %s and kept waiting|nothing", took.Round(time.Millisecond))

	pending(t, s)
	if status, _, _ := get(t, s.RedirectURI()+"?code=real"); status != http.StatusOK {
		t.Fatalf("real callback: status %d", status)
	}
	if r := receive(t, res); r.err != nil || r.query.Get("code") != "real" {
		t.Fatalf("Wait = %v, %v", r.query, r.err)
	}
}

// TestListenerTimeoutsByDefault: the listener's connections are bounded
// without any test seam.
func TestListenerTimeoutsByDefault(t *testing.T) {
	s := start(t, Config{})
	if s.http.ReadHeaderTimeout != defaultReadHeaderTimeout || s.http.IdleTimeout != defaultIdleTimeout || s.http.IdleTimeout <= 0 {
		t.Errorf("ReadHeaderTimeout %s, IdleTimeout %s", s.http.ReadHeaderTimeout, s.http.IdleTimeout)
	}
}

// TestForgedOptionsStar: "OPTIONS *" is answered by the listener (404),
// not by net/http's general handler (200, which a client could take for
// the success page).
func TestForgedOptionsStar(t *testing.T) {
	s := start(t, Config{})
	addr := strings.TrimPrefix(strings.TrimSuffix(s.RedirectURI(), "/callback"), "http://")
	if status := send(t, addr, "OPTIONS * HTTP/1.1\r\nHost: "+addr+"\r\nConnection: close\r\n\r\n"); status != http.StatusNotFound {
		t.Errorf("OPTIONS *: status %d, want 404", status)
	}
	pending(t, s)
}
