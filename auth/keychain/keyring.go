// Package keychain keeps one opaque record per signed-in account in the OS keychain
// (Secret Service on Linux, Keychain on macOS, Credential Manager on Windows) through
// github.com/zalando/go-keyring.
//
// Store is crash-safe: a record over the per-item size limit of the smallest backend
// (Windows: 2560 bytes) is split over several chunk items and committed by writing a small
// manifest item last, so a process killed in the middle of Save leaves the old record
// readable. See Store for the layout.
//
// Every keychain call made through System is bounded by a timeout, and on Linux refused
// before it starts when there is no session bus (godbus would otherwise spawn dbus-launch
// daemons that outlive us). All errors are *Error, with a Kind and a message that says what
// to do.
package keychain

import (
	"os"

	"github.com/zalando/go-keyring"
)

// Keyring is the seam over the OS keychain, in go-keyring's shape: items are addressed by
// service and user and hold a string secret.
//
// Get and Delete of a missing item return an error matching ErrNotFound (errors.Is) or
// go-keyring's keyring.ErrNotFound. Implementations must be safe for concurrent use.
type Keyring interface {
	Get(service, user string) (string, error)
	Set(service, user, secret string) error
	Delete(service, user string) error
}

// DefaultServiceName is the keychain service latchkey's records live under.
const DefaultServiceName = "latchkey"

// ServiceName returns the keychain service name to use: $LATCHKEY_KEYRING_SERVICE when set
// (tests use it to keep away from real records), otherwise DefaultServiceName ("latchkey").
func ServiceName() string {
	if s := os.Getenv("LATCHKEY_KEYRING_SERVICE"); s != "" {
		return s
	}
	return DefaultServiceName
}

// goKeyring calls go-keyring's package functions (its process-wide provider).
type goKeyring struct{}

func (goKeyring) Get(service, user string) (string, error) { return keyring.Get(service, user) }

func (goKeyring) Set(service, user, secret string) error {
	return keyring.Set(service, user, secret)
}

func (goKeyring) Delete(service, user string) error { return keyring.Delete(service, user) }
