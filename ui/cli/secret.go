package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"latchkey/assets/lang"
	"latchkey/auth/provider"
)

// secret keeps provider ID's client secret (OAuth 1.0a: the consumer
// secret) in the keychain: it reads one line from stdin, saves it, and
// rewrites the provider's entry to say client_secret_in_keychain = true
// (removing a client_secret written there), keeping the rest of the file
// byte for byte.
func (c *runner) secret(_ context.Context, args []string) error {
	svc, err := c.service()
	if err != nil {
		return err
	}
	id := args[0]
	p, ok := svc.Config().Find(id)
	if !ok {
		_, err := svc.Provider(id) // the unknown-provider error, in its usual words
		return err
	}
	if f, ok := c.Stdin.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			fmt.Fprint(c.Stderr, lang.X("cli.secret.prompt", "Paste the client secret of {{.Provider}} and press Enter (it shows as you paste; pipe it in to keep it off the screen): ", map[string]any{"Provider": p.DisplayName()}))
		}
	}
	line, err := bufio.NewReader(c.Stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return errors.New(lang.X("cli.secret.read", "could not read the client secret from standard input"))
	}
	if err := svc.SaveClientSecret(id, strings.TrimSpace(line)); err != nil {
		return err
	}
	if err := provider.Update(svc.Config().Path, id, provider.Entry{
		{Key: "client_secret", Value: provider.Unset()},
		{Key: "client_secret_in_keychain", Value: provider.Bool(true)},
	}); err != nil {
		return err
	}
	fmt.Fprintln(c.Stdout, lang.X("cli.secret.kept", "Kept the client secret of {{.Provider}} in the keychain; its entry in {{.Path}} now says client_secret_in_keychain = true", map[string]any{"Provider": p.DisplayName(), "Path": svc.Config().Path}))
	return nil
}
