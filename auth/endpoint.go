package auth

import (
	"errors"
	"strings"
)

// endpointURL returns the endpoint URL raw without query or fragment, for
// messages (a query may hold a code or a token).
func endpointURL(raw string) string {
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		return raw[:i]
	}
	return raw
}

// unwrapURLError returns the guard's *ResponseError from inside the
// *url.Error that http.Client wraps it in, so messages read cleanly.
func unwrapURLError(err error) error {
	var re *ResponseError
	if errors.As(err, &re) {
		return re
	}
	return err
}
