package ui

import (
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/assets/lang"
	"latchkey/auth"
	"latchkey/auth/safetext"
)

// tokenCard is the signed-in account's token: scopes, when it was obtained
// and when it expires (a live countdown), the secrets held, masked until
// Reveal, and under them the Copy buttons, Refresh and a line that says
// what they did.
type tokenCard struct {
	object   fyne.CanvasObject
	account  *auth.Account
	can      auth.Capabilities
	location *time.Location
	expires  *widget.Label // the countdown
	flash    *widget.Label // "Copied …", "Renewed …", "Asking … for a new token…"
	secrets  []*secretRow
	reveal   *button
	revealed bool // the secrets show in full
}

// newTokenCard is provider i's token card; refreshing says that its
// Refresh runs, revealed that the secrets show in full.
func newTokenCard(i int, st auth.Status, act panelActions, refreshing, revealed bool) *tokenCard {
	c := &tokenCard{account: st.Account, can: st.Can, location: act.location}
	rows := c.rows(act.now())
	c.reveal = newButton(&widget.Button{Icon: theme.VisibilityIcon(), Text: lang.L("Reveal"), Importance: widget.LowImportance, OnTapped: func() { c.setRevealed(!c.revealed) }})
	c.setRevealed(revealed)
	c.flash = &widget.Label{Importance: widget.SuccessImportance, Truncation: fyne.TextTruncateEllipsis}
	c.flash.Hide()
	buttons := c.buttons(i, st, act, refreshing)
	parts := []fyne.CanvasObject{container.New(layout.NewFormLayout(), rows...)}
	if claims := accessTokenClaims(st.Account.Token.AccessToken, act.location); claims != nil {
		parts = append(parts, claims)
	}
	c.object = widget.NewCard("", "", container.NewVBox(append(parts, container.NewHBox(buttons...), c.flash)...))
	return c
}

// accessTokenClaims shows the claims of an access token that is a JWT
// (RFC 9068, or any compact JWT), decoded for reading, or returns nil for
// an opaque token. Latchkey does not verify them: the API does.
func accessTokenClaims(raw string, loc *time.Location) fyne.CanvasObject {
	claims, ok := auth.AccessTokenClaims(raw)
	if !ok {
		return nil
	}
	title := &widget.Label{Text: lang.L("Access token claims"), TextStyle: fyne.TextStyle{Bold: true}}
	note := quiet(lang.L("The access token is a JWT: what it says, decoded for reading and not verified by Latchkey (the API it is for checks it)."))
	note.Truncation, note.Wrapping = fyne.TextTruncateOff, fyne.TextWrapWord
	var cells []fyne.CanvasObject
	for _, r := range claimRows(claims, loc) {
		cells = append(cells, fieldName(r.name), &widget.Label{Text: safetext.Line(r.value, 0), Wrapping: fyne.TextWrapBreak, Selectable: true})
	}
	return container.NewVBox(widget.NewSeparator(), tight(title, note), container.New(layout.NewFormLayout(), cells...))
}

// rows are the card's form at now: scopes (where the provider grants
// them), obtained, expires, the refresh token or token secret held, and
// the secrets, masked.
func (c *tokenCard) rows(now time.Time) []fyne.CanvasObject {
	a, can := c.account, c.can
	tok := a.Token
	var rows []fyne.CanvasObject
	add := func(name string, v fyne.CanvasObject) { rows = append(rows, fieldName(name), v) }
	if can.Scoped {
		scopes := lang.L("none reported")
		if len(tok.Scopes) > 0 {
			scopes = strings.Join(tok.Scopes, " ")
		}
		add(lang.L("Scopes"), wrapped(scopes))
	}
	add(lang.L("Obtained"), value(formatTime(a.ObtainedAt, c.location)))
	c.expires = value("")
	add(lang.L("Expires"), c.expires)
	c.tick(now)
	switch {
	case can.Refreshable:
		add(lang.L("Refresh token"), value(held(tok.RefreshToken)))
	case slices.Contains(can.Copy, auth.CredTokenSecret):
		add(lang.L("Token secret"), value(held(tok.TokenSecret)))
	}
	c.secrets = []*secretRow{newSecretRow(tok.AccessToken)}
	name := lang.L("Access token")
	if tok.TokenType != "" {
		name = lang.X("token.typed", "Access token ({{.Type}})", map[string]any{"Type": tok.TokenType})
	}
	add(name, c.secrets[0].object)
	if slices.Contains(can.Credentials(a), auth.CredTokenSecret) {
		c.secrets = append(c.secrets, newSecretRow(tok.TokenSecret))
		add(lang.L("Secret"), c.secrets[1].object)
	}
	return rows
}

// buttons are the Copy buttons for the kinds the provider's accounts hold
// (the id_token's has its own card), Refresh where it can do anything,
// and Reveal. While a Refresh runs, its button says so and the flash line
// says what is asked.
func (c *tokenCard) buttons(i int, st auth.Status, act panelActions, refreshing bool) []fyne.CanvasObject {
	var buttons []fyne.CanvasObject
	for _, k := range c.can.Copy {
		if k == auth.CredIDToken {
			continue
		}
		buttons = append(buttons, newButton(&widget.Button{Text: wordsFor(k).button, Icon: theme.ContentCopyIcon(), OnTapped: func() { act.copy(i, k) }}))
	}
	if c.can.CanRefresh(c.account) {
		refresh := newButton(&widget.Button{Text: lang.L("Refresh"), Icon: theme.ViewRefreshIcon(), OnTapped: func() { act.refresh(i) }})
		if st.State == auth.StateRefreshable {
			refresh.Importance = widget.HighImportance
		}
		if refreshing {
			refresh.SetText(lang.L("Refreshing…"))
			refresh.Disable()
		}
		buttons = append(buttons, refresh)
	}
	if refreshing {
		c.flash.Importance = widget.MediumImportance
		c.flash.SetText(refreshProgress(st))
		c.flash.Show()
	}
	return append(buttons, layout.NewSpacer(), c.reveal)
}

// tick updates the countdown to now, redrawing it only when its text
// changed (each redraw repaints the window).
func (c *tokenCard) tick(now time.Time) {
	if text := expiryText(c.account, c.can, now, c.location); text != c.expires.Text {
		c.expires.SetText(text)
	}
}

// setRevealed shows or masks the secrets.
func (c *tokenCard) setRevealed(on bool) {
	c.revealed = on
	for _, s := range c.secrets {
		s.set(on)
	}
	if on {
		c.reveal.SetText(lang.L("Hide"))
		c.reveal.SetIcon(theme.VisibilityOffIcon())
	} else {
		c.reveal.SetText(lang.L("Reveal"))
		c.reveal.SetIcon(theme.VisibilityIcon())
	}
}

// held says whether a secret is held, without showing it.
func held(s string) string {
	if s != "" {
		return lang.L("Held in the keychain")
	}
	return lang.X("token.none", "None")
}
