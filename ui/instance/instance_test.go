//go:build unix

package instance

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// claim claims dir and serves it, sending each message to the returned
// channel; the instance closes at the end of the test.
func claim(t *testing.T, dir string) (*Instance, <-chan string) {
	t.Helper()
	in, err := Claim(context.Background(), dir)
	if err != nil {
		t.Fatalf("Claim: %v", err)
	}
	got := make(chan string, 8)
	go in.Serve(func(msg string) { got <- msg })
	t.Cleanup(func() { in.Close() })
	return in, got
}

// received waits (at most 10 s) for a message.
func received(t *testing.T, got <-chan string) string {
	t.Helper()
	select {
	case m := <-got:
		return m
	case <-time.After(10 * time.Second):
		t.Fatal("the first instance was told nothing within 10s")
		return ""
	}
}

func TestSecondClaimShowsTheFirst(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "latchkey")
	_, got := claim(t, dir)
	second, err := Claim(context.Background(), dir)
	if !errors.Is(err, ErrRunning) || second != nil {
		t.Fatalf("a second Claim = %v, %v; want ErrRunning", second, err)
	}
	if m := received(t, got); m != Show {
		t.Errorf("the first instance was told %q, want %q", m, Show)
	}
	for p, want := range map[string]os.FileMode{dir: 0o700, filepath.Join(dir, SocketName): 0o600} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s has mode %v, want %v", p, fi.Mode().Perm(), want)
		}
	}
	if fi, _ := os.Stat(filepath.Join(dir, SocketName)); fi.Mode().Type() != os.ModeSocket {
		t.Errorf("%s is %v, not a socket", SocketName, fi.Mode().Type())
	}
}

func TestClaimAfterClose(t *testing.T) {
	dir := t.TempDir()
	first, _ := claim(t, dir)
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, SocketName)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the socket outlived Close: %v", err)
	}
	_, got := claim(t, dir) // not ErrRunning: nobody listens any more
	if _, err := Claim(context.Background(), dir); !errors.Is(err, ErrRunning) {
		t.Fatalf("a Claim beside the new instance = %v, want ErrRunning", err)
	}
	received(t, got)
}

// TestStaleSocket: a window that crashed leaves its socket file behind;
// the next one replaces it.
func TestStaleSocket(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, SocketName)
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	ln.SetUnlinkOnClose(false)
	ln.Close()
	if fi, err := os.Stat(path); err != nil || fi.Mode().Type() != os.ModeSocket {
		t.Fatalf("no stale socket to test with: %v", err)
	}
	_, got := claim(t, dir)
	if _, err := Claim(context.Background(), dir); !errors.Is(err, ErrRunning) {
		t.Fatalf("a Claim beside the instance that replaced the stale socket = %v, want ErrRunning", err)
	}
	received(t, got)
}

// TestFileInTheWay: a plain file where the socket goes is not a window.
func TestFileInTheWay(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, SocketName), []byte("junk"), 0o600); err != nil {
		t.Fatal(err)
	}
	claim(t, dir)
}

// TestStartingTogether: windows starting at the same moment take turns;
// exactly one listens and every other one reaches it.
func TestStartingTogether(t *testing.T) {
	dir := t.TempDir()
	const n = 6
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		winners []*Instance
		running int
		others  []error
	)
	shown := make(chan string, n)
	start := make(chan struct{})
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			in, err := Claim(context.Background(), dir)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				winners = append(winners, in)
				go in.Serve(func(m string) { shown <- m })
			case errors.Is(err, ErrRunning):
				running++
			default:
				others = append(others, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	for _, in := range winners {
		in.Close()
	}
	if len(winners) != 1 || running != n-1 || len(others) != 0 {
		t.Fatalf("%d claims at once: %d listened, %d found one running, errors %v; want 1, %d, none", n, len(winners), running, others, n-1)
	}
	if len(shown) != n-1 {
		t.Errorf("the one that listened was told %d times, want %d", len(shown), n-1)
	}
}

func TestUnknownMessage(t *testing.T) {
	dir := t.TempDir()
	_, got := claim(t, dir)
	if err := send(filepath.Join(dir, SocketName), "frobnicate"); err == nil {
		t.Fatal("an unknown message was answered ok")
	}
	select {
	case m := <-got:
		t.Errorf("an unknown message reached the handler: %q", m)
	default:
	}
}

func TestPeerIsThisUser(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "peer.sock")
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		if c, err := net.Dial("unix", path); err == nil {
			defer c.Close()
			c.Read(make([]byte, 1))
		}
	}()
	c, err := ln.AcceptUnix()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	uid, err := peerUID(c)
	if err != nil || uid != os.Getuid() {
		t.Errorf("peerUID = %d, %v; want %d", uid, err, os.Getuid())
	}
}

func TestDir(t *testing.T) {
	t.Setenv("XDG_RUNTIME_DIR", "/run/user/1234")
	if d, _ := Dir(); d != "/run/user/1234/latchkey" {
		t.Errorf("Dir() = %q with XDG_RUNTIME_DIR set", d)
	}
	t.Setenv("XDG_RUNTIME_DIR", "")
	t.Setenv("XDG_CACHE_HOME", "/tmp/cache-x")
	if d, _ := Dir(); d != "/tmp/cache-x/latchkey" {
		t.Errorf("Dir() = %q without XDG_RUNTIME_DIR", d)
	}
}

func TestDirOfAnotherShapeIsRefused(t *testing.T) {
	file := filepath.Join(t.TempDir(), "latchkey")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Claim(context.Background(), file); err == nil || errors.Is(err, ErrRunning) {
		t.Errorf("Claim on a file as folder = %v, want an error", err)
	}
}
