package auth

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/oauth2"

	"latchkey/auth/provider"
)

// postForm POSTs form to endpoint (role names it in messages) with p's
// client authentication, the one its token endpoint uses (oauth2Config):
// client_id alone for a public client, client_secret_post in the body, or
// client_secret_basic in the header with form-encoded credentials (RFC 6749
// §2.3.1). It returns the response (body already read) and the answer
// decoded from JSON, or from form encoding when labelled so; answer is nil
// when the body is neither.
func (s *Service) postForm(ctx context.Context, p *provider.Provider, role, endpoint string, form url.Values) (*http.Response, map[string]any, error) {
	conf := oauth2Config(p, "")
	if conf.Endpoint.AuthStyle == oauth2.AuthStyleInParams {
		form.Set("client_id", conf.ClientID)
		if conf.ClientSecret != "" {
			form.Set("client_secret", conf.ClientSecret)
		}
	}
	req, err := http.NewRequestWithContext(withEndpoint(ctx, p.DisplayName(), role), http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, nil, newResponseError(p.DisplayName(), role, endpoint, 0, "was not contacted: its URL is not valid")
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if conf.Endpoint.AuthStyle == oauth2.AuthStyleInHeader {
		req.SetBasicAuth(url.QueryEscape(conf.ClientID), url.QueryEscape(conf.ClientSecret))
	}
	resp, err := s.http.Do(req)
	if err != nil {
		return nil, nil, requestError(ctx, p.DisplayName(), role, endpoint, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body) // the guard has read and bounded it
	if err != nil {
		return nil, nil, newResponseError(p.DisplayName(), role, endpoint, resp.StatusCode, "broke off its answer")
	}
	return resp, decodeAnswer(resp.Header.Get("Content-Type"), body), nil
}
