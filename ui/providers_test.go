package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	"latchkey/auth"
	"latchkey/auth/authtest"
	"latchkey/auth/keychain"
	"latchkey/auth/provider"
)

func TestBadge(t *testing.T) {
	p := &provider.Provider{ID: "idp", Protocol: provider.OAuth2}
	ada := &auth.Account{Profile: auth.Profile{Name: "Ada Lovelace"}}
	for _, tc := range []struct {
		name   string
		st     auth.Status
		loaded bool
		want   string
	}{
		{"before the keychain answered", auth.Status{Provider: p}, false, "Checking the keychain…"},
		{"none", auth.Status{Provider: p, State: auth.StateNone}, true, "Not signed in"},
		{"valid", auth.Status{Provider: p, State: auth.StateValid, Account: ada}, true, "Signed in as Ada Lovelace"},
		{"expired", auth.Status{Provider: p, State: auth.StateExpired, Account: ada}, true, "Expired: sign in again"},
		{"expiring", auth.Status{Provider: p, State: auth.StateExpiring, Account: ada}, true, "Signed in as Ada Lovelace · expires soon"},
		{"refreshable", auth.Status{Provider: p, State: auth.StateRefreshable, Account: ada}, true, "Signed in as Ada Lovelace · renewed when used"},
		{"needs sign-in", auth.Status{Provider: p, State: auth.StateNeedsSignIn, Account: ada}, true, "Signed in as Ada Lovelace · sign in again"},
		{"a state not known yet, signed in", auth.Status{Provider: p, State: "on_hold", Account: ada}, true, "Signed in as Ada Lovelace · on hold"},
		{"a state not known yet, no account", auth.Status{Provider: p, State: "on_hold"}, true, "On hold"},
		{"locked", auth.Status{Provider: p, State: auth.StateUnknown, Err: &keychain.Error{Kind: keychain.Locked, Op: "load"}}, true, "Keychain locked"},
		{"timeout", auth.Status{Provider: p, State: auth.StateUnknown, Err: &keychain.Error{Kind: keychain.Timeout}}, true, "Keychain locked"},
		{"no Secret Service", auth.Status{Provider: p, State: auth.StateUnknown, Err: &keychain.Error{Kind: keychain.NoSecretService}}, true, "No keychain"},
		{"no session bus", auth.Status{Provider: p, State: auth.StateUnknown, Err: &keychain.Error{Kind: keychain.NoSessionBus}}, true, "No keychain"},
		{"damaged record", auth.Status{Provider: p, State: auth.StateUnknown, Err: &keychain.Error{Kind: keychain.Corrupt}}, true, "Keychain record damaged"},
		{"unreadable record", auth.Status{Provider: p, State: auth.StateUnknown, Err: errors.New("written by a newer Latchkey")}, true, "Cannot read the account"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := badgeFor(tc.st, tc.loaded)
			if b.text != tc.want || b.icon == nil {
				t.Errorf("badge %q (icon %v), want %q with an icon", b.text, b.icon, tc.want)
			}
		})
	}
}

func TestInitials(t *testing.T) {
	for in, want := range map[string]string{
		"Ada Lovelace":            "AL",
		"ada":                     "A",
		"ada@example.com":         "A",
		"Jean-Luc Picard":         "JP",
		"élodie durand":           "ÉD",
		"  ":                      "?",
		"Ada King, Countess of L": "AL",
	} {
		if got := initials(in); got != want {
			t.Errorf("initials(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCountdown(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                                     "0s",
		45*time.Second + 900*time.Millisecond: "45s",
		42*time.Minute + 17*time.Second:       "42m 17s",
		time.Hour + 2*time.Minute:             "1h 02m",
		47*time.Hour + 59*time.Minute:         "47h 59m",
		72 * time.Hour:                        "3 days",
	} {
		if got := countdown(d); got != want {
			t.Errorf("countdown(%v) = %q, want %q", d, got, want)
		}
	}
}

// TestLiveCountdown: the window's expiry line shows seconds only within
// 10 minutes of the expiry, else whole minutes under an hour.
func TestLiveCountdown(t *testing.T) {
	for d, want := range map[time.Duration]string{
		9*time.Minute + 59*time.Second:  "9m 59s",
		10 * time.Minute:                "10m",
		42*time.Minute + 17*time.Second: "42m",
		59*time.Minute + 59*time.Second: "59m",
		time.Hour + 2*time.Minute:       "1h 02m",
		30 * time.Second:                "30s",
	} {
		if got := liveCountdown(d); got != want {
			t.Errorf("liveCountdown(%v) = %q, want %q", d, got, want)
		}
	}
}

// TestBadgeFollowsTheClock moves the clock (the Service's and the
// window's) over a signed-in 1-hour token and checks that the badge and the
// panel follow auth.StateOf at each tick, reading nothing from the keychain:
// valid → expiring → expired without a refresh token, valid → refreshable
// with one.
func TestBadgeFollowsTheClock(t *testing.T) {
	type step struct {
		at           time.Duration // from the token's expiry
		state        auth.State
		badge, panel string
	}
	valid := step{-10 * time.Minute, auth.StateValid, "Signed in as Ada Lovelace", "Signed in · the token is valid"}
	for _, tc := range []struct {
		name         string
		refreshToken bool
		steps        []step
	}{
		{"without a refresh token", false, []step{
			valid,
			{-4 * time.Minute, auth.StateExpiring, "Signed in as Ada Lovelace · expires soon", "the token expires soon and cannot be renewed: sign in again"},
			{time.Minute, auth.StateExpired, "Expired: sign in again", "The token has expired: sign in again"},
		}},
		{"with a refresh token", true, []step{
			valid,
			{-4 * time.Minute, auth.StateRefreshable, "Signed in as Ada Lovelace · renewed when used", "the token is renewed when used, or press Refresh"},
			{time.Minute, auth.StateRefreshable, "Signed in as Ada Lovelace · renewed when used", "the token is renewed when used, or press Refresh"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			idp := authtest.NewOAuth2(t)
			if !tc.refreshToken {
				// fosite then issues refresh tokens only with offline_access,
				// which the provider's scopes do not ask for.
				idp.Config.RefreshTokenScopes = []string{"offline_access"}
			}
			clk := newClock()
			store := &countingStore{Store: realKeychain(t)}
			h := newHarness(t, setup{toml: idpTOML(idp), store: store, now: clk.now, opts: options{now: clk.now}}).start()
			h.signIn(0, true)
			a := h.w.status[0].Account
			if held := a.Token.RefreshToken != ""; held != tc.refreshToken {
				t.Fatalf("refresh token held: %v, want %v", held, tc.refreshToken)
			}
			// fosite's expires_in is counted on its own clock: 3599 or 3600 s.
			if got := a.Token.Expiry.Sub(a.ObtainedAt); got < 59*time.Minute || got > time.Hour {
				t.Fatalf("the token lives %v, want about 1h", got)
			}
			loads := store.loads.Load()
			for _, s := range tc.steps {
				clk.set(a.Token.Expiry.Add(s.at))
				h.w.tick()
				if got := h.w.status[0].State; got != s.state {
					t.Errorf("at expiry%+v: state %q, want %q", s.at, got, s.state)
				}
				if got := h.rowText(0); got != s.badge {
					t.Errorf("at expiry%+v: badge %q, want %q", s.at, got, s.badge)
				}
				if screen := h.screen(); !strings.Contains(screen, s.panel) {
					t.Errorf("at expiry%+v: the panel does not say %q: %s", s.at, s.panel, screen)
				}
				refresh := h.findButton(h.w.win.Content(), "Refresh")
				if (refresh != nil) != tc.refreshToken {
					t.Errorf("at expiry%+v: Refresh shown: %v, want %v (a refresh token is held: %v)", s.at, refresh != nil, tc.refreshToken, tc.refreshToken)
				}
			}
			if n := store.loads.Load() - loads; n != 0 {
				t.Errorf("the ticks read the keychain %d times, want 0", n)
			}
		})
	}
}
