package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Theme choices (the Theme setting).
const (
	themeSystem = "system" // or "": follow the system's light or dark
	themeLight  = "light"
	themeDark   = "dark"
)

// colorNameFocusRing is the colour of the ring drawn around the focused
// control (widgets.go): strong, and contrasting with the window's
// background and with every button colour (TestFocusRingContrast).
const colorNameFocusRing fyne.ThemeColorName = "latchkeyFocusRing"

// Focus-ring colours: a deep blue on light, near white on dark.
var (
	focusRingLight = color.NRGBA{R: 0x0a, G: 0x1e, B: 0x5c, A: 0xff}
	focusRingDark  = color.NRGBA{R: 0xf4, G: 0xf8, B: 0xff, A: 0xff}
)

// newTheme is Latchkey's theme for a theme setting: "" or "system" follows
// the system's light or dark, "light" and "dark" force one. Over Fyne's
// default theme it adds the focus-ring colour and a stronger focus tint
// (the focused row of a list, the focused check box), so that the focus is
// clearly visible everywhere.
func newTheme(choice string) fyne.Theme {
	t := &latchTheme{Theme: theme.DefaultTheme()}
	switch choice {
	case themeLight:
		v := theme.VariantLight
		t.forced = &v
	case themeDark:
		v := theme.VariantDark
		t.forced = &v
	}
	return t
}

// latchTheme is Fyne's default theme, with Latchkey's focus colours and,
// when forced is set, always in that variant.
type latchTheme struct {
	fyne.Theme
	forced *fyne.ThemeVariant
}

func (t *latchTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.forced != nil {
		v = *t.forced
	}
	switch n {
	case colorNameFocusRing:
		return focusRingFor(v)
	case theme.ColorNameFocus:
		c := focusRingFor(v)
		c.A = 0x55
		return c
	}
	return t.Theme.Color(n, v)
}

// focusRingFor is the focus-ring colour of variant v.
func focusRingFor(v fyne.ThemeVariant) color.NRGBA {
	if v == theme.VariantDark {
		return focusRingDark
	}
	return focusRingLight
}

// focusRingColor is the focus-ring colour of the current theme; under a
// theme that is not Latchkey's (Fyne's own, e.g. in the test driver, which
// would complain of a colour it does not know) Latchkey's for its variant.
func focusRingColor() color.Color {
	s := fyne.CurrentApp().Settings()
	v := s.ThemeVariant()
	if t, ok := s.Theme().(*latchTheme); ok {
		return t.Color(colorNameFocusRing, v)
	}
	return focusRingFor(v)
}
