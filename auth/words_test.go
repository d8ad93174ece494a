package auth

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"latchkey/auth/authtest/gowords"
	"latchkey/auth/demo/demoinfo"
	"latchkey/auth/keychain"
	"latchkey/auth/oauth1"
	"latchkey/auth/provider"
	"latchkey/loopback"
)

// commandWords are what a window must never say: a backquoted command, a
// latchkey command, an order to run something.
var commandWords = regexp.MustCompile("`|\\blatchkey [a-z]|\\b[Rr]un ")

// buttonWords are what the command line must never say.
var buttonWords = regexp.MustCompile(`(?i)\bpress\b|\bbutton\b|\bwindow\b`)

// remedyWords: every message says what to do.
var remedyWords = regexp.MustCompile(`(?i)\b(check|sign in|press|run|try again|start|add|change|close|unlock|install|use|report|remove|set|give|update|choose)\b`)

// TestDescribeFaces: for each error a person can reach, the window's words
// name no command and the command line's no button, and both say what to do.
func TestDescribeFaces(t *testing.T) {
	tests := []struct {
		name        string
		err         error
		cli, window string // must be in the words of each face
	}{
		{"not signed in", &SignInError{ID: "idp", Name: "Test IdP", Err: ErrNotSignedIn},
			"Test IdP: not signed in; run `latchkey login idp`", "Test IdP: not signed in; press Sign in"},
		{"expired", &SignInError{ID: "idp", Name: "Test IdP", Err: ErrExpired},
			"run `latchkey login idp`", "press Sign in again"},
		{"refused", fmt.Errorf("refreshing: %w", &SignInError{ID: "idp", Name: "Test IdP", Err: ErrRefused}),
			"refreshing: Test IdP: the provider no longer accepts the stored credentials; run `latchkey login idp`", "press Sign in again"},
		{"demo not running", &DemoNotRunningError{ID: "demo-oidc", Name: "Demo (on this computer)", Demo: "oidc"},
			"run `latchkey demo` in another terminal", "the demo provider is not running: press Start the demo"},
		{"demo already running", &demoinfo.AlreadyRunningError{Dir: "/tmp/d", Issuer: "http://127.0.0.1:5000"},
			"already running for this user at http://127.0.0.1:5000; use that one (sign in to it with `latchkey login demo-oidc`)", "sign in to it as usual"},
		{"demo restarted", &SignInError{ID: "demo-oidc", Name: "Demo", Err: ErrDemoRestarted},
			"the demo provider was started again since you signed in", "press Sign in again"},
		{"unknown provider", &UnknownProviderError{ID: "nope", Config: "p.toml"},
			"add a [[provider]] entry to it (see docs/CONFIG.md)", "add a [[provider]] entry to it (see docs/CONFIG.md)"},
		{"unknown provider, others known", &UnknownProviderError{ID: "nope", Config: "p.toml", Known: []string{"idp"}},
			"configured: idp; use one of those ids", "configured: idp; use one of those ids"},
		{"device unsupported", &DeviceUnsupportedError{ID: "dev", Name: "Device IdP", Protocol: provider.OAuth2, Config: "test.toml"},
			"`latchkey login dev`", "add device_authorization_url"},
		{"device unsupported, oauth1", &DeviceUnsupportedError{ID: "photos", Name: "Photos", Protocol: provider.OAuth1},
			"`latchkey login photos`", "press Sign in to sign in in the browser"},
		{"device only", &DeviceOnlyError{ID: "dev", Name: "Device IdP"},
			"Device IdP offers only device sign-in (sign-in with a code): it has no authorize_url; run `latchkey login dev --device`", "; press Sign in with a code"},
		{"damaged record", &RecordError{ID: "idp", Problem: "it holds no access token"},
			"run `latchkey logout idp` and `latchkey login idp` to replace it", "sign out of this account and sign in again to replace it"},
		{"record from a newer Latchkey", &RecordError{ID: "idp", Newer: true, Problem: "it was written by a newer Latchkey (record version 9)"},
			"update Latchkey to read it", "update Latchkey to read it"},
		{"provider refusal", &ProviderError{Provider: "Test IdP", Endpoint: "token", Code: "invalid_client"},
			"check client_id, client_secret and token_endpoint_auth in providers.toml", "check client_id"},
		{"response", newResponseError("Test IdP", "token", "https://idp.example/token?x=1", 502, "failed with a server error"),
			"Test IdP's token endpoint (https://idp.example/token) failed with a server error (HTTP 502); the provider is having trouble", "try again later"},
		{"unreachable", noAnswer("Test IdP", "discovery", "http://127.0.0.1:9/.well-known/openid-configuration", NetUnreachable),
			"cannot be reached; check the address in providers.toml and this computer's network connection", "cannot be reached"},
		{"timeout", noAnswer("Test IdP", "token", "https://idp.example/token", NetTimeout),
			"did not answer in time", "did not answer in time"},
		{"untrusted", noAnswer("Test IdP", "token", "https://idp.example/token", NetUntrusted),
			"its TLS certificate could not be verified", "could not be verified"},
		{"raw url error", &url.Error{Op: "Get", URL: "https://idp.example/x?code=secret", Err: errors.New("dial tcp: connection refused")},
			"the request to https://idp.example/x closed the connection without an answer", "try again"},
		{"revoke", &RevokeError{Provider: "Test IdP", Err: newResponseError("Test IdP", "revocation", "https://idp.example/revoke", 400, "refused the revocation")},
			"remove Latchkey's access in your account settings at Test IdP", "remove Latchkey's access"},
		{"keychain locked", fmt.Errorf("signed in to Test IdP, but could not store the account: %w", &keychain.Error{Kind: keychain.Locked, Op: "save", ID: "idp"}),
			"could not store the account: keychain: save account \"idp\": the keychain is locked: unlock it (e.g. log in to the desktop or run `gnome-keyring-daemon --unlock`) and try again",
			"the keychain is locked: unlock it"},
		{"keychain no bus", &keychain.Error{Kind: keychain.NoSessionBus, Op: "get", Err: &keychain.BusAddressError{Socket: "/tmp/xdg/bus"}},
			"export DBUS_SESSION_BUS_ADDRESS=unix:path=/tmp/xdg/bus", "Start Latchkey from a desktop session"},
		{"keychain corrupt", &keychain.Error{Kind: keychain.Corrupt, Op: "load", ID: "idp", Err: errors.New("chunk 2 of 3 is missing")},
			"`latchkey login idp`", "sign out of this account and sign in again"},
		{"keychain not found", &keychain.Error{Kind: keychain.NotFound, Op: "load", ID: "idp"},
			"sign in to this account first (`latchkey login idp`)", "sign in to this account first (press Sign in)"},
		{"port in use", &loopback.PortInUseError{Host: "127.0.0.1", Port: 8400},
			"port 8400 on 127.0.0.1 is in use by another program; close it or change redirect_uri in providers.toml", "close it or change redirect_uri"},
		{"redirect uri", &loopback.RedirectURIError{URI: "http://127.0.0.2/cb", Reason: "the host must be 127.0.0.1"},
			"; change redirect_uri in providers.toml", "change redirect_uri"},
		{"oauth1 refusal", &flowError{name: "Photos", err: &oauth1.EndpointError{Endpoint: oauth1.RequestTokenEndpoint, Status: 401, Problem: "signature_invalid", Reason: "refused the request"}},
			"Photos: the request-token endpoint answered HTTP 401: refused the request (oauth_problem=signature_invalid); check client_id, client_secret", "check client_id"},
		{"oauth1 denied", &flowError{name: "Photos", err: &oauth1.CallbackError{Problem: "denied"}},
			"Photos: the provider reported denied instead of a verifier; sign in again and allow access", "allow access"},
		{"oauth1 not confirmed", &flowError{name: "Photos", err: oauth1.ErrCallbackNotConfirmed},
			"which Latchkey requires; check request_token_url in providers.toml", "check request_token_url"},
		{"oauth1 token mismatch", &flowError{name: "Photos", err: oauth1.ErrTokenMismatch},
			"does not belong to this sign-in; start the sign-in again", "start the sign-in again"},
		{"oauth1 rsa", &flowError{name: "Photos", err: &oauth1.SignatureError{Method: oauth1.RSASHA1, Target: oauth1.RequestTokenEndpoint, Err: errors.New("key too small")}},
			"check rsa_key_file in providers.toml", "check rsa_key_file"},
		{"config not saved", &provider.EditError{Path: "/ro/providers.toml", Kind: provider.ErrSave, Message: "the folder /ro is on a read-only disk: choose a file elsewhere with --config or LATCHKEY_CONFIG; the file was not changed"},
			"choose a file elsewhere with --config or LATCHKEY_CONFIG", "keep providers.toml on a disk you can write to"},
		{"config not writable", &provider.EditError{Path: "/p/providers.toml", Kind: provider.ErrSave, Message: "Latchkey is not allowed to write in the folder /p: give your user write permission on the folder and the file, or choose another file with --config or LATCHKEY_CONFIG; the file was not changed"},
			"--config or LATCHKEY_CONFIG", "give your user write permission on the folder and the file, then save again"},
		{"oauth1 key file", fmt.Errorf("Photos: rsa_key_file: %w", &oauth1.KeyFileError{Path: "/k.pem", Problem: "does not exist"}),
			"does not exist; check rsa_key_file in providers.toml", "check rsa_key_file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cli, window := Describe(tt.err, CLI), Describe(tt.err, Window)
			if !strings.Contains(cli, tt.cli) {
				t.Errorf("CLI words %q lack %q", cli, tt.cli)
			}
			if !strings.Contains(window, tt.window) {
				t.Errorf("window words %q lack %q", window, tt.window)
			}
			if commandWords.MatchString(window) {
				t.Errorf("window words name a command: %q", window)
			}
			if strings.Contains(window, "--config") || strings.Contains(window, "LATCHKEY_CONFIG") {
				t.Errorf("window words name a command-line option: %q", window)
			}
			if buttonWords.MatchString(cli) {
				t.Errorf("CLI words name a button or the window: %q", cli)
			}
			for face, words := range map[string]string{"CLI": cli, "window": window} {
				if !remedyWords.MatchString(words) {
					t.Errorf("%s words do not say what to do: %q", face, words)
				}
				if strings.Contains(words, "secret?") || strings.Contains(words, "code=secret") {
					t.Errorf("%s words show a query: %q", face, words)
				}
			}
		})
	}
}

// TestDescribeKeychain: the remedies keychain errors used to carry, now
// Describe's, for every kind (the facts are asserted in auth/keychain).
func TestDescribeKeychain(t *testing.T) {
	tests := []struct {
		err  *keychain.Error
		want []string // in the CLI's words
	}{
		{&keychain.Error{Kind: keychain.NotFound, Op: "load", ID: "work"}, []string{`load account "work"`, "sign in"}},
		{&keychain.Error{Kind: keychain.NoSessionBus, Op: "get", Err: errors.New("DBUS_SESSION_BUS_ADDRESS is not set")}, []string{"no keychain", "session bus", "dbus-run-session"}},
		{&keychain.Error{Kind: keychain.NoSecretService, Op: "save", ID: "work"},
			[]string{"no keychain: no Secret Service is running on the session bus (org.freedesktop.secrets)", "Install and start gnome-keyring or KeePassXC with Secret Service enabled, then try again"}},
		{&keychain.Error{Kind: keychain.Locked, Op: "load", ID: "work"},
			[]string{"the keychain is locked", "unlock it (e.g. log in to the desktop or run `gnome-keyring-daemon --unlock`) and try again"}},
		{&keychain.Error{Kind: keychain.Timeout, Op: "load", ID: "work"}, []string{"it may be waiting for an unlock prompt; unlock it and try again"}},
		{&keychain.Error{Kind: keychain.TooBig, Op: "save", ID: "work"}, []string{"too big", "report it"}},
		{&keychain.Error{Kind: keychain.Corrupt, Op: "load", ID: "work", Err: errors.New("chunk 2 of 3 is missing")}, []string{"damaged", "chunk 2 of 3 is missing", "latchkey login work"}},
		{&keychain.Error{Kind: keychain.Corrupt, Op: "list"}, []string{"list of accounts is damaged", "sign in to your accounts again"}},
		{&keychain.Error{Kind: keychain.InvalidID, Op: "save", Err: errors.New("it is empty")}, []string{"account id", "it is empty", "another id"}},
		{&keychain.Error{Kind: keychain.Other, Op: "list", Err: errors.New("exit status 44")}, []string{"exit status 44", "try again"}},
	}
	for _, tt := range tests {
		t.Run(tt.err.Kind.String(), func(t *testing.T) {
			cli, window := Describe(tt.err, CLI), Describe(tt.err, Window)
			for _, w := range tt.want {
				if !strings.Contains(cli, w) {
					t.Errorf("CLI words %q lack %q", cli, w)
				}
			}
			if !strings.HasPrefix(cli, "keychain: ") || !strings.HasPrefix(window, "keychain: ") {
				t.Errorf("words %q / %q do not start with \"keychain: \"", cli, window)
			}
			if commandWords.MatchString(window) || buttonWords.MatchString(cli) {
				t.Errorf("a face names the other's means: CLI %q, window %q", cli, window)
			}
		})
	}
}

// TestDescribeLoopback: a real listener's refusals get the providers.toml
// remedy loopback no longer knows about.
func TestDescribeLoopback(t *testing.T) {
	busy, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	port := busy.Addr().(*net.TCPAddr).Port
	_, err = loopback.Start(loopback.Config{RedirectURI: "http://127.0.0.1:" + strconv.Itoa(port) + "/cb"})
	want := "port " + strconv.Itoa(port) + " on 127.0.0.1 is in use by another program; close it or change redirect_uri in providers.toml"
	if got := Describe(err, CLI); got != want {
		t.Errorf("port in use: %q, want %q", got, want)
	}
	_, err = loopback.Start(loopback.Config{RedirectURI: "http://user:hunter2@127.0.0.1/callback"})
	if got := Describe(err, Window); !strings.Contains(got, "user name or password") || !strings.HasSuffix(got, "; change redirect_uri in providers.toml") || strings.Contains(got, "hunter2") {
		t.Errorf("bad redirect URI: %q", got)
	}
}

// TestDescribeOAuth1: what to do about each oauth_problem, the advice
// auth/oauth1's TestProviderRefusals used to find in Error.
func TestDescribeOAuth1(t *testing.T) {
	for problem, advice := range map[string]string{
		"signature_invalid":    "client_secret",
		"consumer_key_unknown": "client_id",
		"timestamp_refused":    "clock",
		"nonce_used":           "try again",
		"token_expired":        "start the sign-in again",
	} {
		err := &flowError{name: "Photos", err: &oauth1.EndpointError{Endpoint: oauth1.RequestTokenEndpoint, Status: 401, Problem: problem, Reason: "refused the request"}}
		if got := Describe(err, CLI); !strings.Contains(got, "oauth_problem="+problem) || !strings.Contains(got, advice) {
			t.Errorf("%s: %q lacks %q", problem, got, advice)
		}
	}
	err := &oauth1.EndpointError{Endpoint: oauth1.AccessTokenEndpoint, Status: 404, Reason: "refused the request"}
	if got := Describe(err, Window); !strings.Contains(got, "check access_token_url in providers.toml") {
		t.Errorf("404 at the access-token endpoint: %q", got)
	}
}

// closedPort returns a 127.0.0.1 URL nobody listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

// silentServer answers no request: its handler signals arrival, then holds
// the request until the test ends.
func silentServer(t *testing.T) (string, <-chan struct{}) {
	t.Helper()
	arrived := make(chan struct{}, 8)
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(release); srv.Close() })
	return srv.URL, arrived
}

// waitArrived fails the test unless the silent server saw a request.
func waitArrived(t *testing.T, arrived <-chan struct{}) {
	t.Helper()
	select {
	case <-arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("the request never reached the server")
	}
}

// plainWords fails unless msg is the plain sentence want, naming the URL
// without its query, and shows no Go error text.
func plainWords(t *testing.T, msg, want, where string) {
	t.Helper()
	if !strings.Contains(msg, want) || !strings.Contains(msg, where) {
		t.Errorf("%q lacks %q at %s", msg, want, where)
	}
	if goWords := gowords.Find(msg); goWords != "" {
		t.Errorf("%q shows Go's words (%q)", msg, goWords)
	}
	if strings.Contains(msg, "secret-query") {
		t.Errorf("%q shows the query", msg)
	}
}

// TestNoAnswerInPlainWords: an endpoint that cannot be reached and one that
// never answers read as plain words through getDocument and postForm.
func TestNoAnswerInPlainWords(t *testing.T) {
	client := func() *Service {
		return New(Options{Config: &provider.Config{}, HTTPClient: &http.Client{Timeout: 200 * time.Millisecond}})
	}
	p := &provider.Provider{ID: "idp", Name: "Test IdP", ClientID: "app", TokenEndpointAuth: provider.AuthNone}

	t.Run("unreachable document", func(t *testing.T) {
		base := closedPort(t)
		_, err := getDocument(context.Background(), client().http, "Test IdP", "discovery", base+"/.well-known/openid-configuration?secret-query=1", nil, "is not a discovery document")
		var re *ResponseError
		if !errors.As(err, &re) || re.Net != NetUnreachable {
			t.Fatalf("got %v (%T), want an unreachable *ResponseError", err, err)
		}
		for _, f := range []Face{CLI, Window} {
			plainWords(t, Describe(err, f), "Test IdP's discovery endpoint ("+base+"/.well-known/openid-configuration) cannot be reached; check the address in providers.toml and this computer's network connection", base)
		}
	})
	t.Run("unreachable form", func(t *testing.T) {
		base := closedPort(t)
		_, _, err := client().postForm(context.Background(), p, "token", base+"/token?secret-query=1", url.Values{"grant_type": {"x"}})
		var re *ResponseError
		if !errors.As(err, &re) || re.Net != NetUnreachable {
			t.Fatalf("got %v (%T), want an unreachable *ResponseError", err, err)
		}
		plainWords(t, Describe(err, CLI), "Test IdP's token endpoint ("+base+"/token) cannot be reached", base)
	})
	t.Run("silent document", func(t *testing.T) {
		base, arrived := silentServer(t)
		_, err := getDocument(context.Background(), client().http, "Test IdP", "userinfo", base+"/me?secret-query=1", nil, "refused")
		waitArrived(t, arrived)
		var re *ResponseError
		if !errors.As(err, &re) || re.Net != NetTimeout {
			t.Fatalf("got %v (%T), want a timed-out *ResponseError", err, err)
		}
		plainWords(t, Describe(err, Window), "Test IdP's userinfo endpoint ("+base+"/me) did not answer in time; check this computer's network connection", base)
	})
	t.Run("silent form", func(t *testing.T) {
		base, arrived := silentServer(t)
		_, _, err := client().postForm(context.Background(), p, "device authorization", base+"/device", url.Values{})
		waitArrived(t, arrived)
		var re *ResponseError
		if !errors.As(err, &re) || re.Net != NetTimeout {
			t.Fatalf("got %v (%T), want a timed-out *ResponseError", err, err)
		}
		plainWords(t, Describe(err, CLI), "Test IdP's device authorization endpoint ("+base+"/device) did not answer in time", base)
	})
	t.Run("untrusted certificate", func(t *testing.T) {
		srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
		defer srv.Close()
		_, err := getDocument(context.Background(), client().http, "Test IdP", "discovery", srv.URL+"/x", nil, "refused")
		var re *ResponseError
		if !errors.As(err, &re) || re.Net != NetUntrusted {
			t.Fatalf("got %v (%T), want an untrusted *ResponseError", err, err)
		}
		plainWords(t, Describe(err, CLI), "its TLS certificate could not be verified", srv.URL)
	})
	t.Run("cancel says nothing", func(t *testing.T) {
		base, arrived := silentServer(t)
		ctx, cancel := context.WithCancel(context.Background())
		go func() { <-arrived; cancel() }()
		svc := New(Options{Config: &provider.Config{}, HTTPClient: &http.Client{Timeout: time.Minute}})
		_, _, err := svc.postForm(ctx, p, "token", base+"/token", url.Values{})
		if !errors.Is(err, context.Canceled) || Describe(err, CLI) != "" {
			t.Fatalf("got %v (said as %q), want a silent context.Canceled", err, Describe(err, CLI))
		}
	})
}
