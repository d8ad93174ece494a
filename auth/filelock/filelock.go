// Package filelock takes exclusive locks that hold across processes: the
// window and a script working on one account, or on the keychain's
// account index, at the same moment. On Unix it is flock(2) on a file, so a
// crashed process releases its lock; elsewhere it is a no-op for now.
package filelock

import (
	"errors"
	"io/fs"
)

// Reason is why a file operation failed, in words: the system's own
// reason ("permission denied", "no space left on device"), without the Go
// operation and path around it.
func Reason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return err.Error()
}
