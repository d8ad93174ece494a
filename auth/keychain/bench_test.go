package keychain_test

import (
	"testing"

	"github.com/zalando/go-keyring"

	"latchkey/auth/keychain"
	"latchkey/auth/keychain/keychaintest"
)

// The keychain benchmarks run against the real Secret Service (make bench
// starts one). BenchmarkKeychainBaseline is one raw go-keyring Set+Get of a
// small item: .ci/bench reports the Store's costs as multiples of it.

func BenchmarkKeychainBaseline(b *testing.B) {
	svc := keychaintest.Require(b)
	rec := string(record(500, "baseline"))
	for b.Loop() {
		if err := keyring.Set(svc, "item", rec); err != nil {
			b.Fatal(err)
		}
		if _, err := keyring.Get(svc, "item"); err != nil {
			b.Fatal(err)
		}
	}
}

// sizes are a small token set (inline in the manifest) and an 8 KB one
// (with an id_token), each with the portable 2000-byte items (8 KB is
// split into chunks) and with this OS's item limit (on Linux: one item).
var sizes = []struct {
	name  string
	n     int
	limit int
}{
	{"500B", 500, 0},
	{"8KB-chunked", 8 << 10, 0},
	{"8KB-platform", 8 << 10, keychain.PlatformItemLimit()},
}

// BenchmarkStoreSaveLoad saves then loads one account.
func BenchmarkStoreSaveLoad(b *testing.B) {
	for _, size := range sizes {
		b.Run(size.name, func(b *testing.B) {
			s := keychain.New(keychain.System(0), keychaintest.Require(b), keychain.ItemLimit(size.limit))
			rec := record(size.n, "bench")
			for b.Loop() {
				if err := s.Save("acct", rec); err != nil {
					b.Fatal(err)
				}
				if _, err := s.Load("acct"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkStoreLoad is the read path the window and `latchkey token` take.
func BenchmarkStoreLoad(b *testing.B) {
	for _, size := range sizes {
		b.Run(size.name, func(b *testing.B) {
			s := keychain.New(keychain.System(0), keychaintest.Require(b), keychain.ItemLimit(size.limit))
			if err := s.Save("acct", record(size.n, "bench")); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := s.Load("acct"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
