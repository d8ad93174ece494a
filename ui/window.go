// Package ui is Latchkey's window: a Fyne face over auth.Service. It is the
// only package that imports Fyne, and it never talks to the network or the
// keychain itself: handlers start one goroutine that calls the Service and
// apply the result with fyne.Do.
package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"latchkey/assets"
	"latchkey/auth"
)

// Icon is Latchkey's application icon.
var Icon = fyne.NewStaticResource("icon.png", assets.Icon)

// NewWindow builds Latchkey's main window on app a. The first frame needs
// only the config: nothing here waits on the keychain or the network.
func NewWindow(a fyne.App, svc *auth.Service) fyne.Window {
	w := a.NewWindow("Latchkey")
	w.SetIcon(Icon)
	cfg := svc.Config()
	items := container.NewVBox(widget.NewLabelWithStyle("Providers", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	for _, p := range cfg.Providers {
		items.Add(widget.NewLabel(fmt.Sprintf("%s (%s)", p.DisplayName(), p.Protocol)))
	}
	if len(cfg.Providers) == 0 {
		items.Add(widget.NewLabel("No providers yet: add one to " + cfg.Path))
	}
	items.Add(widget.NewLabel("Sign in from the command line for now: latchkey login ID"))
	w.SetContent(container.NewPadded(items))
	w.Resize(fyne.NewSize(800, 600))
	return w
}
