// Command latchkey signs a person in to OAuth 2.0 and OAuth 1.0a providers
// and keeps the result in the OS keychain. Without arguments it opens the
// window; with a command it is the command-line face (`latchkey help`).
//
// main.go is wiring only: flags → config → auth.Service → window or CLI.
package main

import (
	"context"
	_ "embed"
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
	"latchkey/ui/cli"
	_ "latchkey/ui/demolink" // the demo provider's server (not with -tags nodemo)
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
// the window until it is closed.
func runWindow(svc *auth.Service) error {
	app.SetMetadata(fyne.AppMetadata{ID: info.ID, Name: info.Name, Version: info.Version, Build: info.Build, Icon: ui.Icon})
	a := app.NewWithID(info.ID)
	a.SetIcon(ui.Icon)
	ui.NewWindow(a, svc).ShowAndRun()
	ui.StopDemo() // a demo server the window started, however the app quit
	return nil
}
