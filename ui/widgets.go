package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// masked stands in for a secret until the person presses Reveal.
const masked = "••••••••••••••••"

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

// tinted is a rounded background of the theme colour name, faint, with a
// border of the full colour.
func tinted(name fyne.ThemeColorName) fyne.CanvasObject {
	c := color.NRGBAModel.Convert(theme.Color(name)).(color.NRGBA)
	fill := c
	fill.A = 0x28
	bg := canvas.NewRectangle(fill)
	bg.StrokeColor = c
	bg.StrokeWidth = 1
	bg.CornerRadius = theme.InputRadiusSize()
	return bg
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

// columnLayout puts its objects in a column at most max wide, centred or
// at the leading edge, so lines stay readable on a wide window.
type columnLayout struct {
	max    float32
	center bool
}

func (l *columnLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	width := fyne.Min(size.Width, l.max)
	x := float32(0)
	if l.center {
		x = (size.Width - width) / 2
	}
	for _, o := range objs {
		o.Resize(fyne.NewSize(width, size.Height))
		o.Move(fyne.NewPos(x, 0))
	}
}

func (l *columnLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}
