package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"latchkey/assets/lang"
	"latchkey/auth"
)

// personCard is the signed-in person: picture (or initials), name, e-mail,
// username and id.
type personCard struct {
	object fyne.CanvasObject
	name   *widget.Label
	email  *widget.Label // nil when there is none to show
	avatar *fyne.Container
	url    string // the picture's URL; "" when the profile has none
}

func newPersonCard(st auth.Status, act panelActions) *personCard {
	prof := st.Account.Profile
	c := &personCard{url: prof.Picture}
	c.name = &widget.Label{Text: prof.Display(), TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis}
	lines := []fyne.CanvasObject{c.name}
	if prof.Email != "" && prof.Email != prof.Display() {
		c.email = &widget.Label{Text: prof.Email, Truncation: fyne.TextTruncateEllipsis}
		lines = append(lines, c.email)
	}
	var ids []string
	if prof.Username != "" && prof.Username != prof.Display() {
		ids = append(ids, "@"+prof.Username)
	}
	if prof.Subject != "" {
		ids = append(ids, lang.X("person.id", "id {{.ID}}", map[string]any{"ID": prof.Subject}))
	}
	if len(ids) > 0 {
		lines = append(lines, quiet(strings.Join(ids, " · ")))
	}
	if note := prof.TrimmedNote(); note != "" {
		lines = append(lines, &widget.Label{Text: note, Wrapping: fyne.TextWrapWord, Importance: widget.WarningImportance})
	}
	c.avatar = container.NewStack(act.avatar(prof))
	// The labels sit in the Border's centre, at full width: a Center
	// container would shrink them to their (ellipsized) minimum.
	c.object = widget.NewCard("", "", container.NewBorder(nil, nil, container.NewCenter(c.avatar), nil, tightCentered(lines...)))
	return c
}

// setPicture shows res in place of the initials, when it is the picture
// at the card's URL.
func (c *personCard) setPicture(url string, res fyne.Resource) {
	if url == "" || url != c.url {
		return
	}
	c.avatar.Objects = []fyne.CanvasObject{avatarImage(res)}
	c.avatar.Refresh()
}
