package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"latchkey/auth/authtest"
)

// deviceTOML configures provider "dev" against the device server srv.
// authorize_url is required for oauth2 but unused by a device sign-in.
func deviceTOML(srv *authtest.Device, clientID, auth string) string {
	secret := ""
	if auth != "none" {
		secret = fmt.Sprintf("client_secret = %q\n", authtest.ClientSecret)
	}
	return fmt.Sprintf(`
[[provider]]
id = "dev"
name = "Device IdP"
protocol = "oauth2"
client_id = %q
%stoken_endpoint_auth = %q
authorize_url = %q
access_token_url = %q
userinfo_url = %q
device_authorization_url = %q
scopes = ["read", "email"]
`, clientID, secret, auth, srv.URL+"/authorize", srv.TokenURL(), srv.UserinfoURL(), srv.DeviceAuthorizationURL())
}

// pacer is a fake clock that the device flow's waits advance: it records
// every pause LoginDevice asks for and returns at once, so a test sees the
// pacing without waiting it out. Safe for concurrent use.
type pacer struct {
	mu    sync.Mutex
	start time.Time
	now   time.Time
	waits []time.Duration
}

func newPacer() *pacer {
	t := time.Now()
	return &pacer{start: t, now: t}
}

func (p *pacer) Now() time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.now
}

func (p *pacer) wait(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.waits = append(p.waits, d)
	p.now = p.now.Add(d)
	return nil
}

func (p *pacer) Waits() []time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.waits)
}

func secs(ns ...int) []time.Duration {
	out := make([]time.Duration, len(ns))
	for i, n := range ns {
		out[i] = time.Duration(n) * time.Second
	}
	return out
}

func answers(polls []authtest.DevicePoll) []string {
	out := make([]string, len(polls))
	for i, p := range polls {
		out[i] = p.Answer
	}
	return out
}

// deviceService is a Service on the real keychain whose clock the pacer
// drives, with the pacer's wait set in the returned options.
func deviceService(t *testing.T, toml string, br *authtest.Browser) (*Service, *pacer, DeviceOptions) {
	t.Helper()
	svc, _ := testService(t, toml, br)
	pc := newPacer()
	svc.now = pc.Now
	return svc, pc, DeviceOptions{Code: func(DeviceCode) {}, wait: pc.wait}
}

func TestDeviceLoginStoresAccount(t *testing.T) {
	for _, tc := range []struct{ auth, client string }{
		{"none", authtest.PublicClientID},
		{"client_secret_basic", authtest.BasicClientID},
		{"client_secret_post", authtest.PostClientID},
	} {
		t.Run(tc.auth, func(t *testing.T) {
			secret := ""
			if tc.auth != "none" {
				secret = authtest.ClientSecret
			}
			srv := authtest.NewDevice(t, authtest.DeviceOptions{ClientID: tc.client, ClientSecret: secret, Interval: 7, Pending: 2, CompleteURI: true})
			br := authtest.NewBrowser()
			svc, pc, opts := deviceService(t, deviceTOML(srv, tc.client, tc.auth), br)
			var shown []DeviceCode
			opts.Code = func(c DeviceCode) { shown = append(shown, c) }

			a, err := svc.LoginDevice(context.Background(), "dev", opts)
			if err != nil {
				t.Fatalf("LoginDevice: %v", err)
			}

			// The code shown is the one the provider issued, with its page,
			// interval and expiry (counted from before the request).
			if len(shown) != 1 {
				t.Fatalf("Code called %d times, want once", len(shown))
			}
			c := shown[0]
			if codes := srv.UserCodes(); len(codes) != 1 || c.UserCode != codes[0] || c.Provider != "Device IdP" {
				t.Errorf("shown %q for %q, provider issued %q", c.UserCode, c.Provider, codes)
			}
			if c.VerificationURI != srv.VerificationURI() || !strings.HasPrefix(c.VerificationURIComplete, srv.VerificationURI()+"?user_code=") {
				t.Errorf("pages %q and %q", c.VerificationURI, c.VerificationURIComplete)
			}
			if c.Interval != 7*time.Second || !c.Expiry.Equal(pc.start.Add(600*time.Second)) {
				t.Errorf("interval %v, expiry %v after the start; want 7s and 10m", c.Interval, c.Expiry.Sub(pc.start))
			}
			if page := br.Next(t); page.Opened != c.VerificationURIComplete || page.Status != http.StatusOK {
				t.Errorf("browser opened %q (%d), want the page with the code filled in", page.Opened, page.Status)
			}

			// Paced by the provider's interval: pending, pending, tokens.
			if got := pc.Waits(); !slices.Equal(got, secs(7, 7)) {
				t.Errorf("waits %v, want [7s 7s]", got)
			}
			if got := answers(srv.Polls()); !slices.Equal(got, []string{"authorization_pending", "authorization_pending", "token"}) {
				t.Errorf("polls answered %v", got)
			}

			// The account: profile from userinfo, expiry counted from just
			// before the request that got the token (third poll, 14 s in).
			if a.Profile.Name != "Ada Lovelace" || a.Profile.Subject != "user-42" || a.Token.RefreshToken == "" || a.Token.TokenType != "Bearer" {
				t.Errorf("account = %+v, %v", a.Profile, a.Token)
			}
			if want := pc.start.Add(14 * time.Second); !a.ObtainedAt.Equal(want) || !a.Token.Expiry.Equal(want.Add(time.Hour)) {
				t.Errorf("obtained %v, expiry %v; want start+14s and an hour later", a.ObtainedAt.Sub(pc.start), a.Token.Expiry.Sub(pc.start))
			}
			if !slices.Equal(a.Token.Scopes, []string{"read", "email"}) {
				t.Errorf("scopes %v", a.Token.Scopes)
			}
			stored, err := svc.Account("dev")
			if err != nil || stored.Token.AccessToken != a.Token.AccessToken || stored.Profile.Email != "ada@example.com" {
				t.Fatalf("stored account: %v (same token: %v)", err, stored != nil && stored.Token.AccessToken == a.Token.AccessToken)
			}

			// What the provider saw: the scope, the device grant, and the
			// token endpoint's client authentication on both endpoints.
			for _, r := range srv.Requests() {
				get := func(k string) string {
					if v := r.Form[k]; len(v) > 0 {
						return v[0]
					}
					return ""
				}
				switch r.Path {
				case "/device_authorization":
					if get("scope") != "read email" {
						t.Errorf("device authorization scope %q", get("scope"))
					}
				case "/token":
					if get("grant_type") != authtest.DeviceGrantType || len(get("device_code")) < 40 {
						t.Errorf("token request grant_type %q, device_code of %d chars", get("grant_type"), len(get("device_code")))
					}
				default:
					continue
				}
				switch tc.auth {
				case "none":
					if r.AuthHeader || get("client_secret") != "" || get("client_id") != tc.client {
						t.Errorf("%s: public client sent auth header=%v secret=%q id=%q", r.Path, r.AuthHeader, get("client_secret"), get("client_id"))
					}
				case "client_secret_basic":
					if !r.AuthHeader || get("client_secret") != "" {
						t.Errorf("%s: basic: auth header=%v, secret in body=%q", r.Path, r.AuthHeader, get("client_secret"))
					}
				case "client_secret_post":
					if r.AuthHeader || get("client_secret") != authtest.ClientSecret || get("client_id") != tc.client {
						t.Errorf("%s: post: auth header=%v, body id=%q secret=%q", r.Path, r.AuthHeader, get("client_id"), get("client_secret"))
					}
				}
			}
		})
	}
}

func TestDeviceSlowDownStretchesInterval(t *testing.T) {
	for _, tc := range []struct {
		name       string
		interval   int
		pending    int
		slowDownAt []int
		waits      []time.Duration
	}{
		// No interval in the answer: 5 s, then 10 s for every later poll.
		{"default interval", 0, 3, []int{2}, secs(5, 10, 10)},
		// Each slow_down adds 5 s for that and all later polls.
		{"two slow_downs", 2, 4, []int{1, 3}, secs(7, 7, 12, 12)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := authtest.NewDevice(t, authtest.DeviceOptions{Interval: tc.interval, Pending: tc.pending, SlowDownAt: tc.slowDownAt})
			svc, pc, opts := deviceService(t, deviceTOML(srv, authtest.PublicClientID, "none"), authtest.NewBrowser())
			if _, err := svc.LoginDevice(context.Background(), "dev", opts); err != nil {
				t.Fatalf("LoginDevice: %v", err)
			}
			if got := pc.Waits(); !slices.Equal(got, tc.waits) {
				t.Errorf("waits %v, want %v", got, tc.waits)
			}
			polls := srv.Polls()
			if len(polls) != len(tc.waits)+1 || polls[len(polls)-1].Answer != "token" {
				t.Errorf("polls answered %v", answers(polls))
			}
			for _, n := range tc.slowDownAt {
				if polls[n-1].Answer != "slow_down" {
					t.Errorf("poll %d answered %s, want slow_down", n, polls[n-1].Answer)
				}
			}
		})
	}
}

func TestDeviceEndsWithClearMessage(t *testing.T) {
	for _, tc := range []struct {
		name      string
		opts      authtest.DeviceOptions
		reason    error
		providers bool // the provider's own answer is attached
		want      []string
		waits     []time.Duration
		polls     int
	}{
		{
			name: "access_denied", opts: authtest.DeviceOptions{Pending: 1, Decision: authtest.DeviceDeny},
			reason: ErrDeviceDenied, providers: true,
			want:  []string{"Device IdP: you declined the sign-in", "The person pressed Deny", "nothing was stored"},
			waits: secs(5), polls: 2,
		},
		{
			name: "expired_token", opts: authtest.DeviceOptions{Interval: 3, Pending: 2, Decision: authtest.DeviceExpire},
			reason: ErrDeviceExpired, providers: true,
			want:  []string{"Device IdP: the code expired before you finished", "start again"},
			waits: secs(3, 3), polls: 3,
		},
		{
			// The provider never answers: polls at 0, 5 and 10 s; the
			// fourth would come after the 12 s expiry, so Latchkey waits the
			// code out and stops without asking again.
			name: "expires_in passes", opts: authtest.DeviceOptions{ExpiresIn: 12, Pending: 1000},
			reason: ErrDeviceExpired,
			want:   []string{"Device IdP: the code expired before you finished; start again"},
			waits:  secs(5, 5, 2), polls: 3,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := authtest.NewDevice(t, tc.opts)
			svc, pc, opts := deviceService(t, deviceTOML(srv, authtest.PublicClientID, "none"), authtest.NewBrowser())
			old := &Account{ProviderID: "dev", Protocol: "oauth2", Token: TokenSet{AccessToken: "old-token", TokenType: "Bearer"}}
			if err := svc.save(old); err != nil {
				t.Fatal(err)
			}

			_, err := svc.LoginDevice(context.Background(), "dev", opts)
			var de *DeviceError
			if !errors.As(err, &de) || !errors.Is(err, tc.reason) {
				t.Fatalf("got %v, want a *DeviceError for %v", err, tc.reason)
			}
			var pe *ProviderError
			if errors.As(err, &pe) != tc.providers {
				t.Errorf("provider answer attached: %v, want %v", pe, tc.providers)
			}
			msg := Describe(err, CLI)
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
			if got := pc.Waits(); !slices.Equal(got, tc.waits) {
				t.Errorf("waits %v, want %v", got, tc.waits)
			}
			if n := len(srv.Polls()); n != tc.polls {
				t.Errorf("%d polls, want %d", n, tc.polls)
			}
			assertStored(t, svc, "dev", old)
		})
	}
}

// assertStored checks that id's stored account still holds want's token.
func assertStored(t *testing.T, svc *Service, id string, want *Account) {
	t.Helper()
	got, err := svc.Account(id)
	if err != nil {
		t.Fatalf("the stored account is gone: %v", err)
	}
	if got.Token.AccessToken != want.Token.AccessToken {
		t.Fatal("the stored account was replaced by a failed sign-in")
	}
}

func TestDeviceCancelStopsPolling(t *testing.T) {
	// pausing wraps a wait so that the test knows LoginDevice is in it.
	pausing := func(entered chan<- time.Duration, wait func(context.Context, time.Duration) error) func(context.Context, time.Duration) error {
		return func(ctx context.Context, d time.Duration) error {
			entered <- d
			return wait(ctx, d)
		}
	}
	blocked := func(ctx context.Context, _ time.Duration) error {
		<-ctx.Done()
		return ctx.Err()
	}
	for _, tc := range []struct {
		name string
		// setup prepares opts; entered receives the pause LoginDevice is
		// in, when the case waits for one.
		setup func(opts *DeviceOptions, entered chan<- time.Duration, cancel context.CancelFunc)
		polls int // the polls the provider must have seen, and no more
	}{
		{
			name: "while the code is shown",
			setup: func(opts *DeviceOptions, entered chan<- time.Duration, cancel context.CancelFunc) {
				opts.Code = func(DeviceCode) { cancel(); entered <- 0 }
			},
			polls: 0,
		},
		{
			name: "during the pause",
			setup: func(opts *DeviceOptions, entered chan<- time.Duration, _ context.CancelFunc) {
				opts.wait = pausing(entered, blocked)
			},
			polls: 1,
		},
		{
			// The real timer and the provider's hour-long interval: only a
			// cancel that reaches the timer ends this within 20 s.
			name: "during the real pause",
			setup: func(opts *DeviceOptions, entered chan<- time.Duration, _ context.CancelFunc) {
				opts.wait = pausing(entered, sleepCtx)
			},
			polls: 1,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := authtest.NewDevice(t, authtest.DeviceOptions{Interval: 3600, ExpiresIn: 7200, Pending: 1000})
			svc, _, opts := deviceService(t, deviceTOML(srv, authtest.PublicClientID, "none"), authtest.NewBrowser())
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			entered := make(chan time.Duration, 1)
			tc.setup(&opts, entered, cancel)

			done := make(chan error, 1)
			go func() {
				_, err := svc.LoginDevice(ctx, "dev", opts)
				done <- err
			}()
			select {
			case d := <-entered:
				if tc.polls > 0 && d != time.Hour {
					t.Errorf("pause of %v, want the provider's interval, 1h", d)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("LoginDevice did not reach the moment to cancel at within 10s")
			}
			cancel()
			var err error
			select {
			case err = <-done:
			case <-time.After(20 * time.Second):
				t.Fatal("LoginDevice did not return within 20s of the cancel")
			}
			if !errors.Is(err, context.Canceled) || Describe(err, CLI) != "" {
				t.Fatalf("got %v, want context.Canceled (said as %q)", err, Describe(err, CLI))
			}
			// LoginDevice polls on its own goroutine only: once it has
			// returned, the count is final.
			if n := len(srv.Polls()); n != tc.polls {
				t.Errorf("%d polls, want %d: polling went on after the cancel", n, tc.polls)
			}
			if _, err := svc.Account("dev"); !errors.Is(err, ErrNotSignedIn) {
				t.Errorf("a cancelled sign-in stored something: %v", err)
			}
		})
	}
}

func TestSleepCtx(t *testing.T) {
	start := time.Now()
	if err := sleepCtx(context.Background(), 30*time.Millisecond); err != nil || time.Since(start) < 30*time.Millisecond {
		t.Errorf("sleepCtx(30ms) = %v after %v, want nil after at least 30ms", err, time.Since(start))
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sleepCtx(ctx, time.Hour) }()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("sleepCtx(cancelled, 1h) = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("sleepCtx(1h) ignored the cancel")
	}
}

func TestDeviceUnsupported(t *testing.T) {
	srv := authtest.NewDevice(t, authtest.DeviceOptions{})
	noDevice := strings.Replace(deviceTOML(srv, authtest.PublicClientID, "none"), "device_authorization_url", "# device_authorization_url", 1)
	oauth1 := `
[[provider]]
id = "photos"
name = "Photos"
protocol = "oauth1"
client_id = "key"
client_secret = "secret"
request_token_url = "https://photos.example/request"
authorize_url = "https://photos.example/authorize"
access_token_url = "https://photos.example/access"
`
	svc, _, opts := deviceService(t, noDevice+oauth1, authtest.NewBrowser())
	opts.Code = func(DeviceCode) { t.Error("Code called for a provider without device sign-in") }
	for _, tc := range []struct {
		id   string
		want []string
	}{
		{"dev", []string{"Device IdP does not offer device sign-in", "test.toml has no device_authorization_url", `add device_authorization_url = "https://…"`, "`latchkey login dev`"}},
		{"photos", []string{"Photos uses OAuth 1.0a, which has no device sign-in", "`latchkey login photos`"}},
	} {
		t.Run(tc.id, func(t *testing.T) {
			_, err := svc.LoginDevice(context.Background(), tc.id, opts)
			var ue *DeviceUnsupportedError
			if !errors.As(err, &ue) || ue.ID != tc.id {
				t.Fatalf("got %v, want a *DeviceUnsupportedError", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message %q lacks %q", err, w)
				}
			}
		})
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("the provider received %d request(s); none may be sent without a device endpoint", n)
	}
	if _, err := svc.LoginDevice(context.Background(), "dev", DeviceOptions{}); err == nil || !strings.Contains(err.Error(), "DeviceOptions.Code") {
		t.Errorf("without Code: %v", err)
	}
}

func TestDeviceBrowser(t *testing.T) {
	for _, tc := range []struct {
		name      string
		complete  bool
		noBrowser bool
		fail      error
	}{
		{name: "opens verification_uri without a complete one"},
		{name: "no browser", noBrowser: true},
		{name: "browser fails, sign-in goes on", fail: authtest.ErrClosed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := authtest.NewDevice(t, authtest.DeviceOptions{CompleteURI: tc.complete})
			br := authtest.NewBrowser()
			br.Fail = tc.fail
			svc, _, opts := deviceService(t, deviceTOML(srv, authtest.PublicClientID, "none"), br)
			opts.NoBrowser = tc.noBrowser
			failed := make(chan error, 1)
			opts.BrowserFailed = func(err error) { failed <- err }
			var shown DeviceCode
			opts.Code = func(c DeviceCode) { shown = c }
			if _, err := svc.LoginDevice(context.Background(), "dev", opts); err != nil {
				t.Fatalf("LoginDevice: %v", err)
			}
			if shown.VerificationURIComplete != "" || shown.BrowserURI() != srv.VerificationURI() {
				t.Errorf("complete %q, BrowserURI %q", shown.VerificationURIComplete, shown.BrowserURI())
			}
			switch {
			case tc.noBrowser:
				if n := br.Opens(); n != 0 {
					t.Errorf("NoBrowser opened the browser %d time(s)", n)
				}
			case tc.fail != nil:
				select {
				case err := <-failed:
					if !errors.Is(err, tc.fail) {
						t.Errorf("BrowserFailed(%v)", err)
					}
				case <-time.After(10 * time.Second):
					t.Fatal("BrowserFailed was not called")
				}
			default:
				if p := br.Next(t); p.Opened != srv.VerificationURI() {
					t.Errorf("opened %q", p.Opened)
				}
			}
		})
	}
}

// TestDeviceProviderAnswers covers answers from providers other than the
// RFC-strict test server: refusals, broken device authorization answers,
// and GitHub's habits (errors with HTTP 200, form-encoded tokens).
func TestDeviceProviderAnswers(t *testing.T) {
	codeAnswer := `{"device_code":"dc-0123456789","user_code":"WDJB-MJHT","verification_uri":"%s","expires_in":900,"interval":1}`
	for _, tc := range []struct {
		name   string
		device func(w http.ResponseWriter, base string)
		token  []func(w http.ResponseWriter) // one per poll
		check  func(t *testing.T, a *Account, err error)
	}{
		{
			name: "invalid_client",
			device: func(w http.ResponseWriter, _ string) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusUnauthorized)
				io.WriteString(w, `{"error":"invalid_client","error_description":"unknown client"}`)
			},
			check: func(t *testing.T, _ *Account, err error) {
				var pe *ProviderError
				if !errors.As(err, &pe) || pe.Endpoint != "device authorization" || pe.Code != "invalid_client" || pe.Status != 401 || !strings.Contains(err.Error(), "check client_id") {
					t.Errorf("got %v, want invalid_client from the device authorization endpoint", err)
				}
			},
		},
		{
			name: "no user_code",
			device: func(w http.ResponseWriter, base string) {
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, `{"device_code":"dc","verification_uri":"`+base+`/device","expires_in":900}`)
			},
			check: func(t *testing.T, _ *Account, err error) {
				var re *ResponseError
				if !errors.As(err, &re) || !strings.Contains(err.Error(), "answered without a user_code (RFC 8628 §3.2 requires it)") {
					t.Errorf("got %v", err)
				}
			},
		},
		{
			name: "verification_uri not a web page",
			device: func(w http.ResponseWriter, _ string) {
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprintf(w, codeAnswer, "javascript:alert(1)")
			},
			check: func(t *testing.T, _ *Account, err error) {
				if err == nil || !strings.Contains(err.Error(), "verification_uri that Latchkey will not open") {
					t.Errorf("got %v", err)
				}
			},
		},
		{
			name: "GitHub style",
			device: func(w http.ResponseWriter, base string) {
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprintf(w, codeAnswer, base+"/device")
			},
			token: []func(w http.ResponseWriter){
				func(w http.ResponseWriter) {
					w.Header().Set("Content-Type", "application/json")
					io.WriteString(w, `{"error":"authorization_pending","error_description":"pending"}`)
				},
				func(w http.ResponseWriter) {
					w.Header().Set("Content-Type", "application/x-www-form-urlencoded")
					io.WriteString(w, "access_token=gho_0123&token_type=bearer&scope=repo+read%3Aorg")
				},
			},
			check: func(t *testing.T, a *Account, err error) {
				if err != nil {
					t.Fatalf("LoginDevice: %v", err)
				}
				if a.Token.AccessToken != "gho_0123" || a.Token.TokenType != "Bearer" || !a.Token.Expiry.IsZero() || !slices.Equal(a.Token.Scopes, []string{"repo", "read:org"}) {
					t.Errorf("token %v, scopes %v", a.Token, a.Token.Scopes)
				}
			},
		},
		{
			name: "unexpected error code",
			device: func(w http.ResponseWriter, base string) {
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprintf(w, codeAnswer, base+"/device")
			},
			token: []func(w http.ResponseWriter){
				func(w http.ResponseWriter) {
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(http.StatusBadRequest)
					io.WriteString(w, `{"error":"unauthorized_client","error_description":"device flow is not enabled for this app"}`)
				},
			},
			check: func(t *testing.T, _ *Account, err error) {
				var pe *ProviderError
				if !errors.As(err, &pe) || pe.Endpoint != "token" || pe.Code != "unauthorized_client" || !strings.Contains(err.Error(), "not enabled for this app") {
					t.Errorf("got %v", err)
				}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			polls := 0
			var srv *httptest.Server
			srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch r.URL.Path {
				case "/device_authorization":
					tc.device(w, srv.URL)
				case "/token":
					mu.Lock()
					n := polls
					polls++
					mu.Unlock()
					if n >= len(tc.token) {
						http.Error(w, "too many polls", http.StatusTeapot)
						return
					}
					tc.token[n](w)
				default:
					http.NotFound(w, r)
				}
			}))
			defer srv.Close()
			toml := fmt.Sprintf(`
[[provider]]
id = "gh"
name = "Hub"
protocol = "oauth2"
client_id = "Iv1.0123"
authorize_url = "%[1]s/authorize"
access_token_url = "%[1]s/token"
device_authorization_url = "%[1]s/device_authorization"
scopes = ["repo"]
`, srv.URL)
			svc, pc, opts := deviceService(t, toml, authtest.NewBrowser())
			opts.NoBrowser = true
			a, err := svc.LoginDevice(context.Background(), "gh", opts)
			tc.check(t, a, err)
			if len(tc.token) > 1 && !slices.Equal(pc.Waits(), secs(1)) {
				t.Errorf("waits %v, want [1s]", pc.Waits())
			}
		})
	}
}
