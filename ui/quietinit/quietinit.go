// Package quietinit keeps library init-time logging off stderr until main
// runs, so that `latchkey status`, `latchkey token` and friends print only
// their own output.
//
// Why it exists: fyne.io/fyne/v2/lang's init() loads Fyne's translations
// and parses the user's locale; under LANG=C.UTF-8 (containers, CI, ssh) it
// logs "Fyne error: Error parsing user locale C" through the standard log
// package — before main() can choose between the window and the command
// line. Go initialises packages in import-path order among those whose
// imports are ready (Go spec, "Package initialization", since Go 1.21), so a
// package whose path sorts before "fyne.io/…" and needs only "io" and "log"
// runs first. Hence this tiny module with the path "early.latchkey/…",
// wired in by a replace directive in latchkey's go.mod.
//
// main must call Restore as its first statement.
package quietinit

import (
	"io"
	"log"
	"os"
)

func init() { log.SetOutput(io.Discard) }

// Restore sends the standard logger to stderr again.
func Restore() { log.SetOutput(os.Stderr) }
