package provider

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/BurntSushi/toml"

	"latchkey/auth/keychain"
	"latchkey/loopback"
)

// EnvConfig names the environment variable that overrides the config path.
const EnvConfig = "LATCHKEY_CONFIG"

// DefaultPath returns where providers.toml lives when neither --config nor
// LATCHKEY_CONFIG says otherwise: os.UserConfigDir()/latchkey/providers.toml.
func DefaultPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("cannot find your config folder (%v): pass --config PATH or set %s", err, EnvConfig)
	}
	return filepath.Join(dir, "latchkey", "providers.toml"), nil
}

// ResolvePath picks the config path: flag, then getenv(LATCHKEY_CONFIG),
// then DefaultPath.
func ResolvePath(flag string, getenv func(string) string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	if p := getenv(EnvConfig); p != "" {
		return p, nil
	}
	return DefaultPath()
}

// Problem is one thing wrong in a config file. A problem never stops the
// other, valid providers from working.
type Problem struct {
	File     string // the config file
	Line     int    // 1-based; 0 when unknown
	Provider string // provider id, or "provider #N" when it has no usable id
	Field    string // the TOML key at fault; empty for the whole entry or file
	Message  string // what is wrong and what to do
}

func (p Problem) Error() string {
	if p.Line > 0 {
		return p.File + ":" + strconv.Itoa(p.Line) + ": " + p.describe()
	}
	return p.File + ": " + p.describe()
}

// Short is the problem without the file name, for lists under a heading
// that names the file: "line 3: work: client_id: missing: …".
func (p Problem) Short() string {
	if p.Line > 0 {
		return "line " + strconv.Itoa(p.Line) + ": " + p.describe()
	}
	return p.describe()
}

func (p Problem) describe() string {
	var b strings.Builder
	if p.Provider != "" {
		b.WriteString(p.Provider + ": ")
	}
	if p.Field != "" {
		b.WriteString(p.Field + ": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// Config is the result of reading providers.toml.
type Config struct {
	Path      string
	Providers []Provider // the valid ones, in file order
	Problems  []Problem  // everything wrong, in file order
	Missing   bool       // the file does not exist yet
}

// Find returns the provider with this id.
func (c *Config) Find(id string) (*Provider, bool) {
	for i := range c.Providers {
		if c.Providers[i].ID == id {
			return &c.Providers[i], true
		}
	}
	return nil, false
}

// ProblemsFor returns the problems reported against provider id.
func (c *Config) ProblemsFor(id string) []Problem {
	var out []Problem
	for _, p := range c.Problems {
		if p.Provider == id {
			out = append(out, p)
		}
	}
	return out
}

// Load reads the config at path. It never fails: a missing file gives an
// empty Config with Missing set, and every other trouble (unreadable file,
// TOML syntax, a bad field) becomes a Problem. Providers with problems are
// left out; the rest are returned with defaults filled.
func Load(path string) *Config {
	cfg := &Config{Path: path}
	data, err := readAtMost(path, MaxFileBytes+1)
	if errors.Is(err, fs.ErrNotExist) {
		cfg.Missing = true
		return cfg
	}
	if err != nil {
		cfg.Problems = append(cfg.Problems, Problem{File: path, Message: fmt.Sprintf("cannot read the file: %v", err)})
		return cfg
	}
	cfg.Providers, cfg.Problems = Parse(path, data)
	return cfg
}

// readAtMost reads up to limit bytes of the file at path: enough for Parse
// to see that a bigger file is too big, without reading all of it.
func readAtMost(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit))
}

// Parse decodes and validates providers.toml content; name is used in
// problems. Each [[provider]] entry is decoded on its own, so a type error
// in one entry leaves the others usable. Content larger than MaxFileBytes
// or nested deeper than MaxNesting is refused before decoding, and no
// problem quotes the file's text (a syntax error names its line and
// column only: the text could be a secret).
func Parse(name string, data []byte) ([]Provider, []Problem) {
	if p := checkLimits(name, data); p != nil {
		return nil, []Problem{*p}
	}
	var file struct {
		Provider []toml.Primitive `toml:"provider"`
	}
	md, err := toml.Decode(string(data), &file)
	if err != nil {
		return nil, []Problem{syntaxProblem(name, err)}
	}
	var probs []Problem
	for _, k := range md.Undecoded() {
		if len(k) == 1 && k[0] != "provider" {
			probs = append(probs, Problem{File: name, Field: k.String(), Message: "unknown top-level key; providers go in [[provider]] tables"})
		}
	}
	lines := providerLines(data)
	seen := map[string]bool{}
	var out []Provider
	var outLines []int
	for i, prim := range file.Provider {
		label := "provider #" + strconv.Itoa(i+1)
		line := 0
		if i < len(lines) {
			line = lines[i]
		}
		var raw map[string]any
		rawErr := md.PrimitiveDecode(prim, &raw)
		var p Provider
		if err := md.PrimitiveDecode(prim, &p); err != nil {
			probs = append(probs, Problem{File: name, Line: line, Provider: label, Message: "cannot decode entry: " + wrongTypes(raw) + "; docs/CONFIG.md says what each field holds"})
			continue
		}
		if idPattern.MatchString(p.ID) && len(p.ID) <= MaxIDLen {
			label = p.ID
		}
		var entry []Problem
		add := func(field, msg string) {
			entry = append(entry, Problem{File: name, Line: line, Provider: label, Field: field, Message: msg})
		}
		if rawErr == nil {
			for _, k := range sortedKeys(raw) {
				if !knownFields[k] {
					add(k, "unknown field (misspelt?); docs/CONFIG.md lists the fields Latchkey reads")
				}
			}
		}
		isSet := func(key string) bool { _, ok := raw[key]; return ok }
		suppress := p.applyPreset(isSet, add)
		p.setDefaults()
		p.validate(func(field, msg string) {
			if !suppress[field] {
				add(field, msg)
			}
		})
		if m, ok := raw["profile"].(map[string]any); ok {
			for _, k := range sortedKeys(m) {
				if !profileKeys[k] {
					add("profile", fmt.Sprintf("unknown key %q: use id, name, username, email or picture", safeKey(k)))
				}
			}
		}
		if p.ID != "" && seen[p.ID] {
			add("id", fmt.Sprintf("duplicate id %q: each provider needs its own id", p.ID))
		}
		seen[p.ID] = true
		if len(entry) > 0 {
			probs = append(probs, entry...)
			continue
		}
		out = append(out, p)
		outLines = append(outLines, line)
	}
	probs = append(probs, sharedRedirectURIs(name, out, outLines)...)
	sort.SliceStable(probs, func(a, b int) bool { return probs[a].Line < probs[b].Line })
	return out, probs
}

// knownFields holds the TOML keys of Provider. BurntSushi/toml reports
// undecoded keys of an array of tables without the entry's index, so each
// entry's keys are checked against this set instead.
var knownFields = func() map[string]bool {
	m := map[string]bool{}
	t := reflect.TypeFor[Provider]()
	for i := range t.NumField() {
		if tag := t.Field(i).Tag.Get("toml"); tag != "" {
			m[tag] = true
		}
	}
	return m
}()

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// providerLines returns the 1-based line of each [[provider]] header.
func providerLines(data []byte) []int {
	var out []int
	for n, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "[[provider]]") {
			out = append(out, n+1)
		}
	}
	return out
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// ValidID reports whether id has the form of a provider id: lowercase
// letters, digits and dashes, starting with a letter or digit (its length,
// at most MaxIDLen bytes, is checked apart).
func ValidID(id string) bool { return idPattern.MatchString(id) }

// MaxIDLen bounds a provider id in bytes: the keychain's limit on an
// account id (keychain.MaxIDLen), checked at load so that a provider that
// loads can also be signed in to.
const MaxIDLen = keychain.MaxIDLen

// profileKeys are the keys of a profile table.
var profileKeys = map[string]bool{"id": true, "name": true, "username": true, "email": true, "picture": true}

// check reports each path of m that is not a dotted JSON path.
func (m ProfileMap) check(add func(field, msg string)) {
	for _, f := range []struct{ key, path string }{{"id", m.ID}, {"name", m.Name}, {"username", m.Username}, {"email", m.Email}, {"picture", m.Picture}} {
		if f.path == "" {
			continue
		}
		if slices.Contains(strings.Split(f.path, "."), "") || strings.ContainsFunc(f.path, unicode.IsSpace) {
			add("profile", f.key+": is not a dotted path like \"user.name\" or \"images.0.url\"")
		}
	}
}

// wrongTypes names the known fields of an entry whose TOML type does not
// fit (a string, a list of strings, a table of strings), without their
// values: "scopes must be a list of strings, like [\"read\", \"write\"]".
func wrongTypes(raw map[string]any) string {
	var out []string
	t := reflect.TypeFor[Provider]()
	for i := range t.NumField() {
		f := t.Field(i)
		v, ok := raw[f.Tag.Get("toml")]
		if !ok {
			continue
		}
		switch f.Type.Kind() {
		case reflect.String:
			if _, ok := v.(string); !ok {
				out = append(out, f.Tag.Get("toml")+` must be text in quotes, like "value"`)
			}
		case reflect.Slice:
			if !allStrings(v) {
				out = append(out, f.Tag.Get("toml")+` must be a list of strings, like ["read", "write"]`)
			}
		case reflect.Struct: // profile
			m, ok := v.(map[string]any)
			ok = ok && allStrings(mapValues(m))
			if !ok {
				out = append(out, f.Tag.Get("toml")+` must be a table of strings, like { id = "user.id", name = "user.name" }`)
			}
		case reflect.Map:
			m, ok := v.(map[string]any)
			ok = ok && allStrings(mapValues(m))
			if !ok {
				out = append(out, f.Tag.Get("toml")+` must be a table of strings, like { perms = "read" }`)
			}
		}
	}
	if len(out) == 0 {
		return "a value has the wrong type"
	}
	return strings.Join(out, "; ")
}

// allStrings reports whether v is a TOML array of strings only.
func allStrings(v any) bool {
	var items []any
	switch a := v.(type) {
	case []any:
		items = a
	case []map[string]any:
		return len(a) == 0
	default:
		return false
	}
	for _, x := range items {
		if _, ok := x.(string); !ok {
			return false
		}
	}
	return true
}

func mapValues(m map[string]any) []any {
	out := make([]any, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// sharedRedirectURIs warns about each provider whose redirect URI (host,
// port and path, as loopback.SameRedirectURI compares them) is that of an
// earlier one in ps: the answer of one provider could then be caught by a
// sign-in to the other (the mix-up attack, RFC 9700 §4.4). Both providers
// keep working: the warning names the later one and the earlier one's id,
// and never the URI (a value of the file).
func sharedRedirectURIs(name string, ps []Provider, lines []int) []Problem {
	var out []Problem
	for j := range ps {
		for i := range j {
			if loopback.SameRedirectURI(ps[i].RedirectURI, ps[j].RedirectURI) {
				out = append(out, Problem{File: name, Line: lines[j], Provider: ps[j].ID, Field: "redirect_uri",
					Message: "the same redirect URI as provider " + ps[i].ID + " (line " + strconv.Itoa(lines[i]) + "), so an answer meant for one could reach a sign-in to the other (RFC 9700 §4.4): " +
						"give each its own path, e.g. remove redirect_uri to use http://127.0.0.1/callback/" + ps[j].ID + ", and register that at the provider (both still work meanwhile)"})
				break
			}
		}
	}
	return out
}

var signatureMethods = map[string]bool{"HMAC-SHA1": true, "HMAC-SHA256": true, "RSA-SHA1": true, "PLAINTEXT": true}

// validate reports each problem of p through add(field, message).
func (p *Provider) validate(add func(field, msg string)) {
	switch {
	case p.ID == "":
		add("id", `missing: give the provider an id like "work" (lowercase letters, digits and dashes)`)
	case len(p.ID) > MaxIDLen:
		add("id", "is "+strconv.Itoa(len(p.ID))+" bytes long, more than the "+strconv.Itoa(MaxIDLen)+" the keychain accepts: choose a shorter id")
	case !idPattern.MatchString(p.ID):
		add("id", fmt.Sprintf("%q is not a valid id: use lowercase letters, digits and dashes, starting with a letter or digit", p.ID))
	}
	if p.Demo != "" {
		p.validateDemo(add)
		return
	}
	if p.ClientID == "" {
		add("client_id", "missing: copy the client id (OAuth 1.0a: consumer key) from the provider's app registration")
	}
	endpoint := func(field, v string, required bool) {
		if v == "" {
			if required {
				add(field, fmt.Sprintf("missing: the %s protocol needs it", p.Protocol))
			}
			return
		}
		if err := CheckEndpoint(v); err != nil {
			add(field, err.Error())
		}
	}
	switch p.Protocol {
	case OAuth2:
		// A device-only provider (RFC 8628) has no authorization endpoint.
		endpoint("authorize_url", p.AuthorizeURL, p.DeviceAuthorizationURL == "")
		endpoint("access_token_url", p.AccessTokenURL, true)
	case OIDC:
		endpoint("issuer", p.Issuer, true)
		endpoint("authorize_url", p.AuthorizeURL, false)
		endpoint("access_token_url", p.AccessTokenURL, false)
	case OAuth1:
		endpoint("request_token_url", p.RequestTokenURL, true)
		endpoint("authorize_url", p.AuthorizeURL, true)
		endpoint("access_token_url", p.AccessTokenURL, true)
		if !signatureMethods[p.SignatureMethod] {
			add("signature_method", fmt.Sprintf("%q is not supported: use HMAC-SHA1, HMAC-SHA256, RSA-SHA1 or PLAINTEXT", p.SignatureMethod))
		}
		if p.SignatureMethod == "RSA-SHA1" && p.RSAKeyFile == "" {
			add("rsa_key_file", "missing: RSA-SHA1 needs the path of your PEM private key")
		}
		if p.SignatureMethod != "RSA-SHA1" && !p.HasClientSecret() && signatureMethods[p.SignatureMethod] {
			add("client_secret", "missing: "+p.SignatureMethod+" needs the consumer secret")
		}
		if p.TokenMethod != "GET" && p.TokenMethod != "POST" {
			add("token_method", fmt.Sprintf("%q is not supported: use \"POST\" (the default) or \"GET\"", safeKey(p.TokenMethod)))
		}
		if p.Callback != CallbackLoopback && p.Callback != CallbackOOB {
			add("callback", fmt.Sprintf("%q is not supported: use \"loopback\" or \"oob\"", p.Callback))
		}
	case "":
		add("protocol", `missing: set "oauth2", "oidc" or "oauth1"`)
	default:
		add("protocol", fmt.Sprintf("%q is not supported: use \"oauth2\", \"oidc\" or \"oauth1\"", p.Protocol))
	}
	endpoint("userinfo_url", p.UserinfoURL, false)
	endpoint("revoke_url", p.RevokeURL, false)
	endpoint("device_authorization_url", p.DeviceAuthorizationURL, false)
	if p.Protocol != OAuth1 {
		switch p.TokenEndpointAuth {
		case AuthNone:
		case AuthBasic, AuthPost:
			if !p.HasClientSecret() {
				add("token_endpoint_auth", p.TokenEndpointAuth+" needs client_secret: set it, or use \"none\" for a public client")
			}
		default:
			add("token_endpoint_auth", fmt.Sprintf("%q is not supported: use \"none\", \"client_secret_basic\" or \"client_secret_post\"", p.TokenEndpointAuth))
		}
	}
	if p.ClientSecret != "" && p.ClientSecretInKeychain {
		add("client_secret", "is set here although client_secret_in_keychain = true says it is in the keychain: keep one of them")
	}
	if p.Protocol != OAuth1 && p.TokenMethod != "" {
		add("token_method", "is for OAuth 1.0a token requests only: remove it")
	}
	p.Profile.check(add)
	if err := checkRedirectURI(p.RedirectURI); err != nil {
		add("redirect_uri", err.Error())
	}
	p.checkAuthorizeParams(add)
	endpoint("api_base_url", p.APIBaseURL, false)
	if p.Protocol == OAuth1 && len(p.GitHosts) > 0 {
		add("git_hosts", "git cannot use OAuth 1.0a credentials (each request needs a signature): remove git_hosts from this entry")
	}
	for _, h := range p.GitHosts {
		if !gitHostPattern.MatchString(h) {
			add("git_hosts", fmt.Sprintf("%q is not a bare host name: give the host alone, like \"github.com\" (no scheme, path or user)", h))
		}
	}
}

// gitHostPattern is a bare host name with an optional port, as git's
// credential protocol sends it (host=example.com:8443).
var gitHostPattern = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?$`)

// checkRedirectURI accepts only redirect URIs the loopback listener can
// listen on (RFC 8252 §7.3: Latchkey is a native app and catches the
// redirect itself): it asks loopback's own parser, so what the config
// accepts is what a sign-in can use.
func checkRedirectURI(raw string) error {
	err := loopback.CheckRedirectURI(raw)
	var re *loopback.RedirectURIError
	if errors.As(err, &re) {
		return fmt.Errorf("%q cannot be used: %s; it must be http://127.0.0.1[:port]/path, http://[::1][:port]/path or http://localhost[:port]/path (Latchkey catches the redirect on this computer)", re.URI, re.Reason)
	}
	return err
}
