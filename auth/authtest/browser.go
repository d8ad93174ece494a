package authtest

import (
	"errors"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// Page is what the fake browser ended up showing after following every
// redirect from an opened URL.
type Page struct {
	Opened string // the URL it was asked to open
	Final  string // the last URL it fetched
	Status int
	Header http.Header
	Body   string
	Err    error
}

// Browser is a fake system browser: Open performs the GET a person's
// browser would, following redirects (to the provider's authorization
// endpoint, then to the loopback listener), and reports the page it ends on.
// It implements browser.Opener. Set Fail to make Open fail as a closed or
// missing browser does. Safe for concurrent use.
type Browser struct {
	Fail  error // when set, Open returns it and fetches nothing
	Visit bool  // perform the GETs; false records the URL only
	pages chan Page
	opens atomic.Int32
}

// Opens reports how many times Open was called.
func (b *Browser) Opens() int { return int(b.opens.Load()) }

// NewBrowser returns a Browser that visits what it is asked to open.
func NewBrowser() *Browser {
	return &Browser{Visit: true, pages: make(chan Page, 16)}
}

// Open implements browser.Opener. The fetch happens in the background, as a
// real browser is a separate process.
func (b *Browser) Open(u string) error {
	b.opens.Add(1)
	if b.Fail != nil {
		return b.Fail
	}
	if !b.Visit {
		b.pages <- Page{Opened: u}
		return nil
	}
	go func() { b.pages <- Fetch(u) }()
	return nil
}

// Fetch GETs u as a browser would, following redirects.
func Fetch(u string) Page {
	p := Page{Opened: u}
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(u)
	if err != nil {
		p.Err = err
		return p
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	p.Final, p.Status, p.Header, p.Body = resp.Request.URL.String(), resp.StatusCode, resp.Header, string(body)
	return p
}

// Next waits (at most 10 s) for the next page the browser was asked to
// open, failing the test on timeout.
func (b *Browser) Next(t testing.TB) Page {
	t.Helper()
	select {
	case p := <-b.pages:
		return p
	case <-time.After(10 * time.Second):
		t.Fatal("the browser was not asked to open anything within 10s")
		return Page{}
	}
}

// ErrClosed is a browser failure like the one a missing xdg-open gives.
var ErrClosed = errors.New("no browser could be started")
