package lang

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"text/template"
)

// A call is one lang.L or lang.X call found in the source.
type call struct {
	pos      string
	key      string
	fallback string
	data     []string // the keys of a map literal given as data; nil when none or not a literal
	hasData  bool     // a data argument is given
	literal  bool     // its data is a map literal whose keys are all known
}

const (
	ourLang  = "latchkey/assets/lang"
	fyneLang = "fyne.io/fyne/v2/lang"
)

// scanModule parses every .go file of the module at root (not tests, not
// testdata, not nested modules, not this package) and returns its calls
// of L and X, with a problem for each call the test cannot read.
func scanModule(t *testing.T, root string) (calls []call, problems []string) {
	t.Helper()
	fset := token.NewFileSet()
	type file struct {
		path string
		src  []byte
	}
	var found []file
	consts := map[string]map[string]string{} // directory -> constant name -> text
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "bin" || name == "node_modules") {
				return filepath.SkipDir
			}
			if path != root {
				if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
					return filepath.SkipDir // another module
				}
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		if rel, _ := filepath.Rel(root, path); filepath.Dir(rel) == filepath.Join("assets", "lang") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		found = append(found, file{path, src})
		dir := filepath.Dir(path)
		if consts[dir] == nil {
			consts[dir] = map[string]string{}
		}
		stringConsts(fset, path, src, consts[dir])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range found {
		c, p := scanFile(fset, f.path, f.src, consts[filepath.Dir(f.path)])
		calls = append(calls, c...)
		problems = append(problems, p...)
	}
	return calls, problems
}

// stringConsts adds the package-level string constants of a file to consts
// (so lang.L(waitingText) can be read).
func stringConsts(fset *token.FileSet, path string, src []byte, consts map[string]string) {
	f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
	if err != nil {
		return
	}
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, sp := range gd.Specs {
			vs := sp.(*ast.ValueSpec)
			for i, n := range vs.Names {
				if i < len(vs.Values) {
					if s, ok := constString(vs.Values[i], nil); ok {
						consts[n.Name] = s
					}
				}
			}
		}
	}
}

// scanFile returns the L and X calls of one Go file; consts are the
// string constants of its package.
func scanFile(fset *token.FileSet, path string, src []byte, consts map[string]string) (calls []call, problems []string) {
	f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, []string{err.Error()}
	}
	names := map[string]string{} // local name -> import path
	for _, im := range f.Imports {
		p, _ := strconv.Unquote(im.Path.Value)
		if p != ourLang && p != fyneLang {
			continue
		}
		name := "lang"
		if im.Name != nil {
			name = im.Name.Name
		}
		names[name] = p
	}
	if len(names) == 0 {
		return nil, nil
	}
	ast.Inspect(f, func(n ast.Node) bool {
		ce, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := ce.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		id, ok := sel.X.(*ast.Ident)
		if !ok || names[id.Name] == "" {
			return true
		}
		pos := fset.Position(ce.Pos()).String()
		var keyed bool
		switch sel.Sel.Name {
		case "L", "Localize":
		case "X", "LocalizeKey":
			keyed = true
		case "N", "XN", "LocalizePlural", "LocalizePluralKey":
			problems = append(problems, pos+": plural forms are not used by Latchkey; write the sentence without a count or use X")
			return true
		default:
			return true // Use, Languages, Current, SystemLocale…
		}
		c := call{pos: pos}
		args := ce.Args
		if len(args) == 0 {
			return true
		}
		s, ok := constString(args[0], consts)
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: %s.%s needs a string literal as its first argument, so that this test can see the key", pos, id.Name, sel.Sel.Name))
			return true
		}
		c.key, c.fallback = s, s
		args = args[1:]
		if keyed {
			if len(args) == 0 {
				problems = append(problems, pos+": X needs a fallback")
				return true
			}
			fb, ok := constString(args[0], consts)
			if !ok {
				problems = append(problems, fmt.Sprintf("%s: %s.X needs a string literal as its fallback", pos, id.Name))
				return true
			}
			c.fallback = fb
			args = args[1:]
		}
		if len(args) > 0 {
			c.hasData = true
			if cl, ok := args[0].(*ast.CompositeLit); ok {
				if _, isMap := cl.Type.(*ast.MapType); isMap {
					c.literal = true
					for _, el := range cl.Elts {
						kv, ok := el.(*ast.KeyValueExpr)
						if !ok {
							c.literal = false
							break
						}
						k, ok := constString(kv.Key, consts)
						if !ok {
							c.literal = false
							break
						}
						c.data = append(c.data, k)
					}
				}
			}
		}
		calls = append(calls, c)
		return true
	})
	return calls, problems
}

// constString evaluates a string literal, a constant of the package, or a
// sum of them.
func constString(e ast.Expr, consts map[string]string) (string, bool) {
	switch e := e.(type) {
	case *ast.Ident:
		s, ok := consts[e.Name]
		return s, ok
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		a, ok1 := constString(e.X, consts)
		b, ok2 := constString(e.Y, consts)
		return a + b, ok1 && ok2
	case *ast.ParenExpr:
		return constString(e.X, consts)
	}
	return "", false
}

var placeholderRE = regexp.MustCompile(`\{\{\s*\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}`)

// placeholders is the sorted set of {{.Name}} names in s.
func placeholders(s string) string {
	set := map[string]bool{}
	for _, m := range placeholderRE.FindAllStringSubmatch(s, -1) {
		set[m[1]] = true
	}
	return setString(set)
}

func setString(set map[string]bool) string {
	var names []string
	for n := range set {
		names = append(names, n)
	}
	sort.Strings(names)
	return "{" + strings.Join(names, ",") + "}"
}

// loadWords reads a translation file: key -> text (a {"other": …} object
// counts as its "other" text).
func loadWords(data []byte) (map[string]string, error) {
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	words := make(map[string]string, len(raw))
	for k, v := range raw {
		switch v := v.(type) {
		case string:
			words[k] = v
		case map[string]any:
			s, ok := v["other"].(string)
			if !ok {
				return nil, fmt.Errorf("%q: an object needs an \"other\" text", k)
			}
			words[k] = s
		default:
			return nil, fmt.Errorf("%q: not a text", k)
		}
	}
	return words, nil
}

// reserved are keys go-i18n reads as parts of a message, not as message ids.
var reserved = map[string]bool{"id": true, "description": true, "hash": true, "leftdelim": true, "rightdelim": true,
	"zero": true, "one": true, "two": true, "few": true, "many": true, "other": true, "translation": true}

// check compares the calls found in the code with the translation files
// and Fyne's own keys, returning every problem.
func check(calls []call, files map[string]map[string]string, fyneKeys map[string]bool) []string {
	var problems []string
	fallback := map[string]string{}
	where := map[string]string{}
	for _, c := range calls {
		if reserved[strings.ToLower(c.key)] {
			problems = append(problems, fmt.Sprintf("%s: %q is a word go-i18n reserves; use lang.X with a key such as \"label.%s\"", c.pos, c.key, strings.ToLower(c.key)))
		}
		if prev, ok := fallback[c.key]; ok && prev != c.fallback {
			problems = append(problems, fmt.Sprintf("%s: key %q has the English %q here and %q at %s", c.pos, c.key, c.fallback, prev, where[c.key]))
			continue
		}
		fallback[c.key], where[c.key] = c.fallback, c.pos
		ph := placeholders(c.fallback)
		if c.literal {
			set := map[string]bool{}
			for _, k := range c.data {
				set[k] = true
			}
			if got := setString(set); got != ph {
				problems = append(problems, fmt.Sprintf("%s: key %q: the data has %s, the text needs %s", c.pos, c.key, got, ph))
			}
		} else if !c.hasData && ph != "{}" {
			problems = append(problems, fmt.Sprintf("%s: key %q needs data for %s", c.pos, c.key, ph))
		}
	}
	tags := make([]string, 0, len(files))
	for tag := range files {
		tags = append(tags, tag)
	}
	sort.Strings(tags)
	for _, tag := range tags {
		words := files[tag]
		for key, fb := range fallback {
			text, ok := words[key]
			if !ok {
				problems = append(problems, fmt.Sprintf("%s.json: missing key %q (used at %s)", tag, key, where[key]))
				continue
			}
			if tag == "en" && text != fb {
				problems = append(problems, fmt.Sprintf("en.json: key %q reads %q, the code's English is %q (%s)", key, text, fb, where[key]))
			}
			if got, want := placeholders(text), placeholders(fb); got != want {
				problems = append(problems, fmt.Sprintf("%s.json: key %q has placeholders %s, the code's English has %s", tag, key, got, want))
			}
			if _, err := template.New(key).Parse(text); err != nil {
				problems = append(problems, fmt.Sprintf("%s.json: key %q: %v", tag, key, err))
			}
		}
		for key := range words {
			if _, used := fallback[key]; used {
				continue
			}
			if fyneKeys[key] && tag != "en" {
				continue
			}
			problems = append(problems, fmt.Sprintf("%s.json: key %q is used nowhere in the code", tag, key))
		}
		if tag != "en" {
			for key := range fyneKeys {
				if _, ok := words[key]; !ok {
					problems = append(problems, fmt.Sprintf("%s.json: missing Fyne's own key %q (fyne lang/translations/base.en.json)", tag, key))
				}
			}
		}
	}
	sort.Strings(problems)
	return problems
}

// fyneKeys reads the keys of Fyne's English translations from the module
// cache.
func fyneKeys(t *testing.T) map[string]bool {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "fyne.io/fyne/v2").Output()
	if err != nil {
		t.Fatalf("go list -m fyne.io/fyne/v2: %v", err)
	}
	data, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "lang", "translations", "base.en.json"))
	if err != nil {
		t.Fatal(err)
	}
	words, err := loadWords(data)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for k := range words {
		keys[k] = true
	}
	return keys
}

func translationFiles(t *testing.T) map[string]map[string]string {
	t.Helper()
	all := map[string]map[string]string{}
	for _, l := range supported {
		data, err := files.ReadFile("translations/" + l.Tag + ".json")
		if err != nil {
			t.Fatalf("%s: %v", l.Tag, err)
		}
		words, err := loadWords(data)
		if err != nil {
			t.Fatalf("%s.json: %v", l.Tag, err)
		}
		all[l.Tag] = words
	}
	return all
}

var update = flag.Bool("update", false, "rewrite translations/en.json from the English in the code")

// writeEnglish rewrites en.json from the code's English (a new string's
// Korean is still written by hand).
func writeEnglish(t *testing.T, calls []call) {
	t.Helper()
	words := map[string]string{}
	for k, v := range pending {
		words[k] = v
	}
	for _, c := range calls {
		words[c.key] = c.fallback
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(words); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("translations", "en.json"), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestTranslationsComplete: every word in the code has an English and a
// Korean text with the same placeholders, every text in the files is used,
// and Fyne's own words have Korean.
func TestTranslationsComplete(t *testing.T) {
	ensure()
	if loadErr != nil {
		t.Fatalf("registering the translation files: %v", loadErr)
	}
	calls, problems := scanModule(t, filepath.Join("..", ".."))
	if len(calls) == 0 {
		t.Fatal("found no lang.L or lang.X call in the module: the scan is broken")
	}
	if *update {
		writeEnglish(t, calls)
	}
	for key, english := range pending {
		for _, c := range calls {
			if c.key == key {
				problems = append(problems, fmt.Sprintf("%s: key %q is used now: take it off pending (pending_test.go)", c.pos, key))
			}
		}
		calls = append(calls, call{pos: "pending_test.go", key: key, fallback: english, hasData: true})
	}
	problems = append(problems, check(calls, translationFiles(t), fyneKeys(t))...)
	for _, p := range problems {
		t.Error(p)
	}
	t.Logf("%d calls, %d keys checked", len(calls), len(translationFiles(t)["en"]))
}

// TestCheckFindsProblems: the checker itself fails on a missing key, an
// unused key, wrong placeholders and a call it cannot read.
func TestCheckFindsProblems(t *testing.T) {
	src := `package p
import "latchkey/assets/lang"
var name = "n"
func f() {
	_ = lang.L("Sign in")
	_ = lang.X("signin.as", "Signed in as {{.Name}}", map[string]any{"Name": name})
	_ = lang.X("signin.bad", "Hello {{.Who}}", map[string]any{"Name": name})
	_ = lang.L(name)
}`
	calls, problems := scanFile(token.NewFileSet(), "p.go", []byte(src), nil)
	if len(calls) != 3 || len(problems) != 1 || !strings.Contains(problems[0], "needs a string literal") {
		t.Fatalf("scan: %d calls, problems %q", len(calls), problems)
	}
	files := map[string]map[string]string{
		"en": {"Sign in": "Sign in", "signin.as": "Signed in as {{.Name}}", "signin.bad": "Hello {{.Who}}", "stale": "Old"},
		"ko": {"signin.as": "{{.Nmae}}(으)로 로그인됨", "signin.bad": "안녕 {{.Who}}"},
	}
	got := strings.Join(check(calls, files, map[string]bool{"Cancel": true}), "\n")
	for _, want := range []string{
		`ko.json: missing key "Sign in"`,
		`ko.json: key "signin.as" has placeholders {Nmae}`,
		`en.json: key "stale" is used nowhere`,
		`ko.json: missing Fyne's own key "Cancel"`,
		`key "signin.bad": the data has {Name}, the text needs {Who}`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("check did not report %q; it said:\n%s", want, got)
		}
	}
}
