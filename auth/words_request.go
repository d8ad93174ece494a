package auth

import (
	"errors"

	"latchkey/assets/lang"
)

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
			return host, host.Error() + lang.X("auth.request.https", "; use an https:// URL"), true
		}
		return host, host.Error() + pick(f,
			lang.X("auth.request.host.cli", "; if {{.Host}} is meant to receive them, add --allow-host {{.Host}} (or set api_base_url for {{.ID}} in providers.toml)", map[string]any{"Host": host.Host, "ID": host.ID}),
			lang.X("auth.request.host.window", "; if {{.Host}} is meant to receive them, set api_base_url for {{.Provider}} in providers.toml", map[string]any{"Host": host.Host, "Provider": host.Provider})), true
	case errors.As(err, &base):
		return base, base.Error() + pick(f,
			lang.X("auth.request.base.cli", "; pass a full https:// URL instead, or set api_base_url for {{.ID}} in providers.toml", map[string]any{"ID": base.ID}),
			lang.X("auth.request.base.window", "; set api_base_url for {{.Provider}} in providers.toml", map[string]any{"Provider": base.Provider})), true
	case errors.As(err, &kind):
		if kind.Request == AuthSignature {
			return kind, kind.Error() + pick(f,
				lang.X("auth.request.sign.cli", "; use `latchkey sign {{.ID}} METHOD URL` to print the header for one request, or let `latchkey api {{.ID}}` send it", map[string]any{"ID": kind.ID}),
				lang.X("auth.request.sign.window", "; use the access token and the token secret instead")), true
		}
		return kind, kind.Error() + pick(f,
			lang.X("auth.request.header.cli", "; use `latchkey token {{.ID}} --header` to print its Authorization header", map[string]any{"ID": kind.ID}),
			lang.X("auth.request.header.window", "; use its Authorization header instead")), true
	case errors.As(err, &body):
		return body, body.Error() + pick(f,
			lang.X("auth.request.body.cli", "; check the file given to --input, or try again with a smaller body"),
			lang.X("auth.request.body.window", "; try again with a smaller body")), true
	}
	return nil, "", false
}

// statusRemedy says what to do about an API's non-2xx answer.
func statusRemedy(e *APIStatusError, f Face) string {
	switch {
	case e.Status == 401:
		return pick(f,
			lang.X("auth.status.401.cli", "; the token was refused: run `latchkey login {{.ID}}` to sign in again", map[string]any{"ID": e.ID}),
			lang.X("auth.status.401.window", "; the token was refused: sign in again"))
	case e.Status == 403:
		return lang.X("auth.status.403", "; check that the account may do this and that the sign-in asked for the scopes it needs")
	case e.Status == 404:
		return lang.X("auth.status.404", "; check the path and the method (some APIs answer 404 for what the account may not see)")
	case e.Status == 429:
		return lang.X("auth.status.429", "; the API limits the rate of requests: try again later")
	case e.Status >= 500:
		return lang.X("auth.status.5xx", "; the API is having trouble: try again later")
	}
	return lang.X("auth.status.other", "; check the request (method, path, parameters and headers)")
}
