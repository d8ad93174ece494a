package ui

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/assets/lang"
	"latchkey/auth"
)

// knownClaims are the id_token claims shown first, in this order, with
// their meaning (OpenID Connect Core §2, RFC 7519 §4.1); the others follow
// in alphabetical order under their own names.
func knownClaims() []struct{ name, words string } {
	return []struct{ name, words string }{
		{"iss", lang.X("claim.iss", "Issuer")},
		{"sub", lang.X("claim.sub", "Subject")},
		{"aud", lang.X("claim.aud", "Audience")},
		{"azp", lang.X("claim.azp", "Authorized party")},
		{"exp", lang.L("Expires")},
		{"iat", lang.X("claim.iat", "Issued")},
		{"auth_time", lang.X("claim.auth_time", "Signed in")},
		{"nbf", lang.X("claim.nbf", "Not before")},
	}
}

// timeClaims hold a NumericDate (seconds since 1970, RFC 7519 §2): they
// are shown as times.
var timeClaims = map[string]bool{"exp": true, "iat": true, "auth_time": true, "nbf": true, "updated_at": true}

// claimRow is one claim as the panel shows it.
type claimRow struct {
	name  string // "Issuer (iss)", or the claim's own name
	value string
}

// claimRows returns claims in the order the panel shows them, with times
// in the time zone loc.
func claimRows(claims map[string]any, loc *time.Location) []claimRow {
	var rows []claimRow
	seen := map[string]bool{}
	for _, k := range knownClaims() {
		if v, ok := claims[k.name]; ok {
			rows = append(rows, claimRow{k.words + " (" + k.name + ")", claimValue(k.name, v, loc)})
			seen[k.name] = true
		}
	}
	var rest []string
	for name := range claims {
		if !seen[name] {
			rest = append(rest, name)
		}
	}
	slices.Sort(rest)
	for _, name := range rest {
		rows = append(rows, claimRow{name, claimValue(name, claims[name], loc)})
	}
	return rows
}

// claimValue renders one claim's value: a time for a NumericDate claim,
// "a, b" for a list of strings (aud), a string as it is, and anything else
// as compact JSON. Times are shown in the time zone loc.
func claimValue(name string, v any, loc *time.Location) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		if timeClaims[name] && math.Abs(v) < 1e12 { // beyond: not a plausible time
			sec, frac := math.Modf(v)
			t := time.Unix(int64(sec), int64(frac*1e9)).In(loc)
			return t.Format(lang.X("time.layout.seconds", "2 Jan 2006, 15:04:05")) + " (" + number(v) + ")"
		}
		return number(v)
	case []any:
		parts := make([]string, 0, len(v))
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return compactJSON(v)
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, ", ")
	}
	return compactJSON(v)
}

// number renders a JSON number as written: 1741957230, 0.5, 1e+300.
func number(v float64) string {
	if math.Abs(v) < 1e15 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// compactJSON renders any other claim value as compact JSON.
func compactJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "?"
	}
	return string(b)
}

// idTokenCard shows the claims of an account's id_token (OpenID Connect),
// decoded for reading: it was verified when Latchkey received it, and
// nothing here checks it again. Copy id_token copies the raw token, and a
// line of its own says so.
type idTokenCard struct {
	object fyne.CanvasObject
	flash  *widget.Label // "Copied the id_token …"
}

// newIDTokenCard is the id_token card of provider i, whose status is st.
func newIDTokenCard(i int, st auth.Status, act panelActions) *idTokenCard {
	c := &idTokenCard{}
	title := &widget.Label{Text: lang.L("ID token"), TextStyle: fyne.TextStyle{Bold: true}}
	note := quiet(lang.L("What the provider says about you in the id_token, checked when Latchkey received it."))
	note.Truncation, note.Wrapping = fyne.TextTruncateOff, fyne.TextWrapWord

	var body fyne.CanvasObject
	claims, err := auth.IDTokenClaims(st.Account.Credential(auth.CredIDToken))
	if err != nil {
		body = &widget.Label{Text: lang.X("idtoken.unreadable", "Latchkey cannot show its claims: {{.Words}}.", map[string]any{"Words": auth.Describe(err, auth.Window)}), Wrapping: fyne.TextWrapWord, Importance: widget.WarningImportance}
	} else {
		var cells []fyne.CanvasObject
		for _, r := range claimRows(claims, act.location) {
			cells = append(cells, fieldName(r.name), &widget.Label{Text: r.value, Wrapping: fyne.TextWrapBreak, Selectable: true})
		}
		body = container.New(layout.NewFormLayout(), cells...)
	}
	copyBtn := newButton(&widget.Button{Text: wordsFor(auth.CredIDToken).button, Icon: theme.ContentCopyIcon(), OnTapped: func() { act.copy(i, auth.CredIDToken) }})
	c.flash = &widget.Label{Importance: widget.SuccessImportance, Truncation: fyne.TextTruncateEllipsis}
	c.flash.Hide()
	c.object = widget.NewCard("", "", container.NewVBox(tight(title, note), body, container.NewHBox(copyBtn), c.flash))
	return c
}
