// Package applog is the window's log file: where Latchkey's diagnostics go
// when it was started without a terminal (from a menu, a .desktop file, a
// file manager). It is a rotated file under the user cache folder
// (Path: os.UserCacheDir()/latchkey/latchkey.log, at most MaxMegabytes,
// Backups old files kept), readable by its owner only (0600, folder 0700).
//
// Install routes both the standard log package (Fyne logs through it) and
// the log/slog default (zitadel's demo server logs through it) to the
// file, through one Handler that keeps secrets out:
//
//   - an attribute whose key looks like a secret (token, secret, code,
//     verifier, password, state, nonce, assertion, cookie, authorization,
//     credential, in any case, anywhere in the key or its group) is written
//     as [redacted], whatever its value;
//   - every other text, the message included, is scrubbed (Scrub): a
//     secret-looking key=value or "key":"value" pair (a URL's code=,
//     state=, access_token=… query), an Authorization scheme's credential
//     (Bearer, Basic, OAuth …), a JWT, and any long run of letters and
//     digits (an opaque token) become [redacted].
//
// The window's own events (ui/logevents.go) name the provider id, what
// happened and, for a failure, the error's type and the words shown to
// the person: never a value. The command line keeps its diagnostics on
// stderr, for the person at the terminal.
package applog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"gopkg.in/natefinch/lumberjack.v2"
)

// Rotation: a file grows to MaxMegabytes, then is kept as one of Backups
// older files (latchkey-<time>.log next to it); older ones are removed.
const (
	MaxMegabytes = 2
	Backups      = 3
)

// FileName is the log file's name in its folder.
const FileName = "latchkey.log"

// Redacted stands in for a value the log must not hold.
const Redacted = "[redacted]"

// Path is where the log file lives: the user cache folder
// ($XDG_CACHE_HOME or ~/.cache on Linux), latchkey/latchkey.log.
func Path() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "latchkey", FileName), nil
}

// File is an open, rotated log file. Safe for concurrent use.
type File struct {
	lj *lumberjack.Logger
}

// Open opens (creating it and its folder when missing) the rotated log
// file at path. The folder is made 0700 and the file 0600, also when they
// existed with wider permissions.
func Open(path string) (*File, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	// One write of nothing opens the file now, so that a problem shows
	// here rather than as lost lines later.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	err = f.Chmod(0o600)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	return &File{lj: &lumberjack.Logger{
		Filename:   path,
		MaxSize:    MaxMegabytes,
		MaxBackups: Backups,
		LocalTime:  true,
	}}, nil
}

// Write appends p to the file, rotating it when it is full.
func (f *File) Write(p []byte) (int, error) { return f.lj.Write(p) }

// Close closes the file.
func (f *File) Close() error { return f.lj.Close() }

// Install makes w (through NewHandler) the destination of the log/slog
// default logger and of the standard log package. restore puts back what
// was there before (for tests).
func Install(w io.Writer) (restore func()) {
	prev := slog.Default()
	prevFlags, prevOut := log.Flags(), log.Writer()
	slog.SetDefault(slog.New(NewHandler(w, slog.LevelInfo)))
	return func() {
		slog.SetDefault(prev) // also points the log package at prev's handler
		log.SetFlags(prevFlags)
		log.SetOutput(prevOut)
	}
}

// NewHandler is a text handler on w that writes no secret (see the
// package documentation): records at level and above, one line each.
func NewHandler(w io.Writer, level slog.Leveler) slog.Handler {
	return &handler{inner: slog.NewTextHandler(w, &slog.HandlerOptions{Level: level, ReplaceAttr: redactAttr})}
}

// handler wraps the text handler so that the group names are checked
// too, and the message is scrubbed (ReplaceAttr sees it as "msg").
type handler struct {
	inner   slog.Handler
	secrets bool // inside a group whose name looks like a secret
}

func (h *handler) Enabled(ctx context.Context, l slog.Level) bool { return h.inner.Enabled(ctx, l) }

func (h *handler) Handle(ctx context.Context, r slog.Record) error {
	if h.secrets { // every attribute inside a secret group is hidden
		out := slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
		r.Attrs(func(a slog.Attr) bool {
			out.AddAttrs(slog.String(a.Key, Redacted))
			return true
		})
		r = out
	}
	return h.inner.Handle(ctx, r)
}

func (h *handler) WithAttrs(as []slog.Attr) slog.Handler {
	if h.secrets {
		hidden := make([]slog.Attr, len(as))
		for i, a := range as {
			hidden[i] = slog.String(a.Key, Redacted)
		}
		as = hidden
	}
	return &handler{inner: h.inner.WithAttrs(as), secrets: h.secrets}
}

func (h *handler) WithGroup(name string) slog.Handler {
	return &handler{inner: h.inner.WithGroup(name), secrets: h.secrets || SecretKey(name)}
}

// redactAttr is the text handler's ReplaceAttr: a secret-looking key
// hides its value; any other value is written as scrubbed text.
func redactAttr(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && (a.Key == slog.TimeKey || a.Key == slog.LevelKey) {
		return a
	}
	for _, g := range groups {
		if SecretKey(g) {
			return slog.String(a.Key, Redacted)
		}
	}
	if a.Key != slog.MessageKey && SecretKey(a.Key) {
		return slog.String(a.Key, Redacted)
	}
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindBool, slog.KindInt64, slog.KindUint64, slog.KindFloat64, slog.KindDuration, slog.KindTime:
		return slog.Attr{Key: a.Key, Value: v}
	case slog.KindGroup:
		return slog.Attr{Key: a.Key, Value: v} // its members come through here one by one
	case slog.KindString:
		return slog.String(a.Key, Scrub(v.String()))
	default: // an error, a struct, a map: whatever its text is, scrubbed
		var text string
		if err, ok := v.Any().(error); ok {
			text = err.Error()
		} else {
			text = fmt.Sprintf("%+v", v.Any()) // field names too, so a Secret: field is seen
		}
		return slog.String(a.Key, Scrub(text))
	}
}

// secretWords are the parts of a key that make it secret-looking.
var secretWords = []string{
	"token", "secret", "code", "verifier", "password", "passwd", "state",
	"nonce", "assertion", "cookie", "authorization", "credential", "bearer",
	"signature",
}

// SecretKey reports whether an attribute key (or a group or form field
// name) looks like it holds a secret: it contains one of the secret
// words, in any case.
func SecretKey(key string) bool {
	k := strings.ToLower(key)
	for _, w := range secretWords {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}

var (
	// pairRE: a key=value, key: value or "key":"value" whose key holds a
	// secret word (a URL query, a form body, a JSON answer, a header).
	pairRE = regexp.MustCompile(`(?i)("?[a-z0-9_.-]*(?:token|secret|code|verifier|password|passwd|state|nonce|assertion|cookie|credential|signature)[a-z0-9_.-]*"?\s*(?:=|:)\s*"?)([^\s&",;}\]]+)`)
	// schemeRE: an Authorization header's credential.
	schemeRE = regexp.MustCompile(`(?i)\b(bearer|basic|digest|dpop)(\s+)([^\s,;"]+)`)
	// jwtRE: a JSON Web Token (id_tokens, JWT access tokens).
	jwtRE = regexp.MustCompile(`eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.?[A-Za-z0-9_-]*`)
	// opaqueRE: a long run that could be an opaque token or a hash.
	opaqueRE = regexp.MustCompile(`[A-Za-z0-9_~+=.-]{24,}`)
)

// Scrub returns text with anything that could be a secret replaced by
// [redacted]: secret-looking key=value pairs (a URL's code=, state=,
// token=…), Authorization credentials, JWTs, and any run of 24 or more
// token characters that holds both letters and digits.
func Scrub(text string) string {
	text = pairRE.ReplaceAllString(text, "${1}"+Redacted)
	text = schemeRE.ReplaceAllStringFunc(text, func(m string) string {
		sub := schemeRE.FindStringSubmatch(m)
		if sub[3] == Redacted || strings.HasPrefix(sub[3], Redacted) {
			return m
		}
		return sub[1] + sub[2] + Redacted
	})
	text = jwtRE.ReplaceAllString(text, Redacted)
	text = opaqueRE.ReplaceAllStringFunc(text, func(m string) string {
		if strings.ContainsAny(m, "0123456789") && strings.IndexFunc(m, isLetter) >= 0 {
			return Redacted
		}
		return m
	})
	return text
}

func isLetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

// ErrorTypes names the types along err's chain, outermost first
// ("*auth.ProviderError < *url.Error"): what went wrong, without the
// error's text (which may quote a provider's answer).
func ErrorTypes(err error) string {
	var types []string
	seen := 0
	var walk func(error)
	walk = func(e error) {
		for e != nil && seen < 8 {
			seen++
			types = append(types, fmt.Sprintf("%T", e))
			switch u := e.(type) {
			case interface{ Unwrap() []error }:
				for _, inner := range u.Unwrap() {
					walk(inner)
				}
				return
			default:
				e = errors.Unwrap(e)
			}
		}
	}
	walk(err)
	return strings.Join(types, " < ")
}
