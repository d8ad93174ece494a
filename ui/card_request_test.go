package ui

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2/test"

	"latchkey/auth/authtest"
)

// apiCall is one request the test API received.
type apiCall struct {
	method, path, accept, contentType, body string
	bearer                                  bool // the fosite server's valid access token
}

// requestWorld is a signed-in window whose provider "idp" (on the fosite
// server) has an API on 127.0.0.1 as its api_base_url. The API answers
// /things with JSON when the bearer is the account's token (401
// otherwise), and holds /slow until released or cancelled.
type requestWorld struct {
	*harness
	idp *authtest.OAuth2
	api *httptest.Server

	mu    sync.Mutex
	calls []apiCall

	slowArrived chan struct{} // closed when /slow has a request
	slowEnded   chan struct{} // closed when that request's context ended
	release     chan struct{} // closed to let /slow answer
}

func newRequestWorld(t *testing.T, extraTOML string) *requestWorld {
	t.Helper()
	rw := &requestWorld{idp: authtest.NewOAuth2(t), slowArrived: make(chan struct{}), slowEnded: make(chan struct{}), release: make(chan struct{})}
	var slowOnce sync.Once
	rw.api = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		call := apiCall{method: r.Method, path: r.URL.Path, accept: r.Header.Get("Accept"), contentType: r.Header.Get("Content-Type"), body: string(body), bearer: rw.idp.BearerValid(r)}
		rw.mu.Lock()
		rw.calls = append(rw.calls, call)
		rw.mu.Unlock()
		if !call.bearer {
			http.Error(w, `{"message":"Bad credentials"}`, http.StatusUnauthorized)
			return
		}
		switch r.URL.Path {
		case "/things":
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Request-Id", "req-1")
			fmt.Fprint(w, `{"id":7,"names":["a","b"]}`)
		case "/slow":
			slowOnce.Do(func() { close(rw.slowArrived) })
			select {
			case <-rw.release:
				fmt.Fprint(w, "late")
			case <-r.Context().Done():
				close(rw.slowEnded)
			}
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(rw.api.Close)
	var once sync.Once
	t.Cleanup(func() { once.Do(func() { close(rw.release) }) })
	toml := rw.idp.ProviderTOML("idp", "Test IdP", authtest.PublicClientID, "none", fmt.Sprintf("api_base_url = %q", rw.api.URL)) + extraTOML
	rw.harness = newHarness(t, setup{toml: toml}).start()
	rw.signIn(0, true)
	return rw
}

// callsTo are the requests the API received for path.
func (rw *requestWorld) callsTo(path string) []apiCall {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	var out []apiCall
	for _, c := range rw.calls {
		if c.path == path {
			out = append(out, c)
		}
	}
	return out
}

// openCard opens the Try a request card and waits for its default URL.
func (rw *requestWorld) openCard() *requestCard {
	rw.t.Helper()
	test.Tap(rw.button(rw.w.win.Content(), "Try a request…"))
	rw.wait(evRequestURL)
	return rw.card()
}

// card is the request card the panel shows.
func (rw *requestWorld) card() *requestCard {
	rw.t.Helper()
	c := rw.w.detail.act.request.shown
	if c == nil {
		rw.t.Fatalf("no request card; the screen says: %s", rw.screen())
	}
	return c
}

// cardText is the text of the request card.
func (rw *requestWorld) cardText() string { return textOf(rw.card().object) }

func TestRequestCardSend(t *testing.T) {
	rw := newRequestWorld(t, "")
	c := rw.openCard()
	if got := c.url.Text; got != rw.idp.UserinfoURL() {
		t.Errorf("the URL is prefilled with %q, want the profile URL %q", got, rw.idp.UserinfoURL())
	}
	c.url.SetText("/things")
	c.header.SetText("Accept: application/json\n\n")
	test.Tap(c.send)
	rw.wait(evRequest)

	calls := rw.callsTo("/things")
	if len(calls) != 1 || !calls[0].bearer || calls[0].accept != "application/json" || calls[0].method != http.MethodGet {
		t.Fatalf("the API received %+v, want one GET with the account's bearer and the Accept header", calls)
	}
	text := rw.cardText()
	for _, want := range []string{"HTTP 200 OK · ", "Content-Type: application/json", "X-Request-Id: req-1", "{\n  \"id\": 7,\n  \"names\": [\n    \"a\",\n    \"b\"\n  ]\n}"} {
		if !strings.Contains(text, want) {
			t.Errorf("the card does not show %q: %s", want, text)
		}
	}
	if tok := rw.w.status[0].Account.Token.AccessToken; strings.Contains(rw.screen(), tok) {
		t.Error("the access token is on screen")
	}
}

func TestRequestCardCancel(t *testing.T) {
	rw := newRequestWorld(t, "")
	c := rw.openCard()
	c.url.SetText(rw.api.URL + "/slow?page=2")
	test.Tap(c.send)
	arrived(t, rw.slowArrived, "the request to /slow")
	if text := rw.cardText(); !strings.Contains(text, "Sending GET "+rw.api.URL+"/slow…") || !strings.Contains(text, "[Cancel]") || !c.send.Disabled() {
		t.Errorf("while the request runs the card says: %s", text)
	}
	test.Tap(rw.button(c.object, "Cancel"))
	rw.wait(evRequest)
	if text := rw.cardText(); !strings.Contains(text, "Cancelled: Latchkey stopped waiting for the answer") || strings.Contains(text, "HTTP ") {
		t.Errorf("after Cancel the card says: %s", text)
	}
	arrived(t, rw.slowEnded, "the API seeing the request's context end")
	if c.send.Disabled() || c.cancel.Visible() {
		t.Error("after Cancel, Send is still disabled or Cancel still shows")
	}
}

func TestRequestCardRefusesOtherHosts(t *testing.T) {
	rw := newRequestWorld(t, "")
	c := rw.openCard()
	c.url.SetText("https://elsewhere.example/things")
	test.Tap(c.send)
	rw.wait(evRequest)
	text := rw.cardText()
	for _, want := range []string{"did not send Test IdP's credentials to elsewhere.example", "set api_base_url for Test IdP in providers.toml"} {
		if !strings.Contains(text, want) {
			t.Errorf("the card does not say %q: %s", want, text)
		}
	}
	for _, not := range []string{"--allow-host", "latchkey ", "HTTP "} {
		if strings.Contains(text, not) {
			t.Errorf("the card says %q: %s", not, text)
		}
	}
	// Copy as curl refuses it too: no credential for that host on the clipboard.
	rw.app.Clipboard().SetContent("before")
	test.Tap(rw.button(c.object, "Copy as curl"))
	rw.wait(evRequestCopied)
	if got := rw.app.Clipboard().Content(); got != "before" {
		t.Errorf("Copy as curl for another host put %q on the clipboard", got)
	}
	if text := rw.cardText(); !strings.Contains(text, "Nothing was copied: Latchkey did not send Test IdP's credentials to elsewhere.example") {
		t.Errorf("Copy as curl for another host says: %s", text)
	}
}

func TestRequestCardCopyAsCurl(t *testing.T) {
	rw := newRequestWorld(t, "")
	c := rw.openCard()
	c.method.SetSelected(http.MethodPost)
	c.url.SetText("/things")
	c.header.SetText("Accept: application/json")
	c.body.SetText(`{"note":"it's"}`)
	rw.app.Clipboard().SetContent("before")
	test.Tap(rw.button(c.object, "Copy as curl"))
	rw.wait(evRequestCopied)
	url := rw.api.URL + "/things"
	rest := ` -H 'Accept: application/json' -H 'Content-Type: application/json' --data-binary '{"note":"it'\''s"}'`
	if got, want := rw.app.Clipboard().Content(), "curl -X POST '"+url+"' -H 'Authorization: Bearer ••••'"+rest; got != want {
		t.Errorf("Copy as curl, masked:\n got %s\nwant %s", got, want)
	}
	if text := rw.cardText(); !strings.Contains(text, "the credential masked: press Reveal") {
		t.Errorf("no confirmation of the masked copy: %s", text)
	}

	test.Tap(rw.button(rw.w.win.Content(), "Reveal"))
	test.Tap(rw.button(c.object, "Copy as curl"))
	rw.wait(evRequestCopied)
	tok := rw.w.status[0].Account.Token.AccessToken
	if got, want := rw.app.Clipboard().Content(), "curl -X POST '"+url+"' -H 'Authorization: Bearer "+tok+"'"+rest; got != want || tok == "" {
		t.Errorf("Copy as curl, revealed:\n got %s\nwant %s", got, want)
	}
	if len(rw.callsTo("/things")) != 0 {
		t.Error("Copy as curl sent the request")
	}
}

func TestRequestCardRemembersTheLastRequest(t *testing.T) {
	rw := newRequestWorld(t, workTOML)
	c := rw.openCard()
	c.method.SetSelected(http.MethodPut)
	c.url.SetText("/things")
	c.header.SetText("Accept: application/json")
	c.body.SetText(`{"a":1}`)
	test.Tap(c.send)
	rw.wait(evRequest)
	if calls := rw.callsTo("/things"); len(calls) != 1 || calls[0].method != http.MethodPut || calls[0].body != `{"a":1}` || calls[0].contentType != "application/json" {
		t.Fatalf("the API received %+v", calls)
	}

	rw.w.list.Select(1) // another provider, then back: the panel is rebuilt
	rw.w.list.Select(0)
	again := rw.card()
	if again == c {
		t.Fatal("the panel was not rebuilt")
	}
	if again.method.Selected != http.MethodPut || again.url.Text != "/things" || again.header.Text != "Accept: application/json" || again.body.Text != `{"a":1}` || !again.form.Visible() {
		t.Errorf("after a rebuild the card shows %s %q, headers %q, body %q", again.method.Selected, again.url.Text, again.header.Text, again.body.Text)
	}
	if text := rw.cardText(); !strings.Contains(text, "HTTP 200 OK") || !strings.Contains(text, `"id": 7`) {
		t.Errorf("after a rebuild the card does not show the last answer: %s", text)
	}
}

func TestRequestCardBadHeader(t *testing.T) {
	rw := newRequestWorld(t, "")
	c := rw.openCard()
	c.header.SetText("Accept: application/json\nnot a header")
	test.Tap(c.send)
	if text := rw.cardText(); !strings.Contains(text, `Line 2 of the headers ("not a header") is not a header: write each as Name: value`) {
		t.Errorf("a bad header line says: %s", text)
	}
	if len(rw.callsTo("/userinfo")) != 0 {
		t.Error("a request with a bad header was sent")
	}
}

func TestBodyText(t *testing.T) {
	big, _ := json.Marshal(strings.Repeat("x", maxShownBody+100))
	for _, tc := range []struct {
		name, ct, body, want string
	}{
		{"empty", "", "", "(empty)"},
		{"json", "application/json", `{"a":[1]}`, "{\n  \"a\": [\n    1\n  ]\n}"},
		{"text", "text/plain", "line\tone\n\x1b[2Jtwo", "line\tone\n\uFFFD[2Jtwo"},
		{"binary", "image/png", "\x89PNG\r\n\x1a\n\xff\xfe", "10 bytes of binary data (image/png), not shown."},
	} {
		if got := bodyText(tc.ct, []byte(tc.body)); got != tc.want {
			t.Errorf("%s: bodyText = %q, want %q", tc.name, got, tc.want)
		}
	}
	got := bodyText("application/json", big)
	if !strings.HasSuffix(got, "\n… 102 more bytes not shown") || len(got) > maxShownBody+100 {
		t.Errorf("a large body is not cut: %d bytes, ends %q", len(got), got[len(got)-40:])
	}
}

// TestRequestCardOAuth1: an OAuth 1.0a provider's card sends a signed
// request to its profile URL, and Copy as curl carries the signature of
// that request (Service.Sign), masked until Reveal.
func TestRequestCardOAuth1(t *testing.T) {
	op := authtest.NewOAuth1Provider(t, authtest.OAuth1Options{})
	h := newHarness(t, setup{toml: oauth1TOML(op, "loopback")}).start()
	h.signIn(0, false)
	test.Tap(h.button(h.w.win.Content(), "Try a request…"))
	h.wait(evRequestURL)
	c := h.w.detail.act.request.shown
	if c.url.Text != op.ProfileURL {
		t.Errorf("the URL is prefilled with %q, want %q", c.url.Text, op.ProfileURL)
	}
	test.Tap(c.send)
	h.wait(evRequest)
	if text := textOf(c.object); !strings.Contains(text, "HTTP 200 OK") {
		t.Errorf("a signed request to the profile URL: %s", text)
	}

	test.Tap(h.button(c.object, "Copy as curl"))
	h.wait(evRequestCopied)
	if got, want := h.app.Clipboard().Content(), "curl '"+op.ProfileURL+"' -H 'Authorization: OAuth ••••'"; got != want {
		t.Errorf("Copy as curl, masked:\n got %s\nwant %s", got, want)
	}
	test.Tap(h.button(h.w.win.Content(), "Reveal"))
	test.Tap(h.button(c.object, "Copy as curl"))
	h.wait(evRequestCopied)
	got := h.app.Clipboard().Content()
	if !strings.HasPrefix(got, "curl '"+op.ProfileURL+"' -H 'Authorization: OAuth ") || !strings.Contains(got, "oauth_signature=") || !strings.Contains(got, `oauth_token="`+h.w.status[0].Account.Token.AccessToken+`"`) {
		t.Errorf("Copy as curl, revealed: %s", got)
	}
}
