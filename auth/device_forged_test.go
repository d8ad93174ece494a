package auth

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestForgedDeviceCompleteURI: a verification_uri_complete on another
// origin than the verification_uri shown (RFC 8628 §5.4) is dropped: the
// browser opens the page the person reads, and the sign-in goes on.
func TestForgedDeviceCompleteURI(t *testing.T) {
	for _, tc := range []struct {
		name, complete string // complete: a format with the server's URL
		keep           bool
	}{
		{"another origin", "https://phish.example/device?user_code=WDJB", false},
		{"another port", "%s0/device?user_code=WDJB", false},
		{"same origin", "%s/device?user_code=WDJB", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var srv *httptest.Server
			complete := ""
			srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				switch r.URL.Path {
				case "/device_authorization":
					fmt.Fprintf(w, `{"device_code":"dc","user_code":"WDJB","verification_uri":"%s/device","verification_uri_complete":%q,"expires_in":900}`, srv.URL, complete)
				case "/token":
					fmt.Fprint(w, `{"access_token":"at","token_type":"bearer"}`)
				}
			}))
			defer srv.Close()
			complete = tc.complete
			if len(complete) > 2 && complete[:2] == "%s" {
				complete = fmt.Sprintf(complete, srv.URL)
			}
			svc, _, opts := deviceService(t, fmt.Sprintf(`
[[provider]]
id = "dev"
name = "Dev"
protocol = "oauth2"
client_id = "c"
access_token_url = "%[1]s/token"
device_authorization_url = "%[1]s/device_authorization"
`, srv.URL), nil)
			opts.NoBrowser = true
			var shown DeviceCode
			opts.Code = func(c DeviceCode) { shown = c }
			if _, err := svc.LoginDevice(context.Background(), "dev", opts); err != nil {
				t.Fatalf("LoginDevice: %v", err)
			}
			want := srv.URL + "/device"
			if tc.keep {
				want = complete
			}
			if got := shown.BrowserURI(); got != want || (shown.VerificationURIComplete != "") != tc.keep {
				t.Errorf("BrowserURI %q (complete %q), want %q", got, shown.VerificationURIComplete, want)
			}
			t.Logf("reliability|device sign-in|verification_uri_complete %s|1|opened %s|nothing", tc.name, map[bool]string{true: "the complete URI", false: "the verification_uri shown instead"}[tc.keep])
		})
	}
}
