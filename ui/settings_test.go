package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/assets/lang"
)

type widgetCheck = widget.Check

// findCheck is the visible check box with this text under root, or nil.
func findCheck(root fyne.CanvasObject, text string) *widget.Check {
	var found *widget.Check
	walk(root, func(o fyne.CanvasObject) {
		if c, ok := o.(*checkBox); ok && c.Text == text && found == nil {
			found = c.Check // the window's check boxes are its own kind (widgets.go)
		}
	})
	return found
}

// settingsText is the Settings dialog's text: textOf, and the form's
// labels and check boxes (which textOf does not read).
func settingsText(root fyne.CanvasObject) string {
	parts := []string{textOf(root)}
	walk(root, func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Form:
			for _, it := range w.Items {
				parts = append(parts, it.Text)
			}
		case *checkBox:
			parts = append(parts, "["+w.Text+"]")
		}
	})
	return strings.Join(parts, " | ")
}

// selects are the visible drop-downs under root, in order.
func selects(root fyne.CanvasObject) []*widget.Select {
	var out []*widget.Select
	walk(root, func(o fyne.CanvasObject) {
		if s, ok := o.(*selectBox); ok {
			out = append(out, s.Select)
		}
	})
	return out
}

func TestSettingsDefaultsAndBounds(t *testing.T) {
	a := test.NewTempApp(t)
	p := a.Preferences()
	if got, want := loadSettings(p), (settings{clearAfter: 30 * time.Second, notify: true, keepInTray: true}); got != want {
		t.Errorf("defaults: %+v, want %+v", got, want)
	}
	for _, tc := range []struct {
		seconds int
		want    time.Duration
	}{{7, 10 * time.Second}, {45, time.Minute}, {1000, 5 * time.Minute}, {0, 0}, {-3, 0}, {120, 2 * time.Minute}} {
		p.SetInt(prefClearAfter, tc.seconds)
		if got := loadSettings(p).clearAfter; got != tc.want {
			t.Errorf("%d s stored: clear after %v, want %v", tc.seconds, got, tc.want)
		}
	}
	p.SetString(prefLanguage, "fr")
	p.SetString(prefTheme, "sepia")
	if s := loadSettings(p); s.language != "" || s.theme != "" {
		t.Errorf("unknown language and theme read as %q, %q, want the system's", s.language, s.theme)
	}
	s := settings{clearAfter: 10 * time.Second, notify: false, keepInTray: false, language: "ko", theme: "dark"}
	s.save(p)
	if got := loadSettings(p); got != s {
		t.Errorf("saved %+v, read back %+v", s, got)
	}
}

func TestSettingsDialog(t *testing.T) {
	t.Cleanup(func() { lang.Use("") })
	h := newHarness(t, setup{toml: workTOML}).start()
	var open *widget.Button
	walk(h.w.win.Content(), func(o fyne.CanvasObject) {
		if b, ok := o.(*button); ok && b.Icon == theme.SettingsIcon() && open == nil {
			open = b.Button
		}
	})
	if open == nil {
		t.Fatal("the window has no Settings button")
	}
	test.Tap(open)
	d := h.overlay()
	for _, want := range []string{"Settings", "Clear a copied token after", "Notifications", "Language", "Theme", "A new language applies fully after Latchkey is restarted."} {
		if !strings.Contains(settingsText(d), want) {
			t.Errorf("the Settings dialog lacks %q: %s", want, settingsText(d))
		}
	}
	sel := selects(d)
	if len(sel) != 3 {
		t.Fatalf("the Settings dialog has %d drop-downs, want 3 (clipboard, language, theme)", len(sel))
	}
	clear, language, look := sel[0], sel[1], sel[2]
	if clear.Selected != "30 s" || language.Selected != "The system's language" || look.Selected != "Follow the system" {
		t.Errorf("defaults shown: %q, %q, %q", clear.Selected, language.Selected, look.Selected)
	}
	if got := strings.Join(clear.Options, ", "); got != "10 s, 30 s, 1 min, 2 min, 5 min, Never" {
		t.Errorf("clipboard choices: %s", got)
	}

	clear.SetSelected("5 min")
	findCheck(d, "Show notifications").SetChecked(false)
	language.SetSelected("한국어")
	look.SetSelected("Dark")
	p := h.app.Preferences()
	if got := p.Int(prefClearAfter); got != 300 {
		t.Errorf("clipboard preference %d, want 300", got)
	}
	if p.BoolWithFallback(prefNotify, true) || h.w.settings.notify {
		t.Error("notifications still on after unchecking")
	}
	if got := p.String(prefLanguage); got != "ko" {
		t.Errorf("language preference %q, want ko", got)
	}
	if got := p.String(prefTheme); got != "dark" {
		t.Errorf("theme preference %q, want dark", got)
	}
	if h.w.settings.clearAfter != 5*time.Minute {
		t.Errorf("the window uses %v, want 5m", h.w.settings.clearAfter)
	}

	h.w.escape() // Escape closes it
	if h.overlayText() != "" {
		t.Errorf("Escape left the Settings dialog: %s", h.overlayText())
	}
	if got := loadSettings(p); got.clearAfter != 5*time.Minute || got.notify || got.language != "ko" || got.theme != "dark" {
		t.Errorf("a new start would read %+v", got)
	}
}

func TestSettingsButtonInEmptyState(t *testing.T) {
	h := newHarness(t, setup{}).start()
	var open *widget.Button
	walk(h.w.win.Content(), func(o fyne.CanvasObject) {
		if b, ok := o.(*button); ok && b.Icon == theme.SettingsIcon() {
			open = b.Button
		}
	})
	if open == nil {
		t.Fatalf("no Settings button without providers: %s", h.screen())
	}
	test.Tap(open)
	if !strings.Contains(settingsText(h.overlay()), "Clear a copied token after") {
		t.Errorf("the Settings button shows %q", settingsText(h.overlay()))
	}
}

func TestOpeningSettingsChangesNothing(t *testing.T) {
	h := newHarness(t, setup{toml: workTOML}).start()
	h.w.showSettings()
	for _, key := range []string{prefClearAfter, prefNotify, prefKeepInTray, prefLanguage, prefTheme} {
		if got := h.app.Preferences().String(key); got != "" {
			t.Errorf("opening Settings wrote %s = %q", key, got)
		}
	}
	if got := h.app.Preferences().IntWithFallback(prefClearAfter, -1); got != -1 {
		t.Errorf("opening Settings wrote %s = %d", prefClearAfter, got)
	}
	if got := h.app.Preferences().BoolWithFallback(prefNotify, false); got {
		t.Errorf("opening Settings wrote %s", prefNotify)
	}
}
