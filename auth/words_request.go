package auth

import "errors"

// sayRequest words the errors of authorised requests (request.go): a host
// the credentials may not go to, a relative path without api_base_url, a
// credential asked for in the wrong form, a body that cannot be sent.
func sayRequest(err error, f Face) (error, string, bool) {
	var (
		host *HostNotAllowedError
		base *NoAPIBaseError
		kind *RequestAuthError
		body *RequestBodyError
		code *APIStatusError
	)
	switch {
	case errors.As(err, &code):
		return code, code.Error() + statusRemedy(code, f), true
	case errors.As(err, &host):
		if host.Problem != "" {
			return host, host.Error() + "; use an https:// URL", true
		}
		return host, host.Error() + pick(f,
			"; if "+host.Host+" is meant to receive them, add --allow-host "+host.Host+" (or set api_base_url for "+host.ID+" in providers.toml)",
			"; if "+host.Host+" is meant to receive them, set api_base_url for "+host.Provider+" in providers.toml"), true
	case errors.As(err, &base):
		return base, base.Error() + pick(f,
			"; pass a full https:// URL instead, or set api_base_url for "+base.ID+" in providers.toml",
			"; set api_base_url for "+base.Provider+" in providers.toml"), true
	case errors.As(err, &kind):
		if kind.Request == AuthSignature {
			return kind, kind.Error() + pick(f,
				"; use `latchkey sign "+kind.ID+" METHOD URL` to print the header for one request, or let `latchkey api "+kind.ID+"` send it",
				"; use the access token and the token secret instead"), true
		}
		return kind, kind.Error() + pick(f,
			"; use `latchkey token "+kind.ID+" --header` to print its Authorization header",
			"; use its Authorization header instead"), true
	case errors.As(err, &body):
		return body, body.Error() + pick(f, "; check the file given to --input, or try again with a smaller body", "; try again with a smaller body"), true
	}
	return nil, "", false
}

// statusRemedy says what to do about an API's non-2xx answer.
func statusRemedy(e *APIStatusError, f Face) string {
	switch {
	case e.Status == 401:
		return pick(f, "; the token was refused: run `latchkey login "+e.ID+"` to sign in again", "; the token was refused: sign in again")
	case e.Status == 403:
		return "; check that the account may do this and that the sign-in asked for the scopes it needs"
	case e.Status == 404:
		return "; check the path and the method (some APIs answer 404 for what the account may not see)"
	case e.Status == 429:
		return "; the API limits the rate of requests: try again later"
	case e.Status >= 500:
		return "; the API is having trouble: try again later"
	}
	return "; check the request (method, path, parameters and headers)"
}
