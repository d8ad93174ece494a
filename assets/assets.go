// Package assets holds Latchkey's embedded files: the app icon and the pages
// the browser shows after the RFC 8252 loopback redirect.
//
// The pages are self-contained: inline CSS, the icon as a data: URL, no
// scripts and no third-party resources, so showing them leaks nothing (in
// particular not the callback URL, which holds the authorization code) to
// anyone but the browser itself.
package assets

import (
	"bytes"
	_ "embed"
	"encoding/base64"
	"html/template"
	"net/http"
	"strconv"
)

// Icon is the 256x256 PNG app icon.
//
//go:embed icon.png
var Icon []byte

var (
	//go:embed success.html
	successHTML string
	//go:embed failure.html
	failureHTML string

	successPage = template.Must(template.New("success.html").Parse(successHTML))
	failurePage = template.Must(template.New("failure.html").Parse(failureHTML))

	// iconURL is Icon as a data: URL, allowed by the pages' CSP (img-src data:).
	iconURL = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(Icon))
)

// ContentSecurityPolicy is the Content-Security-Policy sent with both pages:
// nothing may load except inline styles and data: images.
const ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

// pageData is what the page templates see.
type pageData struct {
	Icon    template.URL
	Message string
}

// WriteSuccess writes the success page ("Signed in — you can close this tab
// and return to Latchkey") with status 200 OK and the headers described at
// writePage.
func WriteSuccess(w http.ResponseWriter) {
	writePage(w, http.StatusOK, successPage, pageData{Icon: iconURL})
}

// WriteFailure writes the failure page with the given HTTP status (for
// example 400 Bad Request) and the headers described at writePage. message is
// shown to the person, HTML-escaped; callers pass text meant for people and
// never a secret (the page may stay in the browser's history). An empty
// message shows only the advice to return to Latchkey.
func WriteFailure(w http.ResponseWriter, status int, message string) {
	writePage(w, status, failurePage, pageData{Icon: iconURL, Message: message})
}

// writePage renders t in full before writing anything, so a template error
// never leaves half a page, then sends it with Content-Length and these
// headers: Content-Type text/html; charset=utf-8, Referrer-Policy no-referrer,
// Cache-Control no-store, X-Content-Type-Options nosniff and
// Content-Security-Policy ContentSecurityPolicy.
func writePage(w http.ResponseWriter, status int, t *template.Template, data pageData) {
	var body bytes.Buffer
	h := w.Header()
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	if err := t.Execute(&body, data); err != nil {
		// The templates are fixed and tested; this is a programming error.
		http.Error(w, "Latchkey could not show this page; return to Latchkey.", http.StatusInternalServerError)
		return
	}
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", ContentSecurityPolicy)
	h.Set("Content-Length", strconv.Itoa(body.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(body.Bytes())
}
