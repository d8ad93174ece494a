package keychain_test

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"latchkey/auth/keychain"
)

// faulty is a keyring that fails exactly one call (number failAt) with
// fault and answers every other: a keychain that times out or refuses
// once, then answers again.
func faulty(k keychain.Keyring, failAt int, fault error) *stepKeyring {
	return &stepKeyring{k: k, fail: func(i int) error {
		if i == failAt {
			return fault
		}
		return nil
	}}
}

// TestFaultAtEveryStep is the property test at the keychain seam: for every
// save and delete, and every one of the keychain calls it makes, a single
// failure or time-out at that call leaves the old or the new record whole
// (never lost, never half-written), is reported as a *keychain.Error whose
// message says what happened without the record's contents, and the same
// change tried again succeeds.
func TestFaultAtEveryStep(t *testing.T) {
	small, large, large2 := record(400, "small"), record(2900, "large"), record(4000, "large2")
	changes := []struct {
		name     string
		old, new []byte // nil: absent
	}{
		{"new small", nil, small},
		{"new large", nil, large},
		{"small to large", small, large},
		{"large to large", large, large2},
		{"large to small", large, small},
		{"delete small", small, nil},
		{"delete large", large, nil},
	}
	faults := []struct {
		name string
		err  error
		kind keychain.Kind
	}{
		{"timeout", &keychain.Error{Kind: keychain.Timeout, Op: "set"}, keychain.Timeout},
		{"locked", errors.New("failed to unlock correct collection '/org/freedesktop/secrets/collection/login'"), keychain.Locked},
		{"no secret service", errors.New("The name org.freedesktop.secrets was not provided by any .service files"), keychain.NoSecretService},
	}
	for _, ch := range changes {
		for _, fault := range faults {
			t.Run(ch.name+"/"+fault.name, func(t *testing.T) {
				const id = "acct"
				fresh := func() keychain.Keyring {
					k := keychain.Memory()
					if ch.old != nil {
						if err := keychain.New(k, "svc").Save(id, ch.old); err != nil {
							t.Fatal(err)
						}
					}
					return k
				}
				change := func(st *keychain.Store) error {
					if ch.new == nil {
						return st.Delete(id)
					}
					return st.Save(id, ch.new)
				}
				counter := &stepKeyring{k: fresh()}
				if err := change(keychain.New(counter, "svc")); err != nil {
					t.Fatalf("without a fault: %v", err)
				}
				t.Logf("reliability|keychain|%s fails once (%s), at each of its %d calls|%d|reported in words; the old or new record whole; trying again succeeds|nothing", ch.name, fault.name, counter.calls, counter.calls)
				for n := range counter.calls {
					k := fresh()
					err := change(keychain.New(faulty(k, n, fault.err), "svc"))
					got, lerr := keychain.New(k, "svc").Load(id)
					whole := (lerr == nil && (bytes.Equal(got, ch.old) || bytes.Equal(got, ch.new))) ||
						(errors.Is(lerr, keychain.ErrNotFound) && (ch.old == nil || ch.new == nil))
					if !whole {
						t.Fatalf("fault at call %d of %d: Load gave %d bytes, %v: a record was lost or half-written", n, counter.calls, len(got), lerr)
					}
					if err != nil {
						var ke *keychain.Error
						if !errors.As(err, &ke) || ke.Kind != fault.kind || err.Error() == "" {
							t.Errorf("fault at call %d: reported as %v (%T), want a keychain error of kind %v", n, err, err, fault.kind)
						}
						checkNoContent(t, err, ch.old, ch.new)
					}
					// The person tries again: the change goes through.
					if err := change(keychain.New(k, "svc")); err != nil {
						t.Fatalf("fault at call %d: trying again: %v", n, err)
					}
					got, lerr = keychain.New(k, "svc").Load(id)
					if ch.new != nil && (lerr != nil || !bytes.Equal(got, ch.new)) || ch.new == nil && !errors.Is(lerr, keychain.ErrNotFound) {
						t.Fatalf("fault at call %d: after trying again, Load gave %v", n, lerr)
					}
					ids, err := keychain.New(k, "svc").List()
					if err != nil || slices.Contains(ids, id) != (ch.new != nil) {
						t.Fatalf("fault at call %d: after trying again List = %v, %v", n, ids, err)
					}
				}
			})
		}
	}
}
