package ui

import (
	"errors"
	"testing"
	"time"

	"latchkey/auth"
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
