package demo

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"html/template"
	"net/http"
	"strings"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"latchkey/auth/oauth1/oauth1server"
)

// The pages the person's browser sees: the consent page of the browser
// sign-in and the verification page of the device sign-in. Both are
// labelled as the demo, load nothing from elsewhere, and bind their form
// to the request with an HMAC under a key made at Start (csrf), so only
// the page this server served can decide a request.

// Form field names, shared with the tests.
const (
	fieldID       = "id"
	fieldCSRF     = "csrf"
	fieldAction   = "action"
	fieldUserCode = "user_code"
	actionAllow   = "allow"
	actionDeny    = "deny"
)

var scopeWords = map[string]string{
	oidc.ScopeOpenID:        "confirm who you are (the demo user)",
	oidc.ScopeProfile:       "see the name “" + UserName + "”",
	oidc.ScopeEmail:         "see the address " + UserEmail,
	oidc.ScopeOfflineAccess: "stay signed in (refresh tokens)",
}

type scopeLine struct{ Name, Words string }

func scopeLines(scopes []string) []scopeLine {
	out := make([]scopeLine, 0, len(scopes))
	for _, s := range scopes {
		out = append(out, scopeLine{s, scopeWords[s]})
	}
	return out
}

var pages = template.Must(template.New("").Parse(`
{{define "head"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Latchkey demo — not a real account</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:34em;margin:2em auto;padding:0 1em;color:#222}
.banner{background:#fff3cd;border:1px solid #e0c36a;padding:.6em 1em;border-radius:6px;font-weight:600}
.code{font:700 1.6em ui-monospace,monospace;letter-spacing:.1em}
button{font-size:1em;padding:.5em 1.4em;margin-right:.6em}
.err{color:#a00}
</style></head><body>
<p class="banner">Latchkey demo — not a real account. This sign-in server runs on this computer only.</p>
{{end}}

{{define "consent"}}{{template "head"}}
<h1>{{.App}} wants to sign in as {{.User}}</h1>
{{template "scopes" .}}
<form method="post" action="{{.Action}}">
<input type="hidden" name="id" value="{{.ID}}">
<input type="hidden" name="csrf" value="{{.CSRF}}">
<button type="submit" name="action" value="allow">Allow</button>
<button type="submit" name="action" value="deny">Deny</button>
</form></body></html>{{end}}

{{define "oauth1"}}{{template "head"}}
<h1>{{.App}} wants to sign in as {{.User}} (OAuth 1.0a)</h1>
<p>It asks to use the demo account on your behalf.{{if .Words}} {{.Words}}{{end}}</p>
<form method="post" action="{{.Action}}">
<input type="hidden" name="oauth_token" value="{{.ID}}">
<input type="hidden" name="csrf" value="{{.CSRF}}">
<button type="submit" name="action" value="allow">Allow</button>
<button type="submit" name="action" value="deny">Deny</button>
</form></body></html>{{end}}

{{define "scopes"}}<p>It asks to:</p><ul>
{{range .Scopes}}<li><code>{{.Name}}</code>{{if .Words}}: {{.Words}}{{end}}</li>{{end}}
</ul>{{end}}

{{define "enter"}}{{template "head"}}
<h1>Sign in with a code</h1>
{{if .Error}}<p class="err">{{.Error}}</p>{{end}}
<form method="get" action="{{.Action}}">
<label>Code shown by Latchkey: <input name="user_code" autocomplete="off" autofocus></label>
<button type="submit">Next</button>
</form></body></html>{{end}}

{{define "device"}}{{template "head"}}
<h1>{{.App}} wants to sign in as {{.User}}</h1>
<p>Check that Latchkey shows this code:</p><p class="code">{{.UserCode}}</p>
{{template "scopes" .}}
<form method="post" action="{{.Action}}">
<input type="hidden" name="user_code" value="{{.UserCode}}">
<input type="hidden" name="csrf" value="{{.CSRF}}">
<button type="submit" name="action" value="allow">Allow</button>
<button type="submit" name="action" value="deny">Deny</button>
</form></body></html>{{end}}

{{define "result"}}{{template "head"}}
<h1>{{.Title}}</h1><p>{{.Words}}</p></body></html>{{end}}
`))

type pageData struct {
	App, User, Action, ID, CSRF, UserCode, Error, Title, Words string
	Scopes                                                     []scopeLine
}

// csrf is the form token of one request: HMAC-SHA256 under the server's
// key of its kind and id (an authorization request id or a user code).
func (s *Server) csrf(kind, id string) string {
	m := hmac.New(sha256.New, s.formKey)
	m.Write([]byte(kind + "\x00" + id))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (s *Server) csrfOK(kind, id, got string) bool {
	return hmac.Equal([]byte(s.csrf(kind, id)), []byte(got))
}

func render(w http.ResponseWriter, status int, name string, d pageData) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	// No script, nothing from elsewhere; a form may post here and is then
	// redirected to the loopback callback on another port.
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http://127.0.0.1:*; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	w.WriteHeader(status)
	_ = pages.ExecuteTemplate(w, name, d)
}

func resultPage(w http.ResponseWriter, status int, title, words string) {
	render(w, status, "result", pageData{Title: title, Words: words})
}

// consent serves the browser sign-in's consent page (GET) and takes the
// person's decision (POST).
func (s *Server) consent(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		id := r.URL.Query().Get(fieldID)
		a, ok := s.store.pending(id)
		if !ok {
			resultPage(w, http.StatusBadRequest, "This sign-in has ended", "It was finished, cancelled or is more than ten minutes old. Start the sign-in again in Latchkey.")
			return
		}
		render(w, http.StatusOK, "consent", pageData{App: appName, User: UserName, Action: loginPath, ID: id, CSRF: s.csrf("consent", id), Scopes: scopeLines(a.scopes)})
	case http.MethodPost:
		id := r.PostFormValue(fieldID)
		if !s.csrfOK("consent", id, r.PostFormValue(fieldCSRF)) {
			resultPage(w, http.StatusForbidden, "This form is not from this page", "The answer did not come from the consent page this demo server showed. Start the sign-in again in Latchkey.")
			return
		}
		switch r.PostFormValue(fieldAction) {
		case actionAllow:
			a, err := s.store.approve(id)
			if err != nil {
				resultPage(w, http.StatusBadRequest, "This sign-in has ended", "It was already decided or is more than ten minutes old. Start the sign-in again in Latchkey.")
				return
			}
			op.AuthResponse(a, s.op, w, r)
		case actionDeny:
			a, err := s.store.deny(id)
			if err != nil {
				resultPage(w, http.StatusBadRequest, "This sign-in has ended", "It was already decided or is more than ten minutes old.")
				return
			}
			// The standard refusal (RFC 6749 §4.1.2.1) with the state, built
			// here rather than by op.AuthRequestError, which logs the state.
			e := oidc.ErrAccessDenied().WithDescription("The person pressed Deny on the demo consent page.")
			e.State = a.state
			to, err := op.AuthResponseURL(a.redirectURI, a.responseType, a.responseMode, e, s.op.Encoder())
			if err != nil {
				resultPage(w, http.StatusInternalServerError, "Denied", "Latchkey was not signed in, and could not be told so: cancel the sign-in there.")
				return
			}
			http.Redirect(w, r, to, http.StatusFound)
		default:
			resultPage(w, http.StatusBadRequest, "No decision", "Press Allow or Deny.")
		}
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "use GET or POST", http.StatusMethodNotAllowed)
	}
}

// normalizeUserCode accepts what a person types: any case, spaces, with or
// without the dash.
func normalizeUserCode(c string) string {
	c = strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(c)))
	if len(c) == 8 {
		c = c[:4] + "-" + c[4:]
	}
	return c
}

// device serves the verification page of the device sign-in (RFC 8628
// §3.3): GET without a code asks for one, GET with a code shows what is
// asked with Allow and Deny, POST takes the decision.
func (s *Server) device(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		raw := r.URL.Query().Get(fieldUserCode)
		if raw == "" {
			render(w, http.StatusOK, "enter", pageData{Action: devicePath})
			return
		}
		code := normalizeUserCode(raw)
		st, ok := s.store.device(code)
		if !ok {
			render(w, http.StatusOK, "enter", pageData{Action: devicePath, Error: "That code is not known here, was already used, or has expired. Check the code Latchkey shows, or start again there."})
			return
		}
		render(w, http.StatusOK, "device", pageData{App: appName, User: UserName, Action: devicePath, UserCode: code, CSRF: s.csrf("device", code), Scopes: scopeLines(st.Scopes)})
	case http.MethodPost:
		code := r.PostFormValue(fieldUserCode)
		if !s.csrfOK("device", code, r.PostFormValue(fieldCSRF)) {
			resultPage(w, http.StatusForbidden, "This form is not from this page", "The answer did not come from the page this demo server showed. Open the page again and enter the code.")
			return
		}
		action := r.PostFormValue(fieldAction)
		if action != actionAllow && action != actionDeny {
			resultPage(w, http.StatusBadRequest, "No decision", "Press Allow or Deny.")
			return
		}
		if err := s.store.decideDevice(code, action == actionAllow); err != nil {
			resultPage(w, http.StatusBadRequest, "This code has ended", "It was already used or has expired. Start again in Latchkey.")
			return
		}
		if action == actionAllow {
			resultPage(w, http.StatusOK, "Allowed", "Latchkey is signed in to the demo. You can close this page.")
			return
		}
		resultPage(w, http.StatusOK, "Denied", "Latchkey was not signed in. You can close this page.")
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "use GET or POST", http.StatusMethodNotAllowed)
	}
}

// oauth1Profile is the OAuth 1.0a demo's profile endpoint answer: the demo
// user.
var oauth1Profile = `{"id":"` + UserSubject + `","name":"` + UserName + `","screen_name":"` + UserLogin + `","email":"` + UserEmail + `"}`

// oauth1Consent is the OAuth 1.0a demo's consent page (Options.Consent of
// oauth1server): Allow and Deny, posted back to the authorize endpoint
// with the request token and its CSRF value.
func oauth1Consent(w http.ResponseWriter, r oauth1server.ConsentRequest) {
	words := ""
	if r.Callback == "oob" {
		words = "After Allow, this page shows a code to paste into Latchkey."
	}
	render(w, http.StatusOK, "oauth1", pageData{App: appName, User: UserName, Action: r.Action, ID: r.Token, CSRF: r.CSRF, Words: words})
}
