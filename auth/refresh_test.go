package auth

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"latchkey/auth/authtest"
	"latchkey/auth/keychain"
	"latchkey/auth/provider"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct{ offset atomic.Int64 }

func (c *fakeClock) now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *fakeClock) advance(d time.Duration) { c.offset.Add(int64(d)) }

// refreshSetup signs in to a fosite provider (1 h access tokens, rotating
// refresh tokens, RFC 7009 revocation) with a fake clock.
func refreshSetup(t *testing.T) (*Service, *authtest.OAuth2, *fakeClock, *Account) {
	t.Helper()
	return refreshSetupOn(t, memoryKeychain)
}

// refreshSetupOn is refreshSetup on the keyring of kind.
func refreshSetupOn(t *testing.T, kind keyringKind) (*Service, *authtest.OAuth2, *fakeClock, *Account) {
	t.Helper()
	idp := authtest.NewOAuth2(t)
	br := authtest.NewBrowser()
	svc, _ := testServiceOn(t, kind, oauth2TOML(idp, authtest.PublicClientID, "none", fmt.Sprintf("revoke_url = %q\n", idp.RevokeURL())), br)
	clock := &fakeClock{}
	svc.now = clock.now
	a, err := svc.Login(context.Background(), "idp", LoginOptions{})
	if err != nil {
		t.Fatalf("Login: %v", err)
	}
	br.Next(t)
	if a.Token.RefreshToken == "" {
		t.Fatal("the provider issued no refresh token")
	}
	return svc, idp, clock, a
}

func TestStateOfExpiringRule(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	acct := func(lifetime time.Duration, refresh string) *Account {
		return &Account{ObtainedAt: t0, Token: TokenSet{Expiry: t0.Add(lifetime), RefreshToken: refresh}}
	}
	for _, tc := range []struct {
		name string
		a    *Account
		at   time.Duration // after t0
		want State
	}{
		{"none", nil, 0, StateNone},
		{"no expiry", &Account{}, 0, StateValid},
		{"5 min token when issued", acct(5*time.Minute, ""), 0, StateValid},
		{"5 min token, 76 s left", acct(5*time.Minute, ""), 224 * time.Second, StateValid},
		{"5 min token, 74 s left", acct(5*time.Minute, ""), 226 * time.Second, StateExpiring},
		{"1 h token, 6 min left", acct(time.Hour, ""), 54 * time.Minute, StateValid},
		{"1 h token, 4 min left", acct(time.Hour, ""), 56 * time.Minute, StateExpiring},
		{"1 h token, 4 min left, refresh held", acct(time.Hour, "rt"), 56 * time.Minute, StateRefreshable},
		{"expired", acct(time.Hour, ""), time.Hour, StateExpired},
		{"expired, refresh held", acct(time.Hour, "rt"), 2 * time.Hour, StateRefreshable},
		{"refused", &Account{NeedsSignIn: true, Token: TokenSet{RefreshToken: "rt"}}, 0, StateNeedsSignIn},
	} {
		if got := StateOf(tc.a, t0.Add(tc.at)); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestTokenRefreshesWithRotation(t *testing.T) {
	svc, idp, clock, first := refreshSetup(t)

	// Still valid: no refresh.
	a, err := svc.Token(context.Background(), "idp")
	if err != nil || a.Token.AccessToken != first.Token.AccessToken || idp.RefreshGrants() != 0 {
		t.Fatalf("valid token: %v, refreshed %d times", err, idp.RefreshGrants())
	}

	clock.advance(57 * time.Minute) // 3 min left of 1 h: expiring, refresh token held
	if st, _ := svc.Statuses(); st[0].State != StateRefreshable {
		t.Fatalf("state %s, want refreshable", st[0].State)
	}
	a, err = svc.Token(context.Background(), "idp")
	if err != nil {
		t.Fatalf("Token: %v", err)
	}
	if a.Token.AccessToken == first.Token.AccessToken || a.Token.RefreshToken == first.Token.RefreshToken {
		t.Fatal("Token handed out the old token set")
	}
	if idp.RefreshGrants() != 1 {
		t.Fatalf("%d refresh requests, want 1", idp.RefreshGrants())
	}
	if got := a.Token.Expiry.Sub(clock.now()); got < 59*time.Minute || got > time.Hour {
		t.Errorf("new expiry in %v, want about 1 h from the refresh", got)
	}
	stored, err := svc.Account("idp")
	if err != nil || stored.Token.RefreshToken != a.Token.RefreshToken || stored.Token.AccessToken != a.Token.AccessToken {
		t.Fatalf("the keychain does not hold the new token set: %v", err)
	}
	if stored.Profile.Email != "ada@example.com" {
		t.Errorf("refresh lost the profile: %+v", stored.Profile)
	}
	// The next caller is handed the fresh token, not another refresh.
	if b, err := svc.Token(context.Background(), "idp"); err != nil || b.Token.AccessToken != a.Token.AccessToken || idp.RefreshGrants() != 1 {
		t.Fatalf("second Token: %v, %d refreshes", err, idp.RefreshGrants())
	}
	// The provider rotated: the old refresh token is dead.
	if code := idp.SpendRefreshToken(t, first.Token.RefreshToken); code != "invalid_grant" {
		t.Fatalf("the old refresh token still works at the provider: %q", code)
	}
}

func TestConcurrentTokenCallsRefreshOnce(t *testing.T) {
	svc, idp, clock, _ := refreshSetup(t)
	clock.advance(2 * time.Hour)
	const callers = 8
	var wg sync.WaitGroup
	tokens := make([]string, callers)
	errs := make([]error, callers)
	start := make(chan struct{})
	for i := range callers {
		wg.Go(func() {
			<-start
			a, err := svc.Token(context.Background(), "idp")
			if err == nil {
				tokens[i] = a.Token.AccessToken
			}
			errs[i] = err
		})
	}
	close(start)
	wg.Wait()
	for i := range callers {
		if errs[i] != nil || tokens[i] != tokens[0] {
			t.Fatalf("caller %d: %v (token same as caller 0: %v)", i, errs[i], tokens[i] == tokens[0])
		}
	}
	if n := idp.RefreshGrants(); n != 1 {
		t.Fatalf("%d refresh requests for %d concurrent callers, want 1", n, callers)
	}
}

func TestRefreshKeepsOldRefreshTokenWhenNoneReturned(t *testing.T) {
	svc, idp, clock, first := refreshSetup(t)
	idp.OverrideToken(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"access_token":"new-access","token_type":"bearer","expires_in":600}`)
	})
	clock.advance(2 * time.Hour)
	a, err := svc.Token(context.Background(), "idp")
	if err != nil || a.Token.AccessToken != "new-access" || a.Token.RefreshToken != first.Token.RefreshToken {
		t.Fatalf("Token: %v; refresh token kept: %v", err, a != nil && a.Token.RefreshToken == first.Token.RefreshToken)
	}
	if len(a.Token.Scopes) != 2 {
		t.Errorf("scopes lost: %v", a.Token.Scopes)
	}
}

// failingSaves fails every Save, like a keychain that locks mid-way.
type failingSaves struct{ Store }

func (failingSaves) Save(string, []byte) error {
	return &keychain.Error{Kind: keychain.Locked, Op: "set", Err: errors.New("failed to unlock correct collection")}
}

func TestRefreshSaveFailureKeepsOldRecord(t *testing.T) {
	svc, _, clock, first := refreshSetup(t)
	real := svc.store
	svc.store = failingSaves{real}
	clock.advance(2 * time.Hour)
	_, err := svc.Token(context.Background(), "idp")
	var ke *keychain.Error
	if !errors.As(err, &ke) || ke.Kind != keychain.Locked {
		t.Fatalf("got %v, want the keychain error", err)
	}
	svc.store = real
	old, err := svc.Account("idp")
	if err != nil || old.Token.AccessToken != first.Token.AccessToken || old.Token.RefreshToken != first.Token.RefreshToken {
		t.Fatalf("the previous record is not readable as it was: %v", err)
	}
}

func TestRefreshRefusedNeedsSignIn(t *testing.T) {
	svc, idp, clock, first := refreshSetup(t)
	// Another client spends (rotates) our refresh token: ours is now refused.
	if code := idp.SpendRefreshToken(t, first.Token.RefreshToken); code != "" {
		t.Fatalf("rotating behind our back: %s", code)
	}
	clock.advance(2 * time.Hour)
	_, err := svc.Token(context.Background(), "idp")
	if !errors.Is(err, ErrRefused) || !strings.Contains(Describe(err, CLI), "latchkey login idp") {
		t.Fatalf("got %v, want ErrRefused telling to sign in again", err)
	}
	sts, _ := svc.Statuses()
	if sts[0].State != StateNeedsSignIn {
		t.Fatalf("state %s, want needs_signin", sts[0].State)
	}
	// needs_signin is remembered: no more refresh attempts.
	before := idp.RefreshGrants()
	if _, err := svc.Token(context.Background(), "idp"); !errors.Is(err, ErrRefused) || idp.RefreshGrants() != before {
		t.Fatalf("second Token: %v, refreshes %d → %d", err, before, idp.RefreshGrants())
	}
	// A new sign-in clears it.
	if _, err := svc.Login(context.Background(), "idp", LoginOptions{}); err != nil {
		t.Fatal(err)
	}
	if sts, _ := svc.Statuses(); sts[0].State != StateRefreshable && sts[0].State != StateValid {
		t.Fatalf("after signing in again: %s", sts[0].State)
	}
}

// TestForcedRefreshOfRotatedTokenIsRefused: the token is still valid,
// but its refresh token was spent elsewhere. The Refresh button must not
// report success with the unchanged record.
func TestForcedRefreshOfRotatedTokenIsRefused(t *testing.T) {
	svc, idp, _, first := refreshSetup(t)
	if code := idp.SpendRefreshToken(t, first.Token.RefreshToken); code != "" {
		t.Fatalf("rotating behind our back: %s", code)
	}
	_, err := svc.Refresh(context.Background(), "idp")
	if !errors.Is(err, ErrRefused) || !strings.Contains(Describe(err, Window), "press Sign in again") {
		t.Fatalf("got %v, want ErrRefused", err)
	}
	if sts, _ := svc.Statuses(); sts[0].State != StateNeedsSignIn {
		t.Fatalf("state %s, want needs_signin", sts[0].State)
	}
}

func TestRefreshRereadsStoreOnInvalidGrant(t *testing.T) {
	svc, idp, clock, first := refreshSetup(t)
	// Another process rotated the token and stored the result (without our
	// lock): simulate by refreshing at the provider and saving by hand.
	clock.advance(2 * time.Hour)
	resp, err := http.PostForm(idp.TokenURL(), url.Values{"grant_type": {"refresh_token"}, "refresh_token": {first.Token.RefreshToken}, "client_id": {authtest.PublicClientID}})
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("rotating: %v %v", err, resp)
	}
	resp.Body.Close()
	// The store still holds the spent token, but with a refresh token that
	// another process will write while we are in flight: replay that by
	// making the first redeem see invalid_grant and the re-read see a
	// usable token.
	rotated := *first
	rotated.Token.AccessToken = "rotated-elsewhere"
	rotated.Token.Expiry = clock.now().Add(time.Hour)
	rotated.ObtainedAt = clock.now()
	svc.store = &swapOnFirstLoad{Store: svc.store, svc: svc, after: &rotated}
	a, err := svc.Token(context.Background(), "idp")
	if err != nil || a.Token.AccessToken != "rotated-elsewhere" {
		t.Fatalf("Token = %v, %v; want the record another process stored", a, err)
	}
}

// swapOnFirstLoad stores `after` right after the refresh's first read
// under the lock, as another process would while our request is in flight.
type swapOnFirstLoad struct {
	Store
	svc   *Service
	after *Account
	loads atomic.Int32
}

func (s *swapOnFirstLoad) Load(id string) ([]byte, error) {
	data, err := s.Store.Load(id)
	if s.loads.Add(1) == 2 { // 1: Token's read, 2: refresh's read under the lock
		rec, _ := encodeAccount(s.after)
		if serr := s.Store.Save(id, rec); serr != nil {
			return nil, serr
		}
	}
	return data, err
}

func TestOAuth1RecheckMarksNeedsSignIn(t *testing.T) {
	svc, idp, br := oauth1Setup(t, "HMAC-SHA1", "loopback", authtest.OAuth1Options{})
	if _, err := svc.Login(context.Background(), "idp", LoginOptions{}); err != nil {
		t.Fatal(err)
	}
	br.Next(t)
	if a, err := svc.Refresh(context.Background(), "idp"); err != nil || a.Profile.Name != "Ada Lovelace" {
		t.Fatalf("recheck of a good token: %v", err)
	}
	idp.RevokeAccessTokens()
	_, err := svc.Refresh(context.Background(), "idp")
	if !errors.Is(err, ErrRefused) {
		t.Fatalf("got %v, want ErrRefused", err)
	}
	if sts, _ := svc.Statuses(); sts[0].State != StateNeedsSignIn {
		t.Fatalf("state %s, want needs_signin", sts[0].State)
	}
}

func TestLogoutRevokes(t *testing.T) {
	svc, idp, _, first := refreshSetup(t)
	had, err := svc.Logout(context.Background(), "idp")
	if err != nil || !had {
		t.Fatalf("Logout = %v, %v", had, err)
	}
	var rev *authtest.Request
	for _, r := range idp.Requests() {
		if r.Path == "/revoke" {
			rev = &r
		}
	}
	if rev == nil || rev.Method != http.MethodPost || rev.Form["token_type_hint"][0] != "refresh_token" ||
		rev.Form["token"][0] != first.Token.RefreshToken || rev.Form["client_id"][0] != authtest.PublicClientID {
		t.Fatalf("revocation request = %+v", rev)
	}
	if code := idp.SpendRefreshToken(t, first.Token.RefreshToken); code != "invalid_grant" {
		t.Fatalf("the refresh token still works after logout: %q", code)
	}
	if _, err := svc.Account("idp"); !errors.Is(err, ErrNotSignedIn) {
		t.Fatalf("account still stored: %v", err)
	}
}

func TestLogoutDeletesEvenWhenRevocationFails(t *testing.T) {
	svc, idp, _, _ := refreshSetup(t)
	idp.OverrideRevoke(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, `{"error":"server_error"}`)
	})
	had, err := svc.Logout(context.Background(), "idp")
	var re *RevokeError
	if !had || !errors.As(err, &re) || !strings.Contains(err.Error(), "did not revoke the token") || !strings.Contains(err.Error(), "HTTP 500") {
		t.Fatalf("Logout = %v, %v; want a RevokeError naming the failure", had, err)
	}
	if _, err := svc.Account("idp"); !errors.Is(err, ErrNotSignedIn) {
		t.Fatalf("the account was not deleted: %v", err)
	}
}

// TestTwoProcessesRefreshOnce runs two processes (this test binary, in
// the role of `latchkey token`) that meet the same expired token at the
// same moment: the lock file lets exactly one of them spend the refresh
// token.
func TestTwoProcessesRefreshOnce(t *testing.T) {
	svc, idp, _, first := refreshSetupOn(t, realKeychain) // the children share it
	// Expire the stored token for everyone (the children use the real clock).
	expired := *first
	expired.Token.Expiry = time.Now().Add(-time.Minute)
	expired.ObtainedAt = time.Now().Add(-61 * time.Minute)
	if err := svc.save(&expired); err != nil {
		t.Fatal(err)
	}
	service := svc.store.(*keychain.Store)
	lockDir := t.TempDir()
	type child struct {
		cmd   *exec.Cmd
		in    io.WriteCloser
		lines *bufio.Scanner
	}
	var children []child
	for range 2 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestRefreshChildProcess$")
		cmd.Env = append(os.Environ(),
			"LATCHKEY_REFRESH_CHILD=1",
			"LATCHKEY_CHILD_KEYRING="+service.Service(),
			"LATCHKEY_CHILD_LOCKDIR="+lockDir,
			"LATCHKEY_CHILD_IDP="+idp.URL,
		)
		in, _ := cmd.StdinPipe()
		out, _ := cmd.StdoutPipe()
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		children = append(children, child{cmd, in, bufio.NewScanner(out)})
	}
	readLine := func(c child) string {
		ch := make(chan string, 1)
		go func() {
			if c.lines.Scan() {
				ch <- c.lines.Text()
			} else {
				ch <- "EOF"
			}
		}()
		select {
		case l := <-ch:
			return l
		case <-time.After(30 * time.Second):
			t.Fatal("a child process did not answer within 30s")
			return ""
		}
	}
	for _, c := range children {
		if l := readLine(c); l != "ready" {
			t.Fatalf("child said %q", l)
		}
	}
	for _, c := range children { // both go at once
		_ = c.in.Close()
	}
	var tokens []string
	for _, c := range children {
		l := readLine(c)
		if !strings.HasPrefix(l, "token ") {
			t.Fatalf("child said %q", l)
		}
		tokens = append(tokens, strings.TrimPrefix(l, "token "))
	}
	if tokens[0] != tokens[1] || tokens[0] == first.Token.AccessToken {
		t.Fatalf("children got different or old tokens")
	}
	if n := idp.RefreshGrants(); n != 1 {
		t.Fatalf("%d refresh requests from two processes, want 1", n)
	}
}

// TestRefreshChildProcess is the child of TestTwoProcessesRefreshOnce; it
// does nothing in a normal run.
func TestRefreshChildProcess(t *testing.T) {
	if os.Getenv("LATCHKEY_REFRESH_CHILD") != "1" {
		t.Skip("helper process for TestTwoProcessesRefreshOnce; runs only as its child")
	}
	base := os.Getenv("LATCHKEY_CHILD_IDP")
	ps, probs := provider.Parse("child.toml", []byte(fmt.Sprintf(`
[[provider]]
id = "idp"
name = "Test IdP"
protocol = "oauth2"
client_id = %q
authorize_url = "%s/authorize"
access_token_url = "%s/token"
`, authtest.PublicClientID, base, base)))
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	svc := New(Options{
		Config:  &provider.Config{Path: "child.toml", Providers: ps},
		Store:   keychain.New(keychain.System(keychain.DefaultTimeout), os.Getenv("LATCHKEY_CHILD_KEYRING")),
		LockDir: os.Getenv("LATCHKEY_CHILD_LOCKDIR"),
	})
	fmt.Println("ready")
	_, _ = io.Copy(io.Discard, os.Stdin) // wait for "go": stdin closed
	a, err := svc.Token(context.Background(), "idp")
	if err != nil {
		fmt.Println("error", err)
		return
	}
	fmt.Println("token", a.Token.AccessToken)
}

// TestLogoutRevokesBothTokens: Logout asks the revocation endpoint to
// revoke the access token and the refresh token (RFC 7009 §2), the access
// token first.
func TestLogoutRevokesBothTokens(t *testing.T) {
	svc, idp, _, first := refreshSetup(t)
	if _, err := svc.Logout(context.Background(), "idp"); err != nil {
		t.Fatalf("Logout: %v", err)
	}
	var hints []string
	for _, r := range idp.Requests() {
		if r.Path == "/revoke" {
			hints = append(hints, r.Form["token_type_hint"][0])
			if want := map[string]string{"access_token": first.Token.AccessToken, "refresh_token": first.Token.RefreshToken}[r.Form["token_type_hint"][0]]; r.Form["token"][0] != want {
				t.Errorf("revoked %s with another token", r.Form["token_type_hint"][0])
			}
		}
	}
	if !slices.Equal(hints, []string{"access_token", "refresh_token"}) {
		t.Fatalf("revocation requests %v, want the access token then the refresh token", hints)
	}
}

// TestUnrevokedNote: where a provider cannot revoke, the words say the
// access token stays valid at the provider, until its expiry or, with
// none, until access is removed there; never a button or a command.
func TestUnrevokedNote(t *testing.T) {
	exp := time.Date(2030, 1, 2, 15, 4, 0, 0, time.Local)
	for _, tc := range []struct {
		p    provider.Provider
		a    *Account
		want string
	}{
		{provider.Provider{ID: "x", Name: "X", Protocol: provider.OAuth2}, &Account{Token: TokenSet{Expiry: exp}}, "stays valid there until it expires (2 Jan 2030 15:04)"},
		{provider.Provider{ID: "x", Name: "X", Protocol: provider.OAuth2}, &Account{}, "until you remove Latchkey's access in your account settings at X"},
		{provider.Provider{ID: "x", Name: "X", Protocol: provider.OAuth1}, &Account{}, "until you remove Latchkey's access"},
		{provider.Provider{ID: "x", Name: "X", Protocol: provider.OAuth2, RevokeURL: "https://x.example/revoke"}, &Account{}, ""},
		{provider.Provider{ID: "x", Name: "X", Protocol: provider.OAuth2}, nil, ""},
	} {
		for _, f := range []Face{Window, CLI} {
			got := UnrevokedNote(&tc.p, tc.a, f)
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) || strings.Contains(got, "latchkey ") || strings.Contains(got, "press") {
				t.Errorf("%v note for %s: %q, want %q", f, tc.p.Protocol, got, tc.want)
			}
		}
	}
}

// TestUnboundRecordIsBoundAtNextSave: a record written before bindings
// (no "bound") is used as it is and bound to its provider when the
// refresh saves it.
func TestUnboundRecordIsBoundAtNextSave(t *testing.T) {
	svc, _, clock, a := refreshSetup(t)
	if a.Bound == nil || a.Bound.TokenURL == "" || a.Bound.ClientID != authtest.PublicClientID {
		t.Fatalf("a sign-in stored binding %+v", a.Bound)
	}
	a.Bound = nil
	if err := svc.save(a); err != nil {
		t.Fatal(err)
	}
	clock.advance(2 * time.Hour)
	fresh, err := svc.Token(context.Background(), "idp")
	if err != nil {
		t.Fatalf("Token of an unbound record: %v", err)
	}
	stored, err := svc.Account("idp")
	if err != nil || stored.Bound == nil || *stored.Bound != *BindingOf(providerOf(t, svc, "idp")) || fresh.Bound == nil {
		t.Fatalf("after the refresh the record is bound to %+v (%v)", stored, err)
	}
}

// providerOf is svc's provider id.
func providerOf(t *testing.T, svc *Service, id string) *provider.Provider {
	t.Helper()
	p, err := svc.Provider(id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestTokenReadsTheClientSecretOnlyToRefresh: with the client secret in
// the keychain, Token on a valid token reads the account and nothing else;
// the secret is read when a refresh sends it.
func TestTokenReadsTheClientSecretOnlyToRefresh(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	br := authtest.NewBrowser()
	toml := strings.Replace(oauth2TOML(idp, authtest.PostClientID, "client_secret_post", ""),
		fmt.Sprintf("client_secret = %q", authtest.ClientSecret), "client_secret_in_keychain = true", 1)
	ps, probs := provider.Parse("test.toml", []byte(toml))
	if len(probs) > 0 {
		t.Fatalf("test config has problems: %v", probs)
	}
	secrets := &countingStore{Store: keychain.New(keychain.Memory(), "latchkey-test-secrets")}
	svc := New(Options{
		Config:       &provider.Config{Path: "test.toml", Providers: ps},
		Store:        keychain.New(keychain.Memory(), "latchkey-test"),
		Secrets:      secrets,
		Browser:      br,
		HTTPClient:   &http.Client{Timeout: 10 * time.Second},
		LoginTimeout: 30 * time.Second,
		LockDir:      t.TempDir(),
	})
	clock := &fakeClock{}
	svc.now = clock.now
	if err := svc.SaveClientSecret("idp", authtest.ClientSecret); err != nil {
		t.Fatalf("SaveClientSecret: %v", err)
	}
	first, err := svc.Login(context.Background(), "idp", LoginOptions{})
	if err != nil {
		t.Fatalf("Login: %v", err)
	}
	br.Next(t)
	before := secrets.loads.Load()
	if before == 0 {
		t.Fatal("the sign-in did not read the client secret from the keychain")
	}
	if a, err := svc.Token(context.Background(), "idp"); err != nil || a.Token.AccessToken != first.Token.AccessToken {
		t.Fatalf("Token on a valid token: %v", err)
	}
	if n := secrets.loads.Load() - before; n != 0 {
		t.Errorf("Token on a valid token read the client secret %d times, want 0", n)
	}
	clock.advance(2 * time.Hour) // expired, refresh token held: the refresh sends the secret
	a, err := svc.Token(context.Background(), "idp")
	if err != nil || a.Token.AccessToken == first.Token.AccessToken || idp.RefreshGrants() != 1 {
		t.Fatalf("Token after expiry: %v, %d refreshes", err, idp.RefreshGrants())
	}
	if n := secrets.loads.Load() - before; n != 1 {
		t.Errorf("the refresh read the client secret %d times, want 1", n)
	}
}
