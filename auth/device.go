package auth

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"latchkey/auth/provider"
)

// Device sign-in is RFC 8628 (the device authorization grant). It is our
// own code rather than x/oauth2's Config.DeviceAuth/DeviceAccessToken,
// which (v0.37.0, deviceauth.go) fall short here:
//   - DeviceAuth builds its request without the context (a cancel does not
//     abort it) and sends only client_id, so a confidential client is not
//     authenticated as RFC 8628 §3.1 requires (RFC 6749 §2.3.1); it does not
//     check that device_code, user_code and verification_uri are present.
//   - DeviceAccessToken paces polls with a real time.Ticker, so the interval
//     and slow_down cannot be tested without multi-second waits, and the
//     ticker counts from one request's start to the next, so a slow answer
//     eats into the pause. Expiry ends it as a bare
//     context.DeadlineExceeded, indistinguishable from the caller's own.
//     Like it, we end on a transport error or 5xx rather than backing off
//     (RFC 8628 §3.5 asks for a slower retry only if the client retries).
//
// What it does get right, and what we keep: the 5 s default interval, +5 s
// per slow_down for all later requests, stopping on access_denied,
// expired_token and expiry, and stopping on cancel. Client authentication
// mirrors x/oauth2's token requests, chosen by oauth2Config, so both
// endpoints see what the authorization code grant's token endpoint sees.

// deviceGrantType is the grant_type of the device access token request
// (RFC 8628 §3.4).
const deviceGrantType = "urn:ietf:params:oauth:grant-type:device_code"

// DefaultDeviceInterval is the pause between polls when the provider names
// none (RFC 8628 §3.2: "If no value is provided, clients MUST use 5 as the
// default").
const DefaultDeviceInterval = 5 * time.Second

// SlowDownStep is added to the interval, for that and every later poll, at
// each slow_down answer (RFC 8628 §3.5).
const SlowDownStep = 5 * time.Second

// DeviceCode is what the person needs to finish a device sign-in on any
// device with a browser (RFC 8628 §3.2, §3.3): the user code to type at the
// verification URI. None of it is a secret (the device code, which is,
// stays inside LoginDevice).
type DeviceCode struct {
	Provider string // the provider's display name
	// UserCode is the code the person types; show it large. Control
	// characters are replaced by spaces.
	UserCode string
	// VerificationURI is the page where the code is typed (https, or http
	// on a loopback host).
	VerificationURI string
	// VerificationURIComplete is the page with the code already filled in
	// (RFC 8628 §3.3.1), or "" when the provider offers none or offers one
	// on another origin than VerificationURI (§5.4: it is dropped then). The
	// browser is opened on it when set, else on VerificationURI.
	VerificationURIComplete string
	// Expiry is when the code stops working: expires_in counted from a
	// time taken before the request, so it is never late.
	Expiry time.Time
	// Interval is the pause between polls the provider asked for
	// (DefaultDeviceInterval when it named none).
	Interval time.Duration
}

// BrowserURI is the page to open or copy: VerificationURIComplete when the
// provider offers it, else VerificationURI.
func (c DeviceCode) BrowserURI() string {
	if c.VerificationURIComplete != "" {
		return c.VerificationURIComplete
	}
	return c.VerificationURI
}

// DeviceOptions tune one device sign-in. Code is required.
type DeviceOptions struct {
	// Code is called once, on LoginDevice's goroutine, with the code to
	// show, before the browser is asked to open the page and before the
	// first poll. It should return quickly (a window hands the code to its
	// UI goroutine); polling starts when it returns.
	Code func(DeviceCode)
	// NoBrowser leaves the browser closed: the person opens the page
	// themselves, on this device or another.
	NoBrowser bool
	// BrowserFailed, when set, is called (from another goroutine) when the
	// browser could not be opened. The sign-in goes on.
	BrowserFailed func(err error)

	// wait pauses for d or until ctx is done, returning ctx.Err() then.
	// nil: sleepCtx on the real clock. Tests set it to record the pauses
	// without waiting them out.
	wait func(ctx context.Context, d time.Duration) error
}

// ErrDeviceDenied is wrapped by a *DeviceError when the person declined the
// sign-in on the provider's page (RFC 8628 §3.5 access_denied).
var ErrDeviceDenied = errors.New("you declined the sign-in on the provider's page")

// ErrDeviceExpired is wrapped by a *DeviceError when the code expired before
// the person finished: the provider answered expired_token (RFC 8628 §3.5),
// or its expires_in passed without an answer.
var ErrDeviceExpired = errors.New("the code expired before you finished")

// DeviceError ends a device sign-in that only a new one can follow: the
// person declined, or the code expired. Match it with errors.Is against
// ErrDeviceDenied or ErrDeviceExpired; errors.As finds the provider's
// *ProviderError when it gave one.
type DeviceError struct {
	ID, Name string
	Err      error          // ErrDeviceDenied or ErrDeviceExpired
	Provider *ProviderError // the provider's answer; nil when Latchkey saw the code expire itself
}

func (e *DeviceError) Error() string {
	s := e.Name + ": " + e.Err.Error()
	if e.Provider != nil && e.Provider.Description != "" {
		s += " (" + e.Name + " says: " + sanitize(e.Provider.Description) + ")"
	}
	if errors.Is(e.Err, ErrDeviceDenied) {
		return s + "; nothing was stored; start the sign-in again if you meant to allow it"
	}
	return s + "; start again"
}

// Unwrap returns the reason and, when there is one, the provider's answer.
func (e *DeviceError) Unwrap() []error {
	if e.Provider == nil {
		return []error{e.Err}
	}
	return []error{e.Err, e.Provider}
}

// DeviceUnsupportedError says that provider ID cannot be signed in to with a
// code: it has no device authorization endpoint (device_authorization_url
// in providers.toml, or device_authorization_endpoint in its OpenID Connect
// discovery document), or it speaks OAuth 1.0a, which has no device flow.
type DeviceUnsupportedError struct {
	ID, Name string
	Protocol provider.Protocol
	Config   string // the config file path
}

func (e *DeviceUnsupportedError) Error() string {
	if e.Protocol == provider.OAuth1 {
		return fmt.Sprintf("%s uses OAuth 1.0a, which has no device sign-in (sign-in with a code); sign in in the browser instead (`latchkey login %s`)", e.Name, e.ID)
	}
	where := "its [[provider]] entry in " + e.Config + " has no device_authorization_url"
	if e.Protocol == provider.OIDC {
		where += " and its discovery document advertises no device_authorization_endpoint"
	}
	return fmt.Sprintf("%s does not offer device sign-in (sign-in with a code): %s. If the provider has an RFC 8628 device authorization endpoint, add device_authorization_url = \"https://…\" to that entry; otherwise sign in in the browser (`latchkey login %s`)", e.Name, where, e.ID)
}

// LoginDevice signs the person in to provider id with a code they enter on
// any device (RFC 8628, the device authorization grant), and stores the
// account in the keychain like Login: a declined, expired, failed or
// cancelled device sign-in leaves a stored account untouched.
//
// It asks the provider's device authorization endpoint for a code (§3.1,
// §3.2; same client authentication as its token endpoint), hands it to
// opts.Code to show (§3.3), opens the verification page unless
// opts.NoBrowser (a browser failure is reported through opts.BrowserFailed
// and is not fatal), then polls the token endpoint (§3.4, §3.5): the first
// request right after the code is shown, and before each further one a
// pause of the provider's interval (default 5 s), 5 s longer for that and
// every later poll after each slow_down, never running past the code's
// expiry. It stops on success, on access_denied or expired_token, when the
// code expires, and when ctx is done. The code's expires_in bounds it, not
// LoginTimeout (which is the bound only when the provider gives none).
//
// Errors: *DeviceUnsupportedError when the provider has no device
// endpoint; *DeviceError (errors.Is ErrDeviceDenied or ErrDeviceExpired)
// when the person declined or the code expired; *ProviderError for other
// refusals; *ResponseError for answers that are not OAuth; ctx.Err() when
// ctx is done. Safe for concurrent use; call it off the UI goroutine.
func (s *Service) LoginDevice(ctx context.Context, id string, opts DeviceOptions) (*Account, error) {
	if opts.Code == nil {
		return nil, errors.New("auth: LoginDevice needs DeviceOptions.Code: without it the person never sees the code")
	}
	if opts.wait == nil {
		opts.wait = sleepCtx
	}
	p, err := s.Provider(id)
	if err != nil {
		return nil, err
	}
	unsupported := &DeviceUnsupportedError{ID: p.ID, Name: p.DisplayName(), Protocol: p.Protocol, Config: s.Config().Path}
	if p.Protocol == provider.OAuth1 {
		return nil, unsupported
	}
	r, err := s.resolve(ctx, p)
	if err != nil {
		return nil, err
	}
	if r.deviceURL == "" {
		return nil, unsupported
	}
	a, err := s.loginDevice(ctx, r, opts)
	if err != nil {
		return nil, err
	}
	if err := s.write(ctx, p, a); err != nil {
		return nil, fmt.Errorf("signed in to %s, but could not store the account: %w", p.DisplayName(), err)
	}
	return a, nil
}

// deviceGrant is one device authorization response (RFC 8628 §3.2).
type deviceGrant struct {
	code       DeviceCode
	deviceCode string // secret: never in a message
}

// loginDevice runs the device grant for r: a code, shown, then polls until
// the token response, which the grant's hooks complete like a sign-in's.
func (s *Service) loginDevice(ctx context.Context, r *resolved, opts DeviceOptions) (*Account, error) {
	ctx = context.WithValue(ctx, oauth2.HTTPClient, s.http)
	g, err := s.deviceAuthorization(ctx, r)
	if err != nil {
		return nil, err
	}
	opts.Code(g.code)
	s.openBrowser(g.code.BrowserURI(), LoginOptions{NoBrowser: opts.NoBrowser, BrowserFailed: opts.BrowserFailed})
	tok, obtained, err := s.pollDevice(ctx, r, g, opts.wait)
	if err != nil {
		return nil, err
	}
	return s.accountFromToken(ctx, r, tok, obtained, r.ext.hooks(grantDevice, nil))
}

// deviceAuthorization asks for a device code and user code (RFC 8628 §3.1)
// and checks the answer (§3.2).
func (s *Service) deviceAuthorization(ctx context.Context, r *resolved) (*deviceGrant, error) {
	const role = "device authorization"
	p := r.cfg
	form := url.Values{}
	if len(r.scopes) > 0 {
		form.Set("scope", strings.Join(r.scopes, " "))
	}
	start := s.now() // before the request, so the expiry is never late
	resp, answer, err := s.postForm(ctx, p, role, r.deviceURL, form)
	if err != nil {
		return nil, err
	}
	where := endpointURL(r.deviceURL)
	fail := func(problem string) error {
		return newResponseError(p.DisplayName(), role, where, resp.StatusCode, problem)
	}
	if answer == nil {
		return nil, fail("answered with something that is not JSON")
	}
	if code := str(answer, "error"); code != "" {
		return nil, &ProviderError{Provider: p.DisplayName(), Endpoint: role, Code: sanitize(code), Description: str(answer, "error_description"), URI: str(answer, "error_uri"), Status: resp.StatusCode}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, fail("refused the request without an OAuth error code")
	}
	g := &deviceGrant{
		deviceCode: str(answer, "device_code"),
		code: DeviceCode{
			Provider:                p.DisplayName(),
			UserCode:                sanitize(str(answer, "user_code")),
			VerificationURI:         str(answer, "verification_uri"),
			VerificationURIComplete: str(answer, "verification_uri_complete"),
			Interval:                DefaultDeviceInterval,
		},
	}
	if g.code.VerificationURI == "" {
		g.code.VerificationURI = str(answer, "verification_url") // Google's spelling
	}
	for _, f := range []struct{ name, v string }{{"device_code", g.deviceCode}, {"user_code", g.code.UserCode}, {"verification_uri", g.code.VerificationURI}} {
		if strings.TrimSpace(f.v) == "" {
			return nil, fail("answered without a " + f.name + " (RFC 8628 §3.2 requires it)")
		}
	}
	for _, f := range []struct{ name, v string }{{"verification_uri", g.code.VerificationURI}, {"verification_uri_complete", g.code.VerificationURIComplete}} {
		if f.v == "" {
			continue
		}
		if err := provider.CheckEndpoint(f.v); err != nil {
			return nil, fail("answered with a " + f.name + " that Latchkey will not open: it " + sanitize(err.Error()))
		}
	}
	if c := g.code.VerificationURIComplete; c != "" && !sameOriginURLs(c, g.code.VerificationURI) {
		// RFC 8628 §5.4: the page opened must be the page shown. A
		// complete URI elsewhere than the verification_uri the person reads
		// would send them to a page they never saw named; it is dropped and
		// the verification_uri opened instead, where they type the code.
		g.code.VerificationURIComplete = ""
	}
	if n, ok := seconds(answer, "interval"); ok && n > 0 {
		g.code.Interval = secondsDuration(n)
	}
	life := s.loginTimeout // expires_in is required; a provider without it gets LoginTimeout
	if n, ok := seconds(answer, "expires_in"); ok && n > 0 {
		life = secondsDuration(n)
	}
	g.code.Expiry = start.Add(life)
	return g, nil
}

// pollDevice asks the token endpoint for the grant's tokens until it has
// them (RFC 8628 §3.4, §3.5). It returns the token and the time taken just
// before the request that obtained it.
func (s *Service) pollDevice(ctx context.Context, r *resolved, g *deviceGrant, wait func(context.Context, time.Duration) error) (*oauth2.Token, time.Time, error) {
	p := r.cfg
	interval := g.code.Interval
	ended := func(reason error, pe *ProviderError) error {
		return &DeviceError{ID: p.ID, Name: p.DisplayName(), Err: reason, Provider: pe}
	}
	for {
		obtained := s.now()
		tok, err := s.deviceToken(ctx, r, g.deviceCode)
		if err == nil {
			return tok, obtained, nil
		}
		var pe *ProviderError
		if !errors.As(err, &pe) {
			return nil, time.Time{}, err
		}
		switch pe.Code {
		case "authorization_pending":
		case "slow_down":
			interval += SlowDownStep
		case "access_denied":
			return nil, time.Time{}, ended(ErrDeviceDenied, pe)
		case "expired_token":
			return nil, time.Time{}, ended(ErrDeviceExpired, pe)
		default:
			return nil, time.Time{}, pe
		}
		// No request after the code's expiry: when the next one would come
		// too late, wait until it has expired, then say so.
		if left := g.code.Expiry.Sub(s.now()); left < interval {
			if err := wait(ctx, max(left, 0)); err != nil {
				return nil, time.Time{}, err
			}
			return nil, time.Time{}, ended(ErrDeviceExpired, nil)
		}
		if err := wait(ctx, interval); err != nil {
			return nil, time.Time{}, err
		}
	}
}

// deviceToken sends one device access token request (RFC 8628 §3.4). An
// OAuth error answer, including authorization_pending and slow_down,
// becomes a *ProviderError (through tokenError, as for every token
// request); a success becomes an x/oauth2 token with every field of the
// answer in its Extra.
func (s *Service) deviceToken(ctx context.Context, r *resolved, deviceCode string) (*oauth2.Token, error) {
	p := r.cfg
	form := url.Values{"grant_type": {deviceGrantType}, "device_code": {deviceCode}}
	resp, answer, err := s.postForm(ctx, p, "token", r.tokenURL, form)
	if err != nil {
		return nil, err
	}
	if code := str(answer, "error"); code != "" || resp.StatusCode < 200 || resp.StatusCode > 299 {
		// Some providers (GitHub) answer errors with HTTP 200.
		return nil, tokenError(ctx, r, &oauth2.RetrieveError{Response: resp, ErrorCode: code, ErrorDescription: str(answer, "error_description"), ErrorURI: str(answer, "error_uri")})
	}
	where := endpointURL(r.tokenURL)
	if answer == nil {
		return nil, newResponseError(p.DisplayName(), "token", where, resp.StatusCode, "answered with something that is not JSON")
	}
	if str(answer, "access_token") == "" {
		return nil, newResponseError(p.DisplayName(), "token", where, resp.StatusCode, "answered without an access_token")
	}
	tok := &oauth2.Token{
		AccessToken:  str(answer, "access_token"),
		TokenType:    str(answer, "token_type"),
		RefreshToken: str(answer, "refresh_token"),
	}
	if n, ok := seconds(answer, "expires_in"); ok && n > 0 {
		tok.ExpiresIn = n
	}
	return tok.WithExtra(answer), nil
}

// sameOriginURLs reports whether the URLs a and b parse and share their
// origin (sameOrigin).
func sameOriginURLs(a, b string) bool {
	ua, err := url.Parse(a)
	if err != nil {
		return false
	}
	ub, err := url.Parse(b)
	return err == nil && sameOrigin(ua, ub)
}

// sleepCtx waits for d on the real clock, or until ctx is done, whichever
// comes first; it returns ctx.Err() in the second case.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
