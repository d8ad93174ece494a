// Package lang holds Latchkey's translations (English and Korean) and the two
// calls every face uses for words a person reads: L for a fixed text, X for a
// text with a stable key and named placeholders ({{.Name}}).
//
// The files are translations/en.json and translations/ko.json, registered
// with Fyne's lang package, so Fyne's own dialog words (Cancel, OK…) come
// from the same files. The language follows the system locale unless Use
// names one.
//
// Adding a string: write lang.L("English text") or
// lang.X("area.what", "English text with {{.Name}}", map[string]any{"Name": v})
// where the person reads it (string literals only: the completeness test in
// this package reads them from the source), then add the key to both files;
// the test says what is missing. Adding a language: a translations/xx.json
// with every key, and its tag in supported.
package lang

import (
	"embed"
	"os"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	flang "fyne.io/fyne/v2/lang"
)

//go:embed translations/*.json
var files embed.FS

// EnvLang names the environment variable that chooses the language for
// every face (the command line has no other way): "en", "ko", or unset to
// follow the system locale.
const EnvLang = "LATCHKEY_LANG"

// supported are the languages Latchkey has words for; the first is the
// fallback.
var supported = []Language{{"en", "English"}, {"ko", "한국어"}}

// Language is one language Latchkey speaks: its tag and its own name for
// itself (for a language setting).
type Language struct {
	Tag  string // "en", "ko"
	Name string // "English", "한국어"
}

// Languages lists the languages Latchkey speaks, English first.
func Languages() []Language { return append([]Language(nil), supported...) }

var (
	mu      sync.Mutex
	current = "en"
	// loadErr is what registering the files said (a broken file); the
	// completeness test checks it is nil.
	loadErr error
)

// startLanguage is LANGUAGE as the process started with it (Use sets it).
var startLanguage, startLanguageSet = os.LookupEnv("LANGUAGE")

// setup registers the files and chooses the language from the
// environment, once, at the first word asked for (not at package init: a
// `latchkey token` prints no word and so parses no translation file).
var setup sync.Once

func ensure() {
	setup.Do(func() {
		choose("", func() { loadErr = flang.AddTranslationsFS(files, "translations") })
	})
}

// environ reads the environment as the process started, for LANGUAGE.
func environ(k string) (string, bool) {
	if k == "LANGUAGE" {
		return startLanguage, startLanguageSet
	}
	return os.LookupEnv(k)
}

// L translates text (the English text is the key), filling placeholders
// from data when given.
func L(text string, data ...any) string {
	ensure()
	return flang.L(text, data...)
}

// X translates the text with the given key; fallback is the English text,
// used when no translation has the key.
func X(key, fallback string, data ...any) string {
	ensure()
	return flang.X(key, fallback, data...)
}

// Use chooses the language by its BCP 47 tag ("en", "ko", "ko-KR"); ""
// follows LATCHKEY_LANG, then the system locale (LANGUAGE, LC_ALL,
// LC_MESSAGES, LANG as gettext reads them: LANGUAGE only counts when the
// locale is not plain C; C and POSIX mean English). A language Latchkey does
// not speak means English. It returns the tag it chose.
//
// Words already on screen keep their language: call Use before building
// the window (a language setting takes effect at the next start), and not
// while another goroutine translates.
//
// Fyne reads the language from the environment only, so Use sets LANGUAGE
// to the chosen tag (which also tells Fyne's font fallback which script
// variant to prefer) and hides LC_ALL, LC_MESSAGES and LANG while Fyne picks
// its localizer.
func Use(tag string) string {
	ensure()
	return choose(tag, nil)
}

// choose is Use once the files are registered; register, when not nil,
// registers them (the first time), under the same environment as the
// choice, so that Fyne never reads a locale it cannot parse ("C.UTF-8"
// logs an error) however the first word is asked for.
func choose(tag string, register func()) string {
	mu.Lock()
	defer mu.Unlock()
	var chosen string
	if tag != "" {
		chosen = match([]string{tag})
	} else {
		chosen = match(systemLanguages(environ))
	}
	hide := []string{"LC_ALL", "LC_MESSAGES", "LANG"}
	saved := make(map[string]*string, len(hide))
	for _, k := range hide {
		if v, ok := os.LookupEnv(k); ok {
			saved[k] = &v
			_ = os.Unsetenv(k)
		}
	}
	_ = os.Setenv("LANGUAGE", chosen)
	// Any registration makes Fyne pick its localizer again from the
	// environment; an empty file for the chosen tag adds no words.
	if register == nil {
		register = func() { _ = flang.AddTranslationsForLocale([]byte("{}"), fyne.Locale(chosen)) }
	}
	register()
	for k, v := range saved {
		_ = os.Setenv(k, *v)
	}
	current = chosen
	return chosen
}

// Current is the tag of the language in use ("en" or "ko").
func Current() string {
	ensure()
	mu.Lock()
	defer mu.Unlock()
	return current
}

// systemLanguages lists the languages the environment asks for, best
// first: LATCHKEY_LANG, else what gettext would read.
func systemLanguages(env func(string) (string, bool)) []string {
	if v, _ := env(EnvLang); v != "" {
		return []string{v}
	}
	locale := ""
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v, _ := env(k); v != "" {
			locale = v
			break
		}
	}
	if locale == "" {
		// No locale (Windows, macOS, a bare session): LANGUAGE as
		// go-locale reads it, else ask the system.
		if v, set := env("LANGUAGE"); set && v != "" {
			return strings.Split(v, ":")
		}
		return []string{flang.SystemLocale().String()}
	}
	if locale == "C" || locale == "POSIX" {
		return []string{"en"}
	}
	var all []string
	if v, _ := env("LANGUAGE"); v != "" {
		all = strings.Split(v, ":")
	}
	return append(all, locale)
}

// match returns the first supported language among the wanted ones
// ("ko_KR.UTF-8", "ko-KR", "ko"), English when none is; C and POSIX are
// English.
func match(wanted []string) string {
	for _, w := range wanted {
		base := w
		if i := strings.IndexAny(base, "_-.@"); i >= 0 {
			base = base[:i]
		}
		base = strings.ToLower(base)
		for _, s := range supported {
			if base == s.Tag {
				return s.Tag
			}
		}
	}
	return supported[0].Tag
}
