package ui

import (
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/assets/lang"
)

// settings are the person's choices, kept in Fyne's preferences
// (fyne.App.Preferences: a small file in the user's config folder). No
// secret ever goes there: only these five choices and whether the
// "keeps running in the tray" note was shown.
type settings struct {
	// clearAfter is how long a copied credential stays on the clipboard;
	// 0 means it is never cleared. One of clearChoices.
	clearAfter time.Duration
	// notify: notifications are shown (notify.go).
	notify bool
	// keepInTray: closing the window keeps Latchkey running in the
	// system tray, where one exists (tray.go).
	keepInTray bool
	// language is "" (the system's), "en" or "ko".
	language string
	// theme is "" (the system's light or dark), "light" or "dark".
	theme string
}

// The preference keys. Values: seconds (int, 0 = never), bools, strings.
const (
	prefClearAfter = "clipboard_clear_seconds"
	prefNotify     = "notifications"
	prefKeepInTray = "keep_in_tray"
	prefLanguage   = "language"
	prefTheme      = "theme"
	prefTrayTold   = "tray_note_shown" // the "keeps running in the tray" note was shown
)

// defaultClearAfter is how long a copied credential stays by default.
const defaultClearAfter = 30 * time.Second

// clearChoices are the clipboard timeouts offered; 0 is never.
var clearChoices = []time.Duration{10 * time.Second, 30 * time.Second, time.Minute, 2 * time.Minute, 5 * time.Minute, 0}

// The languages and themes offered, "" being the system's.
var (
	languageChoices = []string{"", "en", "ko"}
	themeChoices    = []string{"", "light", "dark"}
)

// loadSettings reads the settings from p; a value missing, or one this
// version does not offer, reads as its default.
func loadSettings(p fyne.Preferences) settings {
	s := settings{
		clearAfter: time.Duration(p.IntWithFallback(prefClearAfter, int(defaultClearAfter/time.Second))) * time.Second,
		notify:     p.BoolWithFallback(prefNotify, true),
		keepInTray: p.BoolWithFallback(prefKeepInTray, true),
		language:   p.StringWithFallback(prefLanguage, ""),
		theme:      p.StringWithFallback(prefTheme, ""),
	}
	if !slices.Contains(clearChoices, s.clearAfter) {
		s.clearAfter = nearestClearChoice(s.clearAfter)
	}
	if !slices.Contains(languageChoices, s.language) {
		s.language = ""
	}
	if !slices.Contains(themeChoices, s.theme) {
		s.theme = ""
	}
	return s
}

// nearestClearChoice is d brought into 10 s..5 min and onto the nearest
// choice at or above it (a value typed into the preferences by hand).
func nearestClearChoice(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	for _, c := range clearChoices {
		if c >= d {
			return c
		}
	}
	return 5 * time.Minute
}

// save writes s to p.
func (s settings) save(p fyne.Preferences) {
	p.SetInt(prefClearAfter, int(s.clearAfter/time.Second))
	p.SetBool(prefNotify, s.notify)
	p.SetBool(prefKeepInTray, s.keepInTray)
	p.SetString(prefLanguage, s.language)
	p.SetString(prefTheme, s.theme)
}

// applyStartSettings applies the stored language and theme, before the
// window is built (so that its words are in the chosen language).
func applyStartSettings(a fyne.App) settings {
	s := loadSettings(a.Preferences())
	lang.Use(s.language)
	a.Settings().SetTheme(newTheme(s.theme))
	return s
}

// afterWords is a clipboard timeout as a person reads it: "30 s",
// "2 min", or "Never".
func afterWords(d time.Duration) string {
	switch {
	case d <= 0:
		return lang.L("Never")
	case d < time.Minute:
		return lang.X("settings.seconds", "{{.N}} s", map[string]any{"N": int(d / time.Second)})
	}
	return lang.X("settings.minutes", "{{.N}} min", map[string]any{"N": int(d / time.Minute)})
}

// languageWords names a language choice. A language's own name is
// written in that language, as language menus do.
func languageWords(tag string) string {
	switch tag {
	case "en":
		return "English"
	case "ko":
		return "한국어"
	}
	return lang.L("The system's language")
}

// themeWords names a theme choice.
func themeWords(choice string) string {
	switch choice {
	case "light":
		return lang.L("Light")
	case "dark":
		return lang.L("Dark")
	}
	return lang.L("Follow the system")
}

// setSettings makes s the window's settings: saved, and applied at once
// where it changes something already showing (the theme; a new language
// applies to what is built from now on, so fully after a restart).
func (w *window) setSettings(s settings) {
	old := w.settings
	w.settings = s
	s.save(w.app.Preferences())
	if s.theme != old.theme {
		w.app.Settings().SetTheme(newTheme(s.theme))
	}
	if s.language != old.language {
		lang.Use(s.language)
	}
	if s.clearAfter != old.clearAfter {
		w.rearmClipboard()
	}
	if s.notify != old.notify {
		w.notices = map[string]notice{} // what was said before does not count now
	}
	w.updateTray()
}

// showSettings shows the Settings dialog: each choice applies and is
// saved as soon as it is made; Close closes it.
func (w *window) showSettings() {
	if w.settingsOpen != nil {
		return
	}
	form := w.settingsForm()
	d := dialog.NewCustomWithoutButtons(lang.L("Settings"), form, w.win)
	closeBtn := newButton(&widget.Button{Text: lang.L("Close"), OnTapped: func() { d.Hide() }})
	d.SetButtons([]fyne.CanvasObject{closeBtn})
	d.SetIcon(theme.SettingsIcon())
	d.SetOnClosed(func() {
		w.settingsOpen = nil
		w.escape = nil
	})
	w.settingsOpen = d
	w.escape = d.Hide
	d.Resize(dialogSize(d, w.win))
	d.Show()
}

// settingsForm is the Settings dialog's content.
func (w *window) settingsForm() fyne.CanvasObject {
	s := w.settings

	clearNames := make([]string, len(clearChoices))
	for i, c := range clearChoices {
		clearNames[i] = afterWords(c)
	}
	clear := newSelect(clearNames, nil)
	clear.SetSelectedIndex(slices.Index(clearChoices, s.clearAfter))
	clear.OnChanged = func(string) {
		s := w.settings
		s.clearAfter = clearChoices[clear.SelectedIndex()]
		w.setSettings(s)
	}

	// The check boxes are set before they are told what to do, so that
	// opening the dialog changes nothing.
	notify := newCheck(lang.L("Show notifications"), nil)
	notify.SetChecked(s.notify)
	notify.OnChanged = func(on bool) {
		s := w.settings
		s.notify = on
		w.setSettings(s)
	}

	tray := newCheck(lang.L("Keep running in the system tray when the window is closed"), nil)
	tray.SetChecked(s.keepInTray)
	tray.OnChanged = func(on bool) {
		s := w.settings
		s.keepInTray = on
		w.setSettings(s)
	}
	var trayNote fyne.CanvasObject = layoutNone()
	if w.tray == nil {
		tray.Disable()
		trayNote = quietWrapped(lang.L("No system tray was found on this desktop: closing the window quits Latchkey."))
	}

	langNames := make([]string, len(languageChoices))
	for i, c := range languageChoices {
		langNames[i] = languageWords(c)
	}
	language := newSelect(langNames, nil)
	language.SetSelectedIndex(slices.Index(languageChoices, s.language))
	language.OnChanged = func(string) {
		s := w.settings
		s.language = languageChoices[language.SelectedIndex()]
		w.setSettings(s)
	}
	langNote := quietWrapped(lang.L("A new language applies fully after Latchkey is restarted."))

	themeNames := make([]string, len(themeChoices))
	for i, c := range themeChoices {
		themeNames[i] = themeWords(c)
	}
	look := newSelect(themeNames, nil)
	look.SetSelectedIndex(slices.Index(themeChoices, s.theme))
	look.OnChanged = func(string) {
		s := w.settings
		s.theme = themeChoices[look.SelectedIndex()]
		w.setSettings(s)
	}

	f := widget.NewForm(
		widget.NewFormItem(lang.L("Clear a copied token after"), clear),
		widget.NewFormItem(lang.L("Notifications"), notify),
		widget.NewFormItem(lang.L("Closing the window"), container.NewVBox(tray, trayNote)),
		widget.NewFormItem(lang.L("Language"), container.NewVBox(language, langNote)),
		widget.NewFormItem(lang.L("Theme"), look),
	)
	return f
}

// layoutNone is an empty, invisible placeholder.
func layoutNone() fyne.CanvasObject {
	r := container.NewStack()
	r.Hide()
	return r
}
