package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"latchkey/assets/lang"
	"latchkey/auth"
	"latchkey/auth/provider"
)

// providerFlags are the flags of `providers add`, `remove` and `show`.
type providerFlags struct {
	preset, id, clientID, name, protocol string
	params                               paramFlag
	secretStdin, keepAccount             bool
	// fields are the endpoint and client flags of a custom entry, by TOML
	// key; scopes is --scope, repeated.
	fields map[string]*string
	scopes listFlag
}

// customFields are the TOML keys `providers add` takes as --flags (the key
// with dashes: --authorize-url), in the order they are written.
var customFields = []string{"issuer", "authorize_url", "access_token_url", "request_token_url", "userinfo_url", "revoke_url",
	"device_authorization_url", "token_endpoint_auth", "redirect_uri", "signature_method", "rsa_key_file", "callback", "token_method"}

func addFlags(fs *flag.FlagSet, c *runner) {
	f := &c.edit
	fs.StringVar(&f.preset, "preset", "", "start from this preset (latchkey providers presets lists them)")
	fs.StringVar(&f.id, "id", "", "the new provider's id, like work (lowercase letters, digits and dashes)")
	fs.StringVar(&f.clientID, "client-id", "", "the client id (OAuth 1.0a: consumer key) from the app registration")
	fs.StringVar(&f.name, "name", "", "the name shown for it")
	fs.StringVar(&f.protocol, "protocol", "", "oauth2, oidc or oauth1, for an entry without a preset")
	fs.Var(&f.params, "param", "a preset param as name=value, e.g. tenant=contoso.onmicrosoft.com; repeat for more")
	fs.Var(&f.scopes, "scope", "a scope to ask for; repeat for more")
	fs.BoolVar(&f.secretStdin, "client-secret-stdin", false, "read the client secret from standard input and keep it in the keychain")
	f.fields = map[string]*string{}
	for _, k := range customFields {
		f.fields[k] = fs.String(strings.ReplaceAll(k, "_", "-"), "", "the entry's "+k)
	}
}

func removeFlags(fs *flag.FlagSet, c *runner) {
	fs.BoolVar(&c.edit.keepAccount, "keep-account", false, "keep the signed-in account in the keychain")
}

// paramFlag is a repeated --param name=value.
type paramFlag map[string]string

func (p *paramFlag) String() string { return "" }

func (p *paramFlag) Set(v string) error {
	name, value, ok := strings.Cut(v, "=")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		return errors.New(lang.X("cli.add.param", "--param takes name=value, like tenant=contoso.onmicrosoft.com"))
	}
	if *p == nil {
		*p = paramFlag{}
	}
	(*p)[name] = value
	return nil
}

// listFlag is a repeated string flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, " ") }

func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// providersAdd writes a new entry to providers.toml: from a preset
// (--preset, --param), or custom (--protocol and the endpoint flags). It
// first checks the entry by loading the file as it would be, and refuses,
// leaving the file untouched, when the new entry would have problems. With
// --client-secret-stdin the secret goes to the keychain and the entry says
// client_secret_in_keychain = true.
func (c *runner) providersAdd(_ context.Context, _ []string) error {
	f := &c.edit
	switch {
	case f.id == "":
		return &usageError{lang.X("cli.add.noid", "providers add needs --id, the new provider's id (like work)")}
	case f.preset == "" && f.protocol == "":
		return &usageError{lang.X("cli.add.nopreset", "providers add needs --preset NAME (latchkey providers presets lists them), or --protocol oauth2|oidc|oauth1 with the endpoints")}
	case f.preset != "" && f.protocol != "":
		return &usageError{lang.X("cli.add.both", "providers add takes --preset or --protocol, not both: a preset sets the protocol")}
	case len(f.params) > 0 && f.preset == "":
		return &usageError{lang.X("cli.add.paramnopreset", "--param fills a preset's placeholders: use it with --preset")}
	}
	svc, err := c.service()
	if err != nil {
		return err
	}
	path := svc.Config().Path
	e := provider.Entry{{Key: "id", Value: provider.Text(f.id)}}
	text := func(key, v string) {
		if v != "" {
			e = append(e, provider.Field{Key: key, Value: provider.Text(v)})
		}
	}
	text("name", f.name)
	text("preset", f.preset)
	if len(f.params) > 0 {
		e = append(e, provider.Field{Key: "params", Value: provider.Table(f.params)})
	}
	text("protocol", f.protocol)
	text("client_id", f.clientID)
	for _, k := range customFields {
		text(k, strings.TrimSpace(*f.fields[k]))
	}
	if len(f.scopes) > 0 {
		e = append(e, provider.Field{Key: "scopes", Value: provider.List(f.scopes...)})
	}
	var secret string
	if f.secretStdin {
		if secret, err = c.readSecret(f.id); err != nil {
			return err
		}
		e = append(e, provider.Field{Key: "client_secret_in_keychain", Value: provider.Bool(true)})
	}
	if err := checkNewEntry(path, f.id, e, f.secretStdin); err != nil {
		return err
	}
	if f.secretStdin {
		if err := svc.SaveClientSecret(f.id, secret); err != nil {
			return err
		}
	}
	if err := provider.Add(path, e); err != nil {
		if f.secretStdin {
			svc.DeleteClientSecret(f.id) // the entry it belongs to was not written
		}
		return err
	}
	p, _ := provider.Parse(path, mustRead(path))
	fmt.Fprintln(c.Stdout, lang.X("cli.add.done", "Added provider {{.ID}} to {{.Path}}", map[string]any{"ID": f.id, "Path": path}))
	for i := range p {
		if p[i].ID == f.id {
			if redirect := redirectToRegister(&p[i]); redirect != "-" {
				fmt.Fprintln(c.Stdout, lang.X("cli.add.register", "Register this redirect URI at the provider: {{.URI}}", map[string]any{"URI": redirect}))
			}
			fmt.Fprintln(c.Stdout, lang.X("cli.add.signin", "Sign in with: latchkey login {{.ID}}", map[string]any{"ID": f.id}))
		}
	}
	return nil
}

// readSecret reads the client secret of provider id, one line, from stdin.
func (c *runner) readSecret(id string) (string, error) {
	line, err := bufio.NewReader(c.Stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", errors.New(lang.X("cli.add.secretread", "could not read the client secret of {{.ID}} from standard input", map[string]any{"ID": id}))
	}
	secret := strings.TrimSpace(line)
	if secret == "" {
		return "", errors.New(lang.X("cli.add.secretempty", "--client-secret-stdin: standard input held no client secret for {{.ID}}: pipe it in, e.g. latchkey providers add … --client-secret-stdin < secret.txt", map[string]any{"ID": id}))
	}
	return secret, nil
}

// checkNewEntry writes e into a copy of the file at path and loads the
// copy: the new entry's problems, if any, are the error, in words, and the
// file itself is not touched.
func checkNewEntry(path, id string, e provider.Entry, secretGiven bool) error {
	dir, err := os.MkdirTemp("", "latchkey-add-")
	if err != nil {
		return errors.New(lang.X("cli.add.noroom", "could not check the new entry: no room for a temporary copy of {{.Path}}", map[string]any{"Path": path}))
	}
	defer os.RemoveAll(dir)
	tmp := filepath.Join(dir, "providers.toml")
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return errors.New(lang.X("cli.add.unreadable", "could not read {{.Path}} to add the provider: {{.Problem}}", map[string]any{"Path": path, "Problem": osProblem(err)}))
	default:
		if err := os.WriteFile(tmp, data, 0o600); err != nil {
			return errors.New(lang.X("cli.add.noroom", "could not check the new entry: no room for a temporary copy of {{.Path}}", map[string]any{"Path": path}))
		}
	}
	if err := provider.Add(tmp, e); err != nil {
		var ee *provider.EditError
		if errors.As(err, &ee) {
			return errors.New(strings.ReplaceAll(ee.Error(), tmp, path))
		}
		return err
	}
	after := mustRead(tmp)
	start := lastProviderLine(after)
	_, probs := provider.Parse(path, after)
	var mine []string
	for _, p := range probs {
		if p.Line >= start || p.Provider == id {
			msg := p.Short()
			if !secretGiven && (p.Field == "client_secret" || p.Field == "token_endpoint_auth") {
				msg += lang.X("cli.add.passsecret", " (pass --client-secret-stdin and pipe the secret in: it goes to the keychain)")
			}
			mine = append(mine, msg)
		}
	}
	if len(mine) == 0 {
		return nil
	}
	return errors.New(lang.X("cli.add.problems", "did not add provider {{.ID}}, {{.Path}} is unchanged: the new entry would have {{.Count}} problem(s):", map[string]any{"ID": id, "Path": path, "Count": len(mine)}) + "\n  " + strings.Join(mine, "\n  "))
}

// lastProviderLine is the 1-based line of the last [[provider]] header.
func lastProviderLine(data []byte) int {
	last := 0
	for n, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "[[provider]]") {
			last = n + 1
		}
	}
	return last
}

func mustRead(path string) []byte {
	b, _ := os.ReadFile(path)
	return b
}

// osProblem is what went wrong with a file, without Go's wording.
func osProblem(err error) string {
	switch {
	case errors.Is(err, fs.ErrPermission):
		return lang.X("cli.file.denied", "permission denied")
	case errors.Is(err, fs.ErrNotExist):
		return lang.X("cli.file.missing", "it does not exist")
	}
	return lang.X("cli.file.unreadable", "it cannot be read")
}

// providersRemove removes provider ID's entry from providers.toml: it
// signs out first (Service.Logout) unless --keep-account, and forgets the
// client secret kept in the keychain for it.
func (c *runner) providersRemove(ctx context.Context, args []string) error {
	svc, err := c.service()
	if err != nil {
		return err
	}
	id := args[0]
	cfg := svc.Config()
	name := id
	p, loaded := cfg.Find(id)
	if loaded {
		name = p.DisplayName()
	}
	if !loaded && len(cfg.ProblemsFor(id)) == 0 {
		_, err := svc.Provider(id) // the unknown-provider error, in its usual words
		return err
	}
	if !c.edit.keepAccount {
		had, err := svc.Logout(ctx, id)
		var re *auth.RevokeError
		switch {
		case errors.As(err, &re):
			fmt.Fprintf(c.Stderr, "latchkey: %s\n", lang.X("cli.warning", "warning: {{.Words}}", map[string]any{"Words": auth.Describe(re, auth.CLI)}))
		case err != nil:
			return wrapWords(lang.X("cli.remove.logoutfailed", "did not remove {{.Provider}}: signing out first failed: {{.Err}} (pass --keep-account to remove it anyway)", map[string]any{"Provider": name, "Err": errMark}), err)
		}
		if had {
			fmt.Fprintln(c.Stdout, lang.X("cli.logout.done", "Signed out of {{.Provider}}", map[string]any{"Provider": name}))
		}
	}
	if err := provider.Remove(cfg.Path, id); err != nil {
		return err
	}
	if err := svc.DeleteClientSecret(id); err != nil {
		fmt.Fprintf(c.Stderr, "latchkey: %s\n", lang.X("cli.remove.secretleft", "warning: removed {{.Provider}}, but its client secret is still in the keychain: {{.Words}}", map[string]any{"Provider": name, "Words": auth.Describe(err, auth.CLI)}))
	}
	fmt.Fprintln(c.Stdout, lang.X("cli.remove.done", "Removed provider {{.ID}} from {{.Path}}", map[string]any{"ID": id, "Path": cfg.Path}))
	if c.edit.keepAccount {
		if _, err := svc.Account(id); err == nil {
			fmt.Fprintln(c.Stdout, lang.X("cli.remove.keptaccount", "Its account stays in the keychain (add a provider with id {{.ID}} to use it again, or latchkey logout {{.ID}} to forget it)", map[string]any{"ID": id}))
		}
	}
	return nil
}

// showJSON is `providers show --json`'s output; a contract with scripts.
type showJSON struct {
	ID                    string            `json:"id"`
	Settings              map[string]string `json:"settings"`
	RedirectURIToRegister string            `json:"redirect_uri_to_register,omitempty"`
	Register              string            `json:"register,omitempty"`
	Docs                  string            `json:"docs,omitempty"`
	GitConfig             []string          `json:"git_config,omitempty"` // one `git config` line per git host
	Problems              []string          `json:"problems"`
}

// providersShow prints provider ID's resolved settings, one per line, the
// redirect URI to register, and for a preset its registration page and
// docs; an entry that does not load shows its problems instead.
func (c *runner) providersShow(_ context.Context, args []string) error {
	svc, err := c.service()
	if err != nil {
		return err
	}
	id := args[0]
	cfg := svc.Config()
	p, ok := cfg.Find(id)
	probs := cfg.ProblemsFor(id)
	if !ok && len(probs) == 0 {
		_, err := svc.Provider(id)
		return err
	}
	out := showJSON{ID: id, Settings: map[string]string{}, Problems: []string{}}
	for _, pr := range probs {
		out.Problems = append(out.Problems, pr.Short())
	}
	var settings []provider.Setting
	if ok {
		settings = p.Settings()
		for _, s := range settings {
			out.Settings[s.Key] = s.Value
		}
		if r := redirectToRegister(p); r != "-" {
			out.RedirectURIToRegister = r
		}
		if pr, found := provider.FindPreset(p.Preset); found {
			out.Register = provider.FillPreset(pr, pr.Register, p.Params, p.ClientID)
			out.Docs = pr.Docs
		}
		for _, h := range p.GitHosts {
			out.GitConfig = append(out.GitConfig, "git config --global credential.https://"+h+".helper '!latchkey git-credential'")
		}
	}
	if c.json {
		enc := json.NewEncoder(c.jsonOut)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else {
		for _, s := range settings {
			fmt.Fprintf(c.Stdout, "%s = %s\n", s.Key, s.Value)
		}
		if out.RedirectURIToRegister != "" {
			fmt.Fprintf(c.Stdout, "\n%s\n", lang.X("cli.show.redirect", "Redirect URI to register: {{.URI}}", map[string]any{"URI": out.RedirectURIToRegister}))
		}
		if out.Register != "" {
			fmt.Fprintln(c.Stdout, lang.X("cli.show.register", "Register an app at: {{.URL}}\nDocs: {{.Docs}}", map[string]any{"URL": out.Register, "Docs": out.Docs}))
		}
		if len(out.GitConfig) > 0 {
			fmt.Fprintf(c.Stdout, "\n%s\n", lang.X("cli.show.git", "Let git use this account:"))
			for _, l := range out.GitConfig {
				fmt.Fprintf(c.Stdout, "  %s\n", l)
			}
		}
		if len(probs) > 0 {
			fmt.Fprintln(c.Stdout, lang.X("cli.providers.problems", "Problems in {{.Path}}:", map[string]any{"Path": cfg.Path}))
			for _, pr := range out.Problems {
				fmt.Fprintf(c.Stdout, "  %s\n", pr)
			}
		}
	}
	if len(probs) > 0 {
		return errors.New(lang.X("cli.show.problems", "provider {{.ID}} has {{.Count}} problem(s) in {{.Path}}", map[string]any{"ID": id, "Count": len(probs), "Path": cfg.Path}))
	}
	return nil
}

// redirectToRegister is the redirect URI to register for p, or "-" when
// the browser does not come back to Latchkey (a pasted verifier, a code on
// another device).
func redirectToRegister(p *provider.Provider) string {
	if auth.CapabilitiesOf(p).RegistersRedirect {
		return p.RedirectURIToRegister()
	}
	return "-"
}

// providerListJSON is `providers --json`'s output; a contract with scripts.
type providerListJSON struct {
	Path      string             `json:"path"`
	Missing   bool               `json:"missing"`
	Providers []providerItemJSON `json:"providers"`
	Problems  []problemJSON      `json:"problems"`
}

type providerItemJSON struct {
	ID                    string `json:"id"`
	Name                  string `json:"name"`
	Protocol              string `json:"protocol"`
	Preset                string `json:"preset,omitempty"`
	RedirectURIToRegister string `json:"redirect_uri_to_register,omitempty"`
}

type problemJSON struct {
	Line     int    `json:"line,omitempty"`
	Provider string `json:"provider,omitempty"`
	Field    string `json:"field,omitempty"`
	Message  string `json:"message"`
}

// providersJSON prints the list of `providers --json`.
func (c *runner) providersJSON(cfg *provider.Config) error {
	out := providerListJSON{Path: cfg.Path, Missing: cfg.Missing, Providers: []providerItemJSON{}, Problems: []problemJSON{}}
	for i := range cfg.Providers {
		p := &cfg.Providers[i]
		item := providerItemJSON{ID: p.ID, Name: p.DisplayName(), Protocol: string(p.Protocol), Preset: p.Preset}
		if r := redirectToRegister(p); r != "-" {
			item.RedirectURIToRegister = r
		}
		out.Providers = append(out.Providers, item)
	}
	for _, p := range cfg.Problems {
		out.Problems = append(out.Problems, problemJSON{Line: p.Line, Provider: p.Provider, Field: p.Field, Message: p.Message})
	}
	sort.SliceStable(out.Problems, func(a, b int) bool { return out.Problems[a].Line < out.Problems[b].Line })
	enc := json.NewEncoder(c.jsonOut)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	if len(cfg.Problems) > 0 {
		return errors.New(lang.X("cli.providers.stilllisted", "{{.Path}} has {{.Count}} problem(s); the providers listed still work", map[string]any{"Path": cfg.Path, "Count": len(cfg.Problems)}))
	}
	return nil
}

// errMark stands for a wrapped error's words in a translated message
// (wrapWords puts them there).
const errMark = "\x00err\x00"

// wrapWords is the error whose message is msg with err's words where
// errMark stands, and which wraps err.
func wrapWords(msg string, err error) error {
	return &wordsError{msg: strings.Replace(msg, errMark, err.Error(), 1), err: err}
}

type wordsError struct {
	msg string
	err error
}

func (e *wordsError) Error() string { return e.msg }
func (e *wordsError) Unwrap() error { return e.err }
