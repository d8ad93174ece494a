package ui

import (
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"syscall"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/assets/lang"
)

// maxBannerProblems is how many config problems the banner lists; the
// rest are counted.
const maxBannerProblems = 3

// problemsBanner says what is wrong in the config file: which provider,
// which field, what to do, and where the file is, with a button that opens
// its folder. The providers without problems still work.
func (w *window) problemsBanner() fyne.CanvasObject {
	probs := w.cfg.Problems
	title := lang.X("banner.problems", "{{.File}} has {{.Count}} problems. The providers they concern are left out until the file is fixed; each save shows here at once.", map[string]any{"File": filepath.Base(w.cfg.Path), "Count": len(probs)})
	if len(probs) == 1 {
		title = lang.X("banner.problem", "{{.File}} has a problem. The provider it concerns is left out until the file is fixed; each save shows here at once.", map[string]any{"File": filepath.Base(w.cfg.Path)})
	}
	lines := []fyne.CanvasObject{&widget.Label{Text: title, TextStyle: fyne.TextStyle{Bold: true}, Wrapping: fyne.TextWrapWord}}
	for i, p := range probs {
		if i == maxBannerProblems {
			lines = append(lines, wrapped(lang.X("banner.more", "… and {{.Count}} more, listed here once these are fixed.", map[string]any{"Count": len(probs) - i})))
			break
		}
		lines = append(lines, &widget.Label{Text: "• " + p.Short(), Wrapping: fyne.TextWrapWord})
	}
	lines = append(lines, quiet(w.cfg.Path))

	open := newButton(&widget.Button{Text: lang.L("Open folder"), Icon: theme.FolderOpenIcon(), OnTapped: w.openConfigFolder})
	icon := widget.NewIcon(theme.NewWarningThemedResource(theme.WarningIcon()))
	body := container.NewBorder(nil, nil, container.NewVBox(icon), container.NewVBox(open), tight(lines...))
	return container.NewPadded(container.NewStack(tinted(theme.ColorNameWarning), container.NewPadded(body)))
}

// emptyState is the first-run guide, when no provider is usable: what
// Latchkey does in a line, Add provider, and where the config file is.
func (w *window) emptyState() fyne.CanvasObject {
	title := lang.L("No providers yet")
	intro := lang.L("Latchkey signs you in to your accounts at GitHub, Google, your company's single sign-on and other providers, and keeps the tokens in your keychain for your tools and scripts.")
	if len(w.cfg.Problems) > 0 {
		title = lang.L("No usable providers")
		intro = lang.L("Every provider in the config file has a problem (see above): fix them there (they show here as soon as the file is saved), or add a provider here.")
	}
	heading := &widget.Label{Text: title, TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameHeadingText, Alignment: fyne.TextAlignCenter}
	icon := container.NewCenter(container.NewGridWrap(fyne.NewSize(72, 72), widget.NewIcon(theme.NewDisabledResource(theme.AccountIcon()))))
	add := newButton(&widget.Button{Text: lang.L("Add provider"), Icon: theme.ContentAddIcon(), Importance: widget.HighImportance, OnTapped: w.showPicker})
	demo := newButton(&widget.Button{Text: lang.L("Try the demo"), Icon: theme.MediaPlayIcon(), OnTapped: w.tryDemo})
	demoLine := quiet(lang.L("No account anywhere? The demo signs you in to a provider that runs on this computer only."))
	demoLine.Truncation, demoLine.Wrapping = fyne.TextTruncateOff, fyne.TextWrapWord
	where := quiet(lang.L("Providers are kept in this file; you may edit it by hand too:"))
	where.Truncation, where.Wrapping = fyne.TextTruncateOff, fyne.TextWrapWord
	path := &widget.Label{Text: w.cfg.Path, TextStyle: fyne.TextStyle{Monospace: true}, Selectable: true, Wrapping: fyne.TextWrapBreak}
	open := newButton(&widget.Button{Text: lang.L("Open config folder"), Icon: theme.FolderOpenIcon(), Importance: widget.LowImportance, OnTapped: w.openConfigFolder})
	more := quiet(lang.L("docs/CONFIG.md describes every field."))
	more.Truncation, more.Wrapping = fyne.TextTruncateOff, fyne.TextWrapWord

	content := container.NewVBox(
		icon, heading, wrapped(intro),
		container.NewCenter(container.NewHBox(add, demo)), demoLine,
		where, path, container.NewHBox(open), more,
	)
	// A readable column, centred, rather than lines across a wide window.
	return container.NewPadded(container.New(&columnLayout{max: 620, center: true}, content))
}

// openConfigFolder opens the folder of the config file in the file
// manager, creating it first when it does not exist yet (as for a first
// run), so the person can put providers.toml there. A failure says which
// folder, and what to do, in words (never the Go error).
func (w *window) openConfigFolder() {
	dir := filepath.Dir(w.cfg.Path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		why := ""
		switch {
		case errors.Is(err, fs.ErrPermission):
			why = lang.X("banner.folder.denied", ": you may not write there")
		case errors.Is(err, syscall.ENOTDIR), errors.Is(err, fs.ErrExist):
			why = lang.X("banner.folder.file", ": a file is in the way of one of its folders")
		}
		w.showError(lang.L("Cannot open the config folder"), lang.X("banner.folder.create", "Latchkey could not create the folder {{.Folder}}{{.Why}}. Create it yourself, then put providers.toml in it.", map[string]any{"Folder": dir, "Why": why}))
		return
	}
	u, err := url.Parse(storage.NewFileURI(dir).String())
	if err == nil {
		err = w.openURL(u)
	}
	if err != nil {
		w.showError(lang.L("Cannot open the config folder"), lang.X("banner.folder.open", "No file manager opened the folder. Open {{.Folder}} yourself, then put providers.toml in it.", map[string]any{"Folder": dir}))
	}
}
