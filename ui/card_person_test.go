package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"latchkey/auth"
	"latchkey/auth/provider"
)

// TestPersonCardSaysProfileTrimmed: when the provider's profile was too
// large to keep whole, the card says what was kept.
func TestPersonCardSaysProfileTrimmed(t *testing.T) {
	test.NewTempApp(t)
	p := &provider.Provider{ID: "idp", Protocol: provider.OAuth2}
	act := panelActions{avatar: func(auth.Profile) fyne.CanvasObject { return widget.NewLabel("AL") }}
	for _, trimmed := range []bool{false, true} {
		a := &auth.Account{ProviderID: "idp", Protocol: provider.OAuth2, Token: auth.TokenSet{AccessToken: "at", TokenType: "Bearer"},
			Profile: auth.Profile{Name: "Ada Lovelace", Trimmed: trimmed}}
		card := newPersonCard(auth.StatusOf(p, a, time.Now()), act)
		w := test.NewTempWindow(t, card.object)
		got := strings.Contains(textOf(w.Content()), "too large to keep whole")
		if got != trimmed {
			t.Errorf("trimmed=%v: the card says so: %v (%s)", trimmed, got, textOf(w.Content()))
		}
	}
}
