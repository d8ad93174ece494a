//go:build !unix

package auth

import "context"

// lockFile is a no-op where flock(2) does not exist (Windows): accounts are
// then serialized within one process only. Windows' LockFileEx would close
// the gap.
func lockFile(context.Context, string) (func(), error) { return func() {}, nil }
