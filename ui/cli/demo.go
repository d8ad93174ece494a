package cli

import (
	"context"
	"fmt"
	"strings"

	"latchkey/assets/lang"
	"latchkey/auth"
	"latchkey/auth/demo/demoinfo"
)

// demoStoppedState is `status`' state of a demo entry whose server is not
// running.
func demoStoppedState() string {
	return lang.X("cli.status.demostopped", "demo provider not running — run `latchkey demo`")
}

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
		fmt.Fprintln(c.Stdout, lang.X("cli.demo.added", "Added {{.Entries}} to {{.Path}}.", map[string]any{"Entries": strings.Join(added, lang.X("cli.demo.and", " and ")), "Path": path}))
	}
	fmt.Fprintln(c.Stdout, lang.X("cli.demo.listens", "The Latchkey demo provider (not a real account) listens on {{.URL}} (OAuth 1.0a under {{.Path}}).", map[string]any{"URL": srv.Issuer(), "Path": demoinfo.OAuth1Path}))
	fmt.Fprintln(c.Stdout, lang.X("cli.demo.signin", "Sign in from another terminal: latchkey login {{.ID}}   (or {{.Other}})", map[string]any{"ID": demoinfo.OIDCProviderID, "Other": demoinfo.OAuth1ProviderID}))
	fmt.Fprintln(c.Stdout, lang.X("cli.demo.stop", "Press Ctrl-C to stop it."))
	<-ctx.Done()
	if err := srv.Close(); err != nil {
		return err
	}
	fmt.Fprintln(c.Stdout, lang.X("cli.demo.stopped", "The demo provider stopped."))
	return nil
}
