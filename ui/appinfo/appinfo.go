// Package appinfo reads Latchkey's identity from FyneApp.toml, the one source
// of its id, name and version: main embeds the file and hands the result to
// Fyne (app metadata) and to the command line (`latchkey --version`); the
// packages (.ci/package) are built from the same file by the fyne tool.
package appinfo

import (
	"errors"

	"github.com/BurntSushi/toml"
)

// Info is FyneApp.toml's [Details].
type Info struct {
	ID      string
	Name    string
	Version string
	Build   int
}

// Parse reads FyneApp.toml's text. Every field but Build must be set.
func Parse(fyneApp []byte) (Info, error) {
	var f struct{ Details Info }
	if err := toml.Unmarshal(fyneApp, &f); err != nil {
		return Info{}, err
	}
	d := f.Details
	if d.ID == "" || d.Name == "" || d.Version == "" {
		return Info{}, errors.New("FyneApp.toml: [Details] needs ID, Name and Version")
	}
	return d, nil
}
