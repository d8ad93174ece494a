// Command fakeidp serves authtest's fosite-backed OAuth 2.0 provider on
// 127.0.0.1 for smoke runs of the real binary: it writes a providers.toml
// for it to the path given as its argument, prints "ready" on stdout, and
// serves until it gets SIGINT or SIGTERM. Its authorization endpoint
// consents at once, so a "browser" that follows redirects (BROWSER="curl
// -sL") completes a sign-in.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"latchkey/auth/authtest"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: fakeidp PROVIDERS.TOML")
		os.Exit(2)
	}
	idp, err := authtest.StartOAuth2()
	if err != nil {
		fmt.Fprintln(os.Stderr, "fakeidp:", err)
		os.Exit(1)
	}
	defer idp.Close()
	idp.OmitPicture() // no request may leave this machine
	toml := idp.ProviderTOML("example", "Example Identity", authtest.PublicClientID, "none")
	if err := os.WriteFile(os.Args[1], []byte(toml), 0o600); err != nil {
		fmt.Fprintln(os.Stderr, "fakeidp:", err)
		os.Exit(1)
	}
	fmt.Println("ready")
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
}
