// Package gowords lets tests check that what a person reads holds no raw Go
// error text. It imports nothing but strings, so any test may use it.
package gowords

import "strings"

// goErrorWords are fragments of Go's and its libraries' own error texts
// (net, crypto/tls, x509, net/http, encoding/json, mrjones/oauth): words a
// person must never read in Latchkey's messages.
var goErrorWords = []string{
	"dial tcp", "connection refused", `Get "`, `Post "`, ": EOF", "unexpected EOF",
	"context deadline exceeded", "Client.Timeout", "awaiting headers",
	"x509:", "tls:", "net/http:", "json: cannot unmarshal", "invalid character",
	"invalid URL escape", "oauth: ",
}

// Find returns the first fragment of a raw Go error text found in
// msg, or "" when msg holds none: tests assert that what a person reads
// is Latchkey's words.
func Find(msg string) string {
	for _, w := range goErrorWords {
		if strings.Contains(msg, w) {
			return w
		}
	}
	return ""
}
