package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"latchkey/auth/provider"
)

// RevokeError says the account was deleted from the keychain but the
// provider did not confirm the revocation: the token may stay valid there
// until it expires. Logout returns it as a warning, after the deletion.
type RevokeError struct {
	Provider string
	Err      error
}

func (e *RevokeError) Error() string {
	return fmt.Sprintf("signed out of %s on this computer, but %s did not revoke the token (%v); it stays valid there until it expires", e.Provider, e.Provider, e.Err)
}

func (e *RevokeError) Unwrap() error { return e.Err }

// revoke asks p's revocation endpoint (RFC 7009) to revoke both of a's
// tokens (§2: access and refresh tokens alike), the access token first and
// then the refresh token (whose revocation may take the access token with
// it, §2.1, but need not), with the same client authentication as the
// token endpoint; a public client sends client_id in the body (§2.1). Both
// are tried; the first failure is returned. It returns nil when the
// provider has no revocation endpoint, and ErrProviderChanged (nothing
// sent) when a is no longer bound to p.
func (s *Service) revoke(ctx context.Context, p *provider.Provider, a *Account) error {
	if p.Protocol == provider.OAuth1 {
		return nil // OAuth 1.0a has no standard revocation
	}
	r, err := s.resolve(ctx, p)
	if err != nil {
		return err
	}
	if r.revokeURL == "" {
		return nil
	}
	if !a.BoundTo(p) {
		return ErrProviderChanged
	}
	var first error
	for _, t := range []struct{ token, hint string }{
		{a.Token.AccessToken, "access_token"},
		{a.Token.RefreshToken, "refresh_token"},
	} {
		if t.token == "" {
			continue
		}
		// The same client authentication as the token endpoint (§2.1).
		resp, _, err := s.postForm(ctx, p, "revocation", r.revokeURL, url.Values{"token": {t.token}, "token_type_hint": {t.hint}})
		if err == nil && resp.StatusCode != http.StatusOK {
			err = newResponseError(p.DisplayName(), "revocation", r.revokeURL, resp.StatusCode, "refused the revocation")
		}
		if err != nil && first == nil {
			first = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	return first
}

// Logout signs out of provider id: it asks the provider to revoke the
// token (RFC 7009, where the provider has a revocation endpoint), then
// deletes the account from the keychain whatever the provider answered. It
// reports whether an account was stored. When only the revocation failed,
// the deletion has happened and the error is a *RevokeError. It holds the
// account's write lock throughout (accountLocks.write), so a refresh in
// flight cannot save the account again afterwards, nor a sign-in finishing
// meanwhile be deleted unrevoked. An account no longer bound to p
// (ErrProviderChanged) is deleted without sending its tokens anywhere.
func (s *Service) Logout(ctx context.Context, id string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	p, err := s.Provider(id)
	var unknown *UnknownProviderError
	if errors.As(err, &unknown) {
		return s.forgetOrphan(ctx, id, err)
	}
	var noSecret *ClientSecretError
	if errors.As(err, &noSecret) {
		// Signing out must work without the client secret: the account is
		// deleted all the same; a revocation that needs it fails, said as a
		// *RevokeError.
		p, _ = s.Config().Find(id)
		err = nil
	}
	if err != nil {
		return false, err
	}
	unlock, err := s.locks.write(ctx, p.ID)
	if err != nil {
		return false, err
	}
	defer unlock()
	a, err := s.load(p)
	var sie *SignInError
	if errors.As(err, &sie) {
		// Nothing readable is stored; still clear any leftovers.
		return false, s.store.Delete(p.ID)
	}
	if err != nil {
		// A damaged record: nothing to revoke with, delete it. (A locked
		// keychain fails the deletion too, and that error is returned.)
		if derr := s.store.Delete(p.ID); derr != nil {
			return false, derr
		}
		return true, nil
	}
	revokeErr := s.revoke(ctx, p, a)
	if err := s.store.Delete(p.ID); err != nil {
		return true, err
	}
	if revokeErr != nil {
		return true, &RevokeError{Provider: p.DisplayName(), Err: revokeErr}
	}
	return true, nil
}

// forgetOrphan deletes the account of an id whose provider has left the
// config (Orphans), or returns unknown when there is none. Nothing can be
// revoked without the provider's settings: the *RevokeError says so.
func (s *Service) forgetOrphan(ctx context.Context, id string, unknown error) (bool, error) {
	orphans, err := s.Orphans()
	if err != nil {
		return false, err
	}
	if !slices.Contains(orphans, id) {
		return false, unknown
	}
	unlock, err := s.locks.write(ctx, id)
	if err != nil {
		return false, err
	}
	defer unlock()
	if err := s.store.Delete(id); err != nil {
		return false, err
	}
	return true, &RevokeError{Provider: id, Err: ErrNotConfigured}
}

// ErrNotConfigured is a RevokeError's reason when the account's provider
// has left the config: Latchkey no longer knows where to revoke.
var ErrNotConfigured = errors.New("its provider is no longer in the config, so Latchkey cannot ask it")
