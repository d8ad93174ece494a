package provider

// The one writer of providers.toml. The window's Add / Edit / Remove /
// Duplicate and `latchkey providers add/remove` all go through Add, Update,
// Remove and Duplicate here, so that every change keeps the rest of the file
// byte for byte and reaches the disk atomically.
//
// The file is split into segments (see splitDoc):
//
//   - the preamble: everything before the first segment;
//   - one block per [[provider]] table: from its header to the start of the
//     next segment or the end of the file. Sub-tables of that entry
//     ([provider.authorize_params]) belong to it, and so do the blank lines
//     and comments after its last key. Comment lines directly above a header
//     (no blank line between them and the header) belong to the segment that
//     header opens: "# Work account" right above [[provider]] travels with
//     that entry when it is removed;
//   - one opaque segment per other top-level table ([other]), kept as is.
//
// The split follows TOML's lexical structure (strings, multi-line strings,
// arrays and inline tables spanning lines, comments), so a multi-line string
// that holds "[[provider]]" is not taken for a header, and it is checked
// against the TOML decoder: each block, decoded alone, must give exactly the
// entry the whole file gives at that position. A file where they disagree,
// or one that is not valid TOML, is refused (ErrCannotEdit), never guessed
// at. CRLF files stay CRLF: new lines use the file's first line ending.

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
)

// The kinds of EditError, for errors.Is.
var (
	// ErrNotFound: no [[provider]] entry has the id asked for.
	ErrNotFound = errors.New("no provider with this id")
	// ErrDuplicateID: the id is already used by another entry.
	ErrDuplicateID = errors.New("provider id already used")
	// ErrSecret: an Entry tried to write client_secret.
	ErrSecret = errors.New("secrets are not written to providers.toml")
	// ErrBadEntry: an Entry names an unknown field, gives a field the
	// wrong kind of value or holds text that is not UTF-8.
	ErrBadEntry = errors.New("entry cannot be written")
	// ErrCannotEdit: the file is not valid TOML, or laid out in a way
	// Latchkey cannot change without risking the rest of it.
	ErrCannotEdit = errors.New("providers.toml cannot be edited safely")
	// ErrSave: reading or writing the file failed; the EditError also
	// unwraps to the cause (fs.ErrPermission, syscall.ENOSPC…).
	ErrSave = errors.New("providers.toml could not be saved")
)

// EditError is why a change to providers.toml was not made (or, for a
// failed folder sync after the rename, not confirmed). Its message says what
// happened and what to do; errors.Is matches its kind (ErrNotFound, …) and
// the underlying cause.
type EditError struct {
	Path    string // the config file
	Kind    error  // one of ErrNotFound, ErrDuplicateID, ErrSecret, ErrBadEntry, ErrCannotEdit, ErrSave
	Message string // what happened and what to do, in words
	Err     error  // the cause, if any
}

func (e *EditError) Error() string { return e.Path + ": " + e.Message }

// Unwrap returns the kind and the cause.
func (e *EditError) Unwrap() []error {
	out := []error{e.Kind}
	if e.Err != nil {
		out = append(out, e.Err)
	}
	return out
}

func editErr(path string, kind error, format string, args ...any) *EditError {
	return &EditError{Path: path, Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Value is the value of one Field: a string (Text), a list of strings
// (List), an inline table of strings (Table, for authorize_params) or Unset,
// which deletes the key.
type Value struct {
	kind  valueKind
	text  string
	list  []string
	table map[string]string
	flag  bool
}

type valueKind int

const (
	kindUnset valueKind = iota
	kindText
	kindList
	kindTable
	kindBool
)

// Text is a string value.
func Text(s string) Value { return Value{kind: kindText, text: s} }

// List is a list-of-strings value, such as scopes.
func List(items ...string) Value {
	return Value{kind: kindList, list: append([]string{}, items...)}
}

// Table is an inline table of strings, such as authorize_params. It is
// written with its keys sorted.
func Table(m map[string]string) Value {
	c := make(map[string]string, len(m))
	for k, v := range m {
		c[k] = v
	}
	return Value{kind: kindTable, table: c}
}

// Bool is a true/false value, such as client_secret_in_keychain.
func Bool(b bool) Value { return Value{kind: kindBool, flag: b} }

// Unset deletes the key from the entry (Update); Add ignores it.
func Unset() Value { return Value{} }

// Field is one key of an Entry.
type Field struct {
	Key   string
	Value Value
}

// Entry is an ordered list of keys to write into one [[provider]] table.
// Add writes them in this order; Update replaces, appends or deletes each.
type Entry []Field

// fieldKinds is the kind of value each known key takes, from Provider's
// types.
var fieldKinds = func() map[string]valueKind {
	m := map[string]valueKind{}
	t := reflect.TypeFor[Provider]()
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("toml")
		if tag == "" {
			continue
		}
		switch f.Type.Kind() {
		case reflect.String:
			m[tag] = kindText
		case reflect.Slice:
			m[tag] = kindList
		case reflect.Map:
			m[tag] = kindTable
		case reflect.Bool:
			m[tag] = kindBool
		}
	}
	return m
}()

var bareKey = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// check reports why e cannot be written, or nil.
func (e Entry) check(path string) error {
	seen := map[string]bool{}
	for _, f := range e {
		if !bareKey.MatchString(f.Key) {
			return editErr(path, ErrBadEntry, "%q is not a providers.toml field name: use letters, digits, _ and - (docs/CONFIG.md lists the fields)", f.Key)
		}
		if seen[f.Key] {
			return editErr(path, ErrBadEntry, "the entry sets %s twice: give each field once", f.Key)
		}
		seen[f.Key] = true
		if f.Value.kind == kindUnset {
			continue
		}
		if f.Key == "client_secret" {
			return &EditError{Path: path, Kind: ErrSecret, Message: "client_secret is not written to providers.toml: secrets go to the system keychain"}
		}
		want, known := fieldKinds[f.Key]
		if !known {
			return editErr(path, ErrBadEntry, "providers.toml has no field %s: docs/CONFIG.md lists the fields Latchkey reads", f.Key)
		}
		if f.Value.kind != want {
			return editErr(path, ErrBadEntry, "%s takes %s", f.Key, kindWords[want])
		}
		if f.Key == "id" && !idPattern.MatchString(f.Value.text) {
			return editErr(path, ErrBadEntry, "%q is not a valid id: use lowercase letters, digits and dashes, starting with a letter or digit", f.Value.text)
		}
		texts := append([]string{f.Value.text}, f.Value.list...)
		for k, v := range f.Value.table {
			texts = append(texts, k, v)
		}
		for _, s := range texts {
			if !utf8.ValidString(s) {
				return editErr(path, ErrBadEntry, "%s holds bytes that are not UTF-8 text: TOML files hold text only", f.Key)
			}
		}
	}
	return nil
}

var kindWords = map[valueKind]string{
	kindText:  `text ("…")`,
	kindList:  `a list of text (["…", "…"])`,
	kindTable: `a table of text ({ key = "…" })`,
	kindBool:  `true or false`,
}

// render writes v as canonical TOML: basic strings, one-line lists and
// inline tables with sorted keys.
func (v Value) render() string {
	switch v.kind {
	case kindBool:
		return strconv.FormatBool(v.flag)
	case kindText:
		return quote(v.text)
	case kindList:
		parts := make([]string, len(v.list))
		for i, s := range v.list {
			parts[i] = quote(s)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case kindTable:
		if len(v.table) == 0 {
			return "{}"
		}
		keys := make([]string, 0, len(v.table))
		for k := range v.table {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = renderKey(k) + " = " + quote(v.table[k])
		}
		return "{ " + strings.Join(parts, ", ") + " }"
	}
	return ""
}

func renderKey(k string) string {
	if bareKey.MatchString(k) {
		return k
	}
	return quote(k)
}

// quote is s as a TOML basic string (TOML 1.0: control characters and
// DEL escaped, everything else as is). s must be valid UTF-8.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\f':
			b.WriteString(`\f`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, `\u%04X`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// newFileHeader opens a providers.toml that Latchkey creates.
const newFileHeader = `# providers.toml: the identity providers Latchkey signs you in to, one [[provider]] table each.
# Latchkey's window edits this file and keeps your comments and the keys it does not know;
# you may edit it by hand as well. docs/CONFIG.md in Latchkey's sources describes every field.
# Secrets (client secrets, tokens) live in your system keychain, never in this file.

`

// Add appends a new [[provider]] table holding e's keys, in e's order, at
// the end of the file at path, creating the file (mode 0600, with a short
// commented header) and its folder (0700) when missing. e must set a valid
// id that no entry uses yet.
func Add(path string, e Entry) error {
	if err := e.check(path); err != nil {
		return err
	}
	id := e.get("id")
	if id == nil {
		return editErr(path, ErrBadEntry, `a new provider needs an id, like "work" (lowercase letters, digits and dashes)`)
	}
	return edit(path, true, func(d *doc) ([]byte, error) {
		if d.find(id.text) != nil {
			return nil, editErr(path, ErrDuplicateID, "a provider with id %q is already there: choose another id, or edit that provider", id.text)
		}
		if len(bytes.TrimSpace(d.data)) == 0 {
			d.data, d.nl = []byte(newFileHeader), "\n"
		}
		text := "[[provider]]" + d.nl
		for _, f := range e {
			if f.Value.kind != kindUnset {
				text += f.Key + " = " + f.Value.render() + d.nl
			}
		}
		return d.appendBlock(text), nil
	}, func(before, after *doc) error {
		return expect(after, append(before.ids(), id.text), len(after.blocks)-1, e)
	})
}

// Update changes the keys e sets in the entry with this id, and nothing
// else: an existing `key = value` line keeps its place, indentation and
// trailing comment and gets the new value; a key the entry lacks is added
// after its last key (before any [provider.x] sub-table); a key set to
// Unset is deleted with its line. A key written as dotted keys or as a
// sub-table is replaced by one `key = value` line. Comments and unknown keys
// stay where they are. Unset of client_secret is how a secret leaves the
// file.
func Update(path, id string, e Entry) error {
	if err := e.check(path); err != nil {
		return err
	}
	return edit(path, false, func(d *doc) ([]byte, error) {
		b, err := d.only(id)
		if err != nil {
			return nil, err
		}
		if nid := e.get("id"); nid != nil && nid.text != id && d.find(nid.text) != nil {
			return nil, editErr(path, ErrDuplicateID, "a provider with id %q is already there: choose another id", nid.text)
		}
		return d.update(b, e)
	}, func(before, after *doc) error {
		ids := before.ids()
		i := slices.Index(ids, id)
		if nid := e.get("id"); nid != nil {
			ids[i] = nid.text
		}
		return expect(after, ids, i, e)
	})
}

// Remove deletes the entry with this id (its block, see the file comment)
// and nothing else.
func Remove(path, id string) error {
	return edit(path, false, func(d *doc) ([]byte, error) {
		b, err := d.only(id)
		if err != nil {
			return nil, err
		}
		return concat(d.data[:b.start], d.data[b.end:]), nil
	}, func(before, after *doc) error {
		ids := before.ids()
		i := slices.Index(ids, id)
		return expect(after, append(ids[:i:i], ids[i+1:]...), -1, nil)
	})
}

// Duplicate appends a copy of the entry with this id at the end of the
// file, with id newID and name newName (none when empty). The copy keeps
// the entry's keys, unknown ones included, and the comments inside it, but
// never its client_secret: a secret is not written twice (the copy's secret
// goes to the keychain).
func Duplicate(path, id, newID, newName string) error {
	name := Unset()
	if newName != "" {
		name = Text(newName)
	}
	e := Entry{{"id", Text(newID)}, {"name", name}, {"client_secret", Unset()}}
	if err := e.check(path); err != nil {
		return err
	}
	return edit(path, false, func(d *doc) ([]byte, error) {
		b, err := d.only(id)
		if err != nil {
			return nil, err
		}
		if d.find(newID) != nil {
			return nil, editErr(path, ErrDuplicateID, "a provider with id %q is already there: choose another id for the copy", newID)
		}
		copied := string(d.data[d.items[b.header].start:d.items[b.lastContent].end])
		if !strings.HasSuffix(copied, "\n") {
			copied += d.nl
		}
		withCopy, err := splitDoc(path, d.appendBlock(copied))
		if err != nil {
			return nil, err
		}
		return withCopy.update(&withCopy.blocks[len(withCopy.blocks)-1], e)
	}, func(before, after *doc) error {
		return expect(after, append(before.ids(), newID), len(after.blocks)-1, e)
	})
}

func (e Entry) get(key string) *Value {
	for i := range e {
		if e[i].Key == key && e[i].Value.kind != kindUnset {
			return &e[i].Value
		}
	}
	return nil
}

func concat(parts ...[]byte) []byte {
	return bytes.Join(parts, nil)
}

// beforeRename, when set (tests only), runs after the temp file is written
// and synced and before it is renamed over providers.toml; an error stops the
// save there.
var beforeRename func() error

// locks holds one mutex per config file, so that two edits in this process
// never interleave their read-modify-write. Another process editing the same
// file at the same time is not locked out: each save is an atomic rename, so
// the file is always one whole version, and the last rename wins.
var locks sync.Map // string → *sync.Mutex

// edit runs one read-modify-write of the file at path under its lock:
// change builds the new content from the parsed file, verify checks the new
// content's structure against the old one, and the result is saved
// atomically. create says whether a missing file is an empty one (Add) or
// an error.
func edit(path string, create bool, change func(*doc) ([]byte, error), verify func(before, after *doc) error) error {
	target := resolve(path)
	mu, _ := locks.LoadOrStore(target, new(sync.Mutex))
	mu.(*sync.Mutex).Lock()
	defer mu.(*sync.Mutex).Unlock()

	data, err := os.ReadFile(target)
	missing := errors.Is(err, fs.ErrNotExist)
	switch {
	case missing && !create:
		return editErr(path, ErrNotFound, "the file does not exist yet, so it holds no providers: add one first")
	case err != nil && !missing:
		return readErr(path, err)
	}
	before, err := splitDoc(path, data)
	if err != nil {
		return err
	}
	out, err := change(before)
	var ee *EditError
	if err != nil && !errors.As(err, &ee) {
		err = editErr(path, ErrCannotEdit, "Latchkey could not make this change without risking the rest of the file (%s), so it saved nothing; edit the file by hand, and please report this", err)
	}
	if err != nil {
		return err
	}
	after, err := splitDoc(path, out)
	if err == nil {
		err = verify(before, after)
	}
	if err != nil {
		return editErr(path, ErrCannotEdit, "Latchkey could not make this change without risking the rest of the file (%s), so it saved nothing; edit the file by hand, and please report this", strings.TrimPrefix(err.Error(), path+": "))
	}
	return save(path, target, out, missing)
}

// resolve is the file a save replaces: path with its symbolic links
// followed (a linked providers.toml stays a link), made absolute.
func resolve(path string) string {
	if p, err := filepath.EvalSymlinks(path); err == nil {
		path = p
	}
	if p, err := filepath.Abs(path); err == nil {
		path = p
	}
	return path
}

// expect checks that after holds exactly the entries ids, in order, and,
// when at >= 0, that entry at holds e's values.
func expect(after *doc, ids []string, at int, e Entry) error {
	if got := after.ids(); !reflect.DeepEqual(got, ids) {
		return fmt.Errorf("the entries would be %q instead of %q", got, ids)
	}
	if at < 0 {
		return nil
	}
	got := after.values[at]
	for _, f := range e {
		v, ok := got[f.Key]
		if f.Value.kind == kindUnset {
			if ok {
				return fmt.Errorf("%s would still be set", f.Key)
			}
			continue
		}
		var want any
		switch f.Value.kind {
		case kindBool:
			want = f.Value.flag
		case kindText:
			want = f.Value.text
		case kindList:
			l := make([]any, len(f.Value.list))
			for i, s := range f.Value.list {
				l[i] = s
			}
			want = l
		case kindTable:
			m := map[string]any{}
			for k, s := range f.Value.table {
				m[k] = s
			}
			want = m
		}
		if !reflect.DeepEqual(v, want) {
			return fmt.Errorf("%s would read back as %v, not %v", f.Key, v, want)
		}
	}
	return nil
}

// readErr words a failure to read providers.toml.
func readErr(path string, err error) error {
	msg := fmt.Sprintf("Latchkey could not read the file (%s): nothing was changed", cause(err))
	if errors.Is(err, fs.ErrPermission) {
		msg = "Latchkey is not allowed to read the file: give your user read and write permission on it, then try again"
	}
	return &EditError{Path: path, Kind: ErrSave, Message: msg, Err: err}
}

// cause is the innermost error's words, without the Go operation and path
// that EditError already states.
func cause(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		err = le.Err
	}
	return err.Error()
}

// saveErr words a failure to write providers.toml; the file is unchanged.
func saveErr(path, dir string, err error) error {
	var msg string
	switch {
	case errors.Is(err, fs.ErrPermission):
		msg = fmt.Sprintf("Latchkey is not allowed to write in the folder %s: give your user write permission on the folder and the file, or choose another file with --config or %s", dir, EnvConfig)
	case errors.Is(err, syscall.ENOSPC):
		msg = fmt.Sprintf("the disk holding %s is full: free some space, then save again", dir)
	case errors.Is(err, syscall.EROFS):
		msg = fmt.Sprintf("the folder %s is on a read-only disk: choose a file elsewhere with --config or %s", dir, EnvConfig)
	case errors.Is(err, syscall.ENOTDIR):
		msg = fmt.Sprintf("part of the path %s is a file, not a folder: move that file away or choose another path with --config or %s", dir, EnvConfig)
	case errors.Is(err, fs.ErrNotExist):
		msg = fmt.Sprintf("the folder %s went away while saving: check that it exists, then save again", dir)
	default:
		msg = fmt.Sprintf("saving failed (%s): try again", cause(err))
	}
	return &EditError{Path: path, Kind: ErrSave, Message: msg + "; the file was not changed", Err: err}
}

// save writes data over target atomically: a temp file in the same folder,
// synced, renamed over target, then the folder synced. An existing file
// keeps its mode; a new one gets 0600, and a missing folder is made 0700.
// On any failure before the rename the temp file is removed and target is
// untouched.
func save(path, target string, data []byte, missing bool) (err error) {
	dir := filepath.Dir(target)
	mode := fs.FileMode(0o600)
	if missing {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return saveErr(path, dir, err)
		}
	} else if fi, err := os.Stat(target); err == nil {
		mode = fi.Mode().Perm()
	}
	tmp, err := os.CreateTemp(dir, ".providers-*.toml.tmp")
	if err != nil {
		return saveErr(path, dir, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(mode); err != nil && runtime.GOOS != "windows" {
		return saveErr(path, dir, err)
	}
	if _, err := tmp.Write(data); err != nil {
		return saveErr(path, dir, err)
	}
	if err := tmp.Sync(); err != nil {
		return saveErr(path, dir, err)
	}
	if err := tmp.Close(); err != nil {
		return saveErr(path, dir, err)
	}
	if beforeRename != nil {
		if err := beforeRename(); err != nil {
			return saveErr(path, dir, err)
		}
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		return saveErr(path, dir, err)
	}
	if runtime.GOOS == "windows" {
		return nil // folders cannot be synced there; the rename is durable
	}
	f, err := os.Open(dir)
	if err == nil {
		err = f.Sync()
		f.Close()
	}
	if err != nil {
		return &EditError{Path: path, Kind: ErrSave, Err: err,
			Message: fmt.Sprintf("the change was saved, but Latchkey could not make sure the folder %s reached the disk (%s): if the computer stops now it may be lost; check the file after a restart", dir, cause(err))}
	}
	return nil
}

// doc is providers.toml split into items and segments.
type doc struct {
	path   string
	data   []byte
	nl     string // the file's line ending, for new lines
	items  []item
	blocks []block          // the [[provider]] blocks, in file order
	values []map[string]any // each block's entry as the decoder reads it
}

// block is one [[provider]] table: data[start:end].
type block struct {
	start, end  int
	header      int    // index in items of its [[provider]] line
	firstItem   int    // index of its first item (a leading comment or the header)
	endItem     int    // index after its last item
	lastContent int    // index of its last header or key/value item
	id          string // its id, "" when it has none
}

type itemKind int

const (
	blankLine itemKind = iota
	commentLine
	headerLine
	keyValue
)

// item is one top-level piece of the file: whole lines data[start:end],
// end just after the newline (or at the end of the file).
type item struct {
	kind       itemKind
	start, end int
	path       []string // a header's table key or a key/value's dotted key
	array      bool     // a header of an array of tables, [[…]]
	// valStart and valEnd delimit a key/value's value, without the
	// whitespace and comment after it.
	valStart, valEnd int
}

// splitDoc splits data (see the file comment) and checks the split against
// the TOML decoder.
func splitDoc(path string, data []byte) (*doc, error) {
	d := &doc{path: path, data: data, nl: "\n"}
	if i := bytes.IndexByte(data, '\n'); i > 0 && data[i-1] == '\r' {
		d.nl = "\r\n"
	}
	var whole struct {
		Provider []map[string]any `toml:"provider"`
	}
	if _, err := toml.Decode(string(data), &whole); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, editErr(path, ErrCannotEdit, "line %d is not valid TOML (%s): Latchkey changes only a file it can read; fix that line by hand first", pe.Position.Line, pe.Message)
		}
		return nil, editErr(path, ErrCannotEdit, "provider is not a list of [[provider]] tables: Latchkey changes only [[provider]] tables; fix the file by hand first")
	}
	var err error
	if d.items, err = scanItems(data); err != nil {
		return nil, editErr(path, ErrCannotEdit, "Latchkey cannot follow the file's layout (%v): fix it by hand first", err)
	}
	var cur *block
	for i, it := range d.items {
		if it.kind != headerLine {
			if cur != nil && it.kind == keyValue {
				cur.lastContent = i
			}
			continue
		}
		sub := len(it.path) > 1 && it.path[0] == "provider"
		if sub {
			if cur == nil {
				return nil, editErr(path, ErrCannotEdit, "a [%s] table stands away from its [[provider]] entry: move it right under that entry, then try again", strings.Join(it.path, "."))
			}
			cur.lastContent = i
			continue
		}
		// A new segment: it takes the comment lines right above it.
		first := i
		for first > 0 && d.items[first-1].kind == commentLine {
			first--
		}
		if cur != nil {
			cur.endItem = first
			cur = nil
		}
		if len(it.path) == 1 && it.path[0] == "provider" {
			d.blocks = append(d.blocks, block{header: i, firstItem: first, lastContent: i})
			cur = &d.blocks[len(d.blocks)-1]
		}
		// Any other table ends the current block and is nobody's: its
		// lines are kept as they are.
	}
	for i := range d.blocks {
		b := &d.blocks[i]
		if b.endItem == 0 {
			b.endItem = len(d.items)
		}
		b.start = d.items[b.firstItem].start
		b.end = len(data)
		if b.endItem < len(d.items) {
			b.end = d.items[b.endItem].start
		}
	}
	if len(d.blocks) != len(whole.Provider) {
		return nil, editErr(path, ErrCannotEdit, "the file defines %d providers but only %d as [[provider]] tables (the others are written inline, as provider = [...]): Latchkey changes only [[provider]] tables; rewrite them as tables by hand first", len(whole.Provider), len(d.blocks))
	}
	for i := range d.blocks {
		b := &d.blocks[i]
		var one struct {
			Provider []map[string]any `toml:"provider"`
		}
		_, err := toml.Decode(string(data[b.start:b.end]), &one)
		if err != nil || len(one.Provider) != 1 || fmt.Sprintf("%#v", one.Provider[0]) != fmt.Sprintf("%#v", whole.Provider[i]) {
			return nil, editErr(path, ErrCannotEdit, "Latchkey cannot tell where provider #%d starts and ends: fix the file by hand (docs/CONFIG.md shows the layout)", i+1)
		}
		b.id, _ = whole.Provider[i]["id"].(string)
		d.values = append(d.values, whole.Provider[i])
	}
	return d, nil
}

func (d *doc) ids() []string {
	out := make([]string, len(d.blocks))
	for i, b := range d.blocks {
		out[i] = b.id
	}
	return out
}

// find returns the first block with this id, or nil.
func (d *doc) find(id string) *block {
	for i := range d.blocks {
		if d.blocks[i].id == id {
			return &d.blocks[i]
		}
	}
	return nil
}

// only returns the one block with this id.
func (d *doc) only(id string) (*block, error) {
	var found *block
	for i := range d.blocks {
		if d.blocks[i].id != id {
			continue
		}
		if found != nil {
			return nil, editErr(d.path, ErrCannotEdit, "two entries have the id %q: give one of them another id by hand, then try again", id)
		}
		found = &d.blocks[i]
	}
	if found == nil || id == "" {
		return nil, editErr(d.path, ErrNotFound, "there is no provider with id %q: it may have been removed or renamed; reload the list", id)
	}
	return found, nil
}

// appendBlock is the file with text added as a new block at its end,
// separated by a blank line.
func (d *doc) appendBlock(text string) []byte {
	out := append([]byte{}, d.data...)
	if len(out) > 0 && out[len(out)-1] != '\n' {
		out = append(out, d.nl...)
	}
	if len(bytes.TrimSpace(out)) > 0 && !bytes.HasSuffix(out, []byte("\n\n")) && !bytes.HasSuffix(out, []byte("\n\r\n")) {
		out = append(out, d.nl...)
	}
	return append(out, text...)
}

type splice struct {
	start, end int
	text       string
}

// update is the file with e applied to block b (see Update).
func (d *doc) update(b *block, e Entry) ([]byte, error) {
	// The entry's own table ends at its first sub-table.
	mainEnd := b.endItem
	for i := b.header + 1; i < b.endItem; i++ {
		if d.items[i].kind == headerLine {
			mainEnd = i
			break
		}
	}
	after := b.header // the last key/value of the entry's own table
	for i := b.header + 1; i < mainEnd; i++ {
		if d.items[i].kind == keyValue {
			after = i
		}
	}
	var edits []splice
	var added []string // new `key = value` lines
	for _, f := range e {
		var simple []int // `key = value` lines
		var other []splice
		for i := b.header + 1; i < mainEnd; i++ {
			it := d.items[i]
			if it.kind == keyValue && it.path[0] == f.Key {
				if len(it.path) == 1 {
					simple = append(simple, i)
				} else {
					other = append(other, splice{start: it.start, end: it.end})
				}
			}
		}
		for i := mainEnd; i < b.endItem; i++ {
			it := d.items[i]
			if it.kind != headerLine || len(it.path) < 2 || it.path[1] != f.Key {
				continue
			}
			// The sub-table, up to the next header, without the
			// blank lines and comments that end the block.
			j, end := i+1, it.end
			for ; j < b.endItem && d.items[j].kind != headerLine; j++ {
				if d.items[j].kind == keyValue {
					end = d.items[j].end
				}
			}
			other = append(other, splice{start: it.start, end: end})
		}
		switch {
		case f.Value.kind == kindUnset:
			for _, i := range simple {
				edits = append(edits, splice{start: d.items[i].start, end: d.items[i].end})
			}
			edits = append(edits, other...)
		case len(simple) == 1 && len(other) == 0:
			it := d.items[simple[0]]
			edits = append(edits, splice{start: it.valStart, end: it.valEnd, text: f.Value.render()})
		default:
			for _, i := range simple {
				edits = append(edits, splice{start: d.items[i].start, end: d.items[i].end})
			}
			edits = append(edits, other...)
			added = append(added, f.Key+" = "+f.Value.render())
		}
	}
	if len(added) > 0 {
		at := d.items[after]
		indent := "" // new keys line up with the last one
		if at.kind == keyValue {
			indent = string(d.data[at.start:skipSpace(d.data, at.start)])
		}
		var text strings.Builder
		if at.end == 0 || d.data[at.end-1] != '\n' {
			text.WriteString(d.nl)
		}
		for _, l := range added {
			text.WriteString(indent + l + d.nl)
		}
		edits = append(edits, splice{start: at.end, end: at.end, text: text.String()})
	}
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].start < edits[j].start })
	var out bytes.Buffer
	pos := 0
	for _, s := range edits {
		if s.start < pos {
			return nil, fmt.Errorf("overlapping changes at byte %d", s.start)
		}
		out.Write(d.data[pos:s.start])
		out.WriteString(s.text)
		pos = s.end
	}
	out.Write(d.data[pos:])
	return out.Bytes(), nil
}

// scanItems splits TOML text into top-level items, following strings,
// multi-line strings and values spanning lines. It trusts data to be valid
// TOML (splitDoc decodes it first) but never reads out of bounds.
func scanItems(data []byte) ([]item, error) {
	var items []item
	p := 0
	if bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
		p = 3
	}
	for p < len(data) {
		start := p
		q := skipSpace(data, p)
		it := item{start: start}
		switch {
		case q == len(data) || data[q] == '\n' || data[q] == '\r':
			it.kind = blankLine
			it.end = endOfLine(data, q)
		case data[q] == '#':
			it.kind = commentLine
			it.end = endOfLine(data, q)
		case data[q] == '[':
			it.kind = headerLine
			r := q + 1
			if r < len(data) && data[r] == '[' {
				it.array = true
				r++
			}
			var err error
			for r < len(data) && data[r] != ']' {
				if data[r] == '"' || data[r] == '\'' {
					if r, err = skipString(data, r); err != nil {
						return nil, err
					}
					continue
				}
				if data[r] == '\n' {
					return nil, fmt.Errorf("a table header without its closing bracket")
				}
				r++
			}
			r++
			if it.array {
				r++
			}
			if r > len(data) {
				return nil, fmt.Errorf("a table header without its closing bracket")
			}
			if it.path, err = keyOf(string(data[q:r]), ""); err != nil {
				return nil, err
			}
			if it.end, err = restOfLine(data, r); err != nil {
				return nil, err
			}
		default:
			it.kind = keyValue
			r := q
			var err error
			for r < len(data) && data[r] != '=' {
				if data[r] == '"' || data[r] == '\'' {
					if r, err = skipString(data, r); err != nil {
						return nil, err
					}
					continue
				}
				if data[r] == '\n' || data[r] == '#' {
					return nil, fmt.Errorf("a key without a value")
				}
				r++
			}
			if r >= len(data) {
				return nil, fmt.Errorf("a key without a value")
			}
			if it.path, err = keyOf(string(data[q:r]), " = 0"); err != nil {
				return nil, err
			}
			it.valStart = skipSpace(data, r+1)
			e, err := scanValue(data, it.valStart)
			if err != nil {
				return nil, err
			}
			it.valEnd = e
			for it.valEnd > it.valStart && (data[it.valEnd-1] == ' ' || data[it.valEnd-1] == '\t' || data[it.valEnd-1] == '\r') {
				it.valEnd--
			}
			if it.valEnd == it.valStart {
				return nil, fmt.Errorf("a key without a value")
			}
			if it.end, err = restOfLine(data, e); err != nil {
				return nil, err
			}
		}
		items = append(items, it)
		p = it.end
	}
	return items, nil
}

// keyOf decodes a header or a key (with suffix making it a key/value) with
// the TOML decoder and returns its full key.
func keyOf(text, suffix string) ([]string, error) {
	var m map[string]any
	md, err := toml.Decode(text+suffix, &m)
	if err != nil {
		return nil, fmt.Errorf("cannot read the key %q", text)
	}
	var longest toml.Key
	for _, k := range md.Keys() {
		if len(k) > len(longest) {
			longest = k
		}
	}
	if len(longest) == 0 {
		return nil, fmt.Errorf("cannot read the key %q", text)
	}
	return longest, nil
}

func skipSpace(data []byte, p int) int {
	for p < len(data) && (data[p] == ' ' || data[p] == '\t') {
		p++
	}
	return p
}

// endOfLine is the index just after the newline at or after p.
func endOfLine(data []byte, p int) int {
	if i := bytes.IndexByte(data[p:], '\n'); i >= 0 {
		return p + i + 1
	}
	return len(data)
}

// restOfLine checks that only whitespace and a comment follow p on its
// line and returns the end of the line.
func restOfLine(data []byte, p int) (int, error) {
	p = skipSpace(data, p)
	if p < len(data) && data[p] != '#' && data[p] != '\n' && data[p] != '\r' {
		return 0, fmt.Errorf("unexpected text after a value or header")
	}
	return endOfLine(data, p), nil
}

// scanValue returns where the value starting at p ends: at the comment or
// line end that follows it outside any array or inline table.
func scanValue(data []byte, p int) (int, error) {
	depth := 0
	for p < len(data) {
		switch c := data[p]; c {
		case '"', '\'':
			var err error
			if p, err = skipString(data, p); err != nil {
				return 0, err
			}
			continue
		case '[', '{':
			depth++
		case ']', '}':
			depth--
		case '#':
			if depth <= 0 {
				return p, nil
			}
			if i := bytes.IndexByte(data[p:], '\n'); i >= 0 {
				p += i
				continue
			}
			return 0, fmt.Errorf("an unclosed array or table")
		case '\n':
			if depth <= 0 {
				return p, nil
			}
		}
		p++
	}
	if depth > 0 {
		return 0, fmt.Errorf("an unclosed array or table")
	}
	return p, nil
}

// skipString returns the index just after the string (basic, literal or
// either's multi-line form) that opens at p.
func skipString(data []byte, p int) (int, error) {
	q := data[p]
	escapes := q == '"'
	delim := []byte{q}
	if bytes.HasPrefix(data[p:], []byte{q, q, q}) {
		delim = []byte{q, q, q}
	}
	r := p + len(delim)
	for r < len(data) {
		switch {
		case escapes && data[r] == '\\':
			r += 2
			continue
		case len(delim) == 1 && data[r] == '\n':
			return 0, fmt.Errorf("a string left open at the end of a line")
		case bytes.HasPrefix(data[r:], delim):
			r += len(delim)
			// """a"""" ends with a quote in the string: up to two more.
			for n := 0; len(delim) == 3 && n < 2 && r < len(data) && data[r] == q; n++ {
				r++
			}
			return r, nil
		}
		r++
	}
	return 0, fmt.Errorf("a string left open at the end of the file")
}
