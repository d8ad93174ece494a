package ui

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/auth"
	"latchkey/auth/provider"
)

// masked stands in for a secret until the person presses Reveal.
const masked = "••••••••••••••••"

// detail is the right-hand panel: the selected provider, its account and
// token, and what can be done with them. It is rebuilt from the window's
// status whenever the selection or the status changes.
type detail struct {
	w      *window
	scroll *container.Scroll
	box    *fyne.Container
	index  int // the provider shown; -1 before the first

	// Live parts of the current content; nil when not shown.
	expires    *widget.Label // the countdown
	account    *auth.Account // the account shown, if any
	can        auth.Capabilities
	flash      *widget.Label // "Copied …", "Renewed …"
	idFlash    *widget.Label // "Copied the id_token …"
	avatar     *fyne.Container
	avatarURL  string
	secrets    []*secretRow
	revealed   bool
	reveal     *widget.Button
	signIn     *widget.Button
	signInCode *widget.Button // Sign in with a code (RFC 8628)
	refresh    *widget.Button
	signOut    *widget.Button
	heading    *widget.Label
	userName   *widget.Label
	userEmail  *widget.Label
}

func newDetail(w *window) *detail {
	d := &detail{w: w, index: -1, box: container.NewStack()}
	d.scroll = container.NewVScroll(container.NewPadded(container.New(&columnLayout{max: 760}, d.box)))
	return d
}

// show rebuilds the panel for provider i.
func (d *detail) show(i int) {
	revealed := d.revealed && i == d.index
	if i != d.index {
		d.scroll.ScrollToTop()
	}
	*d = detail{w: d.w, scroll: d.scroll, box: d.box, index: i, revealed: revealed}
	st := d.w.status[i]
	p := st.Provider
	b := badgeFor(st, d.w.loaded)
	if d.w.loaded && st.Err == nil && st.Account != nil {
		b.text = stateText(st)
	}

	d.heading = &widget.Label{Text: p.DisplayName(), TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameHeadingText, Truncation: fyne.TextTruncateEllipsis}
	title := tight(d.heading, quiet(st.Can.Protocol+" · id "+p.ID))
	state := container.NewBorder(nil, nil, widget.NewIcon(b.icon), nil, &widget.Label{Text: b.text, Truncation: fyne.TextTruncateEllipsis})

	var body []fyne.CanvasObject
	var actions fyne.CanvasObject
	switch {
	case !d.w.loaded:
		body = []fyne.CanvasObject{quiet("Reading your accounts from the keychain…")}
	case st.Err != nil:
		body = []fyne.CanvasObject{d.keychainProblem(st)}
	case st.Account == nil:
		body = []fyne.CanvasObject{d.signedOut(st)}
	default:
		body = d.signedIn(st)
		actions = container.NewVBox(container.NewHBox(d.signIn, d.signOut))
	}
	header := container.NewBorder(nil, nil, nil, actions, title)
	d.box.Objects = []fyne.CanvasObject{container.NewVBox(append([]fyne.CanvasObject{header, state}, body...)...)}
	d.box.Refresh()
}

// signedOut explains what signing in does and offers it: in the browser,
// with a code (RFC 8628) where the provider may offer that, or both.
func (d *detail) signedOut(st auth.Status) fyne.CanvasObject {
	p, can := st.Provider, st.Can
	name := p.DisplayName()
	var how string
	switch {
	case !can.BrowserSignIn:
		how = fmt.Sprintf("Sign in with a code shows a short code: enter it on %s's page, on this computer or any other device with a browser. Latchkey waits until you have, and keeps the token in your keychain.", name)
	case can.PastesVerifier:
		how = fmt.Sprintf("Sign in opens %s in your web browser. When you allow access it shows a verification code: paste it into Latchkey, which keeps the token in your keychain.", name)
	default:
		how = fmt.Sprintf("Sign in opens %s in your web browser. When you allow access, Latchkey catches the answer on this computer and keeps the token in your keychain.", name)
	}
	var buttons []fyne.CanvasObject
	if can.BrowserSignIn {
		d.signIn = &widget.Button{Text: "Sign in", Icon: theme.LoginIcon(), Importance: widget.HighImportance, OnTapped: func() { d.w.startSignIn(d.index) }}
		buttons = append(buttons, d.signIn)
	}
	if can.DeviceSignIn {
		importance := widget.HighImportance
		if can.BrowserSignIn {
			importance = widget.MediumImportance
			how += " Sign in with a code instead shows a short code to enter on any device with a browser, for when this computer's browser cannot be used."
		}
		d.signInCode = &widget.Button{Text: "Sign in with a code", Icon: theme.ComputerIcon(), Importance: importance, OnTapped: func() { d.w.startDevice(d.index) }}
		buttons = append(buttons, d.signInCode)
	}
	facts := []fyne.CanvasObject{}
	if len(p.Scopes) > 0 {
		facts = append(facts, fieldName("Asks for"), value(strings.Join(p.Scopes, " ")))
	}
	if site := signInSite(p); site != "" {
		facts = append(facts, fieldName("Sign-in page"), value(site))
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

// signedIn shows the person, the token and the actions on them.
func (d *detail) signedIn(st auth.Status) []fyne.CanvasObject {
	a, p, can := st.Account, st.Provider, st.Can
	d.account, d.can = a, can
	prof := a.Profile

	// The person.
	d.userName = &widget.Label{Text: prof.Display(), TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis}
	lines := []fyne.CanvasObject{d.userName}
	if prof.Email != "" && prof.Email != prof.Display() {
		d.userEmail = &widget.Label{Text: prof.Email, Truncation: fyne.TextTruncateEllipsis}
		lines = append(lines, d.userEmail)
	}
	var ids []string
	if prof.Username != "" && prof.Username != prof.Display() {
		ids = append(ids, "@"+prof.Username)
	}
	if prof.Subject != "" {
		ids = append(ids, "id "+prof.Subject)
	}
	if len(ids) > 0 {
		lines = append(lines, quiet(strings.Join(ids, " · ")))
	}
	d.avatarURL = prof.Picture
	d.avatar = container.NewStack(d.w.avatarView(prof))
	// The labels sit in the Border's centre, at full width: a Center
	// container would shrink them to their (ellipsized) minimum.
	person := container.NewBorder(nil, nil, container.NewCenter(d.avatar), nil, tightCentered(lines...))

	// The token.
	tok := a.Token
	rows := []fyne.CanvasObject{}
	add := func(name string, v fyne.CanvasObject) { rows = append(rows, fieldName(name), v) }
	if can.Scoped {
		scopes := "none reported"
		if len(tok.Scopes) > 0 {
			scopes = strings.Join(tok.Scopes, " ")
		}
		add("Scopes", wrapped(scopes))
	}
	add("Obtained", value(d.w.formatTime(a.ObtainedAt)))
	d.expires = value("")
	add("Expires", d.expires)
	d.tick(d.w.now())
	switch {
	case can.Refreshable:
		add("Refresh token", value(held(tok.RefreshToken)))
	case slices.Contains(can.Copy, auth.CredTokenSecret):
		add("Token secret", value(held(tok.TokenSecret)))
	}
	d.secrets = []*secretRow{newSecretRow(tok.AccessToken)}
	name := "Access token"
	if tok.TokenType != "" {
		name += " (" + tok.TokenType + ")"
	}
	add(name, d.secrets[0].object)
	if slices.Contains(can.Credentials(a), auth.CredTokenSecret) {
		d.secrets = append(d.secrets, newSecretRow(tok.TokenSecret))
		add("Secret", d.secrets[1].object)
	}
	d.reveal = &widget.Button{Icon: theme.VisibilityIcon(), Text: "Reveal", Importance: widget.LowImportance, OnTapped: func() { d.setRevealed(!d.revealed) }}
	d.setRevealed(d.revealed)

	var copyButtons []fyne.CanvasObject
	for _, k := range can.Copy {
		if k == auth.CredIDToken {
			continue // the id_token's card has its own button
		}
		b := &widget.Button{Text: copyButton(k), Icon: theme.ContentCopyIcon(), OnTapped: func() { d.w.copy(d.index, k) }}
		copyButtons = append(copyButtons, b)
	}
	if can.CanRefresh(a) {
		d.refresh = &widget.Button{Text: "Refresh", Icon: theme.ViewRefreshIcon(), OnTapped: func() { d.w.refresh(d.index) }}
		if st.State == auth.StateRefreshable {
			d.refresh.Importance = widget.HighImportance
		}
		copyButtons = append(copyButtons, d.refresh)
	}
	copyButtons = append(copyButtons, layout.NewSpacer(), d.reveal)
	d.flash = &widget.Label{Importance: widget.SuccessImportance, Truncation: fyne.TextTruncateEllipsis}
	d.flash.Hide()
	if d.w.refreshing[p.ID] {
		if d.refresh != nil {
			d.refresh.SetText("Refreshing…")
			d.refresh.Disable()
		}
		d.flash.Importance = widget.MediumImportance
		d.flash.SetText(refreshProgress(st))
		d.flash.Show()
	}
	token := container.NewVBox(
		container.New(layout.NewFormLayout(), rows...),
		container.NewHBox(copyButtons...),
		d.flash,
	)

	// What can be done with the account (shown in the header).
	importance := widget.MediumImportance
	if st.State == auth.StateExpiring || st.State == auth.StateExpired || st.State == auth.StateNeedsSignIn {
		importance = widget.HighImportance
	}
	d.signIn = &widget.Button{Text: "Sign in again", Icon: theme.LoginIcon(), Importance: importance, OnTapped: func() { d.w.startSignIn(d.index) }}
	d.signOut = &widget.Button{Text: "Sign out", Icon: theme.LogoutIcon(), Importance: widget.DangerImportance, OnTapped: func() { d.w.confirmSignOut(d.index) }}

	cards := []fyne.CanvasObject{
		widget.NewCard("", "", person),
		widget.NewCard("", "", token),
	}
	if can.Claims && a.Credential(auth.CredIDToken) != "" {
		cards = append(cards, d.idTokenCard(a))
	}
	return cards
}

// keychainProblem says why the account could not be read and what to do.
func (d *detail) keychainProblem(st auth.Status) fyne.CanvasObject {
	again := &widget.Button{Text: "Try again", Icon: theme.ViewRefreshIcon(), OnTapped: d.w.load}
	msg := &widget.Label{Text: auth.Describe(st.Err, auth.Window), Wrapping: fyne.TextWrapWord, Selectable: true}
	return widget.NewCard("", "", container.NewVBox(msg, container.NewHBox(again)))
}

// tick updates the countdown to now.
func (d *detail) tick(now time.Time) {
	if d.expires == nil || d.account == nil {
		return
	}
	d.expires.SetText(d.w.expiryText(d.account, d.can, now))
}

// setRevealed shows or masks the secrets.
func (d *detail) setRevealed(on bool) {
	d.revealed = on
	for _, s := range d.secrets {
		s.set(on)
	}
	if d.reveal == nil {
		return
	}
	if on {
		d.reveal.SetText("Hide")
		d.reveal.SetIcon(theme.VisibilityOffIcon())
	} else {
		d.reveal.SetText("Reveal")
		d.reveal.SetIcon(theme.VisibilityIcon())
	}
}

// secretRow is a token shown masked, or in full once revealed (selectable,
// in monospace, wrapped anywhere).
type secretRow struct {
	secret string
	label  *widget.Label
	object fyne.CanvasObject
}

func newSecretRow(secret string) *secretRow {
	s := &secretRow{secret: secret, label: &widget.Label{}}
	s.object = s.label
	return s
}

func (s *secretRow) set(revealed bool) {
	if revealed {
		s.label.Text = s.secret
		s.label.TextStyle = fyne.TextStyle{Monospace: true}
		s.label.Wrapping = fyne.TextWrapBreak
		s.label.Truncation = fyne.TextTruncateOff
		s.label.Selectable = true
	} else {
		s.label.Text = masked
		s.label.TextStyle = fyne.TextStyle{}
		s.label.Wrapping = fyne.TextWrapOff
		s.label.Truncation = fyne.TextTruncateEllipsis
		s.label.Selectable = false
	}
	s.label.Refresh()
}

// stateText is a signed-in account's state in a sentence: what it means
// and what to do (docs/TOKENS.md).
func stateText(st auth.Status) string {
	switch st.State {
	case auth.StateValid:
		return "Signed in · the token is valid"
	case auth.StateExpiring:
		return "Signed in · the token expires soon and cannot be renewed: sign in again"
	case auth.StateExpired:
		return "The token has expired: sign in again to get a new one"
	case auth.StateRefreshable:
		return "Signed in · the token is renewed when used, or press Refresh"
	case auth.StateNeedsSignIn:
		return st.Provider.DisplayName() + " no longer accepts the token: sign in again"
	}
	return "Signed in · " + stateWords(st.State)
}

func held(s string) string {
	if s != "" {
		return "Held in the keychain"
	}
	return "None"
}

// expiryText is when a's token expires, with a countdown from now.
func (w *window) expiryText(a *auth.Account, can auth.Capabilities, now time.Time) string {
	exp := a.Token.Expiry
	if exp.IsZero() {
		if !can.Expires {
			return "Never (" + can.Protocol + " tokens do not expire)"
		}
		return "Not said by the provider"
	}
	left := exp.Sub(now)
	if left > 0 {
		return w.formatTime(exp) + " · in " + countdown(left)
	}
	return w.formatTime(exp) + " · " + countdown(-left) + " ago"
}

// formatTime shows t to the minute in the window's time zone.
func (w *window) formatTime(t time.Time) string {
	if t.IsZero() {
		return "Unknown"
	}
	return t.In(w.location).Format("2 Jan 2006, 15:04")
}

// countdown renders a duration the way a person reads a timer: seconds
// under a minute, minutes and seconds under an hour, hours and minutes
// under two days, then days.
func countdown(d time.Duration) string {
	d = d.Truncate(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm %02ds", int(d.Minutes()), int(d.Seconds())%60)
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh %02dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%d days", int(d.Hours()/24))
}

// fieldName is the left column of a form: quiet, and never cut.
func fieldName(s string) fyne.CanvasObject {
	q := quiet(s)
	q.Truncation = fyne.TextTruncateOff
	return q
}

// quiet is secondary text, in the theme's placeholder colour, cut with an
// ellipsis when narrow.
func quiet(s string) *widget.RichText {
	rt := widget.NewRichText(&widget.TextSegment{Text: s, Style: widget.RichTextStyle{ColorName: theme.ColorNamePlaceHolder, Inline: true}})
	rt.Truncation = fyne.TextTruncateEllipsis
	return rt
}

// value is a one-line value that ellipsizes when narrow.
func value(s string) *widget.Label {
	return &widget.Label{Text: s, Truncation: fyne.TextTruncateEllipsis}
}

// wrapped is text that wraps at word boundaries.
func wrapped(s string) *widget.Label {
	return &widget.Label{Text: s, Wrapping: fyne.TextWrapWord}
}

// tight stacks objects with less space between them than a VBox.
func tight(objs ...fyne.CanvasObject) *fyne.Container {
	return container.New(layout.NewCustomPaddedVBoxLayout(-theme.Padding()), objs...)
}

// tightCentered stacks objects tightly and centres the stack vertically,
// keeping the full width.
func tightCentered(objs ...fyne.CanvasObject) *fyne.Container {
	return container.NewVBox(layout.NewSpacer(), tight(objs...), layout.NewSpacer())
}
