package oidc

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	jose "github.com/go-jose/go-jose/v4"
)

// keySet is an issuer's JSON Web Key Set (RFC 7517), fetched through the
// caller's Source on first use and fetched again when a token names a kid
// it does not hold (OpenID Connect Core §10.1.1), as go-oidc's
// RemoteKeySet does; unlike it, a failure says whether the key was unknown
// or the signature wrong, and a known kid whose signature fails costs no
// fetch. Only public asymmetric signing keys are kept. It is safe for
// concurrent use; one fetch runs at a time.
type keySet struct {
	url  string
	turn chan struct{} // capacity 1: held while fetching

	mu   sync.RWMutex
	keys []jose.JSONWebKey
	gen  uint64 // successful fetches so far
}

// verify checks raw's signature, by one of algs, and returns its payload;
// or an *IDTokenError (CheckKey, CheckSignature, CheckMalformed) naming
// src's provider, or the fetch's error.
func (k *keySet) verify(ctx context.Context, src Source, raw string, algs []string) ([]byte, error) {
	refuse := func(check IDTokenCheck, format string, args ...any) error {
		return &IDTokenError{Provider: src.Provider, Check: check, Detail: fmt.Sprintf(format, args...)}
	}
	joseAlgs := make([]jose.SignatureAlgorithm, len(algs))
	for i, a := range algs {
		joseAlgs[i] = jose.SignatureAlgorithm(a)
	}
	jws, err := jose.ParseSignedCompact(raw, joseAlgs)
	if err != nil || len(jws.Signatures) != 1 {
		return nil, refuse(CheckMalformed, "it is not a JWS with one signature by an accepted algorithm")
	}
	kid := jws.Signatures[0].Header.KeyID
	k.mu.RLock()
	keys, gen := k.keys, k.gen
	k.mu.RUnlock()
	payload, known := verifyWith(jws, keys, kid)
	if payload != nil {
		return payload, nil
	}
	if known && kid != "" {
		return nil, refuse(CheckSignature, "its signature does not verify with the provider's key %q", line(kid))
	}
	if keys, err = k.refetch(ctx, src, gen); err != nil {
		return nil, err
	}
	if payload, known = verifyWith(jws, keys, kid); payload != nil {
		return payload, nil
	}
	if !known {
		return nil, refuse(CheckKey, "it is signed with key %q, which the provider's key set (%s) does not list, even fetched again", line(kid), k.url)
	}
	return nil, refuse(CheckSignature, "its signature does not verify with the provider's key %q", line(kid))
}

// verifyWith tries the keys with kid (every key when kid is empty); known
// reports whether any key was a candidate.
func verifyWith(jws *jose.JSONWebSignature, keys []jose.JSONWebKey, kid string) (payload []byte, known bool) {
	for i := range keys {
		if kid != "" && keys[i].KeyID != kid {
			continue
		}
		known = true
		if p, err := jws.Verify(&keys[i]); err == nil {
			return p, true
		}
	}
	return nil, known
}

// refetch fetches the key set unless another caller did since seen.
func (k *keySet) refetch(ctx context.Context, src Source, seen uint64) ([]jose.JSONWebKey, error) {
	select {
	case k.turn <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-k.turn }()
	k.mu.RLock()
	keys, gen := k.keys, k.gen
	k.mu.RUnlock()
	if gen != seen {
		return keys, nil
	}
	keys, err := k.fetch(ctx, src)
	if err != nil {
		return nil, err
	}
	k.mu.Lock()
	k.keys, k.gen = keys, k.gen+1
	k.mu.Unlock()
	return keys, nil
}

// fetch GETs the key set and keeps its valid public signing keys; unknown
// key types are skipped (RFC 7517 §5).
func (k *keySet) fetch(ctx context.Context, src Source) ([]jose.JSONWebKey, error) {
	d, err := src.Get(ctx, "jwks", k.url, "did not serve the provider's keys")
	if err != nil {
		return nil, err
	}
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(d.Body, &set); err != nil {
		return nil, d.Fail("answered with something that is not a JSON Web Key Set")
	}
	var keys []jose.JSONWebKey
	for _, rk := range set.Keys {
		var jwk jose.JSONWebKey
		if json.Unmarshal(rk, &jwk) != nil {
			continue
		}
		if !jwk.Valid() || !jwk.IsPublic() || (jwk.Use != "" && jwk.Use != "sig") {
			continue
		}
		keys = append(keys, jwk)
	}
	return keys, nil
}
