//go:build !unix && !windows

package demo

import "errors"

// tryLock has no lock to take where neither flock nor LockFileEx exists.
func tryLock(string) (func(), bool, error) {
	return nil, false, errors.New("the demo server needs file locks, which this system does not offer")
}
