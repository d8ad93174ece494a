package loopback

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// patience bounds every wait in these tests; none should come near it.
const patience = 5 * time.Second

// browser is a fake browser: no keep-alive, so every request dials afresh
// and a closed listener shows up as "connection refused".
var browser = &http.Client{
	Transport: &http.Transport{DisableKeepAlives: true},
	Timeout:   patience,
}

type result struct {
	query url.Values
	err   error
}

// waitAsync runs s.Wait(ctx) in a goroutine and delivers its result.
func waitAsync(ctx context.Context, s *Server) <-chan result {
	ch := make(chan result, 1)
	go func() {
		q, err := s.Wait(ctx)
		ch <- result{q, err}
	}()
	return ch
}

func receive(t *testing.T, ch <-chan result) result {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(patience):
		t.Fatal("Wait did not return")
		return result{}
	}
}

func start(t *testing.T, cfg Config) *Server {
	t.Helper()
	s, err := Start(cfg)
	if err != nil {
		t.Fatalf("Start(%+v): %v", cfg, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// get does a GET through the fake browser and returns status, headers and body.
func get(t *testing.T, rawURL string) (int, http.Header, string) {
	t.Helper()
	return do(t, http.MethodGet, rawURL, "")
}

func do(t *testing.T, method, rawURL, host string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	res, err := browser.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, rawURL, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", method, rawURL, err)
	}
	return res.StatusCode, res.Header, string(body)
}

// portOf returns the port of a RedirectURI.
func portOf(t *testing.T, redirectURI string) string {
	t.Helper()
	u, err := url.Parse(redirectURI)
	if err != nil {
		t.Fatal(err)
	}
	return u.Port()
}

// assertRefused asserts that nothing listens at addr any more.
func assertRefused(t *testing.T, addr string) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, patience)
	if err == nil {
		c.Close()
		t.Fatalf("dial %s succeeded; want connection refused", addr)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dial %s: %v; want connection refused", addr, err)
	}
}

// ipv6Loopback reports whether this machine can listen on ::1.
func ipv6Loopback() bool {
	ln, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		return false
	}
	ln.Close()
	return true
}

func TestStartKnowsURLAndBindsLoopbackOnly(t *testing.T) {
	s := start(t, Config{})
	// Nothing has been requested yet: the URL is already final.
	if !regexp.MustCompile(`^http://127\.0\.0\.1:[1-9][0-9]*/callback$`).MatchString(s.RedirectURI()) {
		t.Fatalf("RedirectURI() = %q, want http://127.0.0.1:PORT/callback", s.RedirectURI())
	}
	port := portOf(t, s.RedirectURI())
	if len(s.listeners) != 1 {
		t.Fatalf("%d listeners, want 1", len(s.listeners))
	}
	addr := s.listeners[0].Addr().(*net.TCPAddr)
	if !addr.IP.Equal(net.IPv4(127, 0, 0, 1)) || strconv.Itoa(addr.Port) != port {
		t.Fatalf("listening on %s, want 127.0.0.1:%s", addr, port)
	}
	if s.target.path != "/callback" || s.check != nil {
		t.Errorf("defaults: path %q, check set %v", s.target.path, s.check != nil)
	}

	ifaddrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	tried := 0
	for _, a := range ifaddrs {
		ipnet, ok := a.(*net.IPNet)
		if !ok || ipnet.IP.IsLoopback() || ipnet.IP.IsLinkLocalUnicast() || ipnet.IP.IsUnspecified() {
			continue
		}
		tried++
		target := net.JoinHostPort(ipnet.IP.String(), port)
		if c, err := net.DialTimeout("tcp", target, patience); err == nil {
			c.Close()
			t.Errorf("dial %s succeeded: the listener is reachable beyond loopback", target)
		}
	}
	if tried == 0 {
		t.Log("no non-loopback address on this machine: reachability from outside not checked")
	}
}

func TestDefaultTimeout(t *testing.T) {
	if got := Config.withDefaults(Config{}).Timeout; got != 5*time.Minute {
		t.Errorf("default Timeout = %v, want 5m", got)
	}
	want := "no answer from the browser within 5m0s; sign in again"
	if got := (&TimeoutError{After: DefaultTimeout}).Error(); got != want {
		t.Errorf("TimeoutError = %q, want %q", got, want)
	}
}

func TestCallbackSuccess(t *testing.T) {
	var checked atomic.Int32
	s := start(t, Config{Check: func(url.Values) error { checked.Add(1); return nil }})
	res := waitAsync(context.Background(), s)

	want := url.Values{"code": {"c0de/+"}, "state": {"xyz"}, "multi": {"1", "2"}, "empty": {""}}
	status, h, body := get(t, s.RedirectURI()+"?"+want.Encode())
	if status != http.StatusOK {
		t.Errorf("status = %d, want 200", status)
	}
	if got := h.Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("Referrer-Policy = %q, want no-referrer", got)
	}
	if got := h.Get("Content-Security-Policy"); !strings.HasPrefix(got, "default-src 'none'") {
		t.Errorf("Content-Security-Policy = %q", got)
	}
	if !strings.Contains(body, "Signed in — you can close this tab and return to Latchkey") {
		t.Errorf("body is not the success page:\n%s", body)
	}
	if !strings.HasSuffix(strings.TrimSpace(body), "</html>") || h.Get("Content-Length") != strconv.Itoa(len(body)) {
		t.Errorf("page cut short: %d bytes, Content-Length %s", len(body), h.Get("Content-Length"))
	}

	r := receive(t, res)
	if r.err != nil {
		t.Fatalf("Wait: %v", r.err)
	}
	if !reflect.DeepEqual(r.query, want) {
		t.Errorf("query = %v, want %v", r.query, want)
	}
	if n := checked.Load(); n != 1 {
		t.Errorf("Check called %d times, want 1", n)
	}
	// A second Wait, and Close after the fact, keep the result.
	if q, err := s.Wait(context.Background()); err != nil || !reflect.DeepEqual(q, want) {
		t.Errorf("second Wait = %v, %v; want the same result", q, err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if q, err := s.Wait(context.Background()); err != nil || !reflect.DeepEqual(q, want) {
		t.Errorf("Wait after Close = %v, %v; want the callback's result", q, err)
	}
}

// stateError is a caller's own error type, to check errors.As through Wait.
type stateError struct{ msg string }

func (e *stateError) Error() string { return e.msg }

func TestCallbackCheckError(t *testing.T) {
	s := start(t, Config{Check: func(q url.Values) error {
		if q.Get("state") != "expected" {
			return &stateError{`The answer <b>did not match</b> this sign-in & was refused.`}
		}
		return nil
	}})
	res := waitAsync(context.Background(), s)

	status, h, body := get(t, s.RedirectURI()+"?code=abc&state=forged")
	if status != http.StatusBadRequest {
		t.Errorf("status = %d, want 400", status)
	}
	if got := h.Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("Referrer-Policy = %q, want no-referrer", got)
	}
	if !strings.Contains(body, "The answer &lt;b&gt;did not match&lt;/b&gt; this sign-in &amp; was refused.") {
		t.Errorf("failure page lacks the escaped message:\n%s", body)
	}
	if strings.Contains(body, "<b>did") || strings.Contains(body, "Signed in —") {
		t.Error("failure page shows raw HTML or the success text")
	}

	r := receive(t, res)
	var se *stateError
	if !errors.As(r.err, &se) {
		t.Fatalf("Wait error = %v (%T), want *stateError", r.err, r.err)
	}
	if r.query.Get("code") != "abc" || r.query.Get("state") != "forged" {
		t.Errorf("query = %v, want the callback's", r.query)
	}
	assertRefused(t, "127.0.0.1:"+portOf(t, s.RedirectURI()))
}

func TestSecondCallbackIsRefused(t *testing.T) {
	s := start(t, Config{})
	res := waitAsync(context.Background(), s)
	get(t, s.RedirectURI()+"?code=first")
	if r := receive(t, res); r.err != nil || r.query.Get("code") != "first" {
		t.Fatalf("Wait = %v, %v; want code=first", r.query, r.err)
	}

	_, err := browser.Get(s.RedirectURI() + "?code=replayed")
	if err == nil || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("replayed callback: err = %v, want connection refused", err)
	}
	assertRefused(t, "127.0.0.1:"+portOf(t, s.RedirectURI()))
	if q, _ := s.Wait(context.Background()); q.Get("code") != "first" {
		t.Errorf("result changed to %v after a replay", q)
	}
}

// TestConcurrentCallbacks holds the first callback inside Check while a
// second arrives: the second is refused with 410 and never reaches Check.
func TestConcurrentCallbacks(t *testing.T) {
	entered := make(chan struct{})
	release := make(chan struct{})
	var checked atomic.Int32
	s := start(t, Config{Check: func(url.Values) error {
		if checked.Add(1) == 1 {
			close(entered)
		}
		<-release
		return nil
	}})
	res := waitAsync(context.Background(), s)

	first := make(chan int, 1)
	go func() {
		res, err := browser.Get(s.RedirectURI() + "?code=first")
		if err != nil {
			first <- 0
			return
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		first <- res.StatusCode
	}()
	select {
	case <-entered:
	case <-time.After(patience):
		t.Fatal("first callback never reached Check")
	}
	status, _, body := get(t, s.RedirectURI()+"?code=second")
	if status != http.StatusGone || !strings.Contains(body, "already ended") {
		t.Errorf("second callback: status %d, want 410 with the failure page", status)
	}
	close(release)
	select {
	case st := <-first:
		if st != http.StatusOK {
			t.Errorf("first callback: status %d, want 200", st)
		}
	case <-time.After(patience):
		t.Fatal("first callback got no answer")
	}
	if r := receive(t, res); r.err != nil || r.query.Get("code") != "first" {
		t.Errorf("Wait = %v, %v; want code=first", r.query, r.err)
	}
	if n := checked.Load(); n != 1 {
		t.Errorf("Check called %d times, want 1", n)
	}
}

func TestRequestsThatAreNotTheCallback(t *testing.T) {
	s := start(t, Config{RedirectURI: "http://127.0.0.1/cb"})
	res := waitAsync(context.Background(), s)
	base := strings.TrimSuffix(s.RedirectURI(), "/cb")
	hostport := strings.TrimPrefix(base, "http://")

	tests := []struct {
		name, method, url, host string
		want                    int
		allow                   string
	}{
		{"favicon", http.MethodGet, base + "/favicon.ico", "", http.StatusNotFound, ""},
		{"root", http.MethodGet, base + "/?code=x", "", http.StatusNotFound, ""},
		{"trailing slash", http.MethodGet, base + "/cb/?code=x", "", http.StatusNotFound, ""},
		{"prefix", http.MethodGet, base + "/cbx?code=x", "", http.StatusNotFound, ""},
		{"POST on the path", http.MethodPost, base + "/cb?code=x", "", http.StatusMethodNotAllowed, "GET"},
		{"HEAD on the path", http.MethodHead, base + "/cb?code=x", "", http.StatusMethodNotAllowed, "GET"},
		{"foreign Host (DNS rebinding)", http.MethodGet, base + "/cb?code=x", "evil.example:" + portOf(t, s.RedirectURI()), http.StatusMisdirectedRequest, ""},
		{"Host with another port", http.MethodGet, base + "/cb?code=x", "127.0.0.1:1", http.StatusMisdirectedRequest, ""},
		{"Host localhost for a 127.0.0.1 redirect", http.MethodGet, base + "/cb?code=x", "localhost:" + portOf(t, s.RedirectURI()), http.StatusMisdirectedRequest, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, h, _ := do(t, tt.method, tt.url, tt.host)
			if status != tt.want {
				t.Errorf("status = %d, want %d", status, tt.want)
			}
			if got := h.Get("Allow"); got != tt.allow {
				t.Errorf("Allow = %q, want %q", got, tt.allow)
			}
		})
	}

	// None of them ended the wait: the real callback is still accepted.
	status, _, _ := do(t, http.MethodGet, s.RedirectURI()+"?code=real", hostport)
	if status != http.StatusOK {
		t.Fatalf("real callback: status %d, want 200", status)
	}
	if r := receive(t, res); r.err != nil || r.query.Get("code") != "real" {
		t.Errorf("Wait = %v, %v; want code=real", r.query, r.err)
	}
}

func TestFixedPort(t *testing.T) {
	t.Run("in use", func(t *testing.T) {
		busy, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer busy.Close()
		port := busy.Addr().(*net.TCPAddr).Port

		s, err := Start(Config{RedirectURI: "http://127.0.0.1:" + strconv.Itoa(port) + "/cb"})
		if err == nil {
			s.Close()
			t.Fatal("Start succeeded on a port in use")
		}
		var inUse *PortInUseError
		if !errors.As(err, &inUse) {
			t.Fatalf("err = %v (%T), want *PortInUseError", err, err)
		}
		if inUse.Port != port || inUse.Host != "127.0.0.1" {
			t.Errorf("PortInUseError names %s:%d, want 127.0.0.1:%d", inUse.Host, inUse.Port, port)
		}
		// The remedy is auth.Describe's: see auth's TestDescribeLoopback.
		want := "port " + strconv.Itoa(port) + " on 127.0.0.1 is in use by another program"
		if err.Error() != want {
			t.Errorf("message = %q, want %q", err.Error(), want)
		}
		if !errors.Is(err, syscall.EADDRINUSE) {
			t.Errorf("err does not wrap EADDRINUSE: %v", inUse.Err)
		}
	})
	t.Run("free", func(t *testing.T) {
		probe, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := strconv.Itoa(probe.Addr().(*net.TCPAddr).Port)
		probe.Close()

		s := start(t, Config{RedirectURI: "http://127.0.0.1:" + port + "/cb"})
		if want := "http://127.0.0.1:" + port + "/cb"; s.RedirectURI() != want {
			t.Fatalf("RedirectURI() = %q, want %q", s.RedirectURI(), want)
		}
		res := waitAsync(context.Background(), s)
		get(t, s.RedirectURI()+"?code=fixed")
		if r := receive(t, res); r.err != nil || r.query.Get("code") != "fixed" {
			t.Errorf("Wait = %v, %v; want code=fixed", r.query, r.err)
		}
	})
}

func TestLocalhost(t *testing.T) {
	s := start(t, Config{RedirectURI: "http://localhost/callback"})
	if !regexp.MustCompile(`^http://localhost:[0-9]+/callback$`).MatchString(s.RedirectURI()) {
		t.Fatalf("RedirectURI() = %q, want http://localhost:PORT/callback", s.RedirectURI())
	}
	port := portOf(t, s.RedirectURI())
	var ips []string
	for _, ln := range s.listeners {
		a := ln.Addr().(*net.TCPAddr)
		if strconv.Itoa(a.Port) != port {
			t.Errorf("listener %s is not on port %s", a, port)
		}
		ips = append(ips, a.IP.String())
	}
	want := []string{"127.0.0.1"}
	if ipv6Loopback() {
		want = append(want, "::1")
	} else {
		t.Log("no IPv6 loopback here: only 127.0.0.1 expected")
	}
	if !reflect.DeepEqual(ips, want) {
		t.Fatalf("listening on %v, want %v", ips, want)
	}

	res := waitAsync(context.Background(), s)
	// A browser that resolves localhost to ::1 (or 127.0.0.1) sends Host localhost:PORT.
	ip := want[len(want)-1]
	status, _, _ := do(t, http.MethodGet, "http://"+net.JoinHostPort(ip, port)+"/callback?code=lh", "localhost:"+port)
	if status != http.StatusOK {
		t.Fatalf("callback via %s: status %d, want 200", ip, status)
	}
	if r := receive(t, res); r.err != nil || r.query.Get("code") != "lh" {
		t.Errorf("Wait = %v, %v; want code=lh", r.query, r.err)
	}
	for _, ip := range want {
		assertRefused(t, net.JoinHostPort(ip, port))
	}
}

func TestLocalhostFixedPortTakenOnIPv6(t *testing.T) {
	if !ipv6Loopback() {
		t.Skip("no IPv6 loopback on this machine")
	}
	busy, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	port := busy.Addr().(*net.TCPAddr).Port

	s, err := Start(Config{RedirectURI: "http://localhost:" + strconv.Itoa(port) + "/callback"})
	if err == nil {
		s.Close()
		t.Fatal("Start succeeded although another program holds [::1] at the port: it could catch the callback")
	}
	var inUse *PortInUseError
	if !errors.As(err, &inUse) || inUse.Host != "::1" || inUse.Port != port {
		t.Fatalf("err = %v, want *PortInUseError for [::1]:%d", err, port)
	}
	if !strings.HasPrefix(err.Error(), "port "+strconv.Itoa(port)+" on [::1] is in use") {
		t.Errorf("message = %q", err.Error())
	}
	// The 127.0.0.1 side opened first must not be left behind.
	assertRefused(t, "127.0.0.1:"+strconv.Itoa(port))
}

func TestIPv6Literal(t *testing.T) {
	if !ipv6Loopback() {
		t.Skip("no IPv6 loopback on this machine")
	}
	s := start(t, Config{RedirectURI: "http://[::1]/callback"})
	if !regexp.MustCompile(`^http://\[::1\]:[0-9]+/callback$`).MatchString(s.RedirectURI()) {
		t.Fatalf("RedirectURI() = %q", s.RedirectURI())
	}
	if len(s.listeners) != 1 || !s.listeners[0].Addr().(*net.TCPAddr).IP.Equal(net.IPv6loopback) {
		t.Fatalf("listeners = %v, want [::1] only", s.listeners)
	}
	res := waitAsync(context.Background(), s)
	get(t, s.RedirectURI()+"?code=v6")
	if r := receive(t, res); r.err != nil || r.query.Get("code") != "v6" {
		t.Errorf("Wait = %v, %v; want code=v6", r.query, r.err)
	}
}

func TestCancel(t *testing.T) {
	s := start(t, Config{})
	ctx, cancel := context.WithCancel(context.Background())
	res := waitAsync(ctx, s)
	cancel()
	r := receive(t, res)
	if !errors.Is(r.err, context.Canceled) {
		t.Fatalf("Wait error = %v, want context.Canceled", r.err)
	}
	if errors.Is(r.err, ErrTimeout) || r.query != nil {
		t.Errorf("Wait = %v, %v; want only a cancel", r.query, r.err)
	}
	assertRefused(t, "127.0.0.1:"+portOf(t, s.RedirectURI()))
}

func TestTimeout(t *testing.T) {
	s := start(t, Config{Timeout: 50 * time.Millisecond})
	r := receive(t, waitAsync(context.Background(), s))
	if !errors.Is(r.err, ErrTimeout) {
		t.Fatalf("Wait error = %v, want ErrTimeout", r.err)
	}
	var te *TimeoutError
	if !errors.As(r.err, &te) || te.After != 50*time.Millisecond {
		t.Errorf("Wait error = %#v, want *TimeoutError{After: 50ms}", r.err)
	}
	if want := "no answer from the browser within 50ms; sign in again"; r.err.Error() != want {
		t.Errorf("message = %q, want %q", r.err.Error(), want)
	}
	assertRefused(t, "127.0.0.1:"+portOf(t, s.RedirectURI()))
}

func TestCloseConcurrentWithWait(t *testing.T) {
	s, err := Start(Config{})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	results := make(chan result, 4)
	for range 4 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			q, err := s.Wait(context.Background())
			results <- result{q, err}
		}()
		go func() {
			defer wg.Done()
			if err := s.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(patience):
		t.Fatal("Wait or Close did not return")
	}
	close(results)
	for r := range results {
		if !errors.Is(r.err, ErrClosed) || r.query != nil {
			t.Errorf("Wait = %v, %v; want ErrClosed", r.query, r.err)
		}
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	assertRefused(t, "127.0.0.1:"+portOf(t, s.RedirectURI()))
}
