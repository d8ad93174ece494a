// Package cli is Latchkey's command-line face (docs/ARCHITECTURE.md): the same core
// as the window, for people at a terminal and for scripts. On success a
// command prints only its own output; errors go to stderr with exit status
// 1, usage errors with 2. It never starts a UI toolkit.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"

	"latchkey/assets/lang"
	"latchkey/auth"
)

// Exit statuses.
const (
	ExitOK        = 0
	ExitError     = 1
	ExitUsage     = 2
	ExitCancelled = 130 // as a shell reports SIGINT
)

// Deps are what the commands need from the outside world.
type Deps struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Service builds the core over the config at configPath ("" means
	// --config was not given: LATCHKEY_CONFIG, then the default path).
	Service func(configPath string) (*auth.Service, error)
	// Window opens the window and returns when it closes. nil: `latchkey`
	// without a command is a usage error.
	Window func(svc *auth.Service) error
	// IsTerminal reports whether w (Stdout) is a terminal, which makes
	// `latchkey api` pretty-print JSON. nil: a character device check of
	// an *os.File (isTerminal).
	IsTerminal func(w io.Writer) bool
	// Version is Latchkey's version (FyneApp.toml's, read by main), which
	// `latchkey --version` and `latchkey version` print.
	Version string
}

// usage is the help text, in the person's language.
func usage() string {
	return lang.X("cli.usage", `Usage: latchkey [--config PATH] [COMMAND]

Without a command, opens the Latchkey window.

Commands:
  providers [--json]                  list configured providers and config problems
  providers presets [--json]          the providers Latchkey knows (preset = "ID" in providers.toml)
  providers add --preset NAME --id ID --client-id CLIENT [--name NAME] [--param K=V]... [--client-secret-stdin]
                                      add a provider from a preset; or --protocol oauth2|oidc|oauth1
                                      with --issuer, --authorize-url, --access-token-url, --scope, …
  providers show ID [--json]          provider ID's settings, the redirect URI to register, its docs
  providers remove ID [--keep-account]
                                      sign out of ID, then remove its entry and its client secret
  providers secret ID                 keep provider ID's client secret (read from stdin) in the keychain
  login ID [--no-browser] [--device]  sign in to provider ID; --device: with a code
                                      you enter in a browser on any device
  status [--json]                     who is signed in where, and each token's state
  token ID [--json]                   print a valid access token for provider ID
  token ID --header                   print the "Authorization: Bearer …" line instead
  logout ID                           sign out of provider ID (delete it from the keychain)
  demo                                add the demo providers (demo-oidc, demo-oauth1) to the
                                      config and run the demo sign-in server until Ctrl-C

  api ID PATH|URL [flags]             send one authorised request to provider ID's API
                                      (PATH joins api_base_url) and print the answer
      -X METHOD                       default GET, POST when -f or --input gives a body
      -H 'Name: value'                a request header (repeatable)
      -f key=value                    a parameter (repeatable): the query for GET,
                                      else the form body
      --input FILE|-                  the request body from FILE or standard input
      --include                       print the status line and headers first
      --silent                        do not print the answer's body
      --allow-host HOST               let HOST receive the credentials too (repeatable);
                                      otherwise only the provider's own hosts do
  exec ID -- COMMAND [ARGS...]        run COMMAND with LATCHKEY_ACCESS_TOKEN and
                                      LATCHKEY_TOKEN_TYPE set (OAuth 1.0a: also
                                      LATCHKEY_CONSUMER_KEY, LATCHKEY_CONSUMER_SECRET,
                                      LATCHKEY_TOKEN, LATCHKEY_TOKEN_SECRET); exits as it does
  sign ID METHOD URL [--allow-host HOST]
                                      print the OAuth 1.0a Authorization header for one
                                      request (e.g. for curl -H)
  version                             print Latchkey's version (also --version)
  git-credential get|store|erase      git's credential helper for the hosts in git_hosts:
                                      git config --global credential.https://HOST.helper '!latchkey git-credential'

The config file is --config PATH, else $LATCHKEY_CONFIG, else
~/.config/latchkey/providers.toml. BROWSER names the command that opens URLs.
`)
}

// usageError is a mistake in the command line itself.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

type command struct {
	name  string
	args  string // positional arguments, for usage
	nargs int
	// variadic: at least nargs positional arguments; those after the
	// nargs-th are passed as they are, flags included (exec's command).
	variadic bool
	run      func(c *runner, ctx context.Context, args []string) error
	flags    func(fs *flag.FlagSet, c *runner)
}

// runner holds one invocation's state.
type runner struct {
	Deps                 // Stdout and Stderr made safe for a terminal (terminalWriter)
	jsonOut    io.Writer // Stdout for JSON: unsafe characters escaped, not replaced
	configPath string
	version    bool // --version
	json       bool
	noBrowser  bool
	device     bool
	rawOut     io.Writer // Stdout as given: `api` answers byte for byte, `exec`'s child
	rawErr     io.Writer // Stderr as given, for `exec`'s child
	header     bool      // token --header
	api        apiFlags
	allowHosts []string
	edit       providerFlags // providers add, remove, show
}

var commands = []command{
	{name: "providers", run: (*runner).providers, flags: jsonFlag},
	{name: "providers presets", run: (*runner).presets, flags: jsonFlag},
	{name: "providers add", run: (*runner).providersAdd, flags: addFlags},
	{name: "providers remove", args: "ID", nargs: 1, run: (*runner).providersRemove, flags: removeFlags},
	{name: "providers show", args: "ID", nargs: 1, run: (*runner).providersShow, flags: jsonFlag},
	{name: "providers secret", args: "ID", nargs: 1, run: (*runner).secret},
	{name: "login", args: "ID", nargs: 1, run: (*runner).login, flags: func(fs *flag.FlagSet, c *runner) {
		fs.BoolVar(&c.noBrowser, "no-browser", false, "do not open a browser; print the URL only")
		fs.BoolVar(&c.device, "device", false, "sign in with a code entered in a browser on any device (RFC 8628)")
	}},
	{name: "status", run: (*runner).status, flags: jsonFlag},
	{name: "token", args: "ID", nargs: 1, run: (*runner).token, flags: func(fs *flag.FlagSet, c *runner) {
		jsonFlag(fs, c)
		fs.BoolVar(&c.header, "header", false, "print the Authorization header line")
	}},
	{name: "logout", args: "ID", nargs: 1, run: (*runner).logout},
	{name: "demo", run: (*runner).demo},
	{name: "api", args: "ID PATH|URL", nargs: 2, run: (*runner).apiRequest, flags: apiFlagSet},
	{name: "exec", args: "ID -- COMMAND [ARGS...]", nargs: 2, variadic: true, run: (*runner).exec},
	{name: "sign", args: "ID METHOD URL", nargs: 3, run: (*runner).sign, flags: allowHostFlag},
	{name: "git-credential", args: "get|store|erase", nargs: 1, run: (*runner).gitCredential},
}

func jsonFlag(fs *flag.FlagSet, c *runner) {
	fs.BoolVar(&c.json, "json", false, "print JSON")
}

// Run runs one invocation of latchkey with args (without the program name)
// and returns its exit status.
func Run(ctx context.Context, args []string, d Deps) int {
	c := &runner{Deps: d, jsonOut: terminalWriter{w: d.Stdout, json: true}, rawOut: d.Stdout, rawErr: d.Stderr}
	c.Stdout, c.Stderr = terminalWriter{w: d.Stdout}, terminalWriter{w: d.Stderr}
	d = c.Deps
	err := c.dispatch(ctx, args)
	var (
		ue   *usageError
		exit exitStatus
	)
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &exit):
		return int(exit) // said already (api's status) or the program's own (exec)
	case errors.Is(err, flag.ErrHelp): // -h, --help, anywhere
		fmt.Fprint(c.Stdout, usage())
		return ExitOK
	case errors.As(err, &ue):
		fmt.Fprintf(d.Stderr, "latchkey: %s\n\n%s", ue.msg, usage())
		return ExitUsage
	case errors.Is(err, context.Canceled):
		return ExitCancelled // the person asked for it: nothing to say
	default:
		fmt.Fprintf(d.Stderr, "latchkey: %s\n", auth.Describe(err, auth.CLI))
		return ExitError
	}
}

func (c *runner) dispatch(ctx context.Context, args []string) error {
	top := c.flagSet("latchkey")
	if err := top.Parse(args); err != nil {
		return err
	}
	args = top.Args()
	if c.version || (len(args) == 1 && args[0] == "version") {
		fmt.Fprintln(c.Stdout, lang.X("cli.version", "latchkey {{.Version}}", map[string]any{"Version": c.Version}))
		return nil
	}
	if len(args) == 0 {
		if c.Window == nil {
			return &usageError{lang.X("cli.usage.nocommand", "no command given")}
		}
		svc, err := c.Service(c.configPath)
		if err != nil {
			return err
		}
		return c.Window(svc)
	}
	if args[0] == "help" {
		fmt.Fprint(c.Stdout, usage())
		return nil
	}
	name, rest := args[0], args[1:]
	if len(rest) > 0 && isCommand(name+" "+rest[0]) { // a subcommand: `providers presets`
		name, rest = name+" "+rest[0], rest[1:]
	}
	for _, cmd := range commands {
		if cmd.name != name {
			continue
		}
		fs := c.flagSet("latchkey " + cmd.name)
		if cmd.flags != nil {
			cmd.flags(fs, c)
		}
		// Go's flag package stops at the first positional argument; allow
		// flags after it too (`latchkey token work --json`).
		stopAfter := -1
		if cmd.variadic {
			stopAfter = cmd.nargs - 1
		}
		pos, err := parseInterspersed(fs, rest, stopAfter)
		if err != nil {
			return err
		}
		if len(pos) != cmd.nargs && !(cmd.variadic && len(pos) > cmd.nargs) {
			want := lang.X("cli.usage.noargs", "no arguments")
			switch {
			case cmd.nargs == 1 && cmd.name == "git-credential":
				want = lang.X("cli.usage.gitop", "one argument, the operation get, store or erase")
			case cmd.nargs == 1:
				want = lang.X("cli.usage.oneid", "one argument, the provider {{.Args}}", map[string]any{"Args": cmd.args})
			case cmd.nargs > 1:
				want = lang.X("cli.usage.args", "the arguments {{.Args}}", map[string]any{"Args": cmd.args})
			}
			return &usageError{lang.X("cli.usage.takes", "{{.Command}} takes {{.Want}} (got {{.Got}})", map[string]any{"Command": cmd.name, "Want": want, "Got": len(pos)})}
		}
		return cmd.run(c, ctx, pos)
	}
	return &usageError{lang.X("cli.usage.unknown", "unknown command {{.Command}}", map[string]any{"Command": strconv.Quote(args[0])})}
}

// isCommand reports whether name is one of the commands.
func isCommand(name string) bool {
	for _, cmd := range commands {
		if cmd.name == name {
			return true
		}
	}
	return false
}

// flagSet returns a FlagSet that reports errors as usage errors and knows
// the global --config flag.
func (c *runner) flagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&c.configPath, "config", c.configPath, "path of providers.toml")
	if name == "latchkey" {
		fs.BoolVar(&c.version, "version", false, "print the version")
	}
	return fs
}

// parseInterspersed parses fs's flags anywhere among args and returns
// the positional arguments. With stopAfter >= 0, everything after that
// many positional arguments is positional, flags included (a "--" there is
// dropped): `exec ID -- ls -l`.
func parseInterspersed(fs *flag.FlagSet, args []string, stopAfter int) ([]string, error) {
	var pos []string
	for {
		if stopAfter >= 0 && len(pos) == stopAfter && len(args) > 0 {
			if args[0] == "--" {
				args = args[1:]
			}
			return append(pos, args...), nil
		}
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// exitStatus is an error that makes Run exit with this status and print
// nothing more: what there was to say has been said.
type exitStatus int

func (e exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

func (c *runner) service() (*auth.Service, error) {
	return c.Service(c.configPath)
}

// warnProblems notes on stderr that some providers are unusable, without
// listing them (that is `latchkey providers`' job).
func (c *runner) warnProblems(svc *auth.Service) {
	if n := len(svc.Config().Problems); n > 0 {
		fmt.Fprintf(c.Stderr, "latchkey: %s\n", lang.X("cli.problems", "{{.Path}} has {{.Count}} problem(s); run `latchkey providers` to see them", map[string]any{"Path": svc.Config().Path, "Count": n}))
	}
}
