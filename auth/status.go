package auth

import "time"

// State is a token's condition as the faces show it.
type State string

// The states of a provider's token. Refresh states come with refresh
// support.
const (
	StateNone    State = "none"    // not signed in
	StateValid   State = "valid"   // usable; OAuth 1.0a tokens never expire
	StateExpired State = "expired" // the access token's expiry has passed
	StateUnknown State = "unknown" // the keychain could not be read
)

// StateOf returns the state of a's token at now. A token without a known
// expiry is valid.
func StateOf(a *Account, now time.Time) State {
	switch {
	case a == nil:
		return StateNone
	case !a.Token.Expiry.IsZero() && !now.Before(a.Token.Expiry):
		return StateExpired
	default:
		return StateValid
	}
}
