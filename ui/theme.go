package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// newTheme is Latchkey's theme for a theme setting: "" or "system" follows
// the system's light or dark, "light" and "dark" force one.
// (Skeleton: the keyboard-and-layout work fills this in.)
func newTheme(choice string) fyne.Theme { return theme.DefaultTheme() }
