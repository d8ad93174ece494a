package ui

import (
	"net/url"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/assets/lang"
	"latchkey/auth"
	"latchkey/auth/provider"
)

// newSignInCard is provider i's card while no one is signed in: what
// signing in does, the redirect URI to register at the provider, and Sign in (in the browser), Sign in with a code (RFC
// 8628), or both, as st.Can allows.
func newSignInCard(i int, st auth.Status, act panelActions) fyne.CanvasObject {
	p, can := st.Provider, st.Can
	name := p.DisplayName()
	var how string
	switch {
	case !can.BrowserSignIn:
		how = lang.X("signin.how.code", "Sign in with a code shows a short code: enter it on {{.Provider}}'s page, on this computer or any other device with a browser. Latchkey waits until you have, and keeps the token in your keychain.", map[string]any{"Provider": name})
	case can.PastesVerifier:
		how = lang.X("signin.how.verifier", "Sign in opens {{.Provider}} in your web browser. When you allow access it shows a verification code: paste it into Latchkey, which keeps the token in your keychain.", map[string]any{"Provider": name})
	default:
		how = lang.X("signin.how.browser", "Sign in opens {{.Provider}} in your web browser. When you allow access, Latchkey catches the answer on this computer and keeps the token in your keychain.", map[string]any{"Provider": name})
	}
	var buttons []fyne.CanvasObject
	if can.BrowserSignIn {
		buttons = append(buttons, newButton(&widget.Button{Text: lang.L("Sign in"), Icon: theme.LoginIcon(), Importance: widget.HighImportance, OnTapped: func() { act.signIn(i) }}))
	}
	if can.DeviceSignIn {
		importance := widget.HighImportance
		if can.BrowserSignIn {
			importance = widget.MediumImportance
			how += lang.X("signin.how.alsocode", " Sign in with a code instead shows a short code to enter on any device with a browser, for when this computer's browser cannot be used.")
		}
		buttons = append(buttons, newButton(&widget.Button{Text: lang.L("Sign in with a code"), Icon: theme.ComputerIcon(), Importance: importance, OnTapped: func() { act.signInCode(i) }}))
	}
	facts := []fyne.CanvasObject{}
	if len(p.Scopes) > 0 {
		facts = append(facts, fieldName(lang.L("Asks for")), value(strings.Join(p.Scopes, " ")))
	}
	if site := signInSite(p); site != "" {
		facts = append(facts, fieldName(lang.L("Sign-in page")), value(site))
	}
	if uri := redirectToRegister(p, can); uri != "" {
		facts = append(facts, fieldName(lang.L("Redirect URI to register")), value(uri))
	}
	content := []fyne.CanvasObject{wrapped(how)}
	if len(facts) > 0 {
		content = append(content, container.New(layout.NewFormLayout(), facts...))
	}
	content = append(content, container.NewHBox(buttons...))
	return widget.NewCard("", "", container.NewVBox(content...))
}

// signInSite is the host the person will sign in at.
func signInSite(p *provider.Provider) string {
	raw := p.AuthorizeURL
	if raw == "" {
		raw = p.Issuer
	}
	if raw == "" {
		raw = p.DeviceAuthorizationURL
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Host
}

// redirectToRegister is the redirect URI the person registers at the
// provider for a sign-in in the browser that comes back to Latchkey, or ""
// when none does (a pasted verifier, a code on another device).
func redirectToRegister(p *provider.Provider, can auth.Capabilities) string {
	if !can.RegistersRedirect {
		return ""
	}
	return p.RedirectURIToRegister()
}
