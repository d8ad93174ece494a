// Package lang holds Latchkey's translations (English and Korean) and the two
// calls every face uses for words a person reads: L for a fixed text, X for a
// text with a stable key and named placeholders ({{.Name}}).
//
// The files are translations/en.json and translations/ko.json, registered
// with Fyne's lang package, so Fyne's own dialog words (Cancel, OK…) come
// from the same files. The language follows the system locale unless Use
// names one.
package lang

import (
	"embed"

	flang "fyne.io/fyne/v2/lang"
)

//go:embed translations/*.json
var files embed.FS

func init() {
	_ = flang.AddTranslationsFS(files, "translations")
}

// L translates text (the English text is the key), filling placeholders
// from data when given.
func L(text string, data ...any) string { return flang.L(text, data...) }

// X translates the text with the given key; fallback is the English text,
// used when no translation has the key.
func X(key, fallback string, data ...any) string { return flang.X(key, fallback, data...) }

// Use chooses the language by its BCP 47 tag ("en", "ko"); "" follows the
// system locale. (Skeleton: the translations engineer fills this in.)
func Use(tag string) {}
