//go:build !linux

package ui

// systemTrayAvailable reports whether this desktop shows tray icons:
// Windows and macOS always have a place for them (elsewhere the tray is
// taken to be there).
func systemTrayAvailable() bool { return true }
