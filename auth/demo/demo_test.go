package demo_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"latchkey/auth"
	"latchkey/auth/browser"
	"latchkey/auth/demo"
	"latchkey/auth/keychain"
	"latchkey/auth/provider"
)

// startDemo starts a demo server in a fresh directory, closed at the end
// of the test.
func startDemo(t *testing.T, opts demo.Options) (*demo.Server, string) {
	t.Helper()
	if opts.Dir == "" {
		opts.Dir = t.TempDir()
	}
	srv, err := demo.Start(opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv, opts.Dir
}

// clock is a Service clock that can be moved ahead of the real one.
type clock struct{ ahead atomic.Int64 }

func (c *clock) now() time.Time          { return time.Now().Add(time.Duration(c.ahead.Load())) }
func (c *clock) advance(d time.Duration) { c.ahead.Add(int64(d)) }

// newService is Latchkey's Service configured with the demo's provider
// entry, the memory keyring and br as the browser.
func newService(t *testing.T, srv *demo.Server, br browser.Opener, now func() time.Time) *auth.Service {
	t.Helper()
	ps, probs := provider.Parse("demo.toml", []byte(demo.ProviderTOML(srv.Info())))
	if len(probs) > 0 {
		t.Fatalf("the demo's provider entry has problems: %v", probs)
	}
	opts := auth.Options{
		Config:       &provider.Config{Path: "demo.toml", Providers: ps},
		Store:        keychain.New(keychain.Memory(), "latchkey-demo-test"),
		HTTPClient:   &http.Client{Timeout: 10 * time.Second},
		LoginTimeout: 30 * time.Second,
		LockDir:      t.TempDir(),
		Now:          now,
		Browser:      br,
	}
	return auth.New(opts)
}

// visit is what the fake person's browser ended on.
type visit struct {
	status int
	final  string
	body   string
	err    error
}

// person is a fake person at a browser: Open GETs the URL, follows the
// redirects to the consent page, checks it, presses the button named by
// action ("allow" or "deny"), and follows the redirect to Latchkey's
// loopback listener. It implements browser.Opener.
type person struct {
	t       *testing.T
	action  string
	visits  chan visit
	consent chan page // the consent page as first shown
}

func newPerson(t *testing.T, action string) *person {
	return &person{t: t, action: action, visits: make(chan visit, 4), consent: make(chan page, 4)}
}

func (p *person) Open(u string) error {
	go func() { p.visits <- p.signIn(u) }()
	return nil
}

func (p *person) signIn(u string) visit {
	pg, err := get(u)
	if err != nil {
		return visit{err: err}
	}
	p.consent <- pg
	f, err := pg.form()
	if err != nil {
		return visit{err: err}
	}
	return f.submit(p.action)
}

// wait waits for the person to finish, at most 15 s.
func (p *person) wait(t *testing.T) visit {
	t.Helper()
	select {
	case v := <-p.visits:
		return v
	case <-time.After(15 * time.Second):
		t.Fatal("the person's browser did not finish within 15s")
		return visit{}
	}
}

// page is a fetched HTML page.
type page struct {
	url    *url.URL
	status int
	header http.Header
	body   string
}

var browserClient = &http.Client{Timeout: 10 * time.Second}

func get(u string) (page, error) {
	resp, err := browserClient.Get(u)
	if err != nil {
		return page{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return page{url: resp.Request.URL, status: resp.StatusCode, header: resp.Header, body: string(b)}, err
}

var (
	formRE   = regexp.MustCompile(`<form method="(get|post)" action="([^"]*)">`)
	hiddenRE = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
	buttonRE = regexp.MustCompile(`<button type="submit" name="action" value="([^"]+)">`)
)

// form is the first form of a page.
type form struct {
	method  string
	action  *url.URL
	fields  url.Values
	buttons []string
}

func (pg page) form() (form, error) {
	m := formRE.FindStringSubmatch(pg.body)
	if m == nil {
		return form{}, errors.New("no form on the page " + pg.url.String() + ": " + pg.body)
	}
	action, err := pg.url.Parse(html.UnescapeString(m[2]))
	if err != nil {
		return form{}, err
	}
	f := form{method: strings.ToUpper(m[1]), action: action, fields: url.Values{}}
	for _, h := range hiddenRE.FindAllStringSubmatch(pg.body, -1) {
		f.fields.Set(h[1], html.UnescapeString(h[2]))
	}
	for _, b := range buttonRE.FindAllStringSubmatch(pg.body, -1) {
		f.buttons = append(f.buttons, b[1])
	}
	return f, nil
}

// submit presses the button with value action and follows the redirects.
func (f form) submit(action string) visit {
	v := url.Values{}
	for k, vs := range f.fields {
		v[k] = vs
	}
	if action != "" {
		v.Set("action", action)
	}
	var resp *http.Response
	var err error
	if f.method == http.MethodGet {
		u := *f.action
		u.RawQuery = v.Encode()
		resp, err = browserClient.Get(u.String())
	} else {
		resp, err = browserClient.PostForm(f.action.String(), v)
	}
	if err != nil {
		return visit{err: err}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return visit{status: resp.StatusCode, final: resp.Request.URL.String(), body: string(b)}
}

// tokenPost sends form to the demo's token (or other) endpoint and returns
// the status and the decoded JSON answer.
func tokenPost(t *testing.T, endpoint string, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := browserClient.PostForm(endpoint, form)
	if err != nil {
		t.Fatalf("POST %s: %v", endpoint, err)
	}
	defer resp.Body.Close()
	var answer map[string]any
	b, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(b, &answer)
	return resp.StatusCode, answer
}

// refuseRefresh checks that the demo's token endpoint refuses rt.
func refuseRefresh(t *testing.T, srv *demo.Server, rt, why string) {
	t.Helper()
	status, answer := tokenPost(t, srv.Issuer()+"/oauth/token", url.Values{
		"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {srv.ClientID()},
	})
	if status != http.StatusBadRequest || answer["error"] != "invalid_grant" {
		// Only the error: a success would print tokens.
		t.Fatalf("%s: the token endpoint answered %d (error %q), want 400 invalid_grant", why, status, answer["error"])
	}
}

func loginCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// checkDemoUser checks the account is the demo user with a signed id_token
// from srv.
func checkDemoUser(t *testing.T, srv *demo.Server, a *auth.Account) {
	t.Helper()
	if a.Profile.Subject != demo.UserSubject || a.Profile.Name != demo.UserName || a.Profile.Email != demo.UserEmail {
		t.Errorf("profile = %+v, want the demo user", a.Profile)
	}
	if a.Token.IDToken == "" || a.Token.RefreshToken == "" || a.Token.AccessToken == "" {
		t.Fatalf("token set %v lacks an id_token, refresh or access token", a.Token)
	}
	// Latchkey verified it (Login fails otherwise); check once more against
	// the server's JWKS, so a Latchkey that skipped the check is caught.
	jws, err := jose.ParseSigned(a.Token.IDToken, []jose.SignatureAlgorithm{jose.ES256})
	if err != nil {
		t.Fatalf("id_token: %v", err)
	}
	pg, err := get(srv.Issuer() + "/keys")
	if err != nil {
		t.Fatal(err)
	}
	var keys jose.JSONWebKeySet
	if err := json.Unmarshal([]byte(pg.body), &keys); err != nil || len(keys.Keys) != 1 {
		t.Fatalf("JWKS %q: %v", pg.body, err)
	}
	payload, err := jws.Verify(keys.Keys[0])
	if err != nil {
		t.Fatalf("the id_token does not verify with the demo's key: %v", err)
	}
	var claims struct {
		Iss string `json:"iss"`
		Sub string `json:"sub"`
		Aud any    `json:"aud"`
	}
	_ = json.Unmarshal(payload, &claims)
	if claims.Iss != srv.Issuer() || claims.Sub != demo.UserSubject {
		t.Errorf("id_token claims %+v, want iss %s sub %s", claims, srv.Issuer(), demo.UserSubject)
	}
}

func TestLoginAllowEndToEnd(t *testing.T) {
	srv, _ := startDemo(t, demo.Options{})
	br := newPerson(t, "allow")
	svc := newService(t, srv, br, nil)

	a, err := svc.Login(loginCtx(t), demo.ProviderID, auth.LoginOptions{})
	if err != nil {
		t.Fatalf("Login: %v", err)
	}
	v := br.wait(t)
	if v.err != nil || v.status != http.StatusOK || !strings.HasPrefix(v.final, "http://127.0.0.1:") {
		t.Errorf("the browser ended on %d %s (%v), want Latchkey's success page", v.status, v.final, v.err)
	}
	checkDemoUser(t, srv, a)
	if stored, err := svc.Account(demo.ProviderID); err != nil || stored.Token.AccessToken != a.Token.AccessToken {
		t.Errorf("the keychain does not hold the account: %v", err)
	}

	// The consent page as the person saw it.
	pg := <-br.consent
	for _, want := range []string{"Latchkey demo — not a real account", "Latchkey wants to sign in as Demo User", "openid", "profile", "email", "offline_access", ">Allow<", ">Deny<"} {
		if !strings.Contains(pg.body, want) {
			t.Errorf("the consent page lacks %q", want)
		}
	}
	for _, bad := range []string{"<script", "src=", "https://", "<link"} {
		if strings.Contains(pg.body, bad) {
			t.Errorf("the consent page holds %q (no third-party resources, no script)", bad)
		}
	}
	if got := pg.header.Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("Referrer-Policy = %q", got)
	}
	if csp := pg.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("Content-Security-Policy = %q", csp)
	}
}

func TestLoginDenyIsAccessDenied(t *testing.T) {
	srv, _ := startDemo(t, demo.Options{})
	br := newPerson(t, "deny")
	svc := newService(t, srv, br, nil)

	_, err := svc.Login(loginCtx(t), demo.ProviderID, auth.LoginOptions{})
	var pe *auth.ProviderError
	if !errors.As(err, &pe) || pe.Code != "access_denied" {
		t.Fatalf("Login after Deny = %v, want a *auth.ProviderError access_denied", err)
	}
	br.wait(t)
	if _, err := svc.Account(demo.ProviderID); err == nil {
		t.Error("an account was stored after Deny")
	}
}

func TestConsentFormIsBoundToItsRequest(t *testing.T) {
	srv, _ := startDemo(t, demo.Options{})
	// A Login whose browser only records the URL: the test plays the page.
	br := &recorder{urls: make(chan string, 1)}
	svc := newService(t, srv, br, nil)
	ctx, cancel := context.WithCancel(loginCtx(t))
	defer cancel()
	done := make(chan error, 1)
	go func() { _, err := svc.Login(ctx, demo.ProviderID, auth.LoginOptions{}); done <- err }()

	var u string
	select {
	case u = <-br.urls:
	case <-time.After(10 * time.Second):
		t.Fatal("Login opened no browser")
	}
	pg, err := get(u)
	if err != nil {
		t.Fatal(err)
	}
	f, err := pg.form()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(f.buttons, ",") != "allow,deny" {
		t.Errorf("buttons = %v", f.buttons)
	}
	forged := f
	forged.fields = url.Values{"id": {f.fields.Get("id")}, "csrf": {"forged"}}
	if v := forged.submit("allow"); v.status != http.StatusForbidden {
		t.Errorf("a forged form was answered %d %s, want 403", v.status, v.final)
	}
	// The real form still works after the forgery was refused.
	if v := f.submit("allow"); v.err != nil || v.status != http.StatusOK {
		t.Fatalf("the real form: %d %v", v.status, v.err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Login: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Login did not finish within 15s of Allow")
	}
}

// recorder is a browser that only records what it is asked to open.
type recorder struct{ urls chan string }

func (r *recorder) Open(u string) error { r.urls <- u; return nil }

func TestRefreshRotatesAndRefusesTheOldToken(t *testing.T) {
	srv, _ := startDemo(t, demo.Options{TokenLifetime: 30 * time.Second})
	br := newPerson(t, "allow")
	clk := &clock{}
	svc := newService(t, srv, br, clk.now)
	ctx := loginCtx(t)

	first, err := svc.Login(ctx, demo.ProviderID, auth.LoginOptions{})
	if err != nil {
		t.Fatalf("Login: %v", err)
	}
	br.wait(t)
	if left := first.Token.Expiry.Sub(clk.now()); left <= 0 || left > 31*time.Second {
		t.Errorf("the access token expires in %v, want the 30s TokenLifetime", left)
	}
	same, err := svc.Token(ctx, demo.ProviderID)
	if err != nil || same.Token.AccessToken != first.Token.AccessToken {
		t.Fatalf("Token before expiry refreshed or failed: %v", err)
	}

	clk.advance(2 * time.Minute) // past the expiry
	next, err := svc.Token(ctx, demo.ProviderID)
	if err != nil {
		t.Fatalf("Token after expiry: %v", err)
	}
	if next.Token.AccessToken == first.Token.AccessToken {
		t.Error("Token after expiry handed out the expired access token")
	}
	if next.Token.RefreshToken == "" || next.Token.RefreshToken == first.Token.RefreshToken {
		t.Fatal("the refresh did not rotate the refresh token")
	}
	checkDemoUser(t, srv, next)
	refuseRefresh(t, srv, first.Token.RefreshToken, "the used refresh token")

	// The old access token went with it; the new one answers userinfo.
	if status := userinfo(t, srv, first.Token.AccessToken); status != http.StatusUnauthorized && status != http.StatusForbidden {
		t.Errorf("userinfo with the replaced access token: %d, want 401 or 403", status)
	}
	if status := userinfo(t, srv, next.Token.AccessToken); status != http.StatusOK {
		t.Errorf("userinfo with the new access token: %d, want 200", status)
	}
	// And the new refresh token works once more.
	if _, err := svc.Refresh(ctx, demo.ProviderID); err != nil {
		t.Errorf("Refresh with the rotated token: %v", err)
	}
}

func userinfo(t *testing.T, srv *demo.Server, access string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, srv.Issuer()+"/userinfo", nil)
	req.Header.Set("Authorization", "Bearer "+access)
	resp, err := browserClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestLogoutRevokes(t *testing.T) {
	srv, _ := startDemo(t, demo.Options{})
	br := newPerson(t, "allow")
	svc := newService(t, srv, br, nil)
	ctx := loginCtx(t)
	a, err := svc.Login(ctx, demo.ProviderID, auth.LoginOptions{})
	if err != nil {
		t.Fatalf("Login: %v", err)
	}
	br.wait(t)
	had, err := svc.Logout(ctx, demo.ProviderID)
	if err != nil || !had {
		t.Fatalf("Logout = %v, %v; want a clean revocation", had, err)
	}
	refuseRefresh(t, srv, a.Token.RefreshToken, "the revoked refresh token")
	if status := userinfo(t, srv, a.Token.AccessToken); status != http.StatusUnauthorized && status != http.StatusForbidden {
		t.Errorf("userinfo with the access token of a revoked refresh token: %d, want 401 or 403", status)
	}
}

func TestLoginDevice(t *testing.T) {
	srv, _ := startDemo(t, demo.Options{})
	svc := newService(t, srv, nil, nil)
	var seen auth.DeviceCode
	var personErr error
	a, err := svc.LoginDevice(loginCtx(t), demo.ProviderID, auth.DeviceOptions{
		NoBrowser: true,
		// The person, before the first poll: opens the page, types the
		// code (lower case, no dash), checks it is shown, presses Allow.
		Code: func(c auth.DeviceCode) {
			seen = c
			personErr = func() error {
				pg, err := get(c.VerificationURI)
				if err != nil {
					return err
				}
				f, err := pg.form()
				if err != nil {
					return err
				}
				f.fields.Set("user_code", strings.ToLower(strings.ReplaceAll(c.UserCode, "-", "")))
				v := f.submit("")
				if v.err != nil || v.status != http.StatusOK || !strings.Contains(v.body, c.UserCode) || !strings.Contains(v.body, "not a real account") {
					return errors.New("the page after the code does not show it: " + v.body)
				}
				consent, err := page{url: mustURL(v.final), body: v.body}.form()
				if err != nil {
					return err
				}
				if r := consent.submit("allow"); r.status != http.StatusOK || !strings.Contains(r.body, "Allowed") {
					return errors.New("Allow was answered: " + r.body)
				}
				return nil
			}()
		},
	})
	if personErr != nil {
		t.Fatalf("the person: %v", personErr)
	}
	if err != nil {
		t.Fatalf("LoginDevice: %v", err)
	}
	if !strings.HasPrefix(seen.VerificationURI, srv.Issuer()+"/device") || seen.Interval != demo.DevicePollInterval {
		t.Errorf("device code %+v", seen)
	}
	checkDemoUser(t, srv, a)
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

// listeners returns the local addresses of the sockets listening on port
// in /proc/net/tcp or tcp6 (hex, as the kernel writes them).
func listeners(t *testing.T, file string, port int) []string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Skipf("no %s here: %v", file, err)
	}
	var out []string
	suffix := ":" + strings.ToUpper(strconv.FormatInt(int64(port), 16))
	for _, line := range strings.Split(string(data), "\n")[1:] {
		f := strings.Fields(line)
		if len(f) > 3 && f[3] == "0A" && strings.HasSuffix(f[1], suffix) && len(strings.TrimSuffix(f[1], suffix))+len(suffix) == len(f[1]) {
			// Only whole ports: ":1F90" must not match ":11F90".
			if host := strings.TrimSuffix(f[1], suffix); !strings.Contains(host, ":") {
				out = append(out, host)
			}
		}
	}
	return out
}

func TestBindsLoopbackOnlyAndRunsOnce(t *testing.T) {
	srv, dir := startDemo(t, demo.Options{})
	addr, ok := srv.Addr().(*net.TCPAddr)
	if !ok || !addr.IP.Equal(net.IPv4(127, 0, 0, 1)) || addr.Port == 0 {
		t.Fatalf("listens on %v, want 127.0.0.1:<port>", srv.Addr())
	}
	if srv.Issuer() != "http://127.0.0.1:"+strconv.Itoa(addr.Port) {
		t.Errorf("issuer %s", srv.Issuer())
	}
	if got := listeners(t, "/proc/net/tcp", addr.Port); len(got) != 1 || got[0] != "0100007F" {
		t.Errorf("/proc/net/tcp listeners on port %d: %v, want only 0100007F (127.0.0.1)", addr.Port, got)
	}
	if got := listeners(t, "/proc/net/tcp6", addr.Port); len(got) != 0 {
		t.Errorf("/proc/net/tcp6 listeners on port %d: %v, want none", addr.Port, got)
	}

	// Another name for the address is refused (DNS rebinding).
	req, _ := http.NewRequest(http.MethodGet, srv.Issuer()+"/.well-known/openid-configuration", nil)
	req.Host = "evil.example:" + strconv.Itoa(addr.Port)
	if resp, err := browserClient.Do(req); err != nil || resp.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("a request for another host: %v %v, want 421", resp, err)
	} else {
		resp.Body.Close()
	}

	// The runtime file says where it is, privately; its one secret is the
	// OAuth 1.0a demo's throwaway consumer secret.
	path := filepath.Join(dir, demo.RuntimeFile)
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("runtime file: %v %v, want mode 0600", fi, err)
	}
	raw, _ := os.ReadFile(path)
	if n := strings.Count(strings.ToLower(string(raw)), "secret"); n != 1 || !strings.Contains(string(raw), `"oauth1_consumer_secret"`) {
		t.Errorf("the runtime file holds secrets other than the OAuth 1.0a demo's: %s", raw)
	}
	info, err := demo.Running(dir)
	if err != nil || info != srv.Info() || info.Issuer != srv.Issuer() || info.ClientID != demo.ClientID {
		t.Fatalf("Running = %+v, %v; want %+v", info, err, srv.Info())
	}

	// A second server for the same user is refused, in words.
	second, err := demo.Start(demo.Options{Dir: dir})
	var running *demo.AlreadyRunningError
	if !errors.As(err, &running) {
		if second != nil {
			second.Close()
		}
		t.Fatalf("a second Start = %v, want *demo.AlreadyRunningError", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "already running") || !strings.Contains(msg, srv.Issuer()) {
		t.Errorf("the refusal says %q", msg)
	}

	// After Close: no port, no file, no lock.
	if err := srv.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if c, err := net.DialTimeout("tcp", addr.String(), 2*time.Second); err == nil {
		c.Close()
		t.Error("the port still accepts connections after Close")
	} else if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("dial after Close: %v, want connection refused", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the runtime file is still there after Close: %v", err)
	}
	if _, err := demo.Running(dir); !errors.Is(err, demo.ErrNotRunning) {
		t.Errorf("Running after Close = %v, want ErrNotRunning", err)
	}
	again, err := demo.Start(demo.Options{Dir: dir})
	if err != nil {
		t.Fatalf("Start after Close: %v", err)
	}
	again.Close()
}

func TestRunningIgnoresAStaleFile(t *testing.T) {
	dir := t.TempDir()
	// What a crashed server leaves: the file, but no lock holder.
	stale := `{"v":1,"issuer":"http://127.0.0.1:1","client_id":"latchkey-demo"}`
	if err := os.WriteFile(filepath.Join(dir, demo.RuntimeFile), []byte(stale), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Running(dir); !errors.Is(err, demo.ErrNotRunning) {
		t.Errorf("Running with a stale file = %v, want ErrNotRunning", err)
	}
}

// authorize sends an authorization request for the browser client with
// extra parameters, without following the redirect, and returns where it
// points.
func authorize(t *testing.T, srv *demo.Server, redirect string, extra url.Values) (int, *url.URL) {
	t.Helper()
	q := url.Values{
		"client_id": {srv.ClientID()}, "response_type": {"code"}, "scope": {"openid profile"},
		"redirect_uri": {redirect}, "state": {"st-123"},
	}
	for k, v := range extra {
		q[k] = v
	}
	c := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(srv.Issuer() + "/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := resp.Location()
	return resp.StatusCode, loc
}

func TestPKCEIsRequired(t *testing.T) {
	srv, _ := startDemo(t, demo.Options{})
	const redirect = "http://127.0.0.1:9/callback"
	sum := sha256.Sum256([]byte("a-verifier-of-enough-length-for-rfc-7636-0123456789"))
	challenge := base64.RawURLEncoding.EncodeToString(sum[:])

	for _, tc := range []struct {
		name  string
		extra url.Values
	}{
		{"no code_challenge", nil},
		{"plain", url.Values{"code_challenge": {challenge}, "code_challenge_method": {"plain"}}},
		{"no method (plain by default)", url.Values{"code_challenge": {challenge}}},
	} {
		status, loc := authorize(t, srv, redirect, tc.extra)
		if status != http.StatusFound || loc == nil || !strings.HasPrefix(loc.String(), redirect) ||
			loc.Query().Get("error") != "invalid_request" || loc.Query().Get("state") != "st-123" {
			t.Errorf("%s: answered %d %v, want a redirect to the client with error=invalid_request and the state", tc.name, status, loc)
		}
	}
	// The same request with S256 goes on to the consent page.
	status, loc := authorize(t, srv, redirect, url.Values{"code_challenge": {challenge}, "code_challenge_method": {"S256"}})
	if status != http.StatusFound || loc == nil || loc.Path != "/consent" {
		t.Errorf("with S256: answered %d %v, want the consent page", status, loc)
	}
}

func TestOnlyLoopbackCallbacks(t *testing.T) {
	srv, _ := startDemo(t, demo.Options{})
	pkce := url.Values{"code_challenge": {"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"}, "code_challenge_method": {"S256"}}
	for _, ok := range []string{"http://127.0.0.1:5000/callback", "http://127.0.0.1:61234/callback/demo-oidc"} {
		if status, loc := authorize(t, srv, ok, pkce); status != http.StatusFound || loc == nil || loc.Path != "/consent" {
			t.Errorf("%s: answered %d %v, want the consent page", ok, status, loc)
		}
	}
	for _, bad := range []string{
		"http://localhost:5000/callback", "http://[::1]:5000/callback", "http://example.com/callback",
		"https://127.0.0.1:5000/callback", "http://127.0.0.1:5000/other", "http://127.0.0.1:5000/callbackx",
		"http://127.0.0.1:x@evil.example/callback/a", "http://127.0.0.1:5000/callback?x=1",
	} {
		status, loc := authorize(t, srv, bad, pkce)
		if status == http.StatusFound {
			t.Errorf("%s: redirected to %v, want a refusal shown by the server", bad, loc)
		}
	}
}
