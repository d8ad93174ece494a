package keychaintest

import (
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"
)

// fakeTB records what Require does with its testing.TB; Fatal and Skip end the goroutine as
// the real ones do.
type fakeTB struct {
	testing.TB
	fatal, skip string
	cleanups    int
}

func (f *fakeTB) Helper()           {}
func (f *fakeTB) Cleanup(func())    { f.cleanups++ }
func (f *fakeTB) Fatal(args ...any) { f.fatal = args[0].(string); runtime.Goexit() }
func (f *fakeTB) Skip(args ...any)  { f.skip = args[0].(string); runtime.Goexit() }

func TestRequireWithoutKeyring(t *testing.T) {
	tests := []struct {
		name      string
		env       map[string]string
		wantFatal bool
	}{
		{"developer machine", map[string]string{}, false},
		{"CI", map[string]string{"CI": "true"}, true},
		{"required", map[string]string{"LATCHKEY_REQUIRE_KEYRING": "1"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range []string{"LATCHKEY_TEST_KEYRING", "CI", "LATCHKEY_REQUIRE_KEYRING"} {
				t.Setenv(k, tt.env[k])
			}
			f := &fakeTB{TB: t}
			done := make(chan string, 1)
			go func() {
				defer close(done)
				done <- Require(f)
			}()
			if svc, ok := <-done; ok {
				t.Fatalf("Require returned %q without a keyring", svc)
			}
			got := f.skip
			if tt.wantFatal {
				got = f.fatal
			}
			if !strings.Contains(got, "make test") {
				t.Errorf("fatal %q, skip %q: want the %s to say to run `make test`", f.fatal, f.skip, map[bool]string{true: "failure", false: "skip"}[tt.wantFatal])
			}
			if f.cleanups != 0 {
				t.Errorf("%d cleanups registered for a skipped test", f.cleanups)
			}
		})
	}
}

func TestRequireCleansUp(t *testing.T) {
	var svc string
	t.Run("inner", func(t *testing.T) {
		svc = Require(t)
		if !strings.HasPrefix(svc, "latchkey-test-") {
			t.Errorf("service %q does not start with latchkey-test-", svc)
		}
		for _, u := range []string{"a", "b/c"} {
			if err := keyring.Set(svc, u, "x"); err != nil {
				t.Fatalf("Set: %v", err)
			}
		}
	})
	if svc == "" {
		t.Skip("no real Secret Service (see the skipped subtest)")
	}
	for _, u := range []string{"a", "b/c"} {
		if _, err := keyring.Get(svc, u); !errors.Is(err, keyring.ErrNotFound) {
			t.Errorf("item %q of %q still there after cleanup (err %v)", u, svc, err)
		}
	}
	if other := func() string {
		var s string
		t.Run("again", func(t *testing.T) { s = Require(t) })
		return s
	}(); other == svc {
		t.Errorf("two tests got the same service %q", svc)
	}
}
