package auth

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/url"
	"strconv"
	"time"
)

// An answer is what an OAuth endpoint that Latchkey reads without x/oauth2
// (device authorization, device token, revocation) sent back, decoded.

// decodeAnswer decodes an OAuth answer: JSON (RFC 6749 §5.1), or form
// encoding when the provider labels it so (GitHub without an Accept
// header). Numbers stay json.Number. It returns nil for anything else.
func decodeAnswer(contentType string, body []byte) map[string]any {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var m map[string]any
	if dec.Decode(&m) == nil && m != nil {
		return m
	}
	ct, _, _ := mime.ParseMediaType(contentType)
	if ct != "application/x-www-form-urlencoded" && ct != "text/plain" {
		return nil
	}
	vals, err := url.ParseQuery(string(body))
	if err != nil || len(vals) == 0 {
		return nil
	}
	m = make(map[string]any, len(vals))
	for k := range vals {
		m[k] = vals.Get(k)
	}
	return m
}

// str returns m[k] when it is a string.
func str(m map[string]any, k string) string {
	v, _ := m[k].(string)
	return v
}

// seconds returns m[k] as whole seconds, accepting a JSON number or a
// numeric string (some providers quote expires_in).
func seconds(m map[string]any, k string) (int64, bool) {
	var s string
	switch v := m[k].(type) {
	case json.Number:
		s = v.String()
	case string:
		s = v
	default:
		return 0, false
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, true
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 0 && f < 1<<40 {
		return int64(f), true
	}
	return 0, false
}

// secondsDuration converts an expires_in or interval value, clamped to 10
// years so a silly value cannot overflow.
func secondsDuration(n int64) time.Duration {
	const max = 10 * 365 * 24 * 3600
	if n > max {
		n = max
	}
	return time.Duration(n) * time.Second
}
