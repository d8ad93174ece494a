package keychain

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultTimeout bounds each call of the Keyring returned by System(0).
const DefaultTimeout = 5 * time.Second

// System returns the OS keychain through go-keyring, with every call bounded by timeout
// (DefaultTimeout, 5s, when timeout <= 0).
//
// A call still running at the timeout returns an *Error of kind Timeout; the call itself
// cannot be cancelled and is left to finish in the background. Until it does, later calls
// wait for it (within their own timeout) before they start, so a stuck keychain (e.g. one
// showing an unlock prompt) does not pile up goroutines and a late write cannot land after a
// newer one.
//
// On Linux and the BSDs, before every call it checks that a session bus exists the way godbus
// finds one ($DBUS_SESSION_BUS_ADDRESS, or /run/user/<uid>/bus, or /run/user/<uid>/dbus-session)
// and otherwise returns kind NoSessionBus without calling go-keyring: godbus would run
// dbus-launch, whose daemons outlive us.
//
// Errors are *Error, with go-keyring and godbus errors mapped to kinds (see Kind). The
// returned Keyring is safe for concurrent use.
func System(timeout time.Duration) Keyring {
	return newSystem(timeout, goKeyring{}, hostBus())
}

// system is the Keyring returned by System.
type system struct {
	backend Keyring
	timeout time.Duration
	bus     busProbe

	mu sync.Mutex
	// abandoned holds one channel per timed-out call, closed when that call returns.
	abandoned []chan struct{}
}

func newSystem(timeout time.Duration, backend Keyring, bus busProbe) *system {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return &system{backend: backend, timeout: timeout, bus: bus}
}

func (s *system) Get(service, user string) (string, error) {
	return s.call("get", func() (string, error) { return s.backend.Get(service, user) })
}

func (s *system) Set(service, user, secret string) error {
	_, err := s.call("set", func() (string, error) { return "", s.backend.Set(service, user, secret) })
	return err
}

func (s *system) Delete(service, user string) error {
	_, err := s.call("delete", func() (string, error) { return "", s.backend.Delete(service, user) })
	return err
}

// GetAll reads every item under service at once when the backend can (BulkReader: on
// Linux, the Secret Service), bounded by the timeout like every other call; otherwise it
// returns ErrNoBulk.
func (s *system) GetAll(service string) (map[string]string, error) {
	br, ok := s.backend.(BulkReader)
	if !ok {
		return nil, ErrNoBulk
	}
	var items map[string]string
	_, err := s.call("get", func() (string, error) {
		m, err := br.GetAll(service)
		items = m // read only after call received this call's result
		return "", err
	})
	if err != nil {
		return nil, err
	}
	return items, nil
}

// call runs f in a goroutine and waits at most s.timeout for it, including the time spent
// waiting for earlier abandoned calls.
func (s *system) call(op string, f func() (string, error)) (string, error) {
	if err := s.bus.check(); err != nil {
		return "", &Error{Kind: NoSessionBus, Op: op, Err: err}
	}
	timer := time.NewTimer(s.timeout)
	defer timer.Stop()
	for _, done := range s.stillRunning() {
		select {
		case <-done:
		case <-timer.C:
			return "", &Error{Kind: Timeout, Op: op, Err: timeoutError{after: s.timeout, earlier: true}}
		}
	}

	type result struct {
		v   string
		err error
	}
	res := make(chan result, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		v, err := f()
		res <- result{v, err}
	}()
	select {
	case r := <-res:
		return r.v, wrap(op, "", r.err)
	case <-timer.C:
		s.mu.Lock()
		s.abandoned = append(s.abandoned, done)
		s.mu.Unlock()
		return "", &Error{Kind: Timeout, Op: op, Err: timeoutError{after: s.timeout}}
	}
}

// stillRunning drops finished abandoned calls and returns the rest.
func (s *system) stillRunning() []chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	keep := s.abandoned[:0]
	for _, done := range s.abandoned {
		select {
		case <-done:
		default:
			keep = append(keep, done)
		}
	}
	clear(s.abandoned[len(keep):])
	s.abandoned = keep
	return append([]chan struct{}(nil), keep...)
}

// BusAddressError is the Err of a NoSessionBus *Error when
// DBUS_SESSION_BUS_ADDRESS is unset but a bus socket exists in
// $XDG_RUNTIME_DIR, where godbus does not look: exporting its address
// (unix:path=Socket) is the cure, said by the application (auth.Describe).
type BusAddressError struct {
	Socket string
}

func (e *BusAddressError) Error() string {
	return "DBUS_SESSION_BUS_ADDRESS is not set; a bus socket exists at " + e.Socket
}

// busProbe finds out, without side effects, whether godbus would find a session bus.
// Its funcs are seams for tests (no process environment is touched).
type busProbe struct {
	// needed is false where go-keyring does not use D-Bus (macOS, Windows).
	needed   bool
	getenv   func(string) string
	exists   func(path string) bool
	readFile func(path string) ([]byte, error)
	uid      string
}

// hostBus probes the real environment and file system.
func hostBus() busProbe {
	return busProbe{
		needed: usesSecretService(runtime.GOOS),
		getenv: os.Getenv,
		exists: func(p string) bool {
			_, err := os.Stat(p)
			return err == nil
		},
		readFile: os.ReadFile,
		uid:      strconv.Itoa(os.Getuid()),
	}
}

// usesSecretService reports whether go-keyring talks to the Secret Service over D-Bus on goos.
func usesSecretService(goos string) bool {
	switch goos {
	case "linux", "freebsd", "openbsd", "netbsd", "dragonfly":
		return true
	}
	return false
}

// check mirrors godbus v5's getSessionBusAddress (conn.go, conn_other.go) minus its last
// resort, dbus-launch: it returns nil when godbus would find a bus, else why not.
func (b busProbe) check() error {
	if !b.needed {
		return nil
	}
	if addr := b.getenv("DBUS_SESSION_BUS_ADDRESS"); addr != "" && addr != "autolaunch:" {
		return nil
	}
	dir := "/run/user/" + b.uid
	if b.exists(filepath.Join(dir, "bus")) {
		return nil
	}
	if data, err := b.readFile(filepath.Join(dir, "dbus-session")); err == nil &&
		strings.HasPrefix(string(data), "DBUS_SESSION_BUS_ADDRESS=") {
		return nil
	}
	if xdg := b.getenv("XDG_RUNTIME_DIR"); xdg != "" && xdg != dir && b.exists(filepath.Join(xdg, "bus")) {
		return &BusAddressError{Socket: filepath.Join(xdg, "bus")}
	}
	return errors.New("DBUS_SESSION_BUS_ADDRESS is not set and " + filepath.Join(dir, "bus") + " does not exist")
}
