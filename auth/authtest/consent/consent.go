// Package consent is a stand-in for a person at a browser on the demo
// provider's pages (auth/demo): it opens a sign-in URL, follows the
// redirects to the consent page (or the device sign-in's page), checks
// that it is labelled as the demo, presses Allow or Deny, and follows the
// answer to Latchkey's loopback listener. Standard library only, so the
// smoke run's BROWSER (auth/authtest/allowbrowser) builds small.
package consent

import (
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// The buttons.
const (
	Allow = "allow"
	Deny  = "deny"
)

// DemoLabel is what every demo page says.
const DemoLabel = "Latchkey demo — not a real account"

// Result is where a visit ended.
type Result struct {
	Consent  string // the consent page's text, as first shown
	Final    string // the URL of the last page
	Body     string // the last page
	Verifier string // an OAuth 1.0a "oob" verifier shown on it, if any
	Err      error
}

// Browser is a browser.Opener that presses Action on each sign-in it is
// asked to open, in the background; each visit's Result arrives on
// Results.
type Browser struct {
	Action  string
	Results chan Result
}

// NewBrowser returns a Browser pressing action.
func NewBrowser(action string) *Browser {
	return &Browser{Action: action, Results: make(chan Result, 8)}
}

// Open visits u in the background.
func (b *Browser) Open(u string) error {
	go func() { b.Results <- Visit(u, b.Action) }()
	return nil
}

// Next waits up to 20 s for the next visit to end.
func (b *Browser) Next() (Result, error) {
	select {
	case r := <-b.Results:
		return r, r.Err
	case <-time.After(20 * time.Second):
		return Result{}, errors.New("the browser stand-in did not finish within 20s")
	}
}

var (
	formRE   = regexp.MustCompile(`(?s)<form method="post" action="([^"]*)">(.*?)</form>`)
	hiddenRE = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
	codeRE   = regexp.MustCompile(`<code id="oauth_verifier">([^<]*)</code>`)
)

// Visit opens u, presses action on the demo page it leads to, and returns
// where that ended.
func Visit(u, action string) Result {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Timeout: 15 * time.Second, Jar: jar}
	page, at, err := fetch(c, c.Get, u)
	if err != nil {
		return Result{Err: err}
	}
	if !strings.Contains(page, DemoLabel) {
		return Result{Err: fmt.Errorf("the page at %s is not labelled as the demo", at), Body: page}
	}
	m := formRE.FindStringSubmatch(page)
	if m == nil {
		return Result{Err: fmt.Errorf("no consent form on the page at %s", at), Body: page}
	}
	to, err := at.Parse(html.UnescapeString(m[1]))
	if err != nil {
		return Result{Err: err}
	}
	form := url.Values{"action": {action}}
	for _, h := range hiddenRE.FindAllStringSubmatch(m[2], -1) {
		form.Set(html.UnescapeString(h[1]), html.UnescapeString(h[2]))
	}
	r := Result{Consent: page}
	r.Body, at, r.Err = fetch(c, func(string) (*http.Response, error) { return c.PostForm(to.String(), form) }, to.String())
	if at != nil {
		r.Final = at.String()
	}
	if v := codeRE.FindStringSubmatch(r.Body); v != nil {
		r.Verifier = html.UnescapeString(v[1])
	}
	return r
}

func fetch(c *http.Client, do func(string) (*http.Response, error), u string) (string, *url.URL, error) {
	resp, err := do(u)
	if err != nil {
		return "", nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return string(b), resp.Request.URL, err
}
