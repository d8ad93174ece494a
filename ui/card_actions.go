package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/assets/lang"
	"latchkey/auth"
)

// accountActions are what can be done with a signed-in account, at the
// top of the panel: Sign in again, highlighted when the token is expiring
// without a refresh token, expired or refused, and Sign out.
type accountActions struct {
	object  fyne.CanvasObject
	signOut *button
}

func newAccountActions(i int, st auth.Status, act panelActions) *accountActions {
	importance := widget.MediumImportance
	if st.State == auth.StateExpiring || st.State == auth.StateExpired || st.State == auth.StateNeedsSignIn {
		importance = widget.HighImportance
	}
	signIn := newButton(&widget.Button{Text: lang.L("Sign in again"), Icon: theme.LoginIcon(), Importance: importance, OnTapped: func() { act.signIn(i) }})
	c := &accountActions{}
	c.signOut = newButton(&widget.Button{Text: lang.L("Sign out"), Icon: theme.LogoutIcon(), Importance: widget.DangerImportance, OnTapped: func() { act.signOut(i) }})
	c.object = container.NewVBox(container.NewHBox(signIn, c.signOut))
	return c
}

// setSigningOut disables Sign out while a sign-out runs.
func (c *accountActions) setSigningOut(busy bool) {
	if busy {
		c.signOut.Disable()
	} else {
		c.signOut.Enable()
	}
}

// newManageActions are what can be done with provider i's entry in
// providers.toml, beside its status line: Edit, Duplicate (a second
// account of the same provider) and Remove.
func newManageActions(i int, act panelActions) fyne.CanvasObject {
	edit := newButton(&widget.Button{Text: lang.L("Edit"), Icon: theme.DocumentCreateIcon(), Importance: widget.LowImportance, OnTapped: func() { act.edit(i) }})
	dup := newButton(&widget.Button{Text: lang.L("Duplicate"), Icon: theme.ContentCopyIcon(), Importance: widget.LowImportance, OnTapped: func() { act.duplicate(i) }})
	remove := newButton(&widget.Button{Text: lang.L("Remove"), Icon: theme.DeleteIcon(), Importance: widget.LowImportance, OnTapped: func() { act.remove(i) }})
	return container.NewHBox(edit, dup, remove)
}
