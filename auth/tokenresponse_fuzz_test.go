package auth_test

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"latchkey/auth"
	"latchkey/auth/authtest/gowords"
)

// FuzzTokenResponse answers a refresh with arbitrary bytes under arbitrary
// content types and statuses: Refresh never panics; it either hands out a
// usable token set (a non-empty access token whose expiry, when known, has
// not passed) or refuses in words that name the provider and hold no raw
// Go error; and a refusal never loses the stored account.
func FuzzTokenResponse(f *testing.F) {
	f.Add(200, "application/json", `{"access_token":"new","token_type":"bearer","expires_in":3600,"refresh_token":"r2"}`)
	f.Add(200, "application/json", `{"access_token":"","token_type":"bearer"}`)
	f.Add(200, "application/json", `{"access_token":"x","token_type":"mac"}`)
	f.Add(200, "application/json", `{"access_token":"x","expires_in":-5}`)
	f.Add(400, "application/json", `{"error":"invalid_grant","error_description":"\u001b[2Jgone"}`)
	f.Add(200, "application/x-www-form-urlencoded", `access_token=x&token_type=bearer&expires_in=60`)
	f.Add(200, "text/html", `<html>login</html>`)
	f.Add(502, "text/plain", `bad gateway`)
	h := newHostile(f)
	var status atomic.Int32
	var ctype, body atomic.Value
	status.Store(200)
	ctype.Store("application/json")
	body.Store(`{"access_token":"first","token_type":"bearer","expires_in":3600,"refresh_token":"r1"}`)
	h.token = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", ctype.Load().(string))
		w.WriteHeader(int(status.Load()))
		_, _ = w.Write([]byte(body.Load().(string)))
	}
	svc := h.service(f, h.srv.URL, &http.Client{Timeout: 3 * time.Second})
	if _, err := svc.Login(context.Background(), "hostile", auth.LoginOptions{}); err != nil {
		f.Fatalf("Login: %v", err)
	}
	f.Fuzz(func(t *testing.T, code int, contentType, answer string) {
		if code < 200 || code > 599 {
			code = 200 + (code%400+400)%400
		}
		status.Store(int32(code))
		ctype.Store(strings.Map(func(r rune) rune {
			if r < 0x20 || r >= 0x7f {
				return -1
			}
			return r
		}, contentType))
		body.Store(answer)
		a, err := svc.Refresh(context.Background(), "hostile")
		if err == nil {
			if a.Token.AccessToken == "" {
				t.Fatalf("Refresh handed out an empty access token")
			}
			if !a.Token.Expiry.IsZero() && !a.Token.Expiry.After(time.Now()) {
				t.Fatalf("Refresh handed out a token that expired at %v", a.Token.Expiry)
			}
			return
		}
		msg := auth.Describe(err, auth.CLI)
		if !strings.Contains(msg, "Hostile IdP") {
			t.Fatalf("refusal does not name the provider: %q", msg)
		}
		if raw := gowords.Find(msg); raw != "" {
			t.Fatalf("refusal holds a raw Go error (%q): %q", raw, msg)
		}
		if _, aerr := svc.Account("hostile"); aerr != nil {
			t.Fatalf("after a refused refresh the account is gone: %v", aerr)
		}
	})
}

// FuzzIDTokenClaims decodes arbitrary text as an id_token for display: it
// never panics, and only a three-part compact JWT with a JSON object payload
// gives claims.
func FuzzIDTokenClaims(f *testing.F) {
	f.Add("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2ln")
	f.Add("a.b")
	f.Add("..")
	f.Add("eyJhbGciOiJub25lIn0.W10.")
	f.Fuzz(func(t *testing.T, raw string) {
		claims, err := auth.IDTokenClaims(raw)
		if err == nil && (claims == nil || strings.Count(raw, ".") != 2) {
			t.Fatalf("claims %v from %q, which is not a three-part JWT with an object payload", claims, raw)
		}
		if err != nil && err.Error() == "" {
			t.Fatal("an empty error")
		}
	})
}
