package auth

import (
	"context"
	"errors"
	"net/http"

	"golang.org/x/oauth2"

	"latchkey/auth/provider"
)

// ErrRefused is returned (wrapped in a *SignInError) when the provider no
// longer accepts the stored credentials: the refresh token was refused
// (invalid_grant), or an OAuth 1.0a token answered 401.
var ErrRefused = errors.New("the provider no longer accepts the stored credentials")

// Refresh renews provider id's token now, whatever its state: the Refresh
// button. OAuth 2.0 uses the refresh token (RFC 6749 §6); OAuth 1.0a tokens
// do not expire, so Refresh checks the token with a signed profile request
// instead, and marks the account needs_signin when it is refused (401).
// Refreshes of one account never overlap, in this process or another.
func (s *Service) Refresh(ctx context.Context, id string) (*Account, error) {
	p, err := s.Provider(id)
	if err != nil {
		return nil, err
	}
	if p.Protocol == provider.OAuth1 {
		return s.recheckOAuth1(ctx, p)
	}
	return s.refresh(ctx, p, nil)
}

// refresh renews p's token under the account's lock. With seen set (the
// account a caller found expiring), the record is read again under the lock
// and handed out as it is when another caller has refreshed it meanwhile,
// so one expiry costs one refresh request however many callers meet it.
// The new token set is saved before it is returned (commit: under the
// write lock, and only when the record is still the one refreshed, so a
// sign-out or a newer sign-in meanwhile wins); when the response carries
// no refresh token the old one is kept (RFC 6749 §6). When the keychain
// write fails the error is returned and the old record stays. Nothing is
// sent when the account is no longer bound to p (ErrProviderChanged), and
// a token whose expiry has already passed is saved (its refresh token may
// have rotated) but not handed out.
func (s *Service) refresh(ctx context.Context, p *provider.Provider, seen *Account) (*Account, error) {
	unlock, err := s.locks.lock(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	defer unlock()
	a, err := s.load(p)
	if err != nil {
		return nil, err
	}
	if !a.BoundTo(p) {
		return nil, &SignInError{ID: p.ID, Name: p.DisplayName(), Err: providerChanged(p)}
	}
	if seen != nil && (a.Token.AccessToken != seen.Token.AccessToken || StateOf(a, s.now()).Usable()) {
		return a, nil // refreshed by someone else while we waited
	}
	if a.NeedsSignIn {
		return nil, &SignInError{ID: p.ID, Name: p.DisplayName(), Err: ErrRefused}
	}
	if a.Token.RefreshToken == "" {
		return nil, &SignInError{ID: p.ID, Name: p.DisplayName(), Err: ErrExpired}
	}
	r, err := s.resolve(ctx, p) // once for both tries below
	if err != nil {
		return nil, err
	}
	fresh, err := s.redeem(ctx, r, a)
	var pe *ProviderError
	if errors.As(err, &pe) && pe.Code == "invalid_grant" {
		// Another process (without our lock: an older Latchkey) may have
		// rotated the refresh token: read the store once more.
		again, lerr := s.load(p)
		if lerr != nil {
			return nil, lerr
		}
		changed := again.Token.RefreshToken != a.Token.RefreshToken || again.Token.AccessToken != a.Token.AccessToken
		switch {
		case changed && StateOf(again, s.now()).Usable():
			return again, nil
		case again.Token.RefreshToken != a.Token.RefreshToken && again.Token.RefreshToken != "":
			fresh, err = s.redeem(ctx, r, again)
			a = again
		}
		if errors.As(err, &pe) && pe.Code == "invalid_grant" {
			return s.markRefused(ctx, p, a)
		}
	}
	if err != nil {
		return nil, err
	}
	stored, err := s.commit(ctx, p, a, fresh)
	if err != nil {
		return nil, err
	}
	if stored != fresh {
		return s.handOut(p, stored)
	}
	if e := fresh.Token.Expiry; !e.IsZero() && !e.After(s.now()) {
		return nil, newResponseError(p.DisplayName(), "token", r.tokenURL, 0, "issued a token that had already expired when it arrived; check this computer's clock")
	}
	return fresh, nil
}

// handOut returns a, the record another sign-in, sign-out or refresh wrote
// while this refresh waited on the provider, when it can be used as it is;
// otherwise the *SignInError that says why not.
func (s *Service) handOut(p *provider.Provider, a *Account) (*Account, error) {
	switch stateFor(p, a, s.now()) {
	case StateNeedsSignIn:
		if !a.BoundTo(p) {
			return nil, &SignInError{ID: p.ID, Name: p.DisplayName(), Err: providerChanged(p)}
		}
		return nil, &SignInError{ID: p.ID, Name: p.DisplayName(), Err: ErrRefused}
	case StateExpired:
		return nil, &SignInError{ID: p.ID, Name: p.DisplayName(), Err: ErrExpired}
	}
	return a, nil
}

// redeem spends a's refresh token at r's token endpoint (RFC 6749 §6) and
// returns the account with the new token set (not yet saved), completed by
// the refresh grant's hooks (OpenID Connect: a new id_token verified). What
// the response leaves out is kept from a: the refresh token, the id_token,
// the scopes (unchanged unless said), the profile.
func (s *Service) redeem(ctx context.Context, r *resolved, a *Account) (*Account, error) {
	obtained := s.now() // before the request, so expiry is never late
	ctx = context.WithValue(ctx, oauth2.HTTPClient, s.http)
	src := r.oauth2Config("").TokenSource(withEndpoint(ctx, r.cfg.DisplayName(), "token"), &oauth2.Token{RefreshToken: a.Token.RefreshToken})
	tok, err := src.Token()
	if err != nil {
		return nil, tokenError(ctx, r, err)
	}
	set, err := tokenSet(r, tok, obtained)
	if err != nil {
		return nil, err
	}
	fresh := *a
	fresh.Token, fresh.ObtainedAt, fresh.NeedsSignIn = set, obtained, false
	if h := r.ext.hooks(grantRefresh, a); h.complete != nil {
		if err := h.complete(ctx, tok, &fresh); err != nil {
			return nil, err
		}
	}
	if fresh.Token.RefreshToken == "" {
		fresh.Token.RefreshToken = a.Token.RefreshToken
	}
	if fresh.Token.IDToken == "" {
		fresh.Token.IDToken = a.Token.IDToken
	}
	if _, granted := tok.Extra("scope").(string); !granted {
		fresh.Token.Scopes = a.Token.Scopes // RFC 6749 §6: unchanged unless said
	}
	return &fresh, nil
}

// recheckOAuth1 asks the provider, with a signed profile request, whether
// an OAuth 1.0a token still works. A 401 marks the account needs_signin;
// a good answer refreshes the stored profile.
func (s *Service) recheckOAuth1(ctx context.Context, p *provider.Provider) (*Account, error) {
	unlock, err := s.locks.lock(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	defer unlock()
	a, err := s.load(p)
	if err != nil {
		return nil, err
	}
	if !a.BoundTo(p) {
		return nil, &SignInError{ID: p.ID, Name: p.DisplayName(), Err: providerChanged(p)}
	}
	if p.UserinfoURL == "" {
		return a, nil // nothing to ask: the token stays valid
	}
	c, err := s.oauth1Config(p)
	if err != nil {
		return nil, err
	}
	client, err := c.Client(ctx, oauth1AccessToken(a))
	if err != nil {
		return nil, oauth1Error(p, err)
	}
	prof, err := s.fetchProfile(ctx, p, client, nil)
	var re *ResponseError
	if errors.As(err, &re) && re.Status == http.StatusUnauthorized {
		return s.markRefused(ctx, p, a)
	}
	if err != nil {
		return nil, err
	}
	fresh := *a
	fresh.Profile, fresh.NeedsSignIn = prof, false
	return s.commit(ctx, p, a, &fresh)
}

// markRefused records that the provider refused a's credentials, so the
// account shows needs_signin and is not tried again, and returns the error
// that says to sign in again (or the keychain's, when the record could not
// be written). When the record changed meanwhile (commit: a new sign-in)
// it is left as it is and handed out when usable.
func (s *Service) markRefused(ctx context.Context, p *provider.Provider, a *Account) (*Account, error) {
	refused := *a
	refused.NeedsSignIn = true
	stored, err := s.commit(ctx, p, a, &refused)
	if err != nil {
		return nil, err
	}
	if stored != &refused {
		return s.handOut(p, stored)
	}
	return nil, &SignInError{ID: p.ID, Name: p.DisplayName(), Err: ErrRefused}
}
