//go:build linux

package ui

import (
	"context"
	"time"

	"github.com/godbus/dbus/v5"
)

// systemTrayAvailable reports whether this desktop shows tray icons: on
// Linux, whether a StatusNotifierWatcher (the tray host's side of the
// StatusNotifierItem protocol Fyne's tray speaks) has an owner on the
// session bus. No session bus, or no watcher (GNOME without the
// AppIndicator extension, a bare X server), means no tray. It makes one
// short D-Bus call: call it off the UI goroutine.
func systemTrayAvailable() bool {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	conn, err := dbus.ConnectSessionBus(dbus.WithContext(ctx))
	if err != nil {
		return false
	}
	defer conn.Close()
	var has bool
	err = conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.NameHasOwner", 0, "org.kde.StatusNotifierWatcher").Store(&has)
	return err == nil && has
}
