package ui

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/theme"
)

// TestPreview writes a PNG of each scenario, in Fyne's default theme, to
// the folder named by LATCHKEY_PREVIEW, for a person to look at (the
// golden files are markup, in the test theme).
func TestPreview(t *testing.T) {
	dir := os.Getenv("LATCHKEY_PREVIEW")
	if dir == "" {
		t.Skip("set LATCHKEY_PREVIEW to a folder to write previews of the window")
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			h := sc.make(t)
			h.app.Settings().SetTheme(theme.DefaultTheme())
			h.w.win.Resize(sc.size)
			f, err := os.Create(filepath.Join(dir, sc.name+".png"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if err := png.Encode(f, h.w.win.Canvas().Capture()); err != nil {
				t.Fatal(err)
			}
		})
	}
}
