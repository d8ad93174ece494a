//go:build unix

package instance

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"latchkey/auth/filelock"
)

// Timeouts: how long Claim waits for the lock, for a connection, and for
// the running window's answer; how long a listener gives a newcomer to
// say what it wants.
const (
	lockTimeout   = 10 * time.Second
	dialTimeout   = 2 * time.Second
	answerTimeout = 5 * time.Second
	readTimeout   = 2 * time.Second
)

// Instance is this process's claim on being the user's one window. Its
// zero value is not usable; Claim makes one.
type Instance struct {
	dir  string
	ln   *net.UnixListener
	once sync.Once
}

// Claim makes this process the user's one window, listening on
// dir/instance.sock, or, when another window already listens there,
// sends it Show and returns ErrRunning. Any other error means the check
// could not be made (a folder that cannot be created, a socket path too
// long): the caller may carry on without it.
func Claim(ctx context.Context, dir string) (*Instance, error) {
	if err := privateDir(dir); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, lockTimeout)
	defer cancel()
	unlock, err := filelock.Lock(ctx, filepath.Join(dir, lockName))
	if err != nil {
		return nil, err
	}
	defer unlock()

	path := filepath.Join(dir, SocketName)
	switch err := send(path, Show); {
	case err == nil:
		return nil, ErrRunning
	case !errors.Is(err, errNobody):
		return nil, err
	}
	// Nobody listens: a socket (or anything else) left there is stale.
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, err
	}
	return &Instance{dir: dir, ln: ln}, nil
}

// Serve hands each message a newcomer of the same user sends to handle
// (on Serve's goroutine, one at a time), answering "ok" once handle has
// returned, until Close. handle must not block for long (fyne.Do is fine).
func (in *Instance) Serve(handle func(msg string)) {
	for {
		c, err := in.ln.AcceptUnix()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue // a transient accept error (EMFILE…): keep listening
		}
		in.serveOne(c, handle)
	}
}

func (in *Instance) serveOne(c *net.UnixConn, handle func(msg string)) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(readTimeout))
	if uid, err := peerUID(c); err != nil || uid != os.Getuid() {
		return // not the same user: say nothing, do nothing
	}
	line, err := bufio.NewReader(io.LimitReader(c, 64)).ReadString('\n')
	if err != nil {
		return
	}
	msg := strings.TrimSpace(line)
	if msg != Show {
		_, _ = io.WriteString(c, "unknown\n")
		return
	}
	handle(msg)
	_, _ = io.WriteString(c, "ok\n")
}

// Close stops listening and removes the socket (under the lock, so that
// a window starting now either reaches this one or finds no socket).
func (in *Instance) Close() error {
	var err error
	in.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), lockTimeout)
		defer cancel()
		unlock, lerr := filelock.Lock(ctx, filepath.Join(in.dir, lockName))
		if lerr == nil {
			defer unlock()
		}
		err = in.ln.Close() // removes the socket file (UnlinkOnClose)
	})
	return err
}

// errNobody: no window listens at the socket's path (no file, or a stale
// one that refuses connections).
var errNobody = errors.New("instance: no window is listening")

// send delivers msg to the window listening at path and waits for its
// "ok".
func send(path, msg string) error {
	c, err := net.DialTimeout("unix", path, dialTimeout)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ECONNREFUSED) {
			return errNobody
		}
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(answerTimeout))
	if _, err := io.WriteString(c, msg+"\n"); err != nil {
		return err
	}
	line, err := bufio.NewReader(io.LimitReader(c, 64)).ReadString('\n')
	if err != nil {
		return fmt.Errorf("instance: the running window did not answer: %w", err)
	}
	if strings.TrimSpace(line) != "ok" {
		return fmt.Errorf("instance: the running window answered %q", strings.TrimSpace(line))
	}
	return nil
}

// privateDir makes dir (0700) when missing and refuses one that is not a
// folder of this user's or that others may enter.
func privateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("instance: %s is not a folder", dir)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Getuid() {
		return fmt.Errorf("instance: %s belongs to another user", dir)
	}
	if fi.Mode().Perm() != 0o700 {
		return os.Chmod(dir, 0o700)
	}
	return nil
}
