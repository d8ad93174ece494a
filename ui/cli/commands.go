package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"latchkey/assets/lang"
	"latchkey/auth"
	"latchkey/auth/provider"
)

// providers lists the usable providers, each with the redirect URI to
// register at it, and every config problem. It exits 1 when there are
// problems, so it doubles as a config check.
func (c *runner) providers(_ context.Context, _ []string) error {
	svc, err := c.service()
	if err != nil {
		return err
	}
	cfg := svc.Config()
	if c.json {
		return c.providersJSON(cfg)
	}
	switch {
	case cfg.Missing:
		fmt.Fprintln(c.Stdout, lang.X("cli.providers.missing", "No providers yet: {{.Path}} does not exist. See docs/CONFIG.md for its format.", map[string]any{"Path": cfg.Path}))
	case len(cfg.Providers) == 0:
		fmt.Fprintln(c.Stdout, lang.X("cli.providers.none", "No usable providers in {{.Path}}.", map[string]any{"Path": cfg.Path}))
	default:
		// REDIRECT URI is what to register at the provider: "-" when
		// nothing is (Capabilities.RegistersRedirect).
		tw := tabwriter.NewWriter(c.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, lang.X("cli.providers.header", "ID\tNAME\tPROTOCOL\tREDIRECT URI"))
		for _, p := range cfg.Providers {
			redirect := "-"
			if auth.CapabilitiesOf(&p).RegistersRedirect {
				redirect = p.RedirectURIToRegister()
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", p.ID, p.DisplayName(), p.Protocol, redirect)
		}
		tw.Flush()
	}
	if len(cfg.Problems) == 0 {
		return nil
	}
	fmt.Fprintf(c.Stdout, "\n%s\n", lang.X("cli.providers.problems", "Problems in {{.Path}}:", map[string]any{"Path": cfg.Path}))
	for _, p := range cfg.Problems {
		fmt.Fprintf(c.Stdout, "  %s\n", p.Short())
	}
	return errors.New(lang.X("cli.providers.stillwork", "{{.Path}} has {{.Count}} problem(s); the providers listed above still work", map[string]any{"Path": cfg.Path, "Count": len(cfg.Problems)}))
}

// login signs in, printing the URL (and browser trouble) on stderr and
// "Signed in to NAME as USER" on stdout. With --device it signs in with a
// code instead (loginDevice).
func (c *runner) login(ctx context.Context, args []string) error {
	svc, err := c.service()
	if err != nil {
		return err
	}
	p, err := svc.Provider(args[0])
	if err != nil {
		return err
	}
	if c.device {
		return c.loginDevice(ctx, svc, p)
	}
	opts := auth.LoginOptions{
		NoBrowser: c.noBrowser,
		AuthURL: func(u string) {
			if c.noBrowser {
				fmt.Fprintf(c.Stderr, "%s\n\n  %s\n\n", lang.X("cli.login.openlink", "Open this link in your browser to sign in to {{.Provider}}:", map[string]any{"Provider": p.DisplayName()}), u)
			} else {
				fmt.Fprintf(c.Stderr, "%s\n\n  %s\n\n", lang.X("cli.login.opening", "Opening your browser to sign in to {{.Provider}}. If it does not open, visit:", map[string]any{"Provider": p.DisplayName()}), u)
			}
		},
		BrowserFailed: func(err error) {
			fmt.Fprintf(c.Stderr, "%s\n", auth.Describe(err, auth.CLI))
		},
		// Asked only when the provider shows a verifier to paste
		// (Capabilities.PastesVerifier).
		Prompter: stdinPrompter{in: c.Stdin, out: c.Stderr},
	}
	a, err := svc.Login(ctx, p.ID, opts)
	if err != nil {
		return err
	}
	fmt.Fprintln(c.Stdout, lang.X("cli.login.done", "Signed in to {{.Provider}} as {{.User}}", map[string]any{"Provider": p.DisplayName(), "User": a.Profile.Display()}))
	if note := a.Profile.TrimmedNote(); note != "" {
		fmt.Fprintln(c.Stderr, note) // stdout stays the one line scripts read
	}
	return nil
}

// loginDevice signs in with the device authorization grant (RFC 8628):
// "To sign in to NAME, open URL and enter the code: CODE" on stderr, the
// browser opened on the page unless --no-browser, then the usual line on
// stdout. Ctrl-C cancels the polling (exit 130).
func (c *runner) loginDevice(ctx context.Context, svc *auth.Service, p *provider.Provider) error {
	a, err := svc.LoginDevice(ctx, p.ID, auth.DeviceOptions{
		NoBrowser: c.noBrowser,
		Code: func(dc auth.DeviceCode) {
			fmt.Fprintf(c.Stderr, "%s\n\n", lang.X("cli.device.code", "To sign in to {{.Provider}}, open {{.URL}} and enter the code: {{.Code}}", map[string]any{"Provider": dc.Provider, "URL": dc.VerificationURI, "Code": dc.UserCode}))
			fmt.Fprintln(c.Stderr, lang.X("cli.device.waiting", "Waiting for you to finish (the code works for {{.Duration}}; Ctrl-C cancels)…", map[string]any{"Duration": roughly(time.Until(dc.Expiry))}))
		},
		BrowserFailed: func(err error) {
			fmt.Fprintf(c.Stderr, "%s\n", auth.Describe(err, auth.CLI))
		},
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(c.Stdout, lang.X("cli.login.done", "Signed in to {{.Provider}} as {{.User}}", map[string]any{"Provider": p.DisplayName(), "User": a.Profile.Display()}))
	if note := a.Profile.TrimmedNote(); note != "" {
		fmt.Fprintln(c.Stderr, note) // stdout stays the one line scripts read
	}
	return nil
}

// roughly says d in whole minutes, or seconds under two minutes.
func roughly(d time.Duration) string {
	if d >= 2*time.Minute {
		return lang.X("cli.minutes", "{{.N}} minutes", map[string]any{"N": int(d.Round(time.Minute) / time.Minute)})
	}
	return lang.X("cli.seconds", "{{.N}} seconds", map[string]any{"N": max(int(d.Round(time.Second)/time.Second), 0)})
}

// stdinPrompter reads an OAuth 1.0a verifier from stdin (one line).
type stdinPrompter struct {
	in  io.Reader
	out io.Writer
}

func (s stdinPrompter) Verifier(ctx context.Context, p *provider.Provider, _ string) (string, error) {
	fmt.Fprint(s.out, lang.X("cli.verifier.prompt", "After allowing access, {{.Provider}} shows a verification code. Paste it here and press Enter: ", map[string]any{"Provider": p.DisplayName()}))
	type result struct {
		line string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		line, err := bufio.NewReader(s.in).ReadString('\n')
		done <- result{line, err}
	}()
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case r := <-done:
		v := strings.TrimSpace(r.line)
		if v == "" {
			if r.err != nil && !errors.Is(r.err, io.EOF) {
				return "", fmt.Errorf("%s: %v", lang.X("cli.verifier.read", "could not read the verification code"), r.err)
			}
			return "", errors.New(lang.X("cli.verifier.empty", "no verification code was given (standard input is empty); run `latchkey login` again and paste the code"))
		}
		return v, nil
	}
}

// statusJSON is one element of `status --json`. Field names are a contract
// with scripts: add, never rename.
type statusJSON struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Protocol   string     `json:"protocol"`
	SignedIn   bool       `json:"signed_in"`
	User       *userJSON  `json:"user"`
	State      auth.State `json:"state"`
	ExpiresAt  *string    `json:"expires_at"`
	ObtainedAt *string    `json:"obtained_at"`
	Scopes     []string   `json:"scopes"`
	Error      string     `json:"error,omitempty"`
	// Configured is false for an account still in the keychain whose
	// provider has left the config (`latchkey logout ID` removes it).
	Configured bool `json:"configured"`
	// Demo is true for the built-in demo provider's entries.
	Demo bool `json:"demo,omitempty"`
}

type userJSON struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Username string `json:"username"`
	Email    string `json:"email"`
	Picture  string `json:"picture"`
}

func rfc3339(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

// status prints every provider's state. A keychain failure is shown per
// provider and makes the exit status 1.
func (c *runner) status(_ context.Context, _ []string) error {
	svc, err := c.service()
	if err != nil {
		return err
	}
	sts, orphans, firstErr := svc.Overview() // one read of the keychain
	if c.json {
		out := make([]statusJSON, 0, len(sts))
		for _, st := range sts {
			j := statusJSON{ID: st.Provider.ID, Name: st.Provider.DisplayName(), Protocol: string(st.Provider.Protocol), State: st.State, Scopes: []string{}, Configured: true, Demo: st.Can.Demo}
			if a := st.Account; a != nil {
				j.SignedIn = true
				pr := a.Profile
				j.User = &userJSON{ID: pr.Subject, Name: pr.Name, Username: pr.Username, Email: pr.Email, Picture: pr.Picture}
				j.ExpiresAt, j.ObtainedAt = rfc3339(a.Token.Expiry), rfc3339(a.ObtainedAt)
				if a.Token.Scopes != nil {
					j.Scopes = a.Token.Scopes
				}
			}
			if st.Err != nil {
				j.Error = auth.Describe(st.Err, auth.CLI)
			}
			out = append(out, j)
		}
		for _, id := range orphans {
			out = append(out, statusJSON{ID: id, Name: id, SignedIn: true, State: auth.StateUnknown, Scopes: []string{}})
		}
		enc := json.NewEncoder(c.jsonOut)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else {
		if len(sts) == 0 {
			fmt.Fprintln(c.Stdout, lang.X("cli.status.none", "No providers configured in {{.Path}}.", map[string]any{"Path": svc.Config().Path}))
		}
		tw := tabwriter.NewWriter(c.Stdout, 0, 4, 2, ' ', 0)
		if len(sts) > 0 {
			fmt.Fprintln(tw, lang.X("cli.status.header", "ID\tNAME\tSTATE\tUSER\tEXPIRES"))
		}
		for _, st := range sts {
			user, expires := "-", "-"
			if a := st.Account; a != nil {
				user = a.Profile.Display()
				if e := rfc3339(a.Token.Expiry); e != nil {
					expires = *e
				} else {
					expires = lang.X("cli.status.never", "never")
				}
			}
			state := string(st.State)
			if st.State == auth.StateDemoNotRunning {
				state = demoStoppedState()
			}
			if st.Err != nil {
				state = lang.X("cli.status.error", "error")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", st.Provider.ID, st.Provider.DisplayName(), state, user, expires)
		}
		tw.Flush()
		if len(orphans) > 0 {
			fmt.Fprintf(c.Stdout, "\n%s\n", lang.X("cli.status.orphans", "Still in the keychain, but no longer in {{.Path}}:", map[string]any{"Path": svc.Config().Path}))
			for _, id := range orphans {
				fmt.Fprintf(c.Stdout, "  %s  %s\n", id, lang.X("cli.status.orphan", "(`latchkey logout {{.ID}}` removes it)", map[string]any{"ID": id}))
			}
		}
	}
	c.warnProblems(svc)
	return firstErr
}

// tokenJSON is `token --json`'s output; a contract with scripts.
type tokenJSON struct {
	AccessToken string  `json:"access_token"`
	TokenType   string  `json:"token_type"`
	ExpiresAt   *string `json:"expires_at"`
	TokenSecret string  `json:"token_secret,omitempty"`
}

// token prints a valid access token, alone on its line, for scripts;
// with --header the Authorization line (printHeader).
func (c *runner) token(ctx context.Context, args []string) error {
	svc, err := c.service()
	if err != nil {
		return err
	}
	a, err := svc.Token(ctx, args[0])
	if err != nil {
		return err
	}
	if c.header {
		return c.printHeader(svc, a)
	}
	if !c.json {
		_, err := fmt.Fprintln(c.Stdout, a.Token.AccessToken)
		return err
	}
	return json.NewEncoder(c.jsonOut).Encode(tokenJSON{
		AccessToken: a.Token.AccessToken,
		TokenType:   a.Token.TokenType,
		ExpiresAt:   rfc3339(a.Token.Expiry),
		TokenSecret: a.Token.TokenSecret,
	})
}

// logout revokes the token where the provider supports it, then deletes
// the account from the keychain. A revocation the provider did not confirm
// is a warning on stderr: the sign-out here happened, and running logout
// again cannot fix it.
func (c *runner) logout(ctx context.Context, args []string) error {
	svc, err := c.service()
	if err != nil {
		return err
	}
	name := args[0] // an account whose provider has left the config has only its id
	note := ""
	if p, err := svc.Provider(args[0]); err == nil {
		name = p.DisplayName()
		if a, err := svc.Account(p.ID); err == nil {
			note = auth.UnrevokedNote(p, a, auth.CLI)
		}
	}
	had, err := svc.Logout(ctx, args[0])
	var re *auth.RevokeError
	if errors.As(err, &re) {
		fmt.Fprintf(c.Stderr, "latchkey: %s\n", lang.X("cli.warning", "warning: {{.Words}}", map[string]any{"Words": auth.Describe(re, auth.CLI)}))
	} else if err != nil {
		return err
	}
	if had {
		fmt.Fprintln(c.Stdout, lang.X("cli.logout.done", "Signed out of {{.Provider}}", map[string]any{"Provider": name}))
		if note != "" {
			fmt.Fprintf(c.Stderr, "latchkey: %s\n", lang.X("cli.note", "note: {{.Words}}", map[string]any{"Words": note}))
		}
	} else {
		fmt.Fprintln(c.Stdout, lang.X("cli.logout.none", "Not signed in to {{.Provider}}; nothing to do", map[string]any{"Provider": name}))
	}
	return nil
}
