package ui

import (
	"errors"
	"fmt"
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
)

// maxBannerProblems is how many config problems the banner lists; the
// rest are counted.
const maxBannerProblems = 3

// problemsBanner says what is wrong in the config file: which provider,
// which field, what to do, and where the file is, with a button that opens
// its folder. The providers without problems still work.
func (w *window) problemsBanner() fyne.CanvasObject {
	probs := w.cfg.Problems
	title := fmt.Sprintf("%s has %d problems. The providers they concern are left out until the file is fixed; each save shows here at once.", filepath.Base(w.cfg.Path), len(probs))
	if len(probs) == 1 {
		title = fmt.Sprintf("%s has a problem. The provider it concerns is left out until the file is fixed; each save shows here at once.", filepath.Base(w.cfg.Path))
	}
	lines := []fyne.CanvasObject{&widget.Label{Text: title, TextStyle: fyne.TextStyle{Bold: true}, Wrapping: fyne.TextWrapWord}}
	for i, p := range probs {
		if i == maxBannerProblems {
			lines = append(lines, wrapped(fmt.Sprintf("… and %d more, listed here once these are fixed.", len(probs)-i)))
			break
		}
		lines = append(lines, &widget.Label{Text: "• " + p.Short(), Wrapping: fyne.TextWrapWord})
	}
	lines = append(lines, quiet(w.cfg.Path))

	open := newButton(&widget.Button{Text: "Open folder", Icon: theme.FolderOpenIcon(), OnTapped: w.openConfigFolder})
	icon := widget.NewIcon(theme.NewWarningThemedResource(theme.WarningIcon()))
	body := container.NewBorder(nil, nil, container.NewVBox(icon), container.NewVBox(open), tight(lines...))
	return container.NewPadded(container.NewStack(tinted(theme.ColorNameWarning), container.NewPadded(body)))
}

// emptyState is the first-run guide, when no provider is usable: what
// Latchkey does in a line, Add provider, and where the config file is.
func (w *window) emptyState() fyne.CanvasObject {
	title := "No providers yet"
	intro := "Latchkey signs you in to your accounts at GitHub, Google, your company's single sign-on and other providers, and keeps the tokens in your keychain for your tools and scripts."
	if len(w.cfg.Problems) > 0 {
		title = "No usable providers"
		intro = "Every provider in the config file has a problem (see above): fix them there (they show here as soon as the file is saved), or add a provider here."
	}
	heading := &widget.Label{Text: title, TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameHeadingText, Alignment: fyne.TextAlignCenter}
	icon := container.NewCenter(container.NewGridWrap(fyne.NewSize(72, 72), widget.NewIcon(theme.NewDisabledResource(theme.AccountIcon()))))
	add := newButton(&widget.Button{Text: "Add provider", Icon: theme.ContentAddIcon(), Importance: widget.HighImportance, OnTapped: w.showPicker})
	demo := newButton(&widget.Button{Text: "Try the demo", Icon: theme.MediaPlayIcon(), OnTapped: w.tryDemo})
	demoLine := quiet("No account anywhere? The demo signs you in to a provider that runs on this computer only.")
	demoLine.Truncation, demoLine.Wrapping = fyne.TextTruncateOff, fyne.TextWrapWord
	where := quiet("Providers are kept in this file; you may edit it by hand too:")
	where.Truncation, where.Wrapping = fyne.TextTruncateOff, fyne.TextWrapWord
	path := &widget.Label{Text: w.cfg.Path, TextStyle: fyne.TextStyle{Monospace: true}, Selectable: true, Wrapping: fyne.TextWrapBreak}
	open := newButton(&widget.Button{Text: "Open config folder", Icon: theme.FolderOpenIcon(), Importance: widget.LowImportance, OnTapped: w.openConfigFolder})
	more := quiet("docs/CONFIG.md describes every field.")
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
			why = ": you may not write there"
		case errors.Is(err, syscall.ENOTDIR), errors.Is(err, fs.ErrExist):
			why = ": a file is in the way of one of its folders"
		}
		w.showError("Cannot open the config folder", fmt.Sprintf("Latchkey could not create the folder %s%s. Create it yourself, then put providers.toml in it.", dir, why))
		return
	}
	u, err := url.Parse(storage.NewFileURI(dir).String())
	if err == nil {
		err = w.openURL(u)
	}
	if err != nil {
		w.showError("Cannot open the config folder", fmt.Sprintf("No file manager opened the folder. Open %s yourself, then put providers.toml in it.", dir))
	}
}
