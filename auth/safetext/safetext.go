// Package safetext makes text that came from outside Latchkey (a provider's
// answer, a config file, a keychain record) safe to show: in a window, in
// an error message, and on a terminal, where a control character could
// clear the screen, retitle the window or forge a line.
package safetext

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Line returns s as one line of at most max bytes (max <= 0: no limit):
// every C0 and C1 control character, DEL, and Unicode bidirectional
// control (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) becomes a
// space, invalid UTF-8 becomes U+FFFD, and a longer text is cut at a rune
// boundary and ends with "…".
func Line(s string, max int) string {
	var b strings.Builder
	for _, r := range s { // ranging over invalid UTF-8 yields U+FFFD
		if Unsafe(r) {
			r = ' '
		}
		if max > 0 && b.Len()+utf8.RuneLen(r) > max {
			return b.String() + "…"
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Unsafe reports whether r must not reach a terminal or a label as it is.
func Unsafe(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return !unicode.IsPrint(r) && !unicode.IsSpace(r) && r != utf8.RuneError
}
