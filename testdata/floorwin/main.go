// Command floorwin is the floor that .ci/bench measures Latchkey's window
// against: the smallest Fyne program that shows a window (a label and a
// button, at Latchkey's first size, 860×600), built from this module with
// the same toolchain, Fyne version and build tags as latchkey itself:
//
//	go build -tags migrated_fynedo -o bin/floorwin ./testdata/floorwin
//
// It lives under testdata/ so that `go test ./...` and `go vet ./...` leave
// it alone; it is a measuring instrument, not part of Latchkey. Its words
// are never shown to a person outside a benchmark, so they are not
// translated.
package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("io.github.latchkey.floorwin")
	w := a.NewWindow("Floor")
	w.SetContent(container.NewVBox(
		widget.NewLabel("A minimal Fyne window"),
		widget.NewButton("Button", func() {}),
	))
	w.Resize(fyne.NewSize(860, 600))
	w.ShowAndRun()
}
