package keychain

import (
	"errors"
	"io/fs"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// blockingKeyring blocks every call until release is closed, and counts calls.
type blockingKeyring struct {
	release chan struct{}
	calls   atomic.Int32
}

func (b *blockingKeyring) Get(service, user string) (string, error) {
	b.calls.Add(1)
	<-b.release
	return "value", nil
}

func (b *blockingKeyring) Set(service, user, secret string) error {
	b.calls.Add(1)
	<-b.release
	return nil
}

func (b *blockingKeyring) Delete(service, user string) error {
	b.calls.Add(1)
	<-b.release
	return nil
}

// busOK is a busProbe that finds a session bus.
var busOK = busProbe{needed: true, getenv: func(k string) string {
	if k == "DBUS_SESSION_BUS_ADDRESS" {
		return "unix:path=/nonexistent/test-bus"
	}
	return ""
}}

func TestSystemTimeout(t *testing.T) {
	const timeout = 100 * time.Millisecond
	backend := &blockingKeyring{release: make(chan struct{})}
	sys := newSystem(timeout, backend, busOK)

	start := time.Now()
	_, err := sys.Get("svc", "user")
	elapsed := time.Since(start)
	var ke *Error
	if !errors.As(err, &ke) || ke.Kind != Timeout {
		t.Fatalf("Get on a blocked keychain: got %v, want a Timeout *Error", err)
	}
	if elapsed < timeout || elapsed > timeout+2*time.Second {
		t.Errorf("Get returned after %v, want about %v", elapsed, timeout)
	}
	// What to do ("unlock it and try again") is auth.Describe's: auth's
	// TestDescribeKeychain asserts it.
	if msg := err.Error(); !strings.Contains(msg, "did not answer within 100ms") || !strings.Contains(msg, "unlock prompt") {
		t.Errorf("message %q does not say how long we waited and why", msg)
	}

	// While the first call is still running, a new call waits for it and then times out
	// without reaching the backend.
	if err := sys.Set("svc", "user", "secret-value"); !errors.Is(err, &Error{Kind: Timeout}) {
		t.Fatalf("Set while an abandoned call is running: got %v, want Timeout", err)
	} else if !strings.Contains(err.Error(), "earlier request") {
		t.Errorf("message %q does not say an earlier request is still waiting", err)
	}
	if n := backend.calls.Load(); n != 1 {
		t.Errorf("backend got %d calls, want 1 (no new call while one is stuck)", n)
	}

	// Once the stuck call returns, calls go through again.
	close(backend.release)
	v, err := sys.Get("svc", "user")
	if err != nil || v != "value" {
		t.Fatalf("Get after the keychain answered: got %q, %v", v, err)
	}
	if n := backend.calls.Load(); n != 2 {
		t.Errorf("backend got %d calls, want 2", n)
	}
}

func TestStoreOverTimeout(t *testing.T) {
	backend := &blockingKeyring{release: make(chan struct{})}
	defer close(backend.release)
	st := New(newSystem(50*time.Millisecond, backend, busOK), "svc")

	done := make(chan error, 1)
	go func() { done <- st.Save("work", []byte(`{"access_token":"s3cr3t-token"}`)) }()
	select {
	case err := <-done:
		var ke *Error
		if !errors.As(err, &ke) || ke.Kind != Timeout || ke.Op != "save" || ke.ID != "work" {
			t.Fatalf("Save: got %#v, want Timeout for save of \"work\"", err)
		}
		if strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("error %q contains the record", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Save did not return within 5s although the keyring call timeout is 50ms")
	}
}

func TestSystemDefaultTimeout(t *testing.T) {
	for _, d := range []time.Duration{0, -time.Second} {
		if got := newSystem(d, Memory(), busOK).timeout; got != DefaultTimeout {
			t.Errorf("newSystem(%v).timeout = %v, want %v", d, got, DefaultTimeout)
		}
	}
}

// countingKeyring counts calls and answers from an in-memory keyring.
type countingKeyring struct {
	Keyring
	calls atomic.Int32
}

func (c *countingKeyring) Get(service, user string) (string, error) {
	c.calls.Add(1)
	return c.Keyring.Get(service, user)
}

func TestSystemNoSessionBus(t *testing.T) {
	const uid = "1000"
	files := func(paths map[string]string) (func(string) bool, func(string) ([]byte, error)) {
		exists := func(p string) bool { _, ok := paths[p]; return ok }
		read := func(p string) ([]byte, error) {
			if s, ok := paths[p]; ok {
				return []byte(s), nil
			}
			return nil, fs.ErrNotExist
		}
		return exists, read
	}
	tests := []struct {
		name    string
		needed  bool
		env     map[string]string
		files   map[string]string
		wantBus bool
		hint    string // in the error when !wantBus
	}{
		{name: "address set", needed: true, env: map[string]string{"DBUS_SESSION_BUS_ADDRESS": "unix:path=/tmp/bus"}, wantBus: true},
		{name: "run user bus socket", needed: true, files: map[string]string{"/run/user/1000/bus": ""}, wantBus: true},
		{name: "run user dbus-session file", needed: true,
			files: map[string]string{"/run/user/1000/dbus-session": "DBUS_SESSION_BUS_ADDRESS=unix:abstract=/tmp/dbus-x\n"}, wantBus: true},
		{name: "not linux", needed: false, wantBus: true},
		{name: "nothing", needed: true, hint: "DBUS_SESSION_BUS_ADDRESS is not set and /run/user/1000/bus does not exist"},
		{name: "autolaunch", needed: true, env: map[string]string{"DBUS_SESSION_BUS_ADDRESS": "autolaunch:"}, hint: "/run/user/1000/bus"},
		{name: "dbus-session file without address", needed: true, files: map[string]string{"/run/user/1000/dbus-session": "garbage"}, hint: "not set"},
		{name: "bus only in XDG_RUNTIME_DIR", needed: true, env: map[string]string{"XDG_RUNTIME_DIR": "/tmp/xdg"},
			files: map[string]string{"/tmp/xdg/bus": ""}, hint: "a bus socket exists at /tmp/xdg/bus"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			exists, read := files(tt.files)
			probe := busProbe{needed: tt.needed, getenv: func(k string) string { return tt.env[k] }, exists: exists, readFile: read, uid: uid}
			backend := &countingKeyring{Keyring: Memory()}
			_, err := newSystem(time.Second, backend, probe).Get("svc", "user")
			if tt.wantBus {
				if !errors.Is(err, ErrNotFound) || backend.calls.Load() != 1 {
					t.Fatalf("got %v after %d backend calls, want the backend's NotFound after 1 call", err, backend.calls.Load())
				}
				return
			}
			var ke *Error
			if !errors.As(err, &ke) || ke.Kind != NoSessionBus {
				t.Fatalf("got %v, want a NoSessionBus *Error", err)
			}
			if n := backend.calls.Load(); n != 0 {
				t.Errorf("backend got %d calls, want none without a session bus", n)
			}
			// The advice (dbus-run-session, export DBUS_SESSION_BUS_ADDRESS=…)
			// is auth.Describe's: auth's TestDescribeKeychain asserts it.
			if msg := err.Error(); !strings.Contains(msg, tt.hint) || !strings.Contains(msg, "session bus") {
				t.Errorf("message %q lacks %q or the session bus", msg, tt.hint)
			}
		})
	}
}

func TestUsesSecretService(t *testing.T) {
	for goos, want := range map[string]bool{"linux": true, "freebsd": true, "openbsd": true, "darwin": false, "windows": false} {
		if got := usesSecretService(goos); got != want {
			t.Errorf("usesSecretService(%q) = %v, want %v", goos, got, want)
		}
	}
}
