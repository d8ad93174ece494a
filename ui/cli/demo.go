package cli

import (
	"context"
	"fmt"
	"strings"

	"latchkey/auth"
	"latchkey/auth/demo/demoinfo"
)

// demoStoppedState is `status`' state of a demo entry whose server is not
// running.
const demoStoppedState = "demo provider not running — run `latchkey demo`"

// demo adds the demo entries to the config (those absent) and serves the
// demo provider in the foreground until ctx ends (Ctrl-C), so that
// `latchkey login demo-oidc` and the rest work from another terminal. A
// second one, while one runs, is refused in words (AlreadyRunningError).
func (c *runner) demo(ctx context.Context, _ []string) error {
	svc, err := c.service()
	if err != nil {
		return err
	}
	path := svc.Config().Path
	added, err := auth.AddDemoEntries(path)
	if err != nil {
		return err
	}
	srv, err := demoinfo.Start(svc.DemoDir())
	if err != nil {
		return err
	}
	defer srv.Close()
	if len(added) > 0 {
		fmt.Fprintf(c.Stdout, "Added %s to %s.\n", strings.Join(added, " and "), path)
	}
	fmt.Fprintf(c.Stdout, "The Latchkey demo provider (not a real account) listens on %s (OAuth 1.0a under %s).\n", srv.Issuer(), demoinfo.OAuth1Path)
	fmt.Fprintf(c.Stdout, "Sign in from another terminal: latchkey login %s   (or %s)\n", demoinfo.OIDCProviderID, demoinfo.OAuth1ProviderID)
	fmt.Fprintln(c.Stdout, "Press Ctrl-C to stop it.")
	<-ctx.Done()
	if err := srv.Close(); err != nil {
		return err
	}
	fmt.Fprintln(c.Stdout, "The demo provider stopped.")
	return nil
}
