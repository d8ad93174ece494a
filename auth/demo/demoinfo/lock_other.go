//go:build !unix && !windows

package demoinfo

import "errors"

// TryLock has no lock to take where neither flock nor LockFileEx exists.
func TryLock(string) (func(), bool, error) {
	return nil, false, errors.New("the demo server needs file locks, which this system does not offer")
}
