package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"latchkey/auth/authtest"
)

// oidcTOML configures "idp" as an OpenID Connect client of the fosite
// server: only the issuer, the rest comes from discovery.
func oidcTOML(idp *authtest.OAuth2) string {
	return idp.OIDCProviderTOML()
}

func TestIDTokenClaimsAndCopy(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	h := newHarness(t, setup{toml: oidcTOML(idp), opts: options{location: time.FixedZone("CET", 3600)}}).start()
	h.signIn(0, true)
	stored, err := h.svc.Account("idp")
	if err != nil || stored.Token.IDToken == "" {
		t.Fatalf("no id_token stored: %v", err)
	}
	claims := authtest.DecodeClaims(stored.Token.IDToken)
	at := func(name string) string {
		v := claims[name].(float64)
		return time.Unix(int64(v), 0).In(time.FixedZone("CET", 3600)).Format("2 Jan 2006, 15:04:05") + fmt.Sprintf(" (%d)", int64(v))
	}

	screen := h.screen()
	for _, want := range []string{
		"ID token",
		"Issuer (iss) | " + idp.Issuer(),
		"Subject (sub) | user-42",
		"Audience (aud) | " + authtest.PublicClientID,
		"Expires (exp) | " + at("exp"),
		"Issued (iat) | " + at("iat"),
		"Signed in (auth_time) | " + at("auth_time"),
		"email | ada@example.com",
		"name | Ada Lovelace",
		"[Copy id_token]",
	} {
		if !strings.Contains(screen, want) {
			t.Errorf("the panel does not show %q: %s", want, screen)
		}
	}
	for name := range claims { // every claim, known or not, has a row
		if !strings.Contains(screen, "("+name+") | ") && !strings.Contains(screen, "| "+name+" | ") {
			t.Errorf("claim %q has no row", name)
		}
	}
	if strings.Contains(screen, stored.Token.IDToken) {
		t.Error("the raw id_token is on screen")
	}

	h.app.Clipboard().SetContent("something else")
	test.Tap(h.button(h.w.win.Content(), "Copy id_token"))
	h.wait(evCopied)
	if got := h.app.Clipboard().Content(); got != stored.Token.IDToken {
		t.Errorf("Copy id_token put %q on the clipboard, want exactly the id_token", got)
	}
	if c := h.w.detail.idToken; c == nil || !c.flash.Visible() || c.flash.Text != "Copied the id_token. The clipboard is cleared in 30 s." {
		t.Errorf("no confirmation under Copy id_token")
	}
}

func TestIDTokenCardOnlyForOpenIDConnect(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	h := newHarness(t, setup{toml: idpTOML(idp)}).start()
	h.signIn(0, true)
	if screen := h.screen(); strings.Contains(screen, "Copy id_token") || strings.Contains(screen, "Issuer (iss)") {
		t.Errorf("an OAuth 2.0 account shows id_token claims: %s", screen)
	}
}

func TestClaimValue(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    any
		want string
	}{
		{"iss", "https://login.example.com", "https://login.example.com"},
		{"exp", float64(1741957230), "14 Mar 2025, 13:00:30 (1741957230)"},
		{"auth_time", float64(1741957230.5), "14 Mar 2025, 13:00:30 (1741957230.5)"},
		{"updated_at", float64(0), "1 Jan 1970, 00:00:00 (0)"},
		{"exp", float64(1e300), "1e+300"},
		{"aud", []any{"latchkey", "api"}, "latchkey, api"},
		{"amr", []any{"pwd", 2.0}, `["pwd",2]`},
		{"email_verified", true, "true"},
		{"address", map[string]any{"country": "UK"}, `{"country":"UK"}`},
		{"count", float64(42), "42"},
		{"nothing", nil, "null"},
	} {
		if got := claimValue(tc.name, tc.v, time.UTC); got != tc.want {
			t.Errorf("claimValue(%q, %v) = %q, want %q", tc.name, tc.v, got, tc.want)
		}
	}
}

func TestClaimRowsOrder(t *testing.T) {
	rows := claimRows(map[string]any{"zeta": "z", "sub": "s", "iss": "i", "alpha": "a", "exp": float64(0), "aud": "c"}, time.UTC)
	var names []string
	for _, r := range rows {
		names = append(names, r.name)
	}
	want := "Issuer (iss), Subject (sub), Audience (aud), Expires (exp), alpha, zeta"
	if got := strings.Join(names, ", "); got != want {
		t.Errorf("rows %s, want %s", got, want)
	}
}
