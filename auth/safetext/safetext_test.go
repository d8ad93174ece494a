package safetext

import "testing"

func TestLine(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want string
	}{
		{"Ada Lovelace", 0, "Ada Lovelace"},
		{"\x1b]0;pwned\x07Ada\x1b[2J", 0, " ]0;pwned Ada [2J"},
		{"two\nlines\r", 0, "two lines "},
		{"c1\u009b31m", 0, "c1 31m"},
		{"bidi\u202egnp.exe\u2066", 0, "bidi gnp.exe "},
		{"bad\xffutf8", 0, "bad\ufffdutf8"},
		{"한국어 이름", 0, "한국어 이름"},
		{"abcdef", 3, "abc…"},
		{"한국", 4, "한…"}, // never cuts a rune in half
	} {
		if got := Line(tc.in, tc.max); got != tc.want {
			t.Errorf("Line(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
	}
}
