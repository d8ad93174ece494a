package auth

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"

	"latchkey/auth/oauth1"
	"latchkey/auth/provider"
	"latchkey/loopback"
)

// oauth1Config builds the auth/oauth1 configuration for p. It sends with
// the Service's guarded client, so OAuth 1.0a answers meet the same rules as
// every other provider request (https or loopback, MaxResponseBytes, no HTML
// pages).
func (s *Service) oauth1Config(p *provider.Provider) (*oauth1.Config, error) {
	c := &oauth1.Config{
		ConsumerKey:     p.ClientID,
		ConsumerSecret:  p.ClientSecret,
		RequestTokenURL: p.RequestTokenURL,
		AuthorizeURL:    p.AuthorizeURL,
		AccessTokenURL:  p.AccessTokenURL,
		SignatureMethod: p.SignatureMethod,
		TokenMethod:     p.TokenMethod,
		AuthorizeParams: p.AuthorizeParams,
		HTTPClient:      s.http,
	}
	if p.SignatureMethod == oauth1.RSASHA1 {
		key, err := oauth1.LoadRSAKey(p.RSAKeyFile)
		if err != nil {
			return nil, fmt.Errorf("%s: rsa_key_file: %w", p.DisplayName(), err)
		}
		c.RSAKey = key
	}
	return c, nil
}

// loginOAuth1 runs RFC 5849 §2: temporary credentials with the loopback
// URL (or "oob") as oauth_callback, the person's authorization in the
// browser, then token credentials, then a signed GET of the profile.
func (s *Service) loginOAuth1(ctx context.Context, p *provider.Provider, opts LoginOptions) (*Account, error) {
	c, err := s.oauth1Config(p)
	if err != nil {
		return nil, err
	}
	var verifier string
	if p.Callback == provider.CallbackOOB {
		if opts.Prompter == nil {
			return nil, fmt.Errorf("%s uses callback = \"oob\": the verification code must be pasted, but this face cannot ask for it", p.DisplayName())
		}
		rt, err := c.RequestToken(withEndpoint(ctx, p.DisplayName(), "request-token"), provider.CallbackOOB)
		if err != nil {
			return nil, oauth1Failure(ctx, p, "request-token", p.RequestTokenURL, err)
		}
		authURL, err := c.AuthorizationURL(rt)
		if err != nil {
			return nil, oauth1Failure(ctx, p, "authorization", p.AuthorizeURL, err)
		}
		s.openBrowser(authURL, opts)
		if verifier, err = opts.Prompter.Verifier(ctx, p, authURL); err != nil {
			return nil, err
		}
		return s.finishOAuth1(ctx, p, c, rt, verifier)
	}

	// The request token is known only after the listener's URL went to the
	// provider, so the callback check reads it through an atomic pointer.
	var pending atomic.Pointer[oauth1.RequestToken]
	srv, err := loopback.Start(loopback.Config{
		RedirectURI: p.RedirectURI,
		Timeout:     s.loginTimeout,
		Check: func(q url.Values) error {
			rt := pending.Load()
			if rt == nil {
				return errors.New("this sign-in had not started yet; start it again")
			}
			_, err := c.Verifier(rt, q)
			if errors.Is(err, oauth1.ErrTokenMismatch) || (err != nil && q.Has("oauth_token") && q.Get("oauth_token") != rt.Token) {
				// Not this sign-in's callback (a forged or stale request): the
				// sender gets an error page, the wait goes on (RFC 5849 §2.2).
				return fmt.Errorf("%w: %w", oauth1Failure(ctx, p, "authorization", p.AuthorizeURL, oauth1.ErrTokenMismatch), loopback.ErrForeign)
			}
			return oauth1Failure(ctx, p, "authorization", p.AuthorizeURL, err)
		},
	})
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	rt, err := c.RequestToken(withEndpoint(ctx, p.DisplayName(), "request-token"), srv.RedirectURI())
	if err != nil {
		return nil, oauth1Failure(ctx, p, "request-token", p.RequestTokenURL, err)
	}
	pending.Store(rt)
	authURL, err := c.AuthorizationURL(rt)
	if err != nil {
		return nil, oauth1Failure(ctx, p, "authorization", p.AuthorizeURL, err)
	}
	s.openBrowser(authURL, opts)
	q, err := srv.Wait(ctx)
	if err != nil {
		return nil, err
	}
	if verifier, err = c.Verifier(rt, q); err != nil {
		return nil, oauth1Failure(ctx, p, "authorization", p.AuthorizeURL, err)
	}
	return s.finishOAuth1(ctx, p, c, rt, verifier)
}

// finishOAuth1 exchanges the verifier and fetches the profile.
func (s *Service) finishOAuth1(ctx context.Context, p *provider.Provider, c *oauth1.Config, rt *oauth1.RequestToken, verifier string) (*Account, error) {
	obtained := s.now()
	at, err := c.AccessToken(withEndpoint(ctx, p.DisplayName(), "access-token"), rt, verifier)
	if err != nil {
		return nil, oauth1Failure(ctx, p, "access-token", p.AccessTokenURL, err)
	}
	a := &Account{
		ProviderID: p.ID,
		Protocol:   p.Protocol,
		Token:      TokenSet{AccessToken: at.Token, TokenSecret: at.Secret, TokenType: "OAuth"},
		ObtainedAt: obtained,
	}
	// Providers often name the person in the token answer (Twitter's
	// screen_name, Flickr's username): a profile even without userinfo_url.
	a.Profile = Profile{
		Subject:  firstOf(at.Extra, "user_id", "user_nsid", "xoauth_yahoo_guid"),
		Name:     firstOf(at.Extra, "fullname", "name"),
		Username: firstOf(at.Extra, "screen_name", "username"),
	}
	if p.UserinfoURL != "" {
		client, err := c.Client(ctx, at)
		if err != nil {
			return nil, oauth1Failure(ctx, p, "userinfo", p.UserinfoURL, err)
		}
		if a.Profile, err = s.fetchProfile(ctx, p, client, nil); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// oauth1Error is oauth1Failure for a call that sends no request (Client,
// Verifier, AuthorizationURL): it names the provider and nothing else.
func oauth1Error(p *provider.Provider, err error) error {
	return oauth1Failure(context.Background(), p, "provider", "", err)
}

// oauth1Failure turns an auth/oauth1 error from p's role endpoint at rawURL
// into one clear sentence naming the provider: ctx's own error when it is
// done, the guard's *ResponseError lifted out of its wrapping, a request
// that got no answer classified by requestError (never Go's words), and
// anything else prefixed with the provider's name instead of the package's
// (Describe adds what to do). errors.Is/As still see the original.
func oauth1Failure(ctx context.Context, p *provider.Provider, role, rawURL string, err error) error {
	var (
		re *ResponseError
		ue *url.Error
	)
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)):
		return ctx.Err()
	case errors.As(err, &re):
		return re
	case errors.Is(err, context.Canceled):
		return err
	case errors.As(err, &ue):
		return requestError(ctx, p.DisplayName(), role, rawURL, err)
	}
	return &flowError{name: p.DisplayName(), err: err}
}

// flowError names the provider a protocol-level failure came from.
type flowError struct {
	name string
	err  error
}

func (e *flowError) Error() string {
	return e.name + ": " + strings.TrimPrefix(e.err.Error(), "oauth1: ")
}

func (e *flowError) Unwrap() error { return e.err }

func firstOf(m map[string]string, keys ...string) string {
	for _, k := range keys {
		if v := m[k]; v != "" {
			return v
		}
	}
	return ""
}

// oauth1AccessToken is the stored account's token credentials.
func oauth1AccessToken(a *Account) *oauth1.AccessToken {
	return &oauth1.AccessToken{Token: a.Token.AccessToken, Secret: a.Token.TokenSecret}
}
