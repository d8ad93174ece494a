package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/assets/lang"
	"latchkey/auth"
)

// newProblemCard says why st's account could not be read and what to do,
// with Try again.
func newProblemCard(st auth.Status, act panelActions) fyne.CanvasObject {
	again := newButton(&widget.Button{Text: lang.L("Try again"), Icon: theme.ViewRefreshIcon(), OnTapped: act.reload})
	msg := &widget.Label{Text: auth.Describe(st.Err, auth.Window), Wrapping: fyne.TextWrapWord, Selectable: true}
	return widget.NewCard("", "", container.NewVBox(msg, container.NewHBox(again)))
}
