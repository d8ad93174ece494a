package ui

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"latchkey/auth"
	"latchkey/auth/keychain"
	"latchkey/auth/provider"
)

// BenchmarkRenderScale is the window's first full render with n providers
// configured and n accounts signed in: newWindow (the first frame, from the
// config alone), load until the statuses are applied (evStatuses), and one
// render of the whole canvas (Capture, Fyne's software painter in the test
// driver). The accounts are in the in-memory keyring, so this is the
// window's own cost (auth's BenchmarkStatusScale has the real keychain's).
// It reports ns/account, which is flat (or falls) when the cost grows no
// faster than the work. A benchmark only: nothing is set up without -bench.
func BenchmarkRenderScale(b *testing.B) {
	for _, n := range []int{1, 10, 50, 200} {
		b.Run(fmt.Sprintf("accounts=%d", n), func(b *testing.B) {
			a := test.NewTempApp(b)
			svc := renderScaleService(b, n)
			events := make(chan event, 64)
			for b.Loop() {
				w := newWindow(a, svc, options{flashFor: -1, location: time.UTC, observe: func(ev event) { events <- ev }})
				w.win.Resize(fyne.NewSize(860, 600))
				w.load()
				waitEvent(b, events, evStatuses)
				if !w.loaded || w.status[n-1].State != auth.StateValid {
					b.Fatalf("after %s: loaded %t, the last state %q; want every account valid", evStatuses, w.loaded, w.status[n-1].State)
				}
				if img := w.win.Canvas().Capture(); img.Bounds().Dx() == 0 {
					b.Fatal("the window rendered an empty picture")
				}
				w.win.Close()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/account")
		})
	}
}

// waitEvent waits (at most 20 s) for ev, dropping the others.
func waitEvent(b *testing.B, events <-chan event, ev event) {
	b.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case got := <-events:
			if got == ev {
				return
			}
		case <-deadline:
			b.Fatalf("the window did not report %q within 20s", ev)
		}
	}
}

// renderScaleService is a Service over n OAuth 2.0 providers (the config
// of auth's BenchmarkStatusScale), each with an account signed in for an
// hour, in the in-memory keyring. No picture URL: nothing is fetched.
func renderScaleService(b *testing.B, n int) *auth.Service {
	b.Helper()
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
	ps, probs := provider.Parse("bench.toml", []byte(sb.String()))
	if len(probs) > 0 || len(ps) != n {
		b.Fatalf("bench config: %d providers, problems %v", len(ps), probs)
	}
	store := keychain.New(keychain.Memory(), "latchkey-bench")
	now := time.Now()
	for i := range ps {
		p := &ps[i]
		rec := struct {
			V int `json:"v"`
			auth.Account
		}{1, auth.Account{
			ProviderID: p.ID,
			Protocol:   p.Protocol,
			Token: auth.TokenSet{
				AccessToken:  "ory_at_" + strings.Repeat("a", 80),
				TokenType:    "bearer",
				RefreshToken: "ory_rt_" + strings.Repeat("r", 80),
				Scopes:       []string{"read", "email"},
				Expiry:       now.Add(time.Hour),
			},
			Profile:    auth.Profile{Subject: "user-" + p.ID, Name: "Ada Lovelace", Username: "ada", Email: "ada@example.com"},
			ObtainedAt: now,
			Bound:      auth.BindingOf(p),
		}}
		data, err := json.Marshal(rec)
		if err != nil {
			b.Fatal(err)
		}
		if err := store.Save(p.ID, data); err != nil {
			b.Fatal(err)
		}
	}
	return auth.New(auth.Options{
		Config:     &provider.Config{Path: "/home/ada/.config/latchkey/providers.toml", Providers: ps},
		Store:      store,
		Secrets:    keychain.New(keychain.Memory(), "latchkey-bench-client-secrets"),
		HTTPClient: &http.Client{Timeout: 10 * time.Second},
		LockDir:    b.TempDir(),
		DemoDir:    b.TempDir(),
	})
}
