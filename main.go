// Command latchkey signs a person in to OAuth 2.0 and OAuth 1.0a providers
// and keeps the result in the OS keychain. Without arguments it opens the
// window; with a command it is the command-line face (`latchkey help`).
//
// main.go is wiring only: flags → config → auth.Service → window or CLI.
package main

import (
	"context"
	_ "embed"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"time"

	"early.latchkey/quietinit"
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"latchkey/auth"
	"latchkey/auth/browser"
	"latchkey/auth/keychain"
	"latchkey/auth/provider"
	"latchkey/ui"
	"latchkey/ui/appinfo"
	"latchkey/ui/applog"
	"latchkey/ui/cli"
	_ "latchkey/ui/demolink" // the demo provider's server (not with -tags nodemo)
	"latchkey/ui/instance"
)

// fyneApp is FyneApp.toml, the one source of the app's id, name and
// version (`latchkey --version`, Fyne's metadata, the packages).
//
//go:embed FyneApp.toml
var fyneApp []byte

// info is fyneApp's [Details] (ui/appinfo's test checks the file parses).
var info = func() appinfo.Info {
	i, err := appinfo.Parse(fyneApp)
	if err != nil {
		panic(err) // the embedded file is broken: a build mistake, not a person's
	}
	return i
}()

func main() {
	quietinit.Restore() // see ui/quietinit: Fyne logs at init under LANG=C.UTF-8
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Run(ctx, os.Args[1:], cli.Deps{
		Stdin:   os.Stdin,
		Stdout:  os.Stdout,
		Stderr:  os.Stderr,
		Service: newService,
		Window:  runWindow,
		Version: info.Version,
	})
	stop()
	os.Exit(code)
}

// newService wires the core: config file, the OS keychain, the system
// browser and an HTTP client with TLS verification left on.
func newService(configFlag string) (*auth.Service, error) {
	path, err := provider.ResolvePath(configFlag, os.Getenv)
	if err != nil {
		return nil, err
	}
	return auth.New(auth.Options{
		Config:     provider.Load(path),
		Store:      keychain.New(keychain.System(keychain.DefaultTimeout), keychain.ServiceName(), keychain.ItemLimit(keychain.PlatformItemLimit()), keychain.IndexLock("")),
		Secrets:    keychain.New(keychain.System(keychain.DefaultTimeout), keychain.ServiceName()+"-client-secrets", keychain.IndexLock("")),
		Browser:    browser.System{Getenv: os.Getenv},
		HTTPClient: &http.Client{Timeout: 30 * time.Second},
	}), nil
}

// runWindow starts Fyne (only here: the command line never does) and shows
// the window until it is closed. Its diagnostics go to the log file
// (ui/applog): a window started from a menu has no terminal. When this
// user's window is already running (ui/instance), it is brought to the
// front instead, and this process exits 0.
func runWindow(svc *auth.Service) error {
	defer startLog()()
	inst, err := claimInstance()
	if errors.Is(err, instance.ErrRunning) {
		slog.Info("a Latchkey window is already running: asked it to come to the front")
		return nil
	}
	app.SetMetadata(fyne.AppMetadata{ID: info.ID, Name: info.Name, Version: info.Version, Build: info.Build, Icon: ui.Icon})
	a := app.NewWithID(info.ID)
	a.SetIcon(ui.Icon)
	win := ui.NewWindow(a, svc)
	if inst != nil {
		go inst.Serve(func(string) {
			fyne.Do(win.Show) // the window's Show also raises it and wakes its clock (ui.NewWindow)
		})
		defer inst.Close()
	}
	win.ShowAndRun()
	ui.StopDemo() // a demo server the window started, however the app quit
	slog.Info("window closed")
	return nil
}

// startLog sends the standard log and log/slog to the log file, and
// returns what closes it. Without a usable file (no cache folder, a full
// disk) the diagnostics stay on stderr, as for the command line.
func startLog() (stop func()) {
	path, err := applog.Path()
	if err != nil {
		return func() {}
	}
	f, err := applog.Open(path)
	if err != nil {
		slog.Warn("no log file", "file", path, "error_type", applog.ErrorTypes(err))
		return func() {}
	}
	restore := applog.Install(f)
	return func() { restore(); f.Close() }
}

// claimInstance makes this window the user's one window. ErrRunning: the
// running one was asked to show itself. When the check cannot be made
// (say, no runtime or cache folder), the window opens all the same: nil,
// nil.
func claimInstance() (*instance.Instance, error) {
	dir, err := instance.Dir()
	if err == nil {
		var inst *instance.Instance
		inst, err = instance.Claim(context.Background(), dir)
		if err == nil || errors.Is(err, instance.ErrRunning) {
			return inst, err
		}
	}
	slog.Warn("cannot check for a running window; opening this one", "error_type", applog.ErrorTypes(err))
	return nil, nil
}
