package authtest

import (
	"net/http/httptest"
	"testing"

	"latchkey/auth/oauth1/oauth1server"
)

// OAuth1Provider is an oauth1server.Server running on 127.0.0.1 for one
// test: its own RFC 5849 signature check, sharing no code with the client.
//
//	p := authtest.NewOAuth1Provider(t, authtest.OAuth1Options{})
//	// configure the client with p.ConsumerKey, p.ConsumerSecret,
//	// p.RequestTokenURL, p.AuthorizeURL, p.AccessTokenURL, p.ProfileURL
//	p.SetFault(authtest.OAuth1AccessToken, authtest.OAuth1FaultHTML) // misbehave
//	for _, r := range p.Requests() { … } // what the client sent
type OAuth1Provider struct {
	*oauth1server.Server
	srv *httptest.Server
}

// The oauth1server names, as the tests have always spelt them.
type (
	OAuth1Options  = oauth1server.Options
	OAuth1Endpoint = oauth1server.Endpoint
	OAuth1Fault    = oauth1server.Fault
	OAuth1Request  = oauth1server.Request
)

// Endpoints and faults (oauth1server's).
const (
	OAuth1RequestToken = oauth1server.EndpointRequestToken
	OAuth1Authorize    = oauth1server.EndpointAuthorize
	OAuth1AccessToken  = oauth1server.EndpointAccessToken
	OAuth1Profile      = oauth1server.EndpointProfile

	OAuth1NoFault          = oauth1server.NoFault
	OAuth1FaultHTML        = oauth1server.FaultHTML
	OAuth1FaultServerError = oauth1server.FaultServerError
	OAuth1FaultOversized   = oauth1server.FaultOversized
	OAuth1FaultStall       = oauth1server.FaultStall
	OAuth1FaultWrongToken  = oauth1server.FaultWrongToken
	OAuth1FaultDeny        = oauth1server.FaultDeny

	OAuth1ProfileJSON = oauth1server.ProfileJSON
)

// OAuth1VerifierFromPage returns the verifier the provider shows on its
// authorize page for an "oob" callback.
var OAuth1VerifierFromPage = oauth1server.VerifierFromPage

// NewOAuth1Provider starts a provider on 127.0.0.1 that tb's cleanup stops.
func NewOAuth1Provider(tb testing.TB, opts OAuth1Options) *OAuth1Provider {
	tb.Helper()
	s := oauth1server.New(opts)
	srv := httptest.NewServer(s.Handler())
	s.SetBaseURL(srv.URL)
	p := &OAuth1Provider{Server: s, srv: srv}
	tb.Cleanup(p.Close)
	return p
}

// Close stops the provider, ending stalled requests first. It is called by
// tb's cleanup and may be called earlier.
func (p *OAuth1Provider) Close() {
	p.Server.Close()
	p.srv.Close()
}
