// Package filelock takes exclusive locks that hold across processes: the
// window and a script working on one account, or on the keychain's
// account index, at the same moment. On Unix it is flock(2) on a file, so a
// crashed process releases its lock; elsewhere it is a no-op for now.
package filelock
