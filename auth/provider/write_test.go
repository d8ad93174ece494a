package provider

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// handFile is a providers.toml written by a person: a comment in the
// preamble and inside an entry, a key Latchkey does not know, and a second
// entry.
const (
	handPreamble = "# My providers, edited by hand.\n\n"
	handWork     = `[[provider]]
id = "work"   # the office
name = "Work SSO"
protocol = "oauth2"
# registered by IT in 2023
client_id = "abc"
authorize_url = "https://login.example.com/authorize"
access_token_url = "https://login.example.com/token"
x_custom = 1

`
	handGitlab = `# GitLab, public client
[[provider]]
id = "gitlab"
protocol = "oauth2"
client_id = "0123abcd"
authorize_url = "https://gitlab.com/oauth/authorize"
access_token_url = "https://gitlab.com/oauth/token"
userinfo_url = "https://gitlab.com/api/v4/user"
scopes = ["read_user"]
`
	handFile = handPreamble + handWork + handGitlab
)

func writeTemp(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "providers.toml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// parsed is what Parse makes of the file: the valid providers by id and
// the problems without their line numbers (lines move when entries do).
func parsed(t *testing.T, path string) (map[string]Provider, []string) {
	t.Helper()
	ps, probs := Parse(path, []byte(read(t, path)))
	byID := map[string]Provider{}
	for _, p := range ps {
		byID[p.ID] = p
	}
	var words []string
	for _, p := range probs {
		words = append(words, p.Provider+": "+p.Field+": "+p.Message)
	}
	return byID, words
}

func mustContain(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("the file lost %q; it is now:\n%s", w, got)
		}
	}
}

var newEntry = Entry{
	{"id", Text("photos")},
	{"name", Text("Photos")},
	{"protocol", Text("oidc")},
	{"client_id", Text("latchkey")},
	{"issuer", Text("https://id.example")},
	{"scopes", List("profile", "email")},
	{"authorize_params", Table(map[string]string{"prompt": "consent", "hd": "example.com"})},
}

func TestEditsKeepTheRestByteForByte(t *testing.T) {
	path := writeTemp(t, handFile)
	_, probs0 := parsed(t, path)
	if len(probs0) != 1 || !strings.Contains(probs0[0], "x_custom") {
		t.Fatalf("the fixture should have one problem, x_custom: %v", probs0)
	}
	untouched := func(op string, want ...string) {
		t.Helper()
		got := read(t, path)
		mustContain(t, got, append(want, handPreamble, handWork)...)
		if !strings.HasPrefix(got, handPreamble+handWork) {
			t.Errorf("after %s the preamble and the work entry moved or changed:\n%s", op, got)
		}
		if _, probs := parsed(t, path); fmt.Sprint(probs) != fmt.Sprint(probs0) {
			t.Errorf("after %s Parse reports %v, want only %v", op, probs, probs0)
		}
	}

	if err := Add(path, newEntry); err != nil {
		t.Fatal(err)
	}
	untouched("Add", handGitlab)
	ps, _ := parsed(t, path)
	if p := ps["photos"]; p.Issuer != "https://id.example" || fmt.Sprint(p.Scopes) != "[profile email]" || p.AuthorizeParams["hd"] != "example.com" || p.AuthorizeParams["prompt"] != "consent" {
		t.Errorf("the added entry reads back as %+v", p)
	}

	if err := Update(path, "gitlab", Entry{{"name", Text("GitLab.com")}, {"scopes", List("read_user", "openid")}, {"userinfo_url", Unset()}}); err != nil {
		t.Fatal(err)
	}
	untouched("Update", "# GitLab, public client\n[[provider]]\nid = \"gitlab\"\n", `scopes = ["read_user", "openid"]`)
	ps, _ = parsed(t, path)
	if g := ps["gitlab"]; g.Name != "GitLab.com" || g.UserinfoURL != "" || fmt.Sprint(g.Scopes) != "[read_user openid]" {
		t.Errorf("the updated entry reads back as %+v", g)
	}
	if _, ok := ps["photos"]; !ok {
		t.Errorf("Update of gitlab lost photos")
	}

	if err := Duplicate(path, "gitlab", "gitlab-2", "GitLab again"); err != nil {
		t.Fatal(err)
	}
	untouched("Duplicate")
	ps, _ = parsed(t, path)
	if g := ps["gitlab-2"]; g.Name != "GitLab again" || g.ClientID != "0123abcd" || fmt.Sprint(g.Scopes) != "[read_user openid]" {
		t.Errorf("the copy reads back as %+v", g)
	}

	if err := Remove(path, "photos"); err != nil {
		t.Fatal(err)
	}
	untouched("Remove")
	ps, _ = parsed(t, path)
	if len(ps) != 2 || ps["gitlab"].ID == "" || ps["gitlab-2"].ID == "" {
		t.Errorf("after Remove: %v", ps)
	}
	if strings.Contains(read(t, path), "photos") {
		t.Errorf("Remove left parts of the entry:\n%s", read(t, path))
	}
}

func TestUpdateChangesOnlyWhatItSets(t *testing.T) {
	path := writeTemp(t, `[[provider]]
  id = "flickr"
  name = "Flickr"  # shown in the window
  protocol = "oauth1"
  client_id = "key"
  scopes = [
    "a", # first
    "b",
  ]
  x_custom = "keep me"
  request_token_url = "https://www.flickr.com/services/oauth/request_token"
  authorize_url = "https://www.flickr.com/services/oauth/authorize"
  access_token_url = "https://www.flickr.com/services/oauth/access_token"

[provider.authorize_params]
perms = "read"

# the end
`)
	err := Update(path, "flickr", Entry{
		{"name", Text(`Flickr "photos"`)},
		{"scopes", List("c")},
		{"x_custom", Unset()},
		{"callback", Text("oob")},
		{"authorize_params", Table(map[string]string{"perms": "write"})},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `[[provider]]
  id = "flickr"
  name = "Flickr \"photos\""  # shown in the window
  protocol = "oauth1"
  client_id = "key"
  scopes = ["c"]
  request_token_url = "https://www.flickr.com/services/oauth/request_token"
  authorize_url = "https://www.flickr.com/services/oauth/authorize"
  access_token_url = "https://www.flickr.com/services/oauth/access_token"
  callback = "oob"
  authorize_params = { perms = "write" }


# the end
`
	if got := read(t, path); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestCRLFStaysCRLF(t *testing.T) {
	crlf := strings.ReplaceAll(handFile, "\n", "\r\n")
	path := writeTemp(t, crlf)
	if err := Update(path, "gitlab", Entry{{"name", Text("GitLab")}, {"revoke_url", Text("https://gitlab.com/oauth/revoke")}}); err != nil {
		t.Fatal(err)
	}
	if err := Add(path, newEntry); err != nil {
		t.Fatal(err)
	}
	got := read(t, path)
	if strings.Count(got, "\n") != strings.Count(got, "\r\n") {
		t.Errorf("a bare LF in a CRLF file:\n%q", got)
	}
	mustContain(t, got, strings.ReplaceAll(handPreamble+handWork, "\n", "\r\n"), "revoke_url = \"https://gitlab.com/oauth/revoke\"\r\n")
	ps, _ := parsed(t, path)
	if ps["gitlab"].Name != "GitLab" || ps["photos"].ID == "" {
		t.Errorf("after the edits: %v", ps)
	}
}

func TestHeadersInStringsAndOtherTables(t *testing.T) {
	first := `[[provider]]
id = "a"
protocol = "oauth2"
client_id = "c"
authorize_url = "https://a.example/auth"
access_token_url = "https://a.example/token"
note = """
[[provider]]
id = "not-a-provider"
"""
other = '''
[[provider]]'''

`
	other := `[other]
k = [
  "[[provider]]",
]
`
	second := `[[provider]]
id = "b"
protocol = "oauth2"
client_id = "c"
authorize_url = "https://b.example/auth"
access_token_url = "https://b.example/token"
`
	path := writeTemp(t, first+other+second)
	d, err := splitDoc(path, []byte(read(t, path)))
	if err != nil {
		t.Fatal(err)
	}
	if got := d.ids(); fmt.Sprint(got) != "[a b]" {
		t.Fatalf("blocks %q, want [a b]", got)
	}
	if err := Update(path, "a", Entry{{"name", Text("A")}}); err != nil {
		t.Fatal(err)
	}
	if err := Remove(path, "b"); err != nil {
		t.Fatal(err)
	}
	got := read(t, path)
	if !strings.HasSuffix(got, "\n\n"+other) {
		t.Errorf("the [other] table changed:\n%s", got)
	}
	if err := Add(path, newEntry); err != nil {
		t.Fatal(err)
	}
	got = read(t, path)
	mustContain(t, got, other, `"""
[[provider]]
id = "not-a-provider"
"""`)
	d, err = splitDoc(path, []byte(got))
	if err != nil || fmt.Sprint(d.ids()) != "[a photos]" || d.values[0]["name"] != "A" {
		t.Errorf("after the edits: %v, %v", d, err)
	}
}

func TestRefusesAndLeavesTheFile(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		op         func(path string) error
		kind       error
		words      string
	}{
		{"secret", handFile, func(p string) error { return Update(p, "work", Entry{{"client_secret", Text("s3cret")}}) }, ErrSecret, "keychain"},
		{"secret on add", "", func(p string) error { return Add(p, append(Entry{{"client_secret", Text("s3cret")}}, newEntry...)) }, ErrSecret, "keychain"},
		{"duplicate id", handFile, func(p string) error { return Add(p, Entry{{"id", Text("gitlab")}}) }, ErrDuplicateID, "already there"},
		{"rename onto another", handFile, func(p string) error { return Update(p, "work", Entry{{"id", Text("gitlab")}}) }, ErrDuplicateID, "already there"},
		{"duplicate onto another", handFile, func(p string) error { return Duplicate(p, "work", "gitlab", "") }, ErrDuplicateID, "already there"},
		{"no such id", handFile, func(p string) error { return Remove(p, "nope") }, ErrNotFound, "no provider"},
		{"no id", "", func(p string) error { return Add(p, Entry{{"name", Text("x")}}) }, ErrBadEntry, "needs an id"},
		{"bad id", "", func(p string) error { return Add(p, Entry{{"id", Text("Bad ID")}}) }, ErrBadEntry, "not a valid id"},
		{"unknown field", handFile, func(p string) error { return Update(p, "work", Entry{{"authorise_url", Text("x")}}) }, ErrBadEntry, "no field authorise_url"},
		{"wrong kind", handFile, func(p string) error { return Update(p, "work", Entry{{"scopes", Text("a b")}}) }, ErrBadEntry, "list"},
		{"not utf-8", handFile, func(p string) error { return Update(p, "work", Entry{{"name", Text("\xff")}}) }, ErrBadEntry, "UTF-8"},
		{"not toml", handFile + "\nid = \n", func(p string) error { return Remove(p, "work") }, ErrCannotEdit, "line 23 is not valid TOML"},
		{"inline providers", `provider = [{ id = "a" }]`, func(p string) error { return Remove(p, "a") }, ErrCannotEdit, "inline"},
		{"two with one id", handFile + strings.Replace(handGitlab, "# GitLab", "\n#", 1), func(p string) error { return Remove(p, "gitlab") }, ErrCannotEdit, "two entries"},
		{"sub-table away", handWork + "[other]\n[provider.authorize_params]\na = \"b\"\n", func(p string) error { return Remove(p, "work") }, ErrCannotEdit, "move it right under"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeTemp(t, tc.file)
			err := tc.op(path)
			if !errors.Is(err, tc.kind) {
				t.Fatalf("got %v, want %v", err, tc.kind)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, path+": ") || !strings.Contains(msg, tc.words) {
				t.Errorf("%q should name the file and say %q", msg, tc.words)
			}
			if got := read(t, path); got != tc.file {
				t.Errorf("a refused change altered the file:\n%s", got)
			}
		})
	}
}

func TestValuesRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "providers.toml")
	weird := "quote\" backslash\\ tab\t nl\n cr\r bell\x07 del\x7f é 🔑 \u2028 '''\"\"\" # [[provider]]"
	e := Entry{
		{"id", Text("w")}, {"name", Text(weird)}, {"protocol", Text("oauth2")}, {"client_id", Text("c")},
		{"authorize_url", Text("https://w.example/a")}, {"access_token_url", Text("https://w.example/t")},
		{"scopes", List(weird, "", "x")},
		{"authorize_params", Table(map[string]string{weird: weird, "a.b": "1", "": "empty"})},
	}
	if err := Add(path, e); err != nil {
		t.Fatal(err)
	}
	ps, probs := parsed(t, path)
	p := ps["w"]
	if len(probs) != 0 || p.Name != weird || fmt.Sprintf("%q", p.Scopes) != fmt.Sprintf("%q", []string{weird, "", "x"}) ||
		p.AuthorizeParams[weird] != weird || p.AuthorizeParams["a.b"] != "1" || p.AuthorizeParams[""] != "empty" || len(p.AuthorizeParams) != 3 {
		t.Errorf("read back %+v, problems %v, from:\n%s", p, probs, read(t, path))
	}
	if err := Update(path, "w", Entry{{"name", Text(weird + weird)}}); err != nil {
		t.Fatal(err)
	}
	if ps, _ := parsed(t, path); ps["w"].Name != weird+weird {
		t.Errorf("updated name reads back as %q", ps["w"].Name)
	}
}

func TestNewFileAndModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "latchkey")
	path := filepath.Join(dir, "providers.toml")
	if err := Add(path, newEntry); err != nil {
		t.Fatal(err)
	}
	got := read(t, path)
	if !strings.HasPrefix(got, newFileHeader+"[[provider]]\nid = \"photos\"\n") {
		t.Errorf("a new file should start with the header, then the entry:\n%s", got)
	}
	mustContain(t, got, "keychain", "docs/CONFIG.md", "keeps your comments")
	if ps, probs := parsed(t, path); len(ps) != 1 || len(probs) != 0 {
		t.Errorf("the new file parses as %v, %v", ps, probs)
	}
	if runtime.GOOS == "windows" {
		return
	}
	for p, want := range map[string]fs.FileMode{dir: 0o700 | fs.ModeDir, path: 0o600} {
		if fi, err := os.Stat(p); err != nil || fi.Mode() != want {
			t.Errorf("%s: mode %v, want %v (%v)", p, fi.Mode(), want, err)
		}
	}
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := Update(path, "photos", Entry{{"name", Text("P")}}); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode() != 0o640 {
		t.Errorf("an existing file's mode became %v, want 0640", fi.Mode())
	}
}

func TestSymlinkStaysALink(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	real := writeTemp(t, handFile)
	link := filepath.Join(t.TempDir(), "providers.toml")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	if err := Remove(link, "gitlab"); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link was replaced by a file (%v)", err)
	}
	if got := read(t, real); got != handPreamble+handWork {
		t.Errorf("the linked file reads:\n%s", got)
	}
}

func TestFailureBeforeRenameLeavesOldFile(t *testing.T) {
	for _, tc := range []struct {
		cause error
		words string
	}{
		{errors.New("crash"), "saving failed (crash): try again; the file was not changed"},
		{&fs.PathError{Op: "write", Path: "x", Err: syscall.ENOSPC}, "is full: free some space"},
		{&fs.PathError{Op: "write", Path: "x", Err: syscall.EACCES}, "not allowed to write in the folder"},
		{&fs.PathError{Op: "write", Path: "x", Err: syscall.EROFS}, "read-only disk"},
	} {
		path := writeTemp(t, handFile)
		beforeRename = func() error { return tc.cause }
		err := Update(path, "work", Entry{{"name", Text("changed")}})
		beforeRename = nil
		if !errors.Is(err, ErrSave) || !errors.Is(err, tc.cause) {
			t.Errorf("got %v, want ErrSave wrapping %v", err, tc.cause)
		} else if msg := err.Error(); !strings.Contains(msg, tc.words) || !strings.HasPrefix(msg, path) || strings.Contains(msg, "write x") {
			t.Errorf("%q should name the file and say %q in words", msg, tc.words)
		}
		if got := read(t, path); got != handFile {
			t.Errorf("the old file changed:\n%s", got)
		}
		entries, _ := os.ReadDir(filepath.Dir(path))
		if len(entries) != 1 {
			t.Errorf("left behind: %v", entries)
		}
	}
}

func TestWritersInOneProcessDoNotInterleave(t *testing.T) {
	path := writeTemp(t, handFile)
	const n = 16
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e := append(Entry{{"id", Text(fmt.Sprintf("p%d", i))}}, newEntry[1:]...)
			errs <- Add(path, e)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	ps, _ := parsed(t, path)
	if len(ps) != n+1 {
		t.Errorf("%d providers after %d concurrent adds, want %d", len(ps), n, n+1)
	}
}

func TestDuplicateDropsTheSecret(t *testing.T) {
	withSecret := strings.Replace(handWork, "client_id = \"abc\"\n", "client_id = \"abc\"\nclient_secret = \"hunter2\"\n", 1)
	path := writeTemp(t, withSecret)
	if err := Duplicate(path, "work", "work-2", ""); err != nil {
		t.Fatal(err)
	}
	got := read(t, path)
	if strings.Count(got, "hunter2") != 1 || !strings.HasPrefix(got, withSecret) {
		t.Errorf("the secret should stay once, in the original:\n%s", got)
	}
	mustContain(t, got, "[[provider]]\nid = \"work-2\"   # the office\nprotocol", "# registered by IT in 2023\nclient_id = \"abc\"\nauthorize_url")
}

// FuzzEditPreserves edits fuzzed providers.toml files Parse accepts: a
// Remove then Add of one entry, or an Update of its name, never panics,
// leaves every other byte of the file as it was, and the result parses with
// the entry as written. A refusal (ErrCannotEdit) leaves the file untouched.
func FuzzEditPreserves(f *testing.F) {
	f.Add(handFile, uint8(0), "New name")
	f.Add(handFile, uint8(1), "Ünïcode \"q\" \\ \n")
	f.Add(strings.ReplaceAll(handFile, "\n", "\r\n"), uint8(3), "crlf")
	f.Add(handGitlab+"[other]\nx = 1\n", uint8(2), "o")
	f.Add("[[provider]]\nid = \"a\"\nprotocol = \"oidc\"\nclient_id = \"c\"\nissuer = \"https://a\"\nnote = \"\"\"\n[[provider]]\n\"\"\"\n[provider.authorize_params]\nx = \"y\"", uint8(1), "n")
	f.Add("\xEF\xBB\xBF[[provider]]\nname.x = 1\nid = \"a\"\nprotocol = \"oidc\"\nclient_id = \"c\"\nissuer = \"https://a\"", uint8(1), "n")
	f.Fuzz(func(t *testing.T, data string, op uint8, name string) {
		ps, _ := Parse("fuzz.toml", []byte(data))
		if len(ps) == 0 {
			return
		}
		name = strings.ToValidUTF8(name, "?")
		target := ps[int(op/2)%len(ps)].ID
		path := filepath.Join(t.TempDir(), "providers.toml")
		if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		d, err := splitDoc(path, []byte(data))
		if err != nil {
			if !errors.Is(err, ErrCannotEdit) {
				t.Fatalf("split: %v", err)
			}
			return
		}
		b, err := d.only(target)
		if err != nil {
			if !errors.Is(err, ErrCannotEdit) {
				t.Fatalf("only: %v", err)
			}
			return
		}
		kept := data[:b.start] + data[b.end:]
		if op%2 == 0 {
			if err := Remove(path, target); err != nil {
				t.Fatalf("Remove: %v", err)
			}
			if got := read(t, path); got != kept {
				t.Fatalf("Remove changed more than the entry:\n%q\nwant\n%q", got, kept)
			}
			e := Entry{{"id", Text(target)}, {"name", Text(name)}, {"protocol", Text("oauth2")}, {"client_id", Text("c")},
				{"authorize_url", Text("https://a.example/a")}, {"access_token_url", Text("https://a.example/t")}}
			if err := Add(path, e); err != nil {
				t.Fatalf("Add: %v", err)
			}
			got := read(t, path)
			rest := strings.TrimPrefix(got, kept)
			if len(rest) == len(got) || !strings.HasPrefix(strings.TrimLeft(rest, "\r\n"), "[[provider]]") {
				t.Fatalf("Add changed the rest of the file:\n%q\nkept\n%q", got, kept)
			}
		} else {
			if err := Update(path, target, Entry{{"name", Text(name)}}); err != nil {
				t.Fatalf("Update: %v", err)
			}
			got := read(t, path)
			if !strings.HasPrefix(got, data[:b.start]) || !strings.HasSuffix(got, data[b.end:]) {
				t.Fatalf("Update changed more than the entry:\n%q\nfrom\n%q", got, data)
			}
		}
		after, probs := Parse(path, []byte(read(t, path)))
		for _, p := range probs {
			if strings.Contains(p.Message, "not valid TOML") {
				t.Fatalf("the result is not TOML: %v\n%s", p, read(t, path))
			}
		}
		for _, p := range after {
			if p.ID == target && p.Name != name {
				t.Fatalf("name reads back as %q, want %q", p.Name, name)
			}
		}
		if _, err := splitDoc(path, []byte(read(t, path))); err != nil {
			t.Fatalf("the result cannot be split again: %v", err)
		}
	})
}
