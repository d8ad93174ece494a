// Package keychaintest gives tests a private corner of the real OS keychain.
//
// Tests that need a real Secret Service run under .ci/with-keyring (which `make test` uses):
// it starts a throw-away, unlocked gnome-keyring on a private D-Bus session and sets
// LATCHKEY_TEST_KEYRING=1.
package keychaintest

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

// cleanupTimeout bounds the DeleteAll run at the end of a test.
const cleanupTimeout = 10 * time.Second

// Require returns a keychain service name unique to this test ("latchkey-test-<random>") and
// registers a cleanup that deletes every item under it.
//
// When LATCHKEY_TEST_KEYRING is not "1" (no real Secret Service was set up for the test run)
// it skips the test, or fails it when LATCHKEY_REQUIRE_KEYRING=1 or CI=true.
func Require(t testing.TB) string {
	t.Helper()
	if os.Getenv("LATCHKEY_TEST_KEYRING") != "1" {
		const why = "no real Secret Service: run `make test` (it starts one under dbus-run-session), or `.ci/with-keyring go test ./...`"
		if os.Getenv("LATCHKEY_REQUIRE_KEYRING") == "1" || os.Getenv("CI") == "true" {
			t.Fatal(why + " (LATCHKEY_REQUIRE_KEYRING=1 or CI=true: keychain tests must run)")
		}
		t.Skip(why)
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	service := "latchkey-test-" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		done := make(chan error, 1)
		go func() { done <- keyring.DeleteAll(service) }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("keychaintest: deleting the items of service %q: %v", service, err)
			}
		case <-time.After(cleanupTimeout):
			t.Errorf("keychaintest: deleting the items of service %q did not finish within %v", service, cleanupTimeout)
		}
	})
	return service
}
