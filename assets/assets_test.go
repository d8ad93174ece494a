package assets

import (
	"bytes"
	"image/png"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestIconIsA256PNG(t *testing.T) {
	cfg, err := png.DecodeConfig(bytes.NewReader(Icon))
	if err != nil {
		t.Fatalf("Icon is not a PNG: %v", err)
	}
	if cfg.Width != 256 || cfg.Height != 256 {
		t.Errorf("Icon is %dx%d, want 256x256", cfg.Width, cfg.Height)
	}
}

// remoteRef matches a tag attribute, CSS url() or @import that loads
// something from another origin: http:, https: or a scheme-relative //host
// reference. Escaped text (&lt;img src=https://…) is not a tag and does not match.
var remoteRef = regexp.MustCompile(`(?i)<[a-z][^>]*\s(src|href|action|formaction|srcset|poster|data)\s*=\s*["']?\s*(https?:|//)|url\(\s*["']?\s*(https?:|//)|@import\s+["']?\s*(https?:|//)`)

func TestPages(t *testing.T) {
	tests := []struct {
		name       string
		write      func(http.ResponseWriter)
		wantStatus int
		want       []string // substrings of the body
		notWant    []string
	}{
		{
			name:       "success",
			write:      WriteSuccess,
			wantStatus: http.StatusOK,
			want:       []string{"Signed in — you can close this tab and return to Latchkey"},
			notWant:    []string{"Sign-in failed"},
		},
		{
			name: "failure escapes the message",
			write: func(w http.ResponseWriter) {
				WriteFailure(w, http.StatusBadRequest, `state <b>mismatch</b> & "quote" <script>alert(1)</script> <img src=https://evil.example/x>`)
			},
			wantStatus: http.StatusBadRequest,
			want: []string{
				"Sign-in failed",
				"Return to Latchkey",
				"state &lt;b&gt;mismatch&lt;/b&gt; &amp; &#34;quote&#34; &lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=https://evil.example/x&gt;",
			},
			notWant: []string{"<b>mismatch", "<script", "<img src=https"},
		},
		{
			name:       "failure without a message",
			write:      func(w http.ResponseWriter) { WriteFailure(w, http.StatusGone, "") },
			wantStatus: http.StatusGone,
			want:       []string{"Sign-in failed", "Return to Latchkey"},
			notWant:    []string{`class="message"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			tt.write(rec)
			res := rec.Result()
			if res.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d", res.StatusCode, tt.wantStatus)
			}
			for key, want := range map[string]string{
				"Content-Type":            "text/html; charset=utf-8",
				"Referrer-Policy":         "no-referrer",
				"Cache-Control":           "no-store",
				"X-Content-Type-Options":  "nosniff",
				"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
				"Content-Length":          strconv.Itoa(rec.Body.Len()),
			} {
				if got := res.Header.Get(key); got != want {
					t.Errorf("header %s = %q, want %q", key, got, want)
				}
			}
			body := rec.Body.String()
			for _, s := range tt.want {
				if !strings.Contains(body, s) {
					t.Errorf("body lacks %q", s)
				}
			}
			for _, s := range tt.notWant {
				if strings.Contains(body, s) {
					t.Errorf("body contains %q", s)
				}
			}
			if m := remoteRef.FindString(body); m != "" {
				t.Errorf("page references a remote resource: %q", m)
			}
			if strings.Contains(strings.ToLower(body), "<script") {
				t.Error("page contains a script")
			}
			if !strings.Contains(body, `src="data:image/png;base64,`) {
				t.Error("page does not show the icon as a data: URL")
			}
			if !strings.HasSuffix(strings.TrimSpace(body), "</html>") {
				t.Error("page is not complete")
			}
		})
	}
}

// TestRemoteRefPattern makes sure the pattern used above would catch the
// references it is meant to catch.
func TestRemoteRefPattern(t *testing.T) {
	for _, s := range []string{
		`<img src="https://cdn.example/x.png">`,
		`<link rel="stylesheet" href='http://cdn.example/x.css'>`,
		`<script src=//cdn.example/x.js>`,
		`body { background: url( "https://cdn.example/bg.png") }`,
		`@import "https://cdn.example/x.css";`,
	} {
		if !remoteRef.MatchString(s) {
			t.Errorf("pattern misses %q", s)
		}
	}
	for _, s := range []string{
		`<img src="data:image/png;base64,AAAA">`,
		`&lt;img src=https://evil.example/x&gt;`,
	} {
		if remoteRef.MatchString(s) {
			t.Errorf("pattern flags %q", s)
		}
	}
}
