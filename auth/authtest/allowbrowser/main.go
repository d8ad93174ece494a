// Command allowbrowser is the smoke run's BROWSER: `allowbrowser URL`
// opens a sign-in URL of the demo provider, presses Allow on its consent
// page and follows the answer back to Latchkey, like a person would. An
// OAuth 1.0a "oob" verifier shown at the end is printed on stdout.
package main

import (
	"fmt"
	"os"

	"latchkey/auth/authtest/consent"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: allowbrowser URL")
		os.Exit(2)
	}
	r := consent.Visit(os.Args[1], consent.Allow)
	if r.Err != nil {
		fmt.Fprintln(os.Stderr, "allowbrowser:", r.Err)
		os.Exit(1)
	}
	if r.Verifier != "" {
		fmt.Println(r.Verifier)
	}
}
