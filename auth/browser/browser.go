// Package browser opens URLs in the person's web browser without ever
// blocking the caller on the browser's lifetime.
package browser

import (
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"

	pkgbrowser "github.com/pkg/browser"
)

// Opener opens a URL in a browser. Open returns once the browser has been
// started (or failed to start); it does not wait for the person.
// Implementations must be safe for concurrent use.
type Opener interface {
	Open(url string) error
}

// OpenerFunc adapts a function to Opener.
type OpenerFunc func(url string) error

// Open calls f(url).
func (f OpenerFunc) Open(url string) error { return f(url) }

// System opens URLs like gh and Python's webbrowser do: when the BROWSER
// environment variable is set it names the command (its words split on
// spaces; a "%s" word is replaced by the URL, otherwise the URL is appended),
// otherwise github.com/pkg/browser picks xdg-open, x-www-browser or
// www-browser. pkg/browser never reads BROWSER, hence this type.
type System struct {
	// Getenv reads the environment; os.Getenv in production.
	Getenv func(string) string
}

// Error is a failure to start a browser. Its message says what to do.
type Error struct {
	Command string
	Err     error
}

func (e *Error) Error() string {
	return fmt.Sprintf("could not open a web browser (%s: %v); open the link yourself, or set BROWSER to your browser's command", e.Command, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

func init() {
	// Whatever xdg-open prints must not reach our stdout (scripts read it)
	// or stderr.
	pkgbrowser.Stdout = io.Discard
	pkgbrowser.Stderr = io.Discard
}

// Open starts the browser on url. With BROWSER set, it returns once the
// command has started; otherwise once pkg/browser's helper (xdg-open and
// friends, which return quickly) has exited.
func (s System) Open(url string) error {
	if cmdline := strings.TrimSpace(s.Getenv("BROWSER")); cmdline != "" {
		words := strings.Fields(cmdline)
		args, replaced := words[1:], false
		for i, w := range args {
			if w == "%s" {
				args[i], replaced = url, true
			}
		}
		if !replaced {
			args = append(args, url)
		}
		cmd := exec.Command(words[0], args...)
		if err := cmd.Start(); err != nil {
			return &Error{Command: "BROWSER=" + words[0], Err: err}
		}
		go func() { _ = cmd.Wait() }() // reap; the browser may run for hours
		return nil
	}
	if err := pkgbrowser.OpenURL(url); err != nil {
		var ee *exec.Error
		if errors.As(err, &ee) && errors.Is(ee.Err, exec.ErrNotFound) {
			return &Error{Command: "xdg-open", Err: errors.New("no xdg-open, x-www-browser or www-browser on PATH")}
		}
		return &Error{Command: "xdg-open", Err: err}
	}
	return nil
}
