package auth

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"latchkey/auth/authtest"
	"latchkey/auth/oauth1"
	"latchkey/auth/provider"
)

// oauth1Setup starts an OAuth 1.0a provider and a Service configured for
// it with the given signature method and callback kind.
func oauth1Setup(t *testing.T, method, callback string, opts authtest.OAuth1Options) (*Service, *authtest.OAuth1Provider, *authtest.Browser) {
	t.Helper()
	return oauth1SetupOn(t, memoryKeychain, method, callback, opts)
}

// oauth1SetupOn is oauth1Setup on the keyring of kind.
func oauth1SetupOn(t *testing.T, kind keyringKind, method, callback string, opts authtest.OAuth1Options) (*Service, *authtest.OAuth1Provider, *authtest.Browser) {
	t.Helper()
	extra := ""
	if method == "RSA-SHA1" {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		opts.RSAPublicKey = &key.PublicKey
		path := filepath.Join(t.TempDir(), "key.pem")
		pemBytes := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
		if err := os.WriteFile(path, pemBytes, 0o600); err != nil {
			t.Fatal(err)
		}
		extra = fmt.Sprintf("rsa_key_file = %q\n", path)
	}
	idp := authtest.NewOAuth1Provider(t, opts)
	br := authtest.NewBrowser()
	svc, _ := testServiceOn(t, kind, idp.ProviderTOML("idp", "Photos", callback,
		fmt.Sprintf("signature_method = %q", method), `authorize_params = { perms = "read" }`, extra), br)
	return svc, idp, br
}

// pagePrompter reads the oob verifier from the page the fake browser got,
// as a person would copy it.
func pagePrompter(t *testing.T, br *authtest.Browser) Prompter {
	return PrompterFunc(func(ctx context.Context, p *provider.Provider, authURL string) (string, error) {
		page := br.Next(t)
		v, ok := authtest.OAuth1VerifierFromPage(page.Body)
		if !ok {
			return "", fmt.Errorf("no verifier on the authorize page (%d)", page.Status)
		}
		return "  " + v + "\n", nil // pasted with stray white space
	})
}

func TestOAuth1LoginEndToEnd(t *testing.T) {
	for _, method := range []string{"HMAC-SHA1", "HMAC-SHA256", "RSA-SHA1", "PLAINTEXT"} {
		for _, callback := range []string{"loopback", "oob"} {
			t.Run(method+"/"+callback, func(t *testing.T) {
				kind := memoryKeychain
				if method == "HMAC-SHA1" && callback == "loopback" {
					kind = realKeychain // one sign-in per protocol through the real keychain
				}
				svc, idp, br := oauth1SetupOn(t, kind, method, callback, authtest.OAuth1Options{})
				opts := LoginOptions{}
				if callback == "oob" {
					opts.Prompter = pagePrompter(t, br)
				}
				a, err := svc.Login(context.Background(), "idp", opts)
				if err != nil {
					t.Fatalf("Login: %v", err)
				}
				if callback == "loopback" {
					if page := br.Next(t); page.Status != http.StatusOK || !strings.Contains(page.Body, "Signed in") {
						t.Errorf("browser ended on %d %q", page.Status, page.Body)
					}
				}
				if a.Token.AccessToken == "" || a.Token.TokenSecret == "" || a.Token.TokenType != "OAuth" || !a.Token.Expiry.IsZero() {
					t.Errorf("token set = %v", a.Token)
				}
				if a.Profile.Name != "Ada Lovelace" || a.Profile.Username != "ada" || a.Profile.Subject != "42" {
					t.Errorf("profile = %+v", a.Profile)
				}
				// Every request was accepted by the provider's own signature
				// check, with the configured method; token requests by POST.
				reqs := idp.Requests()
				if len(reqs) < 4 {
					t.Fatalf("provider saw %d requests", len(reqs))
				}
				for _, r := range reqs {
					if r.Status >= 400 {
						t.Errorf("%s refused: %d %s", r.Endpoint, r.Status, r.Problem)
					}
					if r.Endpoint != authtest.OAuth1Authorize && r.OAuth.Get("oauth_signature_method") != method {
						t.Errorf("%s signed with %q", r.Endpoint, r.OAuth.Get("oauth_signature_method"))
					}
					if (r.Endpoint == authtest.OAuth1RequestToken || r.Endpoint == authtest.OAuth1AccessToken) && r.Method != http.MethodPost {
						t.Errorf("%s used %s, want POST", r.Endpoint, r.Method)
					}
					if r.Endpoint == authtest.OAuth1Authorize && r.Query.Get("perms") != "read" {
						t.Errorf("authorize_params missing: %v", r.Query)
					}
				}
				wantCallback := callback == "oob"
				if got := reqs[0].OAuth.Get("oauth_callback") == "oob"; got != wantCallback {
					t.Errorf("oauth_callback = %q", reqs[0].OAuth.Get("oauth_callback"))
				}
				got, err := svc.Token(context.Background(), "idp")
				if err != nil || got.Token.TokenSecret != a.Token.TokenSecret {
					t.Fatalf("Token after login: %v", err)
				}
			})
		}
	}
}

// TestOAuth1ForgedCallback: a callback whose oauth_token is not this
// sign-in's request token gets the failure page, leads to no access-token
// request, and does not end the sign-in: the real callback afterwards
// signs the person in.
func TestOAuth1ForgedCallback(t *testing.T) {
	svc, idp, br := oauth1Setup(t, "HMAC-SHA1", "loopback", authtest.OAuth1Options{})
	idp.SetFault(authtest.OAuth1Authorize, authtest.OAuth1FaultWrongToken)
	opts, urls := urlHook(LoginOptions{})
	res := loginAsync(context.Background(), svc, "idp", opts)
	authURL := nextURL(t, urls)
	if page := br.Next(t); page.Status != http.StatusBadRequest {
		t.Errorf("the mismatched callback shows %d, want the failure page", page.Status)
	}
	for _, r := range idp.Requests() {
		if r.Endpoint == authtest.OAuth1AccessToken {
			t.Fatal("no access-token request may follow a rejected callback")
		}
	}
	select {
	case r := <-res:
		t.Fatalf("a mismatched oauth_token ended the sign-in: %v", r.err)
	default:
	}
	idp.SetFault(authtest.OAuth1Authorize, authtest.OAuth1NoFault)
	if p := authtest.Fetch(authURL.String()); p.Status != http.StatusOK {
		t.Fatalf("the real callback shows %d: %s", p.Status, p.Body)
	}
	if r := wait(t, res); r.err != nil || r.a.Token.TokenSecret == "" {
		t.Fatalf("Login after a forged callback = %v", r.err)
	}
	t.Logf("reliability|loopback listener|OAuth 1.0a callback with another oauth_token before the real one|1|failure page to the sender; the sign-in went on and the real answer signed in|nothing")
}

func TestOAuth1Refusals(t *testing.T) {
	for _, tc := range []struct {
		name  string
		opts  authtest.OAuth1Options
		fault authtest.OAuth1Fault
		at    authtest.OAuth1Endpoint
		check func(error) bool
		want  string
	}{
		{"callback not confirmed", authtest.OAuth1Options{OmitCallbackConfirmed: true}, 0, "",
			func(err error) bool { return errors.Is(err, oauth1.ErrCallbackNotConfirmed) }, "oauth_callback_confirmed"},
		{"denied", authtest.OAuth1Options{}, authtest.OAuth1FaultDeny, authtest.OAuth1Authorize,
			func(err error) bool { return errors.Is(err, oauth1.ErrAccessDenied) }, ""},
		{"html request token", authtest.OAuth1Options{}, authtest.OAuth1FaultHTML, authtest.OAuth1RequestToken,
			func(err error) bool { var re *ResponseError; return errors.As(err, &re) }, "HTML page"},
		{"500 access token", authtest.OAuth1Options{}, authtest.OAuth1FaultServerError, authtest.OAuth1AccessToken,
			func(err error) bool { var re *ResponseError; return errors.As(err, &re) && re.Status == 500 }, "server error"},
		{"oversized access token", authtest.OAuth1Options{}, authtest.OAuth1FaultOversized, authtest.OAuth1AccessToken,
			func(err error) bool { var re *ResponseError; return errors.As(err, &re) }, "more than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svc, idp, br := oauth1Setup(t, "HMAC-SHA1", "loopback", tc.opts)
			if tc.at != "" {
				idp.SetFault(tc.at, tc.fault)
			}
			_, err := svc.Login(context.Background(), "idp", LoginOptions{})
			if err == nil || !tc.check(err) || !strings.Contains(Describe(err, CLI), tc.want) {
				t.Fatalf("got %v (%T), want a specific error mentioning %q", err, err, tc.want)
			}
			t.Logf("the person reads: %s", Describe(err, CLI))
			if tc.at == authtest.OAuth1Authorize {
				if page := br.Next(t); page.Status != http.StatusBadRequest {
					t.Errorf("browser shows %d, want the failure page", page.Status)
				}
				for _, r := range idp.Requests() {
					if r.Endpoint == authtest.OAuth1AccessToken {
						t.Error("no access-token request may follow a rejected callback")
					}
				}
			}
			if _, err := svc.Account("idp"); !errors.Is(err, ErrNotSignedIn) {
				t.Errorf("a failed sign-in stored something: %v", err)
			}
		})
	}
}

func TestOAuth1OOBNeedsPrompter(t *testing.T) {
	svc, _, _ := oauth1Setup(t, "HMAC-SHA1", "oob", authtest.OAuth1Options{})
	_, err := svc.Login(context.Background(), "idp", LoginOptions{})
	if err == nil || !strings.Contains(err.Error(), "must be pasted") {
		t.Fatalf("got %v", err)
	}
}

func TestOAuth1OOBCancelledPrompt(t *testing.T) {
	svc, _, _ := oauth1Setup(t, "HMAC-SHA1", "oob", authtest.OAuth1Options{})
	_, err := svc.Login(context.Background(), "idp", LoginOptions{Prompter: PrompterFunc(func(context.Context, *provider.Provider, string) (string, error) {
		return "", context.Canceled
	})})
	if !errors.Is(err, context.Canceled) || Describe(err, CLI) != "" {
		t.Fatalf("got %v, want a silent cancel", err)
	}
}
