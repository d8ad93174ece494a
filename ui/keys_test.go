package ui

import (
	"image/color"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/auth/authtest"
)

// press types key as the desktop driver does: to the focused widget, else
// to the canvas's handler.
func press(t *testing.T, c fyne.Canvas, key fyne.KeyName) {
	t.Helper()
	ev := &fyne.KeyEvent{Name: key}
	if f := c.Focused(); f != nil {
		f.TypedKey(ev)
		return
	}
	if h := c.OnTypedKey(); h != nil {
		h(ev)
	}
}

// shortcut types s as the desktop driver does: to the focused widget when
// it takes shortcuts, else to the canvas's.
func shortcut(c fyne.Canvas, s fyne.Shortcut) {
	if f, ok := c.Focused().(fyne.Shortcutable); ok {
		f.TypedShortcut(s)
		return
	}
	c.(fyne.Shortcutable).TypedShortcut(s)
}

func ctrl(k fyne.KeyName) fyne.Shortcut {
	return &desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierControl}
}

// keyButton finds the window's button with this text under root.
func (h *harness) keyButton(root fyne.CanvasObject, text string) *button {
	h.t.Helper()
	var found *button
	walk(root, func(o fyne.CanvasObject) {
		if b, ok := o.(*button); ok && b.Text == text && found == nil {
			found = b
		}
	})
	if found == nil {
		h.t.Fatalf("no visible %q button; the screen says: %s", text, textOf(root))
	}
	return found
}

// threeTOML is three providers that need no server.
var threeTOML = entry("one", "One") + entry("two", "Two") + entry("three", "Three")

func TestEnterPressesTheFocusedButton(t *testing.T) {
	path := filepath.Join(t.TempDir(), "providers.toml")
	saveConfig(t, path, threeTOML)
	h := newHarness(t, setup{toml: threeTOML, path: path}).start()
	c := h.w.win.Canvas()
	c.Focus(h.keyButton(c.Content(), "Edit"))
	press(t, c, fyne.KeyReturn)
	h.wait(evEditorOpen)
	if h.w.editor == nil {
		t.Fatalf("Enter on Edit did not open the form; the window shows: %s", h.overlayText())
	}
	// Escape closes it, whatever in it has the focus: a field…
	if _, ok := c.Focused().(*textEntry); !ok {
		c.Focus(firstOf[*textEntry](h.overlay()))
	}
	press(t, c, fyne.KeyEscape)
	if h.w.editor != nil || c.Overlays().Top() != nil {
		t.Fatal("Escape in a field of the form did not close it")
	}
	// … or a button of it.
	c.Focus(h.keyButton(c.Content(), "Edit"))
	press(t, c, fyne.KeyEnter)
	h.wait(evEditorOpen)
	c.Focus(h.keyButton(h.overlay(), "Save"))
	press(t, c, fyne.KeyEscape)
	if h.w.editor != nil || c.Overlays().Top() != nil {
		t.Fatal("Escape on the form's Save button did not close it")
	}
	// … or a choice in it.
	c.Focus(h.keyButton(c.Content(), "Edit"))
	press(t, c, fyne.KeyEnter)
	h.wait(evEditorOpen)
	sel := firstOf[*selectBox](h.overlay())
	if sel == nil {
		t.Fatalf("the form has no choice field: %s", h.overlayText())
	}
	c.Focus(sel)
	press(t, c, fyne.KeyEscape)
	if h.w.editor != nil || c.Overlays().Top() != nil {
		t.Fatal("Escape on a choice of the form did not close it")
	}
}

// firstOf is the first visible T under root.
func firstOf[T fyne.CanvasObject](root fyne.CanvasObject) T {
	var found T
	done := false
	walk(root, func(o fyne.CanvasObject) {
		if v, ok := o.(T); ok && !done {
			found, done = v, true
		}
	})
	return found
}

func TestEscapeWithADialogButtonFocused(t *testing.T) {
	h := newHarness(t, setup{toml: threeTOML}).start()
	c := h.w.win.Canvas()

	// Remove asks first; its Cancel has the focus, Tab moves it to Remove.
	c.Focus(h.keyButton(c.Content(), "Remove"))
	press(t, c, fyne.KeySpace)
	h.overlay()
	if b, ok := c.Focused().(*button); !ok || b.Text != "Cancel" {
		t.Fatalf("the question shows with %v focused, want its Cancel", c.Focused())
	}
	c.Focus(h.keyButton(h.overlay(), "Remove"))
	press(t, c, fyne.KeyEscape)
	if top := c.Overlays().Top(); top != nil {
		t.Fatalf("Escape with Remove focused left the dialog: %s", textOf(top))
	}
	if len(h.w.status) != 3 {
		t.Fatalf("Escape removed the provider: %d left", len(h.w.status))
	}

	// An error dialog, its Close focused.
	h.w.showError("Something went wrong", "Words for a person.")
	c.Focus(h.keyButton(h.overlay(), "Close"))
	press(t, c, fyne.KeyEscape)
	if top := c.Overlays().Top(); top != nil {
		t.Fatalf("Escape with Close focused left the error: %s", textOf(top))
	}

	// The picker (Ctrl+N), its search field focused, then its Cancel.
	shortcut(c, ctrl(fyne.KeyN))
	if h.w.picker == nil {
		t.Fatal("Ctrl+N did not open Add provider")
	}
	if _, ok := c.Focused().(*textEntry); !ok {
		t.Fatalf("the picker shows with %T focused, want its search field", c.Focused())
	}
	press(t, c, fyne.KeyEscape)
	if h.w.picker != nil || c.Overlays().Top() != nil {
		t.Fatal("Escape in the picker's search field did not close it")
	}
	shortcut(c, ctrl(fyne.KeyN))
	c.Focus(h.keyButton(h.overlay(), "Cancel"))
	press(t, c, fyne.KeyEscape)
	if h.w.picker != nil || c.Overlays().Top() != nil {
		t.Fatal("Escape on the picker's Cancel did not close it")
	}
}

func TestErrorOverADialogGivesEscapeBack(t *testing.T) {
	h := newHarness(t, setup{toml: threeTOML}).start()
	c := h.w.win.Canvas()
	shortcut(c, ctrl(fyne.KeyN))
	h.w.showError("Something went wrong", "Words for a person.")
	press(t, c, fyne.KeyEscape) // the error
	if h.w.picker == nil {
		t.Fatal("Escape closed the picker under the error")
	}
	press(t, c, fyne.KeyEscape) // then the picker
	if h.w.picker != nil {
		t.Fatal("the second Escape did not close the picker")
	}
}

func TestArrowsMoveInTheList(t *testing.T) {
	h := newHarness(t, setup{toml: threeTOML}).start()
	c := h.w.win.Canvas()
	if h.w.selected != 0 {
		t.Fatalf("the window starts on row %d", h.w.selected)
	}
	press(t, c, fyne.KeyDown) // nothing focused: the list takes the focus
	if c.Focused() != fyne.Focusable(h.w.list) {
		t.Fatalf("Down with nothing focused focused %T, want the list", c.Focused())
	}
	for _, step := range []struct {
		key  fyne.KeyName
		want int
	}{{"", 1}, {fyne.KeyDown, 2}, {fyne.KeyDown, 2}, {fyne.KeyUp, 1}, {fyne.KeyUp, 0}, {fyne.KeyUp, 0}} {
		if step.key != "" {
			press(t, c, step.key)
		}
		if h.w.selected != step.want {
			t.Fatalf("after %q the list selects row %d, want %d", step.key, h.w.selected, step.want)
		}
		if name := h.w.cfg.Providers[step.want].DisplayName(); h.w.detail.heading.Text != name {
			t.Fatalf("after %q the panel shows %q, want %q", step.key, h.w.detail.heading.Text, name)
		}
	}

	// A click elsewhere, then the arrows go on from there.
	c.Unfocus()
	h.w.list.Select(2)
	c.Focus(h.w.list)
	press(t, c, fyne.KeyUp)
	if h.w.selected != 1 {
		t.Fatalf("Up from row 2 selects row %d", h.w.selected)
	}

	// Enter opens the selected provider: the focus is on its main action.
	press(t, c, fyne.KeyReturn)
	b, ok := c.Focused().(*button)
	if !ok || b.Text != "Sign in" {
		t.Fatalf("Enter on the list focused %v, want the panel's Sign in", c.Focused())
	}
	// F5 and Escape on a button reach the window (F5 reads the accounts again).
	press(t, c, fyne.KeyF5)
	h.wait(evStatuses)
}

func TestListFocusField(t *testing.T) {
	_ = test.NewTempApp(t)
	l := newList(func() int { return 3 }, func() fyne.CanvasObject { return widget.NewLabel("") }, func(widget.ListItemID, fyne.CanvasObject) {})
	if _, ok := listFocus(l.List); !ok {
		t.Fatal("widget.List has no currentFocus field any more: the arrows cannot move the selection (widgets.go listFocus)")
	}
	moveListFocus(l.List, 2)
	if f, _ := listFocus(l.List); f != 2 {
		t.Fatalf("moveListFocus(2) left the focus on %d", f)
	}
	l.Select(1)
	if sel, ok := l.selectedRow(); !ok || sel != 1 {
		t.Fatalf("selectedRow = %d, %v after Select(1)", sel, ok)
	}
}

func TestQuitAndCloseShortcuts(t *testing.T) {
	h := newHarness(t, setup{toml: threeTOML}).start()
	c := h.w.win.Canvas()
	app := &quitApp{App: h.app}
	win := &closeWin{Window: h.w.win}
	h.w.app, h.w.win = app, win

	// With a field focused too: the field passes them on.
	shortcut(c, ctrl(fyne.KeyN))
	shortcut(c, ctrl(fyne.KeyW))
	if win.closed+win.hidden != 1 {
		t.Fatalf("Ctrl+W closed %d and hid %d times, want once", win.closed, win.hidden)
	}
	shortcut(c, ctrl(fyne.KeyQ))
	if app.quits != 1 {
		t.Fatalf("Ctrl+Q quit %d times, want once", app.quits)
	}
	press(t, c, fyne.KeyEscape)
	c.Unfocus()
	h.w.quitting = false // quit acts once per run (lifecycle.go): ask it again
	shortcut(c, ctrl(fyne.KeyQ))
	if app.quits != 2 {
		t.Fatalf("Ctrl+Q with nothing focused quit %d times in all, want 2", app.quits)
	}
}

type quitApp struct {
	fyne.App
	quits int
}

func (a *quitApp) Quit() { a.quits++ }

type closeWin struct {
	fyne.Window
	closed, hidden int
}

func (w *closeWin) Close() { w.closed++ }
func (w *closeWin) Hide()  { w.hidden++ }

func TestCopyAndRefreshKeys(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	h := newHarness(t, setup{toml: idpTOML(idp)}).start()
	h.signIn(0, true)
	c := h.w.win.Canvas()
	token := h.w.status[0].Account.Token.AccessToken

	h.app.Clipboard().SetContent("something else")
	c.Focus(h.keyButton(c.Content(), "Sign out")) // a button: Ctrl+C is the window's
	shortcut(c, &fyne.ShortcutCopy{Clipboard: h.app.Clipboard()})
	h.wait(evCopied)
	if got := h.app.Clipboard().Content(); got != token {
		t.Fatalf("Ctrl+C put %d characters on the clipboard, want the access token", len(got))
	}

	// In a text field Ctrl+C is the field's.
	h.app.Clipboard().SetContent("something else")
	shortcut(c, ctrl(fyne.KeyN))
	search := c.Focused().(*textEntry)
	search.SetText("abc")
	shortcut(c, &fyne.ShortcutCopy{Clipboard: h.app.Clipboard()})
	if got := h.app.Clipboard().Content(); got == token {
		t.Fatal("Ctrl+C in a text field copied the token")
	}
	press(t, c, fyne.KeyEscape)

	// F5 on a signed-in account with a refresh token: Refresh.
	before := idp.RefreshGrants()
	c.Unfocus()
	press(t, c, fyne.KeyF5)
	h.wait(evRefreshed)
	if n := idp.RefreshGrants(); n != before+1 {
		t.Fatalf("F5 made %d refresh requests, want 1", n-before)
	}
	if h.w.status[0].Account.Token.AccessToken == token {
		t.Fatal("after F5 the panel shows the old token")
	}
}

func TestFocusRingShows(t *testing.T) {
	h := newHarness(t, setup{toml: threeTOML}).start()
	c := h.w.win.Canvas()
	for _, text := range []string{"Sign in", "Edit", "Remove"} {
		b := h.keyButton(c.Content(), text)
		r := test.WidgetRenderer(b).(*ringRenderer)
		if r.ring.Visible() {
			t.Fatalf("%s shows a focus ring before it has the focus", text)
		}
		c.Focus(b)
		if !r.ring.Visible() || r.ring.StrokeWidth < 2 || r.ring.StrokeColor != focusRingColor() {
			t.Fatalf("%s focused: ring visible %v, width %v, colour %v", text, r.ring.Visible(), r.ring.StrokeWidth, r.ring.StrokeColor)
		}
		c.Unfocus()
		if r.ring.Visible() {
			t.Fatalf("%s keeps its ring after losing the focus", text)
		}
	}
}

// contrast is the WCAG contrast ratio of a and b.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func luminance(c color.Color) float64 {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(n.R) + 0.7152*lin(n.G) + 0.0722*lin(n.B)
}

// over is c drawn over an opaque bg.
func over(c, bg color.Color) color.Color {
	f, b := color.NRGBAModel.Convert(c).(color.NRGBA), color.NRGBAModel.Convert(bg).(color.NRGBA)
	a := float64(f.A) / 255
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x)*a + float64(y)*(1-a))) }
	return color.NRGBA{mix(f.R, b.R), mix(f.G, b.G), mix(f.B, b.B), 0xff}
}

func TestFocusRingContrast(t *testing.T) {
	// The ring is drawn just outside the button: it must stand out from
	// the window's background and from the button's own colour, for every
	// importance, in light and dark (WCAG's 3:1 for a non-text mark).
	// (It is drawn ringOffset outside the button, so a line of the
	// background always lies between the two: what must contrast is the
	// ring and the background; it also differs from every button colour.)
	colours := map[string]fyne.ThemeColorName{
		"medium": theme.ColorNameButton, "high": theme.ColorNamePrimary, "danger": theme.ColorNameError,
		"low": theme.ColorNameBackground, "input": theme.ColorNameInputBackground,
		"warning": theme.ColorNameWarning, "success": theme.ColorNameSuccess,
	}
	if ringOffset <= ringWidth {
		t.Fatalf("the ring (%v wide) is drawn %v outside the button: it touches the button's colour", ringWidth, ringOffset)
	}
	for _, choice := range []string{themeLight, themeDark} {
		th := newTheme(choice)
		bg := th.Color(theme.ColorNameBackground, theme.VariantLight)
		ring := th.Color(colorNameFocusRing, theme.VariantLight)
		for name, cn := range colours {
			want := 3.0
			if name == "warning" || name == "success" {
				want = 1.3 // light colours in both variants: kept apart by the gap
			}
			if got := contrast(ring, over(th.Color(cn, theme.VariantLight), bg)); got < want {
				t.Errorf("%s: the focus ring's contrast with a %s button is %.2f, want at least %v", choice, name, got, want)
			}
		}
		// The focus tint (a focused list row) differs from the selection's.
		tint := over(th.Color(theme.ColorNameFocus, theme.VariantLight), bg)
		sel := over(th.Color(theme.ColorNameSelection, theme.VariantLight), bg)
		if got := contrast(tint, bg); got < 1.3 {
			t.Errorf("%s: a focused row's tint has contrast %.2f with the background", choice, got)
		}
		if tint == sel {
			t.Errorf("%s: a focused row looks like a selected one", choice)
		}
	}
}

func TestThemeChoice(t *testing.T) {
	def := theme.DefaultTheme()
	for _, tc := range []struct {
		choice string
		asked  fyne.ThemeVariant
		want   fyne.ThemeVariant
	}{
		{"", theme.VariantDark, theme.VariantDark},
		{"", theme.VariantLight, theme.VariantLight},
		{themeSystem, theme.VariantDark, theme.VariantDark},
		{themeSystem, theme.VariantLight, theme.VariantLight},
		{themeLight, theme.VariantDark, theme.VariantLight},
		{themeDark, theme.VariantLight, theme.VariantDark},
	} {
		th := newTheme(tc.choice)
		for _, n := range []fyne.ThemeColorName{theme.ColorNameBackground, theme.ColorNameForeground, theme.ColorNameButton} {
			if got, want := th.Color(n, tc.asked), def.Color(n, tc.want); got != want {
				t.Errorf("theme %q asked for %s in variant %d: %v, want the %d variant's %v", tc.choice, n, tc.asked, got, tc.want, want)
			}
		}
		if got, want := th.Color(colorNameFocusRing, tc.asked), color.Color(focusRingFor(tc.want)); got != want {
			t.Errorf("theme %q: focus ring %v, want %v", tc.choice, got, want)
		}
	}
}

// similarTOML has names that differ only late, and one very long.
var similarTOML = entry("work", "GitHub Enterprise (work)") + entry("home", "GitHub Enterprise (home)") +
	entry("long", "The Extraordinarily Long Name of an Identity Provider for Testing Layouts (staging)") +
	entry("long2", "The Extraordinarily Long Name of an Identity Provider for Testing Layouts (production)")

func TestSmallestWindowNothingOverlaps(t *testing.T) {
	h := newHarness(t, setup{toml: similarTOML}).start()
	min := h.w.win.Content().MinSize()
	// The narrowest the window can be: its content's MinSize (the test
	// canvas pads the content, as the desktop's does not).
	h.w.win.Resize(fyne.NewSize(min.Width+2*theme.Padding(), 600))
	if min.Width < 550 {
		t.Logf("the window's minimum is %v", min)
	}
	drawn := map[string]int{}
	rows := 0
	walk(h.w.list, func(o fyne.CanvasObject) {
		r, ok := o.(*providerRow)
		if !ok {
			return
		}
		rows++
		name, protocol := r.name, r.protocol
		np, pp := fyne.CurrentApp().Driver().AbsolutePositionForObject(name), fyne.CurrentApp().Driver().AbsolutePositionForObject(protocol)
		if np.X+name.Size().Width > pp.X {
			t.Errorf("%q (to %v) runs into its protocol (from %v)", name.Text, np.X+name.Size().Width, pp.X)
		}
		if want := fyne.MeasureText(protocol.String(), theme.CaptionTextSize(), fyne.TextStyle{}).Width; protocol.Size().Width < want {
			t.Errorf("the protocol of %q is %v wide, its text %v", name.Text, protocol.Size().Width, want)
		}
		text := shownText(name)
		drawn[text]++
		if !strings.HasSuffix(text, "…") && text != name.Text {
			t.Errorf("row %q draws %q", name.Text, text)
		}
		if len(name.Text) < 40 && text != name.Text {
			t.Errorf("%q is cut to %q at the smallest size", name.Text, text)
		}
	})
	if rows != 4 {
		t.Fatalf("the list draws %d rows, want 4", rows)
	}
	for text, n := range drawn {
		if n > 1 {
			t.Errorf("%d rows read %q", n, text)
		}
	}
	// The panel names the provider in full.
	h.w.list.Select(2)
	if got := h.w.detail.heading.Text; got != h.w.cfg.Providers[2].DisplayName() || h.w.detail.heading.Truncation != fyne.TextTruncateOff {
		t.Errorf("the panel's heading is %q (truncation %d)", got, h.w.detail.heading.Truncation)
	}
}

// shownText is the text label l draws (after any ellipsis).
func shownText(l *widget.Label) string {
	var parts []string
	walk(l, func(o fyne.CanvasObject) {
		if t, ok := o.(*canvas.Text); ok {
			parts = append(parts, t.Text)
		}
	})
	return strings.Join(parts, "")
}

func TestEscapeOnACheckBox(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	h := newHarness(t, setup{toml: idpTOML(idp)}).start()
	h.signIn(0, true)
	c := h.w.win.Canvas()
	c.Focus(h.keyButton(c.Content(), "Remove"))
	press(t, c, fyne.KeyEnter)
	box := firstOf[*checkBox](h.overlay())
	if box == nil {
		t.Fatalf("the question has no check box: %s", h.overlayText())
	}
	c.Focus(box)
	press(t, c, fyne.KeyEscape)
	if top := c.Overlays().Top(); top != nil {
		t.Fatalf("Escape with the check box focused left the dialog: %s", textOf(top))
	}
	if h.w.status[0].Account == nil {
		t.Fatal("Escape signed out")
	}
}

func TestFocusScrollsIntoView(t *testing.T) {
	idp := authtest.NewOAuth2(t)
	h := newHarness(t, setup{toml: idpTOML(idp)}).start()
	h.signIn(0, true)
	h.w.win.Resize(fyne.NewSize(800, 420))
	c := h.w.win.Canvas()
	s := h.w.detail.scroll
	var last *button
	walkObjects(h.w.detail.box, func(o fyne.CanvasObject) {
		if b, ok := o.(*button); ok {
			last = b
		}
	})
	if last == nil {
		t.Fatal("the panel has no button")
	}
	d := fyne.CurrentApp().Driver()
	inView := func() bool {
		y := d.AbsolutePositionForObject(last).Y - d.AbsolutePositionForObject(s).Y
		return y >= 0 && y+last.Size().Height <= s.Size().Height
	}
	if inView() {
		t.Fatalf("%q shows without scrolling: the test tests nothing", last.Text)
	}
	c.Focus(last)
	if !inView() || s.Offset.Y <= 0 {
		t.Fatalf("focused %q is not scrolled into view (offset %v)", last.Text, s.Offset)
	}
	// And back up: the first button.
	first := firstOf[*button](h.w.detail.box)
	c.Focus(first)
	if y := d.AbsolutePositionForObject(first).Y - d.AbsolutePositionForObject(s).Y; y < 0 {
		t.Fatalf("focused %q is above the view (%v)", first.Text, y)
	}
}
