package auth

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"latchkey/auth/keychain"
	"latchkey/auth/keychain/keychaintest"
	"latchkey/auth/provider"
)

// scaleSizes are the account counts the scale benchmarks run at (issue 13:
// the per-account cost of status and of the window's first render must not
// grow with the number of accounts). .ci/bench prints the ns/account of
// each and the ratio of 200 to 10.
var scaleSizes = []int{1, 10, 50, 200}

// BenchmarkStatusScale is what `latchkey status` asks of the Service —
// Statuses then Orphans (ui/cli status) — with n providers configured and n
// accounts signed in, against the real Secret Service (keyring=real, the
// figure that counts) and the in-memory keyring (keyring=memory: what the
// auth code itself costs, without D-Bus). It reports ns/account, which is
// flat when the cost grows no faster than the work.
//
// It is a benchmark only: the accounts are written when it runs, never by
// `go test` without -bench.
func BenchmarkStatusScale(b *testing.B) {
	for _, kind := range []struct {
		name string
		real bool
	}{{"real", true}, {"memory", false}} {
		for _, n := range scaleSizes {
			b.Run(fmt.Sprintf("keyring=%s/accounts=%d", kind.name, n), func(b *testing.B) {
				svc := scaleService(b, n, kind.real)
				for b.Loop() {
					sts, err := svc.Statuses()
					if err != nil {
						b.Fatal(err)
					}
					if len(sts) != n || sts[n-1].State != StateValid {
						b.Fatalf("Statuses: %d statuses, the last one %q; want %d valid", len(sts), sts[len(sts)-1].State, n)
					}
					if orphans, err := svc.Orphans(); err != nil || len(orphans) != 0 {
						b.Fatalf("Orphans: %v, %v; want none", orphans, err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/account")
			})
		}
	}
}

// scaleTOML is a providers.toml of n OAuth 2.0 providers, scale-001 …
// (the ui benchmark builds the same config).
func scaleTOML(n int) string {
	var sb strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&sb, `
[[provider]]
id = "scale-%03d"
name = "Scale Provider %d"
protocol = "oauth2"
client_id = "latchkey-bench"
authorize_url = "https://idp-%d.example.com/authorize"
access_token_url = "https://idp-%d.example.com/token"
userinfo_url = "https://idp-%d.example.com/userinfo"
scopes = ["read", "email"]
`, i, i, i, i, i)
	}
	return sb.String()
}

// scaleAccount is a signed-in account of p like a sign-in leaves one: an
// access and a refresh token valid for an hour, a profile with the
// provider's own document. About 1 KB of JSON.
func scaleAccount(p *provider.Provider, now time.Time) *Account {
	return &Account{
		ProviderID: p.ID,
		Protocol:   p.Protocol,
		Token: TokenSet{
			AccessToken:  "ory_at_" + strings.Repeat("a", 80),
			TokenType:    "bearer",
			RefreshToken: "ory_rt_" + strings.Repeat("r", 80),
			Scopes:       []string{"read", "email"},
			Expiry:       now.Add(time.Hour),
		},
		Profile: Profile{
			Subject:  "user-" + p.ID,
			Name:     "Ada Lovelace",
			Username: "ada",
			Email:    "ada@example.com",
			Raw:      []byte(`{"sub":"user-` + p.ID + `","name":"Ada Lovelace","preferred_username":"ada","email":"ada@example.com","email_verified":true,"locale":"en-GB","zoneinfo":"Europe/London","updated_at":1700000000}`),
		},
		ObtainedAt: now,
		Bound:      BindingOf(p),
	}
}

// scaleService is a Service over scaleTOML(n) with every account signed
// in, on the real Secret Service (under a private service name, deleted
// afterwards) or the in-memory keyring.
func scaleService(b *testing.B, n int, real bool) *Service {
	b.Helper()
	ps, probs := provider.Parse("bench.toml", []byte(scaleTOML(n)))
	if len(probs) > 0 || len(ps) != n {
		b.Fatalf("bench config: %d providers, problems %v", len(ps), probs)
	}
	var store *keychain.Store
	if real {
		store = keychain.New(keychain.System(keychain.DefaultTimeout), keychaintest.Require(b), keychain.ItemLimit(keychain.PlatformItemLimit()))
	} else {
		store = keychain.New(keychain.Memory(), "latchkey-bench", keychain.ItemLimit(keychain.PlatformItemLimit()))
	}
	now := time.Now()
	for i := range ps {
		data, err := encodeAccount(scaleAccount(&ps[i], now))
		if err != nil {
			b.Fatal(err)
		}
		if err := store.Save(ps[i].ID, data); err != nil {
			b.Fatal(err)
		}
	}
	return New(Options{
		Config:     &provider.Config{Path: "bench.toml", Providers: ps},
		Store:      store,
		HTTPClient: &http.Client{Timeout: 10 * time.Second},
		LockDir:    b.TempDir(),
		DemoDir:    b.TempDir(),
	})
}
