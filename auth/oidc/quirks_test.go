package oidc

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// quirkServer is an OpenID Provider on httptest that publishes, for the
// issuer at base+path, a discovery document naming docIssuer, and a JWKS.
type quirkServer struct {
	srv *httptest.Server
	key testKey
}

func newQuirkServer(t *testing.T, path string, docIssuer func(base string) string) *quirkServer {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: priv}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "k1"))
	if err != nil {
		t.Fatal(err)
	}
	q := &quirkServer{key: testKey{signer}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+path+"/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		base := q.srv.URL
		json.NewEncoder(w).Encode(map[string]any{
			"issuer": docIssuer(base), "jwks_uri": base + "/keys",
			"authorization_endpoint": base + "/authorize", "token_endpoint": base + "/token",
			"id_token_signing_alg_values_supported": []string{"ES256"},
		})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: priv.Public(), KeyID: "k1", Algorithm: "ES256", Use: "sig"}}})
	})
	q.srv = httptest.NewServer(mux)
	t.Cleanup(q.srv.Close)
	return q
}

// source fetches over HTTP from the test server.
func (q *quirkServer) source() Source {
	return Source{Provider: "Quirky IdP", Get: func(ctx context.Context, role, u, notOK string) (*Document, error) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		resp, err := q.srv.Client().Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, errors.New(role + " " + notOK)
		}
		b, _ := io.ReadAll(resp.Body)
		return &Document{Body: b, Fail: func(problem string) error { return errors.New(role + " " + problem) }}, nil
	}}
}

func quirkClaims(iss string) map[string]any {
	return map[string]any{"iss": iss, "sub": "s-1", "aud": "client", "iat": testNow.Unix(), "exp": testNow.Add(time.Hour).Unix()}
}

// TestGoogleIssuerAlias: for the issuer https://accounts.google.com an
// id_token may say iss "accounts.google.com"; no other issuer gets a
// scheme-less alias. (The discovery document must still be exact.)
func TestGoogleIssuerAlias(t *testing.T) {
	// The server stands in for Google: its discovery document says
	// https://accounts.google.com, so the test reaches it through Get.
	q := newQuirkServer(t, "", func(string) string { return googleIssuer })
	src := q.source()
	get := src.Get
	src.Get = func(ctx context.Context, role, u, notOK string) (*Document, error) {
		return get(ctx, role, strings.Replace(u, googleIssuer, q.srv.URL, 1), notOK)
	}
	var c Cache
	iss, err := c.Discover(context.Background(), src, googleIssuer)
	if err != nil {
		t.Fatal(err)
	}
	want := Expect{ClientID: "client", Now: testNow}
	for _, v := range []string{googleIssuer, googleIssuerAlias} {
		if _, err := iss.Verify(context.Background(), src, q.key.sign(t, quirkClaims(v)), want); err != nil {
			t.Errorf("iss %q refused: %v", v, err)
		}
	}
	for _, v := range []string{"accounts.google.com/", "http://accounts.google.com", "evil.example"} {
		_, err := iss.Verify(context.Background(), src, q.key.sign(t, quirkClaims(v)), want)
		if ie := (*IDTokenError)(nil); !errors.As(err, &ie) || ie.Check != CheckIssuer {
			t.Errorf("iss %q: got %v, want an iss refusal", v, err)
		}
	}

	// Another issuer gets no alias.
	other := newQuirkServer(t, "", func(base string) string { return base })
	iss2, err := c.Discover(context.Background(), other.source(), other.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	host := strings.TrimPrefix(other.srv.URL, "http://")
	if _, err := iss2.Verify(context.Background(), other.source(), other.key.sign(t, quirkClaims(host)), want); err == nil {
		t.Error("a scheme-less iss was accepted for an issuer that is not Google")
	}
}

// TestMicrosoftTenantIssuer: the common, organizations and consumers
// issuers publish .../{tenantid}/v2.0; each id_token's iss must be that
// template with its own tid. A single-tenant issuer gets no template.
func TestMicrosoftTenantIssuer(t *testing.T) {
	const tid = "9188040d-6c67-4c5b-b112-36a304b66dad"
	for _, tenant := range multiTenants {
		t.Run(tenant, func(t *testing.T) {
			q := newQuirkServer(t, "/"+tenant+"/v2.0", func(base string) string { return base + "/{tenantid}/v2.0" })
			configured := q.srv.URL + "/" + tenant + "/v2.0"
			var c Cache
			iss, err := c.Discover(context.Background(), q.source(), configured)
			if err != nil {
				t.Fatalf("Discover: %v", err)
			}
			want := Expect{ClientID: "client", Now: testNow}
			good := quirkClaims(q.srv.URL + "/" + tid + "/v2.0")
			good["tid"] = tid
			if _, err := iss.Verify(context.Background(), q.source(), q.key.sign(t, good), want); err != nil {
				t.Fatalf("a token of tenant %s refused: %v", tid, err)
			}
			for name, edit := range map[string]func(c map[string]any){
				"another tenant's iss": func(c map[string]any) { c["iss"] = q.srv.URL + "/00000000-0000-0000-0000-000000000000/v2.0" },
				"no tid":               func(c map[string]any) { delete(c, "tid") },
				"the template itself":  func(c map[string]any) { c["iss"] = q.srv.URL + "/{tenantid}/v2.0"; c["tid"] = "{tenantid}" },
				"a tid with a slash":   func(c map[string]any) { c["tid"] = "a/b"; c["iss"] = q.srv.URL + "/a/b/v2.0" },
				"another host":         func(c map[string]any) { c["iss"] = "https://login.evil.example/" + tid + "/v2.0" },
			} {
				c := quirkClaims(good["iss"].(string))
				c["tid"] = tid
				edit(c)
				_, err := iss.Verify(context.Background(), q.source(), q.key.sign(t, c), want)
				if ie := (*IDTokenError)(nil); !errors.As(err, &ie) || ie.Check != CheckIssuer {
					t.Errorf("%s: got %v, want an iss refusal", name, err)
				}
			}
			// RFC 9207: an iss parameter in the response may name a tenant.
			if err := iss.CheckResponse("Quirky IdP", url.Values{"iss": {q.srv.URL + "/" + tid + "/v2.0"}}); err != nil {
				t.Errorf("CheckResponse with a tenant's iss: %v", err)
			}
			if err := iss.CheckResponse("Quirky IdP", url.Values{"iss": {"https://evil.example/" + tid + "/v2.0"}}); err == nil {
				t.Error("CheckResponse accepted another host")
			}
		})
	}
	t.Run("single tenant", func(t *testing.T) {
		q := newQuirkServer(t, "/"+tid+"/v2.0", func(base string) string { return base + "/{tenantid}/v2.0" })
		var c Cache
		_, err := c.Discover(context.Background(), q.source(), q.srv.URL+"/"+tid+"/v2.0")
		var me *IssuerMismatchError
		if !errors.As(err, &me) {
			t.Fatalf("a tenant's issuer accepted a template discovery document: %v", err)
		}
	})
}

func TestTenantTemplate(t *testing.T) {
	for in, want := range map[string]string{
		"https://login.microsoftonline.com/common/v2.0":        "https://login.microsoftonline.com/{tenantid}/v2.0",
		"https://login.microsoftonline.com/organizations/v2.0": "https://login.microsoftonline.com/{tenantid}/v2.0",
		"https://login.microsoftonline.com/contoso/v2.0":       "",
		"https://login.microsoftonline.com/common":             "",
		"common/v2.0": "",
	} {
		if got := tenantTemplate(in); got != want {
			t.Errorf("tenantTemplate(%q) = %q, want %q", in, got, want)
		}
	}
}
