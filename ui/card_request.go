package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latchkey/assets/lang"
	"latchkey/auth"
	"latchkey/auth/safetext"
)

// The request card's background results.
const (
	evRequestURL    event = "request-url"    // a request card's default URL is known (or is not)
	evRequest       event = "request"        // a Send ended, whatever the outcome
	evRequestCopied event = "request-copied" // a Copy as curl ended, whatever the outcome
)

// requestTimeout bounds one Send (the Service's HTTP client has its own
// timeout per try); Cancel ends it sooner.
const requestTimeout = 5 * time.Minute

// maxShownBody is how much of an answer's body the card shows.
const maxShownBody = 64 << 10

// requestMethods are the methods the card offers.
var requestMethods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodHead, http.MethodOptions}

// maskedCredential stands in for the credential in a copied curl command
// until the person presses Reveal.
const maskedCredential = "••••"

// requests is the window's "Try a request" cards: each provider's last
// request (what was typed, and the answer), by provider id, kept while the
// app runs and never written anywhere. Every field is touched only on
// Fyne's goroutine, except svc.
type requests struct {
	svc   *auth.Service
	apply func(event, func()) // window.apply
	clip  func(string)        // window.setClipboard
	byID  map[string]*requestState
	shown *requestCard // the card the panel shows, if any
}

// requestActions is the window's requests, for the detail panel.
func (w *window) requestActions() *requests {
	return &requests{svc: w.svc, apply: w.apply, clip: w.setClipboard, byID: map[string]*requestState{}}
}

// requestState is one provider's request card, whatever widgets show it.
type requestState struct {
	open                      bool // the form shows
	method, url, header, body string
	urlAsked                  bool               // the default URL was asked for
	running                   bool               // a Send is under way
	cancel                    context.CancelFunc // ends the Send under way
	sending                   string             // "GET https://host/path", while running
	result                    *requestResult     // the last answer, or why there is none
	flash                     string             // what Copy as curl did
	flashWarn                 bool
}

// requestResult is what the card shows of one Send.
type requestResult struct {
	err     string // in words; "" when there is an answer
	status  string // "HTTP 200 OK · 12 ms"
	ok      bool   // 2xx
	hint    string // for another status: what it means, in words
	headers string // "Name: value" lines
	body    string // pretty, cut to maxShownBody
}

// state returns provider id's state, new when there is none yet.
func (r *requests) state(id string) *requestState {
	s := r.byID[id]
	if s == nil {
		s = &requestState{method: http.MethodGet}
		r.byID[id] = s
	}
	return s
}

// card is the "Try a request" card of provider i, whose status is st, or
// nil when its requests cannot be authorised (or r is nil). revealed says
// whether the person pressed Reveal (a copied curl then holds the
// credential in full).
func (r *requests) card(i int, st auth.Status, revealed func() bool) fyne.CanvasObject {
	if r == nil || st.Account == nil || st.Can.Request == "" {
		return nil
	}
	c := newRequestCard(r, st, revealed)
	r.shown = c
	return c.object
}

// update shows provider id's state again, when its card is the one shown.
func (r *requests) update(id string) {
	if r.shown != nil && r.shown.id == id {
		r.shown.render()
	}
}

// requestCard is the view of one provider's requestState.
type requestCard struct {
	r        *requests
	id, name string
	can      auth.Capabilities
	s        *requestState
	revealed func() bool

	object   fyne.CanvasObject
	openBtn  *button
	form     *fyne.Container
	method   *selectBox
	url      *textEntry
	header   *textEntry
	body     *textEntry
	send     *button
	cancel   *button
	progress *widget.Label
	flash    *widget.Label
	result   *fyne.Container
}

func newRequestCard(r *requests, st auth.Status, revealed func() bool) *requestCard {
	p := st.Provider
	c := &requestCard{r: r, id: p.ID, name: p.DisplayName(), can: st.Can, s: r.state(p.ID), revealed: revealed}
	s := c.s
	title := &widget.Label{Text: lang.L("Try a request"), TextStyle: fyne.TextStyle{Bold: true}}
	note := quiet(lang.X("request.note", "Send a request to {{.Provider}} with this account's credentials, and see the answer. Latchkey sends them only to {{.Provider}}'s own hosts.", map[string]any{"Provider": c.name}))
	note.Truncation, note.Wrapping = fyne.TextTruncateOff, fyne.TextWrapWord
	c.openBtn = newButton(&widget.Button{Text: lang.L("Try a request…"), Icon: theme.MailSendIcon(), OnTapped: c.open})

	c.method = newSelect(requestMethods, nil)
	c.method.SetSelected(s.method)
	c.method.OnChanged = func(m string) { s.method = m }
	c.url = newEntry(&widget.Entry{Text: s.url, PlaceHolder: lang.L("https://… or a path under api_base_url")})
	c.url.OnChanged = func(v string) { s.url = v }
	c.header = newEntry(&widget.Entry{Text: s.header, MultiLine: true, Wrapping: fyne.TextWrapBreak, PlaceHolder: lang.L("Headers (optional), one a line: Name: value")})
	c.header.SetMinRowsVisible(2)
	c.header.OnChanged = func(v string) { s.header = v }
	c.body = newEntry(&widget.Entry{Text: s.body, MultiLine: true, Wrapping: fyne.TextWrapBreak, PlaceHolder: lang.L("Body (optional)")})
	c.body.SetMinRowsVisible(3)
	c.body.OnChanged = func(v string) { s.body = v }

	c.send = newButton(&widget.Button{Text: lang.L("Send"), Icon: theme.MailSendIcon(), Importance: widget.HighImportance, OnTapped: c.start})
	c.cancel = newButton(&widget.Button{Text: lang.L("Cancel"), Icon: theme.CancelIcon(), OnTapped: c.stop})
	curl := newButton(&widget.Button{Text: lang.L("Copy as curl"), Icon: theme.ContentCopyIcon(), OnTapped: c.copyCurl})
	closeBtn := newButton(&widget.Button{Text: lang.L("Close"), Importance: widget.LowImportance, OnTapped: c.close})
	c.progress = &widget.Label{Truncation: fyne.TextTruncateEllipsis}
	c.flash = &widget.Label{Wrapping: fyne.TextWrapWord}
	c.result = container.NewVBox()

	c.form = container.NewVBox(
		container.NewBorder(nil, nil, c.method, nil, c.url),
		c.header, c.body,
		container.NewHBox(c.send, c.cancel, curl, layout.NewSpacer(), closeBtn),
		c.progress, c.flash, c.result,
	)
	c.object = widget.NewCard("", "", container.NewVBox(tight(title, note), container.NewHBox(c.openBtn), c.form))
	c.render()
	if s.open {
		c.askURL()
	}
	return c
}

// render shows the state: the form or the button that opens it, the Send
// under way, the last answer and what Copy as curl did.
func (c *requestCard) render() {
	s := c.s
	if !s.open {
		c.openBtn.Show()
		c.form.Hide()
		return
	}
	c.openBtn.Hide()
	c.form.Show()
	if c.url.Text != s.url {
		c.url.SetText(s.url)
	}
	if s.running {
		c.send.Disable()
		c.send.SetText(lang.L("Sending…"))
		c.cancel.Show()
		c.progress.SetText(lang.X("request.sending", "Sending {{.Request}}… {{.Button}} stops waiting for the answer.", map[string]any{"Request": s.sending, "Button": lang.L("Cancel")}))
		c.progress.Show()
	} else {
		c.send.Enable()
		c.send.SetText(lang.L("Send"))
		c.cancel.Hide()
		c.progress.Hide()
	}
	c.flash.Importance = widget.SuccessImportance
	if s.flashWarn {
		c.flash.Importance = widget.WarningImportance
	}
	c.flash.SetText(s.flash)
	c.flash.Hidden = s.flash == ""
	c.flash.Refresh()
	c.result.Objects = resultObjects(s.result)
	c.result.Refresh()
}

// resultObjects are the widgets that show res (nothing when nil).
func resultObjects(res *requestResult) []fyne.CanvasObject {
	if res == nil {
		return nil
	}
	if res.err != "" {
		return []fyne.CanvasObject{&widget.Label{Text: res.err, Wrapping: fyne.TextWrapWord, Importance: widget.WarningImportance, Selectable: true}}
	}
	imp := widget.SuccessImportance
	if !res.ok {
		imp = widget.WarningImportance
	}
	objs := []fyne.CanvasObject{widget.NewSeparator(), &widget.Label{Text: res.status, TextStyle: fyne.TextStyle{Bold: true}, Importance: imp}}
	if res.hint != "" {
		objs = append(objs, &widget.Label{Text: res.hint, Wrapping: fyne.TextWrapWord, Selectable: true})
	}
	mono := func(s string) *widget.Label {
		return &widget.Label{Text: s, TextStyle: fyne.TextStyle{Monospace: true}, Wrapping: fyne.TextWrapBreak, Selectable: true}
	}
	if res.headers != "" {
		objs = append(objs, fieldName(lang.L("Response headers")), mono(res.headers))
	}
	return append(objs, fieldName(lang.L("Body")), mono(res.body))
}

// open shows the form, with the default URL when nothing is typed yet.
func (c *requestCard) open() {
	c.s.open = true
	c.render()
	c.askURL()
}

// close hides the form; what was typed stays.
func (c *requestCard) close() {
	c.s.open = false
	c.render()
}

// askURL fills the URL with the provider's default (DefaultRequestURL),
// once, off the UI goroutine: for OpenID Connect it may come from
// discovery.
func (c *requestCard) askURL() {
	s := c.s
	if s.urlAsked || s.url != "" {
		return
	}
	s.urlAsked = true
	r, id := c.r, c.id
	go func() {
		ctx, cancel := background()
		defer cancel()
		u, err := r.svc.DefaultRequestURL(ctx, id)
		r.apply(evRequestURL, func() {
			if err == nil && s.url == "" {
				s.url = u
				r.update(id)
			}
		})
	}()
}

// draft is one request as the form gives it, checked.
type draft struct {
	method, url string
	header      [][2]string // in the order typed; Authorization left out
	body        []byte
}

// draft reads the form, or says in words what is wrong with it.
func (s *requestState) draft() (draft, string) {
	d := draft{method: s.method, url: strings.TrimSpace(s.url)}
	if d.method == "" {
		d.method = http.MethodGet
	}
	if d.url == "" {
		return d, lang.L("Enter the URL to send the request to (https://…, or a path under the provider's api_base_url).")
	}
	hasType := false
	for n, line := range strings.Split(s.header, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || !isHeaderName(k) {
			return d, lang.X("request.badheader", "Line {{.N}} of the headers ({{.Line}}) is not a header: write each as Name: value, one a line.", map[string]any{"N": n + 1, "Line": strconv.Quote(safetext.Line(line, 80))})
		}
		if strings.EqualFold(k, "Authorization") {
			continue // Latchkey authorises the request itself
		}
		hasType = hasType || strings.EqualFold(k, "Content-Type")
		d.header = append(d.header, [2]string{k, v})
	}
	if s.body != "" {
		d.body = []byte(s.body)
		if !hasType && json.Valid(d.body) {
			d.header = append(d.header, [2]string{"Content-Type", "application/json"})
		}
	}
	return d, ""
}

// isHeaderName reports whether k is a field name (a token, RFC 9110 §5.1).
func isHeaderName(k string) bool {
	if k == "" {
		return false
	}
	for _, r := range k {
		if r > 0x7e || r <= ' ' || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r) {
			return false
		}
	}
	return true
}

// start is Send: the request goes off the UI goroutine (Service.Do), and
// Cancel ends it.
func (c *requestCard) start() {
	s, r, id := c.s, c.r, c.id
	if s.running {
		return
	}
	d, problem := s.draft()
	s.flash = ""
	if problem != "" {
		s.result = &requestResult{err: problem}
		c.render()
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
	s.running, s.cancel, s.result = true, cancel, nil
	s.sending = d.method + " " + shortURL(d.url)
	c.render()
	go func() {
		defer cancel()
		res := send(ctx, r.svc, id, d)
		r.apply(evRequest, func() {
			s.running, s.cancel, s.result = false, nil, res
			r.update(id)
		})
	}()
}

// stop is Cancel: the Send under way stops waiting.
func (c *requestCard) stop() {
	if c.s.cancel != nil {
		c.s.cancel()
	}
}

// send sends d for provider id and describes the answer.
func send(ctx context.Context, svc *auth.Service, id string, d draft) *requestResult {
	u, err := svc.APIURL(id, d.url)
	if err != nil {
		return &requestResult{err: lang.X("request.notsent", "Nothing was sent: {{.Words}}.", map[string]any{"Words": auth.Describe(err, auth.Window)})}
	}
	var rd io.Reader
	if d.body != nil {
		rd = bytes.NewReader(d.body)
	}
	req, err := http.NewRequestWithContext(ctx, d.method, u.String(), rd)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return &requestResult{err: lang.X("request.badurl", "Nothing was sent: {{.URL}} is not a URL Latchkey can send a request to; enter an https:// URL.", map[string]any{"URL": safetext.Line(d.url, 200)})}
	}
	for _, h := range d.header {
		req.Header.Add(h[0], h[1])
	}
	start := time.Now()
	resp, err := svc.Do(ctx, id, req, auth.RequestOptions{})
	took := time.Since(start)
	if err != nil {
		switch {
		case errors.Is(ctx.Err(), context.Canceled):
			return &requestResult{err: lang.L("Cancelled: Latchkey stopped waiting for the answer (the API may still have received the request).")}
		case errors.Is(ctx.Err(), context.DeadlineExceeded):
			return &requestResult{err: lang.X("request.timeout", "No answer within {{.Timeout}}: Latchkey stopped waiting. Try again later.", map[string]any{"Timeout": requestTimeout.String()})}
		}
		msg := auth.Describe(err, auth.Window)
		if msg == "" {
			msg = lang.L("the request did not complete")
		}
		return &requestResult{err: lang.X("request.noanswer", "No answer: {{.Words}}.", map[string]any{"Words": msg})}
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body) // in memory already (Do)
	res := &requestResult{
		status:  "HTTP " + safetext.Line(resp.Status, 100) + " · " + tookText(took),
		ok:      resp.StatusCode >= 200 && resp.StatusCode <= 299,
		headers: headerText(resp.Header),
		body:    bodyText(resp.Header.Get("Content-Type"), data),
	}
	if err := svc.StatusError(id, req, resp, data); err != nil {
		res.hint = auth.Describe(err, auth.Window) + "."
	}
	return res
}

// tookText is how long a request took, for people.
func tookText(d time.Duration) string {
	if d < time.Second {
		return lang.X("request.ms", "{{.N}} ms", map[string]any{"N": d.Milliseconds()})
	}
	return lang.X("request.s", "{{.N}} s", map[string]any{"N": fmt.Sprintf("%.1f", d.Seconds())})
}

// shortURL is raw without its query and fragment, made safe to show.
func shortURL(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return safetext.Line(u.Scheme+"://"+u.Host+u.Path, 200)
	}
	return safetext.Line(raw, 200)
}

// headerText is h as "Name: value" lines, sorted by name, made safe to
// show.
func headerText(h http.Header) string {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	slices.Sort(names)
	var b strings.Builder
	for _, k := range names {
		for _, v := range h[k] {
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(safetext.Line(k+": "+v, 2000))
		}
	}
	return b.String()
}

// bodyText is an answer's body as the card shows it: JSON indented, text
// as it is (control characters made safe), binary data only by its size;
// at most maxShownBody bytes of it, and how many more were not shown.
func bodyText(contentType string, data []byte) string {
	if len(data) == 0 {
		return lang.L("(empty)")
	}
	var pretty bytes.Buffer
	if json.Indent(&pretty, data, "", "  ") == nil {
		data = pretty.Bytes()
	} else if !utf8.Valid(data) {
		mt, _, _ := mime.ParseMediaType(contentType)
		if mt == "" {
			mt = lang.L("no type given")
		}
		return lang.X("request.binary", "{{.N}} bytes of binary data ({{.Type}}), not shown.", map[string]any{"N": len(data), "Type": safetext.Line(mt, 100)})
	}
	shown := data
	if len(shown) > maxShownBody {
		cut := maxShownBody
		for cut > 0 && !utf8.RuneStart(shown[cut]) {
			cut--
		}
		shown = shown[:cut]
	}
	var b strings.Builder
	for _, r := range string(shown) {
		if r != '\n' && r != '\t' && safetext.Unsafe(r) {
			r = '\uFFFD'
		}
		b.WriteRune(r)
	}
	if more := len(data) - len(shown); more > 0 {
		b.WriteString("\n" + lang.X("request.more", "… {{.N}} more bytes not shown", map[string]any{"N": more}))
	}
	return b.String()
}

// copyCurl is Copy as curl: a curl command line for exactly the request
// the form describes, with the credential masked unless the person
// pressed Reveal. The credential is Service.Token's (the Authorization
// header) or, for OAuth 1.0a, Service.Sign's signature of that very
// request; both go only to the provider's own hosts, as with Send.
func (c *requestCard) copyCurl() {
	s, r, id, can := c.s, c.r, c.id, c.can
	d, problem := s.draft()
	if problem != "" {
		s.flash, s.flashWarn = lang.X("request.notcopied", "Nothing was copied: {{.Problem}}", map[string]any{"Problem": problem}), true
		c.render()
		return
	}
	reveal := c.revealed != nil && c.revealed()
	go func() {
		ctx, cancel := background()
		defer cancel()
		cmd, note, err := curlFor(ctx, r.svc, id, can, d, reveal)
		r.apply(evRequestCopied, func() {
			switch {
			case err != nil:
				s.flash, s.flashWarn = lang.X("request.notcopied.err", "Nothing was copied: {{.Words}}.", map[string]any{"Words": auth.Describe(err, auth.Window)}), true
			default:
				r.clip(cmd)
				s.flash, s.flashWarn = lang.X("request.copied.masked", "Copied the request as a curl command, the credential masked: press {{.Button}} above to copy it in full.", map[string]any{"Button": lang.L("Reveal")})+note, false
				if reveal {
					s.flash = lang.L("Copied the request as a curl command, with the credential in full: keep it to yourself.") + note
				}
			}
			r.update(id)
		})
	}()
}

// curlFor builds the curl command line for d, sent as provider id (whose
// capabilities are can), its credential in full when reveal is set.
func curlFor(ctx context.Context, svc *auth.Service, id string, can auth.Capabilities, d draft, reveal bool) (cmd, note string, err error) {
	u, err := svc.APIURL(id, d.url)
	if err != nil {
		return "", "", err
	}
	var authz string // the Authorization header line
	if can.Request == auth.AuthSignature {
		h, err := svc.Sign(ctx, id, d.method, u.String(), auth.RequestOptions{})
		if err != nil {
			return "", "", err
		}
		authz = "Authorization: " + h
		if !reveal {
			authz = "Authorization: OAuth " + maskedCredential
		}
		if len(d.body) > 0 {
			note = lang.X("request.signaturenote", " The signature covers the method and URL, not the body.")
		}
	} else {
		if err := svc.CheckRequestURL(ctx, id, u.String(), auth.RequestOptions{}); err != nil {
			return "", "", err
		}
		a, err := svc.Token(ctx, id)
		if err != nil {
			return "", "", err
		}
		authz = a.Credential(auth.CredAuthorization)
		if !reveal {
			scheme, _, _ := strings.Cut(strings.TrimPrefix(authz, "Authorization: "), " ")
			authz = "Authorization: " + scheme + " " + maskedCredential
		}
	}
	return curlCommand(d, u.String(), authz), note, nil
}

// curlCommand is curl's command line for d to rawURL with the
// Authorization line authz, each argument quoted for a POSIX shell.
func curlCommand(d draft, rawURL, authz string) string {
	args := []string{"curl"}
	switch d.method {
	case http.MethodGet:
	case http.MethodHead:
		args = append(args, "--head")
	default:
		args = append(args, "-X", d.method)
	}
	args = append(args, shellQuote(rawURL), "-H", shellQuote(authz))
	for _, h := range d.header {
		args = append(args, "-H", shellQuote(h[0]+": "+h[1]))
	}
	if len(d.body) > 0 {
		args = append(args, "--data-binary", shellQuote(string(d.body)))
	}
	return strings.Join(args, " ")
}

// shellQuote quotes s for a POSIX shell: in single quotes, each ' as '\”.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// revealed reports whether the person pressed Reveal on the token card.
func (d *detail) revealed() bool { return d.token != nil && d.token.revealed }
