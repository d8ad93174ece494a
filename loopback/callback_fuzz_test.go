package loopback

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// FuzzCallback sends one request of fuzzed method, path, query and Host to
// a real listener whose Check accepts one state (and calls the rest
// foreign), then the real callback. The listener never panics, answers
// every request, delivers only a query its Check accepted, and delivers
// one at most once: the fuzzed request or the real one, never both.
func FuzzCallback(f *testing.F) {
	f.Add("GET", "/callback", "code=c&state=good", "")
	f.Add("GET", "/callback", "code=c&state=forged", "")
	f.Add("GET", "/callback", "state=good&state=bad", "")
	f.Add("GET", "/callback/", "code=c&state=good", "")
	f.Add("POST", "/callback", "code=c&state=good", "")
	f.Add("HEAD", "/callback", "state=good", "")
	f.Add("GET", "/callback", "state=good", "evil.example")
	f.Add("GET", "/%63allback", "state=%67ood", "")
	f.Add("GET", "//callback", "state=good", "")
	f.Add("GET", "/callback", "state=good;x=1&%zz", "")
	f.Add("OPTIONS", "*", "", "")
	f.Add("GET", "http://127.0.0.1/callback", "state=good", "")
	f.Add("PRI", "*", "", "")
	f.Fuzz(func(t *testing.T, method, path, query, host string) {
		if !token(method) || !requestTarget(path) || !requestTarget(query) || !headerValue(host) {
			return // not a request a client can send; the server's parser is not ours to fuzz
		}
		var accepted atomic.Int32
		s, err := Start(Config{Timeout: patience, Check: func(q url.Values) error {
			if err := stateCheck("good", new(atomic.Int32))(q); err != nil {
				return err
			}
			accepted.Add(1)
			return nil
		}})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		addr := strings.TrimPrefix(strings.TrimSuffix(s.RedirectURI(), "/callback"), "http://")
		if host == "" {
			host = addr
		}
		target := path
		if query != "" {
			target += "?" + query
		}
		status := send(t, addr, method+" "+target+" HTTP/1.1\r\nHost: "+host+"\r\nConnection: close\r\n\r\n")
		if status == 0 {
			t.Fatalf("%s %s (Host %q): no answer", method, target, host)
		}
		// Only the success page (200) delivers; its handler ends the wait
		// just after the page is written.
		fuzzedWon := status == http.StatusOK
		if fuzzedWon {
			select {
			case <-s.done:
			case <-time.After(patience):
				t.Fatalf("%s %s (Host %q) got the success page but the wait goes on", method, target, host)
			}
			if s.err != nil || s.query.Get("state") != "good" || accepted.Load() != 1 {
				t.Fatalf("delivered %v, %v that Check did not accept", s.query, s.err)
			}
		} else {
			select {
			case <-s.done:
				t.Fatalf("%s %s (Host %q), answered %d, ended the wait: %v", method, target, host, status, s.err)
			default:
			}
		}

		status = send(t, addr, "GET /callback?code=real&state=good HTTP/1.1\r\nHost: "+addr+"\r\nConnection: close\r\n\r\n")
		ctx, cancel := context.WithTimeout(context.Background(), patience)
		defer cancel()
		q, err := s.Wait(ctx)
		switch {
		case err != nil:
			t.Fatalf("Wait: %v", err)
		case accepted.Load() != 1:
			t.Fatalf("Check accepted %d callbacks", accepted.Load())
		case fuzzedWon && status != 0 && status != http.StatusGone:
			t.Fatalf("the real callback after a delivered one got %d", status)
		case !fuzzedWon && (status != http.StatusOK || q.Get("code") != "real"):
			t.Fatalf("the real callback got %d, Wait %v", status, q)
		}
	})
}

// send writes one raw request to addr and returns the answer's status, or
// 0 when the connection was refused (the listener has closed) or got none.
func send(t *testing.T, addr, request string) int {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, patience)
	if err != nil {
		return 0
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(patience))
	if _, err := io.WriteString(c, request); err != nil {
		return 0
	}
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

// token reports whether s is an HTTP method token (RFC 9110 §5.6.2).
func token(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

// requestTarget reports whether s can stand in a request line: printable
// ASCII without spaces, and not too long.
func requestTarget(s string) bool {
	if len(s) > 2048 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// headerValue reports whether s can be a Host header's value.
func headerValue(s string) bool {
	return requestTarget(s)
}
