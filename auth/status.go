package auth

import "time"

// State is a token's condition: one model for the window and `status --json`.
type State string

// The states of a provider's token.
const (
	StateNone        State = "none"         // not signed in
	StateValid       State = "valid"        // usable; OAuth 1.0a tokens never expire
	StateExpiring    State = "expiring"     // little time left (see ExpiringWindow), no refresh token
	StateExpired     State = "expired"      // the expiry has passed, no refresh token
	StateRefreshable State = "refreshable"  // expiring or expired, and a refresh token is held
	StateNeedsSignIn State = "needs_signin" // the provider refused the refresh or the token
	StateUnknown     State = "unknown"      // the keychain could not be read
	// StateDemoNotRunning: a demo entry (provider.Provider.Demo) whose demo
	// server is not running on this computer; nothing can be used until
	// it is started.
	StateDemoNotRunning State = "demo_not_running"
)

// ExpiringWindow is how long before its expiry a token counts as expiring:
// 5 minutes, or a quarter of its lifetime when that is shorter. So a token
// that lives 5 minutes is not "expiring" the moment it is issued, and a
// freshly refreshed short-lived token is not refreshed again by the next
// caller (which, with rotating refresh tokens, would spend the token the
// first caller was handed).
func ExpiringWindow(lifetime time.Duration) time.Duration {
	return min(5*time.Minute, lifetime/4)
}

// StateOf returns the state of a's token at now.
func StateOf(a *Account, now time.Time) State {
	switch {
	case a == nil:
		return StateNone
	case a.NeedsSignIn:
		return StateNeedsSignIn
	case a.Token.Expiry.IsZero():
		return StateValid
	}
	left := a.Token.Expiry.Sub(now)
	expired := left <= 0
	expiring := left < ExpiringWindow(a.Token.Expiry.Sub(a.ObtainedAt))
	switch {
	case (expired || expiring) && a.Token.RefreshToken != "":
		return StateRefreshable
	case expired:
		return StateExpired
	case expiring:
		return StateExpiring
	}
	return StateValid
}

// Usable reports whether a token in state st can be handed out as it is.
func (st State) Usable() bool { return st == StateValid || st == StateExpiring }
