package auth

import (
	"context"
	"io"
	"net/http"
)

// document is the answer of a provider endpoint that serves JSON: userinfo,
// discovery, JWKS.
type document struct {
	provider, role, url string // url without query, for messages
	status              int
	body                []byte
}

// getDocument GETs rawURL through client (the guard's size, HTML and TLS
// rules apply) asking for JSON. A 200 answer is returned; any other status
// is a *ResponseError whose Problem is notOK.
func getDocument(ctx context.Context, client *http.Client, name, role, rawURL string, header http.Header, notOK string) (*document, error) {
	d := &document{provider: name, role: role, url: endpointURL(rawURL)}
	req, err := http.NewRequestWithContext(withEndpoint(ctx, name, role), http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, d.fail("is not a valid URL")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, requestError(ctx, name, role, rawURL, err)
	}
	defer resp.Body.Close()
	d.status = resp.StatusCode
	if d.body, err = io.ReadAll(resp.Body); err != nil {
		return nil, d.fail("broke off its answer")
	}
	if resp.StatusCode != http.StatusOK {
		return nil, d.fail(notOK)
	}
	return d, nil
}

// fail is a *ResponseError about this document.
func (d *document) fail(problem string) error {
	e := newResponseError(d.provider, d.role, d.url, d.status, problem)
	return e
}
