package ui

// closeWindow is what Ctrl+W and the window's close button do: hide to the
// tray when that is enabled and available, else close (and quit).
// (Skeleton: the tray work fills this in.)
func (w *window) closeWindow() { w.win.Close() }

// quit is what Ctrl+Q and the tray's Quit do: clear a credential Latchkey
// put on the clipboard, then quit. (Skeleton: the tray work fills this in.)
func (w *window) quit() { w.app.Quit() }
