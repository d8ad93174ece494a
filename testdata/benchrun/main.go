// Command benchrun is .ci/bench's stopwatch: it starts one program and
// measures it from outside, the same way for Latchkey and for its floors.
//
//	benchrun exec [-timeout D] -- PROG ARGS...
//	    the whole process: exec → exit, which must be 0 (stdout and stderr
//	    are discarded). Prints "wall_ms=…".
//	benchrun window [-timeout D] [-rss-at D] [-idle-settle D -idle-for D] -- PROG ARGS...
//	    a window program under $DISPLAY, which must be an X server with a
//	    black root and no other client mapping windows (.ci/bench starts
//	    Xvfb -br for it). Prints
//	      map_ms=…    exec → the X MapNotify of its first top-level window
//	      paint_ms=…  exec → the first pixel of that window that is not the
//	                  black of the root (Fyne's first frame fills the
//	                  window with the theme's background, never pure black)
//	      rss_kb=…    VmRSS from /proc/PID/status at -rss-at after exec
//	    (-shot FILE.png keeps the window as it was at that first paint)
//	      cpu_pct=…   with -idle-for: the CPU the process used (utime+stime
//	                  from /proc/PID/stat, all threads) over -idle-for,
//	                  starting -idle-settle after exec, as a percentage of
//	                  one core
//	    then stops the program (SIGTERM).
//
// Nothing here waits on a sleep for a result: the MapNotify is an X event,
// the first paint is polled (every millisecond, bounded by -timeout), and
// the two waits that remain are the fixed windows of the measurements
// themselves (RSS at 2 s, CPU over 20 s after a settle time).
//
// It is a measuring instrument under testdata/ (so `go test ./...` and
// `go vet ./...` leave it alone), built by .ci/bench with
// `go build ./testdata/benchrun`. It links libX11 (cgo).
package main

/*
#cgo LDFLAGS: -lX11
#include <stdlib.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>

static int ignoreErrors(Display *d, XErrorEvent *e) { (void)d; (void)e; return 0; }

static void quiet(void) { XSetErrorHandler(ignoreErrors); }

static int watchRoot(Display *d) {
	XSelectInput(d, DefaultRootWindow(d), SubstructureNotifyMask);
	XSync(d, False);
	return ConnectionNumber(d);
}

// nextMap returns the window of the next MapNotify of a child of the root
// (a top-level window) that is not override-redirect, 0 when none is
// queued.
static Window nextMap(Display *d) {
	XEvent ev;
	while (XPending(d) > 0) {
		XNextEvent(d, &ev);
		if (ev.type == MapNotify && ev.xmap.event == DefaultRootWindow(d) && !ev.xmap.override_redirect)
			return ev.xmap.window;
	}
	return 0;
}

// painted is 1 when a block at the centre of w holds a pixel that is not
// black, 0 when it is all black, -1 when w cannot be read (yet).
static int painted(Display *d, Window w) {
	XWindowAttributes a;
	if (!XGetWindowAttributes(d, w, &a) || a.map_state != IsViewable || a.width < 2 || a.height < 2)
		return -1;
	int bw = a.width < 64 ? a.width : 64, bh = a.height < 64 ? a.height : 64;
	XImage *img = XGetImage(d, w, (a.width - bw) / 2, (a.height - bh) / 2, bw, bh, AllPlanes, ZPixmap);
	if (!img)
		return -1;
	int found = 0;
	for (int y = 0; y < bh && !found; y++)
		for (int x = 0; x < bw && !found; x++)
			if (XGetPixel(img, x, y) & 0xffffff)
				found = 1;
	XDestroyImage(img);
	return found;
}
// grab copies w's pixels (0xRRGGBB, row by row) into out, which holds
// width*height; 0 when it cannot.
static int grab(Display *d, Window w, int width, int height, unsigned int *out) {
	XImage *img = XGetImage(d, w, 0, 0, width, height, AllPlanes, ZPixmap);
	if (!img)
		return 0;
	for (int y = 0; y < height; y++)
		for (int x = 0; x < width; x++)
			out[y * width + x] = XGetPixel(img, x, y) & 0xffffff;
	XDestroyImage(img);
	return 1;
}

static int size(Display *d, Window w, int *width, int *height) {
	XWindowAttributes a;
	if (!XGetWindowAttributes(d, w, &a))
		return 0;
	*width = a.width;
	*height = a.height;
	return 1;
}
*/
import "C"

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "exec":
		err = runExec(os.Args[2:])
	case "window":
		err = runWindow(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchrun:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: benchrun exec|window [flags] -- PROG ARGS...")
	os.Exit(2)
}

func ms(d time.Duration) string { return strconv.FormatFloat(float64(d)/1e6, 'f', 2, 64) }

// command is PROG ARGS... after the flags, output discarded.
func command(fs *flag.FlagSet) (*exec.Cmd, error) {
	if fs.NArg() == 0 {
		return nil, errors.New("no program given")
	}
	cmd := exec.Command(fs.Arg(0), fs.Args()[1:]...)
	cmd.Stdout, cmd.Stderr = nil, nil // /dev/null
	return cmd, nil
}

func runExec(args []string) error {
	fs := flag.NewFlagSet("exec", flag.ExitOnError)
	timeout := fs.Duration("timeout", 60*time.Second, "longest run")
	fs.Parse(args)
	cmd, err := command(fs)
	if err != nil {
		return err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		wall := time.Since(start)
		if err != nil {
			return fmt.Errorf("%s: %v", fs.Arg(0), err)
		}
		fmt.Printf("wall_ms=%s\n", ms(wall))
		return nil
	case <-time.After(*timeout):
		cmd.Process.Kill()
		return fmt.Errorf("%s did not exit within %v", fs.Arg(0), *timeout)
	}
}

func runWindow(args []string) error {
	fs := flag.NewFlagSet("window", flag.ExitOnError)
	timeout := fs.Duration("timeout", 60*time.Second, "longest wait for the window and its first paint")
	rssAt := fs.Duration("rss-at", 2*time.Second, "when to read VmRSS, after exec")
	settle := fs.Duration("idle-settle", 5*time.Second, "when the idle CPU window starts, after exec")
	idle := fs.Duration("idle-for", 0, "length of the idle CPU window; 0: not measured")
	shot := fs.String("shot", "", "write the window as it was at its first paint to this PNG (to check what was counted)")
	fs.Parse(args)
	cmd, err := command(fs)
	if err != nil {
		return err
	}

	C.quiet()
	dpy := C.XOpenDisplay(nil)
	if dpy == nil {
		return errors.New("cannot open the X display $DISPLAY")
	}
	defer C.XCloseDisplay(dpy)
	fd := int(C.watchRoot(dpy)) // before the exec: no MapNotify can be missed

	start := time.Now()
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		select {
		case <-exited:
		default:
			cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-exited:
			case <-time.After(10 * time.Second):
				cmd.Process.Kill()
				<-exited
			}
		}
	}()
	deadline := start.Add(*timeout)
	alive := func() error {
		select {
		case err := <-exited:
			exited <- err
			return fmt.Errorf("%s exited before the measurement ended (%v)", fs.Arg(0), err)
		default:
			return nil
		}
	}

	// The MapNotify: wait on the X connection (poll(2) with a timeout).
	var win C.Window
	for win == 0 {
		if win = C.nextMap(dpy); win != 0 {
			break
		}
		if err := alive(); err != nil {
			return err
		}
		left := time.Until(deadline)
		if left <= 0 {
			return fmt.Errorf("no window from %s within %v", fs.Arg(0), *timeout)
		}
		pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		if _, err := unix.Poll(pfd, int(min(left, 100*time.Millisecond).Milliseconds())+1); err != nil && !errors.Is(err, unix.EINTR) {
			return err
		}
	}
	mapped := time.Since(start)

	// The first paint: poll the window's pixels.
	var paint time.Duration
	for {
		if C.painted(dpy, win) == 1 {
			paint = time.Since(start)
			if *shot != "" {
				if err := writeShot(dpy, win, *shot); err != nil {
					return err
				}
			}
			break
		}
		if err := alive(); err != nil {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the window of %s was not painted within %v", fs.Arg(0), *timeout)
		}
		time.Sleep(time.Millisecond) // the poll interval
	}
	pid := cmd.Process.Pid

	time.Sleep(time.Until(start.Add(*rssAt))) // the measurement's fixed point
	if err := alive(); err != nil {
		return err
	}
	rss, err := vmRSS(pid)
	if err != nil {
		return err
	}
	out := fmt.Sprintf("map_ms=%s paint_ms=%s rss_kb=%d", ms(mapped), ms(paint), rss)

	if *idle > 0 {
		time.Sleep(time.Until(start.Add(*settle)))
		t0, c0, err := cpuTicks(pid)
		if err != nil {
			return err
		}
		time.Sleep(*idle) // the measurement window
		if err := alive(); err != nil {
			return err
		}
		t1, c1, err := cpuTicks(pid)
		if err != nil {
			return err
		}
		pct := float64(c1-c0) / clockTicks / t1.Sub(t0).Seconds() * 100
		out += fmt.Sprintf(" cpu_pct=%.3f", pct)
	}
	fmt.Println(out)
	return nil
}

// writeShot writes window win of dpy to path as a PNG.
func writeShot(dpy *C.Display, win C.Window, path string) error {
	var w, h C.int
	if C.size(dpy, win, &w, &h) == 0 || w < 1 || h < 1 {
		return errors.New("the window has no size")
	}
	px := make([]C.uint, int(w)*int(h))
	if C.grab(dpy, win, w, h, &px[0]) == 0 {
		return errors.New("cannot read the window's pixels")
	}
	img := image.NewRGBA(image.Rect(0, 0, int(w), int(h)))
	for i, p := range px {
		img.Pix[4*i], img.Pix[4*i+1], img.Pix[4*i+2], img.Pix[4*i+3] = uint8(p>>16), uint8(p>>8), uint8(p), 0xff
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// vmRSS is the resident set of pid in KB.
func vmRSS(pid int) (int, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			return strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}

// clockTicks is USER_HZ, the unit of /proc/PID/stat's times (100 on Linux
// everywhere Go runs).
const clockTicks = 100

// cpuTicks is utime+stime of pid (every thread) and when it was read.
func cpuTicks(pid int) (time.Time, int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	now := time.Now()
	if err != nil {
		return now, 0, err
	}
	// The command name (field 2) is in parentheses and may hold spaces:
	// count the fields after its closing parenthesis (field 3 is state).
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return now, 0, fmt.Errorf("unreadable /proc/%d/stat", pid)
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return now, 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64) // field 14
	stime, err2 := strconv.ParseInt(f[12], 10, 64) // field 15
	if err1 != nil || err2 != nil {
		return now, 0, fmt.Errorf("unreadable times in /proc/%d/stat", pid)
	}
	return now, utime + stime, nil
}
