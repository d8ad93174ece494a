package ui

import (
	"image/color"
	"reflect"

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

// button is a widget.Button the keyboard can press: Enter, Return and
// Space tap it, and the keys it has no use for go on to the window
// (keys.go: Escape closes the dialog it is in, F5 refreshes…), so a
// focused button swallows nothing. While focused it is drawn with a ring in
// the theme's focus-ring colour, outside its own colour, so focus shows on
// the coloured (High, Danger) buttons too. Every button of the window is
// one (newButton).
type button struct {
	*widget.Button
	focused bool
}

// newButton makes b a button of the window. b must not have been shown.
func newButton(b *widget.Button) *button {
	k := &button{Button: b}
	b.ExtendBaseWidget(k)
	return k
}

// TypedKey taps the button on Enter, Return or Space, and passes the
// other keys on to the window.
func (b *button) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter, fyne.KeySpace:
		b.Tapped(nil)
	default:
		passKey(b, ev)
	}
}

// FocusGained shows the ring and scrolls the button into view.
func (b *button) FocusGained() {
	b.focused = true
	b.Button.FocusGained()
	reveal(b)
}

// FocusLost hides the ring.
func (b *button) FocusLost() {
	b.focused = false
	b.Button.FocusLost()
}

// CreateRenderer is the button's own, with the focus ring over it.
func (b *button) CreateRenderer() fyne.WidgetRenderer {
	return newRingRenderer(b.Button.CreateRenderer(), func() bool { return b.focused && !b.Disabled() })
}

// ringRenderer draws a focus ring around what inner draws while focused
// says so.
type ringRenderer struct {
	fyne.WidgetRenderer
	ring    *canvas.Rectangle
	focused func() bool
}

func newRingRenderer(inner fyne.WidgetRenderer, focused func() bool) *ringRenderer {
	r := &ringRenderer{WidgetRenderer: inner, ring: canvas.NewRectangle(color.Transparent), focused: focused}
	r.applyRing()
	return r
}

// ringOffset is how far outside the widget the ring is drawn, ringWidth
// how thick: a line of the background stays between the ring and the
// button's own colour.
const (
	ringOffset = 4
	ringWidth  = 2
)

func (r *ringRenderer) Objects() []fyne.CanvasObject {
	objs := r.WidgetRenderer.Objects()
	return append(objs[:len(objs):len(objs)], r.ring)
}

func (r *ringRenderer) Layout(size fyne.Size) {
	r.WidgetRenderer.Layout(size)
	r.ring.Move(fyne.NewPos(-ringOffset, -ringOffset))
	r.ring.Resize(size.AddWidthHeight(2*ringOffset, 2*ringOffset))
}

func (r *ringRenderer) Refresh() {
	r.applyRing()
	r.WidgetRenderer.Refresh()
}

func (r *ringRenderer) applyRing() {
	r.ring.FillColor = color.Transparent
	r.ring.StrokeColor = focusRingColor()
	r.ring.StrokeWidth = ringWidth
	r.ring.CornerRadius = theme.InputRadiusSize() + ringOffset
	if r.focused() {
		r.ring.Show()
	} else {
		r.ring.Hide()
	}
	r.ring.Refresh()
}

// textEntry is a widget.Entry that lets the window's keys through: Escape
// (which an entry has no use for) closes the dialog it is in, and the
// window's own shortcuts (Ctrl+Q, Ctrl+W, Ctrl+N) still work while it has
// the focus. Ctrl+C and the other editing keys stay the entry's.
type textEntry struct{ *widget.Entry }

// newEntry makes e an entry of the window. e must not have been shown.
func newEntry(e *widget.Entry) *textEntry {
	k := &textEntry{Entry: e}
	e.ExtendBaseWidget(k)
	return k
}

// TypedKey passes Escape and F5 on to the window, the rest to the entry.
func (e *textEntry) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyEscape, fyne.KeyF5:
		passKey(e, ev)
	default:
		e.Entry.TypedKey(ev)
	}
}

// TypedShortcut passes the window's shortcuts on to it, the rest to the
// entry.
func (e *textEntry) TypedShortcut(s fyne.Shortcut) {
	if windowShortcut(s) {
		passShortcut(e, s)
		return
	}
	e.Entry.TypedShortcut(s)
}

// FocusGained scrolls the entry into view.
func (e *textEntry) FocusGained() {
	e.Entry.FocusGained()
	reveal(e)
}

// list is a widget.List the keyboard can use: Up and Down move in it (with
// follow, the selection moves with them: the provider list), Enter and
// Return activate the focused row (onEnter, or select it when nil), and
// the keys it has no use for go on to the window.
type list struct {
	*widget.List
	follow  bool
	onEnter func()
}

// newList is widget.NewList, as a list of the window.
func newList(length func() int, create func() fyne.CanvasObject, update func(widget.ListItemID, fyne.CanvasObject)) *list {
	l := &list{List: &widget.List{Length: length, CreateItem: create, UpdateItem: update}}
	l.List.ExtendBaseWidget(l)
	return l
}

// TypedKey moves in the list, activates a row, or passes the key on.
func (l *list) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyUp, fyne.KeyDown:
		l.List.TypedKey(ev)
		if l.follow {
			if f, ok := listFocus(l.List); ok {
				l.Select(f)
			}
		}
	case fyne.KeyReturn, fyne.KeyEnter:
		if l.onEnter != nil {
			l.onEnter()
			return
		}
		l.List.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	case fyne.KeySpace:
		l.List.TypedKey(ev)
	default:
		passKey(l, ev)
	}
}

// FocusGained puts the list's keyboard focus on the selected row, so that
// the arrows move from there.
func (l *list) FocusGained() {
	l.List.FocusGained()
	if sel, ok := l.selectedRow(); ok {
		moveListFocus(l.List, sel)
	}
	reveal(l)
}

// selectedRow is the selected row, when one is (the window's lists
// select one at a time).
func (l *list) selectedRow() (widget.ListItemID, bool) {
	v := reflect.ValueOf(l.List).Elem().FieldByName("selected")
	if !v.IsValid() || v.Kind() != reflect.Slice || v.Len() == 0 {
		return 0, false
	}
	return widget.ListItemID(v.Index(0).Int()), true
}

// listFocus is the row of l that has the keyboard focus. widget.List keeps
// it to itself (Fyne 2.7.1: currentFocus), hence reflection, read-only;
// TestListFocusField fails when a Fyne release renames it.
func listFocus(l *widget.List) (widget.ListItemID, bool) {
	v := reflect.ValueOf(l).Elem().FieldByName("currentFocus")
	if !v.IsValid() || v.Kind() != reflect.Int {
		return 0, false
	}
	return widget.ListItemID(v.Int()), true
}

// moveListFocus moves l's keyboard focus to row target, with the arrow
// keys l answers to.
func moveListFocus(l *widget.List, target widget.ListItemID) {
	for range l.Length() {
		f, ok := listFocus(l)
		switch {
		case !ok || f == target:
			return
		case f < target:
			l.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
		default:
			l.TypedKey(&fyne.KeyEvent{Name: fyne.KeyUp})
		}
	}
}

// selectBox is a widget.Select that passes Escape and F5 on to the window
// (the arrows and Space open it, as Fyne's do).
type selectBox struct{ *widget.Select }

// newSelect is widget.NewSelect, as a select of the window.
func newSelect(options []string, changed func(string)) *selectBox {
	s := &widget.Select{Options: options, OnChanged: changed, PlaceHolder: widget.NewSelect(nil, nil).PlaceHolder}
	c := &selectBox{Select: s}
	s.ExtendBaseWidget(c)
	return c
}

func (c *selectBox) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyEscape, fyne.KeyF5:
		passKey(c, ev)
	default:
		c.Select.TypedKey(ev)
	}
}

func (c *selectBox) FocusGained() {
	c.Select.FocusGained()
	reveal(c)
}

// checkBox is a widget.Check that passes the keys on to the window (Space,
// which toggles it, comes as a rune).
type checkBox struct{ *widget.Check }

// newCheck is widget.NewCheck, as a check box of the window.
func newCheck(label string, changed func(bool)) *checkBox {
	k := &checkBox{Check: &widget.Check{Text: label, OnChanged: changed}}
	k.Check.ExtendBaseWidget(k)
	return k
}

func (c *checkBox) TypedKey(ev *fyne.KeyEvent) { passKey(c, ev) }

func (c *checkBox) FocusGained() {
	c.Check.FocusGained()
	reveal(c)
}

// link is a widget.Hyperlink that Enter opens too, and that passes the
// other keys on to the window.
type link struct{ *widget.Hyperlink }

// newLink makes h a link of the window. h must not have been shown.
func newLink(h *widget.Hyperlink) *link {
	k := &link{Hyperlink: h}
	h.ExtendBaseWidget(k)
	return k
}

func (l *link) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter, fyne.KeySpace:
		l.Hyperlink.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	default:
		passKey(l, ev)
	}
}

func (l *link) FocusGained() {
	l.Hyperlink.FocusGained()
	reveal(l)
}
