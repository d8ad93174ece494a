package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"latchkey/auth/authtest"
)

// apiServer is a protected resource on 127.0.0.1 that checks the bearer
// token with the authorization server's own introspection.
type apiServer struct {
	*httptest.Server
	requests atomic.Int32
	reject   atomic.Int32 // answer 401 to this many requests first (-1: always)
}

// apiAnswer is the JSON the API answers, spaced oddly on purpose: a
// passthrough keeps it byte for byte, a pretty-print does not.
const apiAnswer = `{"login":"ada",  "ids":[1,2],"ok":true}`

func newAPIServer(t *testing.T, idp *authtest.OAuth2) *apiServer {
	s := &apiServer{}
	mux := http.NewServeMux()
	mux.HandleFunc("/things", func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		if n := s.reject.Load(); n != 0 {
			if n > 0 {
				s.reject.Add(-1)
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"message":"Bad credentials"}`)
			return
		}
		if !idp.BearerValid(r) {
			http.Error(w, `{"message":"no valid bearer"}`, http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("X-Query", r.URL.RawQuery)
		io.WriteString(w, apiAnswer)
	})
	mux.HandleFunc("/missing", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"message":"Not Found","documentation_url":"https://docs.example/"}`)
	})
	mux.HandleFunc("/hop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/things", http.StatusFound)
	})
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

// bystander is another host: it records the Authorization headers it got.
type bystander struct {
	*httptest.Server
	mu   sync.Mutex
	auth []string
}

func newBystander(t *testing.T) *bystander {
	b := &bystander{}
	b.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.mu.Lock()
		b.auth = append(b.auth, r.Header.Get("Authorization"))
		b.mu.Unlock()
		io.WriteString(w, "landed")
	}))
	t.Cleanup(b.Close)
	return b
}

func (b *bystander) seen() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.auth...)
}

// runTerm is h.run with stdout reported as a terminal or not.
func (h *harness) runTerm(terminal bool, stdin string, args ...string) (int, string, string) {
	h.t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, Deps{
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Service: h.service,
		IsTerminal: func(io.Writer) bool { return terminal },
	})
	return code, out.String(), errb.String()
}

// bearerSetup signs in to a fosite provider whose api_base_url is an API
// server, and returns them.
func bearerSetup(t *testing.T, extra ...string) (*harness, *authtest.OAuth2, *apiServer) {
	t.Helper()
	idp := authtest.NewOAuth2(t)
	api := newAPIServer(t, idp)
	br := authtest.NewBrowser()
	h := newHarness(t, idpTOML(idp)+fmt.Sprintf("api_base_url = %q\n", api.URL)+strings.Join(extra, "\n"), br)
	if code, out, errs := h.run("", "login", "idp"); code != 0 {
		t.Fatalf("login: exit %d, %q, %q", code, out, errs)
	}
	br.Next(t)
	return h, idp, api
}

func tokenRequests(idp *authtest.OAuth2) int {
	n := 0
	for _, r := range idp.Requests() {
		if r.Path == "/token" {
			n++
		}
	}
	return n
}

func TestAPIBearer(t *testing.T) {
	h, idp, api := bearerSetup(t)

	code, out, errs := h.runTerm(false, "", "api", "idp", "/things", "-f", "q=a b", "-f", "n=1")
	if code != 0 || errs != "" || out != apiAnswer {
		t.Fatalf("api (not a terminal): exit %d, stdout %q, stderr %q; want the answer byte for byte", code, out, errs)
	}
	code, out, _ = h.runTerm(true, "", "api", "idp", "things")
	if want := "{\n  \"login\": \"ada\",\n  \"ids\": [\n    1,\n    2\n  ],\n  \"ok\": true\n}\n"; code != 0 || out != want {
		t.Errorf("api (a terminal): exit %d, stdout %q, want %q", code, out, want)
	}
	code, out, _ = h.runTerm(false, "", "api", "idp", "/things", "-X", "GET", "-f", "q=x", "--include")
	if code != 0 || !strings.HasPrefix(out, "HTTP/1.1 200 OK\n") || !strings.Contains(out, "\nX-Query: q=x\n") || !strings.HasSuffix(out, "\n\n"+apiAnswer) {
		t.Errorf("api --include: exit %d\n%s", code, out)
	}
	code, out, _ = h.runTerm(false, "", "api", "idp", "/things", "--silent")
	if code != 0 || out != "" {
		t.Errorf("api --silent: exit %d, stdout %q", code, out)
	}
	// A redirect within the API's origin carries the credential again.
	if code, out, errs := h.runTerm(false, "", "api", "idp", "/hop"); code != 0 || out != apiAnswer {
		t.Errorf("api /hop: exit %d, %q, %q", code, out, errs)
	}

	code, out, errs = h.runTerm(false, "", "api", "idp", "/missing")
	if code != 1 || !strings.Contains(out, `"Not Found"`) || !strings.Contains(errs, "HTTP 404 Not Found: Not Found; check the path") {
		t.Errorf("api 404: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if got := tokenRequests(idp); got != 1 {
		t.Errorf("%d token requests, want 1 (the sign-in)", got)
	}
	if api.requests.Load() != 5 {
		t.Errorf("API saw %d requests to /things, want 5", api.requests.Load())
	}
}

func TestAPIRefreshesOnceOn401(t *testing.T) {
	h, idp, api := bearerSetup(t)
	before := tokenRequests(idp)

	api.reject.Store(1) // the stored token looks valid but is refused once
	code, out, errs := h.runTerm(false, "", "api", "idp", "/things")
	if code != 0 || out != apiAnswer {
		t.Fatalf("api after one 401: exit %d, %q, %q", code, out, errs)
	}
	if got := api.requests.Load(); got != 2 {
		t.Errorf("API requests = %d, want 2 (the 401 and one retry)", got)
	}
	if got := tokenRequests(idp) - before; got != 1 || idp.RefreshGrants() != 1 {
		t.Errorf("token requests = %d, refresh grants = %d; want exactly one refresh", got, idp.RefreshGrants())
	}

	api.reject.Store(-1) // always 401: one refresh, one retry, never more
	code, _, errs = h.runTerm(false, "", "api", "idp", "/things")
	if code != 1 || !strings.Contains(errs, "HTTP 401 Unauthorized: Bad credentials") || !strings.Contains(errs, "latchkey login idp") {
		t.Errorf("api with a refused token: exit %d, stderr %q", code, errs)
	}
	if got := api.requests.Load(); got != 4 {
		t.Errorf("API requests = %d, want 4", got)
	}
	if got := idp.RefreshGrants(); got != 2 {
		t.Errorf("refresh grants = %d, want 2", got)
	}
}

func TestAPICredentialConfinement(t *testing.T) {
	h, _, _ := bearerSetup(t)
	other := newBystander(t)
	otherHost := strings.TrimPrefix(other.URL, "http://")

	code, _, errs := h.run("", "api", "idp", other.URL+"/x")
	if code != 1 || !strings.Contains(errs, "did not send Test IdP's credentials to "+otherHost) || !strings.Contains(errs, "--allow-host "+otherHost) {
		t.Errorf("api to another host: exit %d, stderr %q", code, errs)
	}
	if n := len(other.seen()); n != 0 {
		t.Errorf("the other host got %d requests before the refusal", n)
	}
	code, out, errs := h.run("", "api", "idp", other.URL+"/x", "--allow-host", otherHost)
	if seen := other.seen(); code != 0 || out != "landed" || len(seen) != 1 || !strings.HasPrefix(seen[0], "Bearer ") {
		t.Errorf("api --allow-host: exit %d, %q, %q, the host saw %q", code, out, errs, seen)
	}

	// A redirect to another host is followed without the credential.
	mux := http.NewServeMux()
	mux.HandleFunc("/away", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" {
			http.Error(w, "no credential", http.StatusUnauthorized)
			return
		}
		http.Redirect(w, r, other.URL+"/landing", http.StatusFound)
	})
	redirector := httptest.NewServer(mux)
	defer redirector.Close()
	code, out, errs = h.run("", "api", "idp", redirector.URL+"/away", "--allow-host", strings.TrimPrefix(redirector.URL, "http://"))
	if seen := other.seen(); code != 0 || out != "landed" || len(seen) != 2 || seen[1] != "" {
		t.Errorf("redirect to another host: exit %d, %q, %q; the other host saw Authorization %q", code, out, errs, seen)
	}
	// ... but never with a body it would resend.
	mux.HandleFunc("/post-away", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/landing", http.StatusTemporaryRedirect)
	})
	code, _, errs = h.run("", "api", "idp", redirector.URL+"/post-away", "-f", "a=b", "--allow-host", strings.TrimPrefix(redirector.URL, "http://"))
	if code != 1 || !strings.Contains(errs, "would receive the request's body again") || len(other.seen()) != 2 {
		t.Errorf("307 to another host: exit %d, stderr %q", code, errs)
	}

	// Plain http to a host that is not loopback: refused before sending.
	code, _, errs = h.run("", "api", "idp", "http://api.example.com/x", "--allow-host", "api.example.com")
	if code != 1 || !strings.Contains(errs, "uses plain http to api.example.com") {
		t.Errorf("plain http: exit %d, stderr %q", code, errs)
	}
	// A relative path without api_base_url.
	h2, _, _ := bearerSetup(t)
	os.WriteFile(h2.config, []byte(strings.Replace(readFileT(t, h2.config), "api_base_url", "# api_base_url", 1)), 0o600)
	if code, _, errs := h2.run("", "api", "idp", "/user"); code != 1 || !strings.Contains(errs, "no api_base_url") {
		t.Errorf("no api_base_url: exit %d, %q", code, errs)
	}
}

func readFileT(t *testing.T, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// oauth1Harness signs in through the CLI to an OAuth 1.0a provider with
// method, whose api_base_url is its own URL.
func oauth1Harness(t *testing.T, method string) (*harness, *authtest.OAuth1Provider) {
	t.Helper()
	opts := authtest.OAuth1Options{}
	extra := fmt.Sprintf("signature_method = %q\n", method)
	if method == "RSA-SHA1" {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		opts.RSAPublicKey = &key.PublicKey
		path := filepath.Join(t.TempDir(), "key.pem")
		if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600); err != nil {
			t.Fatal(err)
		}
		extra += fmt.Sprintf("rsa_key_file = %q\n", path)
	}
	idp := authtest.NewOAuth1Provider(t, opts)
	br := authtest.NewBrowser()
	h := newHarness(t, idp.ProviderTOML("photos", "Photos", "loopback", extra, fmt.Sprintf("api_base_url = %q", idp.URL)), br)
	if code, out, errs := h.run("", "login", "photos"); code != 0 {
		t.Fatalf("login: exit %d, %q, %q", code, out, errs)
	}
	br.Next(t)
	return h, idp
}

func TestAPIOAuth1EachSignatureMethod(t *testing.T) {
	for _, method := range []string{"HMAC-SHA1", "HMAC-SHA256", "RSA-SHA1", "PLAINTEXT"} {
		t.Run(method, func(t *testing.T) {
			h, idp := oauth1Harness(t, method)
			last := func() authtest.OAuth1Request { r := idp.Requests(); return r[len(r)-1] }

			// Query parameters, signed.
			code, out, errs := h.run("", "api", "photos", "/oauth1/profile?page=2", "-X", "GET", "-f", "q=a b&c")
			r := last()
			if code != 0 || out != authtest.OAuth1ProfileJSON || r.Status != 200 || r.Query.Get("q") != "a b&c" || r.Query.Get("page") != "2" || r.OAuth.Get("oauth_signature_method") != method {
				t.Errorf("GET with query: exit %d, %q, %q; provider saw %+v", code, out, errs, r)
			}
			// Form parameters, signed.
			code, out, errs = h.run("", "api", "photos", "/oauth1/profile", "-f", "title=Ada's ☃", "-f", "tags=a+b")
			r = last()
			if code != 0 || out != authtest.OAuth1ProfileJSON || r.Status != 200 || r.Method != "POST" || r.Form.Get("title") != "Ada's ☃" || r.Form.Get("tags") != "a+b" {
				t.Errorf("POST with form: exit %d, %q, %q; provider saw %+v", code, out, errs, r)
			}
			// sign: the header for curl, checked by the provider.
			target := idp.ProfileURL + "?x=1"
			code, out, errs = h.run("", "sign", "photos", "GET", target)
			if code != 0 || !strings.HasPrefix(out, "Authorization: OAuth ") {
				t.Fatalf("sign: exit %d, %q, %q", code, out, errs)
			}
			req, _ := http.NewRequest("GET", target, nil)
			req.Header.Set("Authorization", strings.TrimPrefix(strings.TrimSpace(out), "Authorization: "))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("the signed header from `sign` was refused: %d %s", resp.StatusCode, last().Problem)
			}
			// token --header has no fixed header to give.
			if code, _, errs := h.run("", "token", "photos", "--header"); code != 1 || !strings.Contains(errs, "latchkey sign photos METHOD URL") {
				t.Errorf("token --header for OAuth 1.0a: exit %d, %q", code, errs)
			}
			// sign is confined too.
			if code, _, errs := h.run("", "sign", "photos", "GET", "https://elsewhere.example/x"); code != 1 || !strings.Contains(errs, "--allow-host elsewhere.example") {
				t.Errorf("sign elsewhere: exit %d, %q", code, errs)
			}
		})
	}
}

func TestTokenHeader(t *testing.T) {
	h, _, _ := bearerSetup(t)
	_, tok, _ := h.run("", "token", "idp")
	code, out, errs := h.run("", "token", "idp", "--header")
	if code != 0 || out != "Authorization: Bearer "+tok {
		t.Errorf("token --header: exit %d, %q, %q", code, out, errs)
	}
	if code, _, errs := h.run("", "sign", "idp", "GET", "https://x.example/"); code != 1 || !strings.Contains(errs, "latchkey token idp --header") {
		t.Errorf("sign for a Bearer provider: exit %d, %q", code, errs)
	}
}

func TestExec(t *testing.T) {
	home, tmp := t.TempDir(), t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("TMPDIR", tmp)
	h, _, _ := bearerSetup(t)
	_, tok, _ := h.run("", "token", "idp")
	tok = strings.TrimSpace(tok)

	code, out, errs := h.run("", "exec", "idp", "--", "sh", "-c", `printf '%s %s' "$LATCHKEY_TOKEN_TYPE" "$LATCHKEY_ACCESS_TOKEN"; exit 3`)
	if code != 3 || out != "bearer "+tok && out != "Bearer "+tok {
		t.Errorf("exec: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if code, out, _ := h.run("in", "exec", "idp", "sh", "-c", `cat; echo -n " $LATCHKEY_CONSUMER_KEY" >&2`); code != 0 || out != "in" {
		t.Errorf("exec passes stdin through: exit %d, %q", code, out)
	}
	if code, _, _ := h.run("", "exec", "idp", "--", "sh", "-c", "kill -TERM $$"); code != 128+15 {
		t.Errorf("exec of a program ended by SIGTERM: exit %d, want 143", code)
	}
	if code, _, errs := h.run("", "exec", "idp", "--", "no-such-program-latchkey"); code != 1 || !strings.Contains(errs, "no such program on PATH") {
		t.Errorf("exec of a missing program: exit %d, %q", code, errs)
	}
	for _, dir := range []string{home, tmp} {
		filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				if b, _ := os.ReadFile(path); bytes.Contains(b, []byte(tok)) {
					t.Errorf("%s holds the token", path)
				}
			}
			return nil
		})
	}
}

func TestExecOAuth1(t *testing.T) {
	h, idp := oauth1Harness(t, "HMAC-SHA1")
	code, out, errs := h.run("", "exec", "photos", "--", "sh", "-c", `printf '%s|%s|%s|%s|%s' "$LATCHKEY_TOKEN_TYPE" "$LATCHKEY_CONSUMER_KEY" "$LATCHKEY_CONSUMER_SECRET" "${#LATCHKEY_TOKEN}" "${#LATCHKEY_TOKEN_SECRET}"`)
	parts := strings.Split(out, "|")
	if code != 0 || len(parts) != 5 || parts[0] != "OAuth" || parts[1] != idp.ConsumerKey || parts[2] != idp.ConsumerSecret || parts[3] == "0" || parts[4] == "0" {
		t.Errorf("exec (OAuth 1.0a): exit %d, %q, %q", code, out, errs)
	}
}
