package provider

import (
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// nestedInlineTables is the bomb of flaw 6: a = {b={b={…1…}}}, size bytes
// long. BurntSushi/toml spends time and memory quadratic in its depth.
func nestedInlineTables(size int) string {
	n := (size - 5) / 4
	return "a = " + strings.Repeat("{b=", n) + "1" + strings.Repeat("}", n) + "\n"
}

// measure runs Parse once and returns what it took, in time and in bytes
// allocated.
func measure(name string, data []byte) ([]Provider, []Problem, time.Duration, uint64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	ps, probs := Parse(name, data)
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	return ps, probs, took, after.TotalAlloc - before.TotalAlloc
}

// TestHostileConfigRefusedBeforeDecoding: a file too big or nested too
// deeply is refused before BurntSushi/toml sees it, fast and without
// allocating more than a small multiple of the file, with a problem that
// says what, the limit and what to do.
func TestHostileConfigRefusedBeforeDecoding(t *testing.T) {
	for _, c := range []struct {
		name, data, says string
		line             int
	}{
		{"nested inline tables, 32 KB", nestedInlineTables(32 << 10), "nested more than 16 levels deep", 1},
		{"nested inline tables, 400 KB", nestedInlineTables(400 << 10), "larger than 256 KiB", 0},
		{"nested arrays, 20 levels", goodOAuth2 + "x = " + strings.Repeat("[", 20) + strings.Repeat("]", 20) + "\n", "nested more than 16 levels deep", 10},
		{"nested arrays of inline tables under a provider", "[[provider]]\nid = \"a\"\nauthorize_params = " + strings.Repeat("[{a=", 9) + "1" + strings.Repeat("}]", 9) + "\n", "nested more than 16 levels deep", 3},
		{"300 KiB of comments", strings.Repeat("# just a comment, nothing else on this line\n", 300<<10/44+1), "larger than 256 KiB", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			ps, probs, took, alloc := measure("p.toml", []byte(c.data))
			if len(ps) != 0 || len(probs) != 1 || !strings.Contains(probs[0].Message, c.says) || probs[0].Line != c.line ||
				!strings.Contains(probs[0].Message, "Latchkey reads it again when it is saved") {
				t.Fatalf("got %v, %v; want one problem on line %d saying %q", ps, probs, c.line, c.says)
			}
			if limit := uint64(len(c.data)) + 1<<20; alloc > limit {
				t.Errorf("refusing allocated %d bytes; want at most %d", alloc, limit)
			}
			t.Logf("reliability|providers.toml|%s|1|refused before decoding in %s (%d KB allocated): %q|nothing: the file is left as it is",
				c.name, took.Round(time.Microsecond), alloc>>10, probs[0].Short())
		})
	}
}

// TestHostileConfigFileNotReadWhole: Load reads no more of a huge file than
// it needs to refuse it.
func TestHostileConfigFileNotReadWhole(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.toml")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(64 << 20); err != nil { // 64 MiB of NUL bytes, sparse
		t.Fatal(err)
	}
	f.Close()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	c := Load(path)
	runtime.ReadMemStats(&after)
	if len(c.Problems) != 1 || !strings.Contains(c.Problems[0].Message, "larger than 256 KiB") {
		t.Fatalf("got %v", c.Problems)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
		t.Errorf("Load allocated %d bytes for a 64 MiB file; want a few hundred KB", alloc)
	}
	t.Logf("reliability|providers.toml|64 MiB file|1|read 256 KiB of it and refused it: %q|nothing", c.Problems[0].Short())
}

// TestNestingWithinLimitsStillParses: nesting up to MaxNesting, arrays of
// inline tables, and brackets in strings and comments are not refused.
func TestNestingWithinLimitsStillParses(t *testing.T) {
	deep := strings.Repeat("[", MaxNesting) + strings.Repeat("]", MaxNesting)
	many := "[" + strings.Repeat(`{ a = [1, 2], b = { c = "d" } }, `, 50) + "]"
	brackets := strings.Repeat("[{", 20)
	for name, extra := range map[string]string{
		"16 levels":                      "deep = " + deep + "\n",
		"an array of inline tables":      "list = " + many + "\n",
		"brackets in a basic string":     `s = "` + brackets + `\"` + brackets + "\"\n",
		"brackets in a literal string":   "s = '" + brackets + "'\n",
		"brackets in a multi-line basic": `s = """` + "\n" + brackets + `\"""` + "\n" + brackets + `""""` + "\n",
		"brackets in multi-line literal": "s = '''\n" + brackets + "\n" + brackets + "'''''\n",
		"brackets in a comment":          "# " + brackets + "\ns = 1 # " + brackets + "\n",
	} {
		t.Run(name, func(t *testing.T) {
			ps, probs := Parse("p.toml", []byte(extra+goodOAuth2))
			if len(ps) != 1 {
				t.Fatalf("the provider after it was lost: %v", probs)
			}
			for _, p := range probs {
				if !strings.Contains(p.Message, "unknown top-level key") {
					t.Errorf("unexpected problem %v", p)
				}
			}
		})
	}
}

// TestWorstFileWithinLimitsIsCheap: the costliest nesting the limits let
// through, repeated to fill MaxFileBytes, decodes in reasonable time.
func TestWorstFileWithinLimitsIsCheap(t *testing.T) {
	var b strings.Builder
	for i := 0; b.Len() < MaxFileBytes-200; i++ {
		b.WriteString("k" + strconv.Itoa(i) + " = " + strings.Repeat("{b=", MaxNesting) + "1" + strings.Repeat("}", MaxNesting) + "\n")
	}
	_, probs, took, alloc := measure("p.toml", []byte(b.String()))
	if len(probs) == 0 || !strings.Contains(probs[0].Message, "unknown top-level key") {
		t.Fatalf("want it decoded (unknown keys), got %v", probs)
	}
	if alloc > 512<<20 { // what it costs in time is logged, never asserted (a loaded machine is slow)
		t.Errorf("decoding allocated %d MB", alloc>>20)
	}
	t.Logf("reliability|providers.toml|256 KiB of 16-deep inline tables|1|decoded in %s (%d MB allocated), reported the unknown keys|nothing", took.Round(time.Millisecond), alloc>>20)
}

// TestHostileSyntaxErrorNeverEchoesTheFile: a TOML syntax error names its
// line and column and what is wrong, in words of Latchkey's, never text of
// the file (an unquoted client secret, say).
func TestHostileSyntaxErrorNeverEchoesTheFile(t *testing.T) {
	const secret = "Zq7SECRETx9"
	head := "[[provider]]\nid = \"a\"\n"
	for _, c := range []struct{ name, data, says string }{
		{"unquoted secret", head + "client_secret = " + secret + "\n", "a value is missing or not valid TOML (strings need quotes)"},
		{"secret after a space in a key", head + "client_secret " + secret + " = 1\n", "a key must be followed by '='"},
		{"secret as a bare key", head + secret + "\n", "a key must be followed by '='"},
		{"secret after a value", head + "client_secret = \"x\" " + secret + "\n", "a value must be followed by the end of the line"},
		{"secret in a table name", "[provider." + secret + " x]\n", "a table name must end with ']'"},
		{"secret in an array", head + "scopes = [\"a\" " + secret + "]\n", "an array needs ','"},
		{"secret in an inline table", head + "authorize_params = { a = \"b\" " + secret + " }\n", "an inline table needs ','"},
		{"secret with a bad escape", head + "client_secret = \"" + secret + "\\q\"\n", "escape TOML does not know"},
		{"secret in a bad number", head + "client_secret = 0" + secret[1:] + "\n", ""},
		{"secret as a key defined twice", head + secret + " = 1\n" + secret + " = 2\n", "defined twice"},
		{"secret as a table defined twice", "[" + secret + "]\n[" + secret + "]\n", "defined twice"},
		{"secret in a datetime", head + "x = 1979-05-27T07:32:00" + secret + "\n", ""},
		{"secret in an unclosed string", head + "client_secret = \"" + secret + "\n", "a string must end on the line"},
		{"secret at the end of the file", head + "client_secret = \"" + secret, "not closed"},
		{"secret in a huge integer", head + "x = 99999999999999999999" + "\n" + "#" + secret + "\n", "too big"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, probs := Parse("p.toml", []byte(c.data))
			if len(probs) != 1 {
				t.Fatalf("got %v", probs)
			}
			p := probs[0]
			msg := p.Error()
			if strings.Contains(msg, secret) || strings.Contains(msg, secret[1:8]) {
				t.Fatalf("the problem echoes the file: %q", msg)
			}
			if p.Line == 0 || !strings.Contains(msg, "not valid TOML: ") || !strings.Contains(msg, "(column ") || !strings.Contains(msg, c.says) {
				t.Errorf("got %q (line %d); want a line, a column and %q", msg, p.Line, c.says)
			}
			t.Logf("reliability|providers.toml|syntax error: %s|1|reported %q|nothing: no text of the file was shown", c.name, p.Short())
		})
	}
}

// TestHostileAuthorizeParamsRefused: authorize_params may not set what the
// sign-in sets itself (state, PKCE, the redirect…); the problem names the
// parameter and never its value.
func TestHostileAuthorizeParamsRefused(t *testing.T) {
	const value = "attackerVALUE"
	oauth2 := "[[provider]]\nid = \"x\"\nprotocol = \"%s\"\nclient_id = \"c\"\nauthorize_url = \"https://a.example/a\"\naccess_token_url = \"https://a.example/t\"\nissuer = \"https://a.example\"\n"
	oauth1 := "[[provider]]\nid = \"x\"\nprotocol = \"oauth1\"\nclient_id = \"k\"\nclient_secret = \"s\"\nrequest_token_url = \"https://a.example/r\"\nauthorize_url = \"https://a.example/a\"\naccess_token_url = \"https://a.example/t\"\n"
	type tc struct {
		proto, key string
		refused    bool
	}
	var cases []tc
	for _, proto := range []string{"oauth2", "oidc"} {
		for _, k := range []string{"response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method", "nonce", "response_mode", "request", "request_uri", "STATE", "Redirect_URI"} {
			cases = append(cases, tc{proto, k, true})
		}
		for _, k := range []string{"prompt", "login_hint", "access_type", "resource", "ſtate", "oauth_token"} {
			cases = append(cases, tc{proto, k, false})
		}
	}
	for _, k := range []string{"oauth_token", "oauth_callback", "OAuth_Verifier"} {
		cases = append(cases, tc{"oauth1", k, true})
	}
	for _, k := range []string{"perms", "state", "force_login"} {
		cases = append(cases, tc{"oauth1", k, false})
	}
	for _, c := range cases {
		entry := strings.Replace(oauth2, "%s", c.proto, 1)
		if c.proto == "oauth1" {
			entry = oauth1
		}
		data := entry + "authorize_params = { " + strconv.Quote(c.key) + " = \"" + value + "\" }\n"
		ps, probs := Parse("p.toml", []byte(data))
		if !c.refused {
			if len(ps) != 1 || len(probs) != 0 {
				t.Errorf("%s %s: refused: %v", c.proto, c.key, probs)
			}
			continue
		}
		if len(ps) != 0 || len(probs) != 1 || probs[0].Field != "authorize_params" || probs[0].Line != 1 ||
			!strings.Contains(probs[0].Message, "belongs to the sign-in itself") || !strings.Contains(probs[0].Message, "remove it") ||
			strings.Contains(probs[0].Error(), value) {
			t.Errorf("%s %s: got %v, %v", c.proto, c.key, ps, probs)
			continue
		}
		if c.proto != "oauth1" && !strings.Contains(probs[0].Message, strings.ToLower(c.key)+" belongs") {
			t.Errorf("%s %s: the problem does not name the parameter: %q", c.proto, c.key, probs[0].Message)
		}
		t.Logf("reliability|providers.toml|%s authorize_params sets %s|1|refused the provider at load: %q|that provider, until the entry is fixed", c.proto, c.key, probs[0].Short())
	}
}

// TestOversizedIDRefusedAtLoad: an id the keychain would refuse (over
// MaxIDLen bytes) is refused at load, without repeating it; one of exactly
// MaxIDLen loads.
func TestOversizedIDRefusedAtLoad(t *testing.T) {
	entry := func(id string) string {
		return strings.Replace(goodOAuth2, `id = "work"`, `id = "`+id+`"`, 1)
	}
	ok := strings.Repeat("a", MaxIDLen)
	if ps, probs := Parse("p.toml", []byte(entry(ok))); len(ps) != 1 || len(probs) != 0 {
		t.Fatalf("an id of %d bytes: %v", MaxIDLen, probs)
	}
	long := strings.Repeat("b", MaxIDLen+1)
	ps, probs := Parse("p.toml", []byte(entry(long)))
	if len(ps) != 0 || len(probs) != 1 || probs[0].Field != "id" || probs[0].Provider != "provider #1" ||
		!strings.Contains(probs[0].Message, "more than the 128 the keychain accepts") || strings.Contains(probs[0].Error(), long[:20]) {
		t.Fatalf("an id of %d bytes: %v, %v", MaxIDLen+1, ps, probs)
	}
	t.Logf("reliability|providers.toml|id of 129 bytes|1|refused the provider at load: %q|that provider, until its id is shortened", probs[0].Short())
}

// TestDefaultRedirectURIIsPerProvider: without redirect_uri each provider
// gets /callback/<id> on a free port, and says so for registration.
func TestDefaultRedirectURIIsPerProvider(t *testing.T) {
	second := strings.NewReplacer(`id = "work"`, `id = "home"`, "login.example.com", "home.example.com").Replace(goodOAuth2)
	ps, probs := Parse("p.toml", []byte(goodOAuth2+second))
	if len(ps) != 2 || len(probs) != 0 {
		t.Fatalf("got %v, %v", ps, probs)
	}
	for _, c := range []struct {
		i             int
		uri, register string
	}{
		{0, "http://127.0.0.1/callback/work", "http://127.0.0.1:<any port>/callback/work"},
		{1, "http://127.0.0.1/callback/home", "http://127.0.0.1:<any port>/callback/home"},
	} {
		if ps[c.i].RedirectURI != c.uri || ps[c.i].RedirectURIToRegister() != c.register {
			t.Errorf("%s: redirect %q, to register %q; want %q, %q", ps[c.i].ID, ps[c.i].RedirectURI, ps[c.i].RedirectURIToRegister(), c.uri, c.register)
		}
	}
	for uri, register := range map[string]string{
		"http://127.0.0.1:8400/cb": "http://127.0.0.1:8400/cb",
		"http://[::1]/cb":          "http://[::1]:<any port>/cb",
		"http://localhost/a%20b":   "http://localhost:<any port>/a%20b",
		"http://127.0.0.1":         "http://127.0.0.1:<any port>",
		"http://127.0.0.1:8400/é":  "http://127.0.0.1:8400/%C3%A9",
		"http://127.0.0.1:/cb":     "http://127.0.0.1:<any port>/cb",
	} {
		p := Provider{RedirectURI: uri}
		if got := p.RedirectURIToRegister(); got != register {
			t.Errorf("RedirectURIToRegister(%q) = %q, want %q", uri, got, register)
		}
	}
}

// TestSharedRedirectURIWarns: two providers with one redirect URI (host,
// port, path) get a warning on the later one; both still load.
func TestSharedRedirectURIWarns(t *testing.T) {
	with := func(id, uri string) string {
		s := strings.Replace(goodOAuth2, `id = "work"`, `id = "`+id+`"`, 1)
		if uri != "" {
			s += "redirect_uri = \"" + uri + "\"\n"
		}
		return s
	}
	for _, c := range []struct {
		name  string
		data  string
		warns bool
	}{
		{"one fixed URI twice", with("a", "http://127.0.0.1:8400/callback") + with("b", "http://127.0.0.1:8400/callback"), true},
		{"the old default twice", with("a", "http://127.0.0.1/callback") + with("b", "http://127.0.0.1/callback"), true},
		{"another's default", with("a", "") + with("b", "http://127.0.0.1/callback/a"), true},
		{"host case differs", with("a", "http://LOCALHOST:8400/cb") + with("b", "http://localhost:8400/cb"), true},
		{"defaults", with("a", "") + with("b", ""), false},
		{"other port", with("a", "http://127.0.0.1:8400/cb") + with("b", "http://127.0.0.1:8401/cb"), false},
		{"fixed and free port", with("a", "http://127.0.0.1:8400/cb") + with("b", "http://127.0.0.1/cb"), false},
		{"other host", with("a", "http://127.0.0.1:8400/cb") + with("b", "http://localhost:8400/cb"), false},
		{"other path", with("a", "http://127.0.0.1:8400/cb") + with("b", "http://127.0.0.1:8400/cb2"), false},
	} {
		ps, probs := Parse("p.toml", []byte(c.data))
		if len(ps) != 2 {
			t.Errorf("%s: a provider was dropped: %v", c.name, probs)
			continue
		}
		if !c.warns {
			if len(probs) != 0 {
				t.Errorf("%s: unexpected %v", c.name, probs)
			}
			continue
		}
		if len(probs) != 1 || probs[0].Provider != "b" || probs[0].Field != "redirect_uri" || probs[0].Line != providerLines([]byte(c.data))[1] ||
			!strings.Contains(probs[0].Message, "the same redirect URI as provider a (line 2)") || strings.Contains(probs[0].Message, "8400") {
			t.Errorf("%s: got %v", c.name, probs)
		}
	}
}
