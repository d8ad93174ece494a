package auth

import (
	"context"
	"errors"
	"fmt"

	"latchkey/auth/provider"
	"latchkey/loopback"
)

// LoginOptions tune one sign-in. The zero value opens the browser and
// reports nothing.
type LoginOptions struct {
	// NoBrowser leaves the browser closed: the person opens the URL
	// reported through AuthURL themselves.
	NoBrowser bool
	// AuthURL, when set, is called once with the authorization URL before
	// the browser is asked to open it, so a face can show or copy it.
	AuthURL func(url string)
	// BrowserFailed, when set, is called (from another goroutine) when the
	// browser could not be opened. The sign-in goes on: the person can
	// still open the URL themselves.
	BrowserFailed func(err error)
	// Prompter asks for an OAuth 1.0a verifier when callback = "oob".
	Prompter Prompter
}

// Login signs the person in to provider id and stores the account in the
// keychain, replacing any previous one only once the new one is complete.
// It returns when the sign-in succeeds, fails, times out (LoginTimeout) or
// ctx is cancelled (context.Canceled); the loopback port is closed on
// every return path.
func (s *Service) Login(ctx context.Context, id string, opts LoginOptions) (*Account, error) {
	p, err := s.Provider(id)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, s.loginTimeout)
	defer cancel()
	var a *Account
	switch p.Protocol {
	case provider.OAuth2, provider.OIDC: // OpenID Connect: resolve adds its hooks
		a, err = s.loginOAuth2(ctx, p, opts)
	case provider.OAuth1:
		a, err = s.loginOAuth1(ctx, p, opts)
	default:
		err = fmt.Errorf("%s: sign-in with protocol %q is not supported by this version of Latchkey yet", p.DisplayName(), p.Protocol)
	}
	if err != nil {
		if errors.Is(err, loopback.ErrTimeout) || (errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil) {
			return nil, fmt.Errorf("%s: the sign-in was not finished within %v; start it again", p.DisplayName(), s.loginTimeout)
		}
		return nil, err
	}
	if err := s.write(ctx, p, a); err != nil {
		return nil, fmt.Errorf("signed in to %s, but could not store the account: %w", p.DisplayName(), err)
	}
	return a, nil
}

// openBrowser reports url and opens it without blocking the flow.
func (s *Service) openBrowser(url string, opts LoginOptions) {
	if opts.AuthURL != nil {
		opts.AuthURL(url)
	}
	if opts.NoBrowser || s.browser == nil {
		return
	}
	go func() {
		if err := s.browser.Open(url); err != nil && opts.BrowserFailed != nil {
			opts.BrowserFailed(err)
		}
	}()
}
