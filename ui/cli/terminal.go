package cli

import (
	"fmt"
	"io"
	"strings"

	"latchkey/auth/safetext"
)

// terminalWriter makes everything the command line prints safe for a
// terminal, whatever a provider or a config file put in it: a profile name,
// a provider name, an error description. Every character safetext calls
// unsafe (C0 and C1 controls, DEL, bidirectional controls) is replaced,
// except the newline and tab of Latchkey's own layout, so no escape
// sequence can clear the screen, retitle the terminal or forge a line.
//
// Human output gets a space in its place. JSON output (json set) gets the
// character's \uXXXX escape instead, which is valid inside a JSON string (the
// only place encoding/json leaves such characters raw), so a script decodes
// exactly the value the provider sent.
type terminalWriter struct {
	w    io.Writer
	json bool
}

func (t terminalWriter) Write(p []byte) (int, error) {
	s := string(p)
	if !strings.ContainsFunc(s, unsafeHere) {
		return t.w.Write(p)
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case !unsafeHere(r):
			b.WriteRune(r)
		case t.json:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteByte(' ')
		}
	}
	if _, err := io.WriteString(t.w, b.String()); err != nil {
		return 0, err
	}
	return len(p), nil
}

// unsafeHere is safetext.Unsafe but for the newline and tab Latchkey lays
// its output out with.
func unsafeHere(r rune) bool {
	return r != '\n' && r != '\t' && safetext.Unsafe(r)
}
