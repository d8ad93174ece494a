package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"latchkey/assets/lang"
	"latchkey/auth"
	"latchkey/auth/provider"
)

// apiFlags are `latchkey api`'s flags.
type apiFlags struct {
	method          string
	headers, fields []string
	input           string
	include, silent bool
}

func apiFlagSet(fs *flag.FlagSet, c *runner) {
	fs.StringVar(&c.api.method, "X", "", "the request method (default GET, POST with a body)")
	fs.Func("H", "a request header 'Name: value' (repeatable)", func(v string) error {
		c.api.headers = append(c.api.headers, v)
		return nil
	})
	fs.Func("f", "a parameter key=value (repeatable): query for GET, else form body", func(v string) error {
		c.api.fields = append(c.api.fields, v)
		return nil
	})
	fs.StringVar(&c.api.input, "input", "", "the request body from FILE, or - for standard input")
	fs.BoolVar(&c.api.include, "include", false, "print the status line and headers before the body")
	fs.BoolVar(&c.api.silent, "silent", false, "do not print the body")
	allowHostFlag(fs, c)
}

func allowHostFlag(fs *flag.FlagSet, c *runner) {
	fs.Func("allow-host", "let HOST receive the credentials too (repeatable)", func(v string) error {
		c.allowHosts = append(c.allowHosts, v)
		return nil
	})
}

// apiRequest is `latchkey api ID PATH|URL`: one request authorised with
// the account's credentials (auth.Service.Do), its answer on stdout: JSON
// pretty-printed when stdout is a terminal, byte for byte otherwise. A
// status other than 2xx exits 1 with the status and the provider's message
// on stderr (the body still goes to stdout).
func (c *runner) apiRequest(ctx context.Context, args []string) error {
	svc, err := c.service()
	if err != nil {
		return err
	}
	id := args[0]
	u, err := svc.APIURL(id, args[1])
	if err != nil {
		return err
	}
	fields := url.Values{}
	for _, f := range c.api.fields {
		k, v, ok := strings.Cut(f, "=")
		if !ok || k == "" {
			return &usageError{lang.X("cli.api.f", "-f takes key=value, got {{.Got}}", map[string]any{"Got": strconv.Quote(f)})}
		}
		fields.Add(k, v)
	}
	header := http.Header{}
	for _, h := range c.api.headers {
		k, v, ok := strings.Cut(h, ":")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || !isToken(k) || strings.ContainsAny(v, "\r\n\x00") {
			return &usageError{lang.X("cli.api.h", "-H takes 'Name: value', got {{.Got}}", map[string]any{"Got": strconv.Quote(h)})}
		}
		header.Add(k, v)
	}
	var body []byte
	hasInput := c.api.input != ""
	if hasInput {
		if body, err = c.readInput(c.api.input); err != nil {
			return err
		}
	}
	method := strings.ToUpper(c.api.method)
	if method == "" {
		method = http.MethodGet
		if len(fields) > 0 || hasInput {
			method = http.MethodPost
		}
	}
	if !isToken(method) { // a token, as RFC 9110 §9.1 says
		return &usageError{lang.X("cli.api.x", "-X takes an HTTP method like GET or POST, got {{.Got}}", map[string]any{"Got": strconv.Quote(c.api.method)})}
	}
	if len(fields) > 0 {
		if method == http.MethodGet || method == http.MethodHead || hasInput {
			q := u.Query()
			for k, vs := range fields {
				q[k] = append(q[k], vs...)
			}
			u.RawQuery = q.Encode()
		} else {
			body = []byte(fields.Encode())
			if header.Get("Content-Type") == "" {
				header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
		}
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return &usageError{lang.X("cli.api.url", "{{.Got}} is not a URL Latchkey can send a request to", map[string]any{"Got": strconv.Quote(args[1])})}
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := svc.Do(ctx, id, req, auth.RequestOptions{AllowHosts: c.allowHosts})
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body) // in memory already (Do)
	if err != nil {
		return err
	}
	terminal := c.isTerminal()
	out := c.rawOut
	if terminal {
		out = c.Stdout // made safe for the terminal
	}
	if c.api.include {
		fmt.Fprintf(out, "%s %s\n", resp.Proto, resp.Status)
		names := make([]string, 0, len(resp.Header))
		for k := range resp.Header {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			for _, v := range resp.Header[k] {
				fmt.Fprintf(out, "%s: %s\n", k, v)
			}
		}
		fmt.Fprintln(out)
	}
	if !c.api.silent {
		var pretty bytes.Buffer
		if terminal && isJSON(resp.Header.Get("Content-Type")) && json.Indent(&pretty, data, "", "  ") == nil {
			pretty.WriteByte('\n')
			if _, err := c.jsonOut.Write(pretty.Bytes()); err != nil {
				return err
			}
		} else if _, err := out.Write(data); err != nil {
			return err
		}
	}
	return svc.StatusError(id, req, resp, data)
}

// readInput reads --input: a file, or standard input for "-".
func (c *runner) readInput(name string) ([]byte, error) {
	limit := int64(auth.MaxAPIResponseBytes) + 1
	var (
		data []byte
		err  error
	)
	if name == "-" {
		data, err = io.ReadAll(io.LimitReader(c.Stdin, limit))
	} else {
		var f *os.File
		if f, err = os.Open(name); err == nil {
			data, err = io.ReadAll(io.LimitReader(f, limit))
			f.Close()
		}
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, errors.New(lang.X("cli.input.missing", "--input {{.File}} does not exist; check the path", map[string]any{"File": name}))
	case errors.Is(err, fs.ErrPermission):
		return nil, errors.New(lang.X("cli.input.denied", "--input {{.File}} cannot be read (permission denied); check its permissions", map[string]any{"File": name}))
	case err != nil:
		return nil, errors.New(lang.X("cli.input.unreadable", "--input {{.File}} could not be read; check that it is a readable file", map[string]any{"File": name}))
	case len(data) > auth.MaxAPIResponseBytes:
		return nil, errors.New(lang.X("cli.input.toobig", "--input {{.File}} is larger than {{.MiB}} MiB, more than Latchkey sends in one request; send a smaller body", map[string]any{"File": name, "MiB": auth.MaxAPIResponseBytes >> 20}))
	}
	return data, nil
}

// isJSON reports whether a Content-Type is JSON (application/json or a
// +json type such as application/vnd.github+json).
func isJSON(contentType string) bool {
	mt, _, _ := mime.ParseMediaType(contentType)
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// isTerminal reports whether stdout is a terminal: Deps.IsTerminal, else
// whether it is a character device.
func (c *runner) isTerminal() bool {
	if c.IsTerminal != nil {
		return c.IsTerminal(c.rawOut)
	}
	f, ok := c.rawOut.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// printHeader prints a's Authorization line (token --header); an OAuth
// 1.0a account has none (each request is signed: `latchkey sign`).
func (c *runner) printHeader(svc *auth.Service, a *auth.Account) error {
	p, err := svc.Provider(a.ProviderID)
	if err != nil {
		return err
	}
	if can := auth.CapabilitiesOf(p); can.Request != auth.AuthBearer {
		return &auth.RequestAuthError{Provider: p.DisplayName(), ID: p.ID, Request: can.Request}
	}
	_, err = fmt.Fprintln(c.rawOut, a.Credential(auth.CredAuthorization))
	return err
}

// sign is `latchkey sign ID METHOD URL`: the OAuth 1.0a Authorization
// line for one request, for another program to send (curl -H).
func (c *runner) sign(ctx context.Context, args []string) error {
	svc, err := c.service()
	if err != nil {
		return err
	}
	h, err := svc.Sign(ctx, args[0], args[1], args[2], auth.RequestOptions{AllowHosts: c.allowHosts})
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(c.rawOut, "Authorization: "+h)
	return err
}

// exec is `latchkey exec ID -- COMMAND [ARGS...]`: COMMAND runs with the
// account's credentials in its environment (refreshed first), standard
// input, output and error passed through, and latchkey exits with its
// status (128+n when a signal n ended it). The credentials are never
// written to a file.
func (c *runner) exec(ctx context.Context, args []string) error {
	svc, err := c.service()
	if err != nil {
		return err
	}
	p, err := svc.Provider(args[0])
	if err != nil {
		return err
	}
	a, err := svc.Token(ctx, p.ID)
	if err != nil {
		return err
	}
	typ := a.Token.TokenType
	if typ == "" {
		typ = "Bearer"
	}
	vars := map[string]string{"LATCHKEY_ACCESS_TOKEN": a.Token.AccessToken, "LATCHKEY_TOKEN_TYPE": typ}
	if auth.CapabilitiesOf(p).Request == auth.AuthSignature {
		vars["LATCHKEY_CONSUMER_KEY"] = p.ClientID
		vars["LATCHKEY_CONSUMER_SECRET"] = p.ClientSecret
		vars["LATCHKEY_TOKEN"] = a.Token.AccessToken
		vars["LATCHKEY_TOKEN_SECRET"] = a.Token.TokenSecret
	}
	env := make([]string, 0, len(os.Environ())+len(vars))
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); !strings.HasPrefix(k, "LATCHKEY_") || k == "LATCHKEY_CONFIG" {
			env = append(env, kv)
		}
	}
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	name := args[1]
	cmd := exec.Command(name, args[2:]...) // not CommandContext: Ctrl-C reaches the program itself
	cmd.Env, cmd.Stdin, cmd.Stdout, cmd.Stderr = env, c.Stdin, c.rawOut, c.rawErr
	err = cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ee):
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return exitStatus(128 + int(ws.Signal()))
		}
		return exitStatus(ee.ExitCode())
	case errors.Is(err, exec.ErrNotFound):
		return errors.New(lang.X("cli.exec.notfound", "cannot run {{.Program}}: there is no such program on PATH; check its name", map[string]any{"Program": name}))
	case errors.Is(err, fs.ErrPermission):
		return errors.New(lang.X("cli.exec.denied", "cannot run {{.Program}}: it is not executable; check its permissions", map[string]any{"Program": name}))
	}
	return errors.New(lang.X("cli.exec.other", "cannot run {{.Program}}; check that it is a program this computer can run", map[string]any{"Program": name}))
}

// gitUsernames are the user names git hosts expect with an OAuth token
// as the password. Any other host gets "oauth2".
var gitUsernames = map[string]string{
	"github.com":    "x-access-token",
	"gitlab.com":    "oauth2",
	"bitbucket.org": "x-token-auth",
}

// gitUsername is the user name host (git's host=, maybe with a port)
// expects.
func gitUsername(host string) string {
	h := strings.ToLower(host)
	if i := strings.LastIndexByte(h, ':'); i >= 0 {
		h = h[:i]
	}
	if u, ok := gitUsernames[h]; ok {
		return u
	}
	return "oauth2"
}

// maxGitCredentialInput bounds what git-credential reads from git.
const maxGitCredentialInput = 64 << 10

// gitCredential is git's credential helper protocol (git-credential(1)):
// key=value lines on stdin up to a blank line. For a host in some
// provider's git_hosts (https only, or http to loopback), get answers
// username= (gitUsername) and password= (a usable access token, refreshed
// first); store does nothing (the token lives in the keychain already);
// erase, which git sends after the host rejected the password, marks the
// token expired (auth.Service.Rejected: the next get refreshes first) and
// never deletes the account. Any other host, protocol or operation gets
// no answer and exit 0, so git asks its next helper.
func (c *runner) gitCredential(ctx context.Context, args []string) error {
	attrs := map[string]string{}
	sc := bufio.NewScanner(io.LimitReader(c.Stdin, maxGitCredentialInput))
	for sc.Scan() {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if line == "" {
			break
		}
		if k, v, ok := strings.Cut(line, "="); ok {
			attrs[k] = v
		}
	}
	op, host, proto := args[0], attrs["host"], attrs["protocol"]
	if op != "get" && op != "erase" || host == "" {
		return nil
	}
	if !(proto == "https" || proto == "http" && isLoopback(host)) {
		return nil
	}
	svc, err := c.service()
	if err != nil {
		return err
	}
	p := svc.GitProvider(host)
	if p == nil || auth.CapabilitiesOf(p).Request != auth.AuthBearer {
		return nil
	}
	if op == "erase" {
		_, err := svc.Rejected(ctx, p.ID, attrs["password"])
		return err
	}
	a, err := svc.Token(ctx, p.ID)
	if err != nil {
		return err
	}
	if strings.ContainsAny(a.Token.AccessToken, "\n\x00") { // cannot be said in git's protocol
		return nil
	}
	_, err = fmt.Fprintf(c.rawOut, "username=%s\npassword=%s\n", gitUsername(host), a.Token.AccessToken)
	return err
}

// isLoopback reports whether host (maybe with a port) is a loopback host.
func isLoopback(host string) bool {
	u := url.URL{Host: host}
	return provider.IsLoopbackHost(u.Hostname())
}

// isToken reports whether s is an HTTP token (RFC 9110 §5.6.2): a header
// name or a method.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', strings.ContainsRune("!#$%&'*+-.^_`|~", r):
		default:
			return false
		}
	}
	return true
}
