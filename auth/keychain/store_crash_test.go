package keychain_test

import (
	"bytes"
	"errors"
	"slices"
	"sync"
	"testing"

	"latchkey/auth/keychain"
)

// errKilled stands for the process dying: the call and every later one fail.
var errKilled = errors.New("simulated kill")

// stepKeyring passes calls to a Keyring, numbering them from 0: fail says
// for call i whether it fails instead, and how. calls counts the calls.
type stepKeyring struct {
	k    keychain.Keyring
	fail func(i int) error // nil: never

	mu    sync.Mutex
	calls int
}

func (c *stepKeyring) step() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	i := c.calls
	c.calls++
	if c.fail == nil {
		return nil
	}
	return c.fail(i)
}

func (c *stepKeyring) Get(service, user string) (string, error) {
	if err := c.step(); err != nil {
		return "", err
	}
	return c.k.Get(service, user)
}

func (c *stepKeyring) Set(service, user, secret string) error {
	if err := c.step(); err != nil {
		return err
	}
	return c.k.Set(service, user, secret)
}

func (c *stepKeyring) Delete(service, user string) error {
	if err := c.step(); err != nil {
		return err
	}
	return c.k.Delete(service, user)
}

// crashing is a keyring that dies at call failAt: that call and every later
// one fail, as when the process is killed.
func crashing(k keychain.Keyring, failAt int) *stepKeyring {
	return &stepKeyring{k: k, fail: func(i int) error {
		if i >= failAt {
			return errKilled
		}
		return nil
	}}
}

// TestCrashSafety kills a Save (or Delete) at every one of its keychain calls in turn and
// checks that a fresh Store then reads the complete old record or the complete new one (or
// NotFound for a delete, or before a first save), never an error or a mix; that List shows
// the account exactly when it can be loaded; and that once the new state is visible, killing
// later never brings the old one back.
func TestCrashSafety(t *testing.T) {
	// large is 2 chunks, large2 is 3: enough to kill between chunks and to change the count.
	small, large, large2 := record(400, "small"), record(2900, "large"), record(4000, "large2")
	tests := []struct {
		name     string
		old, new []byte // nil: absent
	}{
		{"none to large", nil, large},
		{"small to small", small, record(300, "small2")},
		{"small to large", small, large},
		{"large to large", large, large2},
		{"large to small", large, small},
		{"delete large", large, nil},
		{"delete small", small, nil},
	}
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					k, svc := be.open(t)
					const id = "acct"
					// setup puts the old state in place, whatever a previous kill left.
					setup := func() {
						t.Helper()
						st := keychain.New(k, svc)
						var err error
						if tt.old == nil {
							err = st.Delete(id)
						} else {
							err = st.Save(id, tt.old)
						}
						if err != nil {
							t.Fatalf("setting up the old state: %v", err)
						}
					}
					change := func(st *keychain.Store) error {
						if tt.new == nil {
							return st.Delete(id)
						}
						return st.Save(id, tt.new)
					}

					setup()
					counter := &stepKeyring{k: k}
					if err := change(keychain.New(counter, svc)); err != nil {
						t.Fatalf("uninterrupted run: %v", err)
					}
					total := counter.calls
					if total < 2 {
						t.Fatalf("the change took %d keychain calls; the test needs at least 2", total)
					}

					t.Logf("reliability|keychain|process killed during %s (%s), at each of its %d calls|%d|the old or the new record whole; listed exactly when loadable|nothing", tt.name, be.name, total, total+1)
					sawNew := false
					for n := 0; n <= total; n++ {
						setup()
						err := change(keychain.New(crashing(k, n), svc))
						if n == total && err != nil {
							t.Fatalf("killed after the last call: %v", err)
						}
						got, lerr := keychain.New(k, svc).Load(id)
						var state string
						switch {
						case lerr == nil && tt.old != nil && bytes.Equal(got, tt.old):
							state = "old"
						case lerr == nil && tt.new != nil && bytes.Equal(got, tt.new):
							state = "new"
						case errors.Is(lerr, keychain.ErrNotFound) && tt.old == nil:
							state = "old"
						case errors.Is(lerr, keychain.ErrNotFound) && tt.new == nil:
							state = "new"
						default:
							t.Fatalf("killed at call %d of %d: Load gave %d bytes, %v: neither the old nor the new state", n, total, len(got), lerr)
						}
						checkNoContent(t, lerr, tt.old, tt.new)
						checkNoContent(t, err, tt.old, tt.new)
						if n == 0 && state != "old" {
							t.Errorf("killed before any call: state is %s, want old", state)
						}
						if n == total && state != "new" {
							t.Errorf("not killed: state is %s, want new", state)
						}
						if sawNew && state == "old" {
							t.Errorf("killed at call %d of %d: the old state came back after the new one was committed", n, total)
						}
						sawNew = sawNew || state == "new"

						ids, err := keychain.New(k, svc).List()
						if err != nil {
							t.Fatalf("killed at call %d: List: %v", n, err)
						}
						if listed := slices.Contains(ids, id); listed != (lerr == nil) {
							t.Errorf("killed at call %d of %d: listed=%v but Load error %v", n, total, listed, lerr)
						}
					}
				})
			}
		})
	}
}
