//go:build !windows

package loopback

import "syscall"

// errAddrInUse is the errno a listen gets when its address is taken.
const errAddrInUse = syscall.EADDRINUSE
