// Package instance keeps one Latchkey window per user: the first window
// listens on a socket of its own, and a second launch of the window tells
// it to show itself and exits. The command line never claims it:
// `latchkey status`, `latchkey token` and friends keep working beside a
// running window.
//
// On Unix the socket is instance.sock in Dir ($XDG_RUNTIME_DIR/latchkey,
// else the user cache folder's latchkey/), the folder 0700 and the socket
// 0600; on Linux the listener also checks that the peer is the same user
// (SO_PEERCRED) before it acts. A socket left by a window that crashed is
// found stale (nothing answers) and replaced. A lock file next to it
// (auth/filelock) makes two windows starting at the same moment take
// turns, so exactly one of them listens.
//
// The protocol is one line each way: the newcomer sends "show", the
// running window answers "ok" once it has been told.
//
// Elsewhere (Windows: no flock, and no Unix socket rights to rely on)
// Claim always succeeds and nothing listens: each launch opens its own
// window. A named pipe would close the gap.
package instance

import (
	"errors"
	"os"
	"path/filepath"
)

// ErrRunning is Claim's answer when another window of this user is
// running: it has been asked to show itself.
var ErrRunning = errors.New("instance: another Latchkey window is running and was asked to show")

// Show is the message a second launch sends.
const Show = "show"

// File names in Dir.
const (
	SocketName = "instance.sock"
	lockName   = "instance.lock"
)

// Dir is the folder of the socket: $XDG_RUNTIME_DIR/latchkey when that is
// set (an absolute path), else latchkey/ in the user cache folder.
func Dir() (string, error) {
	if d := os.Getenv("XDG_RUNTIME_DIR"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "latchkey"), nil
	}
	c, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(c, "latchkey"), nil
}
