package provider

import (
	"errors"
	"io/fs"

	"github.com/BurntSushi/toml"
)

// ReadEntry returns the keys the [[provider]] entry with this id sets in
// the file at path, as written: before defaults and presets are applied,
// so that an editor shows only what the entry says. Values are as the TOML
// decoder gives them (string, bool, int64, []any, map[string]any). Errors
// are *EditError, like the writer's.
func ReadEntry(path, id string) (map[string]any, error) {
	data, err := readAtMost(path, MaxFileBytes+1)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, editErr(path, ErrNotFound, "the file does not exist any more, so it holds no provider %q: add it again", id)
	}
	if err != nil {
		return nil, readErr(path, err)
	}
	if p := checkLimits(path, data); p != nil {
		return nil, editErr(path, ErrCannotEdit, "%s", p.Message)
	}
	var file struct {
		Provider []map[string]any `toml:"provider"`
	}
	if _, err := toml.Decode(string(data), &file); err != nil {
		return nil, editErr(path, ErrCannotEdit, "the file is not valid TOML any more: fix it by hand first")
	}
	for _, m := range file.Provider {
		if m["id"] == id {
			return m, nil
		}
	}
	return nil, editErr(path, ErrNotFound, "there is no provider with id %q: it may have been removed or renamed; reload the list", id)
}
