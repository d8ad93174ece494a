package oidc

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

const testIssuer = "https://idp.example"

// fakeSource serves a discovery document and a JWKS from memory and counts
// the fetches per role.
type fakeSource struct {
	mu      sync.Mutex
	fetches map[string]int
	doc     map[string]any
	keys    jose.JSONWebKeySet
	fail    error // returned by the next discovery fetch, then cleared
}

func (f *fakeSource) source() Source {
	return Source{Provider: "Test IdP", Get: func(ctx context.Context, role, url, notOK string) (*Document, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.fetches == nil {
			f.fetches = map[string]int{}
		}
		f.fetches[role]++
		var body any = f.keys
		if role == "discovery" {
			if err := f.fail; err != nil {
				f.fail = nil
				return nil, err
			}
			body = f.doc
		}
		b, _ := json.Marshal(body)
		return &Document{Body: b, Fail: func(problem string) error { return errors.New(role + " " + problem) }}, nil
	}}
}

func (f *fakeSource) count(role string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.fetches[role]
}

// testKey signs ES256 id_tokens with kid "k1" and is listed in src's JWKS.
type testKey struct{ signer jose.Signer }

func newTestSetup(t *testing.T) (*fakeSource, *Issuer, testKey) {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: priv}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "k1"))
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeSource{
		doc: map[string]any{
			"issuer": testIssuer, "jwks_uri": testIssuer + "/jwks",
			"authorization_endpoint": testIssuer + "/authorize", "token_endpoint": testIssuer + "/token",
			"id_token_signing_alg_values_supported": []string{"RS256", "ES256"},
		},
		keys: jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: priv.Public(), KeyID: "k1", Algorithm: "ES256", Use: "sig"}}},
	}
	var c Cache
	iss, err := c.Discover(context.Background(), f.source(), testIssuer)
	if err != nil {
		t.Fatal(err)
	}
	return f, iss, testKey{signer}
}

func (k testKey) sign(t *testing.T, claims map[string]any) string {
	t.Helper()
	b, _ := json.Marshal(claims)
	obj, err := k.signer.Sign(b)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := obj.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

var testNow = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

func goodClaims() map[string]any {
	return map[string]any{
		"iss": testIssuer, "sub": "user-42", "aud": "client", "nonce": "n-1",
		"iat": testNow.Unix(), "exp": testNow.Add(time.Hour).Unix(),
		// Core §A.3's example access token and its at_hash (ES256 hashes with SHA-256, as RS256).
		"at_hash": "77QmUPtjPfzWtF2AnpK9RQ",
	}
}

func TestVerify(t *testing.T) {
	f, iss, key := newTestSetup(t)
	want := Expect{ClientID: "client", Nonce: "n-1", AccessToken: "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y", Now: testNow}
	claims, err := iss.Verify(context.Background(), f.source(), key.sign(t, goodClaims()), want)
	if err != nil || claims["sub"] != "user-42" {
		t.Fatalf("Verify = %v, %v", claims, err)
	}
	if n := f.count("jwks"); n != 1 {
		t.Errorf("the JWKS was fetched %d times, want 1", n)
	}
	for _, tc := range []struct {
		name  string
		edit  func(c map[string]any)
		want  func(w *Expect)
		check IDTokenCheck
		text  string
	}{
		{name: "nbf beyond the skew", edit: func(c map[string]any) { c["nbf"] = testNow.Add(Skew + time.Minute).Unix() },
			check: CheckExpiry, text: "it is not valid before 2026-12-01T10:03:00Z (this computer's clock says 2026-12-01T10:00:00Z)"},
		{name: "exp not a number", edit: func(c map[string]any) { c["exp"] = "tomorrow" }, check: CheckClaims, text: "its exp claim is not a time"},
		{name: "expired beyond the skew", edit: func(c map[string]any) { c["exp"] = testNow.Add(-Skew - time.Second).Unix() },
			check: CheckExpiry, text: "it expired at 2026-12-01T09:57:59Z"},
		{name: "at_hash of another token", want: func(w *Expect) { w.AccessToken = "another" }, check: CheckAccessTokenHash},
		{name: "sub not a string", edit: func(c map[string]any) { c["sub"] = 42 }, check: CheckMalformed, text: "its sub claim is empty"},
		{name: "another subject", want: func(w *Expect) { w.Subject = "user-43" }, check: CheckSubject},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, w := goodClaims(), want
			if tc.edit != nil {
				tc.edit(c)
			}
			if tc.want != nil {
				tc.want(&w)
			}
			_, err := iss.Verify(context.Background(), f.source(), key.sign(t, c), w)
			var ie *IDTokenError
			if !errors.As(err, &ie) || ie.Check != tc.check || !strings.Contains(ie.Detail, tc.text) {
				t.Fatalf("got %v, want check %q with %q", err, tc.check, tc.text)
			}
		})
	}
	// Within the skew, nbf and exp pass.
	c := goodClaims()
	c["nbf"], c["exp"] = testNow.Add(Skew).Unix(), testNow.Add(-Skew+time.Second).Unix()
	if _, err := iss.Verify(context.Background(), f.source(), key.sign(t, c), want); err != nil {
		t.Errorf("an id_token within the skew was refused: %v", err)
	}
}
