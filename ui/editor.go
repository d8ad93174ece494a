package ui

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/assets/lang"
	"latchkey/auth"
	"latchkey/auth/oauth1"
	"latchkey/auth/provider"
)

// The editor's background results.
const (
	evEditorOpen  event = "editor-open"  // an Edit's form is showing (its entry was read)
	evDiscovered  event = "discovered"   // an issuer's discovery ended, whatever the outcome
	evKeyChecked  event = "key-checked"  // an RSA key file was read, whatever the outcome
	evSaved       event = "saved"        // a Save ended and the config was read again
	evSecretMoved event = "secret-moved" // Move to the keychain ended
)

// defaultIssuerDelay is how long the editor waits after the issuer was
// last typed before it asks for its discovery document.
const defaultIssuerDelay = 600 * time.Millisecond

// choice is one option of a choice field: what is written, what is read.
type choice struct{ value, label string }

// choicesFor are the options of each choice field a schema names, in the
// person's language.
func choicesFor(key string) []choice {
	switch key {
	case "token_endpoint_auth":
		return []choice{
			{provider.AuthNone, lang.X("choice.auth.none", "None: a public client, no secret (none)")},
			{provider.AuthBasic, lang.X("choice.auth.basic", "Client secret in an HTTP Basic header (client_secret_basic)")},
			{provider.AuthPost, lang.X("choice.auth.post", "Client secret in the request body (client_secret_post)")},
		}
	case "signature_method":
		return []choice{
			{"HMAC-SHA1", lang.X("choice.sig.hmacsha1", "HMAC-SHA1 (with the consumer secret)")},
			{"HMAC-SHA256", lang.X("choice.sig.hmacsha256", "HMAC-SHA256 (with the consumer secret)")},
			{"RSA-SHA1", lang.X("choice.sig.rsasha1", "RSA-SHA1 (with your RSA private key)")},
			{"PLAINTEXT", lang.X("choice.sig.plaintext", "PLAINTEXT (the consumer secret as is; https only)")},
		}
	case "callback":
		return []choice{
			{provider.CallbackLoopback, lang.X("choice.callback.loopback", "Back to Latchkey on this computer (loopback)")},
			{provider.CallbackOOB, lang.X("choice.callback.oob", "The provider shows a code to paste (oob)")},
		}
	}
	return nil
}

// formField is one field of the editor: its label, its input (an entry,
// or a choice), the message beside it, and its check.
type formField struct {
	key     string // the providers.toml key; "params.NAME" for a preset's placeholder
	label   string
	entry   *textEntry
	choices []choice
	sel     *selectBox
	msg     *widget.Label // what is wrong with the value, beside the field
	box     *fyne.Container
	initial string // the value when the form opened
	// check says what is wrong with v, or "".
	check func(v string) string
	// shown says whether the field belongs to the form as it is now;
	// nil: always.
	shown func() bool
}

// value is the field's value as written: trimmed text, or the chosen
// option's value.
func (f *formField) value() string {
	if f.sel != nil {
		for _, c := range f.choices {
			if c.label == f.sel.Selected {
				return c.value
			}
		}
		return ""
	}
	return strings.TrimSpace(f.entry.Text)
}

// set puts v in the field.
func (f *formField) set(v string) {
	if f.sel == nil {
		f.entry.SetText(v)
		return
	}
	for _, c := range f.choices {
		if strings.EqualFold(c.value, v) {
			f.sel.SetSelected(c.label)
			return
		}
	}
}

func (f *formField) visible() bool { return f.shown == nil || f.shown() }

// problem is what the field's check says now, "" for a hidden field.
func (f *formField) problem() string {
	if !f.visible() || f.check == nil {
		return ""
	}
	return f.check(f.value())
}

// editor is the form that adds a provider or edits one: only the fields
// its protocol (and preset) need, each checked as it is typed with its
// message beside it, the redirect URI to register, and Save, enabled only
// while every field is right. Its fields belong to Fyne's goroutine.
type editor struct {
	w        *window
	protocol provider.Protocol
	preset   *provider.Preset   // nil: a custom entry
	orig     *provider.Provider // the entry edited; nil for a new one
	raw      map[string]any     // the entry as written (Edit)
	idLocked bool               // an account or a secret is stored under the id

	fields []*formField
	byKey  map[string]*formField

	hasSecret    bool   // the entry has a client secret already (file or keychain)
	secretInFile string // the client_secret written in the file, to move

	dlg          *dialog.CustomDialog
	save, cancel *button
	status       *widget.Label
	activity     *widget.Activity
	redirect     *widget.Label
	redirectBox  *fyne.Container
	copyRedirect *button
	register     *link
	discovery    *widget.Label
	secretBox    *fyne.Container // the offer to move a secret out of the file
	secretNote   *widget.Label
	moveSecret   *button
	saving       bool

	issuer   string // the issuer last sent to discovery
	discGen  int
	discStop func()

	keyGen   int
	keyPath  string // the key file last checked
	keyMsg   string // what was wrong with it, "" when it loaded
	keyReady bool   // keyMsg is about keyPath
}

// newEditor makes the form for a new entry of protocol, from preset when
// not nil.
func (w *window) newEditor(protocol provider.Protocol, preset *provider.Preset) *editor {
	e := &editor{w: w, protocol: protocol, preset: preset, byKey: map[string]*formField{}}
	e.addFields()
	if preset != nil {
		e.byKey["id"].set(w.freeID(preset.ID))
	} else if scopes := provider.SchemaOf(protocol).DefaultScopes; scopes != "" {
		e.byKey["scopes"].set(scopes)
	}
	return e
}

// editorFor makes the form that edits p, whose entry as written is raw:
// the fields the entry sets are filled in, a preset entry shows its
// preset's fields.
func (w *window) editorFor(p *provider.Provider, raw map[string]any, idLocked bool) *editor {
	protocol := provider.Protocol(strings.ToLower(text(raw["protocol"])))
	preset, _ := provider.FindPreset(text(raw["preset"]))
	if preset != nil && protocol == "" {
		protocol = preset.Protocol
	}
	if protocol == "" {
		protocol = p.Protocol
	}
	e := &editor{w: w, protocol: protocol, preset: preset, orig: p, raw: raw, idLocked: idLocked, byKey: map[string]*formField{}}
	e.hasSecret = p.HasClientSecret()
	e.secretInFile = text(raw["client_secret"])
	e.addFields()
	for _, f := range e.fields {
		v, written := raw[f.key], true
		if name, ok := strings.CutPrefix(f.key, "params."); ok {
			params, _ := raw["params"].(map[string]any)
			v, written = params[name]
		} else if _, written = raw[f.key]; !written {
			v = defaultShown(p, f.key) // a choice shows what applies
		}
		if written || v != nil {
			f.set(text(v))
		}
		f.initial = f.value()
	}
	if idLocked {
		e.byKey["id"].entry.Disable()
	}
	return e
}

// defaultShown is what a choice field shows for a key the entry leaves
// out: the default p has (provider.Load filled it).
func defaultShown(p *provider.Provider, key string) any {
	switch key {
	case "token_endpoint_auth":
		return p.TokenEndpointAuth
	case "signature_method":
		return p.SignatureMethod
	case "callback":
		return p.Callback
	}
	return nil
}

// text is a decoded TOML value as the form shows it: a string as is, a
// list of strings joined by spaces.
func text(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case []any:
		parts := make([]string, 0, len(v))
		for _, s := range v {
			parts = append(parts, fmt.Sprint(s))
		}
		return strings.Join(parts, " ")
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// freeID is base, or base-2, base-3… when an entry of the file uses it.
func (w *window) freeID(base string) string {
	id := base
	for n := 2; w.idTaken(id); n++ {
		id = fmt.Sprintf("%s-%d", base, n)
	}
	return id
}

// idTaken reports whether an entry of the file has this id, a usable one
// or one with problems.
func (w *window) idTaken(id string) bool {
	if _, ok := w.cfg.Find(id); ok {
		return true
	}
	return len(w.cfg.ProblemsFor(id)) > 0
}

// name is the provider's name as the form has it.
func (e *editor) name() string {
	if v := e.byKey["name"].value(); v != "" {
		return v
	}
	if e.preset != nil {
		return e.preset.Name
	}
	if v := e.byKey["id"].value(); v != "" {
		return v
	}
	return lang.X("editor.theprovider", "the provider")
}

// addFields builds the form's fields for its protocol and preset, from
// the protocol's schema (provider.SchemaOf): the form decides no protocol
// question itself.
func (e *editor) addFields() {
	schema := provider.SchemaOf(e.protocol)
	e.add(&formField{key: "id", label: lang.X("editor.id", "Id"), check: e.checkID}).entry.SetPlaceHolder("work")
	name := e.add(&formField{key: "name", label: lang.X("editor.name", "Name")})
	name.entry.SetPlaceHolder(lang.L("Work SSO"))
	if e.preset != nil {
		name.entry.SetPlaceHolder(e.preset.Name)
	}
	clientLabel := schema.ClientIDLabel
	e.add(&formField{key: "client_id", label: clientLabel, check: func(v string) string {
		if v == "" {
			return lang.X("editor.clientid.empty", "Copy the {{.Field}} of the app you registered at {{.Provider}}.", map[string]any{"Field": strings.ToLower(clientLabel), "Provider": e.name()})
		}
		return ""
	}})
	if e.preset != nil {
		e.addPresetFields()
		return
	}
	for _, spec := range schema.Fields {
		needed, shown := e.holds(spec.Needed, false), e.holds(spec.Shown, true)
		switch spec.Kind {
		case provider.FieldSecret:
			e.addSecret(needed)
			if spec.Shown != nil {
				e.byKey["client_secret"].shown = shown
			}
		case provider.FieldURL:
			e.addURL(spec.Key, spec.Label, needed)
		case provider.FieldScopes:
			e.addScopes()
		case provider.FieldKeyFile:
			e.addKeyFile(shown)
		case provider.FieldChoice:
			var sh func() bool
			if spec.Shown != nil {
				sh = shown
			}
			e.addChoice(spec.Key, spec.Label, choicesFor(spec.Key), sh)
		}
	}
}

// holds turns a schema condition into a check of the form's current
// values; a nil condition is otherwise.
func (e *editor) holds(c *provider.Cond, otherwise bool) func() bool {
	if c == nil {
		return func() bool { return otherwise }
	}
	return func() bool {
		return c.Holds(func(key string) string {
			if f := e.byKey[key]; f != nil {
				return f.value()
			}
			return ""
		})
	}
}

func always() bool { return true }

// addPresetFields adds what a preset leaves to the person: the secret
// when its token requests need one (or OAuth 1.0a signs with it), the RSA
// key for RSA-SHA1, and its placeholders.
func (e *editor) addPresetFields() {
	p := e.preset
	rsa := p.SignatureMethod == "RSA-SHA1"
	if p.NeedsSecret() {
		e.addSecret(always)
	}
	if rsa {
		e.addKeyFile(always)
	}
	for _, pp := range p.Params {
		pp := pp
		f := e.add(&formField{key: "params." + pp.Name, label: pp.Label, check: func(v string) string { return e.checkParam(pp, v) }})
		switch {
		case pp.Default != "":
			f.entry.SetPlaceHolder(pp.Default)
		case pp.Example != "":
			f.entry.SetPlaceHolder(pp.Example)
		}
	}
}

// add appends f to the form, with a text entry unless it has choices.
func (e *editor) add(f *formField) *formField {
	f.msg = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.DangerImportance}
	f.msg.Hide()
	var input fyne.CanvasObject
	if f.choices != nil {
		labels := make([]string, len(f.choices))
		for i, c := range f.choices {
			labels[i] = c.label
		}
		f.sel = newSelect(labels, func(string) { e.changed() })
		f.sel.SetSelected(labels[0])
		input = f.sel
	} else {
		f.entry = newEntry(&widget.Entry{Wrapping: fyne.TextWrap(fyne.TextTruncateClip)})
		f.entry.OnChanged = func(string) { e.changed() }
		input = f.entry
	}
	f.box = container.NewVBox(fieldName(f.label), input, f.msg)
	e.fields = append(e.fields, f)
	e.byKey[f.key] = f
	return f
}

// addURL adds an endpoint field, required when required() says so.
func (e *editor) addURL(key, label string, required func() bool) {
	e.add(&formField{key: key, label: label, check: func(v string) string {
		if v == "" {
			if required() {
				return lang.X("editor.url.empty", "Give the {{.Field}}'s address, from {{.Provider}}'s documentation.", map[string]any{"Field": strings.ToLower(strings.TrimSuffix(label, lang.X("editor.optional", " (optional)"))), "Provider": e.name()})
			}
			return ""
		}
		return urlProblem(v)
	}}).entry.SetPlaceHolder("https://")
}

// urlProblem says what is wrong with an endpoint address, or "".
func urlProblem(v string) string {
	if err := provider.CheckEndpoint(v); err != nil {
		return lang.X("editor.url.bad", "This address {{.Problem}}.", map[string]any{"Problem": err.Error()})
	}
	return ""
}

func (e *editor) addScopes() {
	e.add(&formField{key: "scopes", label: lang.L("Scopes (separated by spaces)")}).entry.SetPlaceHolder("openid email")
}

func (e *editor) addChoice(key, label string, choices []choice, shown func() bool) {
	e.add(&formField{key: key, label: label, choices: choices, shown: shown})
}

// addSecret adds the client secret, needed when needed() says so. It goes
// to the keychain, never into the file.
func (e *editor) addSecret(needed func() bool) {
	label := provider.SchemaOf(e.protocol).SecretLabel
	f := e.add(&formField{key: "client_secret", label: lang.X("editor.secret.label", "{{.Field}} (kept in your keychain)", map[string]any{"Field": label}), check: func(v string) string {
		if v == "" && needed() && !e.hasSecret {
			return lang.X("editor.secret.empty", "{{.Provider}} needs the {{.Field}}: paste the one it showed when you registered the app.", map[string]any{"Provider": e.name(), "Field": strings.ToLower(label)})
		}
		return ""
	}})
	f.entry.Password = true
}

// addKeyFile adds the RSA private key's path, shown when shown() says so;
// the file is read in the background as it is typed.
func (e *editor) addKeyFile(shown func() bool) {
	e.add(&formField{key: "rsa_key_file", label: lang.L("RSA private key (PEM file)"), shown: shown, check: func(v string) string {
		switch {
		case v == "":
			return lang.L("RSA-SHA1 signs with your RSA private key: give the path of its PEM file.")
		case !e.keyReady || e.keyPath != v:
			return lang.L("Reading the key file…")
		}
		return e.keyMsg
	}}).entry.SetPlaceHolder("/home/you/.ssh/provider-key.pem")
}

// checkID says what is wrong with an id: missing, badly formed, too long
// for the keychain, or used by another entry.
func (e *editor) checkID(v string) string {
	switch {
	case v == "":
		return lang.L("Give the provider an id, like work: lowercase letters, digits and dashes.")
	case len(v) > provider.MaxIDLen:
		return lang.X("editor.id.long", "The id is {{.N}} bytes long; the keychain takes at most {{.Max}}: choose a shorter one.", map[string]any{"N": len(v), "Max": provider.MaxIDLen})
	case !provider.ValidID(v):
		return lang.L("Use lowercase letters, digits and dashes, starting with a letter or digit.")
	case (e.orig == nil || v != e.orig.ID) && e.w.idTaken(v):
		return lang.X("editor.id.taken", "Another provider has the id {{.ID}} already: choose another.", map[string]any{"ID": v})
	}
	return ""
}

// presetURLs are the preset's addresses that placeholders may fill.
func presetURLs(p *provider.Preset) map[string]string {
	return map[string]string{
		"issuer": p.Issuer, "authorization endpoint": p.AuthorizeURL, "token endpoint": p.AccessTokenURL,
		"request-token endpoint": p.RequestTokenURL, "profile endpoint": p.UserinfoURL,
		"revocation endpoint": p.RevokeURL, "device authorization endpoint": p.DeviceAuthorizationURL,
	}
}

// params is the placeholders' values as the form has them: what was
// typed, else the default.
func (e *editor) params(withDefaults bool) map[string]string {
	out := map[string]string{}
	if e.preset == nil {
		return out
	}
	for _, pp := range e.preset.Params {
		v := e.byKey["params."+pp.Name].value()
		if v == "" && withDefaults {
			v = pp.Default
		}
		if v != "" {
			out[pp.Name] = v
		}
	}
	return out
}

// fill replaces the preset's placeholders in s with params; ok is false
// when one is left.
func fill(s string, params map[string]string) (string, bool) {
	for k, v := range params {
		s = strings.ReplaceAll(s, "{"+k+"}", v)
	}
	return s, !strings.Contains(s, "{")
}

// checkParam says what is wrong with a placeholder's value: missing, or
// making one of the preset's addresses unusable.
func (e *editor) checkParam(pp provider.PresetParam, v string) string {
	if v == "" {
		if pp.Default != "" {
			return ""
		}
		return lang.X("editor.param.empty", "Give the {{.Field}}, like {{.Example}}.", map[string]any{"Field": strings.ToLower(pp.Label), "Example": pp.Example})
	}
	if strings.ContainsAny(v, " \t{}\"<>") {
		return lang.X("editor.param.chars", "The {{.Field}} cannot hold spaces, quotes, braces or angle brackets.", map[string]any{"Field": strings.ToLower(pp.Label)})
	}
	params := e.params(true)
	params[pp.Name] = v
	names := make([]string, 0, 8)
	urls := presetURLs(e.preset)
	for n := range urls {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		tmpl := urls[n]
		if !strings.Contains(tmpl, "{"+pp.Name+"}") {
			continue
		}
		if strings.Contains(tmpl, "://{"+pp.Name+"}") && strings.ContainsAny(v, ":/") {
			return lang.X("editor.param.alone", "Give the {{.Field}} alone, like {{.Example}}: no https:// and no path.", map[string]any{"Field": strings.ToLower(pp.Label), "Example": pp.Example})
		}
		filled, ok := fill(tmpl, params)
		if !ok {
			continue // another placeholder is still missing
		}
		if err := provider.CheckEndpoint(filled); err != nil {
			return lang.X("editor.param.url", "With this {{.Field}}, the {{.Endpoint}} {{.Problem}}.", map[string]any{"Field": strings.ToLower(pp.Label), "Endpoint": n, "Problem": err.Error()})
		}
	}
	return ""
}

// issuerNow is the issuer the person typed, for discovery: the Issuer
// field, or the placeholder of a preset that is only an issuer (OpenID
// Connect by issuer); "" when there is none yet or it is not a usable
// URL. Other presets' issuers are known and not looked up while typing.
func (e *editor) issuerNow() string {
	var iss string
	switch {
	case e.preset != nil && provider.SchemaOf(e.preset.Protocol).Discovers && len(e.preset.Params) == 1 && e.preset.Issuer == "{"+e.preset.Params[0].Name+"}":
		iss = e.byKey["params."+e.preset.Params[0].Name].value()
	case e.preset == nil && provider.SchemaOf(e.protocol).Discovers:
		iss = e.byKey["issuer"].value()
	}
	if iss == "" || provider.CheckEndpoint(iss) != nil {
		return ""
	}
	return iss
}

// redirectURI is the redirect URI to register for the form's id, as
// people read it ("http://127.0.0.1:<any port>/callback/work"); "" when
// the sign-in does not come back to this computer (a pasted code) or the
// id is not valid yet.
func (e *editor) redirectURI() string {
	cb := ""
	if f := e.byKey["callback"]; f != nil {
		cb = f.value()
	} else if e.preset != nil {
		cb = e.preset.Callback
	}
	if !auth.CapabilitiesOf(&provider.Provider{Protocol: e.protocol, Callback: cb, AuthorizeURL: "https://"}).RegistersRedirect {
		return "" // the browser does not come back here (a pasted code)
	}
	id := e.byKey["id"].value()
	if !provider.ValidID(id) {
		return ""
	}
	uri := provider.DefaultRedirectURI(id)
	if set := text(e.raw["redirect_uri"]); set != "" {
		uri = set
	}
	return (&provider.Provider{RedirectURI: uri}).RedirectURIToRegister()
}

// build lays the form out in a dialog.
func (e *editor) build() {
	w := e.w
	title := lang.X("editor.title.add", "Add {{.Kind}}", map[string]any{"Kind": e.kindName()})
	if e.orig != nil {
		title = lang.X("editor.title.edit", "Edit {{.Provider}}", map[string]any{"Provider": e.orig.DisplayName()})
	}
	var intro []fyne.CanvasObject
	if e.preset != nil {
		intro = append(intro, wrapped(e.preset.Note))
	}
	e.register = newLink(&widget.Hyperlink{Text: lang.L("Register an app"), OnTapped: e.openRegister})
	e.register.Hide()
	if e.preset != nil {
		intro = append(intro, e.register)
	}
	e.redirect = &widget.Label{TextStyle: fyne.TextStyle{Monospace: true}, Selectable: true, Wrapping: fyne.TextWrapBreak}
	e.copyRedirect = newButton(&widget.Button{Text: lang.L("Copy"), Icon: theme.ContentCopyIcon(), OnTapped: e.copyRedirectURI})
	redirectNote := lang.L("Register it as the app's redirect (callback) URI. The sign-in comes back to this computer on a free port each time; providers that follow RFC 8252 accept any port for it.")
	if e.preset != nil && !e.preset.AnyPort {
		redirectNote = lang.X("editor.redirect.port", "Register it as the app's redirect (callback) URI. If {{.Provider}} wants an exact port, register one (e.g. http://127.0.0.1:8400/callback/…) and add the same redirect_uri to the entry in providers.toml.", map[string]any{"Provider": e.preset.Name})
	}
	e.redirectBox = container.NewVBox(fieldName(lang.L("Redirect URI to register")),
		container.NewBorder(nil, nil, nil, e.copyRedirect, e.redirect), quietWrapped(redirectNote))
	e.discovery = &widget.Label{Wrapping: fyne.TextWrapWord}
	e.discovery.Hide()

	e.secretNote = wrapped("")
	e.moveSecret = newButton(&widget.Button{Text: lang.L("Move it to the keychain"), Icon: theme.StorageIcon(), OnTapped: e.moveSecretToKeychain})
	e.secretBox = container.NewVBox(e.secretNote, container.NewHBox(e.moveSecret))
	e.secretBox.Hide()
	if e.orig != nil && e.secretInFile != "" {
		e.secretNote.SetText(lang.X("editor.secret.infile", "The client secret of {{.Provider}} is written in providers.toml. Latchkey can keep it in your keychain instead and take it out of the file.", map[string]any{"Provider": e.orig.DisplayName()}))
		e.secretBox.Show()
	} else if e.orig != nil && e.orig.ClientSecretInKeychain {
		if f := e.byKey["client_secret"]; f != nil {
			f.entry.SetPlaceHolder(lang.L("kept in your keychain: type a new one to replace it"))
		}
	}

	rows := append([]fyne.CanvasObject{}, intro...)
	for _, f := range e.fields {
		rows = append(rows, f.box)
		if f.key == "issuer" || (e.preset != nil && provider.SchemaOf(e.preset.Protocol).Discovers && strings.HasPrefix(f.key, "params.") && f == e.lastParam()) {
			rows = append(rows, e.discovery)
		}
		if f.key == "client_secret" {
			rows = append(rows, e.secretBox)
		}
	}
	if e.preset != nil && provider.SchemaOf(e.preset.Protocol).Discovers && e.lastParam() == nil {
		rows = append(rows, e.discovery)
	}
	rows = append(rows, e.redirectBox)

	e.status = &widget.Label{Wrapping: fyne.TextWrapWord, Selectable: true}
	e.status.Hide()
	e.activity = widget.NewActivity()
	e.activity.Hide()
	e.save = newButton(&widget.Button{Text: lang.L("Save"), Icon: theme.DocumentSaveIcon(), Importance: widget.HighImportance, OnTapped: e.saveTapped})
	e.cancel = newButton(&widget.Button{Text: lang.L("Cancel"), Icon: theme.CancelIcon(), OnTapped: e.close})
	form := container.NewVBox(rows...)
	scroll := container.NewVScroll(container.NewPadded(form))
	bottom := container.NewBorder(nil, nil, e.activity, nil, e.status)
	e.dlg = dialog.NewCustomWithoutButtons(title, container.NewBorder(nil, bottom, nil, nil, scroll), w.win)
	e.dlg.SetButtons([]fyne.CanvasObject{e.cancel, e.save})
	e.changed()
}

// lastParam is the preset's last placeholder field, or nil.
func (e *editor) lastParam() *formField {
	if e.preset == nil || len(e.preset.Params) == 0 {
		return nil
	}
	return e.byKey["params."+e.preset.Params[len(e.preset.Params)-1].Name]
}

// kindName names what the form adds: the preset, or the protocol.
func (e *editor) kindName() string {
	if e.preset != nil {
		return e.preset.Name
	}
	return lang.X("editor.kind", "{{.Protocol}} provider", map[string]any{"Protocol": auth.CapabilitiesOf(&provider.Provider{Protocol: e.protocol}).Protocol})
}

// quietWrapped is secondary text that wraps.
func quietWrapped(s string) *widget.RichText {
	q := quiet(s)
	q.Truncation, q.Wrapping = fyne.TextTruncateOff, fyne.TextWrapWord
	return q
}

// show puts the form on the window.
func (e *editor) show() {
	w := e.w
	w.editor = e
	size := w.win.Canvas().Size()
	e.dlg.Resize(fyne.NewSize(fyne.Min(640, size.Width-2*theme.Padding()), size.Height-4*theme.Padding()))
	e.dlg.Show()
	w.escape = e.close
}

// close ends the form without saving.
func (e *editor) close() {
	if e.discStop != nil {
		e.discStop()
	}
	e.discGen++
	e.keyGen++
	e.dlg.Hide()
	if e.w.editor == e {
		e.w.editor = nil
		e.w.escape = nil
	}
}

// changed checks every field again, after any change: the messages
// beside the fields, Save, the redirect URI, the registration link, and
// discovery or the key file when what they depend on changed.
func (e *editor) changed() {
	if e.save == nil {
		return // still being built
	}
	e.w.holdStarts(e.recheck)
}

// recheck is changed's work.
func (e *editor) recheck() {
	e.checkKeyFile()
	e.discover()
	valid := true
	for _, f := range e.fields {
		if !f.visible() {
			f.box.Hide()
			f.msg.Hide()
			continue
		}
		f.box.Show()
		if msg := f.problem(); msg != "" {
			valid = false
			f.msg.SetText(msg)
			f.msg.Show()
		} else {
			f.msg.Hide()
		}
	}
	if e.orig != nil && !e.dirty() {
		valid = false
	}
	if valid && !e.saving {
		e.save.Enable()
	} else {
		e.save.Disable()
	}
	if uri := e.redirectURI(); uri != "" {
		e.redirect.SetText(uri)
		e.redirectBox.Show()
	} else {
		e.redirectBox.Hide()
	}
	if e.preset != nil {
		if _, ok := e.registerURL(); ok {
			e.register.SetText(lang.X("editor.register", "Register an app at {{.Provider}}", map[string]any{"Provider": e.preset.Name}))
			e.register.Show()
		} else {
			e.register.Hide()
		}
	}
}

// dirty reports whether an edited entry's form differs from the entry.
func (e *editor) dirty() bool {
	for _, f := range e.fields {
		if f.visible() && f.value() != f.initial {
			return true
		}
	}
	return false
}

// registerURL is the preset's registration page with its placeholders
// filled; ok is false while one is missing or it is not a usable URL.
func (e *editor) registerURL() (*url.URL, bool) {
	s, ok := fill(e.preset.Register, e.params(true))
	if !ok {
		return nil, false
	}
	u, err := url.Parse(s)
	if err != nil || provider.CheckURL(u) != nil {
		return nil, false
	}
	return u, true
}

func (e *editor) openRegister() {
	if u, ok := e.registerURL(); ok {
		if err := e.w.openURL(u); err != nil {
			e.say(widget.DangerImportance, lang.X("editor.nobrowser", "Your browser did not open. Open {{.URL}} yourself.", map[string]any{"URL": u.String()}))
		}
	}
}

func (e *editor) copyRedirectURI() {
	e.w.app.Clipboard().SetContent(e.redirect.Text)
	e.say(widget.SuccessImportance, lang.L("Redirect URI copied."))
}

// say shows msg under the form.
func (e *editor) say(importance widget.Importance, msg string) {
	e.status.Importance = importance
	e.status.SetText(msg)
	e.status.Show()
}

// discover asks for the issuer's discovery document, off the UI
// goroutine, once the issuer has not changed for issuerDelay; the result
// shows under the issuer (what it found, or why it failed, in words).
func (e *editor) discover() {
	iss := e.issuerNow()
	if iss == e.issuer {
		return
	}
	if e.discStop != nil {
		e.discStop()
		e.discStop = nil
	}
	e.issuer = iss
	e.discGen++
	if iss == "" {
		e.discovery.Hide()
		return
	}
	gen := e.discGen
	e.discovery.Importance = widget.MediumImportance
	e.discovery.SetText(lang.X("editor.discovery.looking", "Looking up {{.Issuer}}…", map[string]any{"Issuer": iss}))
	e.discovery.Show()
	ctx, cancel := background()
	run := func() {
		info, err := e.w.svc.CheckIssuer(ctx, iss)
		cancel()
		e.w.apply(evDiscovered, func() {
			if gen == e.discGen {
				e.discovered(info, err)
			}
		})
	}
	delay := e.w.issuerDelay
	if delay == 0 {
		delay = defaultIssuerDelay
	}
	if delay < 0 {
		e.w.later(func() { go run() })
		e.discStop = cancel
		return
	}
	t := time.AfterFunc(delay, run)
	e.discStop = func() {
		if t.Stop() {
			cancel()
		}
	}
}

// discovered shows what discovery found, or why it failed.
func (e *editor) discovered(info auth.IssuerInfo, err error) {
	if err != nil {
		e.discovery.Importance = widget.DangerImportance
		e.discovery.SetText(lang.X("editor.discovery.failed", "Latchkey could not read this issuer's discovery document: {{.Words}}", map[string]any{"Words": auth.Describe(err, auth.Window)}))
		return
	}
	lines := []string{
		lang.X("editor.discovery.found", "Found {{.Issuer}}:", map[string]any{"Issuer": info.Issuer}),
		"• " + lang.X("editor.discovery.signsin", "signs in at {{.URL}}", map[string]any{"URL": info.AuthorizationEndpoint}),
		"• " + lang.X("editor.discovery.tokens", "issues tokens at {{.URL}}", map[string]any{"URL": info.TokenEndpoint}),
	}
	if info.UserinfoEndpoint != "" {
		lines = append(lines, "• "+lang.X("editor.discovery.userinfo", "tells who you are at {{.URL}}", map[string]any{"URL": info.UserinfoEndpoint}))
	}
	if info.RevocationEndpoint != "" {
		lines = append(lines, "• "+lang.X("editor.discovery.revokes", "revokes tokens at {{.URL}} when you sign out", map[string]any{"URL": info.RevocationEndpoint}))
	}
	if info.Device() {
		lines = append(lines, "• "+lang.L("offers sign-in with a code"))
	} else {
		lines = append(lines, "• "+lang.L("does not offer sign-in with a code"))
	}
	e.discovery.Importance = widget.SuccessImportance
	e.discovery.SetText(strings.Join(lines, "\n"))
}

// checkKeyFile reads the RSA key file off the UI goroutine when its path
// changed; the field says what is wrong with it once read.
func (e *editor) checkKeyFile() {
	f := e.byKey["rsa_key_file"]
	if f == nil || !f.visible() {
		return
	}
	path := f.value()
	if path == "" || (path == e.keyPath) {
		return
	}
	e.keyPath, e.keyReady = path, false
	e.keyGen++
	gen := e.keyGen
	e.w.later(func() { go e.readKeyFile(gen, path) })
}

// readKeyFile reads the key file at path (off the UI goroutine) and shows
// what is wrong with it, if the form still asks about it.
func (e *editor) readKeyFile(gen int, path string) {
	{
		_, err := oauth1.LoadRSAKey(path)
		e.w.apply(evKeyChecked, func() {
			if gen != e.keyGen {
				return
			}
			e.keyReady, e.keyMsg = true, ""
			var ke *oauth1.KeyFileError
			switch {
			case errors.As(err, &ke):
				e.keyMsg = lang.X("editor.key.bad", "This file {{.Problem}}.", map[string]any{"Problem": ke.Problem})
			case err != nil:
				e.keyMsg = lang.L("This file cannot be read as an RSA private key.")
			}
			e.changed()
		})
	}
}

// savePlan is what one Save writes: the entry's keys, and the secret for
// the keychain.
type savePlan struct {
	path   string
	id     string // the entry's id after the save
	oldID  string // Edit: its id before ("" for a new entry)
	entry  provider.Entry
	secret string // typed in the form; goes to the keychain
	// moveSecret: Edit renamed an entry whose secret is in the keychain.
	moveSecret bool
}

// plan turns the form into the change to write: for a new entry every
// field given (a preset entry: preset and what was typed over it); for an
// edit only the keys that changed.
func (e *editor) plan() savePlan {
	pl := savePlan{path: e.w.cfg.Path, id: e.byKey["id"].value()}
	if f := e.byKey["client_secret"]; f != nil && f.visible() {
		pl.secret = f.value()
	}
	if e.orig != nil {
		pl.oldID = e.orig.ID
		return e.editPlan(pl)
	}
	add := func(key string, v provider.Value) { pl.entry = append(pl.entry, provider.Field{Key: key, Value: v}) }
	add("id", provider.Text(pl.id))
	if v := e.byKey["name"].value(); v != "" {
		add("name", provider.Text(v))
	}
	if e.preset != nil {
		add("preset", provider.Text(e.preset.ID))
	} else {
		add("protocol", provider.Text(string(e.protocol)))
	}
	for _, f := range e.fields {
		switch {
		case f.key == "id" || f.key == "name" || f.key == "client_secret" || strings.HasPrefix(f.key, "params.") || !f.visible():
		case f.key == "callback" && f.value() == provider.CallbackLoopback:
		case f.value() != "":
			add(f.key, fieldValue(f))
		}
	}
	if params := e.params(false); len(params) > 0 {
		add("params", provider.Table(params))
	}
	if pl.secret != "" {
		add("client_secret_in_keychain", provider.Bool(true))
	}
	return pl
}

// editPlan is plan for Edit: the keys whose field changed.
func (e *editor) editPlan(pl savePlan) savePlan {
	add := func(key string, v provider.Value) { pl.entry = append(pl.entry, provider.Field{Key: key, Value: v}) }
	paramsChanged := false
	for _, f := range e.fields {
		if !f.visible() || f.key == "client_secret" || f.value() == f.initial {
			continue
		}
		if strings.HasPrefix(f.key, "params.") {
			paramsChanged = true
			continue
		}
		if f.value() == "" {
			add(f.key, provider.Unset())
		} else {
			add(f.key, fieldValue(f))
		}
	}
	if paramsChanged {
		params := map[string]string{}
		if old, ok := e.raw["params"].(map[string]any); ok {
			for k, v := range old {
				params[k] = text(v)
			}
		}
		for _, pp := range e.preset.Params {
			if v := e.byKey["params."+pp.Name].value(); v != "" {
				params[pp.Name] = v
			} else {
				delete(params, pp.Name)
			}
		}
		if len(params) > 0 {
			add("params", provider.Table(params))
		} else {
			add("params", provider.Unset())
		}
	}
	if pl.secret != "" {
		add("client_secret", provider.Unset())
		add("client_secret_in_keychain", provider.Bool(true))
	}
	pl.moveSecret = pl.id != pl.oldID && e.orig.ClientSecretInKeychain && pl.secret == ""
	return pl
}

// fieldValue is a field's value as providers.toml holds it.
func fieldValue(f *formField) provider.Value {
	if f.key == "scopes" {
		return provider.List(strings.Fields(strings.ReplaceAll(f.value(), ",", " "))...)
	}
	return provider.Text(f.value())
}

// saveTapped writes the form off the UI goroutine (the file, then the
// keychain), reads the config again and shows the provider; an error
// stays in the form, in words.
func (e *editor) saveTapped() {
	if e.saving {
		return
	}
	pl := e.plan()
	e.saving = true
	e.save.Disable()
	e.cancel.Disable()
	e.activity.Show()
	e.activity.Start()
	e.say(widget.MediumImportance, lang.L("Saving…"))
	w := e.w
	w.afterEdit(evSaved, pl.path, pl.id, func() error { return w.commit(pl) }, func(err error, cfg *provider.Config) {
		e.saving = false
		e.activity.Stop()
		e.activity.Hide()
		e.cancel.Enable()
		if err != nil {
			e.say(widget.DangerImportance, auth.Describe(err, auth.Window))
			e.changed()
			return
		}
		e.close()
		w.sayProblems(cfg, pl.id)
	})
}

// commit writes pl: the keychain first for a typed secret (so the file
// never says it is there before it is), then the file. A new entry whose
// file write fails takes its secret out of the keychain again.
func (w *window) commit(pl savePlan) error {
	if pl.moveSecret {
		p, err := w.svc.Provider(pl.oldID)
		if err != nil {
			return err
		}
		pl.secret = p.ClientSecret
	}
	if pl.secret != "" {
		if err := w.svc.SaveClientSecret(pl.id, pl.secret); err != nil {
			return err
		}
	}
	var err error
	if pl.oldID == "" {
		err = provider.Add(pl.path, pl.entry)
		if err != nil && pl.secret != "" {
			_ = w.svc.DeleteClientSecret(pl.id)
		}
		return err
	}
	if len(pl.entry) > 0 {
		err = provider.Update(pl.path, pl.oldID, pl.entry)
	}
	if err == nil && pl.id != pl.oldID && (pl.moveSecret || pl.secret != "") {
		_ = w.svc.DeleteClientSecret(pl.oldID) // the secret moved with the id
	}
	return err
}

// sayProblems tells, after a save, what keeps provider id from being
// used, when the config read again has problems for it.
func (w *window) sayProblems(cfg *provider.Config, id string) {
	probs := cfg.ProblemsFor(id)
	if len(probs) == 0 {
		return
	}
	lines := []string{lang.X("editor.saved.problems", "Latchkey saved the entry, but cannot use it until these are fixed in {{.Path}}:", map[string]any{"Path": cfg.Path})}
	for _, p := range probs {
		lines = append(lines, "• "+p.Short())
	}
	w.showError(lang.X("editor.saved.unusable", "Saved, but {{.ID}} cannot be used yet", map[string]any{"ID": id}), strings.Join(lines, "\n"))
}

// moveSecretToKeychain does what `latchkey providers secret ID` does for
// a client secret written in the file: keeps it in the keychain, then
// rewrites the entry to say client_secret_in_keychain = true, without it.
func (e *editor) moveSecretToKeychain() {
	w, id, secret := e.w, e.orig.ID, e.secretInFile
	e.moveSecret.Disable()
	e.secretNote.SetText(lang.L("Moving the client secret to your keychain…"))
	w.afterEdit(evSecretMoved, w.cfg.Path, id, func() error {
		if err := w.svc.SaveClientSecret(id, secret); err != nil {
			return err
		}
		return provider.Update(w.svcPath(), id, provider.Entry{
			{Key: "client_secret", Value: provider.Unset()},
			{Key: "client_secret_in_keychain", Value: provider.Bool(true)},
		})
	}, func(err error, _ *provider.Config) {
		if err != nil {
			e.secretNote.SetText(auth.Describe(err, auth.Window))
			e.moveSecret.Enable()
			return
		}
		e.secretInFile = ""
		e.hasSecret = true
		e.secretNote.SetText(lang.L("The client secret is now kept in your keychain; providers.toml no longer holds it."))
		e.moveSecret.Hide()
		e.changed()
	})
}

// svcPath is the config file's path as the Service has it; safe off the
// UI goroutine.
func (w *window) svcPath() string { return w.svc.Config().Path }

// progressNote shows a dialog saying msg while background work runs;
// hide closes it.
func (w *window) progressNote(title, msg string) (hide func()) {
	act := widget.NewActivity()
	d := dialog.NewCustomWithoutButtons(title, container.NewBorder(nil, nil, act, nil, wrapped(msg)), w.win)
	d.Resize(dialogSize(d, w.win))
	d.Show()
	act.Start()
	return func() {
		act.Stop()
		d.Hide()
	}
}

// editCtx is the context of one editor operation's Service calls.
func editCtx() (context.Context, context.CancelFunc) { return background() }
