package ui

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"latchkey/auth"
	"latchkey/auth/keychain"
)

const tickTOML = `[[provider]]
id = "one"
name = "One"
protocol = "oauth2"
client_id = "c1"
authorize_url = "https://one.example/authorize"
access_token_url = "https://one.example/token"
`

// storedAccount is a keychain store holding one signed-in account of
// provider "one" (tickTOML), obtained at obtained and expiring after
// lifetime, bound to client clientID.
func storedAccount(t *testing.T, obtained time.Time, lifetime time.Duration, clientID string) auth.Store {
	t.Helper()
	rec, err := json.Marshal(map[string]any{
		"v": 1, "provider_id": "one", "protocol": "oauth2",
		"token":       map[string]any{"access_token": "at-1", "token_type": "Bearer", "expires_at": obtained.Add(lifetime)},
		"profile":     map[string]any{"name": "Ada Lovelace"},
		"obtained_at": obtained,
		"bound":       map[string]any{"token_url": "https://one.example/token", "client_id": clientID},
	})
	if err != nil {
		t.Fatal(err)
	}
	st := keychain.New(keychain.Memory(), "latchkey-test")
	if err := st.Save("one", rec); err != nil {
		t.Fatal(err)
	}
	return st
}

// TestTickPausedWhileHidden: while the window is hidden (setVisible(false))
// a tick changes nothing, even across an expiry; shown again, it catches up
// at once, without waiting for the next tick.
func TestTickPausedWhileHidden(t *testing.T) {
	clk := newClock()
	obtained := clk.now()
	h := newHarness(t, setup{toml: tickTOML, store: storedAccount(t, obtained, time.Hour, "c1"), now: clk.now, opts: options{now: clk.now}}).start()
	if got := h.w.status[0].State; got != auth.StateValid {
		t.Fatalf("state %q at start, want valid", got)
	}
	before := h.screen()
	if !strings.Contains(before, "in 1h 00m") && !strings.Contains(before, "in 59m") {
		t.Fatalf("the panel shows no countdown of about an hour: %s", before)
	}

	h.w.setVisible(false)
	clk.set(obtained.Add(2 * time.Hour))
	h.w.tick()
	if got := h.w.status[0].State; got != auth.StateValid {
		t.Errorf("hidden: a tick moved the state to %q", got)
	}
	if got := h.screen(); got != before {
		t.Errorf("hidden: a tick redrew the window:\nbefore %s\nafter  %s", before, got)
	}

	h.w.setVisible(true) // no tick needed: showing catches up
	if got := h.w.status[0].State; got != auth.StateExpired {
		t.Errorf("shown again: state %q, want expired", got)
	}
	if got := h.rowText(0); got != "Expired: sign in again" {
		t.Errorf("shown again: badge %q", got)
	}
	if screen := h.screen(); !strings.Contains(screen, "1h 00m ago") {
		t.Errorf("shown again: the countdown did not catch up: %s", screen)
	}
}

// TestTickKeepsNeedsSignIn: an account whose provider's settings changed
// (another client_id than it was issued to) reads "sign in again", and the
// clock never makes it read valid again.
func TestTickKeepsNeedsSignIn(t *testing.T) {
	clk := newClock()
	h := newHarness(t, setup{toml: tickTOML, store: storedAccount(t, clk.now(), time.Hour, "another-client"), now: clk.now, opts: options{now: clk.now}}).start()
	if got := h.w.status[0].State; got != auth.StateNeedsSignIn {
		t.Fatalf("state %q, want needs_signin", got)
	}
	badge := h.rowText(0)
	for range 3 {
		clk.set(clk.now().Add(time.Second))
		h.w.tick()
	}
	if got := h.w.status[0].State; got != auth.StateNeedsSignIn {
		t.Errorf("after ticks: state %q, want needs_signin", got)
	}
	if got := h.rowText(0); got != badge {
		t.Errorf("after ticks: badge %q, was %q", got, badge)
	}
}
