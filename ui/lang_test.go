package ui

import "latchkey/assets/lang"

// The tests compare English words: run them in English whatever the
// locale of the machine.
func init() { lang.Use("en") }
