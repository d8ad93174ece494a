//go:build windows

package loopback

import "syscall"

// errAddrInUse is WSAEADDRINUSE, the Winsock error a listen gets when its
// address is taken (syscall.EADDRINUSE is an invented value on Windows that
// Winsock never returns).
const errAddrInUse = syscall.Errno(10048)
