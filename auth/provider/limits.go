package provider

import (
	"errors"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// MaxFileBytes bounds the size of providers.toml. A file of a dozen
// providers is a few KB; BurntSushi/toml's cost grows faster than the size
// of some inputs (nested inline tables), so a bigger file is refused before
// it is decoded.
const MaxFileBytes = 256 << 10

// MaxNesting bounds how deeply providers.toml may nest arrays and inline
// tables ('[' and '{' outside strings and comments). A provider entry needs
// two levels (a [[provider]] header, authorize_params = { … }); deeper
// nesting is refused before decoding, since decoding it costs time and
// memory quadratic in the depth.
const MaxNesting = 16

// checkLimits reports, before anything is decoded, a file Latchkey refuses
// to decode: bigger than MaxFileBytes or nested deeper than MaxNesting. Its
// message quotes nothing from the file.
func checkLimits(name string, data []byte) *Problem {
	if len(data) > MaxFileBytes {
		return &Problem{File: name, Message: "the file is larger than " + strconv.Itoa(MaxFileBytes>>10) +
			" KiB, the most Latchkey reads (a file of providers is a few KB): check that this is your providers.toml, or shorten it; Latchkey reads it again when it is saved"}
	}
	if line := tooDeep(data, MaxNesting); line > 0 {
		return &Problem{File: name, Line: line, Message: "arrays and inline tables are nested more than " + strconv.Itoa(MaxNesting) +
			" levels deep here, more than Latchkey reads (a provider entry needs two): flatten the value; Latchkey reads it again when it is saved"}
	}
	return nil
}

// tooDeep returns the 1-based line where data first nests '[' or '{'
// deeper than limit, or 0. It follows TOML's lexical rules closely enough
// for that: brackets inside basic and literal strings, their multi-line
// forms (three quotes) and comments (# to the end of the line) do not
// count. It does not validate: a file it passes may still be invalid TOML,
// which the decoder reports.
func tooDeep(data []byte, limit int) int {
	const (
		normal = iota
		comment
		basic
		literal
		mlBasic
		mlLiteral
	)
	state, depth, line := normal, 0, 1
	for i := 0; i < len(data); i++ {
		c := data[i]
		if c == '\n' {
			line++
		}
		switch state {
		case normal:
			switch c {
			case '#':
				state = comment
			case '"':
				if hasPrefix(data[i:], `"""`) {
					state, i = mlBasic, i+2
				} else {
					state = basic
				}
			case '\'':
				if hasPrefix(data[i:], `'''`) {
					state, i = mlLiteral, i+2
				} else {
					state = literal
				}
			case '[', '{':
				depth++
				if depth > limit {
					return line
				}
			case ']', '}':
				if depth > 0 {
					depth--
				}
			}
		case comment:
			if c == '\n' {
				state = normal
			}
		case basic:
			switch c {
			case '\\':
				if i+1 < len(data) && data[i+1] != '\n' {
					i++ // an escaped character, maybe a quote
				}
			case '"', '\n': // a newline ends it: TOML refuses it there anyway
				state = normal
			}
		case literal:
			if c == '\'' || c == '\n' {
				state = normal
			}
		case mlBasic:
			switch {
			case c == '\\' && i+1 < len(data):
				if data[i+1] == '\n' {
					line++
				}
				i++
			case hasPrefix(data[i:], `"""`):
				i = closeML(data, i, '"')
				state = normal
			}
		case mlLiteral:
			if hasPrefix(data[i:], `'''`) {
				i = closeML(data, i, '\'')
				state = normal
			}
		}
	}
	return 0
}

// closeML returns the index of the last quote of the delimiter that closes
// a multi-line string at i: up to two quotes right before the closing three
// belong to the string (TOML 1.0: `""""` ends with a quote inside).
func closeML(data []byte, i int, q byte) int {
	n := 0
	for i+n < len(data) && data[i+n] == q && n < 5 {
		n++
	}
	return i + n - 1
}

func hasPrefix(b []byte, s string) bool {
	return len(b) >= len(s) && string(b[:len(s)]) == s
}

// syntaxProblem is the Problem for a TOML syntax error: its line and
// column, and a description taken from a fixed list (tomlTroubles), never
// text from the file. BurntSushi/toml's messages quote the offending
// characters or value, which can be an unquoted client secret.
func syntaxProblem(name string, err error) Problem {
	p := Problem{File: name}
	what := "the TOML syntax is wrong"
	var pe toml.ParseError
	if errors.As(err, &pe) {
		p.Line = pe.Position.Line
		what = describeTOML(pe.Message)
		if pe.Position.Col > 0 {
			what += " (column " + strconv.Itoa(pe.Position.Col) + ")"
		}
	}
	p.Message = "not valid TOML: " + what + "; fix the file: Latchkey reads it again when it is saved"
	return p
}

// describeTOML maps a BurntSushi/toml parse message to one of
// tomlTroubles, or to a general description when none fits.
func describeTOML(msg string) string {
	for _, t := range tomlTroubles {
		if strings.HasPrefix(msg, t.prefix) {
			return t.says
		}
	}
	for _, t := range tomlTroublesWithin {
		if strings.Contains(msg, t.prefix) {
			return t.says
		}
	}
	return "the TOML syntax is wrong"
}

// tomlTroubles lists the parse messages of BurntSushi/toml v1.6.0 (lex.go,
// parse.go, error.go) by their constant prefix, each with words that hold
// no text from the file. Longer prefixes come before shorter ones that
// they extend.
var tomlTroubles = []struct{ prefix, says string }{
	{"expected a top-level item to end with a newline", "a value must be followed by the end of the line or a comment"},
	{"expected end of table array name delimiter", "expected end of table array name delimiter ']]'"},
	{"unexpected end of table name", "a table name is empty"},
	{"unexpected table separator", "a table name is empty"},
	{"expected '.' or ']' to end table name", "a table name must end with ']'"},
	{"unexpected EOF; expected value", "the file ends where a value should be"},
	{"unexpected EOF; expected key separator", "the file ends where '=' should be"},
	{"unexpected EOF; expected '\"'", "a string is not closed: a '\"' is missing"},
	{"unexpected EOF; expected \"'\"", "a string is not closed: a \"'\" is missing"},
	{"unexpected EOF; expected '\"\"\"'", "a multi-line string is not closed"},
	{"unexpected EOF; expected \"'''\"", "a multi-line string is not closed"},
	{"unexpected EOF", "the file ends in the middle of a value"},
	{"expected value but found", "a value is missing or not valid TOML (strings need quotes)"},
	{"unexpected '=': key name appears blank", "a key is missing before '='"},
	{"unexpected '.': keys cannot start with a '.'", "a key starts with '.'"},
	{"unexpected '='", "unexpected '='"},
	{"unexpected '.'", "unexpected '.'"},
	{"expected '.' or '='", "a key must be followed by '=' (values that are text need quotes)"},
	{"floats must start with a digit", "a number must start with a digit"},
	{"unexpected comma", "unexpected ','"},
	{"expected a comma (',') or array terminator (']')", "an array needs ',' between values and ']' at its end"},
	{"expected a comma or an inline table terminator '}'", "an inline table needs ',' between values and '}' at its end"},
	{"strings cannot contain newlines", "a string must end on the line it starts (use \"\"\" for several lines)"},
	{"newlines not allowed within inline tables", "an inline table { … } must be on one line"},
	{`unexpected '""""""'`, "too many quotes end a multi-line string"},
	{`unexpected "''''''"`, "too many quotes end a multi-line string"},
	{`expected two hexadecimal digits after '\x'`, `a \x escape needs two hexadecimal digits`},
	{`expected four hexadecimal digits after '\u'`, `a \u escape needs four hexadecimal digits`},
	{`expected eight hexadecimal digits after '\U'`, `a \U escape needs eight hexadecimal digits`},
	{"invalid escape", `a string holds an escape TOML does not know (write \\ for a backslash, or use '…')`},
	{"Escaped character", "an escaped character is not valid Unicode"},
	{"invalid float", "a number is not valid"},
	{"Invalid float", "a number is not valid"},
	{"Invalid integer", "a number is not valid"},
	{"cannot use sign with non-decimal numbers", "a number is not valid"},
	{"expected a digit", "a number is not valid"},
	{"not a binary number", "a number is not valid"},
	{"not an octal number", "a number is not valid"},
	{"not a hexadecimal number", "a number is not valid"},
	{"invalid datetime", "a date or time is not valid"},
	{"invalid duration", "a duration is not valid"},
	{"TOML files cannot contain control characters", "the file holds a control character"},
	{"invalid UTF-8 byte", "the file is not valid UTF-8"},
	{"files cannot contain NULL bytes", "the file holds NUL bytes (saved as UTF-16?): save it as UTF-8"},
	{"Key '", "a key or table is defined twice, or used as both a table and a value"},
}

// tomlTroublesWithin are the messages that start with a quoted key or
// value, matched by a constant part within them.
var tomlTroublesWithin = []struct{ prefix, says string }{
	{" is not a table", "a key or table is defined twice, or used as both a table and a value"},
	{" is out of range for ", "a number is too big"},
	{" is out of the safe ", "a number is too big"},
}
